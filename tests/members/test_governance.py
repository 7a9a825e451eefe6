"""Governance bodies: services, the seat rule, public pages and their permission matrix."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members.models import GoverningBody, Seat
from members.services.governance import governing_body_create, seat_assign, seat_end
from tests.members.factories import (
    GoverningBodyFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    SeatFactory,
    UserFactory,
)
from tests.permission_matrix import ROLES, client_for

pytestmark = pytest.mark.django_db

LIST = reverse("members:governance_list")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def _member_of(organization):
    return OrganizationMemberFactory(organization=organization).user


# --- Services -------------------------------------------------------------------------------


def test_staff_create_body_and_assign_seats(staff_user) -> None:
    organization = OrganizationFactory()
    coordinator = _member_of(organization)
    body = governing_body_create(
        actor=staff_user,
        kind=GoverningBody.Kind.WORKING_GROUP,
        name="Mesa técnica de agua y relaves",
        slug="mesa-agua",
        description="Agua",
        coordinator=coordinator,
    )
    seat = seat_assign(
        actor=staff_user,
        body=body,
        person=coordinator,
        organization=organization,
        role=Seat.Role.CHAIR,
    )
    assert seat.started_on == timezone.localdate()
    assert seat.is_current
    ended = seat_end(actor=staff_user, seat=seat, ended_on=seat.started_on)
    assert ended.ended_on == seat.started_on
    # The person may take a new current seat once the old one ended.
    seat_assign(actor=staff_user, body=body, person=coordinator, organization=organization)
    assert body.seats.count() == 2


def test_only_staff_manage_governance(user) -> None:
    organization = OrganizationFactory()
    person = _member_of(organization)
    body = GoverningBodyFactory()
    with pytest.raises(PermissionDenied):
        governing_body_create(actor=user, kind="board", name="Consejo", slug="consejo")
    with pytest.raises(PermissionDenied):
        seat_assign(actor=user, body=body, person=person, organization=organization)
    seat = SeatFactory(body=body)
    with pytest.raises(PermissionDenied):
        seat_end(actor=user, seat=seat)
    assert not GoverningBody.objects.filter(slug="consejo").exists()


@pytest.mark.parametrize("status", ["applicant", "suspended", "lapsed", "none"])
def test_seat_requires_active_member_organization(english, staff_user, status) -> None:
    organization = OrganizationFactory(membership_status=status)
    person = _member_of(organization)
    with pytest.raises(ValidationError) as exc:
        seat_assign(
            actor=staff_user, body=GoverningBodyFactory(), person=person, organization=organization
        )
    assert "is not an active member" in exc.value.message_dict["organization"][0]
    assert not Seat.objects.exists()


def test_seat_requires_person_of_the_organization(english, staff_user) -> None:
    organization = OrganizationFactory()
    outsider = OrganizationMemberFactory().user  # of another organization
    with pytest.raises(ValidationError) as exc:
        seat_assign(
            actor=staff_user,
            body=GoverningBodyFactory(),
            person=outsider,
            organization=organization,
        )
    assert "does not belong to" in exc.value.message_dict["person"][0]
    assert not Seat.objects.exists()


def test_one_current_seat_per_person_and_body(staff_user) -> None:
    seat = SeatFactory()
    with pytest.raises(ValidationError):
        seat_assign(
            actor=staff_user, body=seat.body, person=seat.person, organization=seat.organization
        )
    assert Seat.objects.count() == 1


def test_seat_end_twice_is_refused(english, staff_user) -> None:
    seat = SeatFactory()
    seat_end(actor=staff_user, seat=seat)
    with pytest.raises(ValidationError) as exc:
        seat_end(actor=staff_user, seat=seat)
    assert exc.value.messages == ["This seat has already ended."]


def test_coordinator_must_be_member_or_staff(english, staff_user) -> None:
    with pytest.raises(ValidationError) as exc:
        governing_body_create(
            actor=staff_user,
            kind="board",
            name="Consejo",
            slug="consejo",
            coordinator=UserFactory(),
        )
    assert "active member organization" in exc.value.message_dict["coordinator"][0]
    body = governing_body_create(
        actor=staff_user, kind="board", name="Consejo", slug="consejo", coordinator=staff_user
    )
    assert body.coordinator == staff_user


def test_duplicate_slug_is_refused(staff_user) -> None:
    GoverningBodyFactory(slug="consejo")
    with pytest.raises(ValidationError) as exc:
        governing_body_create(actor=staff_user, kind="board", name="Otro", slug="consejo")
    assert "slug" in exc.value.message_dict


# --- Pages ----------------------------------------------------------------------------------


BODY_EXPECTED = {
    # body visibility: visitor, other_member, org_member, org_admin, staff
    "public": (200, 200, 200, 200, 200),
    "members_only": (404, 200, 200, 200, 200),
}


@pytest.mark.parametrize("visibility", list(BODY_EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_governance_pages_matrix(visibility: str, role: str) -> None:
    body = GoverningBodyFactory(name="Consejo Directivo", is_public=visibility == "public")
    seat = SeatFactory(body=body)
    client = client_for(role, seat.organization)
    expected = BODY_EXPECTED[visibility][ROLES.index(role)]
    detail = client.get(reverse("members:governance_detail", args=[body.slug]))
    assert detail.status_code == expected
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert ("Consejo Directivo" in listing.content.decode()) is (expected == 200)


def test_detail_shows_description_coordinator_and_current_seats() -> None:
    organization = OrganizationFactory(trade_name="Minera Chachani")
    coordinator = UserFactory(full_name="Lucía Quispe", is_staff=True)
    body = GoverningBodyFactory(
        name="Comité de Innovación", description="Prioriza **desafíos**", coordinator=coordinator
    )
    chair = SeatFactory(
        body=body, organization=organization, person__full_name="Ana Torres", role="chair"
    )
    SeatFactory(body=body, person__full_name="Beto Antiguo", ended_on=datetime.date(2024, 1, 1))
    SeatFactory(
        body=body,
        person__full_name="Carla Suspendida",
        organization=OrganizationFactory(membership_status="suspended"),
        ensure_membership=True,
    )
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("members:governance_detail", args=[body.slug])
    )
    text = html.content.decode()
    assert "<strong>desafíos</strong>" in text
    assert "Lucía Quispe" in text
    assert "Ana Torres" in text
    assert "Minera Chachani" in text
    assert "Chair" in text
    assert "Beto Antiguo" not in text  # ended seat
    assert "Carla Suspendida" not in text  # organization no longer an active member
    assert chair.person.email not in text


def test_private_organization_of_a_seat_is_not_named_to_visitors() -> None:
    private = OrganizationFactory(is_public=False, trade_name="Secreta SAC")
    seat = SeatFactory(organization=private, person__full_name="Persona Visible")
    url = reverse("members:governance_detail", args=[seat.body.slug])
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "Persona Visible" in visitor
    assert "Secreta SAC" not in visitor
    assert "A member organization" in visitor
    member = client_for("other_member").get(url).content.decode()
    assert "Secreta SAC" in member


def test_list_groups_bodies_by_kind() -> None:
    GoverningBodyFactory(kind="board", name="Consejo Directivo")
    GoverningBodyFactory(kind="committee", name="Comité de Innovación")
    GoverningBodyFactory(kind="working_group", name="Mesa de regulación")
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(LIST).content.decode()
    assert html.index("Board") < html.index("Committees") < html.index("Technical working groups")
    assert html.index("Consejo Directivo") < html.index("Mesa de regulación")


def test_unknown_body_is_404() -> None:
    assert Client().get(reverse("members:governance_detail", args=["nope"])).status_code == 404


def test_governance_list_query_count_is_constant() -> None:
    def make(count: int) -> None:
        for _ in range(count):
            body = GoverningBodyFactory(coordinator=UserFactory(is_staff=True))
            for _ in range(3):
                SeatFactory(body=body)

    client = Client()
    make(2)
    small, _ = count_queries(client, LIST)
    make(10)
    large, body = count_queries(client, LIST)
    assert small == large, (small, large)
    assert body.count("Mesa técnica") >= 12


def count_queries(client: Client, url: str) -> tuple[int, str]:
    """(queries, body) of a GET that answers 200, after a warm-up request."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("role", ["visitor", "other_member", "staff"])
def test_governance_detail_query_count_is_constant(role: str) -> None:
    """Same queries for 5 and for 50 seats, held by public and private organizations."""
    body = GoverningBodyFactory(slug="mesa-medida", coordinator=UserFactory(is_staff=True))
    url = reverse("members:governance_detail", args=[body.slug])
    client = client_for(role)

    def seat(n: int) -> None:
        SeatFactory(
            body=body,
            person__full_name=f"Titular {n:03d}",
            organization__is_public=n % 2 == 0,
            role=Seat.Role.CHAIR if n == 0 else Seat.Role.MEMBER,
        )

    for n in range(5):
        seat(n)
    few, _ = count_queries(client, url)
    for n in range(5, 50):
        seat(n)
    many, html = count_queries(client, url)
    assert few == many, (few, many)
    assert "Titular 049" in html
    print(f"governance detail as {role}: {few} queries for 5 and 50 seats")
