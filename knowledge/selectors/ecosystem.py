"""Reads of the ecosystem map, the relations view and the knowledge base's landing page.

Who is counted follows the member directory's audience rule (``members.permissions``):
visitors count the public profiles of active members; cluster members and staff count every
active member (private profiles too). Each breakdown row links to the directory filtered by the
same value, and the directory answers with exactly the number shown (the tests check it).

The relations view names an organization only when the reader may see it in the directory and
shows a relation only when the reader may see its record (a proposal through
``challenges.permissions.can_view_proposal``, a project when public or
``can_view_project``, client lists as member-only fields of profiles, a mission delegation
like the agenda's attendee list: staff and the organizations holding a place); what the reader
may not see is reduced to a count, never a name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from challenges.models import Project, ProjectOrganization, Proposal, ProposalPartner
from challenges.permissions import can_view_project, can_view_proposal
from challenges.workflows import COUNTED, EDITABLE, PROPOSAL
from cluster_portal.core.peru import Region
from members.models import Capability, Organization
from members.permissions import (
    Audience,
    directory_audience,
    organization_details_visible_to,
    organization_visible_to,
)
from members.selectors.organizations import (
    organization_ids_of_user,
    organization_visible_q,
    with_sort_name,
)
from missions.models import Application, Mission
from missions.permissions import HOLDS_PLACE_TAG, PUBLISHED_TAG, can_read_missions_staff
from missions.workflows import APPLICATION, MISSION

from ..models import Article
from .articles import published_articles
from .barriers import barriers_visible_to
from .opportunities import published_opportunities

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Who is counted ---------------------------------------------------------------------------


def ecosystem_member_q(audience: Audience, prefix: str = "") -> Q:
    """The organizations the directory lists for ``audience`` (active members; public profiles
    only for visitors), as a condition on ``prefix`` (e.g. ``"organizations__"``)."""
    condition = Q(**{f"{prefix}membership_status": Organization.MembershipStatus.ACTIVE})
    if audience < Audience.MEMBER:
        condition &= Q(**{f"{prefix}is_public": True})
    return condition


def ecosystem_members(*, audience: Audience) -> QuerySet[Organization]:
    """The members the ecosystem map counts: the directory's rows, without its prefetches."""
    return Organization.objects.filter(ecosystem_member_q(audience))


