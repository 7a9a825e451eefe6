"""Webhooks for partner systems: subscriptions (endpoints), messages and their deliveries.

Standard Webhooks (https://www.standardwebhooks.com/): a partner organization subscribes an
``https`` URL to some events of ``notifications.webhooks.events``; each event the portal emits
is one :class:`WebhookMessage` (its ``msg_id`` and body never change), fanned out to one
:class:`WebhookDelivery` per subscribed endpoint, written in the transaction of the domain
change and posted after commit by a durable job (``cluster_portal.core.jobs``). Every POST is
logged as a :class:`WebhookAttempt` (status, timing, response excerpt): the delivery log.

Signing secrets are stored in clear text because the portal must compute HMACs with them (the
partner holds the same secret); they are shown to the partner once, when created or rotated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.jobs import DurableJob, JobStatus, job_indexes


class WebhookEndpoint(models.Model):
    """A partner's subscription: where to post which events, and the secret that signs them.

    Belongs to an organization (the partner). Managed in the portal by the organization's
    administrators and through ``/api/v1/webhooks/`` by its partner clients holding
    ``webhooks:manage``. During a rotation the previous secret keeps signing too (two
    signatures in the header) until ``previous_secret_expires_at``.
    """

    class DisabledReason(models.TextChoices):
        NONE = "", _("Not disabled")
        MANUAL = "manual", _("Paused by the partner")
        GONE = "gone", _("The endpoint answered 410 Gone")
        FAILING = "failing", _("Every delivery failed for days")
        STAFF = "staff", _("Disabled by the secretariat")

    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organization"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: Event codes of ``notifications.webhooks.events`` (a list, validated by the services).
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100)
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(
        _("why disabled"), max_length=10, choices=DisabledReason.choices, blank=True
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    #: Start of the current run of failed deliveries (cleared by any success): the sustained
    #: failure rule (``retries.should_disable``) reads it.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful delivery"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    #: The partner client that created it through the API (None: created in the portal).
    client = models.ForeignKey(
        "api.PartnerClient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("API client"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("organization", "created_at", "pk")
        indexes = [
            models.Index(fields=["is_active", "organization"], name="webhook_endpoint_active_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, *, now=None) -> list[str]:
        """The secrets that sign a message now: the current one, and the previous one while the
        rotation's overlap lasts."""
        now = now or timezone.now()
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at is not None
            and self.previous_secret_expires_at > now
        ):
            secrets.append(self.previous_secret)
        return secrets


class WebhookMessage(models.Model):
    """One event as partners receive it: a stable id and a thin JSON body.

    ``payload`` is the whole body (``{"type", "timestamp", "data"}``); the same bytes are sent
    on every attempt to every endpoint, so a receiver can deduplicate on ``msg_id``.
    """

    msg_id = models.CharField(_("message id"), max_length=64, unique=True)
    event_type = models.CharField(_("event"), max_length=60, db_index=True)
    payload = models.JSONField(_("payload"))
    #: The organization a test event was sent for (None for real events).
    test_for = models.ForeignKey(
        "members.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("test event for"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id}"


class WebhookDelivery(DurableJob):
    """A message that must reach one endpoint: a durable job with the webhook retry schedule.

    ``next_attempt_at`` is set from ``notifications.webhooks.retries.next_attempt`` (the
    specification's schedule, ``Retry-After`` honoured), not from the queue's default backoff.
    A redelivery is a new row for the same message and endpoint (``redelivery_of``).
    """

    Status = JobStatus

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message = models.ForeignKey(
        WebhookMessage,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("message"),
    )
    redelivery_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redeliveries",
        verbose_name=_("redelivery of"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Who asked for a test event or a redelivery; empty for events."),
    )
    #: The outcome of the last attempt (``retries.Outcome`` value), for the log's filter.
    last_outcome = models.CharField(_("last outcome"), max_length=20, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ("-created_at", "-pk")
        indexes = [
            *job_indexes("webhook"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message.event_type} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: the delivery log's line."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(_("attempted"), default=timezone.now)
    #: ``retries.Outcome`` value.
    outcome = models.CharField(_("outcome"), max_length=20)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    #: The first bytes of the response body (decoded, at most ``RESPONSE_EXCERPT_CHARS``).
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    #: What went wrong without a response (refused target, timeout, TLS, connection).
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ("-attempted_at", "-pk")
        indexes = [models.Index(fields=["delivery", "-attempted_at"], name="webhook_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.outcome} {self.status_code or ''}".strip()


#: How much of a response body the log keeps.
RESPONSE_EXCERPT_CHARS = 1000
