"""notify(): rows in the caller's transaction, preferences, language, email parts, idempotency."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notifications.events import UnknownEventError
from notifications.models import Notification, NotificationPreference, OutboxEmail
from notifications.services import in_app_only, notify, notify_email, preferences_update
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE


def test_notify_writes_rows_and_queues_sending_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        created = notify(recipients=[user], event="account.welcome", context={"email": user.email})
        # Written now, in the caller's transaction; nothing sent before commit.
        assert Notification.objects.filter(recipient=user).count() == 1
        assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING
        assert mail.outbox == []
    assert len(created) == 1
    assert len(callbacks) == 1  # one broker message for the whole notify() call

    callbacks[0]()  # what happens at commit (tasks run eagerly in the test settings)
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def _notify_then_fail(user) -> None:
    with transaction.atomic():
        notify(recipients=[user], event="account.welcome", context={})
        raise RuntimeError("the domain change failed")


def test_notify_is_rolled_back_with_the_caller(django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        _notify_then_fail(user)
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_notify_inside_caller_atomic_does_not_commit_on_its_own() -> None:
    """notify() uses a savepoint: an outer rollback after it returns removes its rows."""
    user = UserFactory()
    sid = transaction.savepoint()
    notify(recipients=[user], event="account.welcome", context={})
    assert Notification.objects.count() == 1
    transaction.savepoint_rollback(sid)
    assert Notification.objects.count() == 0


@pytest.mark.usefixtures("ping_templates")
@pytest.mark.parametrize(
    ("frequency", "expected_outbox"),
    [("immediate", "immediate"), ("daily", "daily"), ("weekly", "weekly"), ("off", None)],
)
def test_preferences_decide_the_email(
    frequency: str, expected_outbox: str | None, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory()
    preferences_update(user=user, frequencies={"calls": frequency})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], event="tests.ping", context={"name": "A"})
    # The in-app notification is always there.
    assert Notification.objects.filter(recipient=user, event="tests.ping").count() == 1
    rows = list(OutboxEmail.objects.filter(recipient=user))
    if expected_outbox is None:
        assert rows == []
        assert mail.outbox == []
    else:
        assert [r.frequency for r in rows] == [expected_outbox]
        # Only immediate emails leave now; digests wait for their task.
        assert len(mail.outbox) == (1 if expected_outbox == "immediate" else 0)


def test_account_messages_ignore_preferences() -> None:
    user = UserFactory()
    NotificationPreference.objects.create(user=user, category="account", frequency="off")
    notify(recipients=[user], event="account.welcome", context={})
    assert OutboxEmail.objects.get().frequency == "immediate"


@pytest.mark.usefixtures("ping_templates")
def test_preferences_are_per_recipient() -> None:
    wants, muted = UserFactory(), UserFactory()
    preferences_update(user=muted, frequencies={"calls": "off"})
    notify(recipients=[wants, muted], event="tests.ping", context={"name": "A"})
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [wants.pk]
    assert Notification.objects.count() == 2


def test_language_follows_each_recipient() -> None:
    english = UserFactory(language="en")
    spanish = UserFactory(language="es")
    with translation.override("en"):  # the caller's language must not leak into the messages
        notify(recipients=[english, spanish], event="account.welcome", context={"email": "x"})
    for user, language in ((english, "en"), (spanish, "es")):
        row = OutboxEmail.objects.get(recipient=user)
        assert row.language == language
        assert f'<html lang="{language}">' in row.body_html
        with translation.override(language):
            expected_title = str(translation.gettext("Welcome to the CMSP portal"))
        assert row.subject == expected_title
        assert Notification.objects.get(recipient=user).title == expected_title
    english_row = OutboxEmail.objects.get(recipient=english)
    assert english_row.subject == "Welcome to the CMSP portal"
    assert "Hello" in english_row.body_text


@pytest.mark.usefixtures("ping_templates")
def test_email_has_text_and_html_parts_and_unsubscribe_links(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], event="tests.ping", context={"name": "Ana"}, url="/calls/1/")
    message = mail.outbox[0]
    assert message.subject == "[CMSP] Ping Ana"
    assert "Ping for Ana & friends" in message.body  # text part is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Ping for Ana &amp; friends" in html
    assert f"{SITE}/calls/1/" in message.body
    assert f'href="{SITE}/calls/1/"' in html
    preferences = f"{SITE}/notifications/preferences/"
    assert preferences in message.body
    assert preferences in html
    unsubscribe = f"{SITE}/notifications/unsubscribe/"
    assert unsubscribe in message.body
    assert unsubscribe in html
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{unsubscribe}")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_account_email_has_preferences_link_but_no_unsubscribe() -> None:
    user = UserFactory(language="en")
    notify(recipients=[user], event="account.welcome", context={"email": user.email})
    row = OutboxEmail.objects.get()
    assert f"{SITE}/notifications/preferences/" in row.body_text
    assert "/unsubscribe/" not in row.body_text
    assert "List-Unsubscribe" not in row.headers


def test_idempotency_key_makes_repeated_calls_harmless() -> None:
    user = UserFactory()
    for _ in range(3):
        notify(recipients=[user], event="account.welcome", context={}, idempotency_key="k:1")
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
    other = UserFactory()
    notify(recipients=[user, other], event="account.welcome", context={}, idempotency_key="k:1")
    assert Notification.objects.count() == 2


def test_recipients_are_deduplicated_and_inactive_users_skipped() -> None:
    user = UserFactory()
    inactive = UserFactory(is_active=False)
    notify(recipients=[user, user, inactive], event="account.welcome", context={})
    assert list(Notification.objects.values_list("recipient", flat=True)) == [user.pk]


def test_email_false_is_in_app_only() -> None:
    user = UserFactory()
    notify(recipients=[user], event="account.welcome", context={}, email=False)
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 0


def test_in_app_only_keeps_the_notification_and_drops_the_email() -> None:
    user = UserFactory()
    with in_app_only():
        notify(recipients=[user], event="account.welcome", context={})
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 0
    # Outside the block, email is back.
    notify(recipients=[user], event="account.welcome", context={}, idempotency_key="again")
    assert OutboxEmail.objects.count() == 1


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "calls/1/"])
def test_only_portal_paths_are_accepted_as_links(url: str) -> None:
    with pytest.raises(ValueError, match="path inside the portal"):
        notify(recipients=[UserFactory()], event="account.welcome", context={}, url=url)
    assert Notification.objects.count() == 0


def test_unknown_event_fails_loudly() -> None:
    with pytest.raises(UnknownEventError):
        notify(recipients=[UserFactory()], event="no.such.event", context={})


def test_notify_runs_a_constant_number_of_queries() -> None:
    from django.db import connection

    counts = []
    for size in (1, 10):
        users = UserFactory.create_batch(size)
        with CaptureQueriesContext(connection) as ctx:
            notify(recipients=users, event="account.welcome", context={})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_notify_email_to_a_bare_address(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = notify_email(
            email="guest@example.pe",
            event="account.welcome",
            context={"email": "guest@example.pe"},
            language="en",
            idempotency_key="invite:1",
        )
    again = notify_email(
        email="guest@example.pe", event="account.welcome", context={}, idempotency_key="invite:1"
    )
    assert again.pk == row.pk
    assert row.recipient is None
    assert "/notifications/preferences/" not in row.body_text  # no account, no preferences
    assert mail.outbox[0].to == ["guest@example.pe"]
    assert Notification.objects.count() == 0
