from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Capability,
    GoverningBody,
    Invitation,
    JoinRequest,
    MembershipApplication,
    Organization,
    OrganizationMember,
    Seat,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "position", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name", "position")
    # Consent to the privacy notice is a record of what the person did: never edited by hand.
    readonly_fields = ("privacy_consent_at", "privacy_consent_version")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language", "title_form")}),
        (_("Profile"), {"fields": ("position", "phone")}),
        (_("Privacy notice"), {"fields": ("privacy_consent_at", "privacy_consent_version")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class OrganizationMemberInline(admin.TabularInline):
    model = OrganizationMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "position", "joined_at")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Profiles are edited here or by the organization's admins on the portal; membership
    status changes go through the secretariat's membership pages (they notify people)."""

    list_display = (
        "legal_name",
        "trade_name",
        "ruc",
        "kind",
        "region",
        "membership_status",
        "is_public",
    )
    list_filter = (
        "membership_status",
        "kind",
        "mining_scale",
        "government_level",
        "region",
        "is_public",
        "capabilities",
    )
    search_fields = ("legal_name", "trade_name", "=ruc", "city")
    filter_horizontal = ("capabilities",)
    autocomplete_fields = ("reference_clients",)
    readonly_fields = (
        "membership_status",
        "member_since",
        "membership_status_reason",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (OrganizationMemberInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "legal_name",
                    "trade_name",
                    "ruc",
                    "kind",
                    "mining_scale",
                    "government_level",
                    "is_public",
                )
            },
        ),
        (_("Location and contact"), {"fields": ("region", "city", "website")}),
        (
            _("Profile"),
            {
                "fields": (
                    "description",
                    "employee_band",
                    "certifications",
                    "capabilities",
                    "reference_clients",
                    "other_reference_clients",
                )
            },
        ),
        (
            _("Membership"),
            {
                "fields": (
                    "membership_status",
                    "member_since",
                    "membership_status_reason",
                    "created_by",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    """The controlled capability taxonomy. Retire a term (active off) rather than deleting it:
    a term in use cannot be deleted."""

    list_display = ("name_es", "name_en", "dimension", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("dimension", "is_active")
    search_fields = ("slug", "name_es", "name_en")
    ordering = ("dimension", "position", "slug")

    def has_delete_permission(self, request: HttpRequest, obj: Capability | None = None) -> bool:
        if obj is not None and obj.organizations.exists():
            return False
        return super().has_delete_permission(request, obj)


class SeatInline(admin.TabularInline):
    """Seats are checked by ``Seat.clean``: a current seat belongs to a person of an active
    member organization. End a seat (set "until") instead of deleting it to keep history."""

    model = Seat
    extra = 0
    autocomplete_fields = ("person", "organization")
    fields = ("person", "organization", "role", "started_on", "ended_on")


@admin.register(GoverningBody)
class GoverningBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "kind", "coordinator", "is_public", "position")
    list_filter = ("kind", "is_public")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("coordinator",)
    list_select_related = ("coordinator",)
    inlines = (SeatInline,)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("person", "organization", "body", "role", "started_on", "ended_on")
    list_filter = ("body", "role")
    search_fields = ("person__full_name", "person__email", "organization__legal_name")
    autocomplete_fields = ("person", "organization", "body")
    list_select_related = ("person", "organization", "body")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose changes are decisions: staff read them here and decide through the staff
    pages (/staff/members/...), whose services audit and notify. The admin never edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(ReadOnlyAdmin):
    list_display = ("organization", "applicant", "status", "submitted_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("organization__legal_name", "organization__ruc", "applicant__email")
    list_select_related = ("organization", "applicant", "decided_by")
    date_hierarchy = "submitted_at"


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("organization__legal_name", "user__email")
    list_select_related = ("organization", "user", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "organization", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "organization__legal_name")
    list_select_related = ("organization",)
    exclude = ("token_digest",)
