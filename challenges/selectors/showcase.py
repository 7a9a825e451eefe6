"""Reads of the public showcase of the portfolio: the list of public projects with its totals,
a project's public page and printed summary, and the demo-day slides.

Only what a project consented to show leaves this module's pages (``is_public``,
``public_amounts``, ``public_site``): money of a project that keeps its amounts private never
reaches a card, a slide or the totals strip (:func:`project_tally`, :func:`showcase_totals`),
and templates show the site only when ``public_site`` is set.

Progress is computed in SQL with the formula of ``challenges.progress`` (the pure module): the
weights of the *accepted* milestones among the live ones (workflow tag ``LIVE``: cancelled
milestones drop out) over the weights of the live ones, in tenths of a percent rounded half up;
no live milestone, no progress. Verified impact follows ``challenges.impact_totals`` (the newest
verified member of a correction chain counts; a correction to zero takes it out); the totals
strip is ``challenges.selectors.impact.showcase_impact_totals``.

Every list runs a constant number of queries whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.utils.translation import get_language
from djmoney.money import Money

from members.models import Organization

from .. import permissions
from ..impact_totals import LedgerRow, Tally, contributions_from_chains
from ..models import ImpactEntry, Project, ProjectOrganization
from ..workflows import IMPACT, IN_TOTALS
from .impact import showcase_impact_totals

#: The most slides one presentation holds (each carries its QR code): a demo day shows a few
#: dozen projects; a larger selection is cut and the page says so.
MAX_SLIDES = 60


# --- Building blocks ---------------------------------------------------------------------------


def with_progress(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``progress_tenths`` (and ``progress``, ``at_risk``) in SQL: the portfolio's own
    annotation (:func:`challenges.selectors.portfolio.with_progress`, the formula of
    ``challenges.progress``), so the showcase and the team's pages agree to the digit."""
    from .portfolio import with_progress as annotate_progress

    return annotate_progress(projects)


def _card_prefetches() -> list[Any]:
    return [
        Prefetch(
            "participants",
            queryset=ProjectOrganization.objects.select_related("organization").order_by(
                "role", "organization__legal_name", "pk"
            ),
        ),
        "service_areas",
        "commodities",
        # Frozen entries (confirmed or verified) are what correction chains are made of: the
        # pure module resolves them (the newest verified member of a chain counts).
        Prefetch(
            "impact",
            queryset=ImpactEntry.objects.filter(status__in=tuple(ImpactEntry.FROZEN)).order_by(
                "pk"
            ),
            to_attr="frozen_impact",
        ),
    ]


def with_card_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    """What a card, a public page or a slide shows: progress, organizations, areas,
    commodities and the frozen impact entries, in a fixed number of queries."""
    return with_progress(projects).select_related("call").prefetch_related(*_card_prefetches())


# --- Impact lines and totals ---------------------------------------------------------------------


@dataclass
class ImpactLine:
    """One kind of verified impact: how many (entries for money kinds, the sum of the counts
    for the others) and, only when the amounts are public, the money per currency."""

    kind: str
    label: str
    quantity: int
    amounts: list[Money] = field(default_factory=list)


def impact_lines(tally: Tally) -> list[ImpactLine]:
    """A tally of :mod:`challenges.impact_totals` as lines, in the order of the kinds."""
    lines = []
    for kind, label in ImpactEntry.Kind.choices:
        if not tally.entries.get(kind):
            continue
        if kind in ImpactEntry.MONEY_KINDS:
            lines.append(ImpactLine(kind, str(label), tally.entries[kind], tally.amounts(kind)))
        else:
            lines.append(ImpactLine(kind, str(label), tally.counts.get(kind, 0)))
    return lines


def project_tally(project: Project) -> Tally:
    """What a project loaded by :func:`with_card_data` adds up to, with
    ``challenges.impact_totals``' rules; money only when its amounts are public."""
    counted = set(IMPACT.values_tagged(IN_TOTALS))
    rows = [
        LedgerRow(
            id=entry.pk,
            project_id=entry.project_id,
            kind=entry.kind,
            verified=entry.status in counted,
            corrects_id=entry.corrects_id,
            amount=entry.amount.amount if entry.amount is not None else None,
            currency=str(entry.amount.currency) if entry.amount is not None else "",
            count=entry.count,
            amount_public=project.public_amounts,
        )
        for entry in getattr(project, "frozen_impact", ())
    ]
    tally = Tally()
    for contribution in contributions_from_chains(rows):
        tally.add(contribution)
    return tally


