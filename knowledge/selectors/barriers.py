"""Reads of the regulatory barrier register: the barriers someone may see (the SQL twin of
``knowledge.permissions.can_view_barrier``), the public list with its filters and counts, one
barrier's page (history, evidence, endorsements, linked challenges and projects the reader may
see), the editors' list and the API's querysets.

Who reads what is one small fact, :class:`BarrierReader`: staff readers see every barrier,
people of an active member organization (and partner tokens with ``knowledge:read``) the
public and members-only ones, everyone else the public ones. Linked challenges go through
``challenges.selectors.surveys.challenges_visible_to`` (a restricted challenge never shows,
except its public version), linked projects are the public ones plus those the reader may see
whole (``challenges.selectors.portfolio.visible_projects``).

Lists annotate the endorsement count and whether one of the reader's organizations endorses
(subqueries: no join multiplies rows), and select the value-chain stage: one query per page
whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from cluster_portal.files.models import Attachment
from cluster_portal.files.selectors import attachment_list_for_target
from members.models import Capability, Organization
from members.permissions import Audience, directory_audience, organization_visible_to
from members.viewer import viewer_for

from .. import permissions
from ..models import BarrierEndorsement, BarrierStatusChange, RegulatoryBarrier, Visibility
from ..permissions import ACTIVE_TAG
from ..workflows import BARRIER

#: Keys understood by :func:`filter_barriers` (query string or a form's cleaned data).
FILTER_KEYS: tuple[str, ...] = ("status", "authority", "stage", "endorsed", "q")
EVIDENCE_PURPOSE = "evidence"


@dataclass(frozen=True)
class BarrierReader:
    """What the visibility rule needs about whoever reads."""

    staff: bool = False
    member: bool = False
    organization_ids: frozenset[int] = frozenset()

    @classmethod
    def for_user(cls, user: Any) -> BarrierReader:
        viewer = viewer_for(user)
        return cls(
            staff=permissions.can_read_knowledge_staff(user),
            member=viewer.is_cluster_member,
            organization_ids=viewer.organization_ids,
        )

    @classmethod
    def for_partner(cls, *, members: bool) -> BarrierReader:
        """A partner token: ``knowledge:read`` reads members-only barriers too,
        ``public:read`` the public ones."""
        return cls(member=members)


def _reader(who: Any) -> BarrierReader:
    return who if isinstance(who, BarrierReader) else BarrierReader.for_user(who)


def visibility_q(who: Any) -> Q:
    reader = _reader(who)
    if reader.staff:
        return Q(pk__isnull=False)
    levels = [Visibility.PUBLIC]
    if reader.member:
        levels.append(Visibility.MEMBERS)
    return Q(visibility__in=levels)


def barriers_visible_to(who: Any) -> QuerySet[RegulatoryBarrier]:
    """Every barrier ``who`` (a user or a :class:`BarrierReader`) may see."""
    return RegulatoryBarrier.objects.filter(visibility_q(who))


def _endorsement_count() -> Coalesce:
    rows = (
        BarrierEndorsement.objects.filter(barrier=OuterRef("pk"))
        .order_by()
        .values("barrier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(
    queryset: QuerySet[RegulatoryBarrier], organization_ids: Iterable[int] = ()
) -> QuerySet[RegulatoryBarrier]:
    """Annotated ``endorsement_count`` and ``endorsed_by_mine`` (one of ``organization_ids``
    endorses it)."""
    ids = list(organization_ids)
    mine: Any = Value(False, output_field=BooleanField())
    if ids:
        mine = Exists(
            BarrierEndorsement.objects.filter(barrier=OuterRef("pk"), organization_id__in=ids)
        )
    return queryset.select_related("value_chain_stage").annotate(
        endorsement_count=_endorsement_count(), endorsed_by_mine=mine
    )


def filter_barriers(
    queryset: QuerySet[RegulatoryBarrier],
    filters: Mapping[str, Any],
    *,
    organization_ids: Iterable[int] = (),
) -> QuerySet[RegulatoryBarrier]:
    """Apply :data:`FILTER_KEYS`: ``status`` (a state of ``BARRIER``), ``authority`` (words
    of it, any case), ``stage`` (a value-chain capability's code), ``endorsed`` (truthy: one
    of ``organization_ids`` endorses it), ``q`` (code, title, rule). Unknown values filter
    nothing out rather than failing."""
    status = filters.get("status") or ""
    if status in dict(BARRIER.choices()):
        queryset = queryset.filter(status=status)
    authority = str(filters.get("authority") or "").strip()
    if authority:
        queryset = queryset.filter(authority__icontains=authority)
    stage = filters.get("stage") or ""
    if isinstance(stage, Capability):
        queryset = queryset.filter(value_chain_stage=stage)
    elif stage:
        queryset = queryset.filter(
            value_chain_stage__slug=str(stage),
            value_chain_stage__dimension=Capability.Dimension.VALUE_CHAIN,
        )
    if filters.get("endorsed") in (True, "1", "true", "on", "yes"):
        queryset = queryset.filter(endorsements__organization_id__in=list(organization_ids))
        queryset = queryset.distinct()
    q = str(filters.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(code__icontains=q) | Q(title__icontains=q) | Q(rule__icontains=q)
        )
    return queryset


def barrier_list(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[RegulatoryBarrier]:
    """The barriers ``user`` may see, filtered, most recently changed first, with their
    endorsement counts (one query)."""
    organization_ids = viewer_for(user).organization_ids
    queryset = with_counts(barriers_visible_to(user), organization_ids)
    return filter_barriers(queryset, filters or {}, organization_ids=organization_ids).order_by(
        "-updated_at", "-pk"
    )


def authority_choices(*, user: Any) -> list[str]:
    """The authorities of the barriers ``user`` may see, for the filter (one query)."""
    return sorted(
        set(barriers_visible_to(user).values_list("authority", flat=True)), key=str.casefold
    )


def stage_choices() -> QuerySet[Capability]:
    return Capability.objects.filter(
        dimension=Capability.Dimension.VALUE_CHAIN, is_active=True
    ).order_by("position", "slug")


# --- One barrier -----------------------------------------------------------------------------


def barrier_detail_queryset() -> QuerySet[RegulatoryBarrier]:
    return RegulatoryBarrier.objects.select_related("value_chain_stage", "created_by").annotate(
        endorsement_count=_endorsement_count()
    )


def barrier_get_for_user(*, user: Any, code: str) -> RegulatoryBarrier:
    """The barrier with ``code`` if ``user`` may see it; ``Http404`` otherwise (missing or
    hidden alike)."""
    barrier = barrier_detail_queryset().filter(code=str(code)).first()
    if barrier is None or not permissions.can_view_barrier(user, barrier):
        raise Http404
    return barrier


def barrier_get_for_staff(*, user: Any, barrier_id: int) -> RegulatoryBarrier:
    barrier = barrier_detail_queryset().filter(pk=barrier_id).first()
    if barrier is None or not permissions.can_read_knowledge_staff(user):
        raise Http404
    return barrier


def barrier_history(barrier: RegulatoryBarrier) -> list[BarrierStatusChange]:
    """The barrier's history, oldest first, with who changed it."""
    return list(
        BarrierStatusChange.objects.filter(barrier=barrier)
        .select_related("actor")
        .order_by("changed_at", "pk")
    )


