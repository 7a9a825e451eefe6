"""Reads of the cluster's KPI figures: computed live for any dates, or the frozen snapshot of a
closed period.

:func:`kpis_compute` aggregates in SQL — 13 queries whatever the number of rows (2 for members,
5 for the funnel, 1 for reviews, 1 for funding, 4 for missions) — and returns the JSON shape
every part of the reports uses (contract: "KPI figures"). What each figure counts is written once,
in ``reports.kpis.FIGURES``; the queries below implement those sentences.

Dates: a period is a range of days in Lima's calendar (``settings.TIME_ZONE``); a timestamp
counts in the period when it falls from 00:00 of its first day to 00:00 of the day after its
last day, Lima time, whatever the reader's time zone.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from challenges.models import (
    Call,
    Challenge,
    ImpactEntry,
    Project,
    ProjectFunding,
    Proposal,
    Review,
)
from members.models import Organization
from missions.models import Agreement, Delegate, Mission, Outcome

from ..kpis import FIGURES_VERSION, Period, complete_figures, make_period, month_keys
from ..models import ClosedPeriod

CENT = Decimal("0.01")
ACTIVE = Organization.MembershipStatus.ACTIVE
#: Roughly how many queries :func:`kpis_compute` runs (asserted by the tests).
KPIS_COMPUTE_QUERIES = 13


def period_datetimes(
    starts_on: datetime.date, ends_on: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the days ``starts_on`` to ``ends_on`` in Lima, as aware datetimes."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(starts_on, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time.min)
    return start, end.replace(tzinfo=zone)


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(CENT))


def _counted(rows: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    """``[{"key", "count"}]``, largest first, then by key (stable for equal counts)."""
    totals: dict[str, int] = defaultdict(int)
    for key, count in rows:
        totals[key] += count
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [{"key": key, "count": count} for key, count in ordered if count]


def _members(starts_on: datetime.date, ends_on: datetime.date) -> dict[str, Any]:
    """Two queries: the breakdowns of the members at the end, and joins/actives per month."""
    groups = list(
        Organization.objects.filter(membership_status=ACTIVE, member_since__lte=ends_on)
        .values_list("kind", "mining_scale", "region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = (
        Organization.objects.filter(member_since__isnull=False, member_since__lte=ends_on)
        .annotate(month=TruncMonth("member_since"))
        .values_list("month")
        .annotate(active=Count("pk", filter=Q(membership_status=ACTIVE)), joined=Count("pk"))
        .order_by()
    )
    active_by_month: dict[str, int] = defaultdict(int)
    joined_by_month: dict[str, int] = defaultdict(int)
    for month, active, joined in by_month:
        key = f"{month:%Y-%m}"
        active_by_month[key] += active
        joined_by_month[key] += joined
    monthly = []
    for key in month_keys(starts_on, ends_on):
        active_at_end = sum(n for month, n in active_by_month.items() if month <= key)
        monthly.append({"month": key, "active": active_at_end, "joined": joined_by_month[key]})
    period_months = {row["month"] for row in monthly}
    return {
        "active_at_end": sum(n for _kind, _scale, _region, n in groups),
        "joined": sum(n for month, n in joined_by_month.items() if month in period_months),
        "by_kind": _counted((kind, n) for kind, _scale, _region, n in groups),
        "by_scale": _counted(
            (scale, n)
            for kind, scale, _region, n in groups
            if kind == Organization.Kind.MINING_COMPANY and scale
        ),
        "by_region": _counted((region, n) for _kind, _scale, region, n in groups),
        "monthly": monthly,
    }


def _funnel(start: datetime.datetime, end: datetime.datetime) -> dict[str, int]:
    """Five counts (one query each), of the events the definitions name."""
    return {
        "challenges": Challenge.objects.filter(
            submitted_at__gte=start, submitted_at__lt=end
        ).count(),
        "calls": Call.objects.filter(published_at__gte=start, published_at__lt=end).count(),
        "proposals": Proposal.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count(),
        "projects": Project.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        "impact_verified": ImpactEntry.objects.filter(
            status=ImpactEntry.Status.VERIFIED, verified_at__gte=start, verified_at__lt=end
        ).count(),
    }


def _funding(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """One query: sums per currency and kind of source of the new projects' funding."""
    rows = (
        ProjectFunding.objects.filter(project__created_at__gte=start, project__created_at__lt=end)
        .values_list("amount_currency", "kind")
        .annotate(total=Sum("amount"))
        .order_by("amount_currency", "kind")
    )
    by_source = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, kind, total in rows:
        by_source.append({"currency": str(currency), "source": kind, "amount": _money(total)})
        totals[str(currency)] += total or Decimal(0)
    return {
        "by_source": by_source,
        "totals": [
            {"currency": currency, "amount": _money(amount)}
            for currency, amount in sorted(totals.items())
        ],
    }


