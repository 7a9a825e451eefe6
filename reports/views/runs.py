"""The report runs pages under ``/staff/reports/runs/`` (namespace ``reports_staff``): my runs
and the kinds I may generate, asking for one (the kind's form and a file format), a run's page
with its progress polled by htmx, trying again, and the download.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication. The
runs area is for those who can generate a kind or read the dashboard
(``can_read_reports_area``); a run is visible only through ``can_view_run`` — anything else is
a 404, so the runs of others cannot be told from runs that do not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cluster_portal.core.forms import add_service_error, error_text
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.jobs import JobStatus
from cluster_portal.files.views import content_disposition

from ..catalogue import ReportKindSpec, get_kind, kinds_for_user
from ..forms.runs import RunFormatForm
from ..models import ReportFormat, ReportRun
from ..permissions import can_read_reports_area, can_request_report
from ..selectors import runs as selectors
from ..services import runs as services
from ..spreadsheets import CONTENT_TYPE_CSV, CONTENT_TYPE_XLSX

PAGE_SIZE = 25
#: htmx stops polling when a response has this status (the run is finished).
STOP_POLLING = 286
FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})
CONTENT_TYPES = {ReportFormat.XLSX: CONTENT_TYPE_XLSX, ReportFormat.CSV: CONTENT_TYPE_CSV}


def _require_area(request: AuthenticatedRequest) -> None:
    if not can_read_reports_area(request.user):
        raise PermissionDenied


def _run(request: AuthenticatedRequest, pk: int) -> ReportRun:
    return selectors.run_get_for_user(user=request.user, run_id=pk)


def _spec(request: AuthenticatedRequest, kind: str) -> ReportKindSpec:
    try:
        spec = get_kind(kind)
    except KeyError:
        raise Http404 from None
    verdict = can_request_report(request.user, kind, {})
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return spec


@login_required
@require_http_methods(["GET"])
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_area(request)
    page_obj = Paginator(selectors.runs_for_requester(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/runs/run_list.html",
        {
            "page_obj": page_obj,
            "runs": page_obj.object_list,
            "kinds": kinds_for_user(request.user),
            "packs": selectors.kpi_packs_for_user(user=request.user),
            "ttl_hours": settings.REPORT_FILE_TTL_HOURS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_create(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)

    def page(kind_form: BaseForm, format_form: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "reports/runs/run_form.html",
            {"spec": spec, "form": kind_form, "format_form": format_form},
            status=status,
        )

    if request.method == "GET":
        # Links may preset the filters and the format (the KPI dashboard's "generate the report
        # of this period"): only the form's own fields, as initial values, never validated here.
        kind_form = spec.form_class(user=request.user)  # type: ignore[call-arg]
        kind_form.initial = {k: v for k, v in request.GET.items() if k in kind_form.fields}
        chosen = request.GET.get("format")
        format_initial = {"format": chosen} if chosen in ReportFormat.values else {}
        return page(kind_form, RunFormatForm(initial=format_initial))
    kind_form = spec.form_class(data=request.POST, user=request.user)  # type: ignore[call-arg]
    format_form = RunFormatForm(request.POST)
    if not (kind_form.is_valid() & format_form.is_valid()):
        return page(kind_form, format_form, status=400)
    try:
        run = services.run_request(
            actor=request.user,
            kind=spec.code,
            format=format_form.cleaned_data["format"],
            filters=request.POST,
        )
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot generate this report."))
        return redirect("reports_staff:run_list")
    except ValidationError as error:
        if getattr(error, "code", None) == "too_many_runs":
            messages.error(request, error_text(error))
            return redirect("reports_staff:run_list")
        add_service_error(kind_form, error)
        return page(kind_form, format_form, status=400)
    messages.success(
        request, _("The report is being generated. You can leave this page: you will be told.")
    )
    return redirect(services.run_url(run))


def _status_context(run: ReportRun, *, announce: bool = False) -> dict[str, Any]:
    return {
        "run": run,
        "finished": run.status in FINISHED,
        "announce": announce,
        "progress_url": reverse("reports_staff:run_progress", args=[run.pk]),
    }


@login_required
@require_http_methods(["GET"])
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    spec = selectors.spec_for(run)
    return render(
        request,
        "reports/runs/run_detail.html",
        {
            **_status_context(run),
            "spec": spec,
            "filters": selectors.describe_filters(run=run, user=request.user),
            "is_mine": run.requester_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET"])
def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The status block, polled every second by the run's page while the run is not finished;
    once finished it is rendered without the polling attributes (and answered with 286, which
    also tells htmx to stop), announcing the outcome once."""
    run = _run(request, pk)
    context = _status_context(run, announce=bool(getattr(request, "htmx", False)))
    status = STOP_POLLING if context["finished"] and context["announce"] else 200
    return render(request, "reports/partials/run_progress.html", context, status=status)


@login_required
@require_POST
def run_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        new = services.run_retry(actor=request.user, run=run)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot generate this report."))
        return redirect(services.run_url(run))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(services.run_url(run))
    messages.success(request, _("The report is being generated again."))
    return redirect(services.run_url(new))


@login_required
@require_safe
def run_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The run's file, as an attachment, to those who may see the run; 404 once removed."""
    run = _run(request, pk)
    if not run.is_downloadable:
        raise Http404
    try:
        handle = run.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[ReportFormat(run.format)])
    response["Content-Disposition"] = content_disposition(run.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
