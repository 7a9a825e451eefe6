"""The lifecycle tables of members: membership applications and organizations' membership.

Services enforce these tables under the row lock, the staff and team pages ask them which
actions to show, the staff queues build their tabs from them and the periodic job
(``cluster_portal.core.workflows.run_time_transitions``) uses their time-driven rows. No other
module writes a list of statuses a transition may leave. See :mod:`cluster_portal.core.workflows`.

``MembershipApplication.status``::

    submitted ──request_info──▶ info_requested ──respond──▶ submitted
                                     └──(no answer for MEMBERS_INFO_REQUEST_EXPIRY_DAYS)──▶ expired
    submitted | info_requested ──approve / reject / withdraw──▶ approved / rejected / withdrawn

``Organization.membership_status``::

    none | lapsed ──apply──▶ applicant ──admit (application approved)──▶ active
    applicant ──close_application (rejected, withdrawn, expired)──▶ lapsed if it was a member
                                                                    before, else none
    active ──suspend──▶ suspended ──reinstate──▶ active;  active | suspended ──lapse──▶ lapsed;
    lapsed ──reinstate──▶ active
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
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
from .models import MembershipApplication, Organization

Status = MembershipApplication.Status
OrgStatus = Organization.MembershipStatus

#: Tag of the organization states that take in new people (invitations, join requests).
ACCEPTS_PEOPLE = "accepts_people"


# --- Guards: who may take a transition (the state is checked by the table) ---------------------


def secretariat(actor: Any, obj: Any) -> Verdict:
    """Membership decisions are the secretariat's."""
    if actor is None:
        return Verdict.no(_("Only the secretariat can decide on memberships."))
    return Verdict.of(
        permissions.can_decide_membership(actor),
        _("Only the secretariat can decide on memberships."),
    )


def application_admin_may_answer(actor: Any, application: MembershipApplication) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the organization can answer."))
    return Verdict.of(
        permissions.can_act_on_application(actor, application),
        _("Only an admin of the organization can answer."),
    )


def application_admin_may_withdraw(actor: Any, application: MembershipApplication) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the organization can withdraw it."))
    return Verdict.of(
        permissions.can_act_on_application(actor, application),
        _("Only an admin of the organization can withdraw it."),
    )


def system_only(actor: Any, obj: Any) -> Verdict:
    """Moves the portal makes by itself on time (``actor`` None), never a person."""
    return Verdict.of(actor is None, _("This happens by itself; nobody can do it by hand."))


def organization_admin(actor: Any, organization: Organization) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an admin of the organization can apply for it."))
    return Verdict.of(
        permissions.is_org_admin(actor, organization),
        _("Only an admin of the organization can apply for it."),
    )


# --- Time ---------------------------------------------------------------------------------------


def info_request_expiry_days() -> int:
    """Days an applicant has to answer a request for information
    (``settings.MEMBERS_INFO_REQUEST_EXPIRY_DAYS``)."""
    return int(settings.MEMBERS_INFO_REQUEST_EXPIRY_DAYS)


def info_request_unanswered(now: datetime.datetime) -> Q:
    """Applications whose request for information is older than the allowed days (the request
    is the application's last decision, ``decided_at``)."""
    return Q(decided_at__lte=now - datetime.timedelta(days=info_request_expiry_days()))


def info_request_expired(application: MembershipApplication, now: datetime.datetime) -> bool:
    """:func:`info_request_unanswered` for one application in memory."""
    deadline = now - datetime.timedelta(days=info_request_expiry_days())
    return application.decided_at is not None and application.decided_at <= deadline


# --- Membership applications --------------------------------------------------------------------

OPEN = frozen([Status.SUBMITTED, Status.INFO_REQUESTED])

