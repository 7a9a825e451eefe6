"""Report kind ``call_proposals``: every proposal of one call with its consortium and money."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import Proposal, ProposalPartner
from tests.challenges.factories import CallFactory, ProposalFactory, ProposalPartnerFactory
from tests.members.factories import OrganizationFactory
from tests.queries import count_queries

from .helpers import (
    assert_request_matrix,
    build_csv,
    build_xlsx,
    clean_filters,
    consume,
    form_errors,
)

pytestmark = pytest.mark.django_db
KIND = "call_proposals"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _proposal(call, n, **kwargs):
    return ProposalFactory(
        call=call,
        reference=f"CMSP-2026-{n:04d}",
        status=Proposal.Status.SUBMITTED,
        submitted_at=timezone.now(),
        **kwargs,
    )


def test_request_matrix():
    assert_request_matrix(KIND, {"call": CallFactory().pk})


def test_form():
    call = CallFactory()
    assert clean_filters(KIND, {"call": call.pk, "status": ""}) == {"call": call.pk}
    assert clean_filters(KIND, {"call": call.pk, "status": "submitted"}) == {
        "call": call.pk,
        "status": "submitted",
    }
    assert "status" in form_errors(KIND, {"call": call.pk, "status": "sent"})


def test_rows():
    call = CallFactory()
    lead = OrganizationFactory(legal_name="Polines del Sur S.A.C.", trade_name="PoliSur")
    submitted = _proposal(
        call,
        1,
        lead_organization=lead,
        title="-2+3 polines",
        budget=Money(Decimal("120000.50"), "USD"),
        co_funding=Money(Decimal("30000.00"), "PEN"),
    )
    ProposalPartnerFactory(
        proposal=submitted,
        organization=OrganizationFactory(legal_name="Universidad Andina", trade_name=""),
        role="Laboratorio",
        status=ProposalPartner.Status.CONFIRMED,
    )
    ProposalPartnerFactory(
        proposal=submitted,
        organization=OrganizationFactory(legal_name="Declinó S.A.", trade_name=""),
        status=ProposalPartner.Status.DECLINED,
    )
    ProposalFactory(call=call, title="Borrador", budget=None, co_funding=None)
    ProposalFactory(title="Another call's")

    built = build_xlsx(KIND, {"call": call.pk})

    assert list(built.sheets) == ["Proposals"]
    rows = built.rows("Proposals")
    assert [r["Title"] for r in rows] == ["'-2+3 polines", "Borrador"]  # drafts (no reference) last
    first, draft = rows
    assert first["Reference"] == "CMSP-2026-0001"
    assert first["Status"] == "Submitted"
    assert first["Lead organization"] == "PoliSur"
    assert first["RUC"] == lead.ruc
    assert first["Kind of organization"] == "METS supplier"
    assert first["Region"] == "Arequipa"
    assert first["Consortium partners"] == "Universidad Andina (Laboratorio, Confirmed)"
    assert first["Partners"] == 1
    assert isinstance(first["Submitted at"], datetime.datetime)
    assert first["Budget requested"] == pytest.approx(120000.5)  # a number
    assert first["Currency"] == "USD"
    assert (first["Co-funding"], first["Co-funding currency"]) == (30000, "PEN")
    assert draft["Status"] == "Draft"
    assert (draft["Budget requested"], draft["Currency"], draft["Submitted at"]) == (None,) * 3
    assert built.content.file_stem == f"proposals-{call.code}"


def test_status_filter_and_csv():
    call = CallFactory()
    _proposal(call, 1, title="=1+1")
    ProposalFactory(call=call, title="Borrador")
    built = build_xlsx(KIND, {"call": call.pk, "status": "draft"})
    assert [r["Title"] for r in built.rows("Proposals")] == ["Borrador"]
    text = build_csv(KIND, {"call": call.pk})
    assert text.splitlines()[0].startswith("Reference,Title,Status,Lead organization")
    assert "'=1+1" in text


def test_queries_do_not_grow():
    def call_with(n):
        call = CallFactory()
        for i in range(n):
            proposal = _proposal(call, 100 * n + i)
            ProposalPartnerFactory(proposal=proposal, status=ProposalPartner.Status.CONFIRMED)
        return call

    small, large = call_with(2), call_with(8)
    rows_small, few = count_queries(5, lambda: consume(KIND, {"call": small.pk}))
    rows_large, many = count_queries(5, lambda: consume(KIND, {"call": large.pk}))
    assert (rows_small, rows_large) == (2, 8)
    assert few == many
