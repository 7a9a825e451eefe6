"""Writes of the portal-wide search index (``knowledge.models.search``).

The record types feed it through ``knowledge.search_sources`` (one builder per kind, giving
:class:`IndexEntry` values); this module stores them. See the models' docstring for the
visibility columns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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
