"""Background jobs of the knowledge base. Each takes JSON arguments, loads what it needs and
calls a service; each is safe to run twice. Each sub-domain keeps its section."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

# --- Search index ------------------------------------------------------------------------------


@shared_task(
    name="knowledge.tasks.search_reindex",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def search_reindex(kind: str, object_id: int) -> int:
    """Bring one record's rows of the search index in line with the record as it is now
    (queued after commit by ``knowledge.search_sources``' signals): its entries replace every
    row it had, or its rows go when it is gone or no longer searchable. Returns the number of
    rows written. Idempotent; an unknown kind (a task queued before a deploy) does nothing."""
    from .search_sources import SOURCES, entries_for
    from .services.search import index_remove, index_replace

    if kind not in SOURCES:
        return 0
    entries = entries_for(kind, object_id)
    if entries:
        index_replace(kind=kind, object_id=object_id, entries=entries)
    else:
        index_remove(kind=kind, object_id=object_id)
    return len(entries)


@shared_task(name="knowledge.tasks.search_rebuild")
def search_rebuild() -> dict[str, int]:
    """Nightly: rebuild the whole index (``knowledge.search_sources.rebuild``), which catches
    what the signals cannot see — ``QuerySet.update()`` writes, dependants (an organization
    renamed in its projects' rows) and tasks a dead broker never got."""
    from .search_sources import rebuild

    return {kind: counts.records for kind, counts in rebuild().items()}
