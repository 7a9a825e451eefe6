"""Reads of the challenge survey: who sees which challenge (in SQL), how a restricted challenge
is shown to outsiders (its public version only), the company's own list, the triage queue and
similar challenges.

The confidentiality table of :mod:`challenges.permissions` is implemented here as a ``Q`` over
the reader's facts (:class:`Reader`): the rows a person may see, and for each whether they read
the original (``shows_original``) or only the public version. Titles and summaries shown to
the reader are chosen **in SQL** (``display_title`` / ``display_summary``), and the lists build
:class:`ChallengeCard` objects that hold no original text when ``shows_original`` is False, so
a template or serializer cannot print the restricted words by mistake.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Trim
from django.http import Http404
from django.utils import timezone

from cluster_portal.core.queues import Queue, QueuePage
from members.models import Capability, Organization
from members.viewer import viewer_for

from .. import permissions
from ..models import Challenge, SurveyRound
from ..workflows import CHALLENGE, EDITABLE, IN_QUEUE, PUBLISHED

Confidentiality = Challenge.Confidentiality

# --- Who reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """The facts the confidentiality table needs about whoever reads: a person (from the
    viewer), a partner token (its organization and scopes), or a visitor."""

    staff: bool = False
    member: bool = False
    organization_ids: frozenset[int] = frozenset()

    @classmethod
    def for_user(cls, user: Any) -> Reader:
        viewer = viewer_for(user)
        return cls(
            staff=permissions.can_read_challenges_staff(user),
            member=viewer.is_cluster_member,
            organization_ids=viewer.organization_ids,
        )

    @classmethod
    def for_partner(cls, organization: Organization | None, scopes: Iterable[str]) -> Reader:
        """A partner token: members level with ``challenges:read`` when its organization is an
        active member (as ``members:read`` in the directory API), else a visitor; its own
        organization's challenges in full."""
        own = frozenset({organization.pk}) if organization is not None else frozenset()
        member = (
            "challenges:read" in set(scopes)
            and organization is not None
            and organization.is_active_member
        )
        return cls(staff=False, member=bool(member), organization_ids=own)


VISITOR = Reader()


def _reader(who: Any) -> Reader:
    return who if isinstance(who, Reader) else Reader.for_user(who)


def _published() -> Q:
    return Q(status__in=CHALLENGE.values_tagged(PUBLISHED))


def _original_q(reader: Reader) -> Q:
    """Rows whose original words ``reader`` reads (``can_view_challenge_original``)."""
    if reader.staff:
        return Q(pk__isnull=False)
    levels = [Confidentiality.PUBLIC]
    if reader.member:
        levels.append(Confidentiality.MEMBERS)
    query = _published() & Q(confidentiality__in=levels)
    if reader.organization_ids:
        query |= Q(organization_id__in=reader.organization_ids)
    return query


def _public_version_q() -> Q:
    """Published restricted rows with a public version (``has_public_version``: a title that
    is not blank; ``_public_title_trimmed`` is annotated by :func:`challenges_visible_to`)."""
    return (
        _published() & Q(confidentiality=Confidentiality.RESTRICTED) & ~Q(_public_title_trimmed="")
    )


