"""Signing webhook messages per the Standard Webhooks specification: pure functions.

**What is signed.** A message has an id (``webhook-id``: unique per message and *the same on
every retry and redelivery*, so the partner can drop duplicates), a timestamp
(``webhook-timestamp``: integer seconds since the Unix epoch, UTC) and a body (the exact bytes
sent, UTF-8 JSON). The signature is ``v1,`` followed by the base64 of
``HMAC-SHA256(key, "{id}.{timestamp}.{body}")``, where ``key`` is the base64-decoded part of the
secret after ``whsec_``. The ``standardwebhooks`` package computes it (:func:`sign`); the
from-scratch recipe (:func:`verify_by_recipe`) is what the README tells partners, and the tests
prove the two agree.

**Sign at each attempt, not once per event.** Receivers refuse a timestamp more than a few
minutes away from their clock (the library's verifier: 5 minutes) to stop replays, so a retry
sent hours later carries a fresh timestamp and a fresh signature, with the same id.

**Rotation.** While a secret is being replaced, a message is signed with the new and the old
secret, and ``webhook-signature`` carries both signatures separated by a space
(:func:`signature_header`). A partner that still verifies with the old secret accepts it, and so
does one that already switched; after the overlap only the new secret signs.

**Time zones.** ``standardwebhooks.Webhook.sign`` *replaces* the timestamp's time zone with UTC
instead of converting it, so an aware time in Lima (UTC-5) would be signed five hours off. Every
function here converts to UTC first and refuses naive datetimes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from math import floor

from standardwebhooks import Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
#: The specification asks for 24 to 64 random bytes; 32, the size of an HMAC-SHA256 digest, is
#: the common choice.
SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
#: How far a timestamp may be from the verifier's clock (the library's fixed tolerance).
TIMESTAMP_TOLERANCE = timedelta(minutes=5)

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"

__all__ = [
    "HEADER_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "WebhookVerificationError",
    "generate_secret",
    "new_message_id",
    "sign",
    "signature_header",
    "timestamp_header",
    "verify",
    "verify_by_recipe",
    "webhook_headers",
]


def generate_secret(nbytes: int = SECRET_BYTES) -> str:
    """A new signing secret: ``whsec_`` + base64 of ``nbytes`` (24 to 64) random bytes.

    Shown to the partner once; the caller stores it (it must be able to sign, so it cannot be
    hashed like a password).
    """
    if not 24 <= nbytes <= 64:
        raise ValueError("a webhook secret has 24 to 64 random bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def new_message_id() -> str:
    """A unique message id (``msg_`` + 32 hex digits), kept for every retry of the message."""
    return f"msg_{uuid.uuid4().hex}"


def _utc(timestamp: datetime) -> datetime:
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("webhook timestamps must be aware datetimes")
    return timestamp.astimezone(UTC)


def _text(body: str | bytes) -> str:
    # The library signs a str (encoded as UTF-8); the bytes sent must be exactly its encoding.
    return body.decode("utf-8") if isinstance(body, bytes) else body


def timestamp_header(timestamp: datetime) -> str:
    """The ``webhook-timestamp`` value: whole seconds since the epoch (the library's rounding)."""
    return str(floor(_utc(timestamp).timestamp()))


def sign(secret: str, *, msg_id: str, timestamp: datetime, body: str | bytes) -> str:
    """``v1,<base64 signature>`` of one message with one secret, by ``standardwebhooks``."""
    return Webhook(secret).sign(msg_id, _utc(timestamp), _text(body))


def signature_header(
    secrets_in_use: Sequence[str], *, msg_id: str, timestamp: datetime, body: str | bytes
) -> str:
    """The ``webhook-signature`` value: one signature per secret, space-separated.

    ``secrets_in_use`` is the current secret first, then (during a rotation overlap) the
    previous one. A secret given twice signs once.
    """
    unique = list(dict.fromkeys(secrets_in_use))
    if not unique:
        raise ValueError("at least one secret is needed to sign")
    return " ".join(
        sign(secret, msg_id=msg_id, timestamp=timestamp, body=body) for secret in unique
    )


def webhook_headers(
    secrets_in_use: Sequence[str], *, msg_id: str, timestamp: datetime, body: str | bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (``timestamp``: the attempt's time)."""
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: timestamp_header(timestamp),
        HEADER_SIGNATURE: signature_header(
            secrets_in_use, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }


def verify(secret: str, *, body: str | bytes, headers: Mapping[str, str]) -> None:
    """Verify a message as a partner using ``standardwebhooks`` would; raise if it fails.

    The library checks the timestamp against the real clock (within 5 minutes) and any of the
    space-separated ``v1`` signatures. A malformed signature header raises
    :class:`~standardwebhooks.WebhookVerificationError` too (the library would leak a
    ``ValueError`` or ``binascii.Error``).
    """
    try:
        Webhook(secret).verify(_text(body), dict(headers), json_parse=False)
    except (ValueError, binascii.Error) as exc:  # a signature without "," or bad base64
        raise WebhookVerificationError("Malformed signature header") from exc


def verify_by_recipe(
    secret: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    tolerance: timedelta = TIMESTAMP_TOLERANCE,
) -> bool:
    """The verification recipe for partners, with nothing but ``hmac``, ``hashlib`` and ``base64``.

    1. Take ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (header names are
       case-insensitive); refuse a timestamp more than ``tolerance`` from now.
    2. Key: base64-decode the secret after the ``whsec_`` prefix.
    3. Signed content: ``id + "." + timestamp + "." + body``, the body as the raw bytes received
       (never re-serialised JSON).
    4. Expected: base64 of HMAC-SHA256(key, signed content).
    5. Accept if any space-separated ``v1,<signature>`` in the header equals it, compared in
       constant time.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get(HEADER_ID, "")
    timestamp = lowered.get(HEADER_TIMESTAMP, "")
    signatures = lowered.get(HEADER_SIGNATURE, "")
    if not (msg_id and timestamp.isdigit() and signatures):
        return False
    sent_at = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(_utc(now) - sent_at) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        # Compared as bytes: compare_digest refuses non-ASCII str, and a header may hold any.
        if version == SIGNATURE_VERSION and hmac.compare_digest(signature.encode(), expected):
            return True
    return False
