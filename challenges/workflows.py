"""The lifecycle tables of the open-innovation funnel: challenges, calls, proposals and
consortium partners. See :mod:`cluster_portal.core.workflows` for how services, pages, staff
queues and the periodic job use them; no other module writes a list of statuses.

``Challenge.status``::

    draft ──submit──▶ submitted ──accept──▶ accepted
                      submitted ──request_detail──▶ detail_requested ──answer_detail──▶ submitted
    submitted | detail_requested ──decline──▶ declined ──reopen──▶ submitted
    submitted | detail_requested | accepted ──merge──▶ merged ──unmerge──▶ the status it had

``Call.status``::

    draft ──schedule──▶ scheduled ──(opens_at reached)──▶ open ──(closes_at reached)──▶ closed
    scheduled ──unschedule──▶ draft
    closed ──start_evaluation──▶ in_evaluation ──decide──▶ decided ──archive──▶ archived

``Proposal.status`` (changes only before the lead's deadline: the call's closing time, or the
organization's logged extension)::

    draft ──submit──▶ submitted ──unsubmit──▶ draft
    draft | submitted ──withdraw──▶ withdrawn

``ProposalPartner.status`` (only while the proposal is a draft before the deadline)::

    invited ──confirm──▶ confirmed ──leave──▶ declined
    invited ──decline──▶ declined
    invited | confirmed ──remove (by the lead)──▶ removed

``Assignment.status`` (an evaluator's assignment)::

    pending ──declare_no_conflict──▶ accepted ──submit_review──▶ submitted
    pending ──declare_conflict──▶ conflict
    pending | accepted ──remove (by the coordinator)──▶ removed

``Project.status`` (portfolio managers)::

    planned ──start──▶ active ──hold──▶ on_hold ──resume──▶ active
    active ──complete──▶ completed
    planned | active | on_hold ──cancel──▶ cancelled

``Milestone.status``::

    pending ──submit (the team, with evidence)──▶ submitted ──accept (a sponsor)──▶ accepted
    submitted ──return (a sponsor, with a reason)──▶ pending
    pending | submitted ──cancel (a portfolio manager)──▶ cancelled

``ImpactEntry.status`` (append-only: a frozen entry is corrected by a new entry)::

    claimed ──confirm (a sponsor)──▶ confirmed ──verify (the secretariat)──▶ verified
    claimed ──reject (a sponsor or the secretariat, with a reason)──▶ rejected
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.predicates import Verdict
from cluster_portal.core.workflows import (
    State,
    TimedTransition,
    Transition,
    Workflow,
    frozen,
    register,
)

from . import permissions
from .models import (
    Assignment,
    Call,
    Challenge,
    ImpactEntry,
    Milestone,
    Project,
    Proposal,
    ProposalPartner,
)

ChallengeStatus = Challenge.Status
CallStatus = Call.Status
ProposalStatus = Proposal.Status
PartnerStatus = ProposalPartner.Status
AssignmentStatus = Assignment.Status
ProjectStatus = Project.Status
MilestoneStatus = Milestone.Status
ImpactStatus = ImpactEntry.Status

#: Tags (``Workflow.values_tagged``): what other modules ask instead of listing states.
PUBLISHED = permissions.PUBLISHED_CHALLENGE_TAG  # challenges others may see; calls announced
EDITABLE = "editable"  # the authors may still change it
IN_QUEUE = "in_queue"  # waiting for the secretariat (the triage queue's "open" tab)
ACCEPTS_PROPOSALS = "accepts_proposals"  # a call in which proposals may be written/submitted
CRITERIA_EDITABLE = "criteria_editable"  # a call whose questions and criteria may change
#: A closed call in which organizations with a logged extension may still submit.
ACCEPTS_EXTENDED = "accepts_extended"
COUNTED = "counted"  # proposals that count for "maximum proposals per organization"
DECIDED = "decided"  # proposals whose decision was published
EVALUATION_STAGE = "evaluation_stage"  # calls past their closing: assignments, ranking, decisions
REVIEWING = "reviewing"  # assignments whose evaluator may read the proposal and score it
ACTIVE_ASSIGNMENT = "active"  # assignments that count for load and for "k per proposal"
PARTNER_ACTIVE_TAG = "active"  # partners that are part of the consortium (or invited to it)
RUNNING = "running"  # projects whose team reports progress (and gets reminders)
LIVE = "live"  # milestones that count for progress and can be late
IN_TOTALS = "in_totals"  # impact entries the portfolio's totals count (verified)


# --- Guards ----------------------------------------------------------------------------------


def call_manager(actor: Any, obj: Any) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only a call manager can do this."))
    return Verdict.of(permissions.can_manage_calls(actor), _("Only a call manager can do this."))


def evaluation_coordinator(actor: Any, obj: Any) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only the evaluation coordinator can do this."))
    return Verdict.of(
        permissions.can_coordinate_evaluation(actor),
        _("Only the evaluation coordinator can do this."),
    )


def assigned_evaluator(actor: Any, assignment: Assignment) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only the assigned evaluator can do this."))
    return Verdict.of(
        permissions.is_assigned_evaluator(actor, assignment),
        _("Only the assigned evaluator can do this."),
    )


def system_only(actor: Any, obj: Any) -> Verdict:
    """Moves the portal makes by itself on time (``actor`` None), never a person."""
    return Verdict.of(actor is None, _("This happens by itself at the time set in the call."))


def call_manager_or_coordinator(actor: Any, obj: Any) -> Verdict:
    if actor is not None and permissions.can_coordinate_evaluation(actor):
        return Verdict.yes()
    return call_manager(actor, obj)


def challenge_author(actor: Any, challenge: Challenge) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only the company can do this."))
    return permissions.can_edit_challenge(actor, challenge)


# --- Deadlines -------------------------------------------------------------------------------


def proposal_deadline(proposal: Proposal) -> datetime.datetime | None:
    """The time after which the proposal cannot change: the call's closing time, or the lead
    organization's extension when one was granted (one query, unless prefetched)."""
    from .selectors.calls import deadline_for

    return deadline_for(proposal.call, proposal.lead_organization_id)


