"""The coordinators' readiness board: who reads it, states, filters and counts, the item update
from it, constant queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions.models import Application, ReadinessItem
from missions.services.readiness import readiness_checklist_create
from tests.missions.factories import ApplicationFactory
from tests.queries import run_counted

from .world import PEOPLE, STAFF, World, coordinator, make_world

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def board(world: World, state: str = "") -> str:
    url = reverse("missions_staff:readiness_board", args=[world.mission.pk])
    return f"{url}?state={state}" if state else url


@pytest.mark.parametrize("who", PEOPLE + STAFF)
def test_who_reads_the_board(who: str) -> None:
    world = make_world()
    response = login(world.person(who)).get(board(world))
    if who in {"coordinator", "auditor"}:
        assert response.status_code == 200
        assert world.delegate.person.get_full_name() in response.content.decode()
    elif who == "visitor":
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)


def states_world() -> World:
    """Delegate: one item missing (overdue). Other delegate: everything done (ready). A second
    organization's delegate: at risk (due within 14 days)."""
    world = make_world()
    today = timezone.localdate()
    ReadinessItem.objects.filter(delegate=world.delegate, kind="passport").update(
        due_on=today - datetime.timedelta(days=2)
    )
    ReadinessItem.objects.filter(delegate=world.other_delegate).update(
        status="done", valid_until=world.mission.ends_on + datetime.timedelta(days=365)
    )
    second = ApplicationFactory(
        mission=world.mission, status=Application.Status.ACCEPTED, delegates=1
    )
    readiness_checklist_create(application=second)
    ReadinessItem.objects.filter(delegate__application=second, kind="passport").update(
        due_on=today + datetime.timedelta(days=5)
    )
    # Not in the board: a waitlisted application's delegate and a left-out one.
    ApplicationFactory(mission=world.mission, status=Application.Status.WAITLISTED, delegates=1)
    return world


def test_states_counts_and_filters() -> None:
    world = states_world()
    client = login(coordinator())
    body = client.get(board(world)).content.decode()
    assert body.count('data-testid="readiness-row"') == 3
    assert body.count('data-testid="overall-missing"') == 1
    assert body.count('data-testid="overall-ready"') == 1
    assert body.count('data-testid="overall-at_risk"') == 1
    assert 'data-testid="count-missing">Missing <span class="badge text-bg-danger">1<' in body
    filtered = client.get(board(world, "ready")).content.decode()
    assert filtered.count('data-testid="readiness-row"') == 1
    assert world.other_delegate.person.get_full_name() in filtered
    assert world.delegate.person.get_full_name() not in filtered
    assert (
        client.get(board(world, "missing")).content.decode().count('data-testid="readiness-row"')
        == 1
    )


def test_the_coordinator_updates_an_item_from_the_board() -> None:
    world = make_world()
    item = ReadinessItem.objects.get(delegate=world.delegate, kind="insurance")
    client = login(coordinator())
    form = client.get(reverse("missions_staff:readiness_item", args=[world.mission.pk, item.pk]))
    assert form.status_code == 200
    assert "Ley 29733" in form.content.decode()
    url = reverse("missions_staff:readiness_item_update", args=[world.mission.pk, item.pk])
    response = client.post(
        url, {"item-status": "not_needed", "item-note": "Cubierto por la empresa"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "not_needed"
    bad = client.post(url, {"item-status": "pending", "item-note": "pasaporte 123456789"})
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.note == "Cubierto por la empresa"


@pytest.mark.parametrize("who", ["auditor", "staff_no_role"])
def test_readers_do_not_update_items(who: str) -> None:
    world = make_world()
    item = ReadinessItem.objects.get(delegate=world.delegate, kind="insurance")
    client = login(world.person(who))
    if who == "auditor":
        body = client.get(board(world)).content.decode()
        assert 'data-testid="readiness-row"' in body
        assert "readiness/items/" not in body
        item_page = reverse("missions_staff:readiness_item", args=[world.mission.pk, item.pk])
        assert client.get(item_page).status_code == 403
    url = reverse("missions_staff:readiness_item_update", args=[world.mission.pk, item.pk])
    response = client.post(url, {"item-status": "done"})
    assert response.status_code in (302, 403)  # the service refuses, or the staff gate
    item.refresh_from_db()
    assert item.status == "pending"


def test_an_item_of_another_mission_is_not_found() -> None:
    world = make_world()
    other = make_world()
    item = ReadinessItem.objects.filter(delegate=other.delegate).first()
    assert item is not None
    url = reverse("missions_staff:readiness_item", args=[world.mission.pk, item.pk])
    assert login(coordinator()).get(url).status_code == 404


#: Measured: 7 (session, user, staff checks, the mission, delegates with their people and
#: organizations, their items).
BOARD_QUERIES = 7


def test_board_queries_do_not_grow_with_delegates() -> None:
    world = make_world()
    client = login(coordinator())
    _, small = run_counted(BOARD_QUERIES, client.get, board(world), expect=["Passport"])
    for _n in range(4):
        application = ApplicationFactory(
            mission=world.mission, status=Application.Status.ACCEPTED, delegates=2
        )
        readiness_checklist_create(application=application)
    response, large = run_counted(BOARD_QUERIES, client.get, board(world))
    assert response.content.decode().count('data-testid="readiness-row"') == 10
    assert large == small
