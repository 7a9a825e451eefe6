"""Who may do what in the open-innovation funnel. Plain predicates, asked by views, the API,
querysets (``challenges.selectors``) and tasks; safe with ``AnonymousUser``.

The facts come from :func:`members.viewer.viewer_for` (computed once per request).

Challenges (by confidentiality, for people outside the company and the secretariat, and only
once the secretariat has accepted them — drafts, challenges under triage and declined ones are
the company's and the secretariat's alone):

=============  ==========  ===============  ===========================  =================
audience       public      members          restricted                   restricted + public
                                                                         version
=============  ==========  ===============  ===========================  =================
visitor        original    —                —                            public version
member         original    original         —                            public version
the company    original    original         original                     original
secretariat    original    original         original                     original
=============  ==========  ===============  ===========================  =================

"Member" is a person of an active member organization (``is_cluster_member``); partner tokens
follow the same table through ``challenges:read`` (members) or ``public:read`` (visitor).
"The secretariat" is anyone with a staff role (reading); triage, calls and proposals' staff
pages need ``core.manage_calls``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.models import Organization
from members.permissions import (
    can_read_staff_area,
    has_staff_permission,
    is_cluster_member,
    is_org_admin,
    is_org_member,
)

if TYPE_CHECKING:
    from .models import Call, Challenge, ImpactEntry, Project, Proposal, ProposalPartner

AnyUser = Any

#: Challenge states others may see (the secretariat accepted it, possibly merged it later).
PUBLISHED_CHALLENGE_TAG = "published"
#: Call states the public sees (scheduled calls are announced; drafts are the secretariat's).
PUBLISHED_CALL_TAG = "published"


# --- Staff ---------------------------------------------------------------------------------------


def can_manage_calls(user: AnyUser) -> bool:
    """Triage challenges, build and run calls, read every proposal (call managers)."""
    return has_staff_permission(user, roles.MANAGE_CALLS)


def can_coordinate_evaluation(user: AnyUser) -> bool:
    """Manage the evaluator pool, assign, see every review, decide and publish decisions
    (evaluation coordinators)."""
    return has_staff_permission(user, roles.COORDINATE_EVALUATION)


def is_assigned_evaluator(user: AnyUser, assignment: Any) -> bool:
    """The person of the assignment's evaluator profile (an evaluator sees only their own)."""
    evaluator = assignment.evaluator
    return bool(getattr(user, "is_authenticated", False)) and evaluator.user_id == user.pk


def can_read_challenges_staff(user: AnyUser) -> bool:
    """Read the staff pages of the funnel (any staff role, the auditor's included)."""
    return can_read_staff_area(user)


# --- Challenges ----------------------------------------------------------------------------------


def is_challenge_company(user: AnyUser, challenge: Challenge) -> bool:
    return is_org_member(user, challenge.organization)


def can_view_challenge_original(user: AnyUser, challenge: Challenge) -> bool:
    """Reads the challenge's own words (see the module's table)."""
    from .workflows import CHALLENGE

    if is_challenge_company(user, challenge) or can_read_challenges_staff(user):
        return True
    if not CHALLENGE.has_tag(challenge, PUBLISHED_CHALLENGE_TAG):
        return False
    if challenge.confidentiality == challenge.Confidentiality.PUBLIC:
        return True
    if challenge.confidentiality == challenge.Confidentiality.MEMBERS:
        return is_cluster_member(user)
    return False


def can_view_challenge(user: AnyUser, challenge: Challenge) -> bool:
    """Sees the challenge at all: its original, or its sanitized public version."""
    from .workflows import CHALLENGE

    if can_view_challenge_original(user, challenge):
        return True
    return (
        challenge.is_restricted
        and challenge.has_public_version
        and CHALLENGE.has_tag(challenge, PUBLISHED_CHALLENGE_TAG)
    )


def can_submit_challenges(user: AnyUser, organization: Organization) -> Verdict:
    """People of a mining company report its challenges (member or not: the survey is how a
    company meets the cluster)."""
    if organization.kind != Organization.Kind.MINING_COMPANY:
        return Verdict.no(_("Only mining companies report challenges."))
    return Verdict.of(
        is_org_member(user, organization),
        _("Only people of the company can report its challenges."),
    )