def before_deadline(proposal: Proposal, now: datetime.datetime | None = None) -> Verdict:
    """The call takes proposals and the lead's deadline has not passed."""
    if not (
        CALL.has_tag(proposal.call, ACCEPTS_PROPOSALS)
        or CALL.has_tag(proposal.call, ACCEPTS_EXTENDED)
    ):
        return Verdict.no(_("The call is not open."))
    deadline = proposal_deadline(proposal)
    if deadline is None or (now or timezone.now()) >= deadline:
        return Verdict.no(_("The deadline has passed: the proposal can no longer change."))
    return Verdict.yes()


def lead_admin_before_deadline(actor: Any, proposal: Proposal) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the lead organization can do this."))
    allowed = permissions.can_act_for_lead(actor, proposal)
    if not allowed:
        return allowed
    return before_deadline(proposal)


def partner_admin_while_draft(actor: Any, partner: ProposalPartner) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the partner organization can answer."))
    allowed = permissions.can_answer_partnership(actor, partner)
    if not allowed:
        return allowed
    return _proposal_still_open(partner.proposal)


def lead_admin_while_draft(actor: Any, partner: ProposalPartner) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the lead organization can do this."))
    allowed = permissions.can_act_for_lead(actor, partner.proposal)
    if not allowed:
        return allowed
    return _proposal_still_open(partner.proposal)


def _proposal_still_open(proposal: Proposal) -> Verdict:
    if not PROPOSAL.has_tag(proposal, EDITABLE):
        return Verdict.no(
            _("The proposal was submitted: the lead must unsubmit it to change the consortium.")
        )
    return before_deadline(proposal)


# --- Time ------------------------------------------------------------------------------------


def call_opens(now: datetime.datetime) -> Q:
    return Q(opens_at__lte=now)


def call_closes(now: datetime.datetime) -> Q:
    return Q(closes_at__lte=now)


# --- Challenges ------------------------------------------------------------------------------