# --- The map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    """One value of a breakdown: its label, how many members, and the directory filtered by it
    (``None`` when nobody is counted: a link to an empty list helps no one)."""

    value: str
    label: str
    count: int
    url: str | None


@dataclass(frozen=True)
class Breakdown:
    """Members counted by one dimension, ready for a chart and its table."""

    key: str
    title: StrOrPromise
    value_heading: StrOrPromise
    description: StrOrPromise
    rows: list[BreakdownRow]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    def chart_data(self) -> dict[str, Any]:
        """What the chart script reads (through ``json_script``): plain strings and numbers."""
        return {
            "title": str(self.title),
            "labels": [row.label for row in self.rows],
            "counts": [row.count for row in self.rows],
            "datasetLabel": str(_("Members")),
        }


@dataclass(frozen=True)
class EcosystemMap:
    audience: Audience
    total: int
    breakdowns: list[Breakdown]

    @property
    def counts_private_profiles(self) -> bool:
        return self.audience >= Audience.MEMBER


def directory_url(parameter: str, value: str) -> str:
    """The member directory filtered by one of its real query parameters."""
    return f"{reverse('members:directory')}?{urlencode({parameter: value})}"


def _row(parameter: str, value: str, label: str, count: int) -> BreakdownRow:
    return BreakdownRow(
        value=value,
        label=label,
        count=count,
        url=directory_url(parameter, value) if count else None,
    )


def _by_choice_field(members: QuerySet[Organization], field_name: str) -> dict[str, int]:
    rows = members.order_by().values(field_name).annotate(n=Count("pk"))
    return {row[field_name]: row["n"] for row in rows}


def ecosystem_map(*, user: Any) -> EcosystemMap:
    """Members by service area, value-chain stage, region and kind: three queries whatever the
    number of members (kinds, regions, and every active capability term with its count)."""
    audience = directory_audience(user)
    members = ecosystem_members(audience=audience)

    kinds = _by_choice_field(members, "kind")
    kind_rows = [
        _row("kind", value, str(label), kinds.get(value, 0))
        for value, label in Organization.Kind.choices
    ]

    regions = _by_choice_field(members, "region")
    region_labels = dict(Region.choices)
    region_rows = sorted(
        (
            _row("region", value, str(region_labels.get(value, value)), count)
            for value, count in regions.items()
        ),
        key=lambda row: (-row.count, row.label),
    )

    terms = (
        Capability.objects.filter(
            dimension__in=(Capability.Dimension.VALUE_CHAIN, Capability.Dimension.SERVICE_AREA),
            is_active=True,
        )
        .annotate(
            members=Count("organizations", filter=ecosystem_member_q(audience, "organizations__"))
        )
        .order_by("dimension", "position", "slug")
    )
    stage_rows: list[BreakdownRow] = []
    area_rows: list[BreakdownRow] = []
    for term in terms:
        row = _row("capability", term.slug, term.name, term.members)  # type: ignore[attr-defined]
        (stage_rows if term.dimension == Capability.Dimension.VALUE_CHAIN else area_rows).append(
            row
        )
    # Stages keep the value chain's order; service areas read best from the largest.
    area_rows.sort(key=lambda row: (-row.count, row.label))

    breakdowns = [
        Breakdown(
            "capability",
            _("Members by capability"),
            _("Service area"),
            _("A member offering several services is counted in each of them."),
            area_rows,
        ),
        Breakdown(
            "stage",
            _("Members by value-chain stage"),
            _("Value-chain stage"),
            _("A member working in several stages is counted in each of them."),
            stage_rows,
        ),
        Breakdown(
            "region",
            _("Members by region"),
            _("Region"),
            _("Where each member has its main office."),
            region_rows,
        ),
        Breakdown(
            "kind", _("Members by kind"), _("Kind"), _("Each member has one kind."), kind_rows
        ),
    ]
    return EcosystemMap(audience=audience, total=sum(kinds.values()), breakdowns=breakdowns)


# --- Relations --------------------------------------------------------------------------------

#: Relation kinds, in the order the page lists them.
PROPOSAL_RELATION = "proposal"
PROJECT_RELATION = "project"
CLIENT_RELATION = "client"
SUPPLIER_RELATION = "supplier"
MISSION_RELATION = "mission"

RELATION_LABELS: dict[str, StrOrPromise] = {
    PROPOSAL_RELATION: _("joint proposal"),
    PROJECT_RELATION: _("project"),
    CLIENT_RELATION: _("client"),
    SUPPLIER_RELATION: _("supplier"),
    MISSION_RELATION: _("mission delegation"),
}


@dataclass
class Partner:
    """An organization met in a record: named when the reader may see it in the directory."""

    organization: Organization | None
    role: StrOrPromise = ""


@dataclass
class RelationRecord:
    """A proposal, project or mission the centre shares with others, as the reader sees it."""

    title: str
    url: str | None
    partners: list[Partner]
    hidden_partners: int = 0
    note: StrOrPromise = ""


@dataclass
class Neighbour:
    organization: Organization
    relations: dict[str, int] = field(default_factory=dict)
    x: float = 0.0
    y: float = 0.0

    @property
    def strength(self) -> int:
        return sum(self.relations.values())

    @property
    def labels(self) -> list[tuple[StrOrPromise, int]]:
        return [
            (RELATION_LABELS[kind], self.relations[kind])
            for kind in RELATION_LABELS
            if kind in self.relations
        ]


@dataclass
class Relations:
    centre: Organization
    proposals: list[RelationRecord]
    hidden_proposals: int
    projects: list[RelationRecord]
    clients: list[Organization]
    suppliers: list[Organization]
    clients_visible: bool
    missions: list[RelationRecord]
    hidden_missions: int
    neighbours: list[Neighbour]
    hidden_neighbours: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.proposals
            or self.hidden_proposals
            or self.projects
            or self.clients
            or self.suppliers
            or self.missions
            or self.hidden_missions
        )


def relation_choices(*, user: Any) -> QuerySet[Organization]:
    """The organizations the reader may centre the view on: those whose profile they may open."""
    audience = directory_audience(user)
    return with_sort_name(
        Organization.objects.filter(
            organization_visible_q(audience, own_ids=organization_ids_of_user(user))
        ).only("id", "legal_name", "trade_name", "membership_status", "is_public", "kind")
    )


class _Graph:
    """Collects neighbours while the records are read; names only visible organizations."""

    def __init__(self, *, centre: Organization, audience: Audience, own_ids: frozenset[int]):
        self.centre = centre
        self.audience = audience
        self.own_ids = own_ids
        self.neighbours: dict[int, Neighbour] = {}
        self.hidden: set[int] = set()

    def visible(self, organization: Organization) -> bool:
        return organization_visible_to(
            self.audience, organization, own=organization.pk in self.own_ids
        )

    def partner(self, organization: Organization, kind: str, role: StrOrPromise = "") -> Partner:
        if not self.visible(organization):
            self.hidden.add(organization.pk)
            return Partner(None, role)
        self.add(organization, kind)
        return Partner(organization, role)

    def add(self, organization: Organization, kind: str) -> None:
        neighbour = self.neighbours.setdefault(organization.pk, Neighbour(organization))
        neighbour.relations[kind] = neighbour.relations.get(kind, 0) + 1


def _submitted_proposal_states() -> list[str]:
    """Proposals that reached the secretariat (submitted or decided; not drafts, not
    withdrawn): a consortium in a draft is still being negotiated."""
    return [
        value
        for value in PROPOSAL.values_tagged(COUNTED)
        if value not in PROPOSAL.values_tagged(EDITABLE)
    ]


def _proposals(graph: _Graph, user: Any) -> tuple[list[RelationRecord], int]:
    centre = graph.centre
    as_partner = ProposalPartner.objects.filter(
        organization=centre, status=ProposalPartner.Status.CONFIRMED
    ).values("proposal_id")
    proposals = (
        Proposal.objects.filter(Q(lead_organization=centre) | Q(pk__in=as_partner))
        .filter(status__in=_submitted_proposal_states())
        .select_related("lead_organization")
        .prefetch_related(
            Prefetch("partners", queryset=ProposalPartner.objects.select_related("organization"))
        )
        .order_by("-submitted_at", "-pk")
    )
    records: list[RelationRecord] = []
    hidden = 0
    for proposal in proposals:
        consortium = [(proposal.lead_organization, _("lead"))] + [
            (p.organization, _("partner"))
            for p in proposal.partners.all()
            if p.status == ProposalPartner.Status.CONFIRMED
        ]
        others = [(org, role) for org, role in consortium if org.pk != centre.pk]
        if not others:
            continue
        if not can_view_proposal(user, proposal):
            hidden += 1
            continue
        partners = [graph.partner(org, PROPOSAL_RELATION, role) for org, role in others]
        records.append(
            RelationRecord(
                title=proposal.title,
                url=reverse("challenges:proposal_detail", args=[proposal.pk]),
                partners=[p for p in partners if p.organization],
                hidden_partners=sum(1 for p in partners if not p.organization),
                note=proposal.get_status_display(),
            )
        )
    return records, hidden


def _projects(graph: _Graph, user: Any) -> list[RelationRecord]:
    centre = graph.centre
    projects = (
        Project.objects.filter(
            pk__in=ProjectOrganization.objects.filter(organization=centre).values("project_id")
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ProjectOrganization.objects.select_related("organization").order_by(
                    "role", "pk"
                ),
            )
        )
        .order_by("-starts_on", "-pk")
    )
    records: list[RelationRecord] = []
    for project in projects:
        whole = can_view_project(user, project)
        if not (project.is_public or whole):
            continue
        partners = [
            graph.partner(p.organization, PROJECT_RELATION, p.get_role_display())
            for p in project.participants.all()
            if p.organization_id != centre.pk
        ]
        url = (
            reverse("challenges:project_detail", args=[project.pk])
            if whole
            else reverse("challenges:showcase_project", args=[project.code])
        )
        records.append(
            RelationRecord(
                title=f"{project.code} {project.display_title()}",
                url=url,
                partners=[p for p in partners if p.organization],
                hidden_partners=sum(1 for p in partners if not p.organization),
                note=project.get_status_display(),
            )
        )
    return records


def _details_visible_q(audience: Audience, own_ids: Iterable[int]) -> Q:
    """Organizations whose member-only fields the audience reads (the queryset form of
    ``organization_details_visible_to``)."""
    if audience >= Audience.STAFF:
        return Q()
    own = Q(pk__in=list(own_ids))
    if audience >= Audience.MEMBER:
        return Q(membership_status=Organization.MembershipStatus.ACTIVE) | own
    return own


def _clients(graph: _Graph) -> tuple[list[Organization], list[Organization], bool]:
    """The centre's reference clients (a member-only field of its profile) and the suppliers
    that name it as a client (member-only fields of theirs)."""
    centre, audience, own_ids = graph.centre, graph.audience, graph.own_ids
    visible_q = organization_visible_q(audience, own_ids=own_ids)
    clients_visible = organization_details_visible_to(audience, centre, own=centre.pk in own_ids)
    clients: list[Organization] = []
    if clients_visible:
        clients = list(with_sort_name(centre.reference_clients.filter(visible_q)))
    suppliers: list[Organization] = []
    details_q = _details_visible_q(audience, own_ids)
    if audience >= Audience.MEMBER or own_ids:
        suppliers = list(
            with_sort_name(
                Organization.objects.filter(reference_clients=centre).filter(visible_q & details_q)
            )
        )
    for client in clients:
        graph.add(client, CLIENT_RELATION)
    for supplier in suppliers:
        graph.add(supplier, SUPPLIER_RELATION)
    return clients, suppliers, clients_visible


def _mission_title(mission: Mission) -> str:
    english = (get_language() or "es").startswith("en")
    return (mission.title_en if english else "") or mission.title


def _missions(graph: _Graph, user: Any) -> tuple[list[RelationRecord], int]:
    centre = graph.centre
    accepted = Application.Status.ACCEPTED
    holds_place = APPLICATION.values_tagged(HOLDS_PLACE_TAG)
    centre_missions = Application.objects.filter(
        organization=centre,
        status=accepted,
        mission__status__in=MISSION.values_tagged(PUBLISHED_TAG),
        mission__published_at__isnull=False,
    ).values("mission_id")
    # Everyone holding a place in those missions: the accepted ones are the delegation, the
    # reader's own offered place opens the delegation list as the agenda's attendees do.
    rows = (
        Application.objects.filter(mission_id__in=centre_missions, status__in=holds_place)
        .select_related("organization", "mission")
        .order_by("-mission__starts_on", "mission_id", "pk")
    )
    staff = can_read_missions_staff(user)
    by_mission: dict[int, list[Application]] = {}
    missions: dict[int, Mission] = {}
    for application in rows:
        by_mission.setdefault(application.mission_id, []).append(application)
        missions[application.mission_id] = application.mission
    records: list[RelationRecord] = []
    hidden = 0
    for mission_id, applications in by_mission.items():
        sees = staff or any(a.organization_id in graph.own_ids for a in applications)
        if not sees:
            hidden += 1
            continue
        mission = missions[mission_id]
        partners = [
            graph.partner(a.organization, MISSION_RELATION)
            for a in applications
            if a.status == accepted and a.organization_id != centre.pk
        ]
        records.append(
            RelationRecord(
                title=_mission_title(mission),
                url=reverse("missions:mission_detail", args=[mission.slug]),
                partners=[p for p in partners if p.organization],
                hidden_partners=sum(1 for p in partners if not p.organization),
                note=mission.get_status_display(),
            )
        )
    return records, hidden


#: Size of the drawing of the relations (an SVG viewBox, square).
GRAPH_SIZE = 400
#: At most this many neighbours are drawn; the list below the drawing has them all.
GRAPH_MAX_NEIGHBOURS = 16


def _place(neighbours: list[Neighbour]) -> None:
    """Neighbours on a circle around the centre (the strongest first, from the top)."""
    drawn = neighbours[:GRAPH_MAX_NEIGHBOURS]
    radius = GRAPH_SIZE * 0.36
    for index, neighbour in enumerate(drawn):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(drawn), 1)
        neighbour.x = round(GRAPH_SIZE / 2 + radius * math.cos(angle), 1)
        neighbour.y = round(GRAPH_SIZE / 2 + radius * math.sin(angle), 1)


def organization_relations(*, user: Any, centre: Organization) -> Relations:
    """What the portal knows of ``centre``'s relations, as ``user`` may see it. ``centre``
    must be an organization the reader may see (``relation_choices``). A constant number of
    queries: proposals (2), projects (2), clients and suppliers (2), missions (1)."""
    audience = directory_audience(user)
    own_ids = organization_ids_of_user(user)
    graph = _Graph(centre=centre, audience=audience, own_ids=own_ids)
    proposals, hidden_proposals = _proposals(graph, user)
    projects = _projects(graph, user)
    clients, suppliers, clients_visible = _clients(graph)
    missions, hidden_missions = _missions(graph, user)
    neighbours = sorted(
        graph.neighbours.values(),
        key=lambda n: (-n.strength, n.organization.display_name.lower(), n.organization.pk),
    )
    _place(neighbours)
    return Relations(
        centre=centre,
        proposals=proposals,
        hidden_proposals=hidden_proposals,
        projects=projects,
        clients=clients,
        suppliers=suppliers,
        clients_visible=clients_visible,
        missions=missions,
        hidden_missions=hidden_missions,
        neighbours=neighbours,
        hidden_neighbours=len(graph.hidden - set(graph.neighbours)),
    )


# --- The knowledge base's landing page --------------------------------------------------------


#: How many of the latest items each area shows on the landing page.
LATEST_ITEMS = 3


@dataclass(frozen=True)
class KnowledgeArea:
    key: str
    title: StrOrPromise
    description: StrOrPromise
    count: int
    latest: list[Any]


def knowledge_home(*, user: Any) -> list[KnowledgeArea]:
    """The four areas with what the reader may see of each: a count and the latest items (two
    queries an area, one for the map)."""
    # Each area's own selector decides what the reader sees (K1, K2, K3).
    articles = published_articles(user, Article.objects.all())
    barriers = barriers_visible_to(user).order_by("-updated_at", "-pk")
    opportunities = published_opportunities(user=user).order_by("-updated_at", "-pk")
    audience = directory_audience(user)
    return [
        KnowledgeArea(
            "articles",
            _("Articles and documents"),
            _("Studies, regulations, reports and guides on the southern mining ecosystem."),
            articles.count(),
            list(articles.only("slug", "title", "kind", "published_on")[:LATEST_ITEMS]),
        ),
        KnowledgeArea(
            "barriers",
            _("Regulatory barriers"),
            _(
                "Rules that hold the ecosystem back, with the improvement the cluster proposes "
                "and the members that endorse it."
            ),
            barriers.count(),
            list(barriers.only("code", "title", "status")[:LATEST_ITEMS]),
        ),
        KnowledgeArea(
            "opportunities",
            _("Value-added opportunities"),
            _("From cathodes to wire rod, wire and moulds: products worth making here."),
            opportunities.count(),
            list(opportunities.only("slug", "product", "product_en", "stage")[:LATEST_ITEMS]),
        ),
        KnowledgeArea(
            "ecosystem",
            _("Ecosystem map"),
            _("Members by capability, value-chain stage, region and kind, and how they relate."),
            ecosystem_members(audience=audience).count(),
            [],
        ),
    ]
