"""When to try a webhook again, what a response means, and when to give up on an endpoint.

Pure functions over numbers and times; the delivery task records the results.

**Schedule.** The Standard Webhooks specification's: the first attempt at once, then after 5
seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours (each counted from the
previous attempt): eight attempts over about 27 hours, long enough to ride out a partner's bad
night or a weekend deploy gone wrong, short enough that a message is not days late. After the
eighth failure the message is failed for good; a person can still redeliver it.

**Retry-After.** A receiver that answers ``429`` or ``503`` may say when to come back, in seconds
or as an HTTP date. The portal honours it, but never retries *sooner* than the schedule (a
receiver cannot make the portal hammer it) and never waits longer than :data:`RETRY_AFTER_CAP`
(a receiver cannot park a message forever with ``Retry-After: 99999999``).

**What a response means** (:func:`classify`): any ``2xx`` is delivered. ``410 Gone`` is the
receiver saying the endpoint no longer exists: the endpoint is disabled at once and nothing is
retried. ``429``, ``5xx`` and no response at all (timeout, refused connection, TLS error) are
transient. Other ``4xx`` are retried too, as the specification says (a receiver misconfigured for
an hour answers 401 or 404 and is fixed later), and are failures like the rest. ``3xx`` is a
failure as well: **redirects are never followed**, since a redirect could point the portal's
server at an address the target check refused; the partner must register the final URL.

**Disabling** (:func:`should_disable`): every outcome but delivered extends the endpoint's failure
streak, which only a delivery ends. An endpoint is disabled, and its partner emailed, when the
streak has lasted :data:`DISABLE_AFTER` (days, not one bad hour) with no success since it began.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

#: The delay before each attempt, attempt 1 first (the specification's schedule).
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE)
#: The longest wait a ``Retry-After`` header can ask for.
RETRY_AFTER_CAP = timedelta(hours=24)
#: How long an endpoint may fail without a single success before it is disabled.
DISABLE_AFTER = timedelta(days=5)


class Outcome(enum.StrEnum):
    """What one delivery attempt's response means."""

    DELIVERED = "delivered"
    #: 429, 5xx, or no response (timeout, connection or TLS error): the receiver's bad moment.
    TRANSIENT = "transient"
    #: Any other 4xx: the receiver refused the message; retried per the specification.
    REJECTED = "rejected"
    #: 3xx: never followed; retried, the partner must register the final URL.
    REDIRECTED = "redirected"
    #: 410 Gone: the endpoint is disabled at once.
    GONE = "gone"

    @property
    def delivered(self) -> bool:
        return self is Outcome.DELIVERED

    @property
    def retried(self) -> bool:
        """Whether the message is tried again (while attempts remain)."""
        return self in (Outcome.TRANSIENT, Outcome.REJECTED, Outcome.REDIRECTED)

    @property
    def disables_endpoint(self) -> bool:
        """Whether the endpoint is disabled at once, whatever its history."""
        return self is Outcome.GONE


def classify(status_code: int | None) -> Outcome:
    """The outcome of a response's status code; ``None`` when there was no response at all."""
    if status_code is None:
        return Outcome.TRANSIENT
    if 200 <= status_code <= 299:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.GONE
    if 300 <= status_code <= 399:
        return Outcome.REDIRECTED
    if status_code == 429 or 500 <= status_code <= 599:
        return Outcome.TRANSIENT
    # Other 4xx, and nonsense (1xx as a final answer, 6xx…): refused by the receiver.
    return Outcome.REJECTED


def parse_retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """A ``Retry-After`` header as a wait from ``now``: None when absent or unreadable.

    RFC 9110 allows whole seconds (``120``) or an HTTP date (``Wed, 21 Oct 2026 07:28:00 GMT``);
    a date in the past means "now". The result is capped at :data:`RETRY_AFTER_CAP`.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        # Capped before building the timedelta: a huge number would overflow it.
        return timedelta(seconds=min(int(value), int(RETRY_AFTER_CAP.total_seconds())))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC without saying where the sender is
        when = when.replace(tzinfo=UTC)
    return min(max(when - now, timedelta(0)), RETRY_AFTER_CAP)


def retry_delay(
    attempt: int, *, now: datetime, retry_after_header: str | None = None
) -> timedelta | None:
    """How long to wait after failed attempt number ``attempt`` (1-based); None: give up.

    The schedule's delay, or the receiver's ``Retry-After`` when that is longer (capped).
    """
    if attempt < 1:
        raise ValueError("attempts are numbered from 1")
    if attempt >= MAX_ATTEMPTS:
        return None
    scheduled = RETRY_SCHEDULE[attempt]
    asked = parse_retry_after(retry_after_header, now=now)
    return scheduled if asked is None else max(scheduled, asked)


def next_attempt(
    attempt: int, now: datetime, retry_after_header: str | None = None
) -> datetime | None:
    """When to make the attempt after failed attempt ``attempt``; None when none is left."""
    delay = retry_delay(attempt, now=now, retry_after_header=retry_after_header)
    return None if delay is None else now + delay


def should_disable(
    *,
    first_failure_at: datetime | None,
    last_success_at: datetime | None,
    now: datetime,
    after: timedelta = DISABLE_AFTER,
) -> bool:
    """Whether an endpoint has failed continuously for ``after`` with no success since.

    ``first_failure_at`` is the start of the current failure streak (cleared by a delivery);
    ``last_success_at`` the last delivery, if any. A success at or after the streak's start means
    the streak is over, whatever a stale ``first_failure_at`` says.
    """
    if first_failure_at is None:
        return False
    if last_success_at is not None and last_success_at >= first_failure_at:
        return False
    return now - first_failure_at >= after
