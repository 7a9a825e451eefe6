"""What a signed-in request costs besides its own work, and that the savings keep sessions safe.

Bookkeeping = the SQL a request runs because someone is signed in, whatever the page: loading the
session, loading the user, and whatever the session, allauth's session list and the staff
two-factor gate write or check. A signed-in GET that changes nothing pays two queries
(``SELECT`` of the session row, ``SELECT`` of the user); the session is touched at most once a
minute, allauth's session list is updated at most every five minutes, the staff TOTP flag lives
in the session, and the unread count is rendered inline in the navigation (one ``COUNT``).

The bound is measured on probe views of this module (``@pytest.mark.urls``): ``/probe/quiet/``
runs no query of its own, so every query it costs is bookkeeping; ``/probe/nav/`` renders the
base layout, whose only own query is the unread count of the navigation.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone

from cluster_portal.core.middleware import (
    ACTIVE_AT_SESSION_KEY,
    STAFF_TOTP_SESSION_KEY,
    USERSESSION_SEEN_SESSION_KEY,
)
from cluster_portal.urls import urlpatterns as portal_urlpatterns
from members.models import User
from tests.members.factories import (
    DEFAULT_PASSWORD,
    OrganizationMemberFactory,
    UserFactory,
    totp_code,
)
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def quiet(request: HttpRequest) -> HttpResponse:
    """A page that runs no query of its own (and does not even look at the user)."""
    return HttpResponse("quiet")


def with_nav(request: HttpRequest) -> HttpResponse:
    """The base layout: navigation (with the unread badge), messages and footer."""
    return render(request, "base.html")


urlpatterns = [
    path("probe/quiet/", quiet),
    path("probe/nav/", with_nav),
    *portal_urlpatterns,
]

QUIET = "/probe/quiet/"
NAV = "/probe/nav/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SESSION_WRITE = re.compile(r'^(UPDATE|INSERT INTO) "django_session"')
WRITE = re.compile(r"^\s*(UPDATE|INSERT|DELETE|SAVEPOINT)", re.IGNORECASE)


class Counted:
    def __init__(self, ctx: CaptureQueriesContext) -> None:
        self.ctx = ctx

    @property
    def sql(self) -> list[str]:
        return [query["sql"] for query in self.ctx.captured_queries]

    @property
    def session_writes(self) -> int:
        return sum(1 for sql in self.sql if SESSION_WRITE.match(sql))

    def touching(self, table: str) -> list[str]:
        return [sql for sql in self.sql if f'"{table}"' in sql]


@contextmanager
def counted() -> Iterator[Counted]:
    with CaptureQueriesContext(connection) as ctx:
        yield Counted(ctx)


def is_logged_in(client: Client, user: User | None = None) -> bool:
    user_id = client.session.get("_auth_user_id")
    return user_id is not None and (user is None or user_id == str(user.pk))


def seconds(n: float) -> datetime.datetime:
    return START + datetime.timedelta(seconds=n)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """A frozen clock at ``START``; ``clock.move_to(seconds(n))`` moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def member() -> User:
    return UserFactory()


@pytest.fixture
def staff() -> User:
    return UserFactory(is_staff=True, totp=True)


# --- The bound --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "staff", "superuser"])
def test_a_signed_in_get_costs_two_bookkeeping_queries(client: Client, role: str) -> None:
    """Session + user, nothing else: no session write, no UserSession update, no TOTP query."""
    user = {
        "member": lambda: UserFactory(),
        "staff": lambda: UserFactory(is_staff=True, totp=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True, totp=True),
    }[role]()
    client.force_login(user)
    assert client.get(QUIET).status_code == 200  # first sight: records the UserSession
    with counted() as queries:
        response = client.get(QUIET)
    assert response.status_code == 200
    assert len(queries.sql) == 2, queries.sql
    assert queries.sql[0].startswith('SELECT "django_session"')
    assert queries.sql[1].startswith('SELECT "members_user"')
    assert not [sql for sql in queries.sql if WRITE.match(sql)]


