"""Reads for staff role management: staff accounts with their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.module_loading import import_string

from cluster_portal.core.roles import ROLES
from members.models import User
from members.viewer import Viewer

from .areas import staff_areas_for

#: Filter value of the list for staff accounts without any role.
NO_ROLE = "none"
PAGE_SIZE = 25


def _with_roles(queryset: QuerySet[User]) -> QuerySet[User]:
    """Each account's role groups as ``role_groups`` (one query for the whole page)."""
    return queryset.prefetch_related(
        Prefetch(
            "groups",
            queryset=Group.objects.filter(name__in=ROLES).order_by("name"),
            to_attr="role_groups",
        )
    )


def staff_accounts(*, query: str = "", role: str = "") -> QuerySet[User]:
    """Staff accounts (active or not) with their roles, by name; ``query`` searches the name
    and the email, ``role`` keeps the holders of one role (or :data:`NO_ROLE`)."""
    queryset = User.objects.filter(is_staff=True)
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role == NO_ROLE:
        queryset = queryset.exclude(groups__name__in=ROLES)
    elif role in ROLES:
        queryset = queryset.filter(pk__in=Group.objects.filter(name=role).values("user__pk"))
    return _with_roles(queryset.order_by("full_name", "email", "pk"))


def role_holder_counts() -> dict[str, int]:
    """Active staff accounts holding each role, by role code (one query)."""
    counts = dict.fromkeys(ROLES, 0)
    rows = (
        Group.objects.filter(name__in=ROLES)
        .annotate(holders=Count("user", filter=Q(user__is_staff=True, user__is_active=True)))
        .values_list("name", "holders")
    )
    counts.update(dict(rows))
    return counts


def staff_account_get(*, user_id: int) -> User:
    """A staff account with its roles; ``Http404`` for anything else."""
    account = _with_roles(User.objects.filter(pk=user_id, is_staff=True)).first()
    if account is None:
        raise Http404
    return account


def role_codes_of(account: Any) -> list[str]:
    """The role codes of an account from :func:`staff_accounts` / :func:`staff_account_get`,
    in catalogue order."""
    held = {group.name for group in getattr(account, "role_groups", [])}
    return [code for code in ROLES if code in held]


# --- The personal dashboard ---------------------------------------------------------------------


def staff_queues_panel(viewer: Viewer) -> dict[str, Any] | None:
    """The staff panel of the personal dashboard (``cluster_portal.dashboard.panels``): the
    areas the person's roles open (``areas.staff_areas_for``), each with the number of rows
    waiting there when the area declares a count (one query per such area). ``None`` for
    anyone who is not staff."""
    if not viewer.is_staff:
        return None
    areas = [
        (area, import_string(area.count)(viewer) if area.count else None)
        for area in staff_areas_for(viewer)
    ]
    return {
        "areas": areas,
        "has_staff_role": viewer.has_staff_role,
        "is_superuser": viewer.is_superuser,
    }
