"""The staff audit page."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from .forms import LogEntryFilterForm
from .permissions import can_view_audit_log
from .selectors import logentry_list
from .services import DECISION_KEY

PAGE_SIZE = 50


def _field_label(model: type[Model] | None, name: str) -> str:
    """The field's translated verbose name; the raw name for anything else (decision keys)."""
    if model is None:
        return name
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
    except (FieldDoesNotExist, AttributeError):
        return name


def _describe_changes(entry: LogEntry) -> list[dict[str, str]]:
    """``[{field, before, after}]`` from auditlog's stored diff (no queries)."""
    rows = []
    created = entry.action == LogEntry.Action.CREATE
    model = entry.content_type.model_class()
    for raw_name, value in (entry.changes or {}).items():
        field_name = _field_label(model, raw_name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            sign = "+" if value.get("operation") == "add" else "\u2212"  # minus sign
            objects = ", ".join(str(o) for o in value.get("objects", []))
            rows.append({"field": field_name, "before": "", "after": f"{sign} {objects}"})
        elif isinstance(value, list | tuple) and len(value) == 2:
            before, after = str(value[0]), str(value[1])
            if created:
                # A new record has no "before"; list only the fields that were filled in.
                if after in {"", "None"}:
                    continue
                before = ""
            rows.append({"field": field_name, "before": before, "after": after})
        else:
            rows.append({"field": field_name, "before": "", "after": str(value)})
    return rows


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
    rows = []
    for entry in page.object_list:
        extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        rows.append(
            {
                "entry": entry,
                "decision": extra.get(DECISION_KEY),
                "reason": extra.get("reason", ""),
                "changes": _describe_changes(entry),
            }
        )
    return render(
        request,
        "audit/logentry_list.html",
        {"form": form, "page_obj": page, "rows": rows},
    )
