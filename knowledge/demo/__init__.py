"""Demo data of the knowledge base (``seed_demo`` runs :func:`seed` after members, challenges
and missions: their people, organizations, challenges and projects appear here).
``conocimiento@cmsp.pe`` (Carmen Zeballos Arce, editor) keeps the knowledge base; the
designated member authors write articles; the admins and people of the demo member
organizations endorse barriers and register interest in opportunities.

One module per sub-domain, each going through that sub-domain's services at the moment each
step happened (``common.on``, dates relative to today):

* ``authors`` — the topics and four designated authors (UNSA, RelaveSur, Hidroandina,
  FR Mollendo);
* ``articles`` — 25 studies, regulations, reports and guides in every state (drafts, one
  returned, in review, published public and members-only, archived), several on tailings and
  water, some with two or three revisions, a few with a PDF;
* ``barriers`` — 14 regulatory barriers in every state with their history, endorsements with
  statements, INDECOPI case numbers and links to demo challenges and projects;
* ``opportunities`` — 8 value-added opportunities (wire rod to zinc alloys) with the three
  assessments, linked studies and interests as supplier, buyer and investor.

Idempotent: each record is found by its title (or product) and built only when missing.
Nothing in the knowledge base runs on a deadline, so an existing demo needs no clock refresh:
its dates stay in the past. The knowledge records' own demo modules go before the last step:
the search index is rebuilt at the end, so every record the demo wrote — including dates and
states the demos set with ``QuerySet.update()``, which no signal sees — is findable right
away."""

from __future__ import annotations

from typing import Any


def seed(*, stdout: Any) -> None:
    from challenges.demo import common as challenges_common

    from . import articles, authors, barriers, common, opportunities

    challenges_common.reset()
    common.start_clock()
    common.seed_topics()
    authors.seed(stdout=stdout)
    articles.seed(stdout=stdout)
    barriers.seed(stdout=stdout)
    opportunities.seed(stdout=stdout)

    # Last: the search index.
    rebuild_search_index(stdout=stdout)


def rebuild_search_index(*, stdout: Any) -> None:
    """The demo's last step: every record of every app the demo wrote, findable."""
    from knowledge.search_sources import rebuild

    counts = rebuild()
    rows = sum(count.rows for count in counts.values())
    stdout.write(
        f"search index: {rows} rows ({', '.join(f'{k} {c.records}' for k, c in counts.items())})"
    )
