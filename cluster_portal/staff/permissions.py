"""Who may manage staff roles, and who gets the Django admin."""

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


def admin_model_permissions() -> frozenset[str]:
    """Every ``"app_label.<action>_<model>"`` permission of a model registered in the admin."""
    from django.contrib import admin

    return frozenset(
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in admin.site._registry
        for action in ("add", "change", "delete", "view")
    )


def can_use_admin(user: Any) -> Verdict:
    """Open the Django admin and find something there: active staff holding a permission on at
    least one model the admin shows (through a role, see ``core.roles.ADMIN_MODEL_PERMISSIONS``),
    or a superuser. The navigation shows "Administration" only to them."""
    from members.viewer import viewer_for

    viewer = viewer_for(user)
    allowed = (
        viewer.is_active
        and viewer.is_staff
        and (viewer.is_superuser or bool(viewer.permissions & admin_model_permissions()))
    )
    return Verdict.of(allowed, _("Your staff roles give you no administration page."))
