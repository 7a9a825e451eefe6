"""The Django admin for missions: read only, for administrators, mission coordinators and
auditors (their view permissions come from ``cluster_portal.core.roles.MISSIONS_MODELS``).

Nothing is added, changed or deleted here, not even by a superuser: missions, applications,
the agenda, readiness and outcomes change through the services behind the coordinators' and
members' pages (permissions, lifecycle tables, audit, notifications, selection re-runs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AgendaItem,
    Agreement,
    Application,
    ApplicationScore,
    Delegate,
    Mission,
    MissionQuota,
    Outcome,
    OutcomeReminder,
    ReadinessItem,
    ReadinessReminder,
    SelectionCriterion,
)


class ReadOnlyAdminMixin:
    """No add, change or delete: the admin only reads."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SelectionCriterionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SelectionCriterion
    extra = 0
    fields = ("position", "name", "weight", "max_score")
    readonly_fields = fields


class MissionQuotaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MissionQuota
    extra = 0
    fields = ("group", "minimum")
    readonly_fields = fields


@admin.register(Mission)
class MissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "title", "country", "starts_on", "ends_on", "status")
    list_filter = ("status", "country")
    search_fields = ("code", "title", "title_en", "cities")
    date_hierarchy = "starts_on"
    raw_id_fields = ("created_by",)
    inlines = (SelectionCriterionInline, MissionQuotaInline)


@admin.register(SelectionCriterion)
class SelectionCriterionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mission", "name", "weight", "max_score", "position")
    search_fields = ("mission__code", "name")
    raw_id_fields = ("mission",)


@admin.register(MissionQuota)
class MissionQuotaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mission", "group", "minimum")
    list_filter = ("group",)
    search_fields = ("mission__code",)
    raw_id_fields = ("mission",)


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mission", "title", "kind", "city", "zone", "starts_at", "cancelled")
    list_filter = ("kind", "cancelled")
    search_fields = ("mission__code", "title", "host", "city")
    raw_id_fields = ("mission", "attendees")


class DelegateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Delegate
    fk_name = "application"
    extra = 0
    fields = ("position", "person", "role", "included", "confirmed_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "mission",
        "organization",
        "status",
        "score",
        "waitlist_position",
        "hold_until",
        "submitted_at",
    )
    list_filter = ("status",)
    search_fields = ("mission__code", "organization__legal_name", "organization__ruc")
    raw_id_fields = ("mission", "organization", "submitted_by")
    inlines = (DelegateInline,)


@admin.register(ApplicationScore)
class ApplicationScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "criterion", "value")
    search_fields = ("application__mission__code", "application__organization__legal_name")
    raw_id_fields = ("application", "criterion")


@admin.register(Delegate)
class DelegateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "application", "mission", "included", "confirmed_at")
    list_filter = ("included",)
    search_fields = ("mission__code", "person__full_name", "application__organization__legal_name")
    raw_id_fields = ("application", "mission", "person")


@admin.register(ReadinessItem)
class ReadinessItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("delegate", "kind", "status", "due_on", "done_on")
    list_filter = ("kind", "status")
    search_fields = ("delegate__mission__code", "delegate__person__full_name")
    raw_id_fields = ("delegate", "updated_by")


@admin.register(ReadinessReminder)
class ReadinessReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("item", "kind", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("item",)


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("delegate", "contacts_made", "agreements", "business_generated", "updated_at")
    search_fields = ("delegate__mission__code", "delegate__person__full_name")
    raw_id_fields = ("delegate",)


@admin.register(OutcomeReminder)
class OutcomeReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("delegate", "kind", "sent_at")
    raw_id_fields = ("delegate",)


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mission", "delegate", "kind", "counterpart", "value", "signed_on")
    list_filter = ("kind",)
    search_fields = ("mission__code", "counterpart", "description")
    raw_id_fields = ("mission", "delegate", "impact_entry", "created_by")
