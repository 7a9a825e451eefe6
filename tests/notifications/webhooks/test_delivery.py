"""Webhook deliveries against a real local HTTP receiver (notifications.webhooks.delivery).

The receiver (``receiver.py``) is an ``http.server`` in a thread on 127.0.0.1, so these tests run
with ``WEBHOOKS_ALLOW_HTTP`` and ``WEBHOOKS_ALLOW_PRIVATE`` on (``local_targets``), except those
that check the production rules.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cluster_portal.core.jobs import SKIPPED, JobStatus
from notifications.models import (
    Notification,
    OutboxEmail,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from notifications.services.webhooks import endpoint_create, endpoint_rotate_secret
from notifications.webhooks import delivery as engine
from notifications.webhooks import retries, signing
from notifications.webhooks.delivery import deliveries_sweep, delivery_run, message_body
from notifications.webhooks.retries import Outcome
from tests.members.factories import UserFactory

from .factories import WebhookDeliveryFactory, WebhookEndpointFactory, WebhookMessageFactory
from .receiver import Reply, running_receiver, tls_material

pytestmark = pytest.mark.django_db

Reason = WebhookEndpoint.DisabledReason


def _endpoint(partner, url: str, **kwargs) -> WebhookEndpoint:
    return WebhookEndpointFactory(
        organization=partner.organization, url=url, created_by=partner.admin, **kwargs
    )


def _delivery(endpoint: WebhookEndpoint, **kwargs) -> WebhookDelivery:
    return WebhookDeliveryFactory(endpoint=endpoint, **kwargs)


def _soon() -> datetime:
    """A whole second just ahead of now (rows made now are due then)."""
    return timezone.now().replace(microsecond=0) + timedelta(seconds=1)


def _reload(row):
    row.refresh_from_db()
    return row


# --- What is posted --------------------------------------------------------------------------


def test_a_delivery_posts_the_exact_signed_body(local_targets, receiver, partner) -> None:
    endpoint = _endpoint(partner, receiver.url())
    delivery = _delivery(endpoint)

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.DONE

    [request] = receiver.received("/hook")
    message = delivery.message
    stored = WebhookMessage.objects.get(pk=message.pk).payload  # as the database returns it
    assert request.body == message_body(stored)
    assert json.loads(request.body) == message.payload
    # The envelope in the specification's order, the data's keys sorted (jsonb reorders keys).
    assert request.body.startswith(b'{"type":"call.published","timestamp":')
    assert list(json.loads(request.body)["data"]) == sorted(message.payload["data"])
    assert request.header("Content-Type") == "application/json"
    assert request.header("User-Agent") == "CMSP-Webhooks/1.0"
    assert request.header("Host") == f"127.0.0.1:{receiver.port}"
    assert request.header("webhook-id") == message.msg_id
    assert abs(int(request.header("webhook-timestamp")) - time.time()) < 30
    # The standardwebhooks verifier and the README's recipe both accept it.
    signing.verify(endpoint.secret, body=request.body, headers=request.headers)
    assert signing.verify_by_recipe(
        endpoint.secret, body=request.body, headers=request.headers, now=datetime.now(UTC)
    )
    assert not signing.verify_by_recipe(
        signing.generate_secret(),
        body=request.body,
        headers=request.headers,
        now=datetime.now(UTC),
    )

    delivery = _reload(delivery)
    assert delivery.status == JobStatus.DONE
    assert delivery.delivered_at is not None
    assert delivery.last_outcome == Outcome.DELIVERED
    assert delivery.last_status_code == 200
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.outcome, attempt.status_code, attempt.response_excerpt) == (
        "delivered",
        200,
        "ok",
    )
    assert attempt.duration_ms >= 0
    assert _reload(endpoint).last_success_at is not None


def test_non_ascii_payload_is_sent_as_utf8_and_verifies(local_targets, receiver, partner) -> None:
    endpoint = _endpoint(partner, receiver.url())
    message = WebhookMessageFactory(
        payload={"type": "call.published", "timestamp": "2026-01-01T00:00:00Z", "data": {"t": "ñ€"}}
    )
    delivery_run(delivery_id=_delivery(endpoint, message=message).pk)

    [request] = receiver.received()
    assert "ñ€".encode() in request.body
    signing.verify(endpoint.secret, body=request.body, headers=request.headers)


def test_the_response_excerpt_is_bounded(local_targets, receiver, partner) -> None:
    receiver.answer("/hook", Reply(200, body=b"x" * 50_000))
    delivery = _delivery(_endpoint(partner, receiver.url()))
    delivery_run(delivery_id=delivery.pk)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.response_excerpt == "x" * engine.RESPONSE_EXCERPT_CHARS


def test_running_a_delivery_twice_posts_once(local_targets, receiver, partner) -> None:
    delivery = _delivery(_endpoint(partner, receiver.url()))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.DONE
    assert delivery_run(delivery_id=delivery.pk) == SKIPPED
    assert len(receiver.received()) == 1
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1


def test_the_sweep_posts_a_delivery_the_broker_never_got(local_targets, receiver, partner) -> None:
    # Written (as webhook_emit does) but its task never published: only the sweep can send it.
    delivery = _delivery(_endpoint(partner, receiver.url()))

    assert deliveries_sweep() == 1
    assert len(receiver.received()) == 1
    assert _reload(delivery).status == JobStatus.DONE
    assert deliveries_sweep() == 0


def test_the_sweep_recovers_a_delivery_a_dead_worker_abandoned(
    local_targets, receiver, partner
) -> None:
    delivery = _delivery(_endpoint(partner, receiver.url()))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=JobStatus.RUNNING, attempts=1, claimed_at=timezone.now() - timedelta(hours=1)
    )

    assert deliveries_sweep() == 1
    delivery = _reload(delivery)
    assert (delivery.status, delivery.attempts) == (JobStatus.DONE, 2)


def test_an_inactive_endpoint_cancels_the_delivery_without_posting(
    local_targets, receiver, partner
) -> None:
    endpoint = _endpoint(partner, receiver.url(), is_active=False, disabled_reason=Reason.MANUAL)
    delivery = _delivery(endpoint)

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.CANCELLED
    assert receiver.received() == []
    assert not WebhookAttempt.objects.filter(delivery=delivery).exists()


# --- Retries ---------------------------------------------------------------------------------


def test_a_500_is_retried_on_the_specifications_schedule_until_it_fails(
    local_targets, receiver, partner
) -> None:
    receiver.answer("/hook", Reply(500, body=b"boom"))
    endpoint = _endpoint(partner, receiver.url())
    delivery = _delivery(endpoint)
    start = _soon()

    when = start
    for attempt in range(1, retries.MAX_ATTEMPTS + 1):
        with time_machine.travel(when, tick=False):
            status = delivery_run(delivery_id=delivery.pk)
        delivery = _reload(delivery)
        assert delivery.attempts == attempt
        if attempt < retries.MAX_ATTEMPTS:
            assert status == JobStatus.PENDING
            assert delivery.next_attempt_at == when + retries.RETRY_SCHEDULE[attempt]
            # Not before its time: a run in between posts nothing.
            with time_machine.travel(delivery.next_attempt_at - timedelta(seconds=1), tick=False):
                assert delivery_run(delivery_id=delivery.pk) == SKIPPED
            when = delivery.next_attempt_at
        else:
            assert status == JobStatus.FAILED

    assert delivery.status == JobStatus.FAILED
    assert delivery.last_outcome == Outcome.TRANSIENT
    assert delivery.last_status_code == 500
    requests = receiver.received()
    assert len(requests) == retries.MAX_ATTEMPTS
    # The same message id on every attempt, a fresh timestamp each time.
    assert {r.header("webhook-id") for r in requests} == {delivery.message.msg_id}
    assert len({r.header("webhook-timestamp") for r in requests}) == retries.MAX_ATTEMPTS
    attempts = WebhookAttempt.objects.filter(delivery=delivery)
    assert [a.response_excerpt for a in attempts] == ["boom"] * retries.MAX_ATTEMPTS
    # ~27 hours of failure: a bad day, not yet the five days that disable an endpoint.
    endpoint = _reload(endpoint)
    assert endpoint.is_active
    assert endpoint.failing_since == start


def test_retry_after_is_honoured(local_targets, receiver, partner) -> None:
    receiver.answer("/hook", Reply(503, headers={"Retry-After": "120"}))
    delivery = _delivery(_endpoint(partner, receiver.url()))
    now = _soon()

    with time_machine.travel(now, tick=False):
        assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    # Longer than the schedule's 5 seconds: the receiver's wish wins.
    assert _reload(delivery).next_attempt_at == now + timedelta(seconds=120)


def test_retry_after_cannot_make_the_portal_retry_sooner(local_targets, receiver, partner) -> None:
    receiver.answer("/hook", Reply(429, headers={"Retry-After": "1"}))
    delivery = _delivery(_endpoint(partner, receiver.url()))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=2)  # the 3rd attempt next
    now = _soon()

    with time_machine.travel(now, tick=False):
        delivery_run(delivery_id=delivery.pk)
    assert _reload(delivery).next_attempt_at == now + retries.RETRY_SCHEDULE[3]


def test_a_success_after_failures_ends_the_endpoints_failure_streak(
    local_targets, receiver, partner
) -> None:
    receiver.answer("/hook", Reply(500), Reply(204, body=b""))
    endpoint = _endpoint(partner, receiver.url())
    delivery = _delivery(endpoint)

    delivery_run(delivery_id=delivery.pk)
    assert _reload(endpoint).failing_since is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        assert delivery_run(delivery_id=delivery.pk) == JobStatus.DONE
    endpoint = _reload(endpoint)
    assert endpoint.failing_since is None
    assert endpoint.last_success_at is not None


def test_a_redirect_is_not_followed(local_targets, receiver, partner) -> None:
    receiver.answer("/hook", Reply(302, headers={"Location": "/elsewhere"}))
    delivery = _delivery(_endpoint(partner, receiver.url()))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    assert len(receiver.received("/hook")) == 1
    assert receiver.received("/elsewhere") == []
    delivery = _reload(delivery)
    assert (delivery.last_outcome, delivery.last_status_code) == (Outcome.REDIRECTED, 302)


def test_a_slow_receiver_times_out_fast(local_targets, receiver, partner, settings) -> None:
    settings.WEBHOOK_READ_TIMEOUT = 0.3
    receiver.answer("/hook", Reply(200, delay=5))
    delivery = _delivery(_endpoint(partner, receiver.url()))

    started = time.monotonic()
    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    assert time.monotonic() - started < 2.5

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.outcome == Outcome.TRANSIENT
    assert attempt.status_code is None
    assert "timed out" in attempt.error.lower()


def test_a_closed_port_is_a_failed_attempt(local_targets, partner) -> None:
    with running_receiver() as gone:
        url = gone.url()  # the port is free again once it stops
    delivery = _delivery(_endpoint(partner, url))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.outcome, attempt.status_code) == (Outcome.TRANSIENT, None)
    assert attempt.error


# --- Disabling -------------------------------------------------------------------------------


def test_410_disables_the_endpoint_at_once_and_tells_its_people(
    local_targets, receiver, partner
) -> None:
    receiver.answer("/hook", Reply(410))
    endpoint = _endpoint(partner, receiver.url())
    delivery = _delivery(endpoint)
    waiting = _delivery(endpoint, next_attempt_at=timezone.now() + timedelta(hours=1))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.FAILED

    endpoint = _reload(endpoint)
    assert not endpoint.is_active
    assert endpoint.disabled_reason == Reason.GONE
    assert endpoint.disabled_at is not None
    assert _reload(delivery).last_outcome == Outcome.GONE
    assert _reload(waiting).status == JobStatus.CANCELLED
    [note] = Notification.objects.filter(event="webhooks.endpoint_disabled")
    assert note.recipient == partner.admin
    assert note.title.startswith("Webhook endpoint disabled")
    assert "410 Gone" in note.body  # the administrator reads English
    assert OutboxEmail.objects.filter(
        recipient=partner.admin, event="webhooks.endpoint_disabled"
    ).exists()


def test_five_days_of_failure_disable_the_endpoint_and_email_admins_and_creator(
    local_targets, receiver, partner
) -> None:
    receiver.answer("/hook", Reply(500))
    creator = UserFactory(language="en")
    endpoint = _endpoint(partner, receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        created_by=creator,
        failing_since=timezone.now() - retries.DISABLE_AFTER,
        last_success_at=timezone.now() - timedelta(days=9),
    )
    delivery = _delivery(endpoint)
    other = _delivery(endpoint, next_attempt_at=timezone.now() + timedelta(hours=2))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.FAILED

    endpoint = _reload(endpoint)
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, Reason.FAILING)
    assert _reload(other).status == JobStatus.CANCELLED
    recipients = set(
        OutboxEmail.objects.filter(event="webhooks.endpoint_disabled").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {partner.admin.pk, creator.pk}
    # Once: a later failure of a disabled endpoint notifies nobody again.
    assert not engine.endpoint_disable_automatically(endpoint=endpoint, reason=Reason.FAILING)
    assert Notification.objects.filter(event="webhooks.endpoint_disabled").count() == 2


def test_four_days_of_failure_do_not_disable(local_targets, receiver, partner) -> None:
    receiver.answer("/hook", Reply(500))
    endpoint = _endpoint(partner, receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=4)
    )
    delivery = _delivery(endpoint)

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    assert _reload(endpoint).is_active
    assert not Notification.objects.filter(event="webhooks.endpoint_disabled").exists()


# --- Targets checked at delivery time --------------------------------------------------------


def test_a_target_subscribed_under_allowed_settings_is_refused_at_delivery(
    settings, local_targets, receiver, partner
) -> None:
    endpoint, _secret = endpoint_create(
        actor=partner.admin,
        organization=partner.organization,
        url=receiver.url(),
        events=["call.published"],
    )
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    delivery = _delivery(endpoint)

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    assert receiver.received() == []
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("insecure_scheme")


@pytest.mark.parametrize(
    ("host", "addresses", "code"),
    [
        ("127.0.0.1", None, "loopback"),
        ("localhost", None, "loopback"),
        ("hooks.example.test", ["127.0.0.1"], "loopback"),
        ("hooks.example.test", ["93.184.216.34", "10.1.2.3"], "private"),
        ("metadata.example.test", ["169.254.169.254"], "metadata"),
    ],
)
def test_loopback_and_private_targets_are_refused_under_production_settings(
    production_targets, fake_dns, receiver, partner, host, addresses, code
) -> None:
    if addresses is not None:
        fake_dns({host: addresses})
    delivery = _delivery(_endpoint(partner, receiver.url(host=host, scheme="https")))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
    assert receiver.received() == []
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.error.startswith(code)
    assert attempt.outcome == Outcome.TRANSIENT


def test_the_connection_goes_to_the_vetted_address_not_a_second_lookup(
    local_targets, fake_dns, receiver, partner
) -> None:
    # DNS rebinding: the name is looked up once per attempt (the vetting) and the connection
    # goes to the address vetted; a second look-up could have been answered differently.
    dns = fake_dns({"hooks.example.test": ["127.0.0.1"]})
    delivery = _delivery(_endpoint(partner, receiver.url(host="hooks.example.test")))

    assert delivery_run(delivery_id=delivery.pk) == JobStatus.DONE
    assert dns.lookups == {"hooks.example.test": 1}
    [request] = receiver.received()
    assert request.header("Host") == f"hooks.example.test:{receiver.port}"


def test_https_checks_the_certificate_of_the_name_while_connecting_to_the_address(
    settings, production_targets, fake_dns, partner, tmp_path, monkeypatch
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1; https is required
    tls = tls_material(tmp_path, "hooks.example.test")
    monkeypatch.setattr(engine, "ca_bundle", lambda: str(tls.ca_file))
    fake_dns({"hooks.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]})
    with running_receiver(tls_context=tls.server_context) as secure:
        good = _delivery(_endpoint(partner, secure.url(host="hooks.example.test", scheme="https")))
        assert delivery_run(delivery_id=good.pk) == JobStatus.DONE
        [request] = secure.received()
        assert request.header("Host") == f"hooks.example.test:{secure.port}"

        # The certificate names hooks.example.test: another name on the same address fails.
        wrong = _delivery(_endpoint(partner, secure.url(host="other.example.test", scheme="https")))
        assert delivery_run(delivery_id=wrong.pk) == JobStatus.PENDING
        assert len(secure.received()) == 1
    attempt = WebhookAttempt.objects.get(delivery=wrong)
    assert attempt.status_code is None
    assert "certificate" in attempt.error.lower() or "hostname" in attempt.error.lower()


def test_an_untrusted_certificate_is_refused(
    settings, production_targets, fake_dns, partner, tmp_path
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    tls = tls_material(tmp_path, "hooks.example.test")  # its CA is not in the bundle
    fake_dns({"hooks.example.test": ["127.0.0.1"]})
    with running_receiver(tls_context=tls.server_context) as secure:
        delivery = _delivery(
            _endpoint(partner, secure.url(host="hooks.example.test", scheme="https"))
        )
        assert delivery_run(delivery_id=delivery.pk) == JobStatus.PENDING
        assert secure.received() == []


# --- Rotation --------------------------------------------------------------------------------


def test_during_a_rotation_both_secrets_sign_and_each_verifies(
    settings, local_targets, receiver, partner
) -> None:
    endpoint = _endpoint(partner, receiver.url())
    old_secret = endpoint.secret
    new_secret = endpoint_rotate_secret(actor=partner.admin, endpoint=endpoint)

    delivery_run(delivery_id=_delivery(endpoint).pk)
    [request] = receiver.received()
    assert len(request.header("webhook-signature").split(" ")) == 2
    for secret in (old_secret, new_secret):
        signing.verify(secret, body=request.body, headers=request.headers)
        assert signing.verify_by_recipe(
            secret, body=request.body, headers=request.headers, now=datetime.now(UTC)
        )

    # After the overlap only the new secret signs.
    later = timezone.now() + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        delivery_run(delivery_id=_delivery(endpoint).pk)
    latest = receiver.received()[-1]
    assert len(latest.header("webhook-signature").split(" ")) == 1
    assert signing.verify_by_recipe(new_secret, body=latest.body, headers=latest.headers, now=later)
    assert not signing.verify_by_recipe(
        old_secret, body=latest.body, headers=latest.headers, now=later
    )


# --- Pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.org/x", "hooks.example.org"),
        ("https://hooks.example.org:8443/x", "hooks.example.org:8443"),
        ("http://hooks.example.org:80/x", "hooks.example.org"),
        ("http://[2001:db8::1]:8080/x", "[2001:db8::1]:8080"),
    ],
)
def test_host_header(url: str, expected: str) -> None:
    from notifications.webhooks.targets import parse_target

    assert engine.host_header(parse_target(url, allow_http=True)) == expected


def test_the_https_pool_connects_to_the_address_and_checks_the_name() -> None:
    from notifications.webhooks.targets import VettedTarget

    target = VettedTarget(
        url="https://hooks.example.org/x",
        scheme="https",
        host="hooks.example.org",
        port=443,
        path="/x",
        addresses=("203.0.113.9",),
    )
    pool = engine._pool(target, "203.0.113.9")
    assert pool.host == "203.0.113.9"
    assert pool.conn_kw["server_hostname"] == "hooks.example.org"
    assert pool.assert_hostname == "hooks.example.org"
    assert pool.cert_reqs == 2  # ssl.CERT_REQUIRED
    assert pool.ca_certs == engine.ca_bundle()
