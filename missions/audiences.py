"""Audiences of missions for ``notify_audience`` (found by ``NotificationsConfig.ready``).

Each resolver builds a QuerySet of people without running a query (the mission's eligibility
is read by the database, in a subquery, when the broadcast is expanded); inactive accounts are
dropped and the order fixed by ``notifications.audiences.resolve_audience``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat

from members.models import Organization, OrganizationMember, User
from notifications.audiences import audience


def _admits(field: str, organization_field: str) -> Q:
    """The mission's JSON list ``field`` is empty (everyone) or holds the organization's
    ``organization_field`` value. The list is read as JSON text (``["mets", "mining"]`` on
    SQLite and PostgreSQL alike) and searched for the quoted value: kinds and regions are
    plain slugs, so the quotes delimit them exactly."""
    quoted = Concat(Value('"'), OuterRef(organization_field), Value('"'), output_field=CharField())
    return Q(**{field: []}) | Q(**{f"{field}_text__contains": quoted})


@audience("missions.eligible_people")
def eligible_people(*, mission_id: int) -> QuerySet[User]:
    """People of the active member organizations a mission admits (its eligible kinds and
    regions; an empty list admits every kind or region): who is told it was published."""
    from .models import Mission

    admitting = (
        Mission.objects.filter(pk=mission_id)
        .annotate(
            eligible_kinds_text=Cast("eligible_kinds", TextField()),
            eligible_regions_text=Cast("eligible_regions", TextField()),
        )
        .filter(_admits("eligible_kinds", "kind"))
        .filter(_admits("eligible_regions", "region"))
    )
    organizations = Organization.objects.filter(
        membership_status=Organization.MembershipStatus.ACTIVE
    ).filter(Exists(admitting))
    memberships = OrganizationMember.objects.filter(organization__in=organizations.values("pk"))
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


@audience("missions.applicant_people")
def applicant_people(*, mission_id: int) -> QuerySet[User]:
    """People of the organizations whose application to a mission still holds or waits for a
    place (not withdrawn, declined or lapsed): who is told the mission was cancelled."""
    from .models import Application
    from .permissions import OUT_TAG
    from .workflows import APPLICATION

    organizations = (
        Application.objects.filter(mission_id=mission_id)
        .exclude(status__in=APPLICATION.values_tagged(OUT_TAG))
        .values("organization_id")
    )
    memberships = OrganizationMember.objects.filter(organization_id__in=organizations)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))