def barrier_evidence(barrier: RegulatoryBarrier) -> list[Attachment]:
    """The barrier's evidence files, oldest first."""
    return list(
        attachment_list_for_target(target=barrier, purpose=EVIDENCE_PURPOSE).order_by(
            "created_at", "pk"
        )
    )


@dataclass(frozen=True)
class EndorserRow:
    """An endorsement as a reader sees it: the organization's profile is linked only when the
    reader may see it in the directory."""

    endorsement: BarrierEndorsement
    linked: bool

    @property
    def organization(self) -> Organization:
        return self.endorsement.organization


@dataclass(frozen=True)
class Endorsers:
    """The endorsements a reader sees (organizations whose profile they may see), and how
    many others endorse without being shown (a private profile stays private)."""

    rows: list[EndorserRow] = field(default_factory=list)
    hidden: int = 0


def barrier_endorsers(*, user: Any, barrier: RegulatoryBarrier) -> Endorsers:
    """Endorsing organizations, oldest first (one query). Organizations the reader may not see
    in the directory are counted, not named."""
    audience = directory_audience(user)
    own = viewer_for(user).organization_ids
    rows: list[EndorserRow] = []
    hidden = 0
    endorsements = (
        BarrierEndorsement.objects.filter(barrier=barrier)
        .select_related("organization", "endorsed_by")
        .order_by("created_at", "pk")
    )
    for endorsement in endorsements:
        organization = endorsement.organization
        mine = organization.pk in own
        if organization_visible_to(audience, organization, own=mine):
            rows.append(EndorserRow(endorsement, linked=True))
        elif audience >= Audience.MEMBER or mine:
            rows.append(EndorserRow(endorsement, linked=False))
        else:
            hidden += 1
    return Endorsers(rows=rows, hidden=hidden)


def linked_challenges(*, who: Any, barrier: RegulatoryBarrier) -> list[Any]:
    """The challenges the barrier blocks that ``who`` (a user or a challenges ``Reader``) may
    see, with ``display_title`` (the public version where they may not read the original)."""
    from challenges.selectors.surveys import challenges_visible_to

    return list(
        challenges_visible_to(who)
        .filter(regulatory_barriers=barrier)
        .only("pk", "reference", "title", "public_title", "status", "confidentiality")
        .order_by("pk")
    )


