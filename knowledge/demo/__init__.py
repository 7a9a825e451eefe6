"""Demo data of the knowledge base (``seed_demo`` runs :func:`seed` after members, challenges
and missions). The knowledge records' own demo modules go before the last step: the search
index is rebuilt at the end, so every record the demo wrote — including dates and states the
demo sets with ``QuerySet.update()``, which no signal sees — is findable right away."""

from __future__ import annotations

from typing import Any


def seed(*, stdout: Any) -> None:
    from knowledge.search_sources import rebuild

    counts = rebuild()
    rows = sum(count.rows for count in counts.values())
    stdout.write(
        f"search index: {rows} rows ({', '.join(f'{k} {c.records}' for k, c in counts.items())})"
    )
