"""Writes of the notifications app: ``notify``, ``notify_audience``, inbox and preferences.

Sending the outbox (claiming rows, SMTP, retries, sweep, digests) lives in ``delivery.py``;
running broadcasts (claiming, chunks, sweep) in ``broadcasts.py``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster_portal.tasks import enqueue_on_commit

from ..audiences import resolve_audience
from ..events import (
    Category,
    Event,
    Frequency,
    format_text,
    get_category,
    get_event,
    render_event_texts,
    storable_context,
)
from ..models import Notification, NotificationBroadcast, NotificationPreference, OutboxEmail
from ..selectors import frequencies_for_users, notification_get_for_user

if TYPE_CHECKING:
    from members.models import User

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
#: Leaves room for ":<user id>" in the recipients' keys (Notification.idempotency_key: 200).
BROADCAST_KEY_MAX_LENGTH = 180


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


def _not_yet_notified(users: list[User], keys: Mapping[int, str | None]) -> list[User]:
    """Drop the people whose notification with this key already exists (one query)."""
    wanted = [key for key in keys.values() if key]
    if not wanted:
        return users
    done = set(
        Notification.objects.filter(idempotency_key__in=wanted).values_list(
            "idempotency_key", flat=True
        )
    )
    return [u for u in users if keys[u.pk] not in done]


def _write_notifications(
    *,
    users: list[User],
    spec: Event,
    category: Category,
    context: Mapping[str, Any],
    actor: User | None,
    url: str,
    keys: Mapping[int, str | None],
    email: bool,
) -> list[Notification]:
    """Render and bulk-create each person's notification and outbox email (3 queries for any
    number of people: preferences and two INSERTs), then queue the immediate emails after commit.

    The shared core of :func:`notify` and of broadcast expansion; the caller has dropped
    inactive, duplicate and already-notified people and holds a transaction.
    """
    frequencies = frequencies_for_users(user_ids=[u.pk for u in users], category=category)
    storable = storable_context(context)
    now = timezone.now()
    created: list[Notification] = []
    emails: list[OutboxEmail] = []
    for user in users:
        language = recipient_language(user)
        ctx = {**context, "recipient": user, "actor": actor, "url": absolute_url(url)}
        with translation.override(language):
            title = format_text(spec.title, ctx)[:255]
            body = format_text(spec.body, ctx)
            # Kept only if it writes the same text again: then the inbox can show it in the
            # reader's current language.
            kept = storable if render_event_texts(spec.code, storable) == (title, body) else None
        created.append(
            Notification(
                recipient=user,
                actor=actor,
                event=spec.code,
                category=category.code,
                title=title,
                body=body,
                context=kept,
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
        from ..tasks import send_outbox_batch

        enqueue_on_commit(send_outbox_batch, outbox_ids=immediate)
    return created


#: Set by :func:`in_app_only`: notifications made meanwhile send no email.
_emails_suppressed: ContextVar[bool] = ContextVar("notifications_emails_suppressed", default=False)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notifications made inside this block (``notify`` and ``notify_audience``) are in-app
    only: no outbox email. For demo data and bulk imports, which run the real services but
    must not mail the made-up (or real) addresses of the people they act for."""
    token = _emails_suppressed.set(True)
    try:
        yield
    finally:
        _emails_suppressed.reset(token)


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
    in-app only. Rows are bulk-created: the query count does not grow with the recipients.
    For a large audience (everyone matching a new call) use :func:`notify_audience`, which
    renders nothing in the request.

    ``url`` is a path inside the portal. ``idempotency_key`` (e.g. ``f"membership.decided:{pk}"``)
    makes a repeated call (a task run twice) a no-op for recipients already notified.
    ``email=False`` makes this call in-app only. Inactive users are skipped.
    """
    spec = get_event(event)
    category = get_category(spec.category)
    _check_portal_path(url)
    email = email and not _emails_suppressed.get()
    users = _unique_active(recipients)
    if not users:
        return []
    keys = {u.pk: f"{idempotency_key}:{u.pk}" if idempotency_key else None for u in users}
    with transaction.atomic():
        users = _not_yet_notified(users, keys)
        if not users:
            return []
        return _write_notifications(
            users=users,
            spec=spec,
            category=category,
            context=dict(context or {}),
            actor=actor,
            url=url,
            keys=keys,
            email=email,
        )


def _check_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {what} of a broadcast must be plain JSON: {exc}") from None


def notify_audience(
    *,
    audience: str,
    event: str,
    audience_params: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    actor: User | None = None,
    url: str = "",
    idempotency_key: str | None = None,
    email: bool = True,
) -> NotificationBroadcast:
    """Notify a whole audience (``members.active_people`` …) of ``event``, in the background.

    Writes ONE ``NotificationBroadcast`` row in the caller's transaction (one INSERT, plus one
    SELECT with an ``idempotency_key``) whatever the audience's size, and queues its expansion
    after commit; if the broker never gets that task, the periodic broadcast sweep does. The
    expansion creates, for every active person of the audience at that time, the same
    notification and outbox email as :func:`notify` (preferences and language respected).

    ``audience`` names a registered resolver (``notifications.audiences``) called with
    ``audience_params``; ``context`` is what the event's texts and templates are formatted with,
    and must be plain JSON (the row outlives the request: pass titles and ids, not objects).
    A repeated ``idempotency_key`` returns the existing broadcast and writes nothing.
    Raises ``UnknownEventError``, ``UnknownAudienceError`` or ``ValueError`` (bad url, params or
    context) before writing anything.
    """
    from ..tasks import expand_notification_broadcast

    spec = get_event(event)
    _check_portal_path(url)
    email = email and not _emails_suppressed.get()
    params = dict(audience_params or {})
    context = dict(context or {})
    _check_json(params, "audience parameters")
    _check_json(context, "context")
    resolve_audience(audience, params)  # unknown names and wrong parameters fail here, no query
    if idempotency_key:
        if len(idempotency_key) > BROADCAST_KEY_MAX_LENGTH:
            raise ValueError("The idempotency key of a broadcast is too long.")
        existing = NotificationBroadcast.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    # One INSERT, no savepoint: nothing else is written here.
    broadcast = NotificationBroadcast.objects.create(
        event=spec.code,
        context=context,
        url=url,
        actor=actor,
        audience=audience,
        audience_params=params,
        email=email,
        idempotency_key=idempotency_key or f"broadcast:{uuid.uuid4().hex}",
    )
    enqueue_on_commit(expand_notification_broadcast, broadcast_id=broadcast.pk)
    return broadcast


@dataclass(frozen=True)
class ChunkResult:
    #: People newly notified by this chunk (fewer than examined when some already were).
    notified: int
    #: True when the audience has no one left after this chunk.
    finished: bool


def broadcast_expand_chunk(*, broadcast: NotificationBroadcast, chunk_size: int) -> ChunkResult:
    """Notify the next ``chunk_size`` people of the broadcast's audience, in one transaction.

    Starts after ``broadcast.cursor`` and moves it past the chunk in the same transaction, so a
    crash loses or repeats nothing (and the per-person idempotency keys make even a repeated
    chunk harmless). The audience is resolved now: people who joined since the request are
    included, people who left or were deactivated are not.
    """
    people = resolve_audience(broadcast.audience, broadcast.audience_params)
    users = list(people.filter(pk__gt=broadcast.cursor)[:chunk_size])
    if not users:
        return ChunkResult(notified=0, finished=True)
    spec = get_event(broadcast.event)
    keys: dict[int, str | None] = {u.pk: f"{broadcast.idempotency_key}:{u.pk}" for u in users}
    with transaction.atomic():
        todo = _not_yet_notified(users, keys)
        if todo:
            _write_notifications(
                users=todo,
                spec=spec,
                category=get_category(spec.category),
                context=broadcast.context,
                actor=broadcast.actor,
                url=broadcast.url,
                keys=keys,
                email=broadcast.email,
            )
        broadcast.cursor = users[-1].pk
        broadcast.recipients_count += len(todo)
        NotificationBroadcast.objects.filter(pk=broadcast.pk).update(
            cursor=broadcast.cursor,
            recipients_count=F("recipients_count") + len(todo),
            updated_at=timezone.now(),
        )
    return ChunkResult(notified=len(todo), finished=len(users) < chunk_size)


def notify_email(
    *,
    email: str,
    event: str,
    context: Mapping[str, Any] | None = None,
    actor: User | None = None,
    url: str = "",
    language: str | None = None,
    idempotency_key: str | None = None,
) -> OutboxEmail | None:
    """Email an address that may have no account yet (an invitation): one outbox row (none,
    and ``None`` returned, inside :func:`in_app_only`).

    No preferences apply and there is no in-app notification. ``language`` defaults to the
    portal's default language (Spanish). Same transaction rules as :func:`notify`: written in the
    caller's transaction, sent after commit; a repeated ``idempotency_key`` returns the
    existing row.
    """
    language = language or settings.LANGUAGE_CODE
    spec = get_event(event)
    category = get_category(spec.category)
    _check_portal_path(url)
    if _emails_suppressed.get():
        return None
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
        from ..tasks import send_outbox_batch

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