CHALLENGE: Workflow[Challenge] = register(
    Workflow(
        name="challenges.challenge",
        model=Challenge,
        field="status",
        refusal=_("This challenge is %(state)s: it can no longer be changed this way."),
        states=[
            State(
                ChallengeStatus.DRAFT,
                "text-bg-light border",
                tags=frozenset({EDITABLE}),
                description=_("Only the company sees it until it is submitted."),
            ),
            State(
                ChallengeStatus.SUBMITTED,
                "text-bg-primary",
                tags=frozenset({EDITABLE, IN_QUEUE}),
                description=_("Waiting for the secretariat's review."),
            ),
            State(
                ChallengeStatus.DETAIL_REQUESTED,
                "text-bg-warning",
                tags=frozenset({EDITABLE}),
                description=_("The secretariat asked for more detail: answer to continue."),
            ),
            State(
                ChallengeStatus.ACCEPTED,
                "text-bg-success",
                tags=frozenset({PUBLISHED}),
                description=_("Accepted: it can become part of a call."),
            ),
            State(ChallengeStatus.DECLINED, "text-bg-danger"),
            State(
                ChallengeStatus.MERGED,
                "text-bg-dark",
                description=_("Merged into another challenge, which carries it forward."),
            ),
        ],
        transitions=[
            Transition(
                "submit",
                frozen([ChallengeStatus.DRAFT]),
                ChallengeStatus.SUBMITTED,
                _("Submit to the secretariat"),
                guard=challenge_author,
                audience="company",
                style="primary",
            ),
            Transition(
                "accept",
                frozen([ChallengeStatus.SUBMITTED]),
                ChallengeStatus.ACCEPTED,
                _("Accept"),
                guard=call_manager,
                style="success",
            ),
            Transition(
                "request_detail",
                frozen([ChallengeStatus.SUBMITTED]),
                ChallengeStatus.DETAIL_REQUESTED,
                _("Ask for detail"),
                guard=call_manager,
                style="warning",
            ),
            Transition(
                "answer_detail",
                frozen([ChallengeStatus.DETAIL_REQUESTED]),
                ChallengeStatus.SUBMITTED,
                _("Send the detail"),
                guard=challenge_author,
                audience="company",
                style="primary",
            ),
            Transition(
                "decline",
                frozen([ChallengeStatus.SUBMITTED, ChallengeStatus.DETAIL_REQUESTED]),
                ChallengeStatus.DECLINED,
                _("Decline"),
                guard=call_manager,
                style="outline-danger",
            ),
            Transition(
                "reopen",
                frozen([ChallengeStatus.DECLINED]),
                ChallengeStatus.SUBMITTED,
                _("Reopen"),
                guard=call_manager,
                style="outline-secondary",
                confirm=_("Put this challenge back in the triage queue?"),
            ),
            Transition(
                "merge",
                frozen(
                    [
                        ChallengeStatus.SUBMITTED,
                        ChallengeStatus.DETAIL_REQUESTED,
                        ChallengeStatus.ACCEPTED,
                    ]
                ),
                ChallengeStatus.MERGED,
                _("Merge into another challenge"),
                guard=call_manager,
                style="outline-dark",
            ),
            Transition(
                "unmerge",
                frozen([ChallengeStatus.MERGED]),
                lambda challenge: challenge.status_before_merge or ChallengeStatus.SUBMITTED,
                _("Undo the merge"),
                guard=call_manager,
                style="outline-secondary",
                confirm=_("Undo the merge? The challenge goes back to the status it had."),
            ),
        ],
    )
)

# --- Calls -----------------------------------------------------------------------------------

