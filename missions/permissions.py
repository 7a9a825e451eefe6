"""Who may do what with missions. Plain predicates, asked by views, the API, selectors and
tasks; safe with ``AnonymousUser``. Facts come from :func:`members.viewer.viewer_for`.

=======================  =========  =========================  ===========  ===============
action                   visitor    person of the applying     its admin    coordinator
                                    organization / delegate
=======================  =========  =========================  ===========  ===============
mission page (published) yes        yes                        yes          yes (+ drafts)
apply, edit (window)     —          —                          yes*         —
withdraw, accept/decline —          —                          yes          —
application page         —          yes                        yes          yes (auditors read)
confirm attendance       —          the delegate               —            —
readiness items          —          the delegate               yes          yes
outcomes                 —          the delegate               yes          read, totals
score, select, agenda    —          —                          —            yes
=======================  =========  =========================  ===========  ===============

\\* of an *active member* organization whose kind and region the mission admits, while the
window is open. "Coordinator" is a staff role holding ``core.coordinate_missions``; any staff
role reads the staff pages (``can_read_missions_staff``), only coordinators change anything.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.models import Organization
from members.permissions import (
    can_read_staff_area,
    has_staff_permission,
    is_org_admin,
    is_org_member,
)

if TYPE_CHECKING:
    from .models import Application, Delegate, Mission

AnyUser = Any

#: Mission states everyone sees (every state but draft; see ``missions.workflows``).
PUBLISHED_TAG = "published"
#: Mission states that take applications (while the window is open).
ACCEPTS_APPLICATIONS_TAG = "accepts_applications"
#: Mission states in which offers, withdrawals and promotions happen.
DELEGATION_TAG = "delegation"
#: Mission states in which delegates record outcomes.
OUTCOMES_TAG = "outcomes"
#: Application states that hold a place (an offer or an accepted one).
HOLDS_PLACE_TAG = "holds_place"
#: Application states out of the mission for good.
OUT_TAG = "out"


# --- Staff ---------------------------------------------------------------------------------


def can_coordinate_missions(user: AnyUser) -> bool:
    """Create and run missions, score and select applications (mission coordinators)."""
    return has_staff_permission(user, roles.COORDINATE_MISSIONS)


def can_read_missions_staff(user: AnyUser) -> bool:
    """Read the staff mission pages: coordinators and any staff role (auditors included)."""
    return can_coordinate_missions(user) or can_read_staff_area(user)


# --- Missions ------------------------------------------------------------------------------


def is_published(mission: Mission) -> bool:
    from .workflows import MISSION

    return MISSION.has_tag(mission, PUBLISHED_TAG) and mission.published_at is not None


def can_view_mission(user: AnyUser, mission: Mission) -> bool:
    return is_published(mission) or can_read_missions_staff(user)


def window_is_open(mission: Mission, now: datetime.datetime | None = None) -> Verdict:
    """The mission takes applications now (its state and its window)."""
    from .workflows import MISSION

    now = now or timezone.now()
    if not MISSION.has_tag(mission, ACCEPTS_APPLICATIONS_TAG):
        return Verdict.no(_("This mission does not take applications."))
    if now < mission.applications_open_at:
        return Verdict.no(_("Applications have not opened yet."))
    if now >= mission.applications_close_at:
        return Verdict.no(_("Applications are closed."))
    return Verdict.yes()


def organization_eligibility(mission: Mission, organization: Organization) -> Verdict:
    """The organization may apply to the mission: an active member of an admitted kind and
    region (empty lists admit every kind, every region)."""
    if organization.membership_status != Organization.MembershipStatus.ACTIVE:
        return Verdict.no(_("Only active member organizations can apply."))
    if mission.eligible_kinds and organization.kind not in mission.eligible_kinds:
        return Verdict.no(_("This mission is not open to organizations of this kind."))
    if mission.eligible_regions and organization.region not in mission.eligible_regions:
        return Verdict.no(_("This mission is not open to organizations from this region."))
    return Verdict.yes()


def can_apply(user: AnyUser, mission: Mission, organization: Organization) -> Verdict:
    """Apply on behalf of ``organization``: its admin, an eligible organization, an open
    window."""
    if not is_org_admin(user, organization):
        return Verdict.no(_("Only an administrator of the organization can apply."))
    eligibility = organization_eligibility(mission, organization)
    if not eligibility:
        return eligibility
    return window_is_open(mission)


# --- Applications --------------------------------------------------------------------------


def can_view_application(user: AnyUser, application: Application) -> bool:
    return is_org_member(user, application.organization) or can_read_missions_staff(user)


def can_act_for_application(user: AnyUser, application: Application) -> Verdict:
    """Withdraw, accept or decline an offer: an administrator of the organization."""
    return Verdict.of(
        is_org_admin(user, application.organization),
        _("Only an administrator of the organization can do this."),
    )


def can_edit_application(user: AnyUser, application: Application) -> Verdict:
    """Change the motivation and the delegates: the organization's admin while the window is
    open and the application is still only submitted."""
    from .workflows import APPLICATION

    allowed = can_act_for_application(user, application)
    if not allowed:
        return allowed
    if not APPLICATION.has_tag(application, "editable"):
        return Verdict.no(_("This application can no longer be changed."))
    return window_is_open(application.mission)


def can_score_applications(user: AnyUser, mission: Mission) -> Verdict:
    return Verdict.of(
        can_coordinate_missions(user), _("Only a mission coordinator can score applications.")
    )


# --- Delegates -----------------------------------------------------------------------------


def is_delegate(user: AnyUser, delegate: Delegate) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and delegate.person_id == user.pk


def is_travelling_delegate(delegate: Delegate) -> bool:
    """Included in an accepted delegation."""
    from .workflows import APPLICATION

    return delegate.included and APPLICATION.value_of(delegate.application) == "accepted"


def can_view_delegate(user: AnyUser, delegate: Delegate) -> bool:
    return (
        is_delegate(user, delegate)
        or is_org_admin(user, delegate.application.organization)
        or can_read_missions_staff(user)
    )


def can_confirm_attendance(user: AnyUser, delegate: Delegate) -> Verdict:
    if not is_delegate(user, delegate):
        return Verdict.no(_("Only the delegate can confirm their own attendance."))
    if not is_travelling_delegate(delegate):
        return Verdict.no(_("Attendance can be confirmed once the organization accepts its place."))
    return Verdict.yes()


def can_update_readiness(user: AnyUser, delegate: Delegate) -> Verdict:
    """The delegate, an administrator of the organization or a coordinator."""
    return Verdict.of(
        is_delegate(user, delegate)
        or is_org_admin(user, delegate.application.organization)
        or can_coordinate_missions(user),
        _("Only the delegate, the organization's administrator or a coordinator can do this."),
    )


def can_record_outcome(user: AnyUser, delegate: Delegate) -> Verdict:
    """The delegate or an administrator of the organization, once the mission is under way."""
    from .workflows import MISSION

    if not (is_delegate(user, delegate) or is_org_admin(user, delegate.application.organization)):
        return Verdict.no(_("Only the delegate or the organization's administrator can do this."))
    if not MISSION.has_tag(delegate.mission, OUTCOMES_TAG):
        return Verdict.no(_("Outcomes are recorded once the mission is under way."))
    if not is_travelling_delegate(delegate):
        return Verdict.no(_("Only delegates of the delegation record outcomes."))
    return Verdict.yes()


# --- Agenda (added by the agenda part, H2) --------------------------------------------------


def can_see_agenda_addresses(user: AnyUser, mission: Mission) -> bool:
    """See the addresses of the agenda's items (company premises) and who attends each one:
    staff readers of missions, and people of an organization whose application to ``mission``
    holds a place (``HOLDS_PLACE_TAG``). The public sees title, kind, host, city and times.
    One query for people in organizations, none for visitors and staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_read_missions_staff(user):
        return True
    from members.viewer import viewer_for

    from .models import Application
    from .workflows import APPLICATION

    organization_ids = viewer_for(user).organization_ids
    if not organization_ids:
        return False
    return Application.objects.filter(
        mission_id=mission.pk,
        organization_id__in=organization_ids,
        status__in=APPLICATION.values_tagged(HOLDS_PLACE_TAG),
    ).exists()
