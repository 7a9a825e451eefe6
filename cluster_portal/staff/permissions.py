"""Who may manage staff roles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.permissions import has_staff_permission


def can_manage_roles(user: Any) -> Verdict:
    """Grant and revoke staff roles, make an account staff: administrators."""
    return Verdict.of(
        has_staff_permission(user, roles.MANAGE_ROLES),
        _("Only administrators can manage staff roles."),
    )
