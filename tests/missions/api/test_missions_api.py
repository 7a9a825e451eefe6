"""GET /api/v1/missions/ and {id}/: missions:read reads published missions in full (places
held, waitlist, quotas, criteria, eligibility, hold hours); public:read and people signed in
read the public fields (staff readers in full); drafts never appear; the agenda in each
item's zone and in Lima's, without addresses; filters, bad values, ordering, query counts at
two sizes, read only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cluster_portal.core import roles
from members.models import Organization
from missions.api.serializers.missions import FULL_ONLY
from missions.models import AgendaItem, Application, Mission
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationFactory, UserFactory
from tests.missions.factories import (
    AgendaItemFactory,
    ApplicationFactory,
    MissionFactory,
    MissionQuotaFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/missions/"

PUBLIC_FIELDS = {
    "id",
    "code",
    "slug",
    "view",
    "url",
    "status",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "objectives",
    "objectives_en",
    "country",
    "cities",
    "time_zone",
    "starts_on",
    "ends_on",
    "applications_open_at",
    "applications_close_at",
    "capacity",
    "cost_per_delegate",
    "co_funding_per_delegate",
    "co_funding_note",
    "agenda",
}


def token_client(*scopes: str) -> Client:
    partner = PartnerClientFactory(organization=OrganizationFactory(), allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


def session(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def mission() -> Mission:
    """An open mission to Perth with an item at 09:00 Perth time (01:00 UTC), a quota, two
    applications holding places (three included delegates) and one on the waitlist."""
    mission = MissionFactory(
        title_en="Mission to Australia",
        country="AU",
        cities="Perth, Brisbane",
        starts_on=datetime.date(2031, 7, 15),
        ends_on=datetime.date(2031, 7, 22),
        eligible_kinds=["mets"],
        eligible_regions=["arequipa", "tacna"],
    )
    AgendaItemFactory(
        mission=mission,
        title_en="Workshop at METS Ignited",
        address="1 Mining St",
        starts_at=datetime.datetime(2031, 7, 15, 1, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 7, 15, 3, 0, tzinfo=datetime.UTC),
    )
    MissionQuotaFactory(mission=mission, group="small_company", minimum=1)
    ApplicationFactory(mission=mission, status=Application.Status.ACCEPTED, delegates=2)
    ApplicationFactory(mission=mission, status=Application.Status.OFFERED, delegates=1)
    ApplicationFactory(mission=mission, status=Application.Status.WAITLISTED, delegates=1)
    ApplicationFactory(mission=mission, status=Application.Status.WITHDRAWN, delegates=1)
    return mission


@pytest.fixture
def draft() -> Mission:
    return MissionFactory(title_en="Secret draft", status=Mission.Status.DRAFT, published_at=None)


# --- Who may call ---------------------------------------------------------------------------


def test_anonymous_callers_get_401(mission: Mission) -> None:
    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}{mission.pk}/").status_code == 401


def test_a_token_without_either_scope_is_403_and_names_both(mission: Mission) -> None:
    response = token_client("members:read").get(LIST)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "missions:read" in error["detail"]
    assert "public:read" in error["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_write_methods(mission: Mission, method: str) -> None:
    client = token_client("missions:read")
    url = LIST if method == "post" else f"{LIST}{mission.pk}/"
    assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405
    assert Mission.objects.get(pk=mission.pk).title == mission.title


# --- Shapes ---------------------------------------------------------------------------------


def test_public_read_gets_the_public_fields_only(mission: Mission) -> None:
    response = token_client("public:read").get(LIST)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert set(row) == PUBLIC_FIELDS
    assert row["view"] == "public"
    assert row["title_en"] == "Mission to Australia"
    assert row["country"] == {"code": "AU", "name": "Australia"}
    assert row["cities"] == ["Perth", "Brisbane"]
    assert row["capacity"] == {"organizations": 2, "delegates": 4, "delegates_per_organization": 2}
    assert row["cost_per_delegate"] == {"amount": "18000.00", "currency": "PEN"}
    assert row["co_funding_per_delegate"] == {"amount": "9000.00", "currency": "PEN"}
    assert row["url"].endswith(f"/missions/{mission.slug}/")


def test_missions_read_gets_everything(mission: Mission) -> None:
    (row,) = token_client("missions:read").get(LIST).json()["results"]
    assert set(row) == PUBLIC_FIELDS | FULL_ONLY
    assert row["view"] == "full"
    assert row["places_held"] == {"organizations": 2, "delegates": 3}
    assert row["waitlist_length"] == 1
    assert row["quotas"] == [{"group": "small_company", "minimum": 1}]
    assert [c["weight"] for c in row["criteria"]] == [60, 40]
    assert row["eligible_kinds"] == ["mets"]
    assert row["eligible_regions"] == ["arequipa", "tacna"]
    assert row["hold_hours"] == 72


def test_missions_read_wins_over_public_read(mission: Mission) -> None:
    (row,) = token_client("public:read", "missions:read").get(LIST).json()["results"]
    assert row["view"] == "full"


def test_people_read_public_fields_and_staff_readers_everything(mission: Mission) -> None:
    member = UserFactory()
    (row,) = session(member).get(LIST).json()["results"]
    assert set(row) == PUBLIC_FIELDS
    for role in (roles.MISSION_COORDINATOR, roles.AUDITOR):
        staff = UserFactory(roles=[role], totp=True)
        (row,) = session(staff).get(LIST).json()["results"]
        assert row["view"] == "full"
        assert row["waitlist_length"] == 1


def test_the_agenda_in_perth_and_lima_without_addresses(mission: Mission) -> None:
    for client in (token_client("missions:read"), token_client("public:read")):
        (item,) = client.get(f"{LIST}{mission.pk}/").json()["agenda"]
        assert item["title_en"] == "Workshop at METS Ignited"
        assert item["kind"] == "workshop"
        assert "address" not in item
        assert "1 Mining St" not in str(item)
        assert item["local"] == {
            "start": "2031-07-15T09:00:00+08:00",
            "end": "2031-07-15T11:00:00+08:00",
            "zone": "Australia/Perth",
            "offset": "UTC+8",
            "day_shift": 0,
        }
        assert item["lima"] == {
            "start": "2031-07-14T20:00:00-05:00",
            "end": "2031-07-14T22:00:00-05:00",
            "zone": "America/Lima",
            "offset": "UTC\u22125",
            "day_shift": -1,
        }


def test_the_agenda_kinds_and_organization_kinds_are_documented(mission: Mission) -> None:
    """The descriptions list the values by hand (no enum: see the serializer); keep them true."""
    from missions.api.serializers.missions import MissionAgendaItemSerializer, MissionSerializer

    kind_help = str(MissionAgendaItemSerializer().fields["kind"].help_text)
    assert all(value in kind_help for value in AgendaItem.Kind.values)
    kinds_help = str(MissionSerializer().fields["eligible_kinds"].help_text)
    assert all(value in kinds_help for value in Organization.Kind.values)


# --- Drafts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scopes", [("missions:read",), ("public:read",)])
def test_drafts_never_appear(mission: Mission, draft: Mission, scopes: tuple[str, ...]) -> None:
    client = token_client(*scopes)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [mission.pk]
    assert client.get(f"{LIST}{draft.pk}/").status_code == 404


def test_drafts_never_appear_even_to_coordinators(mission: Mission, draft: Mission) -> None:
    client = session(UserFactory(roles=[roles.MISSION_COORDINATOR], totp=True))
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [mission.pk]
    assert client.get(f"{LIST}{draft.pk}/").status_code == 404


# --- Filters and ordering -------------------------------------------------------------------


@pytest.fixture
def three() -> dict[str, Mission]:
    today = timezone.localdate()
    return {
        "au": MissionFactory(country="AU", starts_on=today + datetime.timedelta(days=90)),
        "cl": MissionFactory(
            country="CL",
            cities="Antofagasta, Santiago",
            status=Mission.Status.CONFIRMED,
            starts_on=today + datetime.timedelta(days=30),
            applications_close_at=timezone.now() - datetime.timedelta(days=2),
            applications_open_at=timezone.now() - datetime.timedelta(days=40),
        ),
        "done": MissionFactory(
            country="CL",
            status=Mission.Status.COMPLETED,
            starts_on=today - datetime.timedelta(days=100),
            ends_on=today - datetime.timedelta(days=93),
            applications_close_at=timezone.now() - datetime.timedelta(days=150),
            applications_open_at=timezone.now() - datetime.timedelta(days=190),
        ),
    }


def _ids(client: Client, params: dict[str, str]) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_filters(three: dict[str, Mission]) -> None:
    client = token_client("public:read")
    today = timezone.localdate()
    au, cl, done = three["au"], three["cl"], three["done"]
    assert _ids(client, {"country": "CL"}) == [done.pk, cl.pk]
    assert _ids(client, {"status": "confirmed"}) == [cl.pk]
    assert _ids(client, {"starts_after": str(today)}) == [cl.pk, au.pk]
    assert _ids(client, {"starts_before": str(today)}) == [done.pk]
    later = today + datetime.timedelta(days=60)
    assert _ids(client, {"starts_after": str(today), "starts_before": str(later)}) == [cl.pk]
    assert _ids(client, {"country": "PE"}) == []
    assert _ids(client, {"search": "Antofagasta"}) == [cl.pk]


def test_ordering(three: dict[str, Mission]) -> None:
    client = token_client("public:read")
    au, cl, done = three["au"], three["cl"], three["done"]
    assert _ids(client, {}) == [done.pk, cl.pk, au.pk]
    assert _ids(client, {"ordering": "-starts_on"}) == [au.pk, cl.pk, done.pk]
    assert _ids(client, {"ordering": "applications_close_at"}) == [done.pk, cl.pk, au.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "draft"}, "status"),
        ({"status": "nonsense"}, "status"),
        ({"country": "Australia"}, "country"),
        ({"country": "au"}, "country"),
        ({"starts_after": "yesterday"}, "starts_after"),
        ({"starts_before": "2031-13-01"}, "starts_before"),
        ({"ordering": "title"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(
    three: dict[str, Mission], params: dict[str, str], field: str
) -> None:
    response = token_client("public:read").get(LIST, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


# --- Query counts ---------------------------------------------------------------------------


def _grow(count: int) -> None:
    for index in range(count):
        grown = MissionFactory(country="CL" if index % 2 else "AU")
        AgendaItemFactory(mission=grown)
        AgendaItemFactory(mission=grown)
        MissionQuotaFactory(mission=grown)
        ApplicationFactory(mission=grown, status=Application.Status.WAITLISTED)


BOUNDS = {("missions:read",): 7, ("public:read",): 5}


@pytest.mark.parametrize("scopes", list(BOUNDS))
def test_constant_queries_for_tokens(max_queries, scopes: tuple[str, ...]) -> None:
    client = token_client(*scopes)
    _grow(2)
    small = max_queries(BOUNDS[scopes], client.get, LIST, expect=['"count":2'])
    _grow(18)
    large = max_queries(BOUNDS[scopes], client.get, LIST, expect=['"count":20'])
    assert len(large.json()["results"]) == 20
    assert small.status_code == 200


def test_constant_queries_for_a_coordinator(max_queries) -> None:
    client = session(UserFactory(roles=[roles.MISSION_COORDINATOR], totp=True))
    _grow(2)
    max_queries(8, client.get, LIST, expect=['"count":2'])
    _grow(18)
    max_queries(8, client.get, LIST, expect=['"count":20'])
