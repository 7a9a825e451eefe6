"""Writes of staff role management: grant and revoke roles, make an account staff.

Every change is checked against the actor's ``core.manage_roles`` permission (administrators)
and recorded with :func:`cluster_portal.audit.services.audit_decision`. There is always at least
one active administrator: revoking the last one is refused (under a lock on the administrator
group, so two administrators revoking each other at once cannot both succeed).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from members.models import User

from .permissions import can_manage_roles


def _require_role_manager(actor: User) -> None:
    if not can_manage_roles(actor):
        raise PermissionDenied


def _role_group(role: str, *, lock: bool = False) -> Group:
    if role not in roles.ROLES:
        raise ValidationError({"role": _("Choose one of the staff roles.")}, code="invalid_role")
    groups = Group.objects.select_for_update() if lock else Group.objects
    try:
        return groups.get(name=role)
    except Group.DoesNotExist:  # The catalogue is synced after migrate; repair if someone
        roles.sync_staff_roles()  # deleted the group by hand.
        return Group.objects.get(name=role)


def _role_codes(user: User) -> list[str]:
    held = set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))
    return [code for code in roles.ROLES if code in held]


def _audit(*, actor: User, user: User, action: str, before: list[str], after: list[str]) -> None:
    audit_decision(
        actor=actor,
        target=user,
        action=action,
        changes={"staff_roles": (", ".join(before) or "-", ", ".join(after) or "-")},
    )


@transaction.atomic
def staff_role_grant(*, actor: User, user: User, role: str) -> bool:
    """Give ``user`` the staff role ``role``. Returns False (and records nothing) when they
    already hold it.

    Preconditions: ``actor`` manages roles (else ``PermissionDenied``); ``role`` is in the
    catalogue and ``user`` is an active staff account (else ``ValidationError``: make the
    account staff first with :func:`staff_account_add`). Enqueues nothing.
    """
    _require_role_manager(actor)
    group = _role_group(role)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not (user.is_staff and user.is_active):
        raise ValidationError(_("Only active staff accounts hold staff roles."), code="not_staff")
    before = _role_codes(user)
    if role in before:
        return False
    user.groups.add(group)
    _audit(
        actor=actor,
        user=user,
        action="staff_role.grant",
        before=before,
        after=[c for c in roles.ROLES if c in {*before, role}],
    )
    return True


@transaction.atomic
def staff_role_revoke(*, actor: User, user: User, role: str) -> bool:
    """Take the staff role ``role`` from ``user``. Returns False when they do not hold it.

    Preconditions: ``actor`` manages roles (else ``PermissionDenied``); ``role`` is in the
    catalogue; revoking ``administrator`` leaves another active staff administrator (else
    ``ValidationError`` with code ``last_administrator``). Enqueues nothing.
    """
    _require_role_manager(actor)
    group = _role_group(role, lock=role == roles.ADMINISTRATOR)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _role_codes(user)
    if role not in before:
        return False
    if role == roles.ADMINISTRATOR:
        others = group.user_set.filter(is_staff=True, is_active=True).exclude(pk=user.pk)
        if not others.exists():
            raise ValidationError(
                _(
                    "%(person)s is the last administrator. Make someone else an administrator "
                    "first: the portal must always have one."
                )
                % {"person": user.get_full_name() or user.email},
                code="last_administrator",
            )
    user.groups.remove(group)
    _audit(
        actor=actor,
        user=user,
        action="staff_role.revoke",
        before=before,
        after=[c for c in before if c != role],
    )
    return True


@transaction.atomic
def staff_account_add(*, actor: User, email: str, role: str) -> User:
    """Make the existing, active account with ``email`` a member of staff holding ``role``.

    The person then needs an authenticator app to enter the staff area (the staff MFA gate asks
    them to set one up). Preconditions: ``actor`` manages roles (``PermissionDenied``);
    an active account with that (verified or not) primary email exists and ``role`` is in the
    catalogue (``ValidationError`` on ``email`` / ``role``). Enqueues nothing.
    """
    _require_role_manager(actor)
    _role_group(role)
    user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
    if user is None or not user.is_active:
        raise ValidationError(
            {
                "email": _(
                    "There is no active account with this email. The person must sign up first."
                )
            },
            code="no_account",
        )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        audit_decision(
            actor=actor, target=user, action="staff.add", changes={"is_staff": (False, True)}
        )
    staff_role_grant(actor=actor, user=user, role=role)
    return user
