"""GET /api/v1/organizations/ and /api/v1/working-groups/: who sees what, shapes, filters,
query counts."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members.models import Organization
from members.selectors.organizations import MEMBER_FIELDS
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.members.factories import (
    CapabilityFactory,
    GoverningBodyFactory,
    OrganizationFactory,
    SeatFactory,
)
from tests.members.roles import ROLES, TARGETS, client_for, make_target
from tests.members.test_directory import populate

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations/"
GROUPS = "/api/v1/working-groups/"

PUBLIC_KEYS = {
    "id",
    "name",
    "legal_name",
    "trade_name",
    "ruc",
    "kind",
    "mining_scale",
    "government_level",
    "region",
    "city",
    "website",
    "description",
    "logo_url",
    "capabilities",
    "member_since",
    "profile_url",
}
DETAIL_KEYS = PUBLIC_KEYS | set(MEMBER_FIELDS) | {"is_public", "membership_status"}


def detail_url(organization: Organization) -> str:
    return f"{LIST}{organization.pk}/"


class TokenClient:
    """A client that sends a partner's bearer token with every request."""

    def __init__(self, token: str) -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.headers = bearer(token)

    def get(self, path: str, data: dict | None = None):
        return self.client.get(path, data, **self.headers)


def token_client(scope: str, *, organization_status: str = "active") -> TokenClient:
    partner = PartnerClientFactory(
        allowed_scopes=["public:read", "members:read", "challenges:read"],
        organization=OrganizationFactory(membership_status=organization_status),
    )
    response = request_token(Client(), partner, scope)
    assert response.status_code == 200, response.content
    return TokenClient(response.json()["access_token"])


# --- Permission matrix: people (sessions and anonymous) ---------------------------------------

# Same expectations as the HTML pages (tests/members/test_directory.py).
DETAIL_EXPECTED = {
    "public": (200, 200, 200, 200, 200),
    "private": (404, 200, 200, 200, 200),
    "applicant": (404, 404, 200, 200, 200),
    "suspended": (404, 404, 200, 200, 200),
}
IN_LIST = {
    "public": (True, True, True, True, True),
    "private": (False, True, True, True, True),
    "applicant": (False,) * 5,
    "suspended": (False,) * 5,
}
DETAILS_SHOWN = {
    "public": (False, True, True, True, True),
    "private": (None, True, True, True, True),
    "applicant": (None, None, True, True, True),
    "suspended": (None, None, True, True, True),
}


@pytest.mark.parametrize(("target", "role"), list(itertools.product(TARGETS, ROLES)))
def test_people_matrix(target: str, role: str) -> None:
    organization = make_target(target)
    client = client_for(role, organization)
    index = ROLES.index(role)

    listing = client.get(LIST)
    assert listing.status_code == 200
    ids = {row["id"] for row in listing.json()["results"]}
    assert (organization.pk in ids) is IN_LIST[target][index]

    detail = client.get(detail_url(organization))
    assert detail.status_code == DETAIL_EXPECTED[target][index]
    if detail.status_code == 200:
        keys = set(detail.json())
        assert keys == (DETAIL_KEYS if DETAILS_SHOWN[target][index] else PUBLIC_KEYS)
    else:
        assert detail.json()["error"]["status"] == 404


def test_html_and_api_agree_on_fields_for_every_role() -> None:
    """The API never shows a member-only field the same person could not see on the page."""
    for target, role in itertools.product(TARGETS, ROLES):
        organization = make_target(target)
        organization.certifications = f"CERT-{target}-{role}"
        organization.save()
        client = client_for(role, organization)
        page = client.get(f"/members/organizations/{organization.pk}/")
        api = client.get(detail_url(organization))
        assert page.status_code == api.status_code
        if api.status_code == 200:
            in_page = f"CERT-{target}-{role}" in page.content.decode()
            assert in_page is ("certifications" in api.json())


