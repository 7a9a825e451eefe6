"""``search_rebuild``: every kind from the records, stale rows removed, counts printed,
idempotent; the demo's knowledge step ends with it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from challenges.models import Challenge
from knowledge.models import SearchDocument
from knowledge.search_sources import SOURCES, rebuild
from knowledge.services.search import IndexEntry, index_replace
from tests.challenges.factories import ChallengeFactory, ProjectFactory
from tests.knowledge.factories import ArticleFactory, RegulatoryBarrierFactory
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db

Kind = SearchDocument.Kind


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        SearchDocument.objects.order_by("kind", "object_id", "variant").values_list(
            "kind", "object_id", "variant", "audience", "title", "search_text", "url"
        )
    )


@pytest.fixture
def records(db: Any) -> dict[str, Any]:
    return {
        "challenge": ChallengeFactory(
            confidentiality=Challenge.Confidentiality.RESTRICTED, public_title="Versión pública"
        ),
        "project": ProjectFactory(is_public=True),
        "mission": MissionFactory(),
        "article": ArticleFactory(status="draft"),
        "barrier": RegulatoryBarrierFactory(),
    }


def test_rebuild_indexes_every_kind_and_is_idempotent(records: dict[str, Any]) -> None:
    SearchDocument.objects.all().delete()  # whatever the signals did (nothing here: no commit)

    counts = rebuild(chunk_size=2)

    assert set(counts) == set(SOURCES)
    assert counts[Kind.CHALLENGE].rows == counts[Kind.CHALLENGE].records + 1  # public version
    for kind in ("project", "mission", "article", "barrier"):
        assert SearchDocument.objects.filter(kind=kind, object_id=records[kind].pk).exists()
    first = _snapshot()
    assert len(first) == sum(count.rows for count in counts.values())

    again = rebuild(chunk_size=2)

    assert _snapshot() == first
    assert all(count.removed == 0 for count in again.values())


def test_rebuild_removes_rows_of_records_that_are_gone(records: dict[str, Any]) -> None:
    gone = IndexEntry(
        kind=Kind.BARRIER, object_id=999_999, title="Ya no existe", url="/x/", audience="public"
    )
    index_replace(kind=Kind.BARRIER, object_id=999_999, entries=[gone])

    counts = rebuild(kinds=[Kind.BARRIER])

    assert counts[Kind.BARRIER].removed == 1
    assert not SearchDocument.objects.filter(kind=Kind.BARRIER, object_id=999_999).exists()
    assert set(counts) == {Kind.BARRIER}


def test_command_prints_counts_per_kind(records: dict[str, Any]) -> None:
    out = io.StringIO()

    call_command("search_rebuild", "--kind", "barrier", "--kind", "mission", stdout=out)

    lines = out.getvalue().splitlines()
    assert "barrier: 1 records, 1 rows, 0 removed" in lines
    assert any(line.startswith("mission: ") for line in lines)
    assert not any(line.startswith("challenge: ") for line in lines)
    assert "search index rebuilt" in lines[-1]


def test_command_refuses_an_unknown_kind(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("search_rebuild", "--kind", "nonsense")


def test_demo_step_rebuilds(records: dict[str, Any]) -> None:
    from knowledge import demo

    out = io.StringIO()
    SearchDocument.objects.all().delete()

    demo.rebuild_search_index(stdout=out)

    assert SearchDocument.objects.filter(kind=Kind.BARRIER).exists()
    assert "search index:" in out.getvalue()
