"""Reads of the portal-wide search index: who sees which rows, and the search itself.

**Permission filtering happens in SQL before ranking and counting.** :func:`visible_documents`
is the only queryset the search starts from; the counts per kind, the ranking, the page and the
snippets are all computed on it, so a row the viewer may not see changes no number and no
snippet. Who sees a row (``knowledge.models.search``):

* everyone: audience ``public``;
* a person of an active member organization: also audience ``members``;
* a person of an organization listed in the row's access rows: audience ``organizations``
  (``EXISTS`` on :class:`~knowledge.models.SearchDocumentAccess`);
* staff: any row whose ``staff_permission`` is one of their staff permissions (superusers: any
  row with one);
* a partner token (no person): audience ``public``; audience ``members`` of the kinds whose read
  scope it holds (:data:`KIND_SCOPES`) when its organization is an active member (as the
  challenges API does); audience ``organizations`` of those kinds when its organization is
  listed (a partner reads its own company's records, as the challenges and proposals APIs do).
  ``portfolio:read`` reads the whole portfolio in the projects API, so it opens every project
  row except staff-only ones. Tokens never get staff rows.

The search (:func:`search`):

* **PostgreSQL**: the query is parsed in Python (``knowledge.search_text.parse_query``, the
  websearch syntax: words, ``"phrases"``, ``-excluded``, ``or``), each word expanded with the
  mining synonyms, and each alternative given to ``websearch_to_tsquery`` in ``cmsp_es`` (rows in
  Spanish) and ``cmsp_en`` (rows in English); a row matches its language's query. Rank:
  ``ts_rank_cd`` with weights (title 1.0, summary 0.4, body 0.2), so a title match comes first.
  **Typos and partial words**: when the full text finds nothing the viewer may see, a plain
  query (no ``or``, no excluded word) is matched against titles by trigram word similarity
  (``q <% lower(cmsp_unaccent(title))``, answered by the trigram index; "relavez" finds
  "Relaves…"), ranked by that similarity. Only as a second step: OR'ed into every query, the
  trigram recheck (``cmsp_unaccent`` of every candidate title) cost 60-200 ms on a 100,000-row
  index for common words (``bench_search``). Snippets: ``ts_headline`` of the summary and
  body HTML-escaped in SQL first, with sentinel strings as marks; the sentinels become
  ``<mark>`` in Python (``search_text.mark_sentinels``).
* **SQLite** (development): every clause must appear in ``search_text`` (``LIKE``, accent-free,
  synonyms OR'ed), excluded words must not; ranked by the number of clauses found in the title,
  then by date. Snippet: an escaped excerpt around the first match (``search_text.highlight``).

Queries: the viewer's organizations and staff permissions (cached per request by
``members.viewer``), one for the counts per kind, one for the page (none for an empty query,
no page query when nothing matches); the trigram step adds one count query.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower, Replace, StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.safestring import SafeString, mark_safe

from cluster_portal.core.roles import APP_LABEL
from members.models import Organization
from members.viewer import viewer_for

from ..models import SearchDocument, SearchDocumentAccess
from ..search_text import (
    START_SENTINEL,
    STOP_SENTINEL,
    Clause,
    clause_forms,
    highlight,
    mark_sentinels,
    normalize,
    parse_query,
    positive_forms,
)
from ..services.search import CONFIG_EN, CONFIG_ES

Kind = SearchDocument.Kind
Audience = SearchDocument.Audience

#: The API scope that opens a kind's members-only rows to a partner token.
KIND_SCOPES: dict[str, str] = {
    Kind.ORGANIZATION: "members:read",
    Kind.CALL: "challenges:read",
    Kind.CHALLENGE: "challenges:read",
    Kind.PROPOSAL: "proposals:read",
    Kind.PROJECT: "portfolio:read",
    Kind.MISSION: "missions:read",
    Kind.ARTICLE: "knowledge:read",
    Kind.BARRIER: "knowledge:read",
    Kind.OPPORTUNITY: "knowledge:read",
}
#: Scopes that open every row of a kind but staff-only ones (the whole portfolio).
WHOLE_KIND_SCOPES: dict[str, str] = {Kind.PROJECT: "portfolio:read"}

#: ``ts_rank_cd`` weights, in PostgreSQL's order: D, C (body), B (summary), A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
MAX_QUERY_LENGTH = 200
DEFAULT_PAGE_SIZE = 20


# --- Who sees what --------------------------------------------------------------------------


def _access_for(organization_ids: Collection[int]) -> Exists:
    return Exists(
        SearchDocumentAccess.objects.filter(
            document=OuterRef("pk"), organization_id__in=list(organization_ids)
        )
    )


def _person_condition(user: Any) -> Q:
    viewer = viewer_for(user if user is not None else AnonymousUser())
    condition = Q(audience=Audience.PUBLIC)
    if viewer.is_cluster_member:
        condition |= Q(audience=Audience.MEMBERS)
    if viewer.organization_ids:
        condition |= Q(audience=Audience.ORGANIZATIONS) & Q(_access_for(viewer.organization_ids))
    if viewer.is_superuser:
        condition |= ~Q(staff_permission="")
    else:
        prefix = f"{APP_LABEL}."
        codenames = sorted(p[len(prefix) :] for p in viewer.permissions if p.startswith(prefix))
        if codenames:
            condition |= Q(staff_permission__in=codenames)
    return condition


def _token_condition(scopes: Collection[str], organization_id: int | None) -> Q:
    condition = Q(audience=Audience.PUBLIC)
    kinds = sorted(kind for kind, scope in KIND_SCOPES.items() if scope in scopes)
    if kinds and organization_id is not None:
        active_member = Exists(
            Organization.objects.filter(
                pk=organization_id, membership_status=Organization.MembershipStatus.ACTIVE
            )
        )
        condition |= Q(audience=Audience.MEMBERS, kind__in=kinds) & Q(active_member)
        condition |= Q(audience=Audience.ORGANIZATIONS, kind__in=kinds) & Q(
            _access_for([organization_id])
        )
    whole = sorted(kind for kind, scope in WHOLE_KIND_SCOPES.items() if scope in scopes)
    if whole:
        condition |= Q(kind__in=whole, audience__in=[Audience.MEMBERS, Audience.ORGANIZATIONS])
    return condition


def visible_documents(
    *,
    user: Any = None,
    token_scopes: Collection[str] | None = None,
    organization_id_of_token: int | None = None,
) -> QuerySet[SearchDocument]:
    """The index rows the viewer may see (module docstring): a person (``user``, anonymous when
    None) or, when ``token_scopes`` is given, a partner token acting for
    ``organization_id_of_token``."""
    if token_scopes is not None:
        condition = _token_condition(frozenset(token_scopes), organization_id_of_token)
    else:
        condition = _person_condition(user)
    return SearchDocument.objects.filter(condition)


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: int
    title: str
    url: str
    #: Safe HTML: the record's text escaped, matches in ``<mark>``.
    snippet: SafeString
    rank: float

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass(frozen=True)
class SearchResults:
    query: str
    kinds: tuple[str, ...]
    hits: list[SearchHit]
    #: Visible matches per kind (every kind, whatever ``kinds`` selects; kinds with none absent).
    counts: dict[str, int]
    page: int
    page_size: int
    #: Whether the query had anything to search for.
    searched: bool = True
    terms: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        """Visible matches of the selected kinds (all kinds when none is selected)."""
        if not self.kinds:
            return sum(self.counts.values())
        return sum(self.counts.get(kind, 0) for kind in self.kinds)

    @property
    def total_all_kinds(self) -> int:
        return sum(self.counts.values())

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    # The names of Django's ``Page`` (``includes/pagination.html`` reads them).
    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> SearchResults:
        return self

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.hits else 0

    @property
    def end_index(self) -> int:
        return (self.page - 1) * self.page_size + len(self.hits)


# --- PostgreSQL -----------------------------------------------------------------------------


def _tsquery(clauses: Sequence[Clause], config: str) -> SearchQuery:
    """Clauses AND'ed; a clause's alternatives (synonyms included) OR'ed; an excluded clause
    as the AND of its alternatives negated (``!!a && !!b``, that is ``!!(a || b)``)."""
    combined: Any = None
    for clause in clauses:
        part: Any = None
        for text, phrase in clause_forms(clause):
            text = text.replace('"', " ")
            query = SearchQuery(
                f'"{text}"' if phrase else text,
                config=config,
                search_type="websearch",
                invert=clause.negated,
            )
            if part is None:
                part = query
            elif clause.negated:
                part = part & query
            else:
                part = part | query
        if part is not None:
            combined = part if combined is None else combined & part
    return combined  # type: ignore[no-any-return]


def _trigram_text(clauses: Sequence[Clause]) -> str:
    """The text compared with titles by trigrams: only for plain queries (no ``or``, no
    excluded word), whose words joined are what a typo-prone person meant."""
    if any(clause.negated or len(clause.alternatives) > 1 for clause in clauses):
        return ""
    return normalize(" ".join(clause.alternatives[0].text for clause in clauses))


def _title_key() -> Lower:
    """``lower(cmsp_unaccent(title))``, the trigram index's expression."""
    return Lower(Func(F("title"), function="cmsp_unaccent", output_field=CharField()))


