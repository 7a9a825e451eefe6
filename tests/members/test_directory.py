"""The member directory and the profile/edit permission matrix (HTML)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster_portal.files.models import Attachment
from members.models import Capability, Organization, OrganizationMember
from members.permissions import (
    Audience,
    can_view_organization,
    can_view_organization_details,
    organization_visible_to,
)
from members.selectors.organizations import (
    organization_directory_queryset,
    organization_profile_queryset,
)
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)
from tests.permission_matrix import ROLES, TARGETS, client_for, make_target

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("members:directory")


def names(response) -> str:
    return response.content.decode()


# --- Permission matrix --------------------------------------------------------------------

PROFILE_EXPECTED = {
    # target: visitor, other_member, org_member, org_admin, staff
    "public": (200, 200, 200, 200, 200),
    "private": (404, 200, 200, 200, 200),
    "applicant": (404, 404, 200, 200, 200),
    "suspended": (404, 404, 200, 200, 200),
}
EDIT_EXPECTED = {
    "public": (302, 403, 403, 200, 200),
    "private": (302, 403, 403, 200, 200),
    "applicant": (302, 404, 403, 200, 200),
    "suspended": (302, 404, 403, 200, 200),
}
IN_DIRECTORY = {
    "public": (True, True, True, True, True),
    "private": (False, True, True, True, True),
    "applicant": (False, False, False, False, False),
    "suspended": (False, False, False, False, False),
}
DETAILS_SHOWN = {
    "public": (False, True, True, True, True),
    "private": (None, True, True, True, True),
    "applicant": (None, None, True, True, True),
    "suspended": (None, None, True, True, True),
}


@pytest.mark.parametrize(("target", "role"), list(itertools.product(TARGETS, ROLES)))
def test_profile_matrix(target: str, role: str) -> None:
    organization = make_target(target)
    organization.certifications = "ISO 37001 secreto"
    organization.save()
    client = client_for(role, organization)
    index = ROLES.index(role)
    response = client.get(reverse("members:organization_detail", args=[organization.pk]))
    assert response.status_code == PROFILE_EXPECTED[target][index]
    if response.status_code == 200:
        assert ("ISO 37001 secreto" in names(response)) is DETAILS_SHOWN[target][index]


@pytest.mark.parametrize(("target", "role"), list(itertools.product(TARGETS, ROLES)))
def test_edit_matrix(target: str, role: str) -> None:
    organization = make_target(target)
    client = client_for(role, organization)
    url = reverse("members:organization_edit", args=[organization.pk])
    expected = EDIT_EXPECTED[target][ROLES.index(role)]
    assert client.get(url).status_code == expected
    response = client.post(url, {"legal_name": "Pirateado", "kind": "mets", "region": "lima"})
    if expected != 200:
        assert response.status_code == expected
        organization.refresh_from_db()
        assert organization.legal_name != "Pirateado"


@pytest.mark.parametrize(("target", "role"), list(itertools.product(TARGETS, ROLES)))
def test_directory_matrix(target: str, role: str) -> None:
    organization = make_target(target)
    client = client_for(role, organization)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    listed = organization.legal_name in names(response)
    assert listed is IN_DIRECTORY[target][ROLES.index(role)]


def test_predicates_and_querysets_agree() -> None:
    """``can_view_organization`` and the profile queryset are two forms of one rule."""
    organizations = [make_target(kind) for kind in TARGETS]
    member = OrganizationMemberFactory().user
    own = OrganizationMemberFactory(organization=organizations[2]).user
    for user in (AnonymousUser(), UserFactory(), member, own, UserFactory(is_staff=True)):
        from members.permissions import directory_audience
        from members.selectors.organizations import organization_ids_of_user

        audience = directory_audience(user)
        own_ids = organization_ids_of_user(user)
        visible = set(organization_profile_queryset(audience=audience, own_ids=own_ids))
        listed = set(organization_directory_queryset(audience=audience, own_ids=own_ids))
        for organization in organizations:
            assert can_view_organization(user, organization) is (organization in visible)
            if organization in listed:
                assert can_view_organization(user, organization)
            if not can_view_organization(user, organization):
                assert not can_view_organization_details(user, organization)


def test_visibility_rule_table() -> None:
    public = OrganizationFactory.build(is_public=True, membership_status="active")
    private = OrganizationFactory.build(is_public=False, membership_status="active")
    lapsed = OrganizationFactory.build(is_public=True, membership_status="lapsed")
    assert organization_visible_to(Audience.PUBLIC, public)
    assert not organization_visible_to(Audience.PUBLIC, private)
    assert organization_visible_to(Audience.MEMBER, private)
    assert not organization_visible_to(Audience.MEMBER, lapsed)
    assert organization_visible_to(Audience.PUBLIC, lapsed, own=True)
    assert organization_visible_to(Audience.STAFF, lapsed)


def test_suspended_members_people_lose_member_view() -> None:
    suspended = OrganizationFactory(membership_status="suspended")
    person = OrganizationMemberFactory(organization=suspended).user
    private = OrganizationFactory(is_public=False, legal_name="Privada S.A.")
    client = Client()
    client.force_login(person)
    assert "Privada S.A." not in names(client.get(DIRECTORY))
    url = reverse("members:organization_detail", args=[private.pk])
    assert client.get(url).status_code == 404


# --- Search, filters, pagination ------------------------------------------------------------


@pytest.fixture
def catalogue(db) -> dict[str, Organization]:
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    gold = CapabilityFactory(dimension="commodity", slug="gold")
    water = CapabilityFactory(dimension="service_area", slug="water")
    extraction = CapabilityFactory(dimension="value_chain", slug="extraction")
    return {
        "chachani": OrganizationFactory(
            legal_name="Compañía Minera Chachani S.A.A.",
            trade_name="Chachani",
            kind="mining",
            mining_scale="large",
            region="arequipa",
            capabilities=[copper, extraction],
        ),
        "ocona": OrganizationFactory(
            legal_name="Minera Ocoña S.A.C.",
            trade_name="",
            kind="mining",
            mining_scale="small",
            region="arequipa",
            capabilities=[gold],
        ),
        "hidro": OrganizationFactory(
            legal_name="Hidroandina Ingeniería S.A.C.",
            trade_name="Hidroandina",
            kind="mets",
            region="moquegua",
            description="Tratamiento de agua con ósmosis inversa",
            capabilities=[water, copper],
        ),
        "unsa": OrganizationFactory(
            legal_name="Universidad del Sur", trade_name="UNSA", kind="academia", region="puno"
        ),
    }


def listed(params: dict[str, object]) -> set[str]:
    response = Client().get(DIRECTORY, params)
    assert response.status_code == 200
    html = names(response)
    return {
        name
        for name in ("Chachani", "Minera Ocoña", "Hidroandina", "UNSA")
        if f">{name}</a>" in html or f">{name} S.A.C.</a>" in html
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Chachani", "Minera Ocoña", "Hidroandina", "UNSA"}),
        ({"q": "chachani"}, {"Chachani"}),
        ({"q": "Compañía Minera"}, {"Chachani"}),
        ({"q": "ósmosis"}, {"Hidroandina"}),
        ({"kind": "mining"}, {"Chachani", "Minera Ocoña"}),
        ({"kind": "mining", "mining_scale": "small"}, {"Minera Ocoña"}),
        ({"region": "arequipa"}, {"Chachani", "Minera Ocoña"}),
        ({"region": "moquegua"}, {"Hidroandina"}),
        ({"commodity": "copper"}, {"Chachani", "Hidroandina"}),
        ({"commodity": ["copper", "gold"]}, {"Chachani", "Minera Ocoña", "Hidroandina"}),
        ({"capability": "water"}, {"Hidroandina"}),
        ({"capability": "extraction", "commodity": "copper"}, {"Chachani"}),
        ({"region": "arequipa", "commodity": "copper"}, {"Chachani"}),
        ({"region": "tacna"}, set()),
        (
            {"capability": "", "commodity": "", "kind": ""},
            {"Chachani", "Minera Ocoña", "Hidroandina", "UNSA"},
        ),
    ],
)
def test_filters(catalogue, params, expected) -> None:
    assert listed(params) == expected


def test_search_by_exact_ruc(catalogue) -> None:
    assert listed({"q": catalogue["unsa"].ruc}) == {"UNSA"}
    assert listed({"q": catalogue["unsa"].ruc[:6]}) == set()


def test_commodity_filter_does_not_match_other_dimensions(catalogue) -> None:
    # "water" is a service area: as a commodity it matches nothing (a code of no term of that
    # dimension, like a retired one, is an empty result, not an error: members/filters.py).
    assert listed({"commodity": "water"}) == set()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(DIRECTORY, {"commodity": "not a code"})
    assert response.status_code == 200
    assert "Some filters were not understood" in names(response)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "volcano"},
        {"region": "atlantis"},
        {"page": "abc"},
        {"page": "99999"},
        {"q": "x" * 500},
        {"capability": "<script>"},
    ],
)
def test_bad_input_never_fails(catalogue, params) -> None:
    assert Client().get(DIRECTORY, params).status_code == 200


def test_pagination_20_per_page() -> None:
    for index in range(25):
        OrganizationFactory(legal_name=f"Empresa {index:02d} S.A.C.", trade_name="")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = names(client.get(DIRECTORY))
    assert first.count('data-testid="organization-card"') == 20
    assert "25 organizations" in first
    assert "Page 1 of 2" in first
    second = names(client.get(DIRECTORY, {"page": 2}))
    assert second.count('data-testid="organization-card"') == 5
    assert "Empresa 24 S.A.C." in second


def test_htmx_request_gets_the_results_fragment(catalogue) -> None:
    client = Client()
    response = client.get(DIRECTORY, {"region": "moquegua"}, HTTP_HX_REQUEST="true")
    html = names(response)
    assert "<html" not in html
    assert "Hidroandina" in html
    assert "Chachani" not in html
    assert "HX-Request" in response["Vary"]
    # A history restore needs the whole page.
    restore = client.get(DIRECTORY, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in names(restore)


def test_page_has_no_js_form_and_htmx_attributes() -> None:
    html = names(Client().get(DIRECTORY))
    assert 'method="get"' in html
    assert 'hx-get="/members/directory/"' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#directory-results"' in html


# --- Constant number of queries ---------------------------------------------------------------


def populate(count: int) -> None:
    """``count`` active members with capabilities, teams, clients and some logos."""
    terms = list(Capability.objects.all()[:6]) or [
        CapabilityFactory(dimension="commodity", slug=f"c{i}") for i in range(3)
    ]
    start = Organization.objects.count()
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                legal_name=f"Carga {start + i:04d} S.A.C.",
                ruc=make_ruc(70_000_000 + start + i),
                kind="mets",
                region="arequipa",
                membership_status="active",
                is_public=i % 4 != 0,
            )
            for i in range(count)
        ]
    )
    through = Organization.capabilities.through
    through.objects.bulk_create(
        [
            through(organization_id=o.pk, capability_id=t.pk)
            for o in organizations
            for t in terms[:3]
        ]
    )
    users = [UserFactory.build(email=f"carga{start + i}@example.pe") for i in range(count)]
    for user in users:
        user.password = "!"
    users = type(users[0]).objects.bulk_create(users)
    OrganizationMember.objects.bulk_create(
        [
            OrganizationMember(organization=o, user=u)
            for o, u in zip(organizations, users, strict=True)
        ]
    )
    clients = Organization.reference_clients.through
    clients.objects.bulk_create(
        [
            clients(from_organization_id=o.pk, to_organization_id=organizations[0].pk)
            for o in organizations[1:]
        ]
    )
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Organization)
    Attachment.objects.bulk_create(
        [
            Attachment(
                content_type=content_type,
                object_id=o.pk,
                purpose="logo",
                file="attachments/x.png",
                original_name="logo.png",
                mime_type="image/png",
                size=10,
                sha256="0" * 64,
            )
            for o in organizations[::3]
        ]
    )


def count_queries(client: Client, url: str, params: dict | None = None) -> int:
    client.get(url, params)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["visitor", "other_member", "staff"])
@pytest.mark.parametrize(
    "params", [{}, {"commodity": "copper", "region": "arequipa", "q": "carga"}]
)
def test_directory_query_count_is_constant(role: str, params: dict) -> None:
    CapabilityFactory(dimension="commodity", slug="copper")
    client = client_for(role)
    populate(5)
    small = count_queries(client, DIRECTORY, params)
    populate(195)
    large = count_queries(client, DIRECTORY, params)
    assert small == large, (small, large)


@pytest.mark.parametrize(
    "url",
    [
        "/members/organizations/99999999999999999999999/",
        "/members/organizations/99999999999999999999999/edit/",
        "/members/organizations/0/",
        "/api/v1/organizations/99999999999999999999999/",
        "/api/v1/organizations/abc/",
        "/api/v1/working-groups/%C3%B1/",
    ],
)
def test_unknown_ids_are_404_never_500(url: str) -> None:
    client = client_for("staff")
    client.raise_request_exception = False
    assert client.get(url).status_code == 404
