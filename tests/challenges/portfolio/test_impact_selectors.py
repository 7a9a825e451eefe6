"""Reads of the impact ledger (challenges.selectors.impact): a project's ledger for whoever
sees the project, and the portfolio's totals for the staff and the public showcase, on a
hand-computed example, in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from djmoney.money import Money

from challenges.models import ImpactEntry, Project, ProjectFunding
from challenges.selectors.impact import (
    PortfolioImpact,
    impact_entry_get_for_user,
    portfolio_impact_totals,
    project_impact_ledger,
    showcase_impact_totals,
)
from challenges.services.impact import impact_claim
from members.models import Capability
from tests.challenges.factories import (
    ImpactEntryFactory,
    MiningCompanyFactory,
    ProjectFundingFactory,
    ProjectOrganizationFactory,
)
from tests.members.factories import CapabilityFactory
from tests.queries import count_queries

from .impact_world import ImpactWorld, evidence, impact_world, jobs

pytestmark = pytest.mark.django_db

Status = ImpactEntry.Status
Kind = ImpactEntry.Kind


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def pen(amount: str) -> Money:
    return Money(Decimal(amount), "PEN")


# --- The ledger ------------------------------------------------------------------------------


@pytest.fixture
def world() -> ImpactWorld:
    return impact_world()


def _ledger_world(world: ImpactWorld) -> dict[str, ImpactEntry]:
    entries = {
        "claim": impact_claim(
            actor=world.lead_person, project=world.project, data=jobs(), files=[evidence()]
        ),
        "rejected": world.entry(Status.REJECTED, rejected_reason="Sin sustento."),
        "original": world.entry(Status.VERIFIED),
    }
    entries["correction"] = world.entry(
        Status.VERIFIED, corrects=entries["original"], amount=usd("80000.00")
    )
    entries["pending"] = world.entry(
        Status.CONFIRMED, corrects=entries["correction"], amount=usd("70000.00")
    )
    return entries


@pytest.mark.parametrize(
    "role", ["lead_person", "partner_person", "sponsor_person", "manager", "auditor"]
)
def test_the_ledger_shows_every_entry_to_whoever_sees_the_project(
    world: ImpactWorld, role: str
) -> None:
    entries = _ledger_world(world)
    lines = project_impact_ledger(user=world.person(role), project=world.project)
    by_id = {line.entry.pk: line for line in lines}
    assert set(by_id) == {e.pk for e in entries.values()}
    assert [a.original_name for a in by_id[entries["claim"].pk].evidence] == ["orden-de-compra.pdf"]
    # The original is replaced by its verified correction; the confirmed one does not count yet.
    assert by_id[entries["original"].pk].superseded
    assert not by_id[entries["original"].pk].counts
    assert by_id[entries["correction"].pk].counts
    assert not by_id[entries["pending"].pk].counts
    assert not by_id[entries["claim"].pk].counts
    assert by_id[entries["original"].pk].corrections == [entries["correction"]]
    assert by_id[entries["correction"].pk].corrections == [entries["pending"]]


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("role", ["other_member", "visitor"])
def test_others_do_not_see_the_ledger(world: ImpactWorld, role: str, public: bool) -> None:
    Project.objects.filter(pk=world.project.pk).update(is_public=public)
    world.project.refresh_from_db()
    entry = world.entry()
    user = world.person(role) or AnonymousUser()
    with pytest.raises(PermissionDenied if public else Http404):
        project_impact_ledger(user=user, project=world.project)
    with pytest.raises(Http404):
        impact_entry_get_for_user(user=user, entry_id=entry.pk)


def test_an_entry_is_found_for_the_sponsor(world: ImpactWorld) -> None:
    entry = world.entry()
    found = impact_entry_get_for_user(user=world.sponsor_person, entry_id=entry.pk)
    assert found == entry
    with pytest.raises(Http404):
        impact_entry_get_for_user(user=world.sponsor_person, entry_id=entry.pk + 1000)


def test_the_ledger_reads_in_constant_queries(world: ImpactWorld) -> None:
    _ledger_world(world)

    def read() -> list[Any]:
        return project_impact_ledger(user=world.sponsor_person, project=world.project)

    lines, few = count_queries(4, read)
    assert len(lines) == 5
    for _ in range(6):
        impact_claim(
            actor=world.lead_person, project=world.project, data=jobs(), files=[evidence()]
        )
    world.entry(Status.VERIFIED)
    lines, many = count_queries(4, read)
    assert len(lines) == 12
    assert many == few


# --- Totals ----------------------------------------------------------------------------------
#
# Project A (public, amounts public; sponsor SA; copper):
#   contract US$ 100,000 verified; contract S/ 50,000 verified; jobs 3 verified;
#   jobs 10 confirmed, jobs 7 claimed, sales S/ 999 rejected (none counts);
#   sales S/ 1,000 verified ← S/ 800 verified ← S/ 700 confirmed → S/ 800.
#   Funding: public S/ 200,000, private S/ 100,000.
# Project B (public, amounts private; sponsor SB; gold):
#   contract US$ 40,000, patent 2, follow-on investment US$ 10,000 (all verified).
#   Funding: public US$ 20,000, private US$ 30,000.
# Project C (private; sponsor SB):
#   pilot 1, sales US$ 5,000 (verified). Funding: private S/ 50,000.


def _entry(project: Project, status: str = Status.VERIFIED, **kwargs: Any) -> ImpactEntry:
    if kwargs.get("kind") in (Kind.JOBS, Kind.PATENT, Kind.PILOT):
        kwargs.setdefault("amount", None)
    return ImpactEntryFactory(project=project, status=status, **kwargs)


def _portfolio() -> dict[str, Any]:
    a = impact_world(is_public=True, public_amounts=True)
    b = impact_world(is_public=True, public_amounts=False)
    c = impact_world(is_public=False)
    sponsor_a, sponsor_b = a.sponsor, b.sponsor
    ProjectOrganizationFactory(project=c.project, organization=sponsor_b, role="sponsor")
    c.project.participants.filter(role="sponsor").exclude(organization=sponsor_b).delete()
    copper = CapabilityFactory(
        dimension=Capability.Dimension.COMMODITY, slug="cobre-t", name_es="Cobre", name_en="Copper"
    )
    gold = CapabilityFactory(
        dimension=Capability.Dimension.COMMODITY, slug="oro-t", name_es="Oro", name_en="Gold"
    )
    a.project.commodities.set([copper])
    b.project.commodities.set([gold])

    pa, pb, pc = a.project, b.project, c.project
    _entry(pa, kind=Kind.CONTRACT, amount=usd("100000.00"))
    _entry(pa, kind=Kind.CONTRACT, amount=pen("50000.00"))
    _entry(pa, kind=Kind.JOBS, count=3)
    _entry(pa, Status.CONFIRMED, kind=Kind.JOBS, count=10)
    _entry(pa, Status.CLAIMED, kind=Kind.JOBS, count=7)
    _entry(pa, Status.REJECTED, kind=Kind.SALES, amount=pen("999.00"))
    first = _entry(pa, kind=Kind.SALES, amount=pen("1000.00"))
    second = _entry(pa, kind=Kind.SALES, amount=pen("800.00"), corrects=first)
    _entry(pa, Status.CONFIRMED, kind=Kind.SALES, amount=pen("700.00"), corrects=second)
    _entry(pb, kind=Kind.CONTRACT, amount=usd("40000.00"))
    _entry(pb, kind=Kind.PATENT, count=2)
    _entry(pb, kind=Kind.INVESTMENT, amount=usd("10000.00"))
    _entry(pc, kind=Kind.PILOT, count=1)
    _entry(pc, kind=Kind.SALES, amount=usd("5000.00"))

    public, private = ProjectFunding.Kind.PUBLIC, ProjectFunding.Kind.PRIVATE
    ProjectFundingFactory(project=pa, kind=public, amount=pen("200000.00"))
    ProjectFundingFactory(project=pa, kind=private, amount=pen("100000.00"))
    ProjectFundingFactory(project=pb, kind=public, amount=usd("20000.00"))
    ProjectFundingFactory(project=pb, kind=private, amount=usd("30000.00"))
    ProjectFundingFactory(project=pc, kind=private, amount=pen("50000.00"))
    return {
        "staff": a.manager,
        "sponsor_a": sponsor_a,
        "sponsor_b": sponsor_b,
        "copper": copper,
        "gold": gold,
    }


def _named(pairs: list[tuple[Any, Any]]) -> dict[int, Any]:
    return {subject.pk: tally for subject, tally in pairs}


def test_staff_totals_count_every_verified_entry() -> None:
    world = _portfolio()
    result = portfolio_impact_totals(user=world["staff"])
    overall = result.overall
    assert overall.amounts(Kind.CONTRACT) == [pen("50000.00"), usd("140000.00")]
    assert overall.amounts(Kind.SALES) == [pen("800.00"), usd("5000.00")]
    assert overall.amounts(Kind.INVESTMENT) == [usd("10000.00")]
    assert overall.counts == {Kind.JOBS: 3, Kind.PATENT: 2, Kind.PILOT: 1}
    assert overall.entries == {
        Kind.CONTRACT: 3,
        Kind.SALES: 2,
        Kind.JOBS: 1,
        Kind.PATENT: 1,
        Kind.INVESTMENT: 1,
        Kind.PILOT: 1,
    }
    sponsors = _named(result.by_sponsor)
    sa, sb = sponsors[world["sponsor_a"].pk], sponsors[world["sponsor_b"].pk]
    assert sa.amounts(Kind.CONTRACT) == [pen("50000.00"), usd("100000.00")]
    assert sa.amounts(Kind.SALES) == [pen("800.00")]
    assert sa.counts == {Kind.JOBS: 3}
    assert sb.amounts(Kind.CONTRACT) == [usd("40000.00")]
    assert sb.amounts(Kind.SALES) == [usd("5000.00")]
    assert sb.counts == {Kind.PATENT: 2, Kind.PILOT: 1}
    commodities = _named(result.by_commodity)
    assert set(commodities) == {world["copper"].pk, world["gold"].pk}
    assert commodities[world["gold"].pk].amounts(Kind.INVESTMENT) == [usd("10000.00")]
    assert commodities[world["copper"].pk].counts == {Kind.JOBS: 3}
    leverage = {item.currency: item for item in result.leverage}
    assert leverage["PEN"].ratio == Decimal("0.75")  # (100,000 + 50,000) / 200,000
    assert leverage["USD"].ratio == Decimal("1.50")  # 30,000 / 20,000
    assert leverage["USD"].with_follow_on == Decimal("2.00")  # (30,000 + 10,000) / 20,000
    assert result.all_amounts


def test_showcase_totals_show_public_projects_and_public_amounts_only() -> None:
    world = _portfolio()
    result = showcase_impact_totals()
    overall = result.overall
    # B's contract and investment count as entries, without their amounts; C is not shown.
    assert overall.amounts(Kind.CONTRACT) == [pen("50000.00"), usd("100000.00")]
    assert overall.entries[Kind.CONTRACT] == 3
    assert overall.amounts(Kind.INVESTMENT) == []
    assert overall.entries[Kind.INVESTMENT] == 1
    assert overall.amounts(Kind.SALES) == [pen("800.00")]
    assert overall.counts == {Kind.JOBS: 3, Kind.PATENT: 2}
    assert Kind.PILOT not in overall.entries
    sb = _named(result.by_sponsor)[world["sponsor_b"].pk]
    assert sb.amounts(Kind.CONTRACT) == []
    assert sb.entries == {Kind.CONTRACT: 1, Kind.PATENT: 1, Kind.INVESTMENT: 1}
    # Only A's funding: its amounts are public.
    assert [(item.currency, item.ratio) for item in result.leverage] == [("PEN", Decimal("0.50"))]
    assert not result.all_amounts


def test_totals_can_be_scoped_to_a_filtered_list() -> None:
    world = _portfolio()
    only_b = Project.objects.filter(participants__organization=world["sponsor_b"], is_public=True)
    result = showcase_impact_totals(projects=only_b)
    assert result.overall.entries == {Kind.CONTRACT: 1, Kind.PATENT: 1, Kind.INVESTMENT: 1}


@pytest.mark.parametrize("role", ["lead_person", "sponsor_person", "other_member"])
def test_portfolio_totals_are_for_staff(world: ImpactWorld, role: str) -> None:
    with pytest.raises(PermissionDenied):
        portfolio_impact_totals(user=world.person(role))


def test_totals_are_computed_in_constant_queries() -> None:
    world = _portfolio()

    # Measured uncached (the cache would answer the second call without a query).
    def staff() -> PortfolioImpact:
        cache.clear()
        return portfolio_impact_totals(user=world["staff"])

    def showcase() -> PortfolioImpact:
        cache.clear()
        return showcase_impact_totals()

    result, staff_few = count_queries(5, staff)
    assert result.overall.entries[Kind.CONTRACT] == 3
    _, showcase_few = count_queries(5, showcase)
    for _ in range(5):
        more = impact_world(is_public=True, public_amounts=True)
        more.project.commodities.set([world["copper"]])
        first = _entry(more.project, kind=Kind.SALES, amount=usd("10.00"))
        _entry(more.project, kind=Kind.SALES, amount=usd("20.00"), corrects=first)
        _entry(more.project, kind=Kind.JOBS, count=1)
        ProjectFundingFactory(project=more.project, kind="public", amount=usd("100.00"))
        MiningCompanyFactory()
    result, staff_many = count_queries(5, staff)
    assert result.overall.amounts(Kind.SALES) == [pen("800.00"), usd("5100.00")]
    _, showcase_many = count_queries(5, showcase)
    assert (staff_many, showcase_many) == (staff_few, showcase_few)


def test_totals_are_cached_until_the_ledger_or_a_project_changes() -> None:
    world = _portfolio()

    def staff() -> PortfolioImpact:
        return portfolio_impact_totals(user=world["staff"])

    first, _ = count_queries(6, staff, warm=False)  # the staff check (1) and the five reads
    again, queries = count_queries(5, staff, warm=False)
    assert again == first
    assert queries < 5  # only the staff check may still query; the ledger is not read again
    # A newly verified entry shows at once (its save starts a new version of the totals).
    project = Project.objects.filter(impact__status=Status.VERIFIED).first()
    _entry(project, kind=Kind.JOBS, count=4)
    assert staff().overall.counts[Kind.JOBS] == first.overall.counts[Kind.JOBS] + 4
    # So does a change of the project's links (a new sponsor) and funding.
    sponsor = MiningCompanyFactory()
    ProjectOrganizationFactory(project=project, organization=sponsor, role="sponsor")
    assert sponsor.pk in _named(staff().by_sponsor)
    before = staff().leverage
    ProjectFundingFactory(project=project, kind="private", amount=usd("1.00"))
    assert staff().leverage != before
    # A filtered list has its own totals.
    only = Project.objects.filter(pk=project.pk)
    assert portfolio_impact_totals(user=world["staff"], projects=only) != staff()