def _html_escaped(expression: Any) -> Any:
    """The text HTML-escaped in SQL, before ``ts_headline`` sees it: the headline then holds
    no tag of the record (``ts_headline`` would drop or mangle tags otherwise), and the tags the
    record spells show as text."""
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        expression = Replace(expression, Value(character), Value(entity))
    return expression


def _postgresql(
    visible: QuerySet[SearchDocument], clauses: Sequence[Clause], *, typos: str = ""
) -> tuple[QuerySet[SearchDocument], Any, Any]:
    """(matching rows, rank expression, snippet expression): full text, or with ``typos`` (the
    text of :func:`_trigram_text`) the titles word-similar to it."""
    query_es = _tsquery(clauses, CONFIG_ES)
    query_en = _tsquery(clauses, CONFIG_EN)
    english = Q(language="en")
    match = (english & Q(search_vector=query_en)) | (~english & Q(search_vector=query_es))
    rank: Any = Case(
        When(
            english,
            then=SearchRank(F("search_vector"), query_en, weights=RANK_WEIGHTS, cover_density=True),
        ),
        default=SearchRank(F("search_vector"), query_es, weights=RANK_WEIGHTS, cover_density=True),
        output_field=FloatField(),
    )
    if typos:
        # ``text <% lower(cmsp_unaccent(title))``: the trigram index answers it.
        match = Q(TrigramWordSimilar(_title_key(), Value(typos)))
        rank = TrigramWordSimilarity(typos, _title_key())
    text = _html_escaped(Concat(F("summary"), Value(" "), F("body"), output_field=CharField()))
    options: dict[str, Any] = {
        "start_sel": START_SENTINEL,
        "stop_sel": STOP_SENTINEL,
        "max_words": 30,
        "min_words": 12,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }
    snippet = Case(
        When(english, then=SearchHeadline(text, query_en, config=CONFIG_EN, **options)),
        default=SearchHeadline(text, query_es, config=CONFIG_ES, **options),
        output_field=CharField(),
    )
    return visible.filter(match), rank, snippet