CALL: Workflow[Call] = register(
    Workflow(
        name="challenges.call",
        model=Call,
        field="status",
        refusal=_("This call is %(state)s: this change is not possible now."),
        states=[
            State(
                CallStatus.DRAFT,
                "text-bg-light border",
                tags=frozenset({CRITERIA_EDITABLE}),
                description=_("Only the secretariat sees it."),
            ),
            State(
                CallStatus.SCHEDULED,
                "text-bg-info",
                tags=frozenset({PUBLISHED, CRITERIA_EDITABLE}),
                description=_("Announced; it opens by itself at the time set."),
            ),
            State(
                CallStatus.OPEN,
                "text-bg-success",
                tags=frozenset({PUBLISHED, ACCEPTS_PROPOSALS}),
                description=_("Taking proposals until it closes."),
            ),
            State(
                CallStatus.CLOSED,
                "text-bg-warning",
                tags=frozenset({PUBLISHED, ACCEPTS_EXTENDED, EVALUATION_STAGE}),
                description=_("No longer taking proposals."),
            ),
            State(
                CallStatus.IN_EVALUATION,
                "text-bg-primary",
                tags=frozenset({PUBLISHED, EVALUATION_STAGE}),
            ),
            State(
                CallStatus.DECIDED, "text-bg-dark", tags=frozenset({PUBLISHED, EVALUATION_STAGE})
            ),
            State(
                CallStatus.ARCHIVED,
                "text-bg-secondary",
                tags=frozenset({PUBLISHED, EVALUATION_STAGE}),
            ),
        ],
        transitions=[
            Transition(
                "schedule",
                frozen([CallStatus.DRAFT]),
                CallStatus.SCHEDULED,
                _("Publish"),
                guard=call_manager,
                style="success",
                confirm=_(
                    "Publish this call? It is announced now and opens by itself at its opening "
                    "time."
                ),
                description=_(
                    "Needs at least one challenge, criteria whose weights sum to 100 and dates "
                    "in order."
                ),
            ),
            Transition(
                "unschedule",
                frozen([CallStatus.SCHEDULED]),
                CallStatus.DRAFT,
                _("Back to draft"),
                guard=call_manager,
                style="outline-secondary",
            ),
            Transition(
                "open",
                frozen([CallStatus.SCHEDULED]),
                CallStatus.OPEN,
                _("Open the call"),
                guard=system_only,
                audience="system",
            ),
            Transition(
                "close",
                frozen([CallStatus.OPEN]),
                CallStatus.CLOSED,
                _("Close the call"),
                guard=system_only,
                audience="system",
            ),
            Transition(
                "start_evaluation",
                frozen([CallStatus.CLOSED]),
                CallStatus.IN_EVALUATION,
                _("Start the evaluation"),
                guard=call_manager_or_coordinator,
                style="primary",
            ),
            # Taken when the coordinator publishes the decisions in one batch.
            Transition(
                "decide",
                frozen([CallStatus.IN_EVALUATION]),
                CallStatus.DECIDED,
                _("Mark as decided"),
                guard=call_manager_or_coordinator,
                # Never a button: only publishing the decisions in one batch decides a call.
                audience="system",
                style="primary",
            ),
            Transition(
                "archive",
                frozen([CallStatus.DECIDED]),
                CallStatus.ARCHIVED,
                _("Archive"),
                guard=call_manager,
                style="outline-secondary",
            ),
        ],
        timed=[
            TimedTransition("open", call_opens, "challenges.services.calls.call_open", "call"),
            TimedTransition("close", call_closes, "challenges.services.calls.call_close", "call"),
        ],
    )
)

# --- Proposals -------------------------------------------------------------------------------