def challenges_visible_to(who: Any) -> QuerySet[Challenge]:
    """Every challenge ``who`` (a user or a :class:`Reader`) may see, annotated with
    ``shows_original`` and the ``display_title`` / ``display_summary`` to show them — the
    public version where they may not read the original. The SQL twin of
    ``challenges.permissions.can_view_challenge``."""
    reader = _reader(who)
    original = _original_q(reader)
    queryset = Challenge.objects.alias(_public_title_trimmed=Trim("public_title"))
    if not reader.staff:
        queryset = queryset.filter(original | _public_version_q())
    return queryset.annotate(
        shows_original=Case(
            When(original, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        display_title=Case(
            When(original, then=F("title")),
            default=F("public_title"),
            output_field=CharField(),
        ),
        display_summary=Case(
            When(original, then=F("problem")),
            default=F("public_summary"),
            output_field=TextField(),
        ),
    )


def _with_related(queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    stages = Capability.objects.order_by("position", "slug")
    return queryset.select_related("organization", "survey_round").prefetch_related(
        Prefetch("value_chain_stages", queryset=stages),
        Prefetch("service_areas", queryset=stages),
    )


@dataclass(frozen=True)
class ChallengeCard:
    """A challenge as one reader may see it. For a public version only the public texts and
    the taxonomy are filled in; the company, site, region, impacts and original texts are
    empty."""

    pk: int
    reference: str
    status: str
    confidentiality: str
    shows_original: bool
    title: str
    summary: str
    operational_area: str
    operational_area_label: str
    value_chain_stages: list[Capability] = field(default_factory=list)
    service_areas: list[Capability] = field(default_factory=list)
    submitted_at: datetime | None = None
    organization: Organization | None = None
    challenge: Challenge | None = None  # the row itself, only when the original is shown

    @property
    def is_public_version(self) -> bool:
        return not self.shows_original


def card_for(challenge: Challenge) -> ChallengeCard:
    """The card of a row of :func:`challenges_visible_to` (its annotations are required)."""
    original = bool(challenge.shows_original)  # type: ignore[attr-defined]
    return ChallengeCard(
        pk=challenge.pk,
        reference=challenge.reference or "",
        status=challenge.status,
        confidentiality=challenge.confidentiality,
        shows_original=original,
        title=challenge.display_title,  # type: ignore[attr-defined]
        summary=challenge.display_summary,  # type: ignore[attr-defined]
        operational_area=challenge.operational_area,
        operational_area_label=str(challenge.get_operational_area_display()),
        value_chain_stages=list(challenge.value_chain_stages.all()),
        service_areas=list(challenge.service_areas.all()),
        submitted_at=challenge.submitted_at,
        organization=challenge.organization if original else None,
        challenge=challenge if original else None,
    )


def cards(rows: Iterable[Challenge]) -> list[ChallengeCard]:
    return [card_for(row) for row in rows]


def challenge_list_queryset(who: Any) -> QuerySet[Challenge]:
    """The public list (``/challenges/`` and ``GET /api/v1/challenges/``): published
    challenges ``who`` may see, newest first, with what a card needs."""
    return _with_related(challenges_visible_to(who).filter(_published())).order_by(
        "-submitted_at", "-pk"
    )


def challenge_get_for_user(*, who: Any, challenge_id: int) -> Challenge:
    """One challenge ``who`` may see (annotated like :func:`challenges_visible_to`); 404
    otherwise, whether it does not exist or is hidden."""
    challenge = _with_related(challenges_visible_to(who)).filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404
    return challenge


def my_challenges(user: Any) -> QuerySet[Challenge]:
    """The challenges of the person's companies (every status), newest first."""
    ids = viewer_for(user).organization_ids
    return (
        _with_related(challenges_visible_to(user).filter(organization_id__in=ids))
        .select_related("merged_into")
        .order_by("-created_at", "-pk")
    )


def my_challenge_get(*, user: Any, challenge_id: int) -> Challenge:
    """One challenge of the person's companies; 404 for anything else."""
    challenge = my_challenges(user).filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404
    return challenge


def companies_for_challenges(user: Any) -> list[Organization]:
    """The mining companies the person may report challenges for."""
    ids = viewer_for(user).organization_ids
    return list(
        Organization.objects.filter(pk__in=ids, kind=Organization.Kind.MINING_COMPANY).order_by(
            "legal_name"
        )
    )


def editable_states() -> tuple[str, ...]:
    return CHALLENGE.values_tagged(EDITABLE)


# --- Survey rounds --------------------------------------------------------------------------------


def survey_rounds_with_counts() -> QuerySet[SurveyRound]:
    """Rounds, newest first, with how many challenges were submitted in each (one query)."""
    return SurveyRound.objects.annotate(
        challenge_count=Count("challenges", filter=~Q(challenges__status=Challenge.Status.DRAFT))
    ).order_by("-opens_at", "-pk")


# --- Triage ---------------------------------------------------------------------------------------


def _search(query: str) -> Q:
    return (
        Q(title__icontains=query)
        | Q(reference__icontains=query)
        | Q(organization__legal_name__icontains=query)
        | Q(organization__trade_name__icontains=query)
        | Q(problem__icontains=query)
    )


def _triage_queue() -> Queue:
    """The secretariat's queue: a tab per state of the table but *draft* (drafts are the
    companies'), "All" last; the default tab is the first state waiting for the secretariat
    (``IN_QUEUE``), oldest waiting first; other tabs newest first."""
    waiting = CHALLENGE.values_tagged(IN_QUEUE)[0]
    queue = Queue.for_workflow(
        CHALLENGE,
        default=waiting,
        search=_search,
        ordering=("-submitted_at", "-pk"),
        tab_ordering={waiting: ("queued_at", "pk")},
    )
    return dataclasses.replace(
        queue, tabs=[t for t in queue.tabs if t.value != Challenge.Status.DRAFT]
    )


TRIAGE_QUEUE = _triage_queue()


def triage_queue(*, params: Mapping[str, Any]) -> QueuePage:
    """One page of the triage queue (tab counts in one query)."""
    rows = Challenge.objects.select_related("organization", "submitted_by", "merged_into").exclude(
        status=Challenge.Status.DRAFT
    )
    return TRIAGE_QUEUE.page(
        rows, params, count_queryset=Challenge.objects.exclude(status=Challenge.Status.DRAFT)
    )


def triage_waiting_count(viewer: Any = None) -> int:
    """Challenges waiting for the secretariat (the staff area's count)."""
    return Challenge.objects.filter(status__in=CHALLENGE.values_tagged(IN_QUEUE)).count()


def triage_get(*, user: Any, challenge_id: int) -> Challenge:
    """A submitted challenge for the secretariat's triage page (any staff role reads it)."""
    if not permissions.can_read_challenges_staff(user):
        raise Http404
    challenge = (
        _with_related(Challenge.objects.exclude(status=Challenge.Status.DRAFT))
        .select_related("submitted_by", "merged_into", "triaged_by", "public_version_by")
        .prefetch_related("shared_with__organization", "merged_challenges__organization")
        .filter(pk=challenge_id)
        .first()
    )
    if challenge is None:
        raise Http404
    return challenge


def waiting_days(challenge: Challenge, now: datetime | None = None) -> int | None:
    if challenge.queued_at is None:
        return None
    return max(0, ((now or timezone.now()) - challenge.queued_at).days)


def merge_targets(challenge: Challenge, *, limit: int = 30) -> list[Challenge]:
    """Where ``challenge`` may be merged: similar challenges first, then the newest others in a
    state the table lets a challenge be merged into (staff only: originals)."""
    allowed = CHALLENGE.sources("merge")
    similar = [
        c
        for c in similar_challenges(challenge, viewer=Reader(staff=True), limit=10)
        if c.status in allowed
    ]
    seen = {c.pk for c in similar} | {challenge.pk}
    rest = list(
        Challenge.objects.filter(status__in=allowed)
        .exclude(pk__in=seen)
        .select_related("organization")
        .order_by("-submitted_at", "-pk")[: max(0, limit - len(similar))]
    )
    return [*similar, *rest]


# --- Similar challenges ---------------------------------------------------------------------------

#: Spanish and English words too common to say two challenges are alike.
STOP_WORDS = frozenset(
    [
        "a",
        "al",
        "ante",
        "con",
        "contra",
        "de",
        "del",
        "desde",
        "el",
        "en",
        "entre",
        "hacia",
        "hasta",
        "la",
        "las",
        "lo",
        "los",
        "para",
        "por",
        "que",
        "se",
        "sin",
        "sobre",
        "su",
        "sus",
        "un",
        "una",
        "unos",
        "unas",
        "y",
        "o",
        "u",
        "e",
        "es",
        "son",
        "mas",
        "muy",
        "no",
        "si",
        "ya",
        "como",
        "cuando",
        "donde",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "an",
        "is",
        "are",
        "be",
        "at",
        "from",
        "this",
        "that",
        "it",
        "its",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def normalized_tokens(text: str) -> set[str]:
    """Lower-case, accent-folded words of three letters or more, without stop words."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return {w for w in _WORD.findall(folded) if len(w) >= 3 and w not in STOP_WORDS}


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_challenges(
    challenge: Challenge, *, viewer: Any, limit: int = 5, pool: int = 500
) -> list[Challenge]:
    """Challenges like ``challenge`` that ``viewer`` (user or :class:`Reader`) may see, most
    similar first, each annotated like :func:`challenges_visible_to`.

    The source's own words are used to look (the reader asked about it, so they see it); the
    candidates are compared on what the viewer sees of them (``display_title`` /
    ``display_summary``), never on a restricted original, so the ranking reveals nothing
    either. PostgreSQL: trigram similarity of titles plus Spanish full-text rank; elsewhere:
    word overlap of accent-folded tokens. Merged and draft challenges are left out.
    """
    reader = _reader(viewer)
    candidates = (
        challenges_visible_to(reader)
        .exclude(pk=challenge.pk)
        .exclude(status__in=[Challenge.Status.DRAFT, Challenge.Status.MERGED])
    )
    source_text = f"{challenge.title} {challenge.problem}"
    tokens = normalized_tokens(source_text)
    if not tokens:
        return []
    if connection.vendor == "postgresql":
        return _similar_postgresql(candidates, challenge.title, tokens, limit)
    rows = list(candidates.select_related("organization").order_by("-submitted_at", "-pk")[:pool])
    title_tokens = normalized_tokens(challenge.title)
    scored = []
    for row in rows:
        seen_title = normalized_tokens(row.display_title)  # type: ignore[attr-defined]
        seen_all = seen_title | normalized_tokens(row.display_summary)  # type: ignore[attr-defined]
        score = _overlap(tokens, seen_all) + _overlap(title_tokens, seen_title)
        if score > 0:
            scored.append((score, row.pk, row))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [row for _score, _pk, row in scored[:limit]]


def _similar_postgresql(
    candidates: QuerySet[Challenge], title: str, tokens: set[str], limit: int
) -> list[Challenge]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramSimilarity,
    )

    query = SearchQuery(" | ".join(sorted(tokens)), search_type="raw", config="spanish")
    vector = SearchVector("display_title", weight="A", config="spanish") + SearchVector(
        "display_summary", weight="B", config="spanish"
    )
    return list(
        candidates.annotate(
            title_similarity=TrigramSimilarity("display_title", title),
            text_rank=SearchRank(vector, query),
        )
        .annotate(similarity=F("title_similarity") + F("text_rank"))
        .filter(Q(title_similarity__gt=0.15) | Q(text_rank__gt=0.01))
        .select_related("organization")
        .order_by("-similarity", "-pk")[:limit]
    )


# --- Dashboard ------------------------------------------------------------------------------------


def challenges_panel(viewer: Any) -> dict[str, Any] | None:
    """ "Your challenges" on the personal dashboard: for people of a mining company, their
    companies' latest challenges with status and next step (one query)."""
    if not viewer.is_authenticated or not viewer.organization_ids:
        return None
    # The viewer already knows its organizations' kinds: no query for people of no mining company.
    companies = sorted(viewer.organization_ids_of_kind(Organization.Kind.MINING_COMPANY))
    if not companies:
        return None
    rows = list(
        Challenge.objects.filter(organization_id__in=companies)
        .select_related("organization")
        .only(
            "pk",
            "title",
            "reference",
            "status",
            "organization__legal_name",
            "organization__trade_name",
            "created_at",
        )
        .order_by("-created_at", "-pk")[:5]
    )
    return {"challenges": rows, "can_add": True}
