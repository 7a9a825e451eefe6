"""Audiences of the open-innovation funnel for ``notify_audience`` (found by
``NotificationsConfig.ready``). Each sub-domain keeps its own section.

Each resolver builds a QuerySet of people without running a query; inactive accounts are
dropped and the order fixed by ``notifications.audiences.resolve_audience``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from members.models import OrganizationMember, User
from notifications.audiences import audience

# --- Calls ------------------------------------------------------------------------------------


@audience("challenges.call_matches")
def call_matches(*, call_id: int) -> QuerySet[User]:
    """People of the organizations matching a call (``challenges.matchmaking``): active members
    offering a capability of the call's challenges, sponsors excluded."""
    from .matchmaking import matching_organizations_queryset

    organizations = matching_organizations_queryset(call_id=call_id)
    memberships = OrganizationMember.objects.filter(organization__in=organizations.values("pk"))
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


@audience("challenges.call_subscribers")
def call_subscribers(*, call_id: int) -> QuerySet[User]:
    """People who subscribed to a call's clarifications and deadlines."""
    from .models import CallSubscription

    return get_user_model().objects.filter(
        pk__in=CallSubscription.objects.filter(call_id=call_id).values("user_id")
    )


# --- Evaluation -------------------------------------------------------------------------------


@audience("challenges.evaluation_coordinators")
def evaluation_coordinators() -> QuerySet[User]:
    """Active staff whose role coordinates evaluations (not administrators: they hold every
    permission but are not sent every area's mail); the administrators when nobody holds such
    a role, so a declared conflict is never lost."""
    from django.db.models import Exists, Q

    from cluster_portal.core import roles

    people = get_user_model().objects.filter(is_staff=True, is_active=True)
    area_roles = [
        code
        for code in roles.roles_with_permission(roles.COORDINATE_EVALUATION)
        if code != roles.ADMINISTRATOR
    ]
    coordinators = people.filter(groups__name__in=area_roles)
    admins = people.filter(groups__name=roles.ADMINISTRATOR)
    return people.filter(
        Q(pk__in=coordinators.values("pk"))
        | (Q(pk__in=admins.values("pk")) & ~Exists(coordinators.values("pk")))
    )
