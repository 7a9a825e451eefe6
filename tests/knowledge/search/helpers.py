"""Hand-made index rows for the search tests (the sources are S2's)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import count

from knowledge.models import SearchDocument
from knowledge.services.search import IndexEntry, index_replace
from members.models import Organization

_ids = count(50_000)


def index(
    title: str,
    *,
    kind: str = "challenge",
    audience: str = SearchDocument.Audience.PUBLIC,
    summary: str = "",
    body: str = "",
    language: str = "es",
    organizations: Iterable[Organization] = (),
    staff_permission: str = "",
) -> int:
    """Index one record (one row) and return its id."""
    pk = next(_ids)
    index_replace(
        kind=kind,
        object_id=pk,
        entries=[
            IndexEntry(
                kind=kind,
                object_id=pk,
                title=title,
                url=f"/{kind}/{pk}/",
                audience=audience,
                summary=summary,
                body=body,
                language=language,
                organization_ids=frozenset(o.pk for o in organizations),
                staff_permission=staff_permission,
            )
        ],
    )
    return pk