PROPOSAL: Workflow[Proposal] = register(
    Workflow(
        name="challenges.proposal",
        model=Proposal,
        field="status",
        refusal=_("This proposal is %(state)s: this change is not possible now."),
        states=[
            State(
                ProposalStatus.DRAFT,
                "text-bg-light border",
                tags=frozenset({EDITABLE, COUNTED}),
                description=_("Not submitted: the secretariat does not see it yet."),
            ),
            State(
                ProposalStatus.SUBMITTED,
                "text-bg-success",
                tags=frozenset({COUNTED}),
                description=_("Submitted. Until the deadline the lead may unsubmit it to edit."),
            ),
            State(ProposalStatus.WITHDRAWN, "text-bg-dark"),
            State(
                ProposalStatus.AWARDED,
                "text-bg-success",
                tags=frozenset({COUNTED, DECIDED}),
                description=_("Selected for funding."),
            ),
            State(
                ProposalStatus.NOT_SELECTED,
                "text-bg-secondary",
                tags=frozenset({COUNTED, DECIDED}),
                description=_("Not selected in this call."),
            ),
        ],
        transitions=[
            Transition(
                "submit",
                frozen([ProposalStatus.DRAFT]),
                ProposalStatus.SUBMITTED,
                _("Submit"),
                guard=lead_admin_before_deadline,
                audience="lead",
                style="success",
                confirm=_("Submit this proposal? You receive a receipt with its reference."),
            ),
            Transition(
                "unsubmit",
                frozen([ProposalStatus.SUBMITTED]),
                ProposalStatus.DRAFT,
                _("Unsubmit to edit"),
                guard=lead_admin_before_deadline,
                audience="lead",
                style="outline-secondary",
                confirm=_(
                    "Unsubmit this proposal? It stays a draft until you submit it again, and "
                    "a draft is not evaluated if the call closes."
                ),
            ),
            Transition(
                "withdraw",
                frozen([ProposalStatus.DRAFT, ProposalStatus.SUBMITTED]),
                ProposalStatus.WITHDRAWN,
                _("Withdraw"),
                guard=lead_admin_before_deadline,
                audience="lead",
                style="outline-danger",
                confirm=_("Withdraw this proposal? This cannot be undone."),
            ),
            # Taken when the call's decisions are published in one batch (services.decisions).
            Transition(
                "award",
                frozen([ProposalStatus.SUBMITTED]),
                ProposalStatus.AWARDED,
                _("Award"),
                guard=evaluation_coordinator,
                audience="system",
            ),
            Transition(
                "not_select",
                frozen([ProposalStatus.SUBMITTED]),
                ProposalStatus.NOT_SELECTED,
                _("Not selected"),
                guard=evaluation_coordinator,
                audience="system",
            ),
        ],
    )
)

# --- Consortium partners ---------------------------------------------------------------------

PARTNER: Workflow[ProposalPartner] = register(
    Workflow(
        name="challenges.partner",
        model=ProposalPartner,
        field="status",
        refusal=_("This partnership is %(state)s: this change is not possible now."),
        states=[
            State(
                PartnerStatus.INVITED,
                "text-bg-warning",
                tags=frozenset({PARTNER_ACTIVE_TAG}),
                description=_("Waiting for the partner organization's confirmation."),
            ),
            State(PartnerStatus.CONFIRMED, "text-bg-success", tags=frozenset({PARTNER_ACTIVE_TAG})),
            State(PartnerStatus.DECLINED, "text-bg-secondary"),
            State(PartnerStatus.REMOVED, "text-bg-dark"),
        ],
        transitions=[
            Transition(
                "confirm",
                frozen([PartnerStatus.INVITED]),
                PartnerStatus.CONFIRMED,
                _("Confirm the partnership"),
                guard=partner_admin_while_draft,
                audience="partner",
                style="success",
            ),
            Transition(
                "decline",
                frozen([PartnerStatus.INVITED]),
                PartnerStatus.DECLINED,
                _("Decline"),
                guard=partner_admin_while_draft,
                audience="partner",
                style="outline-danger",
            ),
            Transition(
                "leave",
                frozen([PartnerStatus.CONFIRMED]),
                PartnerStatus.DECLINED,
                _("Leave the consortium"),
                guard=partner_admin_while_draft,
                audience="partner",
                style="outline-danger",
                confirm=_("Leave this consortium? The lead must invite you again to undo it."),
            ),
            Transition(
                "remove",
                frozen([PartnerStatus.INVITED, PartnerStatus.CONFIRMED]),
                PartnerStatus.REMOVED,
                _("Remove from the consortium"),
                guard=lead_admin_while_draft,
                audience="lead",
                style="outline-danger",
                confirm=_("Remove this partner from the consortium?"),
            ),
        ],
    )
)

# --- Evaluation assignments ------------------------------------------------------------------

