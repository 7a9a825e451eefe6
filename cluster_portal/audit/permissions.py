"""Who may read the audit trail: auditors and administrators (the ``core.view_audit_log``
staff permission), never a member of staff by ``is_staff`` alone."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.permissions import has_staff_permission


def can_view_audit_log(user: Any) -> Verdict:
    return Verdict.of(
        has_staff_permission(user, roles.VIEW_AUDIT_LOG),
        _("Only auditors and administrators can read the audit log."),
    )
