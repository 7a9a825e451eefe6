"""challenges.progress: the roll-up of weighted milestones and the risk flag, on numbers written
here (no database)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from challenges.progress import (
    kpi_achievement,
    milestone_is_late,
    progress_of,
    progress_percent,
    project_at_risk,
    tenths,
)

TODAY = datetime.date(2026, 6, 15)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


@dataclass
class M:
    weight: int
    status: str
    due_on: datetime.date = TOMORROW


def test_weights_1_2_3_with_the_first_two_accepted_is_50_percent() -> None:
    milestones = [M(1, "accepted"), M(2, "accepted"), M(3, "pending")]
    progress = progress_of(milestones, TODAY)
    assert (progress.done_weight, progress.total_weight) == (3, 6)
    assert progress.percent == Decimal("50.0")


def test_one_sixth_is_16_7_percent() -> None:
    assert progress_of([M(1, "accepted"), M(5, "submitted")], TODAY).percent == Decimal("16.7")


def test_cancelled_milestones_drop_out_of_the_roll_up() -> None:
    # 10 accepted of 10 + 30 live = 25.0 %; the cancelled 60 counts for nothing.
    milestones = [M(10, "accepted"), M(30, "pending"), M(60, "cancelled")]
    assert progress_of(milestones, TODAY).percent == Decimal("25.0")


def test_every_live_milestone_accepted_is_100_percent() -> None:
    assert progress_of([M(7, "accepted"), M(3, "accepted")], TODAY).percent == Decimal("100.0")


def test_no_live_milestone_is_no_progress_rather_than_zero() -> None:
    assert progress_of([], TODAY).percent is None
    assert progress_of([M(5, "cancelled")], TODAY).percent is None
    assert progress_of([M(5, "pending")], TODAY).percent == Decimal("0.0")


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (1, 80, Decimal("1.3")),  # 1.25 rounds half up
        (1, 8, Decimal("12.5")),
        (2, 3, Decimal("66.7")),
        (1, 3, Decimal("33.3")),
        (1, 7, Decimal("14.3")),  # 14.2857…
        (99, 100, Decimal("99.0")),
        (199, 200, Decimal("99.5")),
        (1999, 2000, Decimal("100.0")),  # 99.95 rounds up
    ],
)
def test_percentages_have_one_decimal_rounded_half_up(done, total, expected) -> None:
    assert progress_percent(done, total) == expected
    assert tenths(done, total) == int(expected * 10)


def test_tenths_refuse_an_empty_roll_up() -> None:
    with pytest.raises(ValueError, match="No live milestone"):
        tenths(0, 0)


def test_a_live_milestone_past_due_without_acceptance_is_late() -> None:
    assert milestone_is_late(M(1, "pending", YESTERDAY), TODAY)
    assert milestone_is_late(M(1, "submitted", YESTERDAY), TODAY)  # waiting for the sponsor
    assert not milestone_is_late(M(1, "accepted", YESTERDAY), TODAY)
    assert not milestone_is_late(M(1, "cancelled", YESTERDAY), TODAY)
    assert not milestone_is_late(M(1, "pending", TODAY), TODAY)  # due today: not yet late


def test_progress_counts_late_milestones() -> None:
    milestones = [
        M(1, "pending", YESTERDAY),
        M(1, "submitted", YESTERDAY - datetime.timedelta(days=30)),
        M(1, "accepted", YESTERDAY),
        M(1, "cancelled", YESTERDAY),
        M(1, "pending", TOMORROW),
    ]
    progress = progress_of(milestones, TODAY)
    assert progress.late == 2
    assert progress.has_late_milestones
    assert progress.percent == Decimal("25.0")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("planned", True),
        ("active", True),
        ("on_hold", True),
        ("completed", False),
        ("cancelled", False),
    ],
)
def test_only_a_project_in_progress_is_at_risk(status, expected) -> None:
    assert project_at_risk(status, [M(1, "pending", YESTERDAY)], TODAY) is expected
    assert project_at_risk(status, [M(1, "pending", TOMORROW)], TODAY) is False


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        ("0.80", "0.55", "0.74", Decimal("24.0")),  # lower is better: 0.06 of 0.25
        ("0.80", "0.55", "0.55", Decimal("100.0")),
        ("0.80", "0.55", "0.90", Decimal("-40.0")),  # went the wrong way
        ("100", "250", "175", Decimal("50.0")),
        ("0", "3", "1", Decimal("33.3")),
        ("0", "3", "4", Decimal("133.3")),  # beyond the target
    ],
)
def test_kpi_achievement_from_baseline_to_target(baseline, target, value, expected) -> None:
    assert kpi_achievement(Decimal(baseline), Decimal(target), Decimal(value)) == expected


def test_kpi_without_a_span_has_no_achievement() -> None:
    assert kpi_achievement(Decimal("5"), Decimal("5"), Decimal("7")) is None
