"""notify_audience(): one row in the request, expanded in the background into exactly one
notification (and email, by preference) per person of the audience, resumable and idempotent."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Organization, OrganizationMember, User
from notifications import broadcasts
from notifications.audiences import UnknownAudienceError, resolve_audience
from notifications.events import UnknownEventError
from notifications.models import Notification, NotificationBroadcast, OutboxEmail
from notifications.services import broadcast_expand_chunk, notify_audience, preferences_update
from notifications.tasks import expand_notification_broadcast, sweep_broadcasts
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ping_templates")]

Status = NotificationBroadcast.Status


def _members(count: int, organization: Organization | None = None, **user: object) -> list[User]:
    organization = organization or OrganizationFactory()
    people = UserFactory.create_batch(count, verified_email=False, **user)
    for person in people:
        OrganizationMemberFactory(organization=organization, user=person)
    return people


def _broadcast(**kwargs: object) -> NotificationBroadcast:
    """A broadcast of ``tests.ping`` whose expansion has NOT run (no on_commit executed)."""
    options: dict[str, object] = {
        "audience": "members.active_people",
        "event": "tests.ping",
        "context": {"name": "Ana"},
        "url": "/calls/7/",
    }
    return notify_audience(**{**options, **kwargs})  # type: ignore[arg-type]


def _recipients() -> list[int]:
    return sorted(Notification.objects.values_list("recipient_id", flat=True))


# --- The request side ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 40])
def test_the_request_writes_one_row_in_one_query_whatever_the_audience(size: int) -> None:
    _members(size)
    with CaptureQueriesContext(connection) as ctx:
        broadcast = _broadcast()
    assert len(ctx.captured_queries) == 1
    assert ctx.captured_queries[0]["sql"].startswith("INSERT")
    assert NotificationBroadcast.objects.get() == broadcast
    assert broadcast.status == Status.PENDING
    assert Notification.objects.count() == OutboxEmail.objects.count() == 0


def test_an_idempotency_key_costs_one_more_query_and_returns_the_same_row() -> None:
    _members(5)
    with CaptureQueriesContext(connection) as ctx:
        first = _broadcast(idempotency_key="calls.published:7")
    assert len(ctx.captured_queries) == 2
    assert _broadcast(idempotency_key="calls.published:7") == first
    assert NotificationBroadcast.objects.count() == 1


def test_expansion_is_queued_after_commit(django_capture_on_commit_callbacks) -> None:
    people = _members(3)
    with django_capture_on_commit_callbacks() as callbacks:
        broadcast = _broadcast()
    assert Notification.objects.count() == 0  # nothing before commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit (tasks run eagerly in the test settings)
    broadcast.refresh_from_db()
    assert broadcast.status == Status.DONE
    assert broadcast.finished_at is not None
    assert broadcast.recipients_count == 3
    assert _recipients() == sorted(p.pk for p in people)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"audience": "members.nobody"}, UnknownAudienceError),
        ({"event": "no.such.event"}, UnknownEventError),
        ({"audience_params": {"colour": "red"}}, ValueError),
        ({"context": {"when": timezone.now()}}, ValueError),
        ({"url": "https://evil.example/"}, ValueError),
        ({"idempotency_key": "k" * 181}, ValueError),
    ],
)
def test_bad_input_fails_before_anything_is_written(kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        _broadcast(**kwargs)
    assert NotificationBroadcast.objects.count() == 0


# --- Expansion ----------------------------------------------------------------------------------


def test_expansion_notifies_each_active_person_of_the_audience_once() -> None:
    active_org, other_active = OrganizationFactory(), OrganizationFactory()
    people = _members(3, active_org)
    both = _members(1, other_active)[0]
    OrganizationMemberFactory(organization=active_org, user=both)  # in two organizations
    _members(2, OrganizationFactory(membership_status=Organization.MembershipStatus.SUSPENDED))
    _members(1, active_org, is_active=False)
    UserFactory()  # in no organization

    broadcast = _broadcast()
    assert expand_notification_broadcast(broadcast.pk) == Status.DONE

    assert _recipients() == sorted([p.pk for p in people] + [both.pk])
    assert OutboxEmail.objects.count() == 4
    notification = Notification.objects.get(recipient=people[0])
    assert (notification.event, notification.url, notification.title) == (
        "tests.ping",
        "/calls/7/",
        "Ping Ana",
    )
    assert notification.idempotency_key == f"{broadcast.idempotency_key}:{people[0].pk}"


def test_running_it_again_creates_nothing_new() -> None:
    _members(5)
    broadcast = _broadcast()
    expand_notification_broadcast(broadcast.pk)
    assert expand_notification_broadcast(broadcast.pk) == "skipped"
    # Even forced to start over from the first person, it adds nobody twice.
    NotificationBroadcast.objects.filter(pk=broadcast.pk).update(status=Status.PENDING, cursor=0)
    assert expand_notification_broadcast(broadcast.pk) == Status.DONE
    assert Notification.objects.count() == OutboxEmail.objects.count() == 5
    broadcast.refresh_from_db()
    assert broadcast.recipients_count == 5


def test_a_crash_mid_way_resumes_from_the_cursor_without_duplicates() -> None:
    people = _members(5)
    broadcast = _broadcast()
    # A worker expanded two chunks of two, then died while "running".
    broadcast_expand_chunk(broadcast=broadcast, chunk_size=2)
    broadcast_expand_chunk(broadcast=broadcast, chunk_size=2)
    NotificationBroadcast.objects.filter(pk=broadcast.pk).update(
        status=Status.RUNNING, claimed_at=timezone.now() - broadcasts.STALE_AFTER * 2, attempts=1
    )
    assert Notification.objects.count() == 4
    assert sweep_broadcasts() == 1
    assert _recipients() == sorted(p.pk for p in people)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.recipients_count, broadcast.attempts) == (Status.DONE, 5, 2)
    assert broadcast.cursor == max(p.pk for p in people)


def test_the_sweep_expands_what_the_broker_never_got() -> None:
    people = _members(2)
    broadcast = _broadcast()  # the after-commit task never runs in this test
    assert sweep_broadcasts() == 1
    assert _recipients() == sorted(p.pk for p in people)
    assert sweep_broadcasts() == 0
    broadcast.refresh_from_db()
    assert broadcast.status == Status.DONE


def test_a_long_expansion_continues_in_new_tasks(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    people = _members(5)
    monkeypatch.setattr(broadcasts, "CHUNK_SIZE", 2)
    monkeypatch.setattr(broadcasts, "EXPAND_TIME_BUDGET_SECONDS", 0.0)
    calls: list[str] = []
    original = broadcasts.BROADCASTS.run_one

    def run_one(pk: int) -> str:
        calls.append(outcome := original(pk))
        return outcome

    monkeypatch.setattr(broadcasts.BROADCASTS, "run_one", run_one)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = _broadcast()
    assert calls == ["deferred", "deferred", Status.DONE]
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.attempts) == (Status.DONE, 1)  # deferrals are not failures
    assert _recipients() == sorted(p.pk for p in people)


def test_preferences_and_language_are_respected(django_capture_on_commit_callbacks) -> None:
    organization = OrganizationFactory()
    immediate, daily, off = _members(3, organization, language="en")
    spanish = _members(1, organization, language="es")[0]
    preferences_update(user=daily, frequencies={"calls": "daily"})
    preferences_update(user=off, frequencies={"calls": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        _broadcast()
    # In-app for everyone, email by preference; immediate ones sent through the outbox.
    assert _recipients() == sorted(p.pk for p in (immediate, daily, off, spanish))
    emails = {row.recipient_id: row for row in OutboxEmail.objects.all()}
    assert set(emails) == {immediate.pk, daily.pk, spanish.pk}
    assert emails[daily.pk].status == OutboxEmail.Status.PENDING
    assert emails[daily.pk].frequency == "daily"
    assert emails[immediate.pk].status == OutboxEmail.Status.SENT
    assert (emails[immediate.pk].language, emails[spanish.pk].language) == ("en", "es")
    assert '<html lang="es">' in emails[spanish.pk].body_html
    assert sorted(m.to[0] for m in mail.outbox) == sorted([immediate.email, spanish.email])


def test_email_false_is_in_app_only() -> None:
    _members(2)
    broadcast = _broadcast(email=False)
    expand_notification_broadcast(broadcast.pk)
    assert Notification.objects.count() == 2
    assert OutboxEmail.objects.count() == 0


# --- Audiences of the members app ----------------------------------------------------------------


def test_active_people_by_capability_kind_and_role() -> None:
    drilling = CapabilityFactory(slug="drilling-test")
    retired = CapabilityFactory(slug="retired-test", is_active=False)
    drillers = OrganizationFactory(capabilities=[drilling])
    mine = OrganizationFactory(kind=Organization.Kind.MINING_COMPANY, capabilities=[retired])
    driller = _members(1, drillers)[0]
    admin = OrganizationMemberFactory(
        organization=drillers, role=OrganizationMember.Role.ADMIN
    ).user
    miner = _members(1, mine)[0]

    def people(**params: object) -> set[int]:
        return set(resolve_audience("members.active_people", params).values_list("pk", flat=True))

    assert people() == {driller.pk, admin.pk, miner.pk}
    assert people(capabilities=["drilling-test"]) == {driller.pk, admin.pk}
    assert people(capabilities=["retired-test"]) == set()  # inactive terms match nobody
    assert people(kinds=["mining"]) == {miner.pk}
    assert people(admins_only=True) == {admin.pk}


def test_organization_people_whatever_the_membership_status() -> None:
    applicant = OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
    people = _members(2, applicant)
    _members(1)
    found = resolve_audience("members.organization_people", {"organization_id": applicant.pk})
    assert sorted(found.values_list("pk", flat=True)) == sorted(p.pk for p in people)


# --- Benchmark ----------------------------------------------------------------------------------

AUDIENCE = 5_000
REQUEST_BUDGET_SECONDS = 1.0


def _bulk_members(count: int) -> None:
    organization = OrganizationFactory()
    password = make_password(None)
    User.objects.bulk_create(
        User(email=f"bulk{i}@example.pe", full_name=f"Persona {i}", password=password)
        for i in range(count)
    )
    OrganizationMember.objects.bulk_create(
        OrganizationMember(organization=organization, user_id=pk)
        for pk in User.objects.filter(email__startswith="bulk").values_list("pk", flat=True)
    )


def test_benchmark_5000_recipients_request_under_a_second_then_expanded() -> None:
    _bulk_members(AUDIENCE)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        broadcast = _broadcast(idempotency_key="calls.published:5000")
        request_seconds = time.perf_counter() - started
    assert len(ctx.captured_queries) <= 2
    assert request_seconds < REQUEST_BUDGET_SECONDS, request_seconds

    started = time.perf_counter()
    assert expand_notification_broadcast(broadcast.pk) == Status.DONE
    expand_seconds = time.perf_counter() - started
    assert Notification.objects.count() == OutboxEmail.objects.count() == AUDIENCE
    broadcast.refresh_from_db()
    assert broadcast.recipients_count == AUDIENCE
    print(  # the figure the issue asks for (pytest -s shows it)
        f"\n5,000 recipients: request {request_seconds * 1000:.1f} ms, "
        f"{len(ctx.captured_queries)} queries; expansion {expand_seconds:.1f} s"
    )
    assert broadcast.finished_at is not None
    assert broadcast.finished_at - broadcast.created_at < timedelta(minutes=5)
