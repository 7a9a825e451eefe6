"""Writes of the notifications app: ``notify`` and the inbox/preferences actions.

Sending the outbox (claiming rows, SMTP, retries, sweep, digests) lives in ``delivery.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster_portal.tasks import enqueue_on_commit

from .events import Category, Event, Frequency, format_text, get_category, get_event
from .models import Notification, NotificationPreference, OutboxEmail
from .selectors import frequencies_for_users, notification_get_for_user

if TYPE_CHECKING:
    from members.models import User

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute_url(path: str) -> str:
    """``SITE_URL`` + a portal path (emails need absolute links)."""
    if not path:
        return ""
    return settings.SITE_URL.rstrip("/") + path


def _check_portal_path(url: str) -> None:
    # The inbox turns `url` into a link and a redirect: only paths inside the portal are allowed.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"Notification url must be a path inside the portal, got {url!r}")


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_load(token: str) -> tuple[int, str]:
    """Return ``(user_id, category)`` or raise ``signing.BadSignature``."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["u"], str(data.get("c", ""))


def render_email(
    *,
    template_prefix: str,
    language: str,
    context: Mapping[str, Any],
    category: Category,
    user: User | None,
) -> dict[str, Any]:
    """Render subject, text and HTML in ``language`` with the preferences/unsubscribe footer.

    ``template_prefix`` is ``notifications/email/<code>``; the three templates are
    ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``.
    """
    preferences_url = ""
    unsubscribe_url = ""
    headers: dict[str, str] = {}
    if user is not None:
        preferences_url = absolute_url(reverse("notifications:preferences"))
        if category.configurable:
            token = unsubscribe_token(user_id=user.pk, category=category.code)
            unsubscribe_url = absolute_url(reverse("notifications:unsubscribe", args=[token]))
            # RFC 2369 / RFC 8058: mail clients show their own one-click "unsubscribe" button.
            headers = {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
    with translation.override(language):
        ctx = {
            **context,
            "recipient": user,
            "site_url": settings.SITE_URL,
            "preferences_url": preferences_url,
            "unsubscribe_url": unsubscribe_url,
            "category_label": str(category.label),
            "LANGUAGE_CODE": language,
        }
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).split())
        body_text = render_to_string(f"{template_prefix}.txt", ctx)
        body_html = render_to_string(f"{template_prefix}.html", ctx)
    return {
        "subject": subject[:255],
        "body_text": body_text,
        "body_html": body_html,
        "headers": headers,
    }


def recipient_language(user: User) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in languages else settings.LANGUAGE_CODE