def showcase_totals(projects: QuerySet[Project]) -> list[ImpactLine]:
    """The totals strip: verified impact of the public projects among ``projects``, money only
    from projects whose amounts are public (``selectors.impact.showcase_impact_totals``)."""
    return impact_lines(showcase_impact_totals(projects=projects, breakdowns=False).overall)


# --- Pages ----------------------------------------------------------------------------------------


def public_projects() -> QuerySet[Project]:
    """Projects shown in the public showcase (``is_public``), newest first."""
    return Project.objects.filter(is_public=True).order_by("-starts_on", "-pk")


def showcase_sponsors() -> QuerySet[Organization]:
    """Sponsors of public projects, for the showcase's sponsor filter."""
    sponsoring = ProjectOrganization.objects.filter(
        role=ProjectOrganization.Role.SPONSOR, project__is_public=True
    ).values("organization_id")
    return Organization.objects.filter(pk__in=sponsoring).order_by("legal_name")


def public_project_get(*, user: Any, code: str) -> Project:
    """A project's public page: anyone for a public project; its organizations' people and
    staff may preview a project not (yet) public (``permissions.can_view_public_project``);
    everyone else gets a 404, never a hint that it exists."""
    project = with_card_data(Project.objects.filter(code=code)).prefetch_related("funding").first()
    if project is None or not permissions.can_view_public_project(user, project):
        raise Http404
    return project


def can_present_private(user: Any) -> bool:
    """Portfolio managers may put projects not in the showcase on the demo-day slides."""
    return permissions.can_manage_portfolio(user)


def presentation_projects(*, include_private: bool) -> QuerySet[Project]:
    """The projects a demo-day presentation may hold, in the order of their codes: public ones,
    or every project for a portfolio manager who asked for it (:func:`can_present_private`)."""
    projects = Project.objects.all() if include_private else public_projects()
    return projects.order_by("code")


@dataclass
class OrganizationsByRole:
    lead: list[Organization]
    partners: list[Organization]
    sponsors: list[Organization]


def organizations_by_role(project: Project) -> OrganizationsByRole:
    """The prefetched ``participants`` grouped: the supplier lead, partners, sponsors."""
    groups: dict[str, list[Organization]] = defaultdict(list)
    for participant in project.participants.all():
        groups[participant.role].append(participant.organization)
    return OrganizationsByRole(
        lead=groups[ProjectOrganization.Role.LEAD],
        partners=groups[ProjectOrganization.Role.PARTNER],
        sponsors=groups[ProjectOrganization.Role.SPONSOR],
    )


@dataclass
class ShowcaseCard:
    """What a card, a public page or a slide shows of one project (loaded by
    :func:`with_card_data`)."""

    project: Project
    organizations: OrganizationsByRole
    impact: list[ImpactLine]

    @property
    def progress(self) -> Decimal | None:
        """The percentage with one decimal (``challenges.progress.progress_percent``)."""
        tenths = getattr(self.project, "progress_tenths", None)
        return None if tenths is None else Decimal(tenths) / 10

    @property
    def title(self) -> str:
        return self.project.display_title()

    @property
    def summary(self) -> str:
        return (self.project.summary_en if _english() else "") or self.project.summary

    @property
    def title_lang(self) -> str:
        """``es`` when an English page shows the Spanish title (for ``lang``), else ""."""
        return "es" if _english() and not self.project.title_en else ""

    @property
    def summary_lang(self) -> str:
        return "es" if _english() and not self.project.summary_en else ""


def _english() -> bool:
    return (get_language() or "es").startswith("en")


def showcase_cards(projects: Iterable[Project]) -> list[ShowcaseCard]:
    return [
        ShowcaseCard(project, organizations_by_role(project), impact_lines(project_tally(project)))
        for project in projects
    ]
