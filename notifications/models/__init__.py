"""In-app notifications, the email outbox and per-category preferences."""

from __future__ import annotations

from email.utils import make_msgid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.jobs import DurableJob, JobStatus, job_indexes

from ..events import Frequency, category_choices, render_event_texts


class Notification(models.Model):
    """One message in a person's in-app inbox.

    ``title`` and ``body`` are written in the recipient's language when it is created; with the
    ``context`` kept beside them the inbox writes them again in the reader's *current* language
    (``localized_title`` / ``localized_body``, no query). Rows without a context (created before
    it was kept, or whose text needed objects) show the stored text.
    """

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
    #: The plain-JSON values the event's title and body are formatted with; None when the
    #: stored text cannot be written again from it.
    context = models.JSONField(_("context"), null=True, blank=True)
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

    def _localized(self) -> tuple[str, str]:
        texts = None
        if self.context is not None:
            texts = render_event_texts(self.event, self.context)
        return texts or (self.title, self.body)

    @property
    def localized_title(self) -> str:
        """The title in the active language (the stored one when it cannot be rewritten)."""
        return self._localized()[0]

    @property
    def localized_body(self) -> str:
        """The text in the active language (the stored one when it cannot be rewritten)."""
        return self._localized()[1]


def new_message_id() -> str:
    """A fresh ``Message-ID`` for an outbox row, on the portal's domain (RFC 5322).

    Generated once, when the row is created, and sent with every attempt: if a worker dies after
    the SMTP server accepted the message, the re-send carries the same Message-ID and mail
    systems drop the copy.
    """
    return make_msgid(idstring="cmsp", domain=settings.SITE_DOMAIN.split(":")[0])


class OutboxEmail(DurableJob):
    """An email that must be sent: written in the same transaction as the change that caused it.

    ``pending`` rows are sent by ``send_outbox_email`` right after commit or, if the broker never
    got that task, by the periodic sweep. Daily/weekly rows wait for the digest task. A durable
    job (``cluster_portal.core.jobs``) whose running/done states are called sending/sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DIGESTED = "digested", _("Included in a digest")
        CANCELLED = "cancelled", _("Cancelled")

    STATUS_RUNNING: ClassVar[str] = Status.SENDING
    STATUS_DONE: ClassVar[str] = Status.SENT

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
    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        default=new_message_id,
        editable=False,
        help_text=_("The same on every attempt, so that mail systems drop a duplicate."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested_items",
        verbose_name=_("digest"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ("-created_at", "-pk")
        indexes = [
            *job_indexes("outbox"),
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


class NotificationBroadcast(DurableJob):
    """One event for a whole audience, written in the request and expanded in the background.

    ``notify_audience`` writes this single row (constant cost, whatever the audience size); the
    ``expand_notification_broadcast`` task walks the audience in primary-key order, chunk by
    chunk, creating each recipient's notification and outbox email exactly as ``notify`` does.
    ``cursor`` (the last person expanded) is saved with each chunk, and every recipient's rows
    carry the key ``<idempotency_key>:<user id>``: a crash or a second run resumes where it
    stopped and creates no duplicates.
    """

    Status = JobStatus

    event = models.CharField(_("event"), max_length=80)
    #: JSON only (the row outlives the request): strings, numbers, lists and objects.
    context = models.JSONField(_("context"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    #: The name of a registered audience resolver (``notifications.audiences``) and its
    #: keyword arguments.
    audience = models.CharField(_("audience"), max_length=100)
    audience_params = models.JSONField(_("audience parameters"), default=dict, blank=True)
    email = models.BooleanField(_("send email"), default=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=180, unique=True)
    cursor = models.BigIntegerField(_("last person expanded"), default=0)
    recipients_count = models.PositiveIntegerField(_("people notified"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification broadcast")
        verbose_name_plural = _("notification broadcasts")
        ordering = ("-created_at", "-pk")
        indexes = [*job_indexes("broadcast")]

    def __str__(self) -> str:
        return f"{self.event} → {self.audience}"


from .webhooks import (  # noqa: E402 (the sub-domain's models, after the core ones)
    RESPONSE_EXCERPT_CHARS,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)

__all__ = [
    "RESPONSE_EXCERPT_CHARS",
    "Notification",
    "NotificationBroadcast",
    "NotificationPreference",
    "OutboxEmail",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
    "new_message_id",
]
