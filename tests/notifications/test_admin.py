"""The outbox admin's "retry now" action: what it resets and what it tells staff."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxEmail
from tests.members.factories import UserFactory
from tests.notifications.factories import NotificationBroadcastFactory, OutboxEmailFactory

pytestmark = pytest.mark.django_db

Status = OutboxEmail.Status


@pytest.fixture
def admin_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    return client


def _retry(client: Client, rows: list[OutboxEmail]) -> list[str]:
    response = client.post(
        reverse("admin:notifications_outboxemail_changelist"),
        {"action": "retry_now", "_selected_action": [row.pk for row in rows]},
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_retry_now_resets_failed_and_waiting_emails_only(admin_client: Client) -> None:
    failed = OutboxEmailFactory(status=Status.FAILED, attempts=5)
    sent = OutboxEmailFactory(status=Status.SENT, attempts=1)
    digest = OutboxEmailFactory(status=Status.PENDING, frequency="daily")

    messages = _retry(admin_client, [failed, sent, digest])

    assert messages == ["1 email will be sent again."]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 0)
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_retry_now_message_is_plural_for_several(admin_client: Client) -> None:
    rows = [OutboxEmailFactory(status=Status.FAILED) for _ in range(3)]
    assert _retry(admin_client, rows) == ["3 emails will be sent again."]


def test_broadcasts_are_listed_and_failed_ones_resumed(admin_client: Client) -> None:
    failed = NotificationBroadcastFactory(status="failed", attempts=8, cursor=42)
    done = NotificationBroadcastFactory(status="done", attempts=1)
    url = reverse("admin:notifications_notificationbroadcast_changelist")
    assert admin_client.get(url).status_code == 200
    assert (
        admin_client.get(
            reverse("admin:notifications_notificationbroadcast_change", args=[failed.pk])
        ).status_code
        == 200
    )
    response = admin_client.post(
        url, {"action": "retry_now", "_selected_action": [failed.pk, done.pk]}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 broadcast will be resumed."]
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.attempts, failed.cursor) == ("pending", 0, 42)  # resumes
    assert done.status == "done"