ASSIGNMENT: Workflow[Assignment] = register(
    Workflow(
        name="challenges.assignment",
        model=Assignment,
        field="status",
        refusal=_("This assignment is %(state)s: this change is not possible now."),
        states=[
            State(
                AssignmentStatus.PENDING,
                "text-bg-warning",
                tags=frozenset({ACTIVE_ASSIGNMENT}),
                description=_("Declare any conflict of interest to see the proposal."),
            ),
            State(
                AssignmentStatus.ACCEPTED,
                "text-bg-primary",
                tags=frozenset({ACTIVE_ASSIGNMENT, REVIEWING}),
            ),
            State(
                AssignmentStatus.SUBMITTED,
                "text-bg-success",
                tags=frozenset({ACTIVE_ASSIGNMENT, REVIEWING}),
            ),
            State(AssignmentStatus.CONFLICT, "text-bg-secondary"),
            State(AssignmentStatus.REMOVED, "text-bg-dark"),
        ],
        transitions=[
            Transition(
                "declare_no_conflict",
                frozen([AssignmentStatus.PENDING]),
                AssignmentStatus.ACCEPTED,
                _("I declare no conflict of interest"),
                guard=assigned_evaluator,
                audience="evaluator",
                style="success",
            ),
            Transition(
                "declare_conflict",
                frozen([AssignmentStatus.PENDING]),
                AssignmentStatus.CONFLICT,
                _("I have a conflict of interest"),
                guard=assigned_evaluator,
                audience="evaluator",
                style="outline-danger",
            ),
            Transition(
                "submit_review",
                frozen([AssignmentStatus.ACCEPTED]),
                AssignmentStatus.SUBMITTED,
                _("Submit the review"),
                guard=assigned_evaluator,
                audience="evaluator",
                style="primary",
            ),
            Transition(
                "remove",
                frozen([AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED]),
                AssignmentStatus.REMOVED,
                _("Remove the assignment"),
                guard=evaluation_coordinator,
                style="outline-danger",
                confirm=_("Remove this evaluator from the proposal?"),
            ),
        ],
    )
)


# --- Portfolio -------------------------------------------------------------------------------


def portfolio_manager(actor: Any, obj: Any) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only a portfolio manager can do this."))
    return Verdict.of(
        permissions.can_manage_portfolio(actor), _("Only a portfolio manager can do this.")
    )


def project_team(actor: Any, milestone: Milestone) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only the project team can do this."))
    return permissions.can_report_progress(actor, milestone.project)


def project_sponsor(actor: Any, obj: Milestone | ImpactEntry) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only a sponsor of the project can do this."))
    return permissions.can_accept_for_sponsor(actor, obj.project)


def sponsor_or_secretariat(actor: Any, entry: ImpactEntry) -> Verdict:
    if actor is not None and permissions.can_manage_portfolio(actor):
        return Verdict.yes()
    return project_sponsor(actor, entry)


PROJECT: Workflow[Project] = register(
    Workflow(
        name="challenges.project",
        model=Project,
        field="status",
        refusal=_("This project is %(state)s: this change is not possible now."),
        states=[
            State(
                ProjectStatus.PLANNED,
                "text-bg-info",
                tags=frozenset({RUNNING}),
                description=_("Awarded; the work has not started yet."),
            ),
            State(ProjectStatus.ACTIVE, "text-bg-success", tags=frozenset({RUNNING})),
            State(
                ProjectStatus.ON_HOLD,
                "text-bg-warning",
                description=_("Paused: no progress updates are asked for."),
            ),
            State(ProjectStatus.COMPLETED, "text-bg-dark"),
            State(ProjectStatus.CANCELLED, "text-bg-secondary"),
        ],
        transitions=[
            Transition(
                "start",
                frozen([ProjectStatus.PLANNED]),
                ProjectStatus.ACTIVE,
                _("Start the project"),
                guard=portfolio_manager,
                style="success",
            ),
            Transition(
                "hold",
                frozen([ProjectStatus.ACTIVE]),
                ProjectStatus.ON_HOLD,
                _("Put on hold"),
                guard=portfolio_manager,
                style="outline-warning",
            ),
            Transition(
                "resume",
                frozen([ProjectStatus.ON_HOLD]),
                ProjectStatus.ACTIVE,
                _("Resume"),
                guard=portfolio_manager,
                style="success",
            ),
            Transition(
                "complete",
                frozen([ProjectStatus.ACTIVE]),
                ProjectStatus.COMPLETED,
                _("Mark as completed"),
                guard=portfolio_manager,
                style="primary",
                confirm=_("Mark this project as completed?"),
            ),
            Transition(
                "cancel",
                frozen([ProjectStatus.PLANNED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD]),
                ProjectStatus.CANCELLED,
                _("Cancel the project"),
                guard=portfolio_manager,
                style="outline-danger",
                confirm=_("Cancel this project? Its record and ledger are kept."),
            ),
        ],
    )
)

