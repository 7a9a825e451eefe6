"""Who may read the KPI dashboard, close periods, generate and download reports. Plain
predicates, asked by views, the API, selectors and tasks; safe with ``AnonymousUser``.

==========================  =========================================================
action                      who
==========================  =========================================================
KPI dashboard, KPI API      ``core.view_reports`` (reporting officers, auditors,
                            administrators); partner tokens with ``reports:read``
close a period              ``core.close_reporting_periods`` (reporting officers,
                            administrators)
generate a report of kind   the kind's predicate in ``reports.catalogue`` — the same
                            staff permissions that open the data's own pages
see / download a run        its requester, while the kind's predicate still holds;
                            the scheduled KPI pack: whoever may read the dashboard
==========================  =========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.permissions import has_staff_permission

if TYPE_CHECKING:
    from .models import ReportRun

AnyUser = Any


def can_view_dashboard(user: AnyUser) -> bool:
    """The KPI dashboard and its figures."""
    return has_staff_permission(user, roles.VIEW_REPORTS)


def can_close_period(user: AnyUser) -> Verdict:
    return Verdict.of(
        has_staff_permission(user, roles.CLOSE_REPORTING_PERIODS),
        _("Only reporting officers and administrators can close a reporting period."),
    )


def can_request_report(user: AnyUser, kind: str, filters: dict[str, Any] | None = None) -> Verdict:
    """Generate a report of ``kind`` (asked with ``filters``): the kind's own predicate."""
    from .catalogue import get_kind

    try:
        spec = get_kind(kind)
    except KeyError:
        return Verdict.no(_("There is no such report."))
    return Verdict.of(spec.can_request(user, filters or {}), _("You cannot generate this report."))


def can_view_run(user: AnyUser, run: ReportRun) -> bool:
    """See a run's page and download its file."""
    if not getattr(user, "is_authenticated", False):
        return False
    if run.requester_id is None:
        return can_view_dashboard(user)
    return run.requester_id == user.pk and bool(can_request_report(user, run.kind, run.filters))


def can_read_reports_area(user: AnyUser) -> bool:
    """The staff "Reports" area: anyone who can generate at least one kind or read the
    dashboard."""
    from .catalogue import kinds_for_user

    return can_view_dashboard(user) or bool(kinds_for_user(user))
