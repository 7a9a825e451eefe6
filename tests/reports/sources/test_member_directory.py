"""Report kind ``member_directory``: every organization and field, for the secretariat."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from members.models import Capability, Organization
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
)
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "member_directory"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_request_matrix():
    assert_request_matrix(KIND, {"kind": "mining"})


def test_form():
    assert clean_filters(KIND, {}) == {}
    assert clean_filters(KIND, {"kind": "mining", "region": "tacna", "status": "active"}) == {
        "kind": "mining",
        "region": "tacna",
        "status": "active",
    }
    assert set(form_errors(KIND, {"kind": "pirate", "region": "atlantis"})) == {"kind", "region"}


def test_rows_and_filters():
    water = CapabilityFactory(
        dimension=Capability.Dimension.SERVICE_AREA,
        slug="bench-water",
        name_es="Tratamiento de agua",
        name_en="Water treatment",
    )
    copper = CapabilityFactory(
        dimension=Capability.Dimension.COMMODITY,
        slug="bench-copper",
        name_es="Cobre",
        name_en="Copper",
    )
    mine = OrganizationFactory(
        legal_name="Minera Chachani S.A.A.",
        trade_name="Chachani",
        kind=Organization.Kind.MINING_COMPANY,
        region="moquegua",
        capabilities=[water, copper],
        is_public=False,
    )
    OrganizationMemberFactory(organization=mine)
    OrganizationMemberFactory(organization=mine)
    OrganizationFactory(
        legal_name="+Proveedor Suspendido S.A.C.",
        membership_status=Organization.MembershipStatus.SUSPENDED,
        member_since=None,
    )

    built = build_xlsx(KIND, {})
    rows = {r["Legal name"]: r for r in built.rows("Organizations")}
    row = rows["Minera Chachani S.A.A."]
    assert row["Kind"] == "Mining company"
    assert row["Mining scale"] == "Medium-scale mining"
    assert row["Region"] == "Moquegua"
    assert row["Membership status"] == "Active member"
    assert row["Member since"].date() == datetime.date(2024, 1, 15)  # a date cell
    assert row["Public profile"] == "No"
    assert row["People"] == 2
    assert row["Service area"] == "Water treatment"
    assert row["Commodity"] == "Copper"
    assert row["RUC"] == mine.ruc
    assert "'+Proveedor Suspendido S.A.C." in rows  # neutralized

    only = build_xlsx(KIND, {"kind": "mining", "region": "moquegua", "status": "active"})
    assert [r["Legal name"] for r in only.rows("Organizations")] == ["Minera Chachani S.A.A."]
    suspended = build_xlsx(KIND, {"status": "suspended"})
    assert [r["Membership status"] for r in suspended.rows("Organizations")] == ["Suspended"]


def test_queries_do_not_grow():
    capability = CapabilityFactory()
    OrganizationFactory.create_batch(2, capabilities=[capability])
    _rows, few = count_queries(5, lambda: consume(KIND, {}))
    OrganizationFactory.create_batch(6, capabilities=[capability])
    rows, many = count_queries(5, lambda: consume(KIND, {}))
    assert rows >= 8
    assert few == many
