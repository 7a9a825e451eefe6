"""Inbox, mark read, badge, preferences and unsubscribe pages; the welcome on email confirmation."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification, NotificationPreference, OutboxEmail
from notifications.services import unsubscribe_token
from tests.members.factories import UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
BADGE = reverse("notifications:unread_badge")
PREFERENCES = reverse("notifications:preferences")


@pytest.fixture
def member(user):
    return user


@pytest.fixture
def client_en(member) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    return client


def test_pages_require_login() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in (INBOX, PREFERENCES):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302


def test_inbox_lists_only_own_notifications(client_en, member) -> None:
    mine = NotificationFactory(recipient=member, title="Mine")
    NotificationFactory(title="Someone else's")
    response = client_en.get(INBOX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mine" in body
    assert "Someone else&#x27;s" not in body
    assert "Someone else's" not in body
    assert reverse("notifications:open", args=[mine.pk]) in body
    assert "1 unread notification" in body


def test_inbox_paginates() -> None:
    member = UserFactory()
    NotificationFactory.create_batch(25, recipient=member)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    first = client.get(INBOX)
    assert first.content.decode().count('data-testid="notification"') == 20
    second = client.get(INBOX, {"page": 2})
    assert second.content.decode().count('data-testid="notification"') == 5
    assert client.get(INBOX, {"page": "junk"}).status_code == 200


def _inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(INBOX).status_code == 200
    return len(ctx.captured_queries)


def test_inbox_query_count_does_not_grow_with_rows() -> None:
    member = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    client.get(INBOX)  # the first request of a session also records it (allauth usersessions)
    NotificationFactory.create_batch(5, recipient=member)
    few = _inbox_queries(client)
    NotificationFactory.create_batch(45, recipient=member)
    many = _inbox_queries(client)
    assert few == many, (few, many)


def test_mark_read_own_notification(client_en, member) -> None:
    notification = NotificationFactory(recipient=member)
    response = client_en.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_cannot_mark_someone_elses_notification_read(client_en) -> None:
    other = NotificationFactory()
    response = client_en.post(reverse("notifications:mark_read", args=[other.pk]))
    assert response.status_code == 404
    htmx = client_en.post(
        reverse("notifications:mark_read", args=[other.pk]), HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 404
    assert client_en.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_requires_post(client_en, member) -> None:
    notification = NotificationFactory(recipient=member)
    response = client_en.get(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_with_htmx_returns_the_item_and_refreshes_the_badge(client_en, member) -> None:
    notification = NotificationFactory(recipient=member)
    NotificationFactory(recipient=member)
    response = client_en.post(
        reverse("notifications:mark_read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{notification.pk}"' in body
    assert "notification-unread" not in body
    assert 'hx-swap-oob="true"' in body
    assert "1 unread notification" in body
    assert "notificationsChanged" in response["HX-Trigger"]


def test_mark_all_read_only_touches_own(client_en, member) -> None:
    NotificationFactory.create_batch(3, recipient=member)
    other = NotificationFactory()
    response = client_en.post(reverse("notifications:mark_all_read"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "notificationsChanged" in response["HX-Trigger"]
    assert 'id="notification-list"' in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_open_marks_read_and_follows_the_link(client_en, member) -> None:
    notification = NotificationFactory(recipient=member, url="/members/")
    response = client_en.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_never_redirects_off_site(client_en, member) -> None:
    notification = NotificationFactory(recipient=member, url="//evil.example/")
    response = client_en.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == INBOX


def test_unread_badge(client_en, member) -> None:
    assert 'data-testid="unread-badge"' not in client_en.get(BADGE).content.decode()
    NotificationFactory.create_batch(2, recipient=member)
    NotificationFactory(recipient=member, read_at="2026-01-01T00:00Z")
    body = client_en.get(BADGE).content.decode()
    assert 'data-testid="unread-badge"' in body
    assert ">2<" in body
    anonymous = Client().get(BADGE)
    assert anonymous.status_code == 200
    assert anonymous.content.strip() == b""


def test_navigation_refreshes_the_badge_for_members_only(client_en) -> None:
    body = client_en.get("/").content.decode()
    assert f'hx-get="{BADGE}"' in body
    # Rendered with the page (tests/core/test_bookkeeping.py), reloaded only after "mark read":
    # never on load (a second request per page) nor on a timer (a polling request would keep an
    # idle session alive forever and defeat the inactivity timeout).
    assert 'hx-trigger="notificationsChanged from:body"' in body
    assert "every " not in body
    assert f'hx-get="{BADGE}"' not in Client().get("/").content.decode()


def test_preferences_form_saves(client_en, member) -> None:
    response = client_en.get(PREFERENCES)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Calls and deadlines" in body
    assert 'name="account"' not in body  # not configurable
    data = {
        "membership": "immediate",
        "calls": "weekly",
        "proposals": "daily",
        "evaluation": "off",
        "projects": "immediate",
        "missions": "immediate",
        "knowledge": "weekly",
        "reports": "immediate",
    }
    response = client_en.post(PREFERENCES, data)
    assert response.status_code == 302
    stored = dict(
        NotificationPreference.objects.filter(user=member).values_list("category", "frequency")
    )
    assert stored["calls"] == "weekly"
    assert stored["evaluation"] == "off"
    assert stored["knowledge"] == "weekly"


def test_preferences_reject_bad_input_and_change_nothing(client_en, member) -> None:
    response = client_en.post(PREFERENCES, {"calls": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_unsubscribe_asks_then_switches_the_category_off(member) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(user_id=member.pk, category="calls")]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "Calls and deadlines" in response.content.decode()
    assert not NotificationPreference.objects.exists()  # link scanners change nothing
    # One-click (RFC 8058): mail clients POST without a session or CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=member, category="calls").frequency == "off"


@pytest.mark.parametrize("category", ["account", "nope"])
def test_unsubscribe_refuses_bad_tokens(member, category: str) -> None:
    client = Client()
    bad = reverse("notifications:unsubscribe", args=["not-a-token"])
    assert client.get(bad).status_code == 404
    token = unsubscribe_token(user_id=member.pk, category=category)
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_confirming_an_email_sends_the_welcome_once(django_capture_on_commit_callbacks) -> None:
    member = UserFactory(verified_email=False, language="en")
    address = EmailAddress.objects.create(user=member, email=member.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=member)
    assert notification.event == "account.welcome"
    assert member.email in notification.body
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["[CMSP] Welcome to the CMSP portal"]
    # Confirming (another) address later does not welcome the person again.
    second = EmailAddress.objects.create(user=member, email="second@example.pe")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[EmailConfirmationHMAC(second).key]))
    assert Notification.objects.filter(recipient=member).count() == 1
