"""The verification recipe printed in the README verifies what the portal signs, and nothing else.

The code block is read from README.md and run as it is, so the documentation cannot drift from
the signing code.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.webhooks.signing import generate_secret, new_message_id, webhook_headers

README = Path(__file__).resolve().parents[3] / "README.md"
BLOCK = re.compile(r"```python\n# webhook-verification-recipe\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def verify_cmsp_webhook():
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "the README lost its webhook verification recipe"
    namespace: dict = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    return namespace["verify_cmsp_webhook"]


def _signed(secrets, *, body: bytes, at=None):
    return webhook_headers(
        secrets, msg_id=new_message_id(), timestamp=at or timezone.now(), body=body
    )


BODY = json.dumps(
    {"type": "call.published", "timestamp": "2026-12-01T15:00:00Z", "data": {"id": 1}},
    separators=(",", ":"),
    ensure_ascii=False,
).encode()


def test_the_recipe_accepts_what_the_portal_signs(verify_cmsp_webhook) -> None:
    secret = generate_secret()
    assert verify_cmsp_webhook(secret, BODY, _signed([secret], body=BODY))


def test_the_recipe_accepts_either_secret_during_a_rotation(verify_cmsp_webhook) -> None:
    new, old = generate_secret(), generate_secret()
    headers = _signed([new, old], body=BODY)
    assert verify_cmsp_webhook(new, BODY, headers)
    assert verify_cmsp_webhook(old, BODY, headers)
    assert not verify_cmsp_webhook(generate_secret(), BODY, headers)


def test_the_recipe_refuses_a_changed_body_an_old_timestamp_and_another_secret(
    verify_cmsp_webhook,
) -> None:
    secret = generate_secret()
    headers = _signed([secret], body=BODY)
    assert not verify_cmsp_webhook(secret, BODY.replace(b'"id":1', b'"id":2'), headers)
    assert not verify_cmsp_webhook(generate_secret(), BODY, headers)
    stale = _signed([secret], body=BODY, at=timezone.now() - timedelta(minutes=6))
    assert not verify_cmsp_webhook(secret, BODY, stale)
    assert not verify_cmsp_webhook(secret, BODY, {**headers, "webhook-signature": "v1,AAAA"})
    assert not verify_cmsp_webhook(secret, BODY, {})


@pytest.mark.django_db
def test_a_real_delivery_verifies_with_the_readme_recipe(
    verify_cmsp_webhook, local_targets, receiver, partner
) -> None:
    """End to end: an event emitted by the portal, posted by the delivery engine to a local
    receiver, verifies with the README's code and with the ``standardwebhooks`` verifier."""
    from notifications.services.webhooks import webhook_emit
    from notifications.webhooks.delivery import delivery_run
    from notifications.webhooks.signing import verify
    from tests.notifications.webhooks.factories import WebhookEndpointFactory

    endpoint = WebhookEndpointFactory(
        organization=partner.organization, url=receiver.url(), events=["call.published"]
    )
    message = webhook_emit(
        event="call.published",
        data={
            "id": 7,
            "title": "Agua ácida: tratamiento pasivo",
            "closes_at": "2027-01-31T04:59:00Z",
            "api_url": "https://portal.example/api/v1/calls/7/",
            "portal_url": "https://portal.example/challenges/calls/7/",
        },
    )
    assert message is not None
    delivery = message.deliveries.get()
    delivery_run(delivery_id=delivery.pk)  # (eager Celery may already have posted it: once)
    [request] = receiver.received()
    headers = dict(request.headers)
    assert verify_cmsp_webhook(endpoint.secret, request.body, headers)
    verify(endpoint.secret, body=request.body, headers=headers)  # raises if it does not verify
    assert not verify_cmsp_webhook(generate_secret(), request.body, headers)