APPLICATION: Workflow[MembershipApplication] = register(
    Workflow(
        name="members.application",
        model=MembershipApplication,
        field="status",
        refusal=_("This application is %(state)s: it can no longer be changed this way."),
        states=[
            State(Status.SUBMITTED, "text-bg-primary"),
            State(
                Status.INFO_REQUESTED,
                "text-bg-warning",
                description=_(
                    "Waiting for the applicant's answer. You can still approve or reject."
                ),
            ),
            State(Status.APPROVED, "text-bg-success"),
            State(Status.REJECTED, "text-bg-danger"),
            State(Status.WITHDRAWN, "text-bg-secondary"),
            State(
                Status.EXPIRED,
                "text-bg-secondary",
                description=_(
                    "Closed automatically: the information requested was not sent in time."
                ),
            ),
        ],
        transitions=[
            Transition(
                "approve",
                OPEN,
                Status.APPROVED,
                _("Approve"),
                guard=secretariat,
                style="success",
                button_label=_("Approve membership"),
            ),
            Transition(
                "request_info",
                frozen([Status.SUBMITTED]),
                Status.INFO_REQUESTED,
                _("Ask for more information"),
                guard=secretariat,
                style="warning",
                button_label=_("Send request"),
            ),
            Transition(
                "reject",
                OPEN,
                Status.REJECTED,
                _("Reject"),
                guard=secretariat,
                style="danger",
                button_label=_("Reject application"),
            ),
            Transition(
                "respond",
                frozen([Status.INFO_REQUESTED]),
                Status.SUBMITTED,
                _("Answer the secretariat"),
                guard=application_admin_may_answer,
                audience="organization",
                button_label=_("Send answer"),
            ),
            Transition(
                "withdraw",
                OPEN,
                Status.WITHDRAWN,
                _("Withdraw application"),
                guard=application_admin_may_withdraw,
                audience="organization",
                style="outline-danger",
                confirm=_("Withdraw the membership application?"),
            ),
            Transition(
                "expire",
                frozen([Status.INFO_REQUESTED]),
                Status.EXPIRED,
                _("Close as expired"),
                guard=system_only,
                audience="system",
            ),
        ],
        timed=[
            TimedTransition(
                "expire",
                due=info_request_unanswered,
                service="members.services.membership.membership_application_expire",
                argument="application",
            )
        ],
    )
)


# --- Organizations' membership ------------------------------------------------------------------


def _status_after_application(organization: Organization) -> str:
    """Back where it was before applying: a former member is *lapsed*, anyone else *none*."""
    return OrgStatus.LAPSED if organization.member_since else OrgStatus.NONE


ORGANIZATION: Workflow[Organization] = register(
    Workflow(
        name="members.organization",
        model=Organization,
        field="membership_status",
        refusal=_("%(object)s is %(state)s: this change is not possible."),
        states=[
            State(OrgStatus.NONE, "text-bg-light border"),
            State(OrgStatus.APPLICANT, "text-bg-info", tags=frozenset({ACCEPTS_PEOPLE})),
            State(OrgStatus.ACTIVE, "text-bg-success", tags=frozenset({ACCEPTS_PEOPLE})),
            State(OrgStatus.SUSPENDED, "text-bg-danger"),
            State(OrgStatus.LAPSED, "text-bg-secondary"),
        ],
        transitions=[
            Transition(
                "apply",
                frozen([OrgStatus.NONE, OrgStatus.LAPSED]),
                OrgStatus.APPLICANT,
                _("Apply for membership"),
                guard=organization_admin,
                audience="organization",
                refusal=_("%(object)s is already %(state)s: it cannot apply again now."),
            ),
            # Consequences of the application's decision (membership_application_* services).
            Transition(
                "admit",
                frozen([OrgStatus.APPLICANT]),
                OrgStatus.ACTIVE,
                _("Admit"),
                audience="system",
            ),
            Transition(
                "close_application",
                frozen([OrgStatus.APPLICANT]),
                _status_after_application,
                _("Close the application"),
                audience="system",
            ),
            Transition(
                "suspend",
                frozen([OrgStatus.ACTIVE]),
                OrgStatus.SUSPENDED,
                _("Suspend"),
                guard=secretariat,
                style="danger",
                button_label=_("Suspend membership"),
                description=_(
                    "Its people lose member-only features until the membership is reinstated."
                ),
            ),
            Transition(
                "reinstate",
                frozen([OrgStatus.SUSPENDED, OrgStatus.LAPSED]),
                OrgStatus.ACTIVE,
                _("Reinstate"),
                guard=secretariat,
                style="success",
                button_label=_("Reinstate membership"),
            ),
            Transition(
                "lapse",
                frozen([OrgStatus.ACTIVE, OrgStatus.SUSPENDED]),
                OrgStatus.LAPSED,
                _("End membership (lapse)"),
                guard=secretariat,
                style="outline-danger",
                button_label=_("Mark as lapsed"),
                description=_(
                    "For example when dues are unpaid or the organization asked to leave. It "
                    "can apply again later."
                ),
            ),
        ],
    )
)
