"""Writes of the portal-wide search index (``knowledge.models.search``).

The record types feed it through ``knowledge.search_sources`` (one builder per kind, giving
:class:`IndexEntry` values); this module stores them. See the models' docstring for the
visibility columns.

* :func:`index_replace` makes the index hold exactly the given entries for one record: it
  upserts one row per ``(kind, object_id, variant)`` (``INSERT … ON CONFLICT``, so two workers
  indexing the same record at once do not collide), deletes the record's variants no longer
  given, keeps the access rows of audience "organizations" equal to ``organization_ids`` (none
  for the other audiences), fills ``search_text`` (:func:`knowledge.search_text.haystack`) and,
  on PostgreSQL, builds ``search_vector`` in one ``UPDATE`` (title weight A, summary B, body C,
  configuration ``cmsp_en`` for English rows and ``cmsp_es`` for the others).
* :func:`index_remove` deletes every row of a record (access rows cascade).

Both are idempotent: a task may run them twice. They take no ``actor``: the index is a derived
copy of records whose own services already decided who changed what.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Case, Q, QuerySet, When
from django.db.models.expressions import Combinable

from ..models import SearchDocument, SearchDocumentAccess
from ..search_text import haystack

#: Text search configurations of migration 0002, by the row's language.
CONFIG_ES = "cmsp_es"
CONFIG_EN = "cmsp_en"


@dataclass(frozen=True)
class IndexEntry:
    """One searchable document as a source builds it (the record's permission facts included:
    ``audience``, ``organization_ids`` for audience "organizations", ``staff_permission``)."""

    kind: str
    object_id: int
    title: str
    url: str
    audience: str
    variant: str = ""
    language: str = "es"
    summary: str = ""
    body: str = ""
    organization_ids: frozenset[int] = field(default_factory=frozenset)
    staff_permission: str = ""
    record_updated_at: datetime.datetime | None = None


def row_language(language: str) -> str:
    """``"en"`` for English rows, ``"es"`` for every other (the portal's default language)."""
    return "en" if (language or "").lower().startswith("en") else "es"


def _check(kind: str, object_id: int, entries: Sequence[IndexEntry]) -> None:
    kinds = set(SearchDocument.Kind.values)
    audiences = set(SearchDocument.Audience.values)
    if kind not in kinds:
        raise ValueError(f"Unknown search kind: {kind!r}")
    variants: set[str] = set()
    for entry in entries:
        if entry.kind != kind or entry.object_id != object_id:
            raise ValueError(
                f"Entry {entry.kind}:{entry.object_id} given for record {kind}:{object_id}"
            )
        if entry.audience not in audiences:
            raise ValueError(f"Unknown audience: {entry.audience!r}")
        if entry.variant in variants:
            raise ValueError(f"Variant {entry.variant!r} given twice for {kind}:{object_id}")
        variants.add(entry.variant)


def _vector(config: str) -> Combinable:
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def build_vectors(queryset: QuerySet[SearchDocument]) -> int:
    """Build ``search_vector`` of the rows in ``queryset`` in one ``UPDATE`` (PostgreSQL only;
    elsewhere nothing happens and 0 is returned). Also used by ``bench_search`` after its bulk
    insert."""
    if connection.vendor != "postgresql":
        return 0
    return queryset.update(
        search_vector=Case(
            When(language="en", then=_vector(CONFIG_EN)),
            default=_vector(CONFIG_ES),
        )
    )


def document_for(entry: IndexEntry) -> SearchDocument:
    """An unsaved row for ``entry`` (``search_text`` filled, ``search_vector`` left empty)."""
    title = entry.title[:300]
    return SearchDocument(
        kind=entry.kind,
        object_id=entry.object_id,
        variant=entry.variant,
        language=row_language(entry.language),
        title=title,
        summary=entry.summary,
        body=entry.body,
        search_text=haystack(title, entry.summary, entry.body),
        url=entry.url,
        audience=entry.audience,
        staff_permission=entry.staff_permission,
        record_updated_at=entry.record_updated_at,
    )


_UPSERT_FIELDS = [
    "language",
    "title",
    "summary",
    "body",
    "search_text",
    "url",
    "audience",
    "staff_permission",
    "record_updated_at",
    "indexed_at",
]


@transaction.atomic
def index_replace(*, kind: str, object_id: int, entries: Sequence[IndexEntry]) -> None:
    """Make the index hold exactly ``entries`` for the record ``kind``/``object_id`` (see the
    module docstring). An empty ``entries`` removes the record. ``ValueError`` for an entry of
    another record, a variant given twice or an unknown kind or audience (nothing changed)."""
    _check(kind, object_id, entries)
    if not entries:
        index_remove(kind=kind, object_id=object_id)
        return
    SearchDocument.objects.bulk_create(
        [document_for(entry) for entry in entries],
        update_conflicts=True,
        unique_fields=["kind", "object_id", "variant"],
        update_fields=_UPSERT_FIELDS,
    )
    rows = SearchDocument.objects.filter(kind=kind, object_id=object_id)
    rows.exclude(variant__in=[entry.variant for entry in entries]).delete()
    ids = dict(rows.values_list("variant", "pk"))

    wanted = {
        (ids[entry.variant], organization_id)
        for entry in entries
        if entry.audience == SearchDocument.Audience.ORGANIZATIONS
        for organization_id in entry.organization_ids
    }
    access = SearchDocumentAccess.objects.filter(document_id__in=ids.values())
    present = set(access.values_list("document_id", "organization_id"))
    stale = present - wanted
    if stale:
        condition = Q()
        for document_id, organization_id in stale:
            condition |= Q(document_id=document_id, organization_id=organization_id)
        access.filter(condition).delete()
    if wanted - present:
        SearchDocumentAccess.objects.bulk_create(
            [
                SearchDocumentAccess(document_id=document_id, organization_id=organization_id)
                for document_id, organization_id in sorted(wanted - present)
            ],
            ignore_conflicts=True,
        )
    build_vectors(SearchDocument.objects.filter(pk__in=ids.values()))


@transaction.atomic
def index_remove(*, kind: str, object_id: int) -> None:
    """Delete every row (all variants, their access rows) of the record; nothing if none."""
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
