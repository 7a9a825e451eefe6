"""The delegate's page: who sees it, attendance, the checklist forms, the agenda and the
calendar links; query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions.models import ReadinessItem
from tests.missions.factories import AgendaItemFactory

from .world import PEOPLE, STAFF, World, make_world

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def page(world: World) -> str:
    return reverse("missions:delegate_detail", args=[world.delegate.pk])


SEES = {"delegate", "org_admin", "coordinator", "auditor"}


@pytest.mark.parametrize("who", PEOPLE + STAFF)
def test_who_sees_the_delegate_page(who: str) -> None:
    world = make_world()
    response = login(world.person(who)).get(page(world))
    if who in SEES:
        assert response.status_code == 200
        assert world.delegate.person.get_full_name() in response.content.decode()
    elif who == "visitor":
        assert response.status_code == 302
        assert "/login" in response["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", ["delegate", "other_delegate", "org_admin", "coordinator"])
def test_only_the_delegate_confirms_attendance(who: str) -> None:
    world = make_world()
    url = reverse("missions:delegate_confirm", args=[world.delegate.pk])
    response = login(world.person(who)).post(url)
    world.delegate.refresh_from_db()
    if who == "delegate":
        assert response.status_code == 302
        assert world.delegate.confirmed_at is not None
    else:
        assert response.status_code in (302, 404)
        assert world.delegate.confirmed_at is None


def test_the_page_shows_the_confirm_button_calendars_notice_and_checklist() -> None:
    world = make_world()
    client = login(world.delegate.person)
    body = client.get(page(world)).content.decode()
    assert 'data-testid="confirm-attendance"' in body
    assert reverse("missions:delegate_calendar", args=[world.delegate.pk]) in body
    assert reverse("missions:mission_calendar", args=[world.mission.slug]) in body
    assert "Do not write passport numbers here" in body
    assert "Ley 29733" in body
    assert body.count('data-testid="checklist-item"') == 3
    assert body.count('data-testid="item-form"') == 3
    client.post(reverse("missions:delegate_confirm", args=[world.delegate.pk]))
    body = client.get(page(world)).content.decode()
    assert 'data-testid="confirm-attendance"' not in body
    assert "Confirmed" in body


def test_the_organizations_admin_sees_forms_but_no_confirm_button() -> None:
    world = make_world()
    body = login(world.org_admin).get(page(world)).content.decode()
    assert 'data-testid="confirm-attendance"' not in body
    assert body.count('data-testid="item-form"') == 3


def test_the_auditor_reads_without_forms() -> None:
    world = make_world()
    body = login(world.person("auditor")).get(page(world)).content.decode()
    assert 'data-testid="item-form"' not in body


def item_url(world: World, kind: str = "passport") -> tuple[str, ReadinessItem]:
    item = ReadinessItem.objects.get(delegate=world.delegate, kind=kind)
    return reverse("missions:readiness_item_update", args=[world.delegate.pk, item.pk]), item


def test_updating_an_item_from_the_page() -> None:
    world = make_world()
    url, item = item_url(world)
    valid = (world.mission.ends_on + datetime.timedelta(days=400)).isoformat()
    prefix = f"item-{item.pk}"
    response = login(world.delegate.person).post(
        url, {f"{prefix}-status": "done", f"{prefix}-valid_until": valid, f"{prefix}-note": ""}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert item.done_on == timezone.localdate()


def test_a_short_passport_or_a_number_in_the_note_shows_on_the_form() -> None:
    world = make_world()
    url, item = item_url(world)
    prefix = f"item-{item.pk}"
    client = login(world.delegate.person)
    short = (world.mission.ends_on + datetime.timedelta(days=30)).isoformat()
    response = client.post(url, {f"{prefix}-status": "done", f"{prefix}-valid_until": short})
    assert response.status_code == 400
    assert "six months after the return" in response.content.decode()
    response = client.post(url, {f"{prefix}-status": "pending", f"{prefix}-note": "AB1234567"})
    assert response.status_code == 400
    assert "looks like a passport or document number" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.note, item.valid_until) == ("pending", "", None)


@pytest.mark.parametrize("who", ["other_delegate", "org_member", "auditor"])
def test_others_cannot_update_an_item(who: str) -> None:
    world = make_world()
    url, item = item_url(world)
    prefix = f"item-{item.pk}"
    response = login(world.person(who)).post(url, {f"{prefix}-status": "in_progress"})
    assert response.status_code in (302, 404)
    item.refresh_from_db()
    assert item.status == "pending"


def test_an_item_of_another_delegate_is_not_found() -> None:
    world = make_world()
    other_item = ReadinessItem.objects.filter(delegate=world.other_delegate).first()
    assert other_item is not None
    url = reverse("missions:readiness_item_update", args=[world.delegate.pk, other_item.pk])
    response = login(world.delegate.person).post(url, {f"item-{other_item.pk}-status": "done"})
    assert response.status_code == 404


def test_the_delegates_agenda_in_both_times() -> None:
    world = make_world()
    AgendaItemFactory(mission=world.mission, title="Visita a Roy Hill", title_en="Roy Hill visit")
    body = login(world.delegate.person).get(page(world)).content.decode()
    assert 'data-testid="delegate-agenda"' in body
    assert "Roy Hill visit" in body


def test_query_count_does_not_grow_with_items_and_agenda() -> None:
    world = make_world(visa_required=True)
    AgendaItemFactory(mission=world.mission, title_en="Opening")
    client = login(world.delegate.person)
    _, small = _count(client, page(world))
    for n in range(5):
        AgendaItemFactory(mission=world.mission, title_en=f"Workshop {n}")
    world.mission.vaccinations_required = True
    world.mission.save()
    from missions.services.readiness import readiness_checklist_create

    readiness_checklist_create(application=world.application)
    _, large = _count(client, page(world))
    assert large == small


def _count(client: Client, url: str) -> tuple[Any, int]:
    from tests.queries import run_counted

    return run_counted(QUERIES, client.get, url, expect=["Passport", "Opening"])


#: Measured: 8 (session, user, viewer's organizations, delegate, items, 3 agenda).
QUERIES = 8
