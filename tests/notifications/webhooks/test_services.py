"""Managing webhook endpoints (notifications.services.webhooks): create, update, rotate, disable,
enable, delete, send a test event, redeliver one delivery or a time range."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cluster_portal.core.jobs import JobStatus
from members.models import OrganizationMember
from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from notifications.services import webhooks as services
from notifications.webhooks import signing
from notifications.webhooks.delivery import delivery_run
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory

from .factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    WebhookMessageFactory,
    partner_for,
)

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/cmsp"


@pytest.fixture(autouse=True)
def _public_dns(fake_dns) -> None:
    """The example names resolve to public documentation addresses (no real DNS in tests)."""
    fake_dns(
        {
            "hooks.example.org": ["93.184.216.34"],
            "new.example.org": ["93.184.216.35"],
            "intranet.example.org": ["10.0.0.7"],
        }
    )


def _decisions(action: str) -> int:
    return LogEntry.objects.filter(additional_data__decision=action).count()


def _create(partner, **kwargs):
    arguments = {
        "actor": partner.admin,
        "organization": partner.organization,
        "url": URL,
        "events": ["call.published", "call.closed"],
        **kwargs,
    }
    return services.endpoint_create(**arguments)


# --- Create ----------------------------------------------------------------------------------


def test_create_returns_the_secret_once_and_audits(partner) -> None:
    endpoint, secret = _create(partner, description="  ERP  ")

    assert secret.startswith("whsec_")
    assert endpoint.secret == secret
    assert endpoint.events == ["call.published", "call.closed"]
    assert endpoint.description == "ERP"
    assert endpoint.created_by == partner.admin
    assert endpoint.is_active
    assert _decisions("webhook_endpoint.create") == 1
    entry = LogEntry.objects.get(additional_data__decision="webhook_endpoint.create")
    assert secret not in str(entry.changes)


def test_a_partner_client_creates_for_its_own_organization(partner) -> None:
    endpoint, _secret = _create(partner, actor=None, client=partner.client)

    assert endpoint.client == partner.client
    assert endpoint.created_by is None
    entry = LogEntry.objects.get(additional_data__decision="webhook_endpoint.create")
    assert partner.client.name in entry.additional_data["reason"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.org/x", "insecure_scheme"),
        ("https://user:pw@hooks.example.org/x", "userinfo"),
        ("https://intranet.example.org/x", "private"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://169.254.169.254/latest", "metadata"),
        ("ftp://hooks.example.org/x", "scheme"),
        ("", "required"),
    ],
)
def test_a_refused_target_is_a_url_error_and_nothing_is_created(
    production_like, partner, url, code
) -> None:
    with pytest.raises(ValidationError) as error:
        _create(partner, url=url)

    assert "url" in error.value.message_dict
    assert error.value.error_dict["url"][0].code == code
    assert not WebhookEndpoint.objects.exists()


@pytest.fixture
def production_like(settings) -> None:
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    ("events", "code"),
    [
        ([], "required"),
        (["call.published", "call.published"], "duplicate"),
        (["call.exploded"], "invalid_choice"),
        (["webhook.test"], "invalid_choice"),
        ("call.published", "invalid"),
        (None, "invalid"),
    ],
)
def test_events_are_checked_against_the_catalogue(partner, events, code) -> None:
    with pytest.raises(ValidationError) as error:
        _create(partner, events=events)

    assert error.value.error_dict["events"][0].code == code
    assert not WebhookEndpoint.objects.exists()


def test_every_field_error_is_reported_at_once(production_like, partner) -> None:
    with pytest.raises(ValidationError) as error:
        _create(partner, url="http://hooks.example.org/x", events=[])

    assert set(error.value.message_dict) == {"url", "events"}


def test_an_organization_has_at_most_ten_endpoints(partner) -> None:
    WebhookEndpointFactory.create_batch(
        services.MAX_ENDPOINTS_PER_ORGANIZATION, organization=partner.organization
    )

    with pytest.raises(ValidationError) as error:
        _create(partner)
    assert error.value.code == "too_many"
    assert (
        WebhookEndpoint.objects.filter(organization=partner.organization).count()
        == services.MAX_ENDPOINTS_PER_ORGANIZATION
    )


def test_who_may_create(partner) -> None:
    member = OrganizationMemberFactory(organization=partner.organization).user
    outsider_admin = OrganizationMemberFactory(role=OrganizationMember.Role.ADMIN).user
    staff = UserFactory(is_staff=True)
    other_client = partner_for(OrganizationMemberFactory().organization)
    inactive_client = PartnerClientFactory(organization=partner.organization, is_active=False)

    for actor, client in (
        (member, None),
        (outsider_admin, None),
        (staff, None),
        (None, None),
        (None, other_client),
        (None, inactive_client),
    ):
        with pytest.raises(PermissionDenied):
            _create(partner, actor=actor, client=client)
    assert not WebhookEndpoint.objects.exists()


def test_an_organization_without_api_access_has_no_webhooks(partner) -> None:
    partner.client.is_active = False
    partner.client.save()

    with pytest.raises(PermissionDenied):
        _create(partner)


# --- Update, rotate, disable, enable, delete -------------------------------------------------


def test_update_vets_the_new_url_and_audits_the_changes(production_like, partner) -> None:
    endpoint, _secret = _create(partner)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())

    with pytest.raises(ValidationError) as error:
        services.endpoint_update(
            actor=partner.admin, endpoint=endpoint, data={"url": "https://intranet.example.org/"}
        )
    assert error.value.error_dict["url"][0].code == "private"
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).url == URL

    endpoint = services.endpoint_update(
        actor=partner.admin,
        endpoint=endpoint,
        data={"url": "https://new.example.org/in", "events": ["mission.published"]},
    )
    endpoint.refresh_from_db()
    assert endpoint.url == "https://new.example.org/in"
    assert endpoint.events == ["mission.published"]
    assert endpoint.failing_since is None  # the streak was the old target's
    entry = LogEntry.objects.get(additional_data__decision="webhook_endpoint.update")
    assert entry.changes_dict["url"] == [URL, "https://new.example.org/in"]


def test_update_without_changes_writes_nothing(partner) -> None:
    endpoint, _secret = _create(partner)
    services.endpoint_update(actor=partner.admin, endpoint=endpoint, data={"url": URL})
    assert _decisions("webhook_endpoint.update") == 0


def test_update_refuses_unknown_fields(partner) -> None:
    endpoint, _secret = _create(partner)
    with pytest.raises(ValueError, match="secret"):
        services.endpoint_update(actor=partner.admin, endpoint=endpoint, data={"secret": "x"})


def test_rotation_keeps_the_previous_secret_for_the_overlap(settings, partner) -> None:
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    endpoint, first = _create(partner)

    second = services.endpoint_rotate_secret(actor=partner.admin, endpoint=endpoint)

    endpoint.refresh_from_db()
    assert second != first
    assert (endpoint.secret, endpoint.previous_secret) == (second, first)
    expected = timezone.now() + timedelta(hours=24)
    assert abs(endpoint.previous_secret_expires_at - expected) < timedelta(seconds=30)
    assert endpoint.signing_secrets() == [second, first]
    assert endpoint.signing_secrets(now=expected + timedelta(minutes=1)) == [second]
    entry = LogEntry.objects.get(additional_data__decision="webhook_endpoint.rotate_secret")
    assert first not in str(entry.changes)
    assert second not in str(entry.changes)

    # A second rotation within the overlap: at most two secrets sign.
    third = services.endpoint_rotate_secret(actor=partner.admin, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.signing_secrets() == [third, second]


def test_disable_cancels_pending_deliveries_and_enable_starts_afresh(partner) -> None:
    endpoint, _secret = _create(partner)
    pending = WebhookDeliveryFactory(endpoint=endpoint)
    done = WebhookDeliveryFactory(endpoint=endpoint, status=JobStatus.DONE)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())

    services.endpoint_disable(actor=partner.admin, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.MANUAL
    pending.refresh_from_db()
    done.refresh_from_db()
    assert (pending.status, done.status) == (JobStatus.CANCELLED, JobStatus.DONE)
    # Again: nothing changes, nothing audited twice.
    services.endpoint_disable(actor=partner.admin, endpoint=endpoint)
    assert _decisions("webhook_endpoint.disable") == 1

    services.endpoint_enable(actor=partner.admin, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert (endpoint.disabled_reason, endpoint.disabled_at, endpoint.failing_since) == (
        "",
        None,
        None,
    )
    assert _decisions("webhook_endpoint.enable") == 1


def test_enable_vets_the_url_again(settings, partner) -> None:
    endpoint, _secret = _create(partner)
    services.endpoint_disable(actor=partner.admin, endpoint=endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://intranet.example.org/")
    endpoint.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.endpoint_enable(actor=partner.admin, endpoint=endpoint)
    assert "url" in error.value.message_dict
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_delete_removes_the_endpoint_and_its_log_and_audits(partner) -> None:
    endpoint, _secret = _create(partner)
    WebhookDeliveryFactory(endpoint=endpoint)

    services.endpoint_delete(actor=partner.admin, endpoint=endpoint)

    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert _decisions("webhook_endpoint.delete") == 1


def test_managing_another_organizations_endpoint_is_refused(partner) -> None:
    other = WebhookEndpointFactory()
    partner_for(other.organization)
    for call in (
        lambda: services.endpoint_update(
            actor=partner.admin, endpoint=other, data={"description": "x"}
        ),
        lambda: services.endpoint_rotate_secret(actor=partner.admin, endpoint=other),
        lambda: services.endpoint_disable(actor=partner.admin, endpoint=other),
        lambda: services.endpoint_delete(actor=None, endpoint=other, client=partner.client),
        lambda: services.endpoint_send_test(actor=partner.admin, endpoint=other),
    ):
        with pytest.raises(PermissionDenied):
            call()
    other.refresh_from_db()
    assert other.is_active
    assert other.description == "ERP integration"


# --- Test events and redelivery --------------------------------------------------------------


def test_send_test_posts_a_test_event_to_that_endpoint_only(
    settings, partner, receiver, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint, secret = _create(partner, url=receiver.url(), events=["mission.published"])
    _create(partner, url=receiver.url("/other"))

    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(actor=partner.admin, endpoint=endpoint)

    message = delivery.message
    assert message.event_type == "webhook.test"
    assert message.test_for == partner.organization
    assert message.payload["data"] == {
        "message": services.TEST_EVENT_MESSAGE,
        "endpoint_id": endpoint.pk,
    }
    assert delivery.requested_by == partner.admin
    delivery.refresh_from_db()
    assert delivery.status == JobStatus.DONE  # posted after commit (eager Celery in tests)
    [request] = receiver.received()
    assert request.path == "/hook"
    signing.verify(secret, body=request.body, headers=request.headers)


def test_no_test_event_for_a_disabled_endpoint(partner) -> None:
    endpoint, _secret = _create(partner)
    services.endpoint_disable(actor=partner.admin, endpoint=endpoint)

    with pytest.raises(ValidationError) as error:
        services.endpoint_send_test(actor=partner.admin, endpoint=endpoint)
    assert error.value.code == "inactive"
    assert not WebhookMessage.objects.exists()


def test_redeliver_one_delivery_sends_the_same_message_again(
    settings, partner, receiver, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint, _secret = _create(partner, url=receiver.url())
    original = WebhookDeliveryFactory(endpoint=endpoint)
    delivery_run(delivery_id=original.pk)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_redeliver(actor=partner.admin, delivery=original)

    assert again.pk != original.pk
    assert (again.redelivery_of, again.requested_by) == (original, partner.admin)
    again.refresh_from_db()
    assert again.status == JobStatus.DONE
    first, second = receiver.received()
    assert first.header("webhook-id") == second.header("webhook-id") == original.message.msg_id
    assert first.body == second.body
    assert _decisions("webhook_delivery.redeliver") == 1


def test_redeliver_refuses_a_delivery_still_under_way_and_a_disabled_endpoint(partner) -> None:
    endpoint, _secret = _create(partner)
    waiting = WebhookDeliveryFactory(endpoint=endpoint)
    with pytest.raises(ValidationError) as error:
        services.delivery_redeliver(actor=partner.admin, delivery=waiting)
    assert error.value.code == "invalid_transition"

    failed = WebhookDeliveryFactory(endpoint=endpoint, status=JobStatus.FAILED)
    services.endpoint_disable(actor=partner.admin, endpoint=endpoint)
    with pytest.raises(ValidationError):
        services.delivery_redeliver(actor=partner.admin, delivery=failed)
    assert WebhookDelivery.objects.count() == 2


def _at(endpoint, hours_ago: float, status: str, message=None) -> WebhookDelivery:
    return WebhookDeliveryFactory(
        endpoint=endpoint,
        status=status,
        message=message or WebhookMessageFactory(),
        created_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_redeliver_a_range_of_messages_not_delivered(partner) -> None:
    endpoint, _secret = _create(partner)
    failed = _at(endpoint, 5, JobStatus.FAILED)
    cancelled = _at(endpoint, 4, JobStatus.CANCELLED)
    _at(endpoint, 3, JobStatus.DONE)
    recovered = _at(endpoint, 3, JobStatus.FAILED)
    _at(endpoint, 1, JobStatus.DONE, message=recovered.message)  # delivered by a redelivery
    _at(endpoint, 2, JobStatus.PENDING)  # still on its way
    _at(endpoint, 30, JobStatus.FAILED)  # before the range
    _at(WebhookEndpointFactory(organization=partner.organization), 3, JobStatus.FAILED)
    now = timezone.now()

    count = services.endpoint_redeliver_range(
        actor=partner.admin, endpoint=endpoint, since=now - timedelta(hours=10), until=now
    )

    assert count == 2
    new = WebhookDelivery.objects.filter(redelivery_of__isnull=False)
    assert {(d.message_id, d.redelivery_of_id) for d in new} == {
        (failed.message_id, failed.pk),
        (cancelled.message_id, cancelled.pk),
    }
    assert all(d.status == JobStatus.PENDING and d.requested_by == partner.admin for d in new)
    assert _decisions("webhook_endpoint.redeliver_range") == 1


def test_redeliver_a_range_of_every_message(partner) -> None:
    endpoint, _secret = _create(partner)
    message = WebhookMessageFactory()
    _at(endpoint, 5, JobStatus.FAILED, message=message)
    latest = _at(endpoint, 4, JobStatus.DONE, message=message)
    _at(endpoint, 3, JobStatus.DONE)
    now = timezone.now()

    count = services.endpoint_redeliver_range(
        actor=partner.admin,
        endpoint=endpoint,
        since=now - timedelta(hours=10),
        until=now,
        failed_only=False,
    )

    assert count == 2  # one new delivery per message
    assert WebhookDelivery.objects.filter(redelivery_of=latest).count() == 1


def test_a_range_over_the_cap_is_refused_and_nothing_is_queued(monkeypatch, partner) -> None:
    monkeypatch.setattr(services, "REDELIVER_RANGE_CAP", 2)
    endpoint, _secret = _create(partner)
    for hours in (1, 2, 3):
        _at(endpoint, hours, JobStatus.FAILED)
    now = timezone.now()

    with pytest.raises(ValidationError) as error:
        services.endpoint_redeliver_range(
            actor=partner.admin, endpoint=endpoint, since=now - timedelta(hours=5), until=now
        )
    assert error.value.code == "too_many"
    assert WebhookDelivery.objects.count() == 3


def test_a_range_must_be_aware_and_in_order(partner) -> None:
    endpoint, _secret = _create(partner)
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.endpoint_redeliver_range(
            actor=partner.admin, endpoint=endpoint, since=now, until=now - timedelta(hours=1)
        )
    assert "until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.endpoint_redeliver_range(
            actor=partner.admin,
            endpoint=endpoint,
            since=now.replace(tzinfo=None),
            until="tomorrow",
        )
    assert set(error.value.message_dict) == {"since", "until"}
