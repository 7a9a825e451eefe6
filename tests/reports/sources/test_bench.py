"""``manage.py bench_reports`` at a tiny size: its lines, and nothing left behind (not a timed
test; the full run is in the README)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from challenges.models import Call, Proposal
from members.models import Organization

pytestmark = pytest.mark.django_db


def test_small_run_prints_rows_time_and_memory_and_rolls_back():
    before = (Call.objects.count(), Proposal.objects.count(), Organization.objects.count())
    out = io.StringIO()
    call_command("bench_reports", proposals=200, sizes="50,200", stdout=out)
    text = out.getvalue()
    assert "Seeded 50 proposals" in text
    assert "Seeded 150 proposals" in text
    for rows in (50, 200):
        line = next(line for line in text.splitlines() if f"Proposals XLSX {rows} rows:" in line)
        assert " s, peak " in line
        assert "MB (tracemalloc)" in line
        assert "max RSS" in line
    assert "Memory flat: " in text
    assert "peak at 200 rows / peak at 50 rows" in text
    assert "KPI figures " in text
    assert "Rolled back: nothing of the bench is left." in text
    after = (Call.objects.count(), Proposal.objects.count(), Organization.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"proposals": 0}, "at least 1"),
        ({"proposals": 100, "sizes": "50,500"}, "between 1 and --proposals"),
        ({"proposals": 100, "sizes": "fifty"}, "list of numbers"),
    ],
)
def test_bad_sizes_refused(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench_reports", stdout=io.StringIO(), **options)
    assert not Proposal.objects.exists()