def _unique_active(recipients: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def _frequency_for_new_email(
    *, spec: Event, category: Category, frequency: str, user: User, email: bool
) -> str | None:
    """The outbox frequency for this recipient, or None when no email is due."""
    if not (email and spec.email and user.email):
        return None
    if not category.configurable:
        return Frequency.IMMEDIATE
    return None if frequency == Frequency.OFF else frequency


def notify(
    *,
    recipients: Iterable[User],
    event: str,
    context: Mapping[str, Any] | None = None,
    actor: User | None = None,
    url: str = "",
    idempotency_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify people of ``event``: in-app notification + email according to their preferences.

    Runs inside the caller's transaction (a savepoint, no commit of its own): if the caller
    rolls back, nothing was notified. Title, body and email are rendered now, each in the
    recipient's language. Email rows go to the outbox; immediate ones are queued for sending
    after commit (``send_outbox_batch``); daily/weekly ones wait for the digest; "off" means
    in-app only.

    ``url`` is a path inside the portal. ``idempotency_key`` (e.g. ``f"membership.decided:{pk}"``)
    makes a repeated call (a task run twice) a no-op for recipients already notified.
    ``email=False`` makes this call in-app only. Inactive users are skipped.
    """
    spec = get_event(event)
    category = get_category(spec.category)
    _check_portal_path(url)
    context = dict(context or {})
    users = _unique_active(recipients)
    if not users:
        return []

    keys = {u.pk: f"{idempotency_key}:{u.pk}" if idempotency_key else None for u in users}
    created: list[Notification] = []
    with transaction.atomic():
        if idempotency_key:
            done = set(
                Notification.objects.filter(idempotency_key__in=list(keys.values())).values_list(
                    "idempotency_key", flat=True
                )
            )
            users = [u for u in users if keys[u.pk] not in done]
            if not users:
                return []
        frequencies = frequencies_for_users(user_ids=[u.pk for u in users], category=category)
        now = timezone.now()
        emails: list[OutboxEmail] = []
        for user in users:
            language = recipient_language(user)
            ctx = {**context, "recipient": user, "actor": actor, "url": absolute_url(url)}
            with translation.override(language):
                title = format_text(spec.title, ctx)[:255]
                body = format_text(spec.body, ctx)
            created.append(
                Notification(
                    recipient=user,
                    actor=actor,
                    event=spec.code,
                    category=category.code,
                    title=title,
                    body=body,
                    url=url,
                    created_at=now,
                    idempotency_key=keys[user.pk],
                )
            )
            frequency = _frequency_for_new_email(
                spec=spec, category=category, frequency=frequencies[user.pk], user=user, email=email
            )
            if frequency is None:
                continue
            rendered = render_email(
                template_prefix=f"notifications/email/{spec.code}",
                language=language,
                context={**ctx, "title": title, "body": body},
                category=category,
                user=user,
            )
            emails.append(
                OutboxEmail(
                    recipient=user,
                    to_email=user.email,
                    event=spec.code,
                    category=category.code,
                    frequency=frequency,
                    language=language,
                    url=absolute_url(url),
                    next_attempt_at=now,
                    created_at=now,
                    idempotency_key=keys[user.pk] or f"{spec.code}:{uuid.uuid4().hex}",
                    **rendered,
                )
            )
        Notification.objects.bulk_create(created)
        OutboxEmail.objects.bulk_create(emails)
        immediate = [e.pk for e in emails if e.frequency == Frequency.IMMEDIATE]
        if immediate:
            from .tasks import send_outbox_batch

            enqueue_on_commit(send_outbox_batch, outbox_ids=immediate)
    return created


def notify_email(
    *,
    email: str,
    event: str,
    context: Mapping[str, Any] | None = None,
    actor: User | None = None,
    url: str = "",
    language: str | None = None,
    idempotency_key: str | None = None,
) -> OutboxEmail:
    """Email an address that may have no account yet (an invitation): one outbox row.

    No preferences apply and there is no in-app notification. ``language`` defaults to the
    portal's default language (Spanish). Same transaction rules as :func:`notify`: written in the
    caller's transaction, sent after commit; a repeated ``idempotency_key`` returns the
    existing row.
    """
    language = language or settings.LANGUAGE_CODE
    spec = get_event(event)
    category = get_category(spec.category)
    _check_portal_path(url)
    key = idempotency_key or f"{spec.code}:{uuid.uuid4().hex}"
    with transaction.atomic():
        existing = OutboxEmail.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        ctx = {**(context or {}), "actor": actor, "url": absolute_url(url)}
        with translation.override(language):
            ctx.update(title=format_text(spec.title, ctx), body=format_text(spec.body, ctx))
        row = OutboxEmail.objects.create(
            to_email=email,
            event=spec.code,
            category=category.code,
            language=language,
            url=absolute_url(url),
            idempotency_key=key,
            **render_email(
                template_prefix=f"notifications/email/{spec.code}",
                language=language,
                context=ctx,
                category=category,
                user=None,
            ),
        )
        from .tasks import send_outbox_batch

        enqueue_on_commit(send_outbox_batch, outbox_ids=[row.pk])
    return row


# --- Inbox ------------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (Http404 for anyone else's)."""
    notification = notification_get_for_user(user=user, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences ------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, user: User, frequencies: Mapping[str, str]) -> None:
    """Store the user's email frequency per category.

    Only configurable categories and known frequencies are accepted (ValidationError otherwise).
    """
    valid = set(Frequency.values)
    for code, frequency in frequencies.items():
        try:
            category = get_category(code)
        except KeyError:
            raise ValidationError(_("Unknown notification category.")) from None
        if not category.configurable:
            raise ValidationError(_("This category cannot be changed."))
        if frequency not in valid:
            raise ValidationError(_("Choose a valid frequency."))
        NotificationPreference.objects.update_or_create(
            user=user, category=code, defaults={"frequency": frequency}
        )


def preference_unsubscribe(*, user: User, category: str) -> None:
    """Switch email off for one category (the one-click unsubscribe link)."""
    preferences_update(user=user, frequencies={category: Frequency.OFF})
