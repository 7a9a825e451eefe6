"""Serializers of ``/api/v1/webhooks/``: input (what a partner sends) and output (what it gets)
kept apart, as every API write of the portal (``cluster_portal.api.writes``).

A signing secret appears in one answer only: the creation's (``WebhookEndpointCreatedSerializer``)
and the rotation's (``SecretSerializer``); every other answer leaves it out.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..forms.webhooks import DESCRIPTION_MAX_LENGTH, URL_MAX_LENGTH
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..selectors.webhooks import endpoint_state
from ..webhooks import events as catalogue

# --- Endpoints ----------------------------------------------------------------------------------

STATE_CHOICES = (
    ("active", _("Active")),
    ("paused", _("Paused")),
    ("disabled", _("Disabled")),
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as its partner sees it (never its secret)."""

    state = serializers.SerializerMethodField(
        help_text=_(
            "active; paused (by the partner); disabled (410 Gone, sustained failure or the "
            "secretariat: see disabled_reason)."
        )
    )
    events = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields: tuple[str, ...] = (
            "id",
            "organization",
            "url",
            "description",
            "events",
            "is_active",
            "state",
            "disabled_reason",
            "disabled_at",
            "failing_since",
            "last_success_at",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATE_CHOICES))
    def get_state(self, endpoint: WebhookEndpoint) -> str:
        return endpoint_state(endpoint).key


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The creation's answer: the endpoint and its signing secret, shown this once."""

    secret = serializers.SerializerMethodField(
        help_text=_("The signing secret (whsec_…). Store it now: it is never shown again.")
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_secret(self, endpoint: WebhookEndpoint) -> str:
        return str(self.context.get("secret", ""))


def _events_field(*, required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=catalogue.event_codes()),
        min_length=1,
        max_length=len(catalogue.event_codes()),
        required=required,
        help_text=_("Codes of the events to receive (see GET /api/v1/webhooks/events/)."),
    )


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=URL_MAX_LENGTH,
        help_text=_(
            "An https address that accepts POST requests; loopback, private and link-local "
            "addresses are refused. Redirects are not followed."
        ),
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    events = _events_field(required=True)


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    """A partial update: only the fields sent change. ``is_active`` pauses (false) or resumes
    (true) the endpoint."""

    url = serializers.URLField(max_length=URL_MAX_LENGTH, required=False)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True
    )
    events = _events_field(required=False)
    is_active = serializers.BooleanField(
        required=False,
        help_text=_("false pauses the endpoint; true resumes it (its failure streak restarts)."),
    )


class EmptySerializer(serializers.Serializer):
    """No input."""


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(
        help_text=_("The new signing secret. Store it now: it is never shown again.")
    )
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Until then messages are signed with the previous secret too."),
    )


class RedeliverRangeSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text=_("Messages created at or after this time."))
    until = serializers.DateTimeField(help_text=_("Messages created up to this time."))
    failed_only = serializers.BooleanField(
        default=True, help_text=_("Only messages whose delivery failed (default true).")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": [_("The end must come after the start.")]})
        return attrs


class RedeliverCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("How many messages will be sent again."))


# --- Deliveries ---------------------------------------------------------------------------------


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = (
            "attempted_at",
            "outcome",
            "status_code",
            "duration_ms",
            "response_excerpt",
            "error",
        )
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One delivery of the log, with its attempts (newest first)."""

    event_type = serializers.CharField(source="message.event_type", read_only=True)
    msg_id = serializers.CharField(source="message.msg_id", read_only=True)
    last_duration_ms = serializers.SerializerMethodField(
        help_text=_("How long the last attempt took, in milliseconds (null before any).")
    )
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "event_type",
            "msg_id",
            "status",
            "attempts",
            "last_outcome",
            "last_status_code",
            "last_duration_ms",
            "next_attempt_at",
            "delivered_at",
            "redelivery_of",
            "created_at",
            "attempt_log",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_last_duration_ms(self, delivery: WebhookDelivery) -> int | None:
        # Annotated by the log's selector; a delivery just created has had no attempt.
        return getattr(delivery, "last_duration_ms", None)


# --- The event catalogue ------------------------------------------------------------------------


class WebhookEventSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    scope = serializers.CharField(help_text=_("The scope a partner needs to read the record."))
    schema = serializers.SerializerMethodField(help_text=_("The message's JSON Schema."))
    example = serializers.SerializerMethodField(help_text=_("An example of the event's data."))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_schema(self, event: catalogue.WebhookEvent) -> dict[str, Any]:
        return event.schema()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_example(self, event: catalogue.WebhookEvent) -> dict[str, Any]:
        return dict(event.example)
