"""A project's progress and risk from its milestones: pure functions, no database.

* **Progress** = the weight of the accepted live milestones over the weight of all live
  milestones (``LIVE`` in ``MILESTONE``: cancelled ones drop out), as a percentage with one
  decimal, rounded half up: weights 1, 2 and 3 with the first two accepted give
  3 / 6 = 50.0 %; with only the first, 1 / 6 = 16.7 %. No live milestone: ``None`` (no
  progress to show, not 0 %).
* **Risk**: a live milestone past its due date without the sponsor's acceptance (due
  yesterday, still pending or submitted). Only a project still in progress (not completed or
  cancelled) is *at risk*: see :func:`project_at_risk`.

The portfolio selectors compute the same two things in SQL for lists
(``challenges.selectors.portfolio``): the percentage there uses :func:`tenths` arithmetic, so
both agree to the digit on every database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .models import Milestone
from .workflows import LIVE, MILESTONE, PROJECT

ACCEPTED = Milestone.Status.ACCEPTED


class MilestoneLike(Protocol):
    weight: int
    status: str
    due_on: datetime.date


def live_statuses() -> frozenset[str]:
    """Milestone statuses that count for progress and can be late."""
    return frozenset(MILESTONE.values_tagged(LIVE))


def unaccepted_live_statuses() -> frozenset[str]:
    """Live statuses still waiting for the sponsor's acceptance (what can be late)."""
    return live_statuses() - {ACCEPTED}


def tenths(done_weight: int, total_weight: int) -> int:
    """``done / total`` in tenths of a percent, rounded half up, in integers only (what SQL
    computes too: ``(done * 2000 + total) / (2 * total)`` with integer division)."""
    if total_weight <= 0:
        raise ValueError("No live milestone: no progress")
    return (done_weight * 2000 + total_weight) // (2 * total_weight)


def progress_percent(done_weight: int, total_weight: int) -> Decimal | None:
    """The percentage with one decimal (``Decimal("16.7")``), or None without live weight."""
    if total_weight <= 0:
        return None
    return Decimal(tenths(done_weight, total_weight)).scaleb(-1)


@dataclass(frozen=True)
class Progress:
    done_weight: int
    total_weight: int
    late: int

    @property
    def percent(self) -> Decimal | None:
        return progress_percent(self.done_weight, self.total_weight)

    @property
    def has_late_milestones(self) -> bool:
        return self.late > 0


def milestone_is_late(milestone: MilestoneLike, today: datetime.date) -> bool:
    """Live, not accepted, and its due date is before ``today``."""
    return milestone.status in unaccepted_live_statuses() and milestone.due_on < today


def progress_of(milestones: Iterable[MilestoneLike], today: datetime.date) -> Progress:
    """Weights and late milestones of a project's milestones (any order)."""
    live = live_statuses()
    done = total = late = 0
    for milestone in milestones:
        if milestone.status not in live:
            continue
        total += milestone.weight
        if milestone.status == ACCEPTED:
            done += milestone.weight
        elif milestone.due_on < today:
            late += 1
    return Progress(done, total, late)


def project_at_risk(
    project_status: str, milestones: Iterable[MilestoneLike], today: datetime.date
) -> bool:
    """A project in progress (an open state of ``PROJECT``) with a late milestone."""
    if not PROJECT.is_open(project_status):
        return False
    return progress_of(milestones, today).has_late_milestones


def kpi_achievement(baseline: Decimal, target: Decimal, value: Decimal) -> Decimal | None:
    """How far ``value`` went from the baseline towards the target, as a percentage with one
    decimal (half up; below 0 or above 100 when it went back or beyond). Works for "lower is
    better" indicators too: baseline 0.80, target 0.55, value 0.74 gives 24.0 %. None when the
    target is the baseline (nothing to achieve)."""
    span = target - baseline
    if span == 0:
        return None
    return ((value - baseline) * 100 / span).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
