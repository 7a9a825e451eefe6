"""Reads of delegate readiness: a delegate for whoever may see them, a delegate's checklist with
each item's state, and the coordinators' readiness board of a mission.

States come from the pure :mod:`missions.checklist` (``item_state`` / ``delegate_state``),
computed on rows already loaded: the board runs a constant number of queries whatever the
number of delegates and items.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import checklist, permissions
from ..checklist import State
from ..models import Application, Delegate, Mission, ReadinessItem

#: Labels and badge classes of the states (items and delegates).
STATE_LABELS: dict[str, Any] = {
    State.DONE: _("Done"),
    State.READY: _("Ready"),
    State.PENDING: _("On track"),
    State.AT_RISK: _("At risk"),
    State.MISSING: _("Missing"),
}
STATE_BADGES: dict[str, str] = {
    State.DONE: "text-bg-success",
    State.READY: "text-bg-success",
    State.PENDING: "text-bg-light border",
    State.AT_RISK: "text-bg-warning",
    State.MISSING: "text-bg-danger",
}
#: The board's filter and counts, in order (a delegate is in exactly one).
BOARD_STATES: tuple[State, ...] = (State.READY, State.PENDING, State.AT_RISK, State.MISSING)


def delegate_queryset() -> QuerySet[Delegate]:
    """Delegates with what their pages and the predicates read."""
    return Delegate.objects.select_related(
        "person", "mission", "application__organization"
    ).prefetch_related(Prefetch("readiness", ReadinessItem.objects.order_by("due_on", "kind")))


def delegate_get_for_user(*, user: Any, delegate_id: int) -> Delegate:
    """The delegate, for themselves, an administrator of their organization or staff
    (``permissions.can_view_delegate``); ``Http404`` for anyone else (no hint it exists)."""
    delegate = delegate_queryset().filter(pk=delegate_id).first()
    if delegate is None or not permissions.can_view_delegate(user, delegate):
        raise Http404
    return delegate


@dataclass(frozen=True)
class ItemRow:
    item: ReadinessItem
    state: State

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]


@dataclass
class DelegateRow:
    delegate: Delegate
    items: list[ItemRow]
    state: State
    #: On the board: one cell per column kind, ``(column label, item row or None)``.
    cells: list[tuple[Any, ItemRow | None]] = field(default_factory=list)

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]

    def item_of(self, kind: str) -> ItemRow | None:
        return next((row for row in self.items if row.item.kind == kind), None)


def item_rows(
    items: Sequence[ReadinessItem], mission: Mission, today: datetime.date
) -> list[ItemRow]:
    return [
        ItemRow(
            item=item,
            state=checklist.item_state(
                checklist.ItemFacts(item.kind, item.status, item.due_on, item.valid_until),
                ends_on=mission.ends_on,
                today=today,
            ),
        )
        for item in items
    ]


def delegate_row(delegate: Delegate, *, today: datetime.date | None = None) -> DelegateRow:
    """A delegate's checklist with states (the readiness items prefetched)."""
    today = today or timezone.localdate()
    rows = item_rows(list(delegate.readiness.all()), delegate.mission, today)
    return DelegateRow(delegate, rows, checklist.delegate_state(r.state for r in rows))


@dataclass(frozen=True)
class Board:
    mission: Mission
    #: The item kinds some delegate has, as (value, label), in checklist order: the columns.
    kinds: list[tuple[str, Any]]
    rows: list[DelegateRow]
    #: (state, label, badge, count) for every board state, over all delegates (unfiltered).
    counts: list[tuple[str, Any, str, int]]
    total: int
    confirmed: int
    state: str


def board_delegates(mission: Mission) -> QuerySet[Delegate]:
    """Included delegates of the mission's accepted applications, by organization."""
    return (
        delegate_queryset()
        .filter(mission=mission, included=True, application__status=Application.Status.ACCEPTED)
        .order_by("application__organization__legal_name", "application_id", "position", "pk")
    )


def readiness_board(
    *, mission: Mission, state: str = "", today: datetime.date | None = None
) -> Board:
    """The board: one row per included delegate of accepted applications with each item's
    state and the delegate's; ``state`` (one of :data:`BOARD_STATES`) keeps only those rows.
    Two queries (delegates with their organization and person, their items)."""
    today = today or timezone.localdate()
    rows = [delegate_row(d, today=today) for d in board_delegates(mission)]
    present = {row.item.kind for r in rows for row in r.items}
    kinds = [(k.value, k.label) for k in ReadinessItem.Kind if k.value in present]
    for row in rows:
        row.cells = [(label, row.item_of(kind)) for kind, label in kinds]
    tally = Counter(r.state for r in rows)
    counts = [(s.value, STATE_LABELS[s], STATE_BADGES[s], tally.get(s, 0)) for s in BOARD_STATES]
    wanted = state if state in {s.value for s in BOARD_STATES} else ""
    shown = [r for r in rows if r.state == wanted] if wanted else rows
    return Board(
        mission=mission,
        kinds=kinds,
        rows=shown,
        counts=counts,
        total=len(rows),
        confirmed=sum(1 for r in rows if r.delegate.confirmed_at is not None),
        state=wanted,
    )
