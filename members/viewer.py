"""What the person behind a request is, computed once per request.

Every predicate of ``members.permissions`` (and of later apps) asks the same few questions: which
organizations is this person in and with which role, is one of them an active member, which
staff permissions do they hold. Asked one predicate at a time, a page repeats the same queries
for every link it decides to show. :func:`viewer_for` answers them once and keeps the answer on
the user object, which lives as long as the request (``request.user``); templates get it as
``viewer`` (``core.context_processors.portal``).

Each part is computed on first use: a page that only asks about staff permissions never queries
memberships, and people who are not staff never pay for permissions.

* memberships: one query (organization, role, the organization's membership status);
* staff permissions: one query, only for active staff accounts (``is_staff`` is the gate of the
  staff area; roles outside it grant nothing); superusers hold every permission without one;
* role codes: one query, only for pages that list them (staff home, roles page).

Stale answers: any save or delete of an ``OrganizationMember`` or ``Organization``, a change of a
user's groups or permissions or a save of a user bumps a process-wide generation
(:func:`viewers_changed`, connected in ``MembersConfig.ready``); a cached viewer of an older
generation is recomputed on its next use. So a service that adds someone to an organization and
then asks a predicate in the same request gets the fresh answer, whichever user instance it
holds. A write that bypasses signals (``QuerySet.update`` of those rows) must call
:func:`viewers_changed` itself.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cluster_portal.core.roles import APP_LABEL, ROLES

_CACHE_ATTRIBUTE = "_portal_viewer"

_generation_lock = threading.Lock()
_generations = itertools.count(1)
_current_generation = 0


def viewers_changed(*args: Any, **kwargs: Any) -> None:
    """Invalidate every cached viewer of this process (signal receiver friendly)."""
    global _current_generation
    with _generation_lock:
        _current_generation = next(_generations)


@dataclass(frozen=True, slots=True)
class OrganizationRole:
    """One of the person's organizations: their role there and its membership status."""

    organization_id: int
    role: str
    membership_status: str
    #: The organization's kind (``Organization.Kind``), read in the same query.
    kind: str = ""


class Viewer:
    """The person behind a request; see the module docstring. Build it with :func:`viewer_for`."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.generation = _current_generation

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_active(self) -> bool:
        return self.is_authenticated and bool(getattr(self.user, "is_active", False))

    @property
    def is_superuser(self) -> bool:
        return self.is_active and bool(getattr(self.user, "is_superuser", False))

    @property
    def is_staff(self) -> bool:
        """May enter the staff area (the gate; roles decide what they do there)."""
        return self.is_active and bool(getattr(self.user, "is_staff", False))

    def __repr__(self) -> str:
        return f"<Viewer {getattr(self.user, 'pk', None)}>"

    # --- Organizations ---------------------------------------------------------------------

    @cached_property
    def organizations(self) -> Mapping[int, OrganizationRole]:
        """The person's organizations by id (one query)."""
        if not self.is_authenticated:
            return {}
        from .models import OrganizationMember

        rows = OrganizationMember.objects.filter(user=self.user).values_list(
            "organization_id", "role", "organization__membership_status", "organization__kind"
        )
        return {
            org_id: OrganizationRole(org_id, role, status, kind)
            for org_id, role, status, kind in rows
        }

    @property
    def organization_ids(self) -> frozenset[int]:
        return frozenset(self.organizations)

    def role_in(self, organization_id: int | None) -> str | None:
        """The person's role ("admin" / "member") in the organization, or None."""
        membership = self.organizations.get(organization_id)  # type: ignore[arg-type]
        return membership.role if membership else None

    @property
    def is_cluster_member(self) -> bool:
        """Belongs to at least one organization whose membership is active."""
        from .models import Organization

        active = Organization.MembershipStatus.ACTIVE
        return any(m.membership_status == active for m in self.organizations.values())

    def organization_ids_of_kind(self, kind: str) -> frozenset[int]:
        """The person's organizations of ``kind`` (no query beyond :attr:`organizations`)."""
        return frozenset(o.organization_id for o in self.organizations.values() if o.kind == kind)

    # --- Staff permissions -----------------------------------------------------------------

    @cached_property
    def permissions(self) -> frozenset[str]:
        """``"app_label.codename"`` of every permission held through groups or directly (one
        query; empty for anyone who is not active staff)."""
        if not self.is_staff or self.is_superuser:
            return frozenset()
        from django.contrib.auth.models import Permission
        from django.db.models import Q

        rows = (
            Permission.objects.filter(Q(user=self.user) | Q(group__user=self.user))
            .values_list("content_type__app_label", "codename")
            .order_by()
            .distinct()
        )
        return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)

    def has_perm(self, permission: str) -> bool:
        """``permission`` is ``"app_label.codename"``; superusers hold every one."""
        return self.is_superuser or permission in self.permissions

    @cached_property
    def role_codes(self) -> tuple[str, ...]:
        """The staff roles held, in catalogue order (one query; empty unless active staff)."""
        if not self.is_staff:
            return ()
        held = set(self.user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        return tuple(code for code in ROLES if code in held)

    @cached_property
    def can_use_admin(self) -> bool:
        """Has at least one Django admin page to use (``staff.permissions.can_use_admin``)."""
        from cluster_portal.staff.permissions import can_use_admin

        return bool(can_use_admin(self.user))

    @property
    def has_staff_role(self) -> bool:
        """Holds at least one staff permission (through a role or directly), or is superuser."""
        prefix = f"{APP_LABEL}."
        return self.is_superuser or any(p.startswith(prefix) for p in self.permissions)


def viewer_for(user: Any) -> Viewer:
    """The :class:`Viewer` of ``user``, cached on the object until something changes."""
    viewer = getattr(user, _CACHE_ATTRIBUTE, None)
    if viewer is not None and viewer.generation == _current_generation:
        return viewer  # type: ignore[no-any-return]
    viewer = Viewer(user)
    if getattr(user, "is_authenticated", False):
        # An anonymous viewer costs nothing to build: only signed-in users keep one.
        setattr(user, _CACHE_ATTRIBUTE, viewer)
    return viewer


def forget_viewer(user: Any) -> None:
    """Drop the viewer cached on ``user`` (after changing it in place, e.g. ``is_staff``)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
