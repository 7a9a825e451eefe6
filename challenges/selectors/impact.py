"""Reads of the impact ledger: a project's ledger, and the portfolio's totals for the
secretariat and for the public showcase.

Totals are computed in a constant number of queries (five), whatever the number of projects:
the verified entries outside any correction chain are summed in SQL per project, kind and
currency; the few entries of correction chains are read as rows and resolved by
:mod:`challenges.impact_totals` (the newest verified member of a chain counts); sponsors and
commodities are read as links; funding is summed in SQL per kind and currency.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cluster_portal.files.models import Attachment
from members.models import Capability, Organization

from .. import permissions
from ..impact_totals import (
    Contribution,
    Funding,
    ImpactTotals,
    LedgerRow,
    Leverage,
    Tally,
    contributions_from_chains,
    impact_totals,
    superseded_ids,
)
from ..models import ImpactEntry, Project, ProjectFunding, ProjectOrganization
from ..services.impact import EVIDENCE_PURPOSE
from ..workflows import IMPACT, IN_TOTALS

FROZEN = tuple(ImpactEntry.FROZEN)


def _counted() -> tuple[str, ...]:
    return IMPACT.values_tagged(IN_TOTALS)


# --- A project's ledger ----------------------------------------------------------------------


@dataclass
class LedgerLine:
    entry: ImpactEntry
    evidence: list[Attachment] = field(default_factory=list)
    #: Verified, but a newer verified correction replaced its values in the totals.
    superseded: bool = False
    #: The entries that correct this one (any state), oldest first.
    corrections: list[ImpactEntry] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        """Its values count in the totals now."""
        return IMPACT.has_tag(self.entry, IN_TOTALS) and not self.superseded


def _require_project_view(user: Any, project: Project) -> None:
    if permissions.can_view_project(user, project):
        return
    if project.is_public:
        raise PermissionDenied(_("Only the project's organizations and the secretariat see this."))
    raise Http404


def project_impact_ledger(*, user: Any, project: Project) -> list[LedgerLine]:
    """Every entry of the project's ledger — claims, rejected ones and corrections too —
    newest first, with its evidence, for whoever may see the whole project
    (``can_view_project``; ``Http404`` for a private project, ``PermissionDenied`` for a
    public one). Two queries (plus the viewer's organizations)."""
    _require_project_view(user, project)
    entries = list(
        ImpactEntry.objects.filter(project=project)
        .select_related("claimed_by", "confirmed_by", "verified_by", "counterpart", "corrects")
        .order_by("-occurred_on", "-pk")
    )
    evidence: dict[int, list[Attachment]] = defaultdict(list)
    if entries:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(ImpactEntry),
            object_id__in=[e.pk for e in entries],
            purpose=EVIDENCE_PURPOSE,
        ).order_by("created_at", "pk"):
            evidence[attachment.object_id].append(attachment)
    counted = set(_counted())
    superseded = superseded_ids(
        LedgerRow(
            id=e.pk,
            project_id=e.project_id,
            kind=e.kind,
            verified=e.status in counted,
            corrects_id=e.corrects_id,
        )
        for e in entries
        if e.status in FROZEN
    )
    corrections: dict[int, list[ImpactEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.pk):
        if entry.corrects_id is not None:
            corrections[entry.corrects_id].append(entry)
    return [
        LedgerLine(
            entry=e,
            evidence=evidence.get(e.pk, []),
            superseded=e.pk in superseded,
            corrections=corrections.get(e.pk, []),
        )
        for e in entries
    ]


def impact_entry_get_for_user(*, user: Any, entry_id: int) -> ImpactEntry:
    """An entry with its project (organizations prefetched, for the guards) for whoever may
    see the whole project; ``Http404`` otherwise (nobody learns which ids exist)."""
    entry = (
        ImpactEntry.objects.select_related("project", "corrects")
        .prefetch_related("project__participants")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or not permissions.can_view_project(user, entry.project):
        raise Http404
    return entry


# --- Totals ----------------------------------------------------------------------------------


@dataclass
class PortfolioImpact:
    """The totals of a set of projects, with the sponsors and commodities named."""

    overall: Tally
    by_sponsor: list[tuple[Organization, Tally]]
    by_commodity: list[tuple[Capability, Tally]]
    leverage: list[Leverage]
    #: False for the showcase: money of projects that keep amounts private is not in it.
    all_amounts: bool = True


def portfolio_impact_totals(
    *, user: Any, projects: QuerySet[Project] | None = None
) -> PortfolioImpact:
    """Totals of every verified entry of ``projects`` (default: the whole portfolio), for the
    staff (``PermissionDenied`` otherwise). Five queries."""
    if not permissions.can_read_staff_area(user):
        raise PermissionDenied(_("Only the secretariat sees the portfolio's totals."))
    return _portfolio_impact(projects if projects is not None else Project.objects.all())


def showcase_impact_totals(
    *, projects: QuerySet[Project] | None = None, breakdowns: bool = True
) -> PortfolioImpact:
    """Totals for the public showcase: only public projects (of ``projects``, e.g. the
    showcase's filtered list); money (amounts, funding, leverage) only of projects whose
    amounts are public — the entries of the others still count as entries. Five queries;
    three without ``breakdowns`` (no per-sponsor and per-commodity tables: the showcase's
    totals strip, where reading every project's links cost most of the time at 2,000
    projects)."""
    scope = (projects if projects is not None else Project.objects.all()).filter(is_public=True)
    return _portfolio_impact(scope, public=True, breakdowns=breakdowns)


#: Totals are cached per (version, audience, filtered projects' SQL, language) for this long at
#: most; ``totals_changed`` (connected to the ledger's, projects', links' and funding's saves and
#: deletes in ``challenges.apps``) starts a new version, so a verification shows at once. At
#: 2,000 projects the staff portfolio page spent ~200 ms of its ~380 ms on them.
TOTALS_CACHE_SECONDS = 600
TOTALS_VERSION_KEY = "challenges:portfolio-totals:version"


def totals_changed(**kwargs: Any) -> None:
    """Signal receiver: the cached totals are stale (a new version makes every key new)."""
    cache.set(TOTALS_VERSION_KEY, uuid.uuid4().hex, None)


def _totals_key(projects: QuerySet[Project], *, public: bool, breakdowns: bool) -> str | None:
    version = cache.get(TOTALS_VERSION_KEY)
    if version is None:  # first use, or the cache is down (then nothing is cached)
        version = uuid.uuid4().hex
        cache.set(TOTALS_VERSION_KEY, version, None)
    try:
        sql, params = projects.query.sql_with_params()
    except EmptyResultSet:
        return None
    text = f"{version}|{public}|{breakdowns}|{get_language()}|{sql}|{params!r}"
    return "challenges:portfolio-totals:" + hashlib.sha256(text.encode()).hexdigest()


def _portfolio_impact(
    projects: QuerySet[Project], *, public: bool = False, breakdowns: bool = True
) -> PortfolioImpact:
    key = _totals_key(projects, public=public, breakdowns=breakdowns)
    cached = cache.get(key) if key else None
    if isinstance(cached, PortfolioImpact):
        return cached
    result = _compute_portfolio_impact(projects, public=public, breakdowns=breakdowns)
    if key:
        cache.set(key, result, TOTALS_CACHE_SECONDS)
    return result


def _compute_portfolio_impact(
    projects: QuerySet[Project], *, public: bool, breakdowns: bool
) -> PortfolioImpact:
    totals, sponsor_names, commodity_names = _totals(projects, public=public, breakdowns=breakdowns)
    return PortfolioImpact(
        overall=totals.overall,
        by_sponsor=_named(totals.by_sponsor, sponsor_names),
        by_commodity=_named(totals.by_commodity, commodity_names),
        leverage=list(totals.leverage.values()),
        all_amounts=not public,
    )


def _named(tallies: dict[int, Tally], names: dict[int, Any]) -> list[tuple[Any, Tally]]:
    return sorted(
        ((names[pk], tally) for pk, tally in tallies.items() if pk in names),
        key=lambda pair: str(pair[0]).lower(),
    )


def _totals(
    projects: QuerySet[Project], *, public: bool, breakdowns: bool = True
) -> tuple[ImpactTotals, dict[int, Organization], dict[int, Capability]]:
    counted = _counted()
    project_ids = projects.values("pk")
    frozen_corrections = ImpactEntry.objects.filter(corrects=OuterRef("pk"), status__in=FROZEN)
    with_counted = Exists(
        ImpactEntry.objects.filter(project=OuterRef("project_id"), status__in=counted)
    )

    # 1. Verified entries outside any chain, summed in SQL per project, kind and currency.
    groups = (
        ImpactEntry.objects.filter(
            project__in=project_ids, status__in=counted, corrects__isnull=True
        )
        .filter(~Exists(frozen_corrections))
        .values("project_id", "project__public_amounts", "kind", "amount_currency")
        .annotate(total=Sum("amount"), number=Sum("count"), entries=Count("pk"))
        .order_by()
    )
    contributions = [_contribution(group, public=public) for group in groups]

    # 2. Entries of correction chains (frozen members only: a claim or a rejected entry cannot
    #    be corrected, so only frozen entries link a chain together).
    chain_rows = ImpactEntry.objects.filter(project__in=project_ids, status__in=FROZEN).filter(
        Q(corrects__isnull=False) | Exists(frozen_corrections)
    )
    contributions += contributions_from_chains(
        LedgerRow(
            id=pk,
            project_id=project_id,
            kind=kind,
            verified=status in counted,
            corrects_id=corrects_id,
            amount=amount,
            currency=currency or "",
            count=count,
            amount_public=not public or public_amounts,
        )
        for (
            pk,
            project_id,
            kind,
            status,
            corrects_id,
            amount,
            currency,
            count,
            public_amounts,
        ) in chain_rows.values_list(
            "pk",
            "project_id",
            "kind",
            "status",
            "corrects_id",
            "amount",
            "amount_currency",
            "count",
            "project__public_amounts",
        )
    )

    # 3. Sponsors and 4. commodities of the projects with something counted.
    sponsors: dict[int, list[int]] = defaultdict(list)
    sponsor_names: dict[int, Organization] = {}
    commodities: dict[int, list[int]] = defaultdict(list)
    commodity_names: dict[int, Capability] = {}
    if breakdowns:
        for link in (
            ProjectOrganization.objects.filter(
                project__in=project_ids, role=ProjectOrganization.Role.SPONSOR
            )
            .filter(with_counted)
            .select_related("organization")
        ):
            sponsors[link.project_id].append(link.organization_id)
            sponsor_names[link.organization_id] = link.organization
        through = Project.commodities.through
        for commodity_link in (
            through.objects.filter(project__in=project_ids)
            .filter(with_counted)
            .select_related("capability")
        ):
            commodities[commodity_link.project_id].append(commodity_link.capability_id)
            commodity_names[commodity_link.capability_id] = commodity_link.capability

    # 5. Funding per kind and currency (for the leverage).
    funding_rows = ProjectFunding.objects.filter(project__in=project_ids)
    if public:
        funding_rows = funding_rows.filter(project__public_amounts=True)
    funding = _funding(
        funding_rows.values("kind", "amount_currency").annotate(total=Sum("amount")).order_by()
    )
    totals = impact_totals(
        contributions, sponsors=sponsors, commodities=commodities, funding=funding
    )
    return totals, sponsor_names, commodity_names


def _contribution(group: Mapping[str, Any], *, public: bool) -> Contribution:
    money = group["kind"] in ImpactEntry.MONEY_KINDS
    shown = money and (not public or group["project__public_amounts"])
    return Contribution(
        project_id=group["project_id"],
        kind=group["kind"],
        amount=_decimal(group["total"]) if shown else None,
        currency=(group["amount_currency"] or "") if money else "",
        count=None if money else group["number"],
        entries=group["entries"],
    )


def _funding(rows: Iterable[Mapping[str, Any]]) -> list[Funding]:
    return [
        Funding(kind=row["kind"], currency=row["amount_currency"], amount=Decimal(row["total"]))
        for row in rows
        if row["total"] is not None
    ]


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- The secretariat's verification queue ----------------------------------------------------

#: The queue's tabs: entries a portfolio manager may verify (confirmed by a sponsor), and
#: claims still waiting for the sponsor (which the secretariat may reject with a reason).
QUEUE_STATES: dict[str, tuple[str, ...]] = {
    "confirmed": tuple(IMPACT.sources("verify")),
    "claimed": tuple(IMPACT.sources("confirm")),
}


def impact_verification_queue(*, user: Any, state: str = "confirmed") -> QuerySet[ImpactEntry]:
    """The entries waiting for the secretariat (``state`` ``confirmed``: to verify) or for the
    sponsor (``claimed``), oldest first, with their project (participants and organizations
    prefetched for the guards and names), counterpart and people. Any staff role reads it
    (``PermissionDenied`` otherwise); only portfolio managers act (the services check)."""
    if not permissions.can_read_staff_area(user):
        raise PermissionDenied
    statuses = QUEUE_STATES.get(state, QUEUE_STATES["confirmed"])
    order = ("confirmed_at", "pk") if state == "confirmed" else ("claimed_at", "pk")
    return (
        ImpactEntry.objects.filter(status__in=statuses)
        .select_related(
            "project", "counterpart", "corrects", "claimed_by", "confirmed_by", "verified_by"
        )
        .prefetch_related("project__participants__organization")
        .order_by(*order)
    )


def impact_queue_counts() -> dict[str, int]:
    """How many entries wait in each tab of the queue (one query)."""
    rows = (
        ImpactEntry.objects.filter(status__in=[s for v in QUEUE_STATES.values() for s in v])
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status = {row["status"]: row["n"] for row in rows}
    return {
        tab: sum(by_status.get(s, 0) for s in statuses) for tab, statuses in QUEUE_STATES.items()
    }


def impact_evidence(entries: Iterable[ImpactEntry]) -> dict[int, list[Attachment]]:
    """The evidence files of ``entries`` by entry id, oldest first (one query)."""
    ids = [entry.pk for entry in entries]
    evidence: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(ImpactEntry),
            object_id__in=ids,
            purpose=EVIDENCE_PURPOSE,
        ).order_by("created_at", "pk"):
            evidence[attachment.object_id].append(attachment)
    return dict(evidence)
