"""``manage.py bench_search``: refused off PostgreSQL; on PostgreSQL a small run prints p50/p95
and leaves nothing behind (not a timed test)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from knowledge.models import SearchDocument, SearchDocumentAccess
from members.models import Organization, User

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.mark.django_db
def test_refused_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    # Run on every database (CI runs PostgreSQL): the command reads the connection's vendor.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_search", records=10, queries=2, stdout=io.StringIO())
    assert not SearchDocument.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql" and not IN_CI,
    reason="the bench measures PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_small_run_prints_percentiles_and_cleans_up() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    organizations, people = Organization.objects.count(), User.objects.count()
    out = io.StringIO()
    call_command("bench_search", records=400, queries=30, stdout=out)
    text = out.getvalue()
    assert "Seeded 400 rows" in text
    assert "30 queries" in text
    for role in ("visitor", "member", "staff", "all"):
        assert f"  {role}" in text
    assert "p95" in text
    assert not SearchDocument.objects.exists()
    assert not SearchDocumentAccess.objects.exists()
    assert (Organization.objects.count(), User.objects.count()) == (organizations, people)


@pytest.mark.django_db
def test_bad_numbers_refused() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("refused earlier on SQLite")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench_search", records=0, queries=2, stdout=io.StringIO())
