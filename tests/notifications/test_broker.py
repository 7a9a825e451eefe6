"""A dead or hung Redis never breaks or blocks the page that notifies; the outbox keeps the email.

Also the contract of ``cluster_portal.tasks.enqueue_on_commit``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import Client
from django.urls import reverse
from kombu.exceptions import EncodeError, OperationalError

from cluster_portal import tasks as portal_tasks
from cluster_portal.tasks import enqueue_on_commit
from notifications.models import Notification, OutboxEmail
from notifications.services import notify
from notifications.tasks import send_outbox_email
from tests.members.factories import UserFactory

from .conftest import DEAD_BROKER_URL

MAX_SECONDS = 3.0


@pytest.fixture
def hung_broker_url() -> Iterator[str]:
    """A TCP server that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


def _confirm_email_request(member) -> tuple[int, float]:
    address = EmailAddress.objects.create(user=member, email=member.email, primary=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    started = time.monotonic()
    response = client.post(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    return response.status_code, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["dead", "hung"])
def test_page_completes_quickly_and_the_email_waits_in_the_outbox(
    broker: str, use_broker, request: pytest.FixtureRequest
) -> None:
    url = DEAD_BROKER_URL if broker == "dead" else request.getfixturevalue("hung_broker_url")
    use_broker(url)
    member = UserFactory(verified_email=False)
    status, elapsed = _confirm_email_request(member)
    assert status == 302
    assert elapsed < MAX_SECONDS, f"request took {elapsed:.2f}s with a {broker} broker"
    assert Notification.objects.filter(recipient=member, event="account.welcome").exists()
    row = OutboxEmail.objects.get(recipient=member)
    assert row.status == OutboxEmail.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_after_a_failure_the_broker_is_skipped_for_a_while(use_broker, hung_broker_url) -> None:
    use_broker(hung_broker_url)
    users = UserFactory.create_batch(3)
    started = time.monotonic()
    for user in users:  # three separate commits, three publishes
        notify(recipients=[user], event="account.welcome", context={})
    elapsed = time.monotonic() - started
    # Only the first publish waits for the socket timeout (~1 s); the others skip the broker.
    assert elapsed < 2.5, elapsed
    assert OutboxEmail.objects.filter(status="pending").count() == 3


@pytest.mark.django_db(transaction=True)
def test_enqueue_swallows_broker_errors(monkeypatch, use_broker, caplog) -> None:
    use_broker(DEAD_BROKER_URL)

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(send_outbox_email, "apply_async", refuse)
    enqueue_on_commit(send_outbox_email, outbox_id=1)  # autocommit: runs at once
    assert "could not publish notifications.tasks.send_outbox_email" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_enqueue_does_not_hide_programming_errors(monkeypatch, use_broker) -> None:
    use_broker(DEAD_BROKER_URL)

    def bad(*args, **kwargs):
        raise EncodeError("Object of type User is not JSON serializable")

    monkeypatch.setattr(send_outbox_email, "apply_async", bad)
    with pytest.raises(EncodeError):
        enqueue_on_commit(send_outbox_email, outbox_id=object())


@pytest.mark.django_db
def test_enqueue_waits_for_commit_and_passes_kwargs(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    calls: list[dict] = []
    monkeypatch.setattr(send_outbox_email, "apply_async", lambda kwargs: calls.append(kwargs))
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit(send_outbox_email, outbox_id=42)
        assert calls == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert calls == [{"outbox_id": 42}]


def test_outage_pause_expires(monkeypatch) -> None:
    portal_tasks._record_outage()
    assert portal_tasks._broker_paused()
    monkeypatch.setattr(portal_tasks, "BROKER_OUTAGE_PAUSE_SECONDS", 0.0)
    portal_tasks._record_outage()
    assert not portal_tasks._broker_paused()
