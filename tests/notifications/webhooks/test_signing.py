"""Signing per the Standard Webhooks specification (notifications.webhooks.signing): pure.

Every signature is checked twice: with ``standardwebhooks.Webhook.verify`` (what a partner using
the library runs) and with the README's from-scratch recipe (what a partner without it runs).
"""

from __future__ import annotations

import base64
import json
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from notifications.webhooks import signing

BODY = json.dumps({"type": "call.published", "data": {"id": 42, "title": "Relaves ñandú"}})
MSG_ID = "msg_2b7f3c"


def _headers(secrets: list[str], *, at: datetime, body: str = BODY) -> dict[str, str]:
    return signing.webhook_headers(secrets, msg_id=MSG_ID, timestamp=at, body=body)


def _now() -> datetime:
    return datetime.now(UTC)


def test_known_answer_from_the_library_test_vector() -> None:
    signature = signing.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=datetime.fromtimestamp(1614265330, UTC),
        body='{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_generated_secrets_are_prefixed_random_and_long_enough() -> None:
    secrets = {signing.generate_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert len(base64.b64decode(signing.generate_secret(24).removeprefix("whsec_"))) == 24
    with pytest.raises(ValueError, match="24 to 64"):
        signing.generate_secret(16)


def test_message_ids_are_unique() -> None:
    ids = {signing.new_message_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(msg_id.startswith("msg_") for msg_id in ids)


def test_headers_verify_with_the_library_and_with_the_recipe() -> None:
    secret = signing.generate_secret()
    now = _now()
    headers = _headers([secret], at=now)

    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == MSG_ID
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(BODY.encode(), headers) == json.loads(BODY)
    signing.verify(secret, body=BODY.encode(), headers=headers)
    assert signing.verify_by_recipe(secret, body=BODY.encode(), headers=headers, now=now)


def test_recipe_and_library_agree_on_the_signature_bytes() -> None:
    secret = signing.generate_secret()
    at = datetime(2026, 3, 1, 12, 0, 7, 900000, tzinfo=UTC)
    signature = signing.sign(secret, msg_id=MSG_ID, timestamp=at, body=BODY)
    headers = {
        "Webhook-Id": MSG_ID,
        "Webhook-Timestamp": "1772366407",
        "Webhook-Signature": signature,
    }
    # Header names in any case; the timestamp rounded down to the second.
    assert signing.verify_by_recipe(secret, body=BODY.encode(), headers=headers, now=at)


def test_an_aware_local_time_is_converted_not_relabelled() -> None:
    secret = signing.generate_secret()
    lima = datetime(2026, 3, 1, 7, 0, tzinfo=zoneinfo.ZoneInfo("America/Lima"))
    utc = lima.astimezone(UTC)
    assert signing.timestamp_header(lima) == str(int(utc.timestamp()))
    assert signing.sign(secret, msg_id=MSG_ID, timestamp=lima, body=BODY) == signing.sign(
        secret, msg_id=MSG_ID, timestamp=utc, body=BODY
    )
    with pytest.raises(ValueError, match="aware"):
        signing.sign(secret, msg_id=MSG_ID, timestamp=datetime(2026, 3, 1), body=BODY)  # noqa: DTZ001


def test_bytes_and_text_bodies_sign_the_same() -> None:
    secret = signing.generate_secret()
    at = _now()
    as_text = signing.sign(secret, msg_id=MSG_ID, timestamp=at, body=BODY)
    as_bytes = signing.sign(secret, msg_id=MSG_ID, timestamp=at, body=BODY.encode())
    assert as_text == as_bytes


@pytest.mark.parametrize("verifier", ["library", "recipe"])
def test_rotation_verifies_with_either_secret(verifier: str) -> None:
    new, old = signing.generate_secret(), signing.generate_secret()
    now = _now()
    headers = _headers([new, old], at=now)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(signature.startswith("v1,") for signature in signatures)
    for secret in (new, old):
        if verifier == "library":
            signing.verify(secret, body=BODY, headers=headers)
        else:
            assert signing.verify_by_recipe(secret, body=BODY.encode(), headers=headers, now=now)
    stranger = signing.generate_secret()
    with pytest.raises(WebhookVerificationError):
        signing.verify(stranger, body=BODY, headers=headers)
    assert not signing.verify_by_recipe(stranger, body=BODY.encode(), headers=headers, now=now)


def test_a_secret_given_twice_signs_once() -> None:
    secret = signing.generate_secret()
    header = signing.signature_header([secret, secret], msg_id=MSG_ID, timestamp=_now(), body=BODY)
    assert " " not in header
    with pytest.raises(ValueError, match="at least one secret"):
        signing.signature_header([], msg_id=MSG_ID, timestamp=_now(), body=BODY)


def _tampered(headers: dict[str, str], what: str) -> tuple[bytes, dict[str, str]]:
    body = BODY.encode()
    headers = dict(headers)
    if what == "body":
        body = body.replace(b"42", b"43")
    elif what == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    elif what == "id":
        headers["webhook-id"] = "msg_other"
    elif what == "signature":
        headers["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    elif what == "version":
        headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v2,")
    elif what == "malformed":
        headers["webhook-signature"] = "garbage"
    elif what == "missing":
        del headers["webhook-signature"]
    return body, headers


@pytest.mark.parametrize(
    "what", ["body", "timestamp", "id", "signature", "version", "malformed", "missing"]
)
def test_tampering_fails_both_verifiers(what: str) -> None:
    secret = signing.generate_secret()
    now = _now()
    body, headers = _tampered(_headers([secret], at=now), what)
    with pytest.raises(WebhookVerificationError):
        signing.verify(secret, body=body, headers=headers)
    assert not signing.verify_by_recipe(secret, body=body, headers=headers, now=now)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_stale_or_future_timestamp_fails_both_verifiers(offset: timedelta) -> None:
    secret = signing.generate_secret()
    now = _now()
    headers = _headers([secret], at=now + offset)
    with pytest.raises(WebhookVerificationError, match="too"):
        signing.verify(secret, body=BODY, headers=headers)
    assert not signing.verify_by_recipe(secret, body=BODY.encode(), headers=headers, now=now)
    # Within the tolerance both accept it.
    near = _headers([secret], at=now + offset / 2)
    signing.verify(secret, body=BODY, headers=near)
    assert signing.verify_by_recipe(secret, body=BODY.encode(), headers=near, now=now)
