"""Report kind ``impact_ledger``: the ledger's entries by state, kind and dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import ImpactEntry
from tests.challenges.factories import ImpactEntryFactory, ProjectFactory
from tests.members.factories import OrganizationFactory
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "impact_ledger"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_request_matrix():
    assert_request_matrix(KIND, {"status": "verified"})


def test_form():
    assert clean_filters(
        KIND, {"status": "verified", "date_from": "2026-01-01", "date_to": "2026-03-31"}
    ) == {"status": "verified", "date_from": "2026-01-01", "date_to": "2026-03-31"}
    errors = form_errors(KIND, {"date_from": "2026-03-31", "date_to": "2026-01-01"})
    assert errors["date_to"] == ["The end of the range cannot be before its start."]
    assert "kind" in form_errors(KIND, {"kind": "gift"})


def _entries():
    project = ProjectFactory(code="CMSP-PRY-2026-0001", title="Relaves")
    buyer = OrganizationFactory(legal_name="Minera Compradora S.A.A.", trade_name="")
    verified = ImpactEntryFactory(
        project=project,
        status=ImpactEntry.Status.VERIFIED,
        occurred_on=datetime.date(2026, 2, 10),
        amount=Money(Decimal("85000.00"), "USD"),
        counterpart=buyer,
        confirmed_at=timezone.now(),
        verified_at=timezone.now(),
        description="=orden de compra",
    )
    jobs = ImpactEntryFactory(
        project=project,
        kind=ImpactEntry.Kind.JOBS,
        amount=None,
        count=5,
        occurred_on=datetime.date(2026, 3, 1),
    )
    ImpactEntryFactory(project=project, occurred_on=datetime.date(2025, 6, 1))
    correction = ImpactEntryFactory(
        project=project, corrects=verified, occurred_on=datetime.date(2026, 2, 11)
    )
    return verified, jobs, correction


def test_rows_and_filters():
    verified, jobs, correction = _entries()
    built = build_xlsx(KIND, {})
    rows = {r["Entry"]: r for r in built.rows("Impact ledger")}
    assert len(rows) == 4
    row = rows[verified.pk]
    assert row["Project"] == "CMSP-PRY-2026-0001"
    assert row["Kind"] == "Purchase order or contract signed"
    assert row["Description"] == "'=orden de compra"
    assert (row["Amount"], row["Currency"], row["Count"]) == (85000, "USD", None)
    assert row["Counterpart"] == "Minera Compradora S.A.A."
    assert row["State"] == "Verified by the secretariat"
    assert isinstance(row["Verified"], datetime.datetime)
    assert (rows[jobs.pk]["Amount"], rows[jobs.pk]["Currency"], rows[jobs.pk]["Count"]) == (
        None,
        None,
        5,
    )
    assert rows[correction.pk]["Corrects entry"] == verified.pk

    only = build_xlsx(KIND, {"status": "verified"})
    assert [r["Entry"] for r in only.rows("Impact ledger")] == [verified.pk]
    in_2026 = build_xlsx(KIND, {"date_from": "2026-01-01", "date_to": "2026-02-28"})
    assert {r["Entry"] for r in in_2026.rows("Impact ledger")} == {verified.pk, correction.pk}
    assert build_xlsx(KIND, {"kind": "jobs"}).written == 1


def test_queries_do_not_grow():
    ImpactEntryFactory.create_batch(2)
    _rows, few = count_queries(3, lambda: consume(KIND, {}))
    ImpactEntryFactory.create_batch(6)
    rows, many = count_queries(3, lambda: consume(KIND, {}))
    assert rows == 8
    assert few == many