def linked_projects(*, user: Any, barrier: RegulatoryBarrier) -> list[Any]:
    """The projects the barrier affects that ``user`` may see: public ones, and those they may
    see whole (annotated ``sees_whole``)."""
    from challenges.selectors.portfolio import visible_projects

    whole = visible_projects(user).values("pk")
    return list(
        projects_visible_to(user)
        .filter(regulatory_barriers=barrier)
        .annotate(sees_whole=Exists(whole.filter(pk=OuterRef("pk"))))
        .order_by("code", "pk")
    )


def endorsable_organizations(*, user: Any, barrier: RegulatoryBarrier) -> list[Organization]:
    """The organizations ``user`` may endorse the barrier for (``can_endorse_barrier``)."""
    viewer = viewer_for(user)
    admin_ids = [o.organization_id for o in viewer.organizations.values() if o.role == "admin"]
    if not admin_ids or not BARRIER.has_tag(barrier, ACTIVE_TAG):
        return []
    organizations = Organization.objects.filter(pk__in=admin_ids).order_by("legal_name", "pk")
    return [o for o in organizations if permissions.can_endorse_barrier(user, barrier, o)]


def endorsements_of(
    *, barrier: RegulatoryBarrier, organization_ids: Iterable[int]
) -> dict[int, BarrierEndorsement]:
    """The barrier's endorsements by the given organizations, by organization id."""
    ids = list(organization_ids)
    if not ids:
        return {}
    return {
        e.organization_id: e
        for e in BarrierEndorsement.objects.filter(barrier=barrier, organization_id__in=ids)
    }


def withdrawable_organizations(*, user: Any, barrier: RegulatoryBarrier) -> list[Organization]:
    """The endorsing organizations ``user`` is an admin of (may withdraw for)."""
    viewer = viewer_for(user)
    admin_ids = [o.organization_id for o in viewer.organizations.values() if o.role == "admin"]
    if not admin_ids:
        return []
    return list(
        Organization.objects.filter(
            pk__in=admin_ids, barrier_endorsements__barrier=barrier
        ).order_by("legal_name", "pk")
    )


# --- Staff -----------------------------------------------------------------------------------


def barrier_staff_list(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[RegulatoryBarrier]:
    """Every barrier for staff readers (``Http404`` for others is the view's), filtered."""
    if not permissions.can_read_knowledge_staff(user):
        return RegulatoryBarrier.objects.none()
    return filter_barriers(with_counts(RegulatoryBarrier.objects.all()), filters or {}).order_by(
        "-updated_at", "-pk"
    )


# --- API -------------------------------------------------------------------------------------


def projects_visible_to(user: Any) -> QuerySet[Any]:
    """Projects ``user`` may see at least publicly (``None``: partners, public ones only)."""
    from challenges.models import Project
    from challenges.selectors.portfolio import visible_projects

    public = Q(is_public=True)
    if user is None:
        return Project.objects.filter(public)
    return Project.objects.filter(public | Q(pk__in=visible_projects(user).values("pk")))


@dataclass(frozen=True)
class LinkedIds:
    """Ids of the linked records a caller may see, by barrier id."""

    challenges: dict[int, list[int]] = field(default_factory=dict)
    projects: dict[int, list[int]] = field(default_factory=dict)


def linked_ids(
    *,
    challenge_reader: Any,
    project_user: Any,
    barrier_ids: Iterable[int],
    all_projects: bool = False,
) -> LinkedIds:
    """For a page of barriers: the ids of the linked challenges ``challenge_reader`` (a user
    or a challenges ``Reader``) may see and of the linked projects ``project_user`` may see
    (``None``: public ones only; ``all_projects``: every one, for a ``portfolio:read`` token),
    by barrier id. Two queries whatever the page's size."""
    from challenges.models import Project
    from challenges.selectors.surveys import challenges_visible_to

    ids = list(barrier_ids)
    challenges: dict[int, list[int]] = {pk: [] for pk in ids}
    projects: dict[int, list[int]] = {pk: [] for pk in ids}
    if not ids:
        return LinkedIds(challenges, projects)
    rows = (
        challenges_visible_to(challenge_reader)
        .filter(regulatory_barriers__in=ids)
        .values_list("regulatory_barriers", "pk")
        .order_by("pk")
    )
    for barrier_id, challenge_id in rows:
        challenges[barrier_id].append(challenge_id)
    projects_seen = Project.objects.all() if all_projects else projects_visible_to(project_user)
    project_rows = (
        projects_seen.filter(regulatory_barriers__in=ids)
        .values_list("regulatory_barriers", "pk")
        .order_by("pk")
    )
    for barrier_id, project_id in project_rows:
        projects[barrier_id].append(project_id)
    return LinkedIds(challenges, projects)


def barrier_api_queryset(*, reader: BarrierReader) -> QuerySet[RegulatoryBarrier]:
    """The barriers ``reader`` may see with what the API serializer needs: counts, stage and
    the history prefetched (the linked ids are the view's, by reader)."""
    history = BarrierStatusChange.objects.order_by("changed_at", "pk")
    return with_counts(barriers_visible_to(reader)).prefetch_related(
        Prefetch("history", queryset=history)
    )
