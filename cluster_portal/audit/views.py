"""The staff audit page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .describe import describe_entries
from .forms import LogEntryFilterForm
from .permissions import can_view_audit_log
from .selectors import logentry_list

PAGE_SIZE = 50


@require_safe
@login_required
def logentry_list_view(request: HttpRequest) -> HttpResponse:
    """Paginated, filterable audit trail for auditors and administrators
    (``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication;
    the role decides who reads it)."""
    if not request.user.is_staff:  # Defence in depth: the middleware has already said 404.
        raise Http404
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    form = LogEntryFilterForm(request.GET or None)
    cleaned: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # Valid fields still filter when another one is wrong; the wrong one shows its error.
        cleaned = form.cleaned_data
    entries = logentry_list(
        actor_email=cleaned.get("actor") or "",
        content_type_id=cleaned.get("content_type"),
        action=cleaned.get("action") or "",
        object_id=cleaned.get("object_id") or "",
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = describe_entries(list(page.object_list))
    return render(
        request,
        "audit/logentry_list.html",
        {"form": form, "page_obj": page, "rows": rows},
    )
