"""Audiences of the members app for ``notify_audience`` (found by ``NotificationsConfig.ready``).

Each resolver builds a QuerySet of people without running a query; inactive accounts are
dropped and the order fixed by ``notifications.audiences.resolve_audience``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from notifications.audiences import audience

from .models import Organization, OrganizationMember, User


def _people_of(memberships: QuerySet[OrganizationMember]) -> QuerySet[User]:
    # A subquery instead of a join: a person in two matching organizations appears once,
    # without DISTINCT, so the broadcast can walk the audience by primary key.
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


@audience("members.active_people")
def active_people(
    *,
    capabilities: list[str] | None = None,
    kinds: list[str] | None = None,
    admins_only: bool = False,
) -> QuerySet[User]:
    """People of active member organizations.

    ``capabilities``: only organizations offering at least one of these (active) capability
    slugs, e.g. a new call's topics; ``kinds``: only these organization kinds (``mets``,
    ``mining`` …); ``admins_only``: only each organization's admins.
    """
    memberships = OrganizationMember.objects.filter(
        organization__membership_status=Organization.MembershipStatus.ACTIVE
    )
    if capabilities:
        matching = Organization.capabilities.through.objects.filter(
            capability__slug__in=list(capabilities), capability__is_active=True
        ).values("organization_id")
        memberships = memberships.filter(organization_id__in=matching)
    if kinds:
        memberships = memberships.filter(organization__kind__in=list(kinds))
    if admins_only:
        memberships = memberships.filter(role=OrganizationMember.Role.ADMIN)
    return _people_of(memberships)


@audience("members.organization_people")
def organization_people(*, organization_id: int, admins_only: bool = False) -> QuerySet[User]:
    """The people of one organization (or only its admins), whatever its membership status."""
    memberships = OrganizationMember.objects.filter(organization_id=organization_id)
    if admins_only:
        memberships = memberships.filter(role=OrganizationMember.Role.ADMIN)
    return _people_of(memberships)
