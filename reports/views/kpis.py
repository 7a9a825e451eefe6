"""The staff KPI dashboard (``reports_staff:dashboard``) and closing a period
(``reports_staff:period_close``).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication (anyone
else: 404); inside, the dashboard asks ``can_view_dashboard`` and closing asks
``can_close_period`` (403 otherwise). The figures are ``reports.selectors.kpis.kpis_for_period``'s:
the frozen snapshot of a closed period, the live figures of an open one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cluster_portal.core.forms import error_text
from cluster_portal.core.http import AuthenticatedRequest

from ..forms.kpis import PeriodCloseForm, PeriodForm
from ..kpis import PERIOD_KINDS, figure_tables, kind_label, make_period, summary_rows
from ..permissions import can_close_period, can_view_dashboard
from ..selectors.kpis import closed_periods, kpis_for_period
from ..services.kpis import period_close as close_service

#: Closed periods listed per page under the dashboard.
CLOSED_PAGE_SIZE = 12


def dashboard_url(kind: str, starts_on: object) -> str:
    query = urlencode({"period_kind": kind, "starts_on": str(starts_on)})
    return f"{reverse('reports_staff:dashboard')}?{query}"


@require_safe
@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The figures of one period (the current month by default): charts with their tables and
    definitions, the frozen/live banner, the close form for those allowed (ended, open
    periods only) and the closed periods. A malformed period is a 400 showing the current
    month with the error."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    status = 200
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
    else:
        if form.is_bound:
            status = 400
        period = form.choices_for("month")[0]
    view = kpis_for_period(kind=period.kind, starts_on=period.starts_on)
    verdict = can_close_period(request.user)
    can_close = bool(verdict) and view.is_live and period.has_ended(today)
    closed_page = Paginator(closed_periods(), CLOSED_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "view": view,
        "period": period,
        "kinds": [
            {
                "value": kind,
                "label": kind_label(kind),
                "active": kind == period.kind,
                "url": dashboard_url(kind, form.choices_for(kind)[0].starts_on),
            }
            for kind in PERIOD_KINDS
        ],
        "choices": form.choices_for(period.kind),
        "tables": figure_tables(view.figures),
        "summary": summary_rows(view.figures),
        "can_close": can_close,
        "close_form": PeriodCloseForm(initial={"kind": period.kind, "starts_on": period.starts_on})
        if can_close
        else None,
        "close_refusal": ""
        if can_close or not view.is_live
        else (verdict.reason if not verdict else _("Only ended periods can be closed.")),
        "page_obj": closed_page,
        "closed_list": [
            {
                "closed": closed,
                "label": make_period(closed.kind, closed.starts_on).label,
                "url": dashboard_url(closed.kind, closed.starts_on),
            }
            for closed in closed_page.object_list
        ],
        # Initial values of the cluster_kpis form on the runs page (reports_staff:run_create).
        "report_query": urlencode({"period_kind": period.kind, "starts_on": period.starts_on}),
    }
    return render(request, "reports/kpis/dashboard.html", context, status=status)


@require_POST
@login_required
def period_close(request: AuthenticatedRequest) -> HttpResponse:
    """Close the posted period (``period_close``); back to its dashboard with a message."""
    verdict = can_close_period(request.user)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    form = PeriodCloseForm(request.POST)
    if not form.is_valid():
        found = [str(message) for errors in form.errors.values() for message in errors]
        messages.error(request, " ".join(found) or _("Choose a period from the list."))
        return redirect("reports_staff:dashboard")
    period = form.cleaned_data["period"]
    try:
        close_service(
            actor=request.user,
            kind=period.kind,
            starts_on=period.starts_on,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(period)s is closed: its figures are frozen.") % {"period": period.label},
        )
    return redirect(dashboard_url(period.kind, period.starts_on))
