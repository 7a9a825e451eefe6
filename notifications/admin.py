from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Notification,
    NotificationBroadcast,
    NotificationPreference,
    OutboxEmail,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "event", "category", "created_at", "read_at")
    list_filter = ("category", "event", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "recipient__email", "event")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "actor")
    # Rendered at creation in the recipient's language: a record, not something to edit.
    readonly_fields = (
        "recipient",
        "actor",
        "event",
        "category",
        "title",
        "body",
        "url",
        "created_at",
        "idempotency_key",
    )


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "to_email",
        "event",
        "frequency",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", "frequency", "category", "event", "language")
    search_fields = ("to_email", "subject", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "digest")
    actions = ("retry_now",)
    readonly_fields = (
        "recipient",
        "to_email",
        "event",
        "category",
        "frequency",
        "language",
        "subject",
        "body_text",
        "body_html",
        "url",
        "headers",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "digest",
        "idempotency_key",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry now (failed or waiting emails)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        # The sweep (every minute) sends them; no broker call from the admin request.
        count = queryset.filter(
            status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.PENDING],
            frequency="immediate",
        ).update(
            status=OutboxEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        message = ngettext(
            "%(count)d email will be sent again.", "%(count)d emails will be sent again.", count
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "frequency")
    list_filter = ("category", "frequency")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(NotificationBroadcast)
class NotificationBroadcastAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "audience",
        "status",
        "recipients_count",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "event", "audience")
    search_fields = ("event", "audience", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    raw_id_fields = ("actor",)
    actions = ("retry_now",)
    # Written by notify_audience() and advanced by the expansion task: a record, not a form.
    readonly_fields = tuple(
        f.name for f in NotificationBroadcast._meta.get_fields() if f.concrete and not f.primary_key
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry now (failed broadcasts)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[NotificationBroadcast]) -> None:
        # The sweep (every minute) resumes them from their cursor; no broker call from here.
        count = queryset.filter(
            status__in=[NotificationBroadcast.Status.FAILED, NotificationBroadcast.Status.PENDING]
        ).update(
            status=NotificationBroadcast.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        message = ngettext(
            "%(count)d broadcast will be resumed.", "%(count)d broadcasts will be resumed.", count
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


# --- Webhooks (read-only: partners manage their endpoints in the portal and the API) ------------


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints as the secretariat reads them: never the signing secrets."""

    list_display = (
        "url",
        "organization",
        "is_active",
        "disabled_reason",
        "failing_since",
        "last_success_at",
        "created_at",
    )
    list_filter = ("is_active", "disabled_reason")
    search_fields = ("url", "description", "organization__legal_name", "organization__trade_name")
    date_hierarchy = "created_at"
    list_select_related = ("organization",)
    # The secrets (``secret``, ``previous_secret``) are left out of every admin page.
    fields = readonly_fields = (
        "organization",
        "url",
        "description",
        "events",
        "is_active",
        "disabled_reason",
        "disabled_at",
        "failing_since",
        "last_success_at",
        "previous_secret_expires_at",
        "client",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "attempted_at",
        "outcome",
        "status_code",
        "duration_ms",
        "error",
        "response_excerpt",
    )
    ordering = ("-attempted_at", "-pk")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log, with each delivery's attempts."""

    list_display = (
        "message",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    list_filter = ("status", "message__event_type")
    search_fields = ("message__msg_id", "endpoint__url", "endpoint__organization__legal_name")
    date_hierarchy = "created_at"
    list_select_related = ("message", "endpoint")
    inlines = (WebhookAttemptInline,)
    readonly_fields = tuple(
        f.name for f in WebhookDelivery._meta.get_fields() if f.concrete and not f.primary_key
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
