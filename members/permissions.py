"""Who may do what with members' records. Plain predicates, asked by views, the API and tasks.

Anonymous users are passed as ``AnonymousUser``; every predicate is safe to call with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Organization, User

    AnyUser = User | AnonymousUser


def is_staff(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def membership_role(user: AnyUser, organization: Organization) -> str | None:
    """The user's role in the organization ("admin" / "member"), or None."""
    if not user.is_authenticated:
        return None
    from .models import OrganizationMember

    return (
        OrganizationMember.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )


def is_org_member(user: AnyUser, organization: Organization) -> bool:
    return membership_role(user, organization) is not None


def is_org_admin(user: AnyUser, organization: Organization) -> bool:
    from .models import OrganizationMember

    return membership_role(user, organization) == OrganizationMember.Role.ADMIN


def is_cluster_member(user: AnyUser) -> bool:
    """Belongs to at least one organization whose membership is active (not suspended/lapsed).

    Member-only features ask this; a suspended organization's people lose them.
    """
    if not user.is_authenticated:
        return False
    from .models import Organization, OrganizationMember

    return OrganizationMember.objects.filter(
        user=user, organization__membership_status=Organization.MembershipStatus.ACTIVE
    ).exists()
