"""GET /api/v1/organizations/ and /api/v1/working-groups/: who sees what, shapes, filters,
query counts."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members.models import GoverningBody, Organization, Seat
from members.selectors.organizations import MEMBER_FIELDS
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.members.factories import (
    CapabilityFactory,
    GoverningBodyFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    SeatFactory,
    UserFactory,
)
from tests.members.test_directory import populate
from tests.permission_matrix import ROLES, TARGETS, client_for, make_target

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

    def post(self, path: str, data: dict | None = None):
        return self.client.post(path, data, **self.headers)

    def put(self, path: str, data: dict | None = None):
        return self.client.put(path, data, content_type="application/json", **self.headers)

    def patch(self, path: str, data: dict | None = None):
        return self.client.patch(path, data, content_type="application/json", **self.headers)

    def delete(self, path: str):
        return self.client.delete(path, **self.headers)


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


@pytest.mark.parametrize("writer", ["staff_session", "token"])
def test_writes_are_method_not_allowed(writer: str) -> None:
    """The endpoints are read-only: 405 for the most powerful caller of each kind — a staff
    session that passed the MFA gate (it reads 200) and a token holding every read scope."""
    organization = make_target("public")
    group = GoverningBodyFactory(slug="mesa-escritura")
    client = (
        client_for("staff")
        if writer == "staff_session"
        else token_client("public:read members:read")
    )
    assert client.get(LIST).status_code == 200  # the MFA gate let the staff session through
    group_url = f"{GROUPS}{group.slug}/"
    responses = [
        client.post(LIST, {}),
        client.put(detail_url(organization), {}),
        client.patch(detail_url(organization), {}),
        client.delete(detail_url(organization)),
        client.post(GROUPS, {}),
        client.put(group_url, {}),
        client.patch(group_url, {}),
        client.delete(group_url),
    ]
    for response in responses:
        assert response.status_code == 405, response.content
        assert response.json()["error"]["status"] == 405
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert GoverningBody.objects.filter(pk=group.pk).exists()


def test_staff_session_without_mfa_is_stopped_before_the_method_check() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True))
    response = client.post(LIST, {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"


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
    "params",
    [
        {"kind": "volcano"},
        {"region": "atlantis"},
        {"commodity": "cobre fino"},
        {"capability": "<script>"},
        {"capability": "x" * 61},
        {"ordering": "colour"},
        {"ordering": "legal_name,ruc"},
        {"ordering": " legal_name"},
        {"ordering": ""},
    ],
)
def test_api_invalid_filters_are_400_in_the_error_shape(params) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(params)


def test_api_unknown_ordering_names_the_accepted_values() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(LIST, {"ordering": "-colour"})
    message = response.json()["error"]["fields"]["ordering"][0]
    assert "'-colour'" in message
    assert "legal_name, -legal_name, trade_name" in message


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A well-formed code of no active term of that dimension matches nothing (not a 400).
        ({"commodity": "water"}, set()),  # a service area, not a commodity
        ({"commodity": "unobtainium"}, set()),
        ({"capability": "retired"}, set()),  # an inactive term
        ({"commodity": ["unobtainium", "copper"]}, {"chachani"}),  # any of them
        ({"commodity": "", "capability": ""}, {"chachani", "other"}),  # empty: ignored
    ],
)
def test_api_term_codes_unknown_match_nothing(params, expected) -> None:
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    CapabilityFactory(dimension="service_area", slug="water")
    retired = CapabilityFactory(dimension="service_area", slug="retired", is_active=False)
    orgs = {
        "chachani": OrganizationFactory(trade_name="Chachani", capabilities=[copper, retired]),
        "other": OrganizationFactory(trade_name="Otra"),
    }
    response = Client().get(LIST, params)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {orgs[k].pk for k in expected}


def test_api_ordering_by_several_fields() -> None:
    for name, since in (("Beta", 2020), ("Alfa", 2021), ("Gamma", 2020)):
        OrganizationFactory(legal_name=name, member_since=datetime.date(since, 1, 1))
    data = Client().get(LIST, {"ordering": "-member_since,legal_name"}).json()
    assert [row["legal_name"] for row in data["results"]] == ["Alfa", "Beta", "Gamma"]


@pytest.mark.parametrize("params", [{"kind": ""}, {"page_size": ""}, {"page": ""}])
def test_api_empty_parameters_are_ignored(params) -> None:
    OrganizationFactory()
    response = Client().get(LIST, params)
    assert response.status_code == 200
    assert response.json()["count"] == 1


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


# Roles: visitor, other_member, org_member, org_admin, staff (tests/permission_matrix.py), towards
# ``target``, an organization holding a seat in the public group and in the members-only one.
GROUP_TARGETS = ("public", "private", "suspended")
#: Is the members-only group listed (and its detail 200 rather than 404)?
MEMBERS_ONLY_GROUP_SHOWN = {
    "public": (False, True, True, True, True),
    "private": (False, True, True, True, True),
    # People of a suspended organization only are no longer cluster members.
    "suspended": (False, True, False, False, True),
}
#: Is the target's seat in the public group shown with its organization (True), shown with a
#: null organization (False), or not listed at all (None: only active members hold seats)?
TARGET_SEAT = {
    "public": (True, True, True, True, True),
    "private": (False, True, True, True, True),
    "suspended": (None, None, None, None, None),
}


def make_groups(target: Organization) -> tuple[GoverningBody, GoverningBody]:
    """A public and a members-only working group; ``target`` holds a seat in both."""
    open_group = GoverningBodyFactory(name="Mesa abierta", slug="mesa-abierta")
    members_only = GoverningBodyFactory(
        name="Mesa reservada", slug="mesa-reservada", is_public=False
    )
    GoverningBodyFactory(kind="board", name="Consejo Directivo", slug="consejo")
    for group in (open_group, members_only):
        SeatFactory(body=group, organization=target, person__full_name=f"Titular {group.slug}")
        SeatFactory(body=group, person__full_name=f"Otra persona {group.slug}")
    return open_group, members_only


def target_seat(row: dict, open_group: GoverningBody) -> dict | None:
    seats = {seat["person"]: seat for seat in row["seats"]}
    return seats.get(f"Titular {open_group.slug}")


@pytest.mark.parametrize(("target", "role"), list(itertools.product(GROUP_TARGETS, ROLES)))
def test_working_groups_people_matrix(target: str, role: str) -> None:
    organization = make_target(target)
    open_group, members_only = make_groups(organization)
    client = client_for(role, organization)
    index = ROLES.index(role)
    members_only_shown = MEMBERS_ONLY_GROUP_SHOWN[target][index]

    listing = client.get(GROUPS)
    assert listing.status_code == 200
    rows = {row["slug"]: row for row in listing.json()["results"]}
    expected = {"mesa-abierta", "mesa-reservada"} if members_only_shown else {"mesa-abierta"}
    assert set(rows) == expected  # never the board: the endpoint lists working groups only

    detail = client.get(f"{GROUPS}{open_group.slug}/")
    assert detail.status_code == 200
    assert detail.json() == rows["mesa-abierta"]
    hidden = client.get(f"{GROUPS}{members_only.slug}/")
    assert hidden.status_code == (200 if members_only_shown else 404)
    assert client.get(f"{GROUPS}consejo/").status_code == 404

    seat = target_seat(rows["mesa-abierta"], open_group)
    shown = TARGET_SEAT[target][index]
    if shown is None:
        assert seat is None
    else:
        assert seat is not None
        assert seat["organization"] == (
            {"id": organization.pk, "name": organization.display_name} if shown else None
        )


@pytest.mark.parametrize(
    ("scope", "partner_status", "status", "members_view"),
    [
        ("public:read", "active", 200, False),
        ("members:read", "active", 200, True),
        ("public:read members:read", "active", 200, True),
        # A partner whose organization is no longer an active member reads as the public.
        ("members:read", "suspended", 200, False),
        # A token with neither directory scope.
        ("challenges:read", "active", 403, None),
    ],
)
def test_working_groups_token_matrix(scope, partner_status, status, members_view) -> None:
    organization = make_target("private")
    open_group, members_only = make_groups(organization)
    client = token_client(scope, organization_status=partner_status)

    listing = client.get(GROUPS)
    assert listing.status_code == status
    detail = client.get(f"{GROUPS}{open_group.slug}/")
    assert detail.status_code == status
    if status != 200:
        assert listing.json()["error"]["code"] == "insufficient_scope"
        assert detail.json()["error"]["code"] == "insufficient_scope"
        assert client.get(GROUPS, {"organization": organization.pk}).status_code == 403
        return
    slugs = {row["slug"] for row in listing.json()["results"]}
    assert slugs == ({"mesa-abierta", "mesa-reservada"} if members_view else {"mesa-abierta"})
    assert client.get(f"{GROUPS}{members_only.slug}/").status_code == (200 if members_view else 404)
    seat = target_seat(detail.json(), open_group)
    assert seat is not None
    assert seat["organization"] == (
        {"id": organization.pk, "name": organization.display_name} if members_view else None
    )


def test_working_groups_without_token_or_with_a_bad_one() -> None:
    make_groups(make_target("public"))
    assert Client().get(GROUPS).status_code == 200
    response = Client().get(GROUPS, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_working_groups_filter_by_seat_holder() -> None:
    public_org = OrganizationFactory(trade_name="Pública")
    private_org = OrganizationFactory(trade_name="Reservada", is_public=False)
    water = GoverningBodyFactory(name="Mesa de agua", slug="agua")
    energy = GoverningBodyFactory(name="Mesa de energía", slug="energia")
    closed = GoverningBodyFactory(name="Mesa cerrada", slug="cerrada", is_public=False)
    GoverningBodyFactory(name="Mesa sin asientos", slug="vacia")
    SeatFactory(body=water, organization=public_org)
    SeatFactory(body=closed, organization=public_org)
    SeatFactory(body=energy, organization=private_org)
    # An ended seat is history, not a current seat.
    SeatFactory(body=energy, organization=public_org, ended_on=datetime.date(2024, 12, 31))

    def slugs(client, organization_id) -> set[str]:
        response = client.get(GROUPS, {"organization": organization_id})
        assert response.status_code == 200
        return {row["slug"] for row in response.json()["results"]}

    visitor = Client()
    member = client_for("other_member")
    members_token = token_client("members:read")
    public_token = token_client("public:read")
    assert slugs(visitor, public_org.pk) == {"agua"}
    assert slugs(member, public_org.pk) == {"agua", "cerrada"}
    assert slugs(members_token, public_org.pk) == {"agua", "cerrada"}
    # The filter does not reveal a seat the list shows without its organization.
    assert slugs(visitor, private_org.pk) == set()
    assert slugs(public_token, private_org.pk) == set()
    assert slugs(member, private_org.pk) == {"energia"}
    assert slugs(members_token, private_org.pk) == {"energia"}
    assert slugs(visitor, 987654) == set()
    # Combined with search.
    response = member.get(GROUPS, {"organization": public_org.pk, "search": "agua"})
    assert [row["slug"] for row in response.json()["results"]] == ["agua"]


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", str(2**63)])
def test_working_groups_invalid_filter_is_400_in_the_error_shape(value: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(GROUPS, {"organization": value})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400
    assert set(response.json()["error"]["fields"]) == {"organization"}


def test_working_groups_filter_is_documented() -> None:
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"][GROUPS]["get"]["parameters"]}
    # A database id: the filter refuses anything else, and says so (schemathesis checks it).
    assert parameters["organization"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**63 - 1,
    }
    assert "current seat" in parameters["organization"]["description"]
    assert "search" in parameters


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


def populate_groups(count: int, holders: list[Organization]) -> None:
    """``count`` working groups (one in three members-only), each with a coordinator and two
    current seats held by people of ``holders`` (public and private organizations)."""
    people = [OrganizationMemberFactory(organization=org).user for org in holders]
    coordinator = people[0]
    start = GoverningBody.objects.count()
    bodies = GoverningBody.objects.bulk_create(
        [
            GoverningBody(
                kind=GoverningBody.Kind.WORKING_GROUP,
                name=f"Mesa carga {start + i:03d}",
                slug=f"mesa-carga-{start + i}",
                is_public=i % 3 != 0,
                coordinator=coordinator,
            )
            for i in range(count)
        ]
    )
    Seat.objects.bulk_create(
        [
            Seat(body=body, person=people[j], organization=holders[j], role=role)
            for body in bodies
            for j, role in ((0, Seat.Role.CHAIR), (1, Seat.Role.MEMBER))
        ]
    )


@pytest.mark.parametrize(
    "caller", ["anonymous", "member", "staff", "public_token", "members_token"]
)
@pytest.mark.parametrize("filtered", [False, True])
def test_working_groups_query_count_is_constant(caller: str, filtered: bool) -> None:
    """Same number of queries for 5 and for 50 groups (100 seats), for every kind of caller,
    with and without the seat-holder filter."""
    client = {
        "anonymous": lambda: Client(),
        "member": lambda: client_for("other_member"),
        "staff": lambda: client_for("staff"),
        "public_token": lambda: token_client("public:read"),
        "members_token": lambda: token_client("members:read"),
    }[caller]()
    holders = [OrganizationFactory(), OrganizationFactory(is_public=False)]
    params: dict = {"page_size": 100}
    if filtered:
        params["organization"] = holders[0].pk
    populate_groups(5, holders)
    small = _count(client, GROUPS, params)
    assert GoverningBody.objects.count() == 5
    populate_groups(45, holders)
    large = _count(client, GROUPS, params)
    assert Seat.objects.count() == 100
    assert small == large, (small, large)
    print(f"working-groups {caller} filtered={filtered}: {small} queries for 5 and 50 groups")