# --- Permission matrix: partner tokens --------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "partner_status", "status", "sees_private", "sees_details"),
    [
        ("public:read", "active", 200, False, False),
        ("members:read", "active", 200, True, True),
        ("public:read members:read", "active", 200, True, True),
        # A partner whose organization is no longer an active member reads as the public.
        ("members:read", "suspended", 200, False, False),
        ("challenges:read", "active", 403, None, None),
    ],
)
def test_token_matrix(scope, partner_status, status, sees_private, sees_details) -> None:
    public = make_target("public")
    private = make_target("private")
    applicant = make_target("applicant")
    client = token_client(scope, organization_status=partner_status)

    listing = client.get(LIST)
    assert listing.status_code == status
    if status != 200:
        assert listing.json()["error"]["code"] == "insufficient_scope"
        assert client.get(detail_url(public)).status_code == 403
        assert client.get(GROUPS).status_code == 403
        return
    ids = {row["id"] for row in listing.json()["results"]}
    assert public.pk in ids
    assert (private.pk in ids) is sees_private
    assert applicant.pk not in ids
    assert client.get(detail_url(applicant)).status_code == 404
    assert client.get(detail_url(private)).status_code == (200 if sees_private else 404)
    keys = set(client.get(detail_url(public)).json())
    assert keys == (DETAIL_KEYS if sees_details else PUBLIC_KEYS)


def test_partner_always_sees_its_own_organization() -> None:
    partner = PartnerClientFactory(
        allowed_scopes=["public:read"],
        organization=OrganizationFactory(membership_status="applicant", is_public=False),
    )
    token = request_token(Client(), partner, "public:read").json()["access_token"]
    response = Client().get(detail_url(partner.organization), **bearer(token))
    assert response.status_code == 200
    assert response.json()["membership_status"] == "applicant"


def test_bad_token_is_401_even_though_anonymous_reads_are_open() -> None:
    assert Client().get(LIST).status_code == 200
    response = Client().get(LIST, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_writes_are_not_allowed() -> None:
    organization = make_target("public")
    staff = client_for("staff")
    assert staff.post(LIST, {}).status_code in (403, 405)
    assert staff.delete(detail_url(organization)).status_code in (403, 405)
    assert Organization.objects.filter(pk=organization.pk).exists()


# --- Shape and filters ------------------------------------------------------------------------


def test_public_shape() -> None:
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    organization = OrganizationFactory(
        legal_name="Compañía Minera Chachani S.A.A.",
        trade_name="Chachani",
        kind="mining",
        mining_scale="large",
        capabilities=[copper],
        certifications="ISO 14001",
    )
    data = Client().get(detail_url(organization)).json()
    assert data["name"] == "Chachani"
    assert data["kind"] == "mining"
    assert data["mining_scale"] == "large"
    assert data["capabilities"] == [
        {"dimension": "commodity", "code": "copper", "name_es": "Cobre", "name_en": "Copper"}
    ]
    assert data["profile_url"] == f"http://testserver/members/organizations/{organization.pk}/"
    assert data["logo_url"] is None
    assert "certifications" not in data


def test_member_shape_has_team_and_visible_reference_clients() -> None:
    client_org = OrganizationFactory(trade_name="Cliente Visible")
    hidden = OrganizationFactory(trade_name="Cliente Exmiembro", membership_status="lapsed")
    organization = OrganizationFactory()
    organization.reference_clients.set([client_org, hidden])
    from tests.members.factories import OrganizationMemberFactory

    OrganizationMemberFactory(
        organization=organization, role="admin", position="CEO", user__full_name="Ana Torres"
    )
    data = client_for("other_member").get(detail_url(organization)).json()
    assert data["reference_clients"] == [{"id": client_org.pk, "name": "Cliente Visible"}]
    assert data["team"] == [{"name": "Ana Torres", "position": "CEO", "role": "admin"}]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "mining"}, {"chachani"}),
        ({"region": "moquegua"}, {"hidro"}),
        ({"commodity": "copper"}, {"chachani", "hidro"}),
        ({"capability": "water"}, {"hidro"}),
        ({"q": "hidro"}, {"hidro"}),
        ({"search": "hidro"}, {"hidro"}),
        ({"mining_scale": "large"}, {"chachani"}),
    ],
)
def test_api_filters_match_the_directory(params, expected) -> None:
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    water = CapabilityFactory(dimension="service_area", slug="water")
    orgs = {
        "chachani": OrganizationFactory(
            trade_name="Chachani", kind="mining", mining_scale="large", capabilities=[copper]
        ),
        "hidro": OrganizationFactory(
            trade_name="Hidroandina", region="moquegua", capabilities=[copper, water]
        ),
        "unsa": OrganizationFactory(trade_name="UNSA", kind="academia", region="puno"),
    }
    results = Client().get(LIST, params).json()["results"]
    assert {row["id"] for row in results} == {orgs[key].pk for key in expected}


