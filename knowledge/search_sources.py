"""What the portal-wide search index holds: one builder per record type, giving the
:class:`~knowledge.services.search.IndexEntry` values of one record with its permission facts,
and the signal wiring that keeps the index current after each commit.

The visibility columns repeat exactly what each app's predicates and list selectors say
(``members.permissions``, ``challenges.permissions`` + ``challenges.selectors.surveys``,
``missions.permissions``, ``knowledge.permissions``); the tests in
``tests/knowledge/search_sources/`` check each row of this table against those predicates.

==============  ==========================  ==============================  =====================
kind            state                       audience (+ organizations)       url
==============  ==========================  ==============================  =====================
organization    active member, public       public                          profile
                active member, private      members                         profile
                not an active member        organizations: itself           profile
call            published (scheduled on)    public                          call page
                draft                       staff                           call page
challenge       accepted, public            public                          challenge page
                accepted, members           members                         challenge page
                accepted, restricted        organizations: the company      challenge page
                  + its public version      public (variant "public")       challenge page
                draft, submitted, detail    organizations: the company      challenge page
                requested, declined, merged
proposal        any                         organizations: lead + invited   proposal page
                                            or confirmed partners
project         ``is_public``               public (public fields only)     showcase page
                not public                  organizations: its lead,        project page
                                            partners and sponsors
mission         published                   public                          mission page
                draft (or no publish date)  staff                           mission page
article         published or archived       public / members (visibility)   article page
                draft, in review            staff                           article page
barrier         any status                  public / members (visibility)   barrier page
opportunity     published                   public / members (visibility)   opportunity page
                draft                       staff                           opportunity page
==============  ==========================  ==============================  =====================

Staff: every row carries ``staff_permission = "view_staff_area"`` except a public version (which
is public anyway). Every predicate above opens these records to *any* staff role (the
``can_read_*_staff`` predicates are ``view_staff_area``, which every role holds — call managers,
editors and mission coordinators included), so one codename says exactly that.

Decisions:

* **Drafts only their writer sees** (an article draft: its author; not their colleagues) are
  indexed for staff only: the index knows organizations, not people, and widening a draft to
  the author's organization would show it to people the predicate refuses. Authors find their
  drafts on "My articles". Likewise evaluators reach proposals through their assignments, not
  the search.
* **Bilingual records** (calls, projects, missions, opportunities' product) are one row in
  Spanish with the English title and text appended to the summary and body: one result per
  record, found by words of either language (the row's language picks the configuration;
  ``cmsp_es`` is accent-free, so English words still match themselves). An article is one row
  in its own language.
* **A restricted challenge** is two rows: the original for its company (and staff), and, when
  it has a public version, that version as ``variant="public"`` for everyone — with only the
  public title, summary and the taxonomy its public card shows. Its company sees both.
* **A public project** is indexed with its public fields only (title, summary, organizations,
  region, areas; the site only when ``public_site``): its team does not get a second, private
  result; a private project is indexed with its site for its organizations.
* **Taxonomy labels** (operational area, capabilities, topics, value-chain stage) are written in
  both languages, so "relaves" and "tailings" find a tailings challenge by its area too.
* **Markdown** bodies are indexed as plain text (rendered, sanitized, tags stripped), so
  snippets show words, not ``**``.
* **Freshness**: a save or delete of a source model (and the many-to-many and child rows its
  visibility or text depend on: proposal partners, project organizations, capabilities,
  topics) reindexes *that record only*, after commit, through the task
  ``knowledge.tasks.search_reindex``. Dependants are not followed (an organization renamed
  keeps its old name in its projects' rows until they change or the nightly rebuild runs:
  ``knowledge-search-rebuild`` in ``cluster_portal/celery.py``), nor are ``QuerySet.update()``
  writes, which send no signal (the demo clock's); the rebuild covers both.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import strip_tags

from challenges.models import (
    Call,
    Challenge,
    Project,
    ProjectOrganization,
    Proposal,
    ProposalPartner,
)
from challenges.permissions import (
    PUBLISHED_CALL_TAG,
    PUBLISHED_CHALLENGE_TAG,
    partner_organization_ids,
)
from challenges.workflows import CALL, CHALLENGE
from cluster_portal.core import roles
from cluster_portal.core.markdown import render_markdown
from members.models import Organization
from missions.models import Mission
from missions.permissions import is_published

from .models import Article, RegulatoryBarrier, SearchDocument, ValueOpportunity, Visibility
from .permissions import READABLE_TAG
from .services.search import IndexEntry
from .workflows import ARTICLE

Kind = SearchDocument.Kind
Audience = SearchDocument.Audience

#: The codename every staff role holds: each source's predicates open its records to any
#: staff role reading (see the module's docstring).
STAFF_READERS = roles.VIEW_STAFF_AREA


# --- Text helpers ------------------------------------------------------------------------------


def _join(*parts: object) -> str:
    """Non-empty parts, one per line."""
    return "\n".join(text for part in parts if part and (text := str(part).strip()))


def _plain(markdown_text: str | None) -> str:
    """Markdown as the words a reader sees (rendered, sanitized, tags stripped)."""
    if not markdown_text:
        return ""
    return html.unescape(strip_tags(render_markdown(markdown_text)))


def _both_languages(label: Any) -> str:
    """A translatable (lazy) label in Spanish and English ("Relaves y residuos mineros Tailings
    and mine waste"), so words of either language find the record."""
    with translation.override("es"):
        spanish = str(label)
    with translation.override("en"):
        english = str(label)
    return spanish if spanish == english else f"{spanish} {english}"


def _choice_label(obj: models.Model, field: str) -> str:
    """The label of a choice field's value in both languages (``get_FOO_display`` would give
    it in the current language only)."""
    value = getattr(obj, field)
    if not value:
        return ""
    model_field = obj._meta.get_field(field)
    labels = dict(getattr(model_field, "flatchoices", ()))
    return _both_languages(labels.get(value, value))


def _names(items: Iterable[Any]) -> str:
    """Names of taxonomy terms (capabilities, topics) in both languages."""
    return " ".join(
        f"{item.name_es} {item.name_en}" if item.name_en != item.name_es else item.name_es
        for item in items
    )


def _url(name: str, fallback: str, *args: object) -> str:
    """The page's address; ``fallback`` (the documented path) while a knowledge page is not
    routed yet, so indexing never fails because another page is still being built."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _visibility_audience(visibility: str) -> str:
    return Audience.PUBLIC if visibility == Visibility.PUBLIC else Audience.MEMBERS


# --- Builders ----------------------------------------------------------------------------------


def build_organization(organization: Organization) -> list[IndexEntry]:
    """``members.permissions.organization_visible_to``: active members by profile visibility;
    an organization that is not (or no longer) an active member only for its own people."""
    if organization.is_active_member:
        audience = Audience.PUBLIC if organization.is_public else Audience.MEMBERS
        organization_ids: frozenset[int] = frozenset()
    else:
        audience = Audience.ORGANIZATIONS
        organization_ids = frozenset({organization.pk})
    return [
        IndexEntry(
            kind=Kind.ORGANIZATION,
            object_id=organization.pk,
            title=organization.display_name,
            url=reverse("members:organization_detail", args=[organization.pk]),
            audience=audience,
            summary=_join(
                organization.legal_name if organization.trade_name else "",
                _choice_label(organization, "kind"),
                _choice_label(organization, "mining_scale"),
            ),
            body=_join(
                _plain(organization.description),
                organization.ruc,
                organization.city,
                _choice_label(organization, "region"),
                _names(organization.capabilities.all()),
            ),
            organization_ids=organization_ids,
            staff_permission=STAFF_READERS,
            record_updated_at=organization.updated_at,
        )
    ]


def build_call(call: Call) -> list[IndexEntry]:
    """``challenges.permissions.can_view_call``: published states for everyone, drafts for
    staff."""
    published = CALL.has_tag(call, PUBLISHED_CALL_TAG)
    return [
        IndexEntry(
            kind=Kind.CALL,
            object_id=call.pk,
            title=call.title,
            url=reverse("challenges:call_detail", args=[call.code]),
            audience=Audience.PUBLIC if published else Audience.STAFF,
            summary=_join(call.summary, call.title_en, call.summary_en),
            body=_join(_plain(call.description), _plain(call.description_en), call.code),
            staff_permission=STAFF_READERS,
            record_updated_at=call.updated_at,
        )
    ]


def build_challenge(challenge: Challenge) -> list[IndexEntry]:
    """The confidentiality table of ``challenges.permissions`` (and
    ``challenges.selectors.surveys.challenges_visible_to``): see the module's docstring."""
    Confidentiality = Challenge.Confidentiality
    published = CHALLENGE.has_tag(challenge, PUBLISHED_CHALLENGE_TAG)
    organization_ids: frozenset[int] = frozenset()
    if published and challenge.confidentiality == Confidentiality.PUBLIC:
        audience = Audience.PUBLIC
    elif published and challenge.confidentiality == Confidentiality.MEMBERS:
        audience = Audience.MEMBERS
    else:
        audience = Audience.ORGANIZATIONS
        organization_ids = frozenset({challenge.organization_id})
    url = reverse("challenges:challenge_detail", args=[challenge.pk])
    taxonomy = _join(
        _choice_label(challenge, "operational_area"),
        _names(challenge.value_chain_stages.all()),
        _names(challenge.service_areas.all()),
    )
    entries = [
        IndexEntry(
            kind=Kind.CHALLENGE,
            object_id=challenge.pk,
            title=challenge.title,
            url=url,
            audience=audience,
            summary=challenge.problem,
            body=_join(
                challenge.desired_outcome,
                challenge.constraints,
                challenge.impact_notes,
                challenge.site,
                _choice_label(challenge, "region"),
                challenge.organization.display_name,
                challenge.reference,
                taxonomy,
            ),
            organization_ids=organization_ids,
            staff_permission=STAFF_READERS,
            record_updated_at=challenge.updated_at,
        )
    ]
    if published and challenge.is_restricted and challenge.has_public_version:
        entries.append(
            IndexEntry(
                kind=Kind.CHALLENGE,
                object_id=challenge.pk,
                variant="public",
                title=challenge.public_title.strip(),
                url=url,
                audience=Audience.PUBLIC,
                summary=challenge.public_summary,
                body=_join(challenge.reference, taxonomy),
                record_updated_at=challenge.updated_at,
            )
        )
    return entries


def build_proposal(proposal: Proposal) -> list[IndexEntry]:
    """``challenges.permissions.can_view_proposal``: the lead's people, the invited or
    confirmed partners' people, and staff."""
    organization_ids = frozenset(
        {proposal.lead_organization_id, *partner_organization_ids(proposal)}
    )
    return [
        IndexEntry(
            kind=Kind.PROPOSAL,
            object_id=proposal.pk,
            title=proposal.title,
            url=reverse("challenges:proposal_detail", args=[proposal.pk]),
            audience=Audience.ORGANIZATIONS,
            summary=proposal.summary,
            body=_join(proposal.technical_approach, proposal.reference, proposal.call.title),
            organization_ids=organization_ids,
            staff_permission=STAFF_READERS,
            record_updated_at=proposal.updated_at,
        )
    ]


def build_project(project: Project) -> list[IndexEntry]:
    """``challenges.permissions.can_view_public_project`` / ``can_view_project``: a public
    project's showcase page for everyone, a private one for its organizations and staff."""
    participants = list(project.participants.all())
    public_text = _join(
        project.title_en,
        project.summary_en,
        project.code,
        " ".join(p.organization.display_name for p in participants),
        _choice_label(project, "region"),
        _names(project.service_areas.all()),
        _names(project.commodities.all()),
    )
    if project.is_public:
        return [
            IndexEntry(
                kind=Kind.PROJECT,
                object_id=project.pk,
                title=project.title,
                url=reverse("challenges:showcase_project", args=[project.code]),
                audience=Audience.PUBLIC,
                summary=project.summary,
                body=_join(public_text, project.site if project.public_site else ""),
                record_updated_at=project.updated_at,
            )
        ]
    organization_ids = frozenset(p.organization_id for p in participants)
    return [
        IndexEntry(
            kind=Kind.PROJECT,
            object_id=project.pk,
            title=project.title,
            url=reverse("challenges:project_detail", args=[project.pk]),
            audience=Audience.ORGANIZATIONS if organization_ids else Audience.STAFF,
            summary=project.summary,
            body=_join(public_text, project.site),
            organization_ids=organization_ids,
            staff_permission=STAFF_READERS,
            record_updated_at=project.updated_at,
        )
    ]


def build_mission(mission: Mission) -> list[IndexEntry]:
    """``missions.permissions.can_view_mission``: published missions for everyone, drafts for
    staff readers (the public page shows them drafts too)."""
    return [
        IndexEntry(
            kind=Kind.MISSION,
            object_id=mission.pk,
            title=mission.title,
            url=reverse("missions:mission_detail", args=[mission.slug]),
            audience=Audience.PUBLIC if is_published(mission) else Audience.STAFF,
            summary=_join(mission.summary, mission.title_en, mission.summary_en),
            body=_join(
                _plain(mission.objectives),
                _plain(mission.objectives_en),
                mission.cities,
                mission.code,
            ),
            staff_permission=STAFF_READERS,
            record_updated_at=mission.updated_at,
        )
    ]


def build_article(article: Article) -> list[IndexEntry]:
    """``knowledge.permissions.can_view_article``: published and archived articles by
    visibility; drafts and articles in review for staff (see the docstring on authors)."""
    readable = ARTICLE.has_tag(article, READABLE_TAG)
    return [
        IndexEntry(
            kind=Kind.ARTICLE,
            object_id=article.pk,
            title=article.title,
            url=_url(
                "knowledge:article_detail", f"/knowledge/articles/{article.slug}/", article.slug
            ),
            audience=_visibility_audience(article.visibility) if readable else Audience.STAFF,
            language=article.language or "es",
            summary=article.summary,
            body=_join(
                _plain(article.body),
                _choice_label(article, "kind"),
                _names(article.topics.all()),
                article.author_organization.display_name if article.author_organization else "",
            ),
            staff_permission=STAFF_READERS,
            record_updated_at=article.updated_at,
        )
    ]


def build_barrier(barrier: RegulatoryBarrier) -> list[IndexEntry]:
    """``knowledge.permissions.can_view_barrier``: by visibility, whatever the status."""
    stage = barrier.value_chain_stage
    return [
        IndexEntry(
            kind=Kind.BARRIER,
            object_id=barrier.pk,
            title=barrier.title,
            url=_url(
                "knowledge:barrier_detail", f"/knowledge/barriers/{barrier.code}/", barrier.code
            ),
            audience=_visibility_audience(barrier.visibility),
            summary=_plain(barrier.description),
            body=_join(
                barrier.rule,
                barrier.rule_article,
                barrier.authority,
                barrier.manifestation,
                barrier.improvement_proposal,
                barrier.case_number,
                barrier.code,
                _names([stage]) if stage is not None else "",
            ),
            staff_permission=STAFF_READERS,
            record_updated_at=barrier.updated_at,
        )
    ]


def build_opportunity(opportunity: ValueOpportunity) -> list[IndexEntry]:
    """``knowledge.permissions.can_view_opportunity``: published ones by visibility, drafts for
    staff."""
    published = opportunity.status == ValueOpportunity.Status.PUBLISHED
    return [
        IndexEntry(
            kind=Kind.OPPORTUNITY,
            object_id=opportunity.pk,
            title=opportunity.product,
            url=_url(
                "knowledge:opportunity_detail",
                f"/knowledge/opportunities/{opportunity.slug}/",
                opportunity.slug,
            ),
            audience=(
                _visibility_audience(opportunity.visibility) if published else Audience.STAFF
            ),
            summary=_join(opportunity.product_en, opportunity.summary),
            body=_join(
                opportunity.hs_code,
                _choice_label(opportunity, "stage"),
                _plain(opportunity.market_notes),
                opportunity.local_capability,
                opportunity.economic_justification,
                opportunity.financial_justification,
                opportunity.environmental_justification,
            ),
            staff_permission=STAFF_READERS,
            record_updated_at=opportunity.updated_at,
        )
    ]


# --- Registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One record type of the index: its model, its builder, and the queryset (with what the
    builder reads prefetched) that rebuilds and the task load records from."""

    kind: str
    model: type[models.Model]
    build: Callable[[Any], list[IndexEntry]]
    queryset: Callable[[], QuerySet[Any]]


def _organizations() -> QuerySet[Any]:
    return Organization.objects.prefetch_related("capabilities")


def _challenges() -> QuerySet[Any]:
    return Challenge.objects.select_related("organization").prefetch_related(
        "value_chain_stages", "service_areas"
    )


def _proposals() -> QuerySet[Any]:
    return Proposal.objects.select_related("call").prefetch_related("partners")


def _projects() -> QuerySet[Any]:
    participants = ProjectOrganization.objects.select_related("organization").order_by("role", "pk")
    return Project.objects.prefetch_related(
        Prefetch("participants", queryset=participants), "service_areas", "commodities"
    )


def _articles() -> QuerySet[Any]:
    return Article.objects.select_related("author_organization").prefetch_related("topics")


def _barriers() -> QuerySet[Any]:
    return RegulatoryBarrier.objects.select_related("value_chain_stage")


#: Every record type of the index, by kind.
SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (
        Source(Kind.ORGANIZATION, Organization, build_organization, _organizations),
        Source(Kind.CALL, Call, build_call, Call.objects.all),
        Source(Kind.CHALLENGE, Challenge, build_challenge, _challenges),
        Source(Kind.PROPOSAL, Proposal, build_proposal, _proposals),
        Source(Kind.PROJECT, Project, build_project, _projects),
        Source(Kind.MISSION, Mission, build_mission, Mission.objects.all),
        Source(Kind.ARTICLE, Article, build_article, _articles),
        Source(Kind.BARRIER, RegulatoryBarrier, build_barrier, _barriers),
        Source(Kind.OPPORTUNITY, ValueOpportunity, build_opportunity, ValueOpportunity.objects.all),
    )
}


def entries_for(kind: str, object_id: int) -> list[IndexEntry]:
    """The entries of one record as it is now (none when it is gone)."""
    source = SOURCES[kind]
    record = source.queryset().filter(pk=object_id).first()
    return source.build(record) if record is not None else []


# --- Freshness: signals → after commit → the task ----------------------------------------------


def schedule_reindex(kind: str, object_id: int) -> None:
    """Reindex one record after the current transaction commits (at once without one)."""
    from cluster_portal.tasks import enqueue_on_commit

    from .tasks import search_reindex

    enqueue_on_commit(search_reindex, kind=kind, object_id=object_id)


def _on_record_change(kind: str) -> Callable[..., None]:
    def handler(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw or instance.pk is None:  # fixtures load raw rows; the rebuild indexes them
            return
        schedule_reindex(kind, instance.pk)

    return handler


def _on_child_change(kind: str, parent_field: str) -> Callable[..., None]:
    """A row the record's visibility depends on (a proposal's partner, a project's
    organization) changed: reindex the record it belongs to."""

    def handler(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        parent_id = getattr(instance, f"{parent_field}_id", None)
        if raw or parent_id is None:
            return
        schedule_reindex(kind, parent_id)

    return handler


def _on_m2m_change(kind: str) -> Callable[..., None]:
    """``m2m_changed`` from the record's side (``instance`` is the record) or from the other
    side (``reverse``: ``pk_set`` holds the records)."""

    def handler(
        sender: Any,
        instance: Any,
        action: str,
        reverse: bool,
        pk_set: set[int] | None,
        **kwargs: Any,
    ) -> None:
        if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
            return
        if not reverse:
            if action != "pre_clear":
                schedule_reindex(kind, instance.pk)
            return
        # From the other side: a clear gives no pk_set, so find the records before it goes.
        if action == "pre_clear":
            field = _REVERSE_M2M.get(sender)
            ids = list(getattr(instance, field).values_list("pk", flat=True)) if field else []
        elif action == "post_clear":
            return
        else:
            ids = list(pk_set or ())
        for object_id in ids:
            schedule_reindex(kind, object_id)

    return handler


#: ``through`` model → the accessor from the other side, for reverse ``clear()``.
_REVERSE_M2M: dict[Any, str] = {}

#: Handlers stay referenced here (signals hold weak references by default).
_HANDLERS: list[Callable[..., None]] = []


def _connect_record(kind: str, model: type[models.Model]) -> None:
    handler = _on_record_change(kind)
    _HANDLERS.append(handler)
    post_save.connect(handler, sender=model, dispatch_uid=f"search:{kind}:save")
    post_delete.connect(handler, sender=model, dispatch_uid=f"search:{kind}:delete")


def _connect_child(kind: str, model: type[models.Model], parent_field: str) -> None:
    handler = _on_child_change(kind, parent_field)
    _HANDLERS.append(handler)
    name = model._meta.label_lower
    post_save.connect(handler, sender=model, dispatch_uid=f"search:{kind}:{name}:save")
    post_delete.connect(handler, sender=model, dispatch_uid=f"search:{kind}:{name}:delete")


def _connect_m2m(kind: str, field: Any, reverse_accessor: str) -> None:
    handler = _on_m2m_change(kind)
    _HANDLERS.append(handler)
    _REVERSE_M2M[field.through] = reverse_accessor
    m2m_changed.connect(
        handler, sender=field.through, dispatch_uid=f"search:{kind}:{field.through._meta.label}"
    )


def connect_signals() -> None:
    """Wire every source model to the index (called once by ``KnowledgeConfig.ready``)."""
    for source in SOURCES.values():
        _connect_record(source.kind, source.model)
    # Visibility depends on these rows.
    _connect_child(Kind.PROPOSAL, ProposalPartner, "proposal")
    _connect_child(Kind.PROJECT, ProjectOrganization, "project")
    _connect_m2m(Kind.PROJECT, Project.organizations, "projects")
    # Text depends on these terms.
    _connect_m2m(Kind.ORGANIZATION, Organization.capabilities, "organizations")
    _connect_m2m(Kind.CHALLENGE, Challenge.value_chain_stages, "challenges_by_stage")
    _connect_m2m(Kind.CHALLENGE, Challenge.service_areas, "challenges_by_service")
    _connect_m2m(Kind.PROJECT, Project.service_areas, "area_projects")
    _connect_m2m(Kind.PROJECT, Project.commodities, "commodity_projects")
    _connect_m2m(Kind.ARTICLE, Article.topics, "articles")


# --- Rebuild -----------------------------------------------------------------------------------


@dataclass
class RebuildCount:
    """What a rebuild did for one kind: records indexed, rows written, rows removed (records
    that are gone or no longer searchable)."""

    records: int = 0
    rows: int = 0
    removed: int = 0


def rebuild(
    *, kinds: Iterable[str] | None = None, chunk_size: int = 500
) -> dict[str, RebuildCount]:
    """Rebuild the index of ``kinds`` (default: all) from the records, in chunks of
    ``chunk_size`` (``iterator``, prefetches per chunk); rows of records that no longer exist
    or are no longer searchable are removed. Idempotent: a second run writes the same rows."""
    from .services.search import index_remove, index_replace

    counts: dict[str, RebuildCount] = {}
    for kind in kinds if kinds is not None else SOURCES:
        source = SOURCES[kind]
        count = counts[kind] = RebuildCount()
        indexed_before = set(
            SearchDocument.objects.filter(kind=kind).values_list("object_id", flat=True)
        )
        for record in source.queryset().order_by("pk").iterator(chunk_size=chunk_size):
            entries = source.build(record)
            if entries:
                index_replace(kind=kind, object_id=record.pk, entries=entries)
                count.records += 1
                count.rows += len(entries)
                indexed_before.discard(record.pk)
        for object_id in sorted(indexed_before):
            index_remove(kind=kind, object_id=object_id)
            count.removed += 1
    return counts
