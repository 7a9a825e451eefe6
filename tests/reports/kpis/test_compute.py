"""kpis_compute over a small world made with factories, checked against figures counted
independently: plain Python over every row, with Lima days taken from ``localtime`` rather than
the selector's datetime bounds, and the statuses written out rather than asked of the lifecycle
tables."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money

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
from missions.models import Agreement, Application, Delegate, Mission
from reports.selectors.kpis import KPIS_COMPUTE_QUERIES, kpis_compute
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    ImpactEntryFactory,
    ProjectFactory,
    ProjectFundingFactory,
    ProposalFactory,
    ReviewFactory,
)
from tests.members.factories import OrganizationFactory
from tests.missions.factories import (
    AgreementFactory,
    ApplicationFactory,
    DelegateFactory,
    MissionFactory,
    OutcomeFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LIMA = zoneinfo.ZoneInfo("America/Lima")
D = datetime.date
MARCH = (D(2025, 3, 1), D(2025, 3, 31))
Q1 = (D(2025, 1, 1), D(2025, 3, 31))


def lima(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LIMA)


def _mission(starts_on: datetime.date, status: str) -> Mission:
    return MissionFactory(
        starts_on=starts_on,
        status=status,
        applications_open_at=lima(2024, 12, 1, 9, 0),
        applications_close_at=lima(2025, 1, 15, 9, 0),
    )


@pytest.fixture
def world() -> None:
    """Rows inside March 2025 (Lima), on both sides of its edges, and outside it."""
    kinds = Organization.Kind
    status = Organization.MembershipStatus
    OrganizationFactory(
        kind=kinds.MINING_COMPANY,
        mining_scale="large",
        region="moquegua",
        member_since=D(2025, 3, 10),
    )
    OrganizationFactory(kind=kinds.METS_SUPPLIER, region="arequipa", member_since=D(2024, 6, 1))
    OrganizationFactory(kind=kinds.ACADEMIA, membership_status=status.LAPSED)
    Organization.objects.filter(kind=kinds.ACADEMIA).update(member_since=D(2025, 3, 5))
    OrganizationFactory(kind=kinds.GOVERNMENT, region="tacna", member_since=D(2025, 2, 3))
    OrganizationFactory(member_since=D(2025, 4, 2))  # joins after March
    OrganizationFactory(membership_status=status.APPLICANT)
    OrganizationFactory(
        kind=kinds.MINING_COMPANY,
        mining_scale="small",
        membership_status=status.SUSPENDED,
        member_since=D(2023, 1, 1),
    )
    # The funnel, at the edges of March in Lima (UTC-5).
    ChallengeFactory(submitted_at=lima(2025, 3, 1, 0, 0))
    ChallengeFactory(submitted_at=lima(2025, 3, 31, 23, 30))  # 1 April in UTC: still March
    ChallengeFactory(submitted_at=lima(2025, 4, 1, 0, 10))
    ChallengeFactory(status=Challenge.Status.DRAFT, submitted_at=None)
    CallFactory(published_at=lima(2025, 3, 12, 10, 0))
    CallFactory(published_at=lima(2025, 2, 28, 23, 59))
    CallFactory(status=Call.Status.DRAFT, published_at=None)
    call = Call.objects.filter(published_at__isnull=False).first()
    ProposalFactory(call=call, status=Proposal.Status.SUBMITTED, submitted_at=lima(2025, 3, 3, 9))
    ProposalFactory(call=call, status=Proposal.Status.WITHDRAWN, submitted_at=lima(2025, 3, 20, 9))
    ProposalFactory(call=call, status=Proposal.Status.SUBMITTED, submitted_at=lima(2025, 4, 3, 9))
    ProposalFactory(call=call)  # a draft
    ReviewFactory(submitted_at=lima(2025, 3, 14, 16))
    ReviewFactory(submitted_at=None)
    ReviewFactory(submitted_at=lima(2025, 1, 14, 16))
    first = ProjectFactory(created_at=lima(2025, 3, 2, 8))
    second = ProjectFactory(created_at=lima(2025, 3, 28, 8), status=Project.Status.CANCELLED)
    before = ProjectFactory(created_at=lima(2025, 2, 27, 8))
    ProjectFundingFactory(project=first, amount=Money(Decimal("100000.00"), "PEN"))
    ProjectFundingFactory(
        project=first,
        kind=ProjectFunding.Kind.PRIVATE,
        source="Minera Candarave",
        amount=Money(Decimal("50000.50"), "PEN"),
    )
    ProjectFundingFactory(
        project=second,
        kind=ProjectFunding.Kind.PRIVATE,
        source="MineSoft (aporte propio)",
        amount=Money(Decimal("20000.00"), "USD"),
        in_kind=True,
    )
    ProjectFundingFactory(project=before, amount=Money(Decimal("999.00"), "PEN"))
    ImpactEntryFactory(
        project=first, status=ImpactEntry.Status.VERIFIED, verified_at=lima(2025, 3, 30, 12)
    )
    ImpactEntryFactory(
        project=first, status=ImpactEntry.Status.VERIFIED, verified_at=lima(2025, 4, 2, 12)
    )
    ImpactEntryFactory(
        project=first, status=ImpactEntry.Status.CONFIRMED, confirmed_at=lima(2025, 3, 5, 12)
    )
    # Missions: one completed in March, one cancelled in March, one completed in April.
    march = _mission(D(2025, 3, 20), Mission.Status.COMPLETED)
    accepted = ApplicationFactory(mission=march, status=Application.Status.ACCEPTED, delegates=2)
    other = ApplicationFactory(mission=march, status=Application.Status.ACCEPTED, delegates=1)
    ApplicationFactory(mission=march, status=Application.Status.NOT_SELECTED, delegates=1)
    DelegateFactory(application=accepted, mission=march, included=False, position=3)
    one, two = accepted.delegates.filter(included=True).order_by("position")
    OutcomeFactory(delegate=one, contacts_made=8, business_generated=Money(120000, "USD"))
    OutcomeFactory(delegate=two, contacts_made=3, business_generated=Money(5000, "PEN"))
    OutcomeFactory(
        delegate=other.delegates.get(), contacts_made=2, business_generated=Money(1000, "USD")
    )
    AgreementFactory(delegate=one)
    AgreementFactory(delegate=two)
    cancelled = _mission(D(2025, 3, 5), Mission.Status.CANCELLED)
    ApplicationFactory(mission=cancelled, status=Application.Status.ACCEPTED, delegates=1)
    april = _mission(D(2025, 4, 5), Mission.Status.COMPLETED)
    ApplicationFactory(mission=april, status=Application.Status.ACCEPTED, delegates=1)


def _in(day: datetime.date, starts_on: datetime.date, ends_on: datetime.date) -> bool:
    return starts_on <= day <= ends_on


def _lima_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else moment.astimezone(LIMA).date()


def _counted(counter: Counter[str]) -> dict[str, int]:
    return {key: count for key, count in counter.items() if count}


def expected(starts_on: datetime.date, ends_on: datetime.date) -> dict[str, Any]:
    """The figures, counted in Python over every row of the database."""

    def happened(moment: datetime.datetime | None) -> bool:
        day = _lima_day(moment)
        return day is not None and _in(day, starts_on, ends_on)

    organizations = list(Organization.objects.all())

    def active_at(day: datetime.date) -> list[Organization]:
        return [
            o
            for o in organizations
            if o.membership_status == "active" and o.member_since and o.member_since <= day
        ]

    members = active_at(ends_on)
    months = []
    month = starts_on
    while month <= ends_on:
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        last = following - datetime.timedelta(days=1)
        months.append(
            {
                "month": month.strftime("%Y-%m"),
                "active": len(active_at(last)),
                "joined": sum(
                    1 for o in organizations if o.member_since and _in(o.member_since, month, last)
                ),
            }
        )
        month = following
    funding: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in ProjectFunding.objects.select_related("project"):
        if happened(row.project.created_at):
            funding[(str(row.amount.currency), row.kind)] += row.amount.amount
    delegates = [
        d
        for d in Delegate.objects.select_related("mission", "application")
        if d.mission.status in ("travelling", "completed")
        and _in(d.mission.starts_on, starts_on, ends_on)
        and d.included
        and d.application.status in ("offered", "accepted")
    ]
    business: dict[str, Decimal] = defaultdict(Decimal)
    contacts = 0
    for delegate in delegates:
        outcome = getattr(delegate, "outcome", None)
        if outcome is None:
            continue
        contacts += outcome.contacts_made
        if outcome.business_generated is not None:
            business[str(outcome.business_generated.currency)] += outcome.business_generated.amount
    missions = [
        m
        for m in Mission.objects.all()
        if m.status in ("travelling", "completed") and _in(m.starts_on, starts_on, ends_on)
    ]
    currencies = sorted({currency for currency, _kind in funding})
    return {
        "members": {
            "active_at_end": len(members),
            "joined": sum(
                1
                for o in organizations
                if o.member_since and _in(o.member_since, starts_on, ends_on)
            ),
            "by_kind": _counted(Counter(o.kind for o in members)),
            "by_scale": _counted(Counter(o.mining_scale for o in members if o.kind == "mining")),
            "by_region": _counted(Counter(o.region for o in members)),
            "monthly": months,
        },
        "funnel": {
            "challenges": sum(1 for c in Challenge.objects.all() if happened(c.submitted_at)),
            "calls": sum(1 for c in Call.objects.all() if happened(c.published_at)),
            "proposals": sum(1 for p in Proposal.objects.all() if happened(p.submitted_at)),
            "projects": sum(1 for p in Project.objects.all() if happened(p.created_at)),
            "impact_verified": sum(
                1
                for e in ImpactEntry.objects.all()
                if e.status == "verified" and happened(e.verified_at)
            ),
        },
        "evaluations": {
            "reviews_submitted": sum(1 for r in Review.objects.all() if happened(r.submitted_at))
        },
        "funding": {
            "by_source": {key: f"{amount:.2f}" for key, amount in funding.items()},
            "totals": {
                c: f"{sum(a for (cur, _k), a in funding.items() if cur == c):.2f}"
                for c in currencies
            },
        },
        "missions": {
            "missions": len(missions),
            "delegates": len(delegates),
            "organizations": len({d.application.organization_id for d in delegates}),
            "contacts": contacts,
            "agreements": sum(
                1 for a in Agreement.objects.all() if a.mission_id in {m.pk for m in missions}
            ),
            "business": {c: f"{a:.2f}" for c, a in business.items()},
        },
    }


def normalized(figures: dict[str, Any]) -> dict[str, Any]:
    """kpis_compute's JSON in :func:`expected`'s shape (lists of keyed rows as dicts)."""
    members = figures["members"]
    return {
        "members": {
            **{k: members[k] for k in ("active_at_end", "joined", "monthly")},
            **{
                k: {row["key"]: row["count"] for row in members[k]}
                for k in ("by_kind", "by_scale", "by_region")
            },
        },
        "funnel": figures["funnel"],
        "evaluations": figures["evaluations"],
        "funding": {
            "by_source": {
                (row["currency"], row["source"]): row["amount"]
                for row in figures["funding"]["by_source"]
            },
            "totals": {row["currency"]: row["amount"] for row in figures["funding"]["totals"]},
        },
        "missions": {
            **{k: v for k, v in figures["missions"].items() if k != "business"},
            "business": {r["currency"]: r["amount"] for r in figures["missions"]["business"]},
        },
    }


@pytest.mark.parametrize("bounds", [MARCH, Q1, (D(2025, 1, 1), D(2025, 12, 31))])
def test_figures_match_an_independent_count(world: None, bounds: tuple) -> None:
    figures = kpis_compute(starts_on=bounds[0], ends_on=bounds[1])
    assert normalized(figures) == expected(*bounds)


def test_the_figures_of_march_by_hand(world: None) -> None:
    figures = kpis_compute(starts_on=MARCH[0], ends_on=MARCH[1])
    assert figures["version"] == 1
    assert figures["period"] == {"starts_on": "2025-03-01", "ends_on": "2025-03-31"}
    assert figures["funnel"] == {
        "challenges": 2,
        "calls": 1,
        "proposals": 2,
        "projects": 2,
        "impact_verified": 1,
    }
    assert figures["evaluations"] == {"reviews_submitted": 1}
    assert figures["funding"]["by_source"] == [
        {"currency": "PEN", "source": "private", "amount": "50000.50"},
        {"currency": "PEN", "source": "public", "amount": "100000.00"},
        {"currency": "USD", "source": "private", "amount": "20000.00"},
    ]
    assert figures["funding"]["totals"] == [
        {"currency": "PEN", "amount": "150000.50"},
        {"currency": "USD", "amount": "20000.00"},
    ]
    assert figures["missions"] == {
        "missions": 1,
        "delegates": 3,
        "organizations": 2,
        "contacts": 13,
        "agreements": 2,
        "business": [
            {"currency": "PEN", "amount": "5000.00"},
            {"currency": "USD", "amount": "121000.00"},
        ],
    }
    members = figures["members"]
    assert members["joined"] == 2  # the mining company and the (since lapsed) university
    assert {"key": "large", "count": 1} in members["by_scale"]
    assert members["monthly"][0]["month"] == "2025-03"
    assert members["monthly"][0]["active"] == members["active_at_end"]


def test_json_and_constant_queries(world: None) -> None:
    import json

    figures, queries = count_queries(
        KPIS_COMPUTE_QUERIES, lambda: kpis_compute(starts_on=Q1[0], ends_on=Q1[1])
    )
    assert queries == KPIS_COMPUTE_QUERIES
    assert json.loads(json.dumps(figures)) == figures
    # More rows, same queries.
    for _ in range(5):
        ChallengeFactory(submitted_at=lima(2025, 2, 1, 10))
        ProjectFundingFactory(project=ProjectFactory(created_at=lima(2025, 2, 3, 8)))
        OrganizationFactory(member_since=D(2025, 1, 20))
    _again, more = count_queries(
        KPIS_COMPUTE_QUERIES, lambda: kpis_compute(starts_on=Q1[0], ends_on=Q1[1])
    )
    assert more == queries


def test_an_empty_database_counts_zero() -> None:
    figures = kpis_compute(starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 31))
    assert figures["members"]["monthly"] == [
        {"month": "2025-01", "active": 0, "joined": 0},
        {"month": "2025-02", "active": 0, "joined": 0},
        {"month": "2025-03", "active": 0, "joined": 0},
    ]
    assert figures["funding"] == {"by_source": [], "totals": []}
    assert figures["missions"]["business"] == []
    with pytest.raises(ValueError):  # noqa: PT011
        kpis_compute(starts_on=D(2025, 3, 1), ends_on=D(2025, 2, 1))