def can_edit_challenge(user: AnyUser, challenge: Challenge) -> Verdict:
    """The person who wrote it, or an admin of the company (the state is the table's)."""
    if challenge.submitted_by_id == getattr(user, "pk", None) and is_challenge_company(
        user, challenge
    ):
        return Verdict.yes()
    return Verdict.of(
        is_org_admin(user, challenge.organization),
        _("Only the person who wrote it or an admin of the company can change it."),
    )


# --- Calls ---------------------------------------------------------------------------------------


def can_view_call(user: AnyUser, call: Call) -> bool:
    """Published calls are public; drafts are the secretariat's (any staff role reads them)."""
    from .workflows import CALL

    return CALL.has_tag(call, PUBLISHED_CALL_TAG) or can_read_challenges_staff(user)


# --- Proposals -----------------------------------------------------------------------------------


def is_lead_member(user: AnyUser, proposal: Proposal) -> bool:
    return is_org_member(user, proposal.lead_organization)


def is_lead_admin(user: AnyUser, proposal: Proposal) -> bool:
    return is_org_admin(user, proposal.lead_organization)


def partner_organization_ids(proposal: Proposal) -> set[int]:
    """Organizations invited or confirmed as partners (prefetched ``partners`` are used)."""
    from .workflows import PARTNER, PARTNER_ACTIVE_TAG

    return {
        p.organization_id for p in proposal.partners.all() if PARTNER.has_tag(p, PARTNER_ACTIVE_TAG)
    }


def is_partner_member(user: AnyUser, proposal: Proposal) -> bool:
    from members.viewer import viewer_for

    return bool(viewer_for(user).organization_ids & partner_organization_ids(proposal))


def can_view_proposal(user: AnyUser, proposal: Proposal) -> bool:
    """The lead's people, the partners' people (invited or confirmed), and call managers and
    other staff roles (reading). Evaluators get theirs through their assignment (issue 10)."""
    return (
        is_lead_member(user, proposal)
        or is_partner_member(user, proposal)
        or can_read_challenges_staff(user)
    )


def can_edit_proposal(user: AnyUser, proposal: Proposal) -> Verdict:
    """Anyone of the lead organization edits the draft (the deadline is the table's guard)."""
    return Verdict.of(
        is_lead_member(user, proposal),
        _("Only people of the lead organization can change the proposal."),
    )


def can_act_for_lead(user: AnyUser, proposal: Proposal) -> Verdict:
    """Submit, unsubmit, withdraw, invite and remove partners: the lead's admins."""
    return Verdict.of(
        is_lead_admin(user, proposal),
        _("Only an admin of the lead organization can do this."),
    )


def can_answer_partnership(user: AnyUser, partner: ProposalPartner) -> Verdict:
    """Confirm or decline a partnership: the partner organization's admins."""
    return Verdict.of(
        is_org_admin(user, partner.organization),
        _("Only an admin of the partner organization can answer."),
    )


# --- Portfolio -----------------------------------------------------------------------------------
#
# ================  =========  ==========  ===========  ==========  =========  ==================
# who               showcase   project     milestones:  milestones: impact:    impact: verify;
#                   (public)   page, KPIs  evidence,    accept or   claim,     project: edit,
#                              updates     KPIs,        return,     correct    status, funding
#                                          updates      confirm
#                                                       impact
# ================  =========  ==========  ===========  ==========  =========  ==================
# visitor, member   public     public      —            —           —          —
#                   fields     page only
# supplier lead     yes        yes         yes          —           yes        —
# partner           yes        yes         yes          —           —          —
# sponsor           yes        yes         —            yes         —          —
# staff (reading)   yes        yes         —            —           —          —
# portfolio mgr     yes        yes         yes          yes         yes        yes
# ================  =========  ==========  ===========  ==========  =========  ==================
#
# "Supplier lead", "partner" and "sponsor" are the people of the organizations with that role
# in the project (``ProjectOrganization``; prefetched ``participants`` are used).


