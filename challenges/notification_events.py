"""Notification events of the open-innovation funnel (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass; emails are in
``templates/notifications/email/<code>{_subject.txt,.txt,.html}``. Each sub-domain keeps its own
section below. Contexts hold plain text and ids only (broadcasts outlive the request), and never
the words of a restricted challenge.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import CALLS, PROJECTS, PROPOSALS, Event, register_event

# --- Calls (challenges.services.calls) ------------------------------------------------------------
CALL_OPENED_MATCH = register_event(
    Event(
        code="challenges.call_opened_match",
        category=CALLS.code,
        title=_("A new call matches your organization: {call_title}"),
        body=_(
            "The call “{call_title}” is open until {closes_at} (Lima time). It asks for "
            "capabilities your organization offers. Read it and start a proposal."
        ),
    )
)
CALL_CLARIFICATION_ASKED = register_event(
    Event(
        code="challenges.call_clarification_asked",
        category=CALLS.code,
        title=_("New question about the call {call_title}"),
        body=_("{organization} asked a question. Answer it or publish it in the FAQ."),
    )
)
CALL_CLARIFICATION_PUBLISHED = register_event(
    Event(
        code="challenges.call_clarification_published",
        category=CALLS.code,
        title=_("New answer in the FAQ of {call_title}"),
        body=_("Question: {question}\nAnswer: {answer}"),
    )
)
CALL_CLARIFICATION_ANSWERED = register_event(
    Event(
        code="challenges.call_clarification_answered",
        category=CALLS.code,
        title=_("Your question about {call_title} was answered"),
        body=_("Answer: {answer}"),
    )
)
CALL_EXTENSION_GRANTED = register_event(
    Event(
        code="challenges.call_extension_granted",
        category=CALLS.code,
        title=_("Deadline extended for {organization} in {call_title}"),
        body=_(
            "The secretariat extended your organization's deadline to {closes_at} (Lima time). "
            "Reason: {reason}"
        ),
    )
)

# --- Proposals (challenges.services.proposals) ----------------------------------------------------
# Dates in contexts are already written in Lima time as dd/mm/yyyy hh:mm (read alike in both
# languages). Every proposal event links to the proposal's page.
PROPOSAL_PARTNER_INVITED = register_event(
    Event(
        code="challenges.proposal_partner_invited",
        category=PROPOSALS.code,
        title=_("{lead} invites {partner} to a consortium for {call_title}"),
        body=_(
            "{lead} invites your organization to the proposal “{proposal_title}” as {role}. "
            "{message} An admin of {partner} can confirm (with a commitment letter) or decline "
            "before {deadline} (Lima time)."
        ),
    )
)
PROPOSAL_PARTNER_CONFIRMED = register_event(
    Event(
        code="challenges.proposal_partner_confirmed",
        category=PROPOSALS.code,
        title=_("{partner} confirmed the partnership in “{proposal_title}”"),
        body=_("{partner} joined the consortium as {role} and uploaded its commitment letter."),
    )
)
PROPOSAL_PARTNER_DECLINED = register_event(
    Event(
        code="challenges.proposal_partner_declined",
        category=PROPOSALS.code,
        title=_("{partner} is not part of the consortium of “{proposal_title}”"),
        body=_("{partner} declined or left the consortium. Reason: {reason}"),
    )
)
PROPOSAL_PARTNER_REMOVED = register_event(
    Event(
        code="challenges.proposal_partner_removed",
        category=PROPOSALS.code,
        title=_("{lead} removed {partner} from the consortium of “{proposal_title}”"),
        body=_("Your organization is no longer a partner of this proposal to {call_title}."),
    )
)
PROPOSAL_SUBMITTED = register_event(
    Event(
        code="challenges.proposal_submitted",
        category=PROPOSALS.code,
        title=_("Receipt {reference}: proposal “{proposal_title}” submitted"),
        body=_(
            "{lead} submitted the proposal “{proposal_title}” to the call “{call_title}” on "
            "{submitted_at} (Lima time). Reference: {reference}. SHA-256 of what was "
            "submitted: {sha256}. Keep this receipt."
        ),
    )
)
PROPOSAL_WITHDRAWN = register_event(
    Event(
        code="challenges.proposal_withdrawn",
        category=PROPOSALS.code,
        title=_("Proposal “{proposal_title}” withdrawn"),
        body=_("{lead} withdrew its proposal to the call “{call_title}”."),
    )
)
PROPOSAL_DEADLINE_REMINDER = register_event(
    Event(
        code="challenges.proposal_deadline_reminder",
        category=CALLS.code,
        title=_("“{proposal_title}” is still a draft: the call closes on {deadline}"),
        body=_(
            "The proposal of {lead} to the call “{call_title}” has not been submitted. It can "
            "change and be submitted until {deadline} (Lima time); after that, drafts are not "
            "evaluated."
        ),
    )
)

# --- Challenges (challenges.services.surveys) ----------------------------------------------
# To the company, the title is its own; another company's challenge is named by
# ``challenges.services.surveys._name_for`` (public version or reference only).
CHALLENGE_SUBMITTED = register_event(
    Event(
        code="challenges.challenge_submitted",
        category=CALLS.code,
        title=_("New challenge to triage: {title}"),
        body=_(
            "{organization} submitted the challenge {reference}. Review it in the triage queue."
        ),
    )
)
CHALLENGE_DETAIL_ANSWERED = register_event(
    Event(
        code="challenges.challenge_detail_answered",
        category=CALLS.code,
        title=_("{organization} sent the detail you asked for: {title}"),
        body=_("Their answer: {answer}"),
    )
)
CHALLENGE_ACCEPTED = register_event(
    Event(
        code="challenges.challenge_accepted",
        category=CALLS.code,
        title=_("Your challenge “{title}” was accepted"),
        body=_(
            "The secretariat accepted the challenge “{title}”. It can now become part of a "
            "call for solutions; we will keep you informed."
        ),
    )
)
CHALLENGE_DETAIL_REQUESTED = register_event(
    Event(
        code="challenges.challenge_detail_requested",
        category=CALLS.code,
        title=_("The secretariat needs more detail about your challenge “{title}”"),
        body=_(
            "To continue with “{title}”, please add: {items}. {message} Answer on the "
            "challenge's page."
        ),
    )
)
CHALLENGE_DECLINED = register_event(
    Event(
        code="challenges.challenge_declined",
        category=CALLS.code,
        title=_("Your challenge “{title}” was not accepted"),
        body=_("The secretariat did not accept the challenge “{title}”. Reason: {reason}"),
    )
)
CHALLENGE_REOPENED = register_event(
    Event(
        code="challenges.challenge_reopened",
        category=CALLS.code,
        title=_("Your challenge “{title}” is under review again"),
        body=_("The secretariat put the challenge “{title}” back in its triage queue."),
    )
)
CHALLENGE_MERGED = register_event(
    Event(
        code="challenges.challenge_merged",
        category=CALLS.code,
        title=_("Two challenges were merged: {merged} into {target}"),
        body=_(
            "The secretariat found that “{merged}” and “{target}” describe the same problem and "
            "merged the first into the second, which carries both forward. Nothing was deleted "
            "and the authors are kept. It concerns your challenge “{title}”."
        ),
    )
)
CHALLENGE_UNMERGED = register_event(
    Event(
        code="challenges.challenge_unmerged",
        category=CALLS.code,
        title=_("A merge was undone: {merged} and {target} are separate again"),
        body=_(
            "The secretariat undid the merge of “{merged}” into “{target}”. It concerns your "
            "challenge “{title}”."
        ),
    )
)

# --- Decisions (challenges.services.decisions) ---------------------------------------------------
# Sent when the coordinator publishes a call's decisions, to the admins of the lead and of the
# confirmed partners; each links to the proposal's page, where the result and the feedback are.
PROPOSAL_AWARDED = register_event(
    Event(
        code="challenges.proposal_awarded",
        category=PROPOSALS.code,
        title=_("Your proposal “{proposal_title}” was selected"),
        body=_(
            "The decisions of the call “{call_title}” were published: the proposal "
            "“{proposal_title}” ({reference}) led by {lead} was selected for funding. Read the "
            "evaluators' feedback and the next steps on the proposal's page."
        ),
    )
)
PROPOSAL_NOT_SELECTED = register_event(
    Event(
        code="challenges.proposal_not_selected",
        category=PROPOSALS.code,
        title=_("Result of the call {call_title}: “{proposal_title}”"),
        body=_(
            "The decisions of the call “{call_title}” were published: the proposal "
            "“{proposal_title}” ({reference}) led by {lead} was not selected this time. Read the "
            "evaluators' feedback on the proposal's page. Thank you for taking part."
        ),
    )
)

# --- Assignments (challenges.services.assignments) -------------------------------------------
# To evaluators: the proposals' titles only (in blind review the coordinator's redacted title),
# never the applicant's identity. Dates in Lima time as dd/mm/yyyy hh:mm.
ASSIGNMENTS_CREATED = register_event(
    Event(
        code="challenges.assignments_created",
        category="evaluation",  # notifications.events.EVALUATION
        title=_("Proposals to evaluate in “{call_title}”: {count}"),
        body=_(
            "You were asked to evaluate {titles}. Before reading each one, declare whether you "
            "have a conflict of interest. Reviews are due by {due_at} (Lima time)."
        ),
    )
)
ASSIGNMENT_DUE_REMINDER = register_event(
    Event(
        code="challenges.assignment_due_reminder",
        category="evaluation",  # notifications.events.EVALUATION
        title=_("Your review of “{proposal_title}” is due on {due_at}"),
        body=_(
            "Your evaluation of “{proposal_title}” in the call “{call_title}” is due in {days} "
            "day(s), on {due_at} (Lima time). Declare any conflict of interest, score each "
            "criterion and submit the review before then."
        ),
    )
)

# --- Evaluator pool and evaluators (challenges.services.evaluation) ------------------------------
# The invitation goes to an address without an account yet (notify_email); the declared conflict
# goes to the evaluation coordinators and names the proposal by its reference only.
EVALUATOR_INVITED = register_event(
    Event(
        code="challenges.evaluator_invited",
        category="evaluation",  # notifications.events.EVALUATION
        title=_("You are invited to evaluate proposals for the Mining Cluster of Southern Peru"),
        body=_(
            "{coordinator} added you to the cluster's pool of evaluators. "
            "Choose a password with the link below (it works once, for {days} day(s)); then "
            "sign in with this email to see the proposals assigned to you. Your account gives "
            "access to your assignments only."
        ),
    )
)
ASSIGNMENT_CONFLICT_DECLARED = register_event(
    Event(
        code="challenges.assignment_conflict_declared",
        category="evaluation",  # notifications.events.EVALUATION
        title=_("{evaluator} declared a conflict of interest with {reference}"),
        body=_(
            "In the call “{call_title}”, {evaluator} declared a conflict of interest with the "
            "proposal {reference} ({conflict}). Note: {note}. The assignment has ended; assign "
            "another evaluator if the proposal needs one."
        ),
    )
)

# --- Impact ledger (challenges.services.impact) ------------------------------------------------
# Values are already written (S/ 1,234.56, or a count); dates dd/mm/yyyy.
IMPACT_CLAIMED = register_event(
    Event(
        code="challenges.impact_claimed",
        category=PROJECTS.code,
        title=_("{project_code}: impact to confirm: {kind}"),
        body=_(
            "The supplier of the project “{project_title}” ({project_code}) records: {kind}, "
            "{value}, on {occurred_on}. As a sponsor, confirm it or reject it with a reason on "
            "the project's page; once confirmed it can no longer be changed."
        ),
    )
)
IMPACT_CONFIRMED = register_event(
    Event(
        code="challenges.impact_confirmed",
        category=PROJECTS.code,
        title=_("{project_code}: the sponsor confirmed {kind}"),
        body=_(
            "The sponsor confirmed the entry {kind}, {value} ({occurred_on}) of the project "
            "“{project_title}”. The secretariat will verify it; it can no longer be edited, "
            "only corrected by a new entry."
        ),
    )
)
IMPACT_TO_VERIFY = register_event(
    Event(
        code="challenges.impact_to_verify",
        category=PROJECTS.code,
        title=_("{project_code}: impact confirmed, to verify: {kind}"),
        body=_(
            "The sponsor of the project “{project_title}” confirmed: {kind}, {value}, on "
            "{occurred_on}. Check the evidence and verify it so that it counts in the "
            "portfolio's totals."
        ),
    )
)
IMPACT_REJECTED = register_event(
    Event(
        code="challenges.impact_rejected",
        category=PROJECTS.code,
        title=_("{project_code}: impact entry not accepted: {kind}"),
        body=_(
            "The entry {kind}, {value} ({occurred_on}) of the project “{project_title}” was "
            "rejected. Reason: {reason}"
        ),
    )
)
IMPACT_VERIFIED = register_event(
    Event(
        code="challenges.impact_verified",
        category=PROJECTS.code,
        title=_("{project_code}: impact verified: {kind}"),
        body=_(
            "The secretariat verified the entry {kind}, {value} ({occurred_on}) of the project "
            "“{project_title}”. It now counts in the portfolio's totals."
        ),
    )
)

# --- Portfolio (challenges.services.portfolio) ---------------------------------------------------
# Category "projects" (notifications.events.PROJECTS). Projects are named by code and title;
# dates are dd/mm/yyyy. Every event links to the project's page.
PROJECT_CREATED = register_event(
    Event(
        code="challenges.project_created",
        category="projects",  # notifications.events.PROJECTS
        title=_("Project {code} “{project_title}” is in the portfolio"),
        body=_(
            "Your organization takes part in the project {code} “{project_title}” (lead: "
            "{lead}). Its milestones, indicators and progress updates are on the project's page; "
            "the first progress update is due on {next_update_due}."
        ),
    )
)
MILESTONE_SUBMITTED = register_event(
    Event(
        code="challenges.milestone_submitted",
        category="projects",
        title=_("Evidence to review: “{milestone_title}” of {code}"),
        body=_(
            "{lead} submitted the evidence of the milestone “{milestone_title}” of the project "
            "{code} “{project_title}”: {note} Accept it or return it to the team with a reason."
        ),
    )
)
MILESTONE_ACCEPTED = register_event(
    Event(
        code="challenges.milestone_accepted",
        category="projects",
        title=_("Milestone accepted: “{milestone_title}” of {code}"),
        body=_(
            "{sponsor} accepted the milestone “{milestone_title}” of the project {code} "
            "“{project_title}”. The project's progress is now {progress}."
        ),
    )
)
MILESTONE_RETURNED = register_event(
    Event(
        code="challenges.milestone_returned",
        category="projects",
        title=_("Milestone returned: “{milestone_title}” of {code}"),
        body=_(
            "The evidence of the milestone “{milestone_title}” of the project {code} "
            "“{project_title}” was returned to the team. Reason: {reason}"
        ),
    )
)
PROGRESS_UPDATE_SUBMITTED = register_event(
    Event(
        code="challenges.progress_update_submitted",
        category="projects",
        title=_("Progress update of {code} “{project_title}”"),
        body=_(
            "{lead} reported on the project up to {period_end}: {summary} Read it and comment "
            "on the project's page."
        ),
    )
)
PROGRESS_COMMENT_ADDED = register_event(
    Event(
        code="challenges.progress_comment_added",
        category="projects",
        title=_("{author} commented on the progress update of {code}"),
        body=_("On the update up to {period_end} of “{project_title}”: {comment}"),
    )
)
PROGRESS_UPDATE_DUE = register_event(
    Event(
        code="challenges.progress_update_due",
        category="projects",
        title=_("Progress update of {code} due on {due_on}"),
        body=_(
            "The next progress update of the project {code} “{project_title}” is due on "
            "{due_on}, in {days} day(s). Report what happened, the next steps and any risk on "
            "the project's page."
        ),
    )
)
PROGRESS_UPDATE_OVERDUE = register_event(
    Event(
        code="challenges.progress_update_overdue",
        category="projects",
        title=_("Progress update of {code} is overdue"),
        body=_(
            "The progress update of the project {code} “{project_title}” was due on {due_on}. "
            "The sponsors and the secretariat are waiting for it: report on the project's page."
        ),
    )
)