@pytest.mark.parametrize("role", ["member", "staff"])
def test_a_page_with_the_navigation_adds_one_count_for_the_badge(client: Client, role: str) -> None:
    user = UserFactory(is_staff=role == "staff", totp=role == "staff")
    NotificationFactory.create_batch(3, recipient=user)
    client.force_login(user)
    client.get(NAV)
    with counted() as queries:
        response = client.get(NAV)
    body = response.content.decode()
    # Staff pay one more: their permissions (one query, shared with every predicate of the
    # page) decide whether the navigation shows "Administration" (staff.permissions.can_use_admin).
    assert len(queries.sql) == (4 if role == "staff" else 3), queries.sql
    (count,) = queries.touching("notifications_notification")
    assert count.startswith("SELECT COUNT(*)")
    assert re.search(r'data-testid="unread-badge">3<', body)


def test_anonymous_pages_pay_no_bookkeeping(client: Client) -> None:
    with counted() as queries:
        body = client.get(NAV).content.decode()
    assert queries.sql == []
    assert "unread-badge" not in body


# --- Session: touched at most once a minute, inactivity timeout still honest -------------------


def test_the_session_is_written_once_a_minute_at_most(clock, client: Client, member) -> None:
    client.force_login(member)
    client.get(QUIET)  # records the UserSession (a session write)
    row = Session.objects.get()
    expiry = row.expire_date
    assert expiry == START + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    clock.move_to(seconds(settings.SESSION_TOUCH_INTERVAL_SECONDS - 1))
    with counted() as queries:
        assert client.get(QUIET).status_code == 200
    assert queries.session_writes == 0
    assert Session.objects.get().expire_date == expiry

    clock.move_to(seconds(settings.SESSION_TOUCH_INTERVAL_SECONDS))
    with counted() as queries:
        assert client.get(QUIET).status_code == 200
    assert queries.session_writes == 1
    touched = Session.objects.get()
    assert touched.expire_date == seconds(
        settings.SESSION_TOUCH_INTERVAL_SECONDS + settings.SESSION_COOKIE_AGE
    )
    assert touched.get_decoded()[ACTIVE_AT_SESSION_KEY] == int(
        seconds(settings.SESSION_TOUCH_INTERVAL_SECONDS).timestamp()
    )


@pytest.mark.parametrize("last_request", [0, 30, 59])
def test_inactivity_logout_without_a_write_in_between(
    clock, client: Client, member, last_request: int
) -> None:
    """The last request (not written) is followed by SESSION_COOKIE_AGE of silence: logged out."""
    client.force_login(member)
    client.get(QUIET)
    clock.move_to(seconds(last_request))
    with counted() as queries:
        assert client.get(reverse("account_email")).status_code == 200
    assert queries.session_writes == 0

    clock.move_to(seconds(last_request + settings.SESSION_COOKIE_AGE + 1))
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not is_logged_in(client)


def test_a_session_in_use_stays_signed_in(clock, client: Client, member, settings) -> None:
    settings.SESSION_COOKIE_AGE = 300
    client.force_login(member)
    for step in range(1, 15):  # 700 s of requests every 50 s: more than twice the timeout
        clock.move_to(seconds(step * 50))
        assert client.get(reverse("account_email")).status_code == 200
    assert is_logged_in(client, member)


