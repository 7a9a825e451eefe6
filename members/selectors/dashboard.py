"""The members app's panels of the personal dashboard (``cluster_portal.dashboard.panels``).

Each selector takes the person's viewer and returns its panel's context, or ``None`` when the
panel is not for them; each reads only the person's own organizations, applications and
requests, in a bounded number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import JoinRequest, MembershipApplication, Organization, OrganizationMember
from ..viewer import Viewer
from ..workflows import APPLICATION, ORGANIZATION, info_request_expiry_days
from .dues import dues_overdue
from .membership import applications_and_requests_of_user

#: What the person should do next about an organization's membership (the panel's sentence).
NEXT_ANSWER = "answer"  # the secretariat asked for information and this person may answer
NEXT_ADMIN_ANSWERS = "admin_answers"  # ... and an admin of the organization must answer
NEXT_WAIT = "wait"  # the secretariat is reviewing the application
NEXT_APPLY_AGAIN = "apply_again"  # not a member (any more) and this person may apply


@dataclass(frozen=True)
class OrganizationCard:
    """One of the person's organizations as the dashboard shows it."""

    organization: Organization  # annotated: ``people``, ``pending_join_requests``
    role: str
    role_label: str
    application: MembershipApplication | None  # the latest one, open or decided
    next_step: str  # one of the NEXT_* codes, or ""
    answer_before: datetime.date | None  # the deadline of a request for information
    dues_overdue: bool

    @property
    def is_admin(self) -> bool:
        return self.role == OrganizationMember.Role.ADMIN


def _count(queryset: Any) -> Subquery:
    """``Subquery`` counting ``queryset``'s rows (grouped by the outer row)."""
    return Subquery(
        queryset.order_by().values("organization_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def _next_step(
    organization: Organization, role: str, application: MembershipApplication | None
) -> str:
    """Asked of the lifecycle tables (members/workflows.py), never of a status list."""
    is_admin = role == OrganizationMember.Role.ADMIN
    if application is not None and APPLICATION.is_open(application):
        if APPLICATION.state_allows(application, "respond"):
            return NEXT_ANSWER if is_admin else NEXT_ADMIN_ANSWERS
        return NEXT_WAIT
    if is_admin and ORGANIZATION.state_allows(organization, "apply"):
        return NEXT_APPLY_AGAIN
    return ""


def organization_cards(*, viewer: Viewer) -> list[OrganizationCard]:
    """The person's organizations by name, each with its membership status, team size, pending
    join requests, latest membership application and next step (three queries in all)."""
    if not viewer.organization_ids:
        return []
    latest_application = (
        MembershipApplication.objects.filter(organization=OuterRef("organization_id"))
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    memberships = list(
        OrganizationMember.objects.filter(user=viewer.user)
        .select_related("organization")
        .annotate(
            people=Coalesce(
                _count(OrganizationMember.objects.filter(organization=OuterRef("organization_id"))),
                Value(0),
            ),
            pending_join_requests=Coalesce(
                _count(
                    JoinRequest.objects.filter(
                        organization=OuterRef("organization_id"),
                        status=JoinRequest.Status.PENDING,
                    )
                ),
                Value(0),
            ),
            latest_application_id=Subquery(latest_application),
        )
        .order_by("organization__legal_name", "organization_id")
    )
    application_ids = [m.latest_application_id for m in memberships if m.latest_application_id]
    applications = {a.pk: a for a in MembershipApplication.objects.filter(pk__in=application_ids)}
    today = timezone.localdate()
    cards = []
    for membership in memberships:
        organization = membership.organization
        organization.people = membership.people  # type: ignore[attr-defined]
        organization.pending_join_requests = membership.pending_join_requests  # type: ignore[attr-defined]
        application = applications.get(membership.latest_application_id)
        if application is not None:
            application.organization = organization
        next_step = _next_step(organization, membership.role, application)
        answer_before = None
        if (
            next_step in (NEXT_ANSWER, NEXT_ADMIN_ANSWERS)
            and application
            and application.decided_at
        ):
            deadline = application.decided_at + datetime.timedelta(days=info_request_expiry_days())
            answer_before = timezone.localdate(deadline)
        cards.append(
            OrganizationCard(
                organization=organization,
                role=membership.role,
                role_label=str(membership.get_role_display()),
                application=application,
                next_step=next_step,
                answer_before=answer_before,
                dues_overdue=dues_overdue(organization, today=today),
            )
        )
    return cards


def organizations_panel(viewer: Viewer) -> dict[str, Any] | None:
    """ "My organizations": for people who belong to at least one organization."""
    if not viewer.organization_ids:
        return None
    return {"cards": organization_cards(viewer=viewer)}


def getting_started_panel(viewer: Viewer) -> dict[str, Any] | None:
    """ "Join the cluster": for people outside every organization (and not staff): how to apply
    or join, and what they have already asked for (open applications, pending join requests,
    rejected applications whose reason they should still read)."""
    if viewer.organization_ids or viewer.is_staff:
        return None
    # An outside expert's account is for evaluating, not for joining: "My evaluations" instead.
    # (The evaluator profile is read once per request and cached on the user object.)
    if getattr(viewer.user, "evaluator_profile", None) is not None:
        return None
    requests = applications_and_requests_of_user(user=viewer.user)
    return {**requests, "has_requests": any(requests.values())}


def applications_awaiting_decision_count(viewer: Viewer) -> int:
    """Membership applications waiting for the secretariat (submitted or answered; not those
    waiting for the applicant's information)."""
    waiting = [
        state.value
        for state in APPLICATION.states
        if APPLICATION.is_open(state.value) and not APPLICATION.state_allows(state.value, "respond")
    ]
    return MembershipApplication.objects.filter(status__in=waiting).count()


def organizations_with_overdue_dues_count(viewer: Viewer) -> int:
    """Members (active or suspended) whose dues are paid only up to a day already past."""
    return Organization.objects.filter(
        membership_status__in=ORGANIZATION.sources("lapse"),  # the states that can lapse
        dues_paid_until__lt=timezone.localdate(),
    ).count()