def _missions(starts_on: datetime.date, ends_on: datetime.date) -> dict[str, Any]:
    """Four queries: missions, the delegation's aggregates, business per currency, agreements."""
    from missions.permissions import HOLDS_PLACE_TAG, OUTCOMES_TAG
    from missions.workflows import APPLICATION, MISSION

    missions = Mission.objects.filter(
        status__in=MISSION.values_tagged(OUTCOMES_TAG),
        starts_on__gte=starts_on,
        starts_on__lte=ends_on,
    )
    delegates = Delegate.objects.filter(
        mission__in=missions,
        included=True,
        application__status__in=APPLICATION.values_tagged(HOLDS_PLACE_TAG),
    )
    delegation = delegates.aggregate(
        delegates=Count("pk"),
        organizations=Count("application__organization", distinct=True),
        contacts=Sum("outcome__contacts_made"),
    )
    business = (
        Outcome.objects.filter(delegate__in=delegates, business_generated__isnull=False)
        .values_list("business_generated_currency")
        .annotate(total=Sum("business_generated"))
        .order_by("business_generated_currency")
    )
    return {
        "missions": missions.count(),
        "delegates": delegation["delegates"] or 0,
        "organizations": delegation["organizations"] or 0,
        "contacts": delegation["contacts"] or 0,
        "agreements": Agreement.objects.filter(mission__in=missions).count(),
        "business": [
            {"currency": str(currency), "amount": _money(total)} for currency, total in business
        ],
    }


def kpis_compute(*, starts_on: datetime.date, ends_on: datetime.date) -> dict[str, Any]:
    """The cluster's KPI figures for the days ``starts_on`` to ``ends_on`` (both included), as
    JSON: ``{"version", "period", "computed_at", "members", "funnel", "evaluations",
    "funding", "missions"}`` — keys only, money as strings per currency ("123.45"), dates ISO.

    Definitions: ``reports.kpis.FIGURES``. Constant number of queries
    (:data:`KPIS_COMPUTE_QUERIES`), all aggregates.
    """
    if ends_on < starts_on:
        raise ValueError("ends_on is before starts_on")
    start, end = period_datetimes(starts_on, ends_on)
    return {
        "version": FIGURES_VERSION,
        "period": {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        "computed_at": timezone.now().isoformat(),
        "members": _members(starts_on, ends_on),
        "funnel": _funnel(start, end),
        "evaluations": {
            "reviews_submitted": Review.objects.filter(
                submitted_at__gte=start, submitted_at__lt=end
            ).count()
        },
        "funding": _funding(start, end),
        "missions": _missions(starts_on, ends_on),
    }


@dataclass(frozen=True)
class KpiView:
    """The figures of a period as the dashboard, the API and the report show them: the frozen
    snapshot of a closed period (``closed`` set), else the live figures (``is_live``)."""

    period: Period
    figures: dict[str, Any]
    closed: ClosedPeriod | None

    @property
    def is_live(self) -> bool:
        return self.closed is None

    @property
    def status(self) -> str:
        return "open" if self.closed is None else "closed"

    @property
    def closed_at(self) -> datetime.datetime | None:
        return self.closed.closed_at if self.closed else None

    @property
    def closed_by(self) -> Any:
        return self.closed.closed_by if self.closed else None

    @property
    def note(self) -> str:
        return self.closed.note if self.closed else ""


def closed_period_get(*, kind: str, starts_on: datetime.date) -> ClosedPeriod | None:
    return (
        ClosedPeriod.objects.select_related("closed_by")
        .filter(kind=kind, starts_on=starts_on)
        .first()
    )


def kpis_for_period(*, kind: str, starts_on: datetime.date) -> KpiView:
    """The figures of the ``kind`` period starting on ``starts_on``: its snapshot when closed
    (one query), else computed live (one more query plus :func:`kpis_compute`'s).

    Raises ``ValueError`` for a kind or a first day that names no period.
    """
    period = make_period(kind, starts_on)
    closed = closed_period_get(kind=kind, starts_on=starts_on)
    if closed is not None:
        return KpiView(period=period, figures=complete_figures(closed.figures), closed=closed)
    figures = kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)
    return KpiView(period=period, figures=figures, closed=None)


def closed_periods(*, kind: str | None = None) -> QuerySet[ClosedPeriod]:
    """Closed periods, newest first, with who closed them (``figures`` deferred: lists never
    need them)."""
    queryset = ClosedPeriod.objects.select_related("closed_by").defer("figures")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-starts_on", "kind", "-pk")