MILESTONE: Workflow[Milestone] = register(
    Workflow(
        name="challenges.milestone",
        model=Milestone,
        field="status",
        refusal=_("This milestone is %(state)s: this change is not possible now."),
        states=[
            State(MilestoneStatus.PENDING, "text-bg-light border", tags=frozenset({LIVE})),
            State(
                MilestoneStatus.SUBMITTED,
                "text-bg-primary",
                tags=frozenset({LIVE}),
                description=_("Waiting for the sponsor's acceptance."),
            ),
            State(MilestoneStatus.ACCEPTED, "text-bg-success", tags=frozenset({LIVE})),
            State(MilestoneStatus.CANCELLED, "text-bg-secondary"),
        ],
        transitions=[
            Transition(
                "submit",
                frozen([MilestoneStatus.PENDING]),
                MilestoneStatus.SUBMITTED,
                _("Submit the evidence"),
                guard=project_team,
                audience="team",
                style="primary",
            ),
            Transition(
                "accept",
                frozen([MilestoneStatus.SUBMITTED]),
                MilestoneStatus.ACCEPTED,
                _("Accept"),
                guard=project_sponsor,
                audience="sponsor",
                style="success",
            ),
            Transition(
                "return",
                frozen([MilestoneStatus.SUBMITTED]),
                MilestoneStatus.PENDING,
                _("Return to the team"),
                guard=project_sponsor,
                audience="sponsor",
                style="outline-warning",
            ),
            Transition(
                "cancel",
                frozen([MilestoneStatus.PENDING, MilestoneStatus.SUBMITTED]),
                MilestoneStatus.CANCELLED,
                _("Cancel the milestone"),
                guard=portfolio_manager,
                style="outline-danger",
                confirm=_("Cancel this milestone? It no longer counts for progress."),
            ),
        ],
    )
)

IMPACT: Workflow[ImpactEntry] = register(
    Workflow(
        name="challenges.impact",
        model=ImpactEntry,
        field="status",
        refusal=_("This entry is %(state)s: it can no longer change; add a correction instead."),
        states=[
            State(
                ImpactStatus.CLAIMED,
                "text-bg-light border",
                description=_("Claimed by the supplier; waiting for the sponsor."),
            ),
            State(
                ImpactStatus.CONFIRMED,
                "text-bg-primary",
                description=_("Confirmed by the sponsor; waiting for the secretariat."),
            ),
            State(ImpactStatus.VERIFIED, "text-bg-success", tags=frozenset({IN_TOTALS})),
            State(ImpactStatus.REJECTED, "text-bg-secondary"),
        ],
        transitions=[
            Transition(
                "confirm",
                frozen([ImpactStatus.CLAIMED]),
                ImpactStatus.CONFIRMED,
                _("Confirm"),
                guard=project_sponsor,
                audience="sponsor",
                style="success",
                confirm=_("Confirm this entry? Once confirmed it can no longer be changed."),
            ),
            Transition(
                "verify",
                frozen([ImpactStatus.CONFIRMED]),
                ImpactStatus.VERIFIED,
                _("Verify"),
                guard=portfolio_manager,
                style="success",
            ),
            Transition(
                "reject",
                frozen([ImpactStatus.CLAIMED]),
                ImpactStatus.REJECTED,
                _("Reject"),
                guard=sponsor_or_secretariat,
                audience="sponsor",
                style="outline-danger",
            ),
        ],
    )
)