@pytest.mark.parametrize(
    "params", [{"kind": "volcano"}, {"commodity": "water"}, {"region": "atlantis"}]
)
def test_api_invalid_filters_are_400_in_the_error_shape(params) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(params)


def test_api_pagination_and_ordering() -> None:
    for name in ("Beta", "Alfa", "Gamma"):
        OrganizationFactory(legal_name=name)
    data = Client().get(LIST, {"page_size": 2, "ordering": "-legal_name"}).json()
    assert data["count"] == 3
    assert [row["legal_name"] for row in data["results"]] == ["Gamma", "Beta"]
    assert data["next"]
    assert Client().get(LIST, {"page": 99}).status_code == 404


# --- Working groups ---------------------------------------------------------------------------


def test_working_groups_shape_and_visibility() -> None:
    group = GoverningBodyFactory(name="Mesa de regulación", slug="mesa-regulacion")
    GoverningBodyFactory(kind="board", name="Consejo Directivo")
    GoverningBodyFactory(name="Mesa reservada", is_public=False)
    public_seat = SeatFactory(body=group, person__full_name="Ana Torres", role="chair")
    private_seat = SeatFactory(
        body=group, organization=OrganizationFactory(is_public=False, trade_name="Secreta")
    )

    data = Client().get(GROUPS).json()
    assert [row["name"] for row in data["results"]] == ["Mesa de regulación"]
    row = data["results"][0]
    assert row["slug"] == "mesa-regulacion"
    assert row["page_url"].endswith("/members/governance/mesa-regulacion/")
    seats = {seat["person"]: seat for seat in row["seats"]}
    assert seats["Ana Torres"]["role"] == "chair"
    assert seats["Ana Torres"]["organization"] == {
        "id": public_seat.organization_id,
        "name": public_seat.organization.display_name,
    }
    assert seats[private_seat.person.full_name]["organization"] is None

    member_view = client_for("other_member").get(GROUPS).json()
    assert {row["name"] for row in member_view["results"]} == {
        "Mesa de regulación",
        "Mesa reservada",
    }
    assert Client().get(f"{GROUPS}mesa-regulacion/").status_code == 200
    assert Client().get(f"{GROUPS}consejo-directivo/").status_code == 404


# --- Constant number of queries -----------------------------------------------------------------


def _count(client, path: str, params: dict) -> int:
    client.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("caller", ["anonymous", "member", "staff", "members_token"])
@pytest.mark.parametrize("params", [{"page_size": 100}, {"commodity": "copper", "q": "carga"}])
def test_organizations_query_count_is_constant(caller: str, params: dict) -> None:
    CapabilityFactory(dimension="commodity", slug="copper")
    client = {
        "anonymous": lambda: Client(),
        "member": lambda: client_for("other_member"),
        "staff": lambda: client_for("staff"),
        "members_token": lambda: token_client("members:read"),
    }[caller]()
    populate(5)
    small = _count(client, LIST, params)
    populate(195)
    large = _count(client, LIST, params)
    assert small == large, (small, large)


def test_working_groups_query_count_is_constant() -> None:
    def make(count: int) -> None:
        for _ in range(count):
            body = GoverningBodyFactory()
            for _ in range(3):
                SeatFactory(body=body)

    client = Client()
    make(2)
    small = _count(client, GROUPS, {})
    make(10)
    assert _count(client, GROUPS, {}) == small
