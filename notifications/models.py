"""In-app notifications, the email outbox and per-category preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Frequency, category_choices


class Notification(models.Model):
    """One message in a person's in-app inbox, rendered in their language when it was created."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    event = models.CharField(_("event"), max_length=80)
    category = models.CharField(_("category"), max_length=40, choices=category_choices())
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    #: A path inside the portal (never an external address), e.g. ``/calls/42/``.
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    #: Set when the caller passed an idempotency key: the same notification is never created twice.
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxEmail(models.Model):
    """An email that must be sent: written in the same transaction as the change that caused it.

    ``pending`` rows are sent by ``send_outbox_email`` right after commit or, if the broker never
    got that task, by the periodic sweep. Daily/weekly rows wait for the digest task.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DIGESTED = "digested", _("Included in a digest")
        CANCELLED = "cancelled", _("Cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_emails",
        verbose_name=_("recipient"),
        help_text=_("Empty for messages to an address without an account (invitations)."),
    )
    to_email = models.EmailField(_("to"))
    event = models.CharField(_("event"), max_length=80)
    category = models.CharField(_("category"), max_length=40, choices=category_choices())
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    #: Absolute link to what the message is about (used by digests).
    url = models.CharField(_("link"), max_length=500, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested_items",
        verbose_name=_("digest"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "frequency", "recipient"], name="outbox_digest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class NotificationPreference(models.Model):
    """How often a person wants email for one category (no row = the category's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=40, choices=category_choices())
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="notification_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.category} → {self.frequency}"
