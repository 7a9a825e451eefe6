"""``manage.py bench_pages`` runs on its own scratch database and reports every registered row."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from cluster_portal.core import bench


@pytest.mark.django_db(transaction=True)
def test_bench_pages_reports_every_page_and_role_on_a_scratch_database() -> None:
    database = connection.settings_dict["NAME"]
    out = io.StringIO()
    call_command("bench_pages", "--scale", "1", "--runs", "1", "--json", stdout=out)
    report = json.loads(out.getvalue())

    expected = {(page.name, role) for page in bench.PAGES for role in page.roles}
    rows = {(row["page"], row["role"]): row for row in report["results"]}
    assert set(rows) == expected
    for row in rows.values():
        assert row["status"] == 200, row
        assert row["queries"] > 0
        assert row["server_ms"] > 0
        assert row["queryset_ms"] > 0
    # The demo data filled the scratch database, not this one, which is back in place.
    assert rows[("members: directory", bench.VISITOR)]["rows"] > 0
    assert connection.settings_dict["NAME"] == database
    from members.models import Organization

    assert not Organization.objects.exists()


def test_table_lists_each_row() -> None:
    from cluster_portal.core.management.commands.bench_pages import Command

    row = {
        "scale": 1,
        "page": "members: directory",
        "url": "/members/directory/",
        "role": "visitor",
        "status": 200,
        "queries": 4,
        "writes": 0,
        "rows": 20,
        "server_ms": 12.5,
        "queryset_ms": 6.0,
        "ratio": 2.1,
    }
    table = Command._table([row])
    assert "members: directory" in table
    assert "visitor" in table
    assert "2.1" in table