def can_manage_portfolio(user: AnyUser) -> bool:
    """Create projects, change their status and funding, verify impact (portfolio managers)."""
    return has_staff_permission(user, roles.MANAGE_PORTFOLIO)


def project_roles(user: AnyUser, project: Project) -> frozenset[str]:
    """The roles (``lead``, ``partner``, ``sponsor``) the person's organizations have in the
    project: no query beyond the viewer's organizations when ``participants`` is prefetched."""
    from members.viewer import viewer_for

    mine = viewer_for(user).organization_ids
    if not mine:
        return frozenset()
    return frozenset(p.role for p in project.participants.all() if p.organization_id in mine)


def is_project_team(user: AnyUser, project: Project) -> bool:
    """People of the supplier lead or a partner."""
    return bool(project_roles(user, project) & {"lead", "partner"})


def is_project_sponsor(user: AnyUser, project: Project) -> bool:
    return "sponsor" in project_roles(user, project)


def can_view_project(user: AnyUser, project: Project) -> bool:
    """The whole project page (private fields, milestones, KPIs, updates, every ledger entry):
    its organizations' people and any staff role (reading). Others see the public page of a
    public project (:func:`can_view_public_project`)."""
    return bool(project_roles(user, project)) or can_read_staff_area(user)


def can_view_public_project(user: AnyUser, project: Project) -> bool:
    return project.is_public or can_view_project(user, project)


def can_report_progress(user: AnyUser, project: Project) -> Verdict:
    """Milestone evidence, KPI measurements, progress updates: the team or a portfolio
    manager."""
    return Verdict.of(
        is_project_team(user, project) or can_manage_portfolio(user),
        _("Only the project team can do this."),
    )


def can_accept_for_sponsor(user: AnyUser, project: Project) -> Verdict:
    """Accept or return a milestone, confirm or reject an impact claim: a sponsor's people (or
    a portfolio manager standing in for a sponsor without an account)."""
    return Verdict.of(
        is_project_sponsor(user, project) or can_manage_portfolio(user),
        _("Only a sponsor of the project can do this."),
    )


def can_claim_impact(user: AnyUser, project: Project) -> Verdict:
    """Claim an impact entry or a correction: the supplier lead's people or a portfolio
    manager."""
    return Verdict.of(
        "lead" in project_roles(user, project) or can_manage_portfolio(user),
        _("Only the supplier lead can claim impact."),
    )


def can_comment_progress(user: AnyUser, project: Project) -> Verdict:
    """Comment on a progress update: the sponsors, the team and the secretariat."""
    return Verdict.of(
        bool(project_roles(user, project)) or can_read_staff_area(user),
        _("Only the project's organizations and the secretariat can comment."),
    )


def can_verify_impact(user: AnyUser, entry: ImpactEntry) -> Verdict:
    return Verdict.of(
        can_manage_portfolio(user), _("Only the secretariat's portfolio managers can verify.")
    )


def can_change_public_consent(user: AnyUser, project: Project, *, granting: bool) -> Verdict:
    """What the project shows in public (``is_public``, ``public_amounts``, ``public_site``).

    Granting (turning one on): an admin of the supplier lead (the work and the amounts are
    the supplier's) or a portfolio manager recording the parties' agreement. Withdrawing
    (turning one off): also a sponsor's admin, since the site and the money are often the
    sponsor's: any party may take back what is shown, only the lead or the secretariat adds.
    """
    from members.models import OrganizationMember
    from members.viewer import viewer_for

    if can_manage_portfolio(user):
        return Verdict.yes()
    viewer = viewer_for(user)
    allowed_roles = {"lead"} if granting else {"lead", "sponsor"}
    for participant in project.participants.all():
        if (
            participant.role in allowed_roles
            and viewer.role_in(participant.organization_id) == OrganizationMember.Role.ADMIN
        ):
            return Verdict.yes()
    if granting:
        return Verdict.no(_("Only an admin of the supplier lead or the secretariat can do this."))
    return Verdict.no(_("Only the project's lead, its sponsors or the secretariat can do this."))
