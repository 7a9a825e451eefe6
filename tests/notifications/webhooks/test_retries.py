"""Retry schedule, Retry-After, outcomes and the disable rule (notifications.webhooks.retries)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifications.webhooks.retries import (
    DISABLE_AFTER,
    MAX_ATTEMPTS,
    RETRY_AFTER_CAP,
    RETRY_SCHEDULE,
    Outcome,
    classify,
    next_attempt,
    parse_retry_after,
    retry_delay,
    should_disable,
)

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
S, M, H = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)


def test_the_schedule_is_the_specifications() -> None:
    assert RETRY_SCHEDULE == (0 * S, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H)
    assert MAX_ATTEMPTS == 8
    # About a day from the first attempt to the last.
    assert sum(RETRY_SCHEDULE, timedelta()) == timedelta(hours=27, minutes=35, seconds=5)


@pytest.mark.parametrize(
    ("failed_attempt", "delay"),
    [(1, 5 * S), (2, 5 * M), (3, 30 * M), (4, 2 * H), (5, 5 * H), (6, 10 * H), (7, 10 * H)],
)
def test_each_failure_waits_the_next_step(failed_attempt: int, delay: timedelta) -> None:
    assert retry_delay(failed_attempt, now=NOW) == delay
    assert next_attempt(failed_attempt, NOW) == NOW + delay


def test_after_the_eighth_attempt_there_is_no_other() -> None:
    assert next_attempt(8, NOW) is None
    assert next_attempt(9, NOW, "10") is None
    with pytest.raises(ValueError, match="from 1"):
        next_attempt(0, NOW)


def test_a_whole_failed_run_takes_about_a_day() -> None:
    at, attempt, times = NOW, 1, [NOW]
    while (following := next_attempt(attempt, at)) is not None:
        at, attempt = following, attempt + 1
        times.append(at)
    assert len(times) == MAX_ATTEMPTS
    assert timedelta(hours=24) <= times[-1] - NOW <= timedelta(hours=28)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("120", 120 * S),
        (" 120 ", 120 * S),
        ("0", timedelta(0)),
        ("99999999999999999999999", RETRY_AFTER_CAP),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits are not HTTP seconds
        ("Mon, 04 May 2026 10:30:00 GMT", 1 * H),
        ("Mon, 04 May 2026 09:00:00 GMT", timedelta(0)),  # in the past: now
        ("Mon, 04 May 2026 10:30:00 -0000", 1 * H),
        ("Mon, 04 May 2026 05:30:00 -0500", 1 * H),
        ("Fri, 08 May 2026 09:30:00 GMT", RETRY_AFTER_CAP),
        ("Mon, 32 May 2026 10:30:00 GMT", None),
    ],
)
def test_retry_after_in_seconds_or_http_date(
    header: str | None, expected: timedelta | None
) -> None:
    assert parse_retry_after(header, now=NOW) == expected


@pytest.mark.parametrize(
    ("failed_attempt", "header", "delay"),
    [
        (1, "60", 60 * S),  # longer than the schedule's 5 s: honoured
        (3, "60", 30 * M),  # shorter than the schedule's 30 min: the schedule wins
        (2, "Mon, 04 May 2026 12:30:00 GMT", 3 * H),
        (6, "86400", 24 * H),
        (6, "604800", RETRY_AFTER_CAP),  # a week asked: capped at a day
        (4, "later please", 2 * H),  # unreadable: the schedule
    ],
)
def test_retry_after_is_honoured_within_bounds(
    failed_attempt: int, header: str, delay: timedelta
) -> None:
    assert next_attempt(failed_attempt, NOW, header) == NOW + delay


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (201, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (410, Outcome.GONE),
        (429, Outcome.TRANSIENT),
        (500, Outcome.TRANSIENT),
        (502, Outcome.TRANSIENT),
        (503, Outcome.TRANSIENT),
        (599, Outcome.TRANSIENT),
        (None, Outcome.TRANSIENT),
        (400, Outcome.REJECTED),
        (401, Outcome.REJECTED),
        (404, Outcome.REJECTED),
        (413, Outcome.REJECTED),
        (100, Outcome.REJECTED),
        (600, Outcome.REJECTED),
        (301, Outcome.REDIRECTED),
        (302, Outcome.REDIRECTED),
        (307, Outcome.REDIRECTED),
        (308, Outcome.REDIRECTED),
        (304, Outcome.REDIRECTED),
    ],
)
def test_outcome_of_a_status(status: int | None, outcome: Outcome) -> None:
    assert classify(status) is outcome


def test_what_each_outcome_implies() -> None:
    table = {
        outcome: (outcome.delivered, outcome.retried, outcome.disables_endpoint)
        for outcome in Outcome
    }
    assert table == {
        Outcome.DELIVERED: (True, False, False),
        Outcome.TRANSIENT: (False, True, False),
        Outcome.REJECTED: (False, True, False),
        Outcome.REDIRECTED: (False, True, False),
        Outcome.GONE: (False, False, True),
    }


@pytest.mark.parametrize(
    ("first_failure_at", "last_success_at", "disabled"),
    [
        (None, None, False),  # never failed
        (None, NOW - 30 * 24 * H, False),
        (NOW - 1 * H, None, False),  # one bad hour
        (NOW - 4 * 24 * H, None, False),
        (NOW - 5 * 24 * H + S, NOW - 9 * 24 * H, False),  # just under five days
        (NOW - 5 * 24 * H, None, True),  # five days, never a success
        (NOW - 5 * 24 * H, NOW - 9 * 24 * H, True),  # five days since the last success
        (NOW - 6 * 24 * H, NOW - 1 * H, False),  # a success since: the streak is over
        (NOW - 6 * 24 * H, NOW - 6 * 24 * H, False),  # success at the streak's start
    ],
)
def test_disable_after_days_of_failure_without_success(
    first_failure_at: datetime | None, last_success_at: datetime | None, disabled: bool
) -> None:
    assert DISABLE_AFTER.days == 5
    assert (
        should_disable(first_failure_at=first_failure_at, last_success_at=last_success_at, now=NOW)
        is disabled
    )


def test_the_disable_threshold_is_configurable() -> None:
    started = NOW - 2 * 24 * H
    assert not should_disable(first_failure_at=started, last_success_at=None, now=NOW)
    assert should_disable(
        first_failure_at=started, last_success_at=None, now=NOW, after=timedelta(days=2)
    )
