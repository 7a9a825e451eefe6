"""The ecosystem map: figures match the directory's audience rule and the directory itself,
drill-down links use the directory's real parameters, and the page's queries are constant."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import Capability, Organization
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)
from tests.queries import run_counted

URL = reverse("knowledge:ecosystem")


def _terms() -> tuple[Capability, Capability, Capability]:
    water = CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="eco-water")
    energy = CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="eco-energy")
    smelting = CapabilityFactory(dimension=Capability.Dimension.VALUE_CHAIN, slug="eco-smelting")
    return water, energy, smelting


@pytest.fixture
def members(db: Any) -> dict[str, Organization]:
    water, energy, smelting = _terms()
    return {
        "public": OrganizationFactory(region="arequipa", capabilities=[water, smelting]),
        "public_b": OrganizationFactory(
            kind=Organization.Kind.ACADEMIA, region="tacna", capabilities=[water]
        ),
        "private": OrganizationFactory(
            kind=Organization.Kind.MINING_COMPANY,
            region="moquegua",
            is_public=False,
            capabilities=[energy, smelting],
        ),
        "applicant": OrganizationFactory(
            region="puno",
            membership_status=Organization.MembershipStatus.APPLICANT,
            capabilities=[water],
        ),
        "suspended": OrganizationFactory(
            region="cusco",
            membership_status=Organization.MembershipStatus.SUSPENDED,
            capabilities=[energy],
        ),
    }


def _member_client(organization: Organization | None = None) -> Client:
    client = Client()
    organization = organization or OrganizationFactory(is_public=False, region="ica")
    client.force_login(OrganizationMemberFactory(organization=organization).user)
    return client


def _staff_client() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=["editor"], totp=True))
    return client


def _expected(*, private_too: bool) -> dict[str, Counter[str]]:
    """Counted by hand, one organization at a time (not with the selector's queries)."""
    expected: dict[str, Counter[str]] = {
        "kind": Counter(),
        "region": Counter(),
        "capability": Counter(),
        "stage": Counter(),
    }
    for organization in Organization.objects.prefetch_related("capabilities"):
        if organization.membership_status != Organization.MembershipStatus.ACTIVE:
            continue
        if not organization.is_public and not private_too:
            continue
        expected["kind"][organization.kind] += 1
        expected["region"][organization.region] += 1
        for term in organization.capabilities.all():
            if not term.is_active:
                continue
            if term.dimension == Capability.Dimension.SERVICE_AREA:
                expected["capability"][term.slug] += 1
            elif term.dimension == Capability.Dimension.VALUE_CHAIN:
                expected["stage"][term.slug] += 1
    return expected


def _shown(response: Any) -> dict[str, Counter[str]]:
    return {
        breakdown.key: Counter({row.value: row.count for row in breakdown.rows if row.count})
        for breakdown in response.context["map"].breakdowns
    }


@pytest.mark.parametrize(
    ("audience", "private_too"), [("visitor", False), ("member", True), ("staff", True)]
)
def test_figures_match_counts_computed_independently(
    members: dict[str, Organization], audience: str, private_too: bool
) -> None:
    client = {"visitor": Client, "member": _member_client, "staff": _staff_client}[audience]()
    response = client.get(URL)
    assert response.status_code == 200
    expected = _expected(private_too=private_too)
    assert _shown(response) == {key: +counter for key, counter in expected.items()}
    assert response.context["map"].total == sum(expected["kind"].values())


def test_private_profile_counted_for_members_not_visitors(
    members: dict[str, Organization],
) -> None:
    visitor = _shown(Client().get(URL))
    member = _shown(_member_client().get(URL))
    # The private mining company in Moquegua is the only one there.
    assert visitor["region"]["moquegua"] == 0
    assert member["region"]["moquegua"] == 1
    assert member["capability"]["eco-energy"] == 1  # the suspended one is never counted
    assert visitor["capability"]["eco-energy"] == 0
    # Applicants and suspended members are counted by nobody.
    assert visitor["region"]["puno"] == member["region"]["puno"] == 0
    assert member["region"]["cusco"] == 0


@pytest.mark.parametrize("audience", ["visitor", "member"])
def test_each_row_drills_down_to_the_same_number_in_the_directory(
    members: dict[str, Organization], audience: str
) -> None:
    client = Client() if audience == "visitor" else _member_client()
    response = client.get(URL)
    rows = [row for b in response.context["map"].breakdowns for row in b.rows if row.url]
    assert len(rows) >= 6
    for row in rows:
        assert row.url.startswith(reverse("members:directory") + "?")
        assert row.url in response.content.decode().replace("&amp;", "&")
        directory = client.get(row.url)
        assert directory.status_code == 200
        assert directory.context["page_obj"].paginator.count == row.count, row


def test_drill_down_uses_the_directory_parameters(members: dict[str, Organization]) -> None:
    body = Client().get(URL).content.decode()
    assert f"{reverse('members:directory')}?capability=eco-water" in body
    assert f"{reverse('members:directory')}?capability=eco-smelting" in body
    assert f"{reverse('members:directory')}?region=tacna" in body
    assert f"{reverse('members:directory')}?kind=academia" in body


def test_zero_rows_have_no_link_and_inactive_terms_are_not_listed(
    members: dict[str, Organization],
) -> None:
    retired = CapabilityFactory(
        dimension=Capability.Dimension.SERVICE_AREA, slug="eco-retired", is_active=False
    )
    members["public"].capabilities.add(retired)
    response = Client().get(URL)
    rows = {row.value: row for b in response.context["map"].breakdowns for row in b.rows}
    assert "eco-retired" not in rows
    assert rows["eco-energy"].count == 0
    assert rows["eco-energy"].url is None
    assert rows[Organization.Kind.GOVERNMENT].url is None


def test_page_is_accessible_markup_with_chart_data(members: dict[str, Organization]) -> None:
    with translation.override("en"):
        response = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    for key in ("capability", "stage", "region", "kind"):
        assert f'id="chart-data-{key}"' in body
        assert f'data-chart-source="chart-data-{key}"' in body
    assert body.count("<caption") == 4
    assert 'scope="col"' in body
    assert 'scope="row"' in body
    assert "knowledge/ecosystem-charts.js" in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "<script>" not in body  # no inline script: the CSP forbids them
    assert " style=" not in body
    assert "Members by capability" in body


def _add_members(n: int, offset: int) -> None:
    water, energy, smelting = _terms()
    for i in range(n):
        OrganizationFactory(
            region=["arequipa", "tacna", "puno", "lima"][(i + offset) % 4],
            kind=[Organization.Kind.METS_SUPPLIER, Organization.Kind.ACADEMIA][i % 2],
            capabilities=[water, energy, smelting][: 1 + i % 3],
            is_public=bool(i % 2),
        )


# Measured: 3 (kinds, regions, capability terms); a signed-in reader adds the session, the user,
# their memberships and the navigation bar's unread notifications (4).
@pytest.mark.parametrize(("audience", "bound"), [("visitor", 3), ("member", 7)])
def test_query_count_is_constant(db: Any, audience: str, bound: int) -> None:
    client = Client() if audience == "visitor" else _member_client()
    _add_members(3, 0)
    _, few = run_counted(bound, client.get, URL)
    _add_members(12, 3)
    _, many = run_counted(bound, client.get, URL)
    assert few == many
