"""Reference numbers (cluster_portal.core.references): format, per-prefix and per-year series in
Lima's calendar, inside a transaction only, and no number burnt by a rollback."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from cluster_portal.core.references import format_reference, next_reference, reference_year

LIMA = ZoneInfo("America/Lima")


def test_format() -> None:
    assert format_reference("CMSP", 2026, 42) == "CMSP-2026-0042"
    assert format_reference("CMSP-MEM", 2026, 12345) == "CMSP-MEM-2026-12345"


@pytest.mark.django_db
def test_numbers_follow_each_other_per_prefix_and_year() -> None:
    assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0001"
    assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0002"
    assert next_reference("CMSP-OTR", year=2026) == "CMSP-OTR-2026-0001"
    assert next_reference("CMSP-TST", year=2027) == "CMSP-TST-2027-0001"
    assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0003"


@pytest.mark.django_db
def test_the_year_is_lima_s() -> None:
    # 23:30 on New Year's Eve in Lima is already January 1st in UTC.
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=LIMA), tick=False):
        assert reference_year() == 2026
        assert next_reference("CMSP-TST") == "CMSP-TST-2026-0001"
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=LIMA), tick=False):
        assert next_reference("CMSP-TST") == "CMSP-TST-2027-0001"


def take_a_number_then_fail() -> None:
    with transaction.atomic():
        assert next_reference("CMSP-TST", year=2026).startswith("CMSP-TST-2026-")
        raise RuntimeError("Something failed after the number was taken.")


@pytest.mark.django_db
def test_a_rolled_back_transaction_does_not_burn_a_number() -> None:
    assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0001"
    with pytest.raises(RuntimeError, match="after the number"):
        take_a_number_then_fail()
    assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0002"


@pytest.mark.django_db(transaction=True)
def test_refused_outside_a_transaction_and_gapless_across_real_commits() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_reference("CMSP-TST", year=2026)
    with transaction.atomic():
        assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0001"
    with pytest.raises(RuntimeError, match="after the number"):
        take_a_number_then_fail()
    with transaction.atomic():
        assert next_reference("CMSP-TST", year=2026) == "CMSP-TST-2026-0002"


@pytest.mark.parametrize("prefix", ["", "cmsp", "CMSP-", "CMSP 1", "-CMSP", "CMSP--X"])
@pytest.mark.django_db
def test_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        next_reference(prefix)
