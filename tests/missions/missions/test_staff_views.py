"""The coordinators' mission pages (issue 12, H1): the list with its counts (constant queries),
creating and editing a mission, criteria and quotas, the mission's page with its lifecycle
actions. Allowed cases assert the effect; bad input changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core import roles
from missions.models import Application, Mission
from notifications.models import NotificationBroadcast
from tests.members.factories import UserFactory
from tests.missions.factories import ApplicationFactory, MissionFactory
from tests.missions.missions.helpers import coordinator, form_post, login
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

Status = Mission.Status
LIST = reverse("missions_staff:mission_list")


def url(name: str, mission: Mission, *args: Any) -> str:
    return reverse(f"missions_staff:{name}", args=[mission.pk, *args])


@pytest.fixture
def client():
    return login(coordinator())


# --- List ----------------------------------------------------------------------------------


def _mission_with_applications(**kwargs: Any) -> Mission:
    mission = MissionFactory(status=Status.CONFIRMED, capacity_organizations=3, **kwargs)
    ApplicationFactory(mission=mission, status=Application.Status.ACCEPTED, delegates=2)
    ApplicationFactory(mission=mission, status=Application.Status.OFFERED, delegates=1)
    ApplicationFactory(mission=mission, status=Application.Status.WAITLISTED, delegates=2)
    ApplicationFactory(mission=mission, status=Application.Status.WITHDRAWN, delegates=1)
    return mission


def test_list_shows_counts_and_filters_by_status(client):
    mission = _mission_with_applications(title="Misión a Chile")
    MissionFactory(title="Misión en borrador", status=Status.DRAFT, published_at=None)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Misión a Chile" in body
    assert "Misión en borrador" in body
    row = body[body.index("Misión a Chile") :]
    assert '<td data-testid="application-count">4</td>' in row
    assert '<td data-testid="places-taken">2 of 3</td>' in row
    assert '<td data-testid="delegate-count">3 of 4</td>' in row
    filtered = client.get(LIST, {"status": "draft"}).content.decode()
    assert "Misión en borrador" in filtered
    assert "Misión a Chile" not in filtered
    assert mission.code in client.get(LIST, {"q": mission.code}).content.decode()


def test_list_queries_are_constant(client):
    _mission_with_applications(title="Misión uno")
    _, few = run_counted(7, client.get, LIST, expect=["Misión uno"])
    for n in range(6):
        _mission_with_applications(title=f"Misión más {n}")
    _, many = run_counted(7, client.get, LIST, expect=["Misión uno", "Misión más 5"])
    assert many == few


def test_detail_queries_are_bounded(client):
    mission = _mission_with_applications()
    run_counted(8, client.get, url("mission_detail", mission), expect=[mission.code])


# --- Creating and editing ------------------------------------------------------------------------


def test_create_form_lists_countries_in_the_readers_language_and_zones():
    user = coordinator()
    body = login(user).get(reverse("missions_staff:mission_create")).content.decode()
    assert '<option value="AU">Australia</option>' in body
    assert '<option value="DE">Germany</option>' in body
    assert '<option value="America/Santiago">' in body
    assert '<option value="Australia/Perth">' in body
    assert '<option value="Canada/Pacific">' in body or "Canada/" in body
    spanish = login(user)
    spanish.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert (
        '<option value="DE">Alemania</option>'
        in spanish.get(reverse("missions_staff:mission_create")).content.decode()
    )


def test_create_then_edit(client):
    response = client.post(reverse("missions_staff:mission_create"), form_post())
    mission = Mission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("mission_rules", mission)
    assert mission.status == Status.DRAFT
    assert mission.visa_required
    assert not mission.vaccinations_required
    assert str(mission.co_funding_per_delegate.amount) == "9000.00"
    response = client.post(
        url("mission_edit", mission),
        form_post(title="Misión a Queensland", time_zone="Australia/Brisbane"),
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.title, mission.time_zone) == ("Misión a Queensland", "Australia/Brisbane")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Perth", "is not a time zone name"),
        ("country", "XX", "Select a valid choice"),
        ("co_funding_per_delegate_0", "20000", "cannot be more than the cost"),
        ("capacity_delegates", "2", "at least one place for a delegate"),
    ],
)
def test_bad_input_shows_the_error_and_saves_nothing(client, field, value, message):
    response = client.post(reverse("missions_staff:mission_create"), form_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Mission.objects.exists()


def test_edit_refused_for_a_finished_mission_says_why(client):
    mission = MissionFactory(status=Status.COMPLETED)
    response = client.post(url("mission_edit", mission), form_post(title="Otra"), follow=True)
    assert "it can no longer change" in response.content.decode()
    mission.refresh_from_db()
    assert mission.title != "Otra"


# --- Criteria and quotas -----------------------------------------------------------------------


def _criteria_post(mission: Mission, rows: list[dict[str, Any]]) -> dict[str, Any]:
    existing = list(mission.criteria.all())
    data: dict[str, Any] = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(len(existing)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    return data


def test_criteria_formset_saves_and_refuses_a_bad_total(client):
    mission = MissionFactory(status=Status.DRAFT, published_at=None, criteria=2)
    first, second = mission.criteria.all()
    page = client.get(url("mission_rules", mission)).content.decode()
    assert 'data-testid="criteria-form"' in page
    assert 'data-testid="quotas-form"' in page
    rows = [
        {"id": first.pk, "name": "Innovación", "weight": "50", "max_score": "5"},
        {"id": second.pk, "name": "B", "weight": "30", "max_score": "5", "DELETE": "on"},
        {"name": "Exportación", "weight": "50", "max_score": "10"},
        {"name": "", "weight": "", "max_score": "5"},  # an extra row left as rendered
    ]
    response = client.post(url("mission_criteria", mission), _criteria_post(mission, rows))
    assert response.status_code == 302
    assert list(mission.criteria.values_list("name", "weight")) == [
        ("Innovación", 50),
        ("Exportación", 50),
    ]
    rows = [
        {"id": c.pk, "name": c.name, "weight": "40", "max_score": "5"}
        for c in mission.criteria.all()
    ]
    response = client.post(url("mission_criteria", mission), _criteria_post(mission, rows))
    assert response.status_code == 400
    assert "they must sum to exactly 100" in response.content.decode()
    assert list(mission.criteria.values_list("weight", flat=True)) == [50, 50]


def test_quotas_form(client):
    mission = MissionFactory(capacity_organizations=4, capacity_delegates=8)
    response = client.post(
        url("mission_quotas", mission), {"small_company": "4", "outside_arequipa": "3"}
    )
    assert response.status_code == 302
    assert dict(mission.quotas.values_list("group", "minimum")) == {
        "small_company": 4,
        "outside_arequipa": 3,
    }
    response = client.post(url("mission_quotas", mission), {"academia": "5"})
    assert response.status_code == 400
    assert mission.quotas.count() == 2


# --- The mission's page and its actions ----------------------------------------------------------


def test_detail_offers_the_lifecycle_actions():
    mission = MissionFactory(status=Status.DRAFT, published_at=None)
    body = login(coordinator()).get(url("mission_detail", mission)).content.decode()
    assert 'data-testid="publish-form"' in body
    assert 'data-testid="cancel-form"' in body
    assert url("mission_action", mission, "publish") in body
    auditor = UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR])
    body = login(auditor).get(url("mission_detail", mission)).content.decode()
    assert 'data-testid="publish-reason"' in body  # shown disabled, with the reason
    assert 'data-testid="edit-mission"' not in body


def test_publish_action(client):
    mission = MissionFactory(status=Status.DRAFT, published_at=None)
    response = client.post(url("mission_action", mission, "publish"))
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Status.OPEN
    assert NotificationBroadcast.objects.filter(event="missions.published").count() == 1


def test_publish_refused_shows_why(client):
    mission = MissionFactory(status=Status.DRAFT, published_at=None, criteria=0)
    response = client.post(url("mission_action", mission, "publish"))
    assert response.status_code == 400
    assert "Add the selection criteria first." in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.DRAFT


def test_cancel_asks_a_reason(client):
    mission = MissionFactory()
    response = client.post(url("mission_action", mission, "cancel"), {"cancel-reason": ""})
    assert response.status_code == 400
    mission.refresh_from_db()
    assert mission.status == Status.OPEN
    response = client.post(
        url("mission_action", mission, "cancel"), {"cancel-reason": "Sin vuelos."}
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.status, mission.status_reason) == (Status.CANCELLED, "Sin vuelos.")


def test_publish_selection_goes_to_the_selection_service(client, monkeypatch):
    mission = MissionFactory(status=Status.SELECTING)
    called: list[Mission] = []

    def fake(*, actor: Any, mission: Mission) -> Mission:
        called.append(mission)
        return mission

    monkeypatch.setattr("missions.services.applications.selection_publish", fake)
    response = client.post(url("mission_action", mission, "publish_selection"))
    assert response.status_code == 302
    assert [m.pk for m in called] == [mission.pk]


def test_an_action_from_the_wrong_state_is_a_message(client):
    mission = MissionFactory(status=Status.COMPLETED)
    response = client.post(url("mission_action", mission, "close_applications"), follow=True)
    assert "this change is not possible now" in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Status.COMPLETED


def test_unknown_actions_and_other_pages_are_not_actions(client):
    mission = MissionFactory()
    assert client.post(f"{url('mission_detail', mission)}explode/").status_code == 404
    # The action route never takes another part's page (agenda/, applications/…).
    match = reverse("missions_staff:mission_action", args=[mission.pk, "publish"])
    assert match.endswith("/publish/")


def test_staff_home_lists_missions_for_readers():
    body = login(coordinator()).get(reverse("staff_home")).content.decode()
    assert LIST in body
    body = login(UserFactory(is_staff=True, totp=True)).get(reverse("staff_home")).content.decode()
    assert LIST not in body


def test_the_timed_close_is_shown_in_lima_time(client):
    mission = MissionFactory(
        applications_close_at=timezone.now().replace(second=0, microsecond=0)
        + datetime.timedelta(days=3)
    )
    body = client.get(url("mission_detail", mission)).content.decode()
    assert "(Lima time)" in body