# --- SQLite (and any other database) --------------------------------------------------------


def _fallback(
    visible: QuerySet[SearchDocument], clauses: Sequence[Clause]
) -> tuple[QuerySet[SearchDocument], Any]:
    """(matching rows, rank expression: how many clauses are found in the title)."""
    condition = Q()
    title_end = StrIndex(F("search_text"), Value("\n"))
    rank: Any = Value(0)
    for clause in clauses:
        forms = [text for text, _phrase in clause_forms(clause)]
        found = Q()
        for form in forms:
            found |= Q(search_text__contains=form)
        if clause.negated:
            condition &= ~found
            continue
        condition &= found
        in_title = Q()
        for form in forms:
            position = StrIndex(F("search_text"), Value(form))
            in_title |= GreaterThan(position, 0) & LessThan(position, title_end)
        rank = rank + Case(When(in_title, then=Value(1)), default=Value(0))
    return visible.filter(condition), rank


# --- The search -----------------------------------------------------------------------------


def _empty(query: str, kinds: tuple[str, ...], page_size: int) -> SearchResults:
    return SearchResults(
        query=query, kinds=kinds, hits=[], counts={}, page=1, page_size=page_size, searched=False
    )


def search(
    *,
    user: Any = None,
    token_scopes: Collection[str] | None = None,
    organization_id_of_token: int | None = None,
    q: str,
    kinds: Collection[str] | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> SearchResults:
    """Search the rows the viewer may see (:func:`visible_documents`: a person, or a partner
    token when ``token_scopes`` is given) for ``q``; ``kinds`` limits the hits (the counts per
    kind cover every kind). ``page`` past the last one gives the last page (``results.page``
    says which was used). See the module docstring for matching, ranking and snippets."""
    query = " ".join((q or "").split())[:MAX_QUERY_LENGTH]
    selected = tuple(kind for kind in Kind.values if kinds and kind in kinds)
    page_size = max(1, page_size)
    clauses = parse_query(query)
    if not clauses:
        return _empty(query, selected, page_size)
    visible = visible_documents(
        user=user, token_scopes=token_scopes, organization_id_of_token=organization_id_of_token
    )
    postgresql = connection.vendor == "postgresql"
    snippet: Any = None
    if postgresql:
        matching, rank, snippet = _postgresql(visible, clauses)
    else:
        matching, rank = _fallback(visible, clauses)
    counts = _counts(matching)
    typos = _trigram_text(clauses) if postgresql and not counts else ""
    if typos:
        matching, rank, snippet = _postgresql(visible, clauses, typos=typos)
        counts = _counts(matching)
    results = SearchResults(
        query=query,
        kinds=selected,
        hits=[],
        counts=counts,
        page=1,
        page_size=page_size,
        terms=tuple(positive_forms(clauses)),
    )
    page = min(max(1, page), results.num_pages)
    if not results.total:
        return results
    if selected:
        matching = matching.filter(kind__in=selected)
    offset = (page - 1) * page_size
    ordered = matching.annotate(rank=rank).order_by(
        F("rank").desc(), F("record_updated_at").desc(nulls_last=True), "-pk"
    )
    fields = ["kind", "object_id", "title", "url", "rank"]
    if postgresql:
        rows = ordered.annotate(snippet=snippet).values(*fields, "snippet")
    else:
        rows = ordered.values(*fields, "summary", "body")
    hits = [_hit(row, results.terms, postgresql) for row in rows[offset : offset + page_size]]
    return SearchResults(
        query=query,
        kinds=selected,
        hits=hits,
        counts=counts,
        page=page,
        page_size=page_size,
        terms=results.terms,
    )


def _counts(matching: QuerySet[SearchDocument]) -> dict[str, int]:
    rows = matching.order_by().values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows if row["n"]}


def _hit(row: dict[str, Any], terms: Sequence[str], postgresql: bool) -> SearchHit:
    if postgresql:
        snippet = mark_sentinels(row["snippet"] or "")
    else:
        text = " ".join(part for part in (row["summary"], row["body"]) if part)
        snippet = highlight(text, terms) if text else ""
    return SearchHit(
        kind=row["kind"],
        object_id=row["object_id"],
        title=row["title"],
        url=row["url"],
        # Safe: the record's text was escaped before the <mark> tags were added.
        snippet=mark_safe(snippet),  # noqa: S308
        rank=float(row["rank"] or 0),
    )
