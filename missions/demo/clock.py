"""Keep an existing missions demo current: every date of the demo is relative to the day it was
seeded, so a demo seeded weeks ago would have the Australian window closed and the Chilean
delegation already travelling. When ``seed_demo`` runs on a later day, :func:`refresh` moves
every date of the demo missions' rows forward by the whole days that passed (the Australian
window's opening is the anchor), like ``challenges.demo.clock``, and puts each demo mission back
in its planned state (the periodic job may have closed, started or completed it meanwhile). The
demo then looks as if it had been seeded today. Nothing is created or deleted, so the counts
stay the same; on the day of seeding it does nothing.

Decisions:

* Lima date-times move by whole days (Lima has no daylight saving time). Agenda items move by
  whole days **on their own wall clock** (computed again in the item's zone): a Santiago
  workshop at 09:30 stays at 09:30 when the shift crosses a change of Chile's summer time.
* Dates move too (departure, return, due dates, signatures, passport validity), so a checklist
  keeps its state: the overdue passport stays overdue, the co-payment stays due in five days.
* Frozen impact entries are not ours; the contract's entry is *claimed* (not frozen) and moves
  with the portfolio (``challenges.demo.portfolio.shift``, run by the challenges' clock).
* An application the periodic job moved meanwhile (the Chilean offer's hold lapsing, which
  promotes the next on the waitlist) is **not** put back: its lapse and the promotion are real
  events, notified and audited, and the demo after the shift is still coherent (a lapsed
  offer and a new one held for the hold's hours). Only the missions' own states are restored,
  which nothing else depends on.

This is demo bookkeeping, not a lifecycle move: it writes with ``QuerySet.update`` on purpose,
and only rows of the demo missions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TextIO

from django.db import models
from django.db.models import F
from django.utils import timezone

from .. import calendars
from ..models import (
    AgendaItem,
    Agreement,
    Application,
    ApplicationScore,
    Delegate,
    Mission,
    Outcome,
    ReadinessItem,
    ReadinessReminder,
)
from . import australia, chile, expomin
from .build import Plan
from .common import moment

#: Each demo mission and the state it stays in.
PLANNED: list[tuple[Plan, str]] = [
    (australia.PLAN, Mission.Status.OPEN),
    (chile.PLAN, Mission.Status.CONFIRMED),
    (expomin.PLAN, Mission.Status.COMPLETED),
]


def demo_missions() -> models.QuerySet[Mission]:
    return Mission.objects.filter(title__in=[plan.title for plan, _status in PLANNED])


def days_behind() -> int:
    """Whole days since the demo was seeded (0: seeded today, or no demo yet)."""
    anchor = Mission.objects.filter(title=australia.PLAN.title).first()
    if anchor is None:
        return 0
    opened_on = timezone.localtime(anchor.applications_open_at).date()
    return (moment(australia.PLAN.opens).date() - opened_on).days


def _date_and_time_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField | models.DateTimeField)
    ]


def _shift(
    queryset: models.QuerySet, delta: datetime.timedelta, *, skip: Iterable[str] = ()
) -> None:
    names = [n for n in _date_and_time_fields(queryset.model) if n not in set(skip)]
    if names:
        queryset.update(**{name: F(name) + delta for name in names})


def _shift_agenda(items: models.QuerySet[AgendaItem], days: int) -> None:
    """Each item ``days`` later on its own wall clock."""
    for item in items:
        moved = {}
        for name in ("starts_at", "ends_at"):
            wall = calendars.in_zone(getattr(item, name), item.zone).replace(tzinfo=None)
            later = wall + datetime.timedelta(days=days)
            try:
                moved[name] = calendars.localize(later, item.zone)
            except calendars.LocalTimeError:
                # The wall-clock time does not exist (or happens twice) that day: keep the
                # instant's distance instead.
                moved[name] = getattr(item, name) + datetime.timedelta(days=days)
        AgendaItem.objects.filter(pk=item.pk).update(
            **moved, updated_at=F("updated_at") + datetime.timedelta(days=days)
        )


def refresh(*, stdout: TextIO) -> int:
    """Move the demo missions forward to today; returns the days moved (0: nothing to do)."""
    days = days_behind()
    if days <= 0:
        return 0
    delta = datetime.timedelta(days=days)
    missions = list(demo_missions().values_list("pk", flat=True))
    # Return and departure move together (the return never falls before the departure).
    _shift(Mission.objects.filter(pk__in=missions), delta)
    applications = Application.objects.filter(mission__in=missions)
    _shift(applications, delta)
    _shift(ApplicationScore.objects.filter(application__in=applications), delta)
    delegates = Delegate.objects.filter(mission__in=missions)
    _shift(delegates, delta)
    _shift_agenda(AgendaItem.objects.filter(mission__in=missions), days)
    items = ReadinessItem.objects.filter(delegate__in=delegates)
    _shift(items, delta)
    _shift(ReadinessReminder.objects.filter(item__in=items), delta)
    _shift(Outcome.objects.filter(delegate__in=delegates), delta)
    _shift(Agreement.objects.filter(mission__in=missions), delta)
    for plan, status in PLANNED:
        Mission.objects.filter(title=plan.title).exclude(status=status).update(status=status)
    stdout.write(f"  missions demo moved {days} days forward to stay current")
    return days
