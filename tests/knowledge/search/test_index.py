"""``index_replace`` / ``index_remove``: rows per variant, access rows, search text, vectors."""

from __future__ import annotations

import pytest
from django.db import connection

from knowledge.models import SearchDocument, SearchDocumentAccess
from knowledge.services.search import IndexEntry, index_remove, index_replace
from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PUBLIC = SearchDocument.Audience.PUBLIC
ORGS = SearchDocument.Audience.ORGANIZATIONS


def entry(**kwargs: object) -> IndexEntry:
    values: dict[str, object] = {
        "kind": "challenge",
        "object_id": 7,
        "title": "Relaves espesados",
        "url": "/challenges/7/",
        "audience": PUBLIC,
    }
    values.update(kwargs)
    return IndexEntry(**values)  # type: ignore[arg-type]


def test_index_replace_creates_rows_with_search_text() -> None:
    index_replace(
        kind="challenge",
        object_id=7,
        entries=[entry(title="Relaves en Minería", summary="Agua  ÁCIDA", body="Ñandú")],
    )
    row = SearchDocument.objects.get()
    assert row.search_text == "relaves en mineria\nagua acida nandu"
    assert row.language == "es"
    assert row.audience == PUBLIC
    if connection.vendor == "postgresql":
        assert row.search_vector is not None
        assert "relav" in str(row.search_vector)
    else:
        assert row.search_vector is None


def test_index_replace_updates_variants_and_access_rows() -> None:
    first, second, third = OrganizationFactory.create_batch(3)
    index_replace(
        kind="challenge",
        object_id=7,
        entries=[
            entry(audience=ORGS, organization_ids=frozenset({first.pk, second.pk})),
            entry(variant="public", title="Public version"),
        ],
    )
    record = SearchDocument.objects.get(variant="")
    assert set(record.access.values_list("organization_id", flat=True)) == {first.pk, second.pk}
    assert SearchDocument.objects.count() == 2

    index_replace(
        kind="challenge",
        object_id=7,
        entries=[
            entry(audience=ORGS, title="Renamed", organization_ids=frozenset({second.pk, third.pk}))
        ],
    )
    row = SearchDocument.objects.get()
    assert row.pk == record.pk
    assert row.title == "Renamed"
    assert set(row.access.values_list("organization_id", flat=True)) == {second.pk, third.pk}

    index_replace(kind="challenge", object_id=7, entries=[entry(audience=PUBLIC)])
    assert SearchDocumentAccess.objects.count() == 0


def test_index_replace_twice_is_idempotent_and_english_rows() -> None:
    for _ in range(2):
        index_replace(
            kind="article",
            object_id=3,
            entries=[entry(kind="article", object_id=3, language="en-gb", title="Tailings dams")],
        )
    row = SearchDocument.objects.get()
    assert row.language == "en"
    if connection.vendor == "postgresql":
        assert "tail" in str(row.search_vector)


def test_empty_entries_and_index_remove_delete_the_record_only() -> None:
    index_replace(kind="challenge", object_id=7, entries=[entry(), entry(variant="public")])
    index_replace(kind="challenge", object_id=8, entries=[entry(object_id=8)])
    index_replace(kind="challenge", object_id=7, entries=[])
    assert list(SearchDocument.objects.values_list("object_id", flat=True)) == [8]
    index_remove(kind="challenge", object_id=8)
    index_remove(kind="challenge", object_id=8)
    assert not SearchDocument.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (entry(object_id=8), "given for record"),
        (entry(kind="project"), "given for record"),
        (entry(audience="everyone"), "Unknown audience"),
    ],
)
def test_bad_entries_change_nothing(bad: IndexEntry, message: str) -> None:
    index_replace(kind="challenge", object_id=7, entries=[entry(title="Kept")])
    with pytest.raises(ValueError, match=message):
        index_replace(kind="challenge", object_id=7, entries=[entry(), bad])
    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Kept"]


def test_duplicate_variant_and_unknown_kind_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        index_replace(kind="challenge", object_id=7, entries=[entry(), entry()])
    with pytest.raises(ValueError, match="Unknown search kind"):
        index_replace(kind="nonsense", object_id=7, entries=[])
    assert not SearchDocument.objects.exists()
