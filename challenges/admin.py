"""The Django admin for the funnel: a read-mostly view for administrators and auditors.

Changes of state go through the portal's staff pages (``/staff/challenges/``), which call the
services that enforce the lifecycle tables, audit and notify; here the status fields are read
only and submission snapshots are never editable.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Call,
    CallClarification,
    CallCriterion,
    CallQuestion,
    Challenge,
    DeadlineExtension,
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectFunding,
    ProjectOrganization,
    Proposal,
    ProposalPartner,
    ProposalSubmission,
    SurveyRound,
)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_at", "closes_at")
    search_fields = ("title", "title_en")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "organization", "status", "confidentiality", "queued_at")
    list_filter = ("status", "confidentiality", "operational_area", "region")
    search_fields = ("reference", "title", "organization__legal_name")
    readonly_fields = ("reference", "status", "merged_into", "status_before_merge")
    raw_id_fields = ("organization", "submitted_by", "merged_into", "survey_round")
    filter_horizontal = ("value_chain_stages", "service_areas")
    exclude = ("shared_with",)


class CallQuestionInline(admin.TabularInline):
    model = CallQuestion
    extra = 0


class CallCriterionInline(admin.TabularInline):
    model = CallCriterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "status", "opens_at", "closes_at")
    list_filter = ("status",)
    search_fields = ("code", "title", "title_en")
    readonly_fields = ("status", "published_at", "cloned_from")
    filter_horizontal = ("challenges", "sponsors")
    inlines = (CallQuestionInline, CallCriterionInline)


@admin.register(CallClarification)
class CallClarificationAdmin(admin.ModelAdmin):
    list_display = ("call", "status", "asked_at", "published_at")
    list_filter = ("status",)
    raw_id_fields = ("call", "asked_by", "organization", "answered_by")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ("call", "organization", "closes_at", "granted_by", "granted_at")
    raw_id_fields = ("call", "organization", "granted_by")


class ProposalPartnerInline(admin.TabularInline):
    model = ProposalPartner
    extra = 0
    raw_id_fields = ("organization", "invited_by", "responded_by")
    readonly_fields = ("status",)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "call", "lead_organization", "status", "submitted_at")
    list_filter = ("status", "call")
    search_fields = ("reference", "title", "lead_organization__legal_name")
    readonly_fields = ("reference", "status", "version", "submitted_at", "withdrawn_at")
    raw_id_fields = ("call", "lead_organization", "challenge", "created_by", "updated_by")
    inlines = (ProposalPartnerInline,)


@admin.register(ProposalSubmission)
class ProposalSubmissionAdmin(admin.ModelAdmin):
    """Snapshots are evidence: readable, never changed or deleted here."""

    list_display = ("proposal", "number", "submitted_at", "sha256")
    readonly_fields = ("proposal", "number", "snapshot", "sha256", "submitted_by", "submitted_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImpactEntry)
class ImpactEntryAdmin(admin.ModelAdmin):
    """The impact ledger: a confirmed or verified entry is read only here (no change, no
    delete), like everywhere else; its correction is a new entry made through the portal's
    service (``challenges.services.impact.impact_correct``). Statuses change only there."""

    list_display = ("project", "kind", "occurred_on", "amount", "count", "status", "corrects")
    list_filter = ("status", "kind")
    search_fields = ("project__code", "project__title", "description")
    raw_id_fields = ("project", "counterpart", "corrects")
    readonly_fields = (
        "status",
        "claimed_by",
        "claimed_at",
        "confirmed_by",
        "confirmed_at",
        "verified_by",
        "verified_at",
        "rejected_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New entries and corrections go through the service (permissions, audit, notices).
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


# --- The project portfolio (issue 11) -----------------------------------------------------------


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted here, not even by a superuser: the portfolio's
    changes go through ``challenges.services.portfolio`` (permissions, lifecycles, audit,
    notifications) on the staff pages (``/staff/challenges/portfolio/``)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProjectOrganizationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectOrganization
    extra = 0
    fields = ("organization", "role", "description")
    readonly_fields = fields


class ProjectFundingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectFunding
    extra = 0
    fields = ("source", "kind", "organization", "amount", "in_kind")
    readonly_fields = fields


class MilestoneInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "due_on", "weight", "status", "accepted_at")
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "title", "status", "starts_on", "next_update_due", "is_public")
    list_filter = ("status", "region", "is_public")
    search_fields = ("code", "title", "title_en")
    raw_id_fields = ("proposal", "call", "created_by")
    inlines = (ProjectOrganizationInline, ProjectFundingInline, MilestoneInline)


@admin.register(ProjectFunding)
class ProjectFundingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "source", "kind", "amount", "in_kind")
    list_filter = ("kind",)
    search_fields = ("project__code", "source")
    raw_id_fields = ("project", "organization")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "title", "due_on", "weight", "status")
    list_filter = ("status",)
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "submitted_by", "decided_by")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "name", "unit", "baseline", "target")
    search_fields = ("project__code", "name", "result")
    raw_id_fields = ("project",)


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "period_start", "period_end", "value", "recorded_at")
    search_fields = ("indicator__project__code", "indicator__name")
    raw_id_fields = ("indicator", "recorded_by")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "period_end", "author", "submitted_at")
    search_fields = ("project__code", "summary")
    raw_id_fields = ("project", "author")