def test_a_stale_activity_time_logs_out_whatever_the_row_says(
    clock, client: Client, member
) -> None:
    """The stored activity time is checked too (a row kept alive by other code does not count)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    client.get(QUIET)
    clock.move_to(seconds(settings.SESSION_COOKIE_AGE + 1))
    Session.objects.update(expire_date=seconds(10 * settings.SESSION_COOKIE_AGE))
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('account_email')}"
    assert not is_logged_in(client)
    page = client.get(response["Location"])
    assert "Your session has expired for security reasons." in page.content.decode()


def test_a_session_written_anyway_records_the_activity(clock, client: Client, member) -> None:
    """A request that changes the session for its own reasons slides the timeout for free."""
    membership = OrganizationMemberFactory(user=member)
    other = OrganizationMemberFactory(user=member)
    client.force_login(member)
    client.get(QUIET)
    clock.move_to(seconds(20))
    with counted() as queries:
        team = reverse("members:team", kwargs={"organization_id": other.organization_id})
        assert client.get(team).status_code == 200  # remembers the organization: a write
    assert queries.session_writes == 1
    assert client.session[ACTIVE_AT_SESSION_KEY] == int(seconds(20).timestamp())
    assert membership.organization_id != other.organization_id


def test_the_team_page_writes_the_session_only_when_the_organization_changes(
    client: Client, member
) -> None:
    first = OrganizationMemberFactory(user=member).organization
    second = OrganizationMemberFactory(user=member).organization
    client.force_login(member)
    client.get(QUIET)
    url = reverse("members:team", kwargs={"organization_id": second.pk})
    assert client.get(url).status_code == 200
    with counted() as queries:
        assert client.get(url).status_code == 200
    assert queries.session_writes == 0
    # What it serves: "My organization" opens the one last looked at.
    response = client.get(reverse("members:my_organization"))
    assert response["Location"] == url
    assert first.pk != second.pk


# --- allauth's session list --------------------------------------------------------------------


def test_session_activity_is_recorded_every_five_minutes(clock, client: Client, member) -> None:
    client.force_login(member)
    client.get(QUIET)
    (record,) = UserSession.objects.filter(user=member)
    assert record.session_key == client.session.session_key
    assert record.last_seen_at == START

    interval = settings.USERSESSIONS_RECORD_INTERVAL_SECONDS
    clock.move_to(seconds(interval - 1))
    with counted() as queries:
        client.get(QUIET)
    assert not queries.touching("usersessions_usersession")
    assert UserSession.objects.get().last_seen_at == START

    clock.move_to(seconds(interval))
    client.get(QUIET)
    assert UserSession.objects.get().last_seen_at == seconds(interval)


def test_a_new_browser_or_address_is_recorded_at_once(clock, client: Client, member) -> None:
    client.force_login(member)
    client.get(QUIET, HTTP_USER_AGENT="Laptop")
    clock.move_to(seconds(10))
    client.get(QUIET, HTTP_USER_AGENT="Laptop", REMOTE_ADDR="203.0.113.7")
    assert UserSession.objects.get().ip == "203.0.113.7"
    clock.move_to(seconds(20))
    client.get(QUIET, HTTP_USER_AGENT="Phone", REMOTE_ADDR="203.0.113.7")
    record = UserSession.objects.get()
    assert (record.user_agent, record.last_seen_at) == ("Phone", seconds(20))
    assert client.session[USERSESSION_SEEN_SESSION_KEY][1] == int(seconds(20).timestamp())


def test_the_session_list_shows_this_session_and_ends_the_others(member) -> None:
    laptop = Client(HTTP_USER_AGENT="Laptop", HTTP_ACCEPT_LANGUAGE="en")
    phone = Client(HTTP_USER_AGENT="Phone", HTTP_ACCEPT_LANGUAGE="en")
    for browser in (laptop, phone):
        response = browser.post(
            reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        browser.get(QUIET)
    page = laptop.get(reverse("usersessions_list"))
    body = page.content.decode()
    assert "Laptop" in body
    assert "Phone" in body
    row = re.search(r"<tr>(?:(?!</tr>).)*Laptop(?:(?!</tr>).)*</tr>", body, re.S)
    assert row is not None
    assert "This browser" in row.group()  # the current session is marked
    assert body.count("This browser") == 1

    assert laptop.post(reverse("usersessions_list")).status_code == 302
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Laptop"]
    assert laptop.get(reverse("account_email")).status_code == 200
    assert phone.get(reverse("account_email")).status_code == 302
    assert not is_logged_in(phone)


# --- The staff two-factor gate with the flag in the session ------------------------------------


def test_staff_without_totp_are_still_stopped(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.session[STAFF_TOTP_SESSION_KEY] == [staff.pk, False]
    for _ in range(2):  # the remembered "no" stops them just the same
        response = client.get(QUIET)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("stored", ["missing", "other-user", "garbage"])
def test_a_missing_or_foreign_flag_is_queried_again(client: Client, stored: str) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    session = client.session
    if stored == "missing":
        del session[STAFF_TOTP_SESSION_KEY]
    else:
        session[STAFF_TOTP_SESSION_KEY] = [staff.pk + 1, True] if stored == "other-user" else True
    session.save()
    with counted() as queries:
        response = client.get(QUIET)
    assert response["Location"] == reverse("mfa_activate_totp")
    assert queries.touching("mfa_authenticator")
    assert client.session[STAFF_TOTP_SESSION_KEY] == [staff.pk, False]


@pytest.mark.django_db(transaction=True)  # allauth announces a new authenticator on commit
def test_adding_an_authenticator_opens_the_gate_without_a_new_login(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(QUIET).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    assert client.session[STAFF_TOTP_SESSION_KEY] == [staff.pk, True]
    assert client.get(QUIET).status_code == 200


def test_removing_the_authenticator_in_session_closes_the_gate(client: Client, staff) -> None:
    # Through allauth's real flow: password, code, reauthentication, deactivation.
    client.post(reverse("account_login"), {"login": staff.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})
    assert client.session[STAFF_TOTP_SESSION_KEY] == [staff.pk, True]
    assert client.get(QUIET).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=staff, type="totp").exists()

    assert client.session[STAFF_TOTP_SESSION_KEY] == [staff.pk, False]
    response = client.get(QUIET)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_authenticator_removed_elsewhere_is_noticed_within_a_minute(
    clock, client: Client, staff
) -> None:
    client.force_login(staff)
    assert client.get(QUIET).status_code == 200
    Authenticator.objects.filter(user=staff).delete()  # the admin, or another session
    clock.move_to(seconds(settings.SESSION_TOUCH_INTERVAL_SECONDS))
    response = client.get(QUIET)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- The unread badge, inline -------------------------------------------------------------------


def test_the_navigation_shows_the_unread_count_without_a_second_request(
    client: Client, member
) -> None:
    NotificationFactory.create_batch(2, recipient=member)
    NotificationFactory.create_batch(1, recipient=member, read_at=timezone.now())
    NotificationFactory()  # someone else's
    client.force_login(member)
    body = client.get("/").content.decode()
    badge = re.search(r'<span id="notifications-badge"([^>]*)>(.*?)</a>', body, re.S)
    assert badge is not None
    attributes, content = badge.groups()
    assert 'data-testid="unread-badge">2<' in content
    # htmx reloads it only after an action that changed it, never on load or on a timer.
    assert 'hx-trigger="notificationsChanged from:body"' in attributes
    assert "load" not in attributes
    assert "every" not in attributes


def test_the_inbox_counts_unread_once_for_page_and_badge(client: Client, member) -> None:
    NotificationFactory.create_batch(3, recipient=member)
    client.force_login(member)
    client.get(reverse("notifications:inbox"))
    with counted() as queries:
        body = client.get(reverse("notifications:inbox")).content.decode()
    unread = [sql for sql in queries.touching("notifications_notification") if "IS NULL" in sql]
    assert len(unread) == 1
    assert 'data-testid="unread-badge">3<' in body


def test_staff_setting_up_totp_see_no_count(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    NotificationFactory(recipient=staff)
    client.force_login(staff)
    with counted() as queries:
        body = client.get(reverse("mfa_index")).content.decode()
    assert "unread-badge" not in body
    assert not queries.touching("notifications_notification")
