"""Read-only admin pages of report runs and closed reporting periods: records to look at (what
was asked, how far it got, the technical error), never to edit — runs are made and retried from
the reports pages, periods are closed there and never change afterwards."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ClosedPeriod, ReportRun


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportRun)
class ReportRunAdmin(_ReadOnlyAdmin):
    list_display = (
        "kind",
        "format",
        "requester",
        "status",
        "rows_done",
        "rows_total",
        "attempts",
        "created_at",
        "finished_at",
        "expires_at",
        "expired_at",
    )
    list_filter = ("status", "kind", "format", "language")
    search_fields = ("requester__email", "requester__full_name", "file_name", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("requester",)
    fields = (
        "kind",
        "format",
        "filters",
        "language",
        "requester",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "rows_done",
        "rows_total",
        "file_name",
        "file_size",
        "started_at",
        "finished_at",
        "expires_at",
        "expired_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(_ReadOnlyAdmin):
    list_display = ("kind", "starts_on", "ends_on", "closed_by", "closed_at")
    list_filter = ("kind",)
    date_hierarchy = "starts_on"
    list_select_related = ("closed_by",)
    fields = ("kind", "starts_on", "ends_on", "figures", "note", "closed_by", "closed_at")
    readonly_fields = fields
