"""Permission matrix of the coordinators' mission pages: visitor, member, organization admin,
staff without a role, every staff role by list / create / edit / rules / action → status.
Allowed writes assert their effect; refused ones assert nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cluster_portal.core import roles
from missions.models import Mission
from tests.members.factories import OrganizationMemberFactory
from tests.missions.factories import MissionFactory
from tests.missions.missions.helpers import form_post, login
from tests.permission_matrix import STAFF_NO_ROLE, staff_user

pytestmark = pytest.mark.django_db

Status = Mission.Status
#: Coordinators act (administrators hold every permission).
COORDINATORS = frozenset({roles.MISSION_COORDINATOR, roles.ADMINISTRATOR})
#: Every staff role reads the staff pages; staff without a role reads nothing.
READERS = frozenset(roles.ROLE_CODES)
PEOPLE = ("visitor", "member", "org_admin", STAFF_NO_ROLE, *roles.ROLE_CODES)


def person(role: str) -> Any:
    if role == "visitor":
        return None
    if role in ("member", "org_admin"):
        return OrganizationMemberFactory(role="admin" if role == "org_admin" else "member").user
    return staff_user() if role == STAFF_NO_ROLE else staff_user(role)


def refused_status(role: str) -> set[int]:
    """Visitors go to the login page; members meet the staff gate's 404; staff without the
    right get 403."""
    if role == "visitor":
        return {302}
    if role in ("member", "org_admin"):
        return {404}
    return {403}


def check(role: str, response: Any, allowed: bool, ok: int) -> None:
    if allowed:
        assert response.status_code == ok, (role, response.status_code)
    else:
        assert response.status_code in refused_status(role), (role, response.status_code)
        if role == "visitor":
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", PEOPLE)
def test_read_pages(role):
    mission = MissionFactory(status=Status.DRAFT, published_at=None)
    client = login(person(role))
    for path in (
        reverse("missions_staff:mission_list"),
        reverse("missions_staff:mission_detail", args=[mission.pk]),
        reverse("missions_staff:mission_rules", args=[mission.pk]),
    ):
        check(role, client.get(path), role in READERS, 200)


@pytest.mark.parametrize("role", PEOPLE)
def test_create(role):
    client = login(person(role))
    allowed = role in COORDINATORS
    check(role, client.get(reverse("missions_staff:mission_create")), allowed, 200)
    response = client.post(reverse("missions_staff:mission_create"), form_post())
    check(role, response, allowed, 302)
    assert Mission.objects.exists() is allowed


@pytest.mark.parametrize("role", PEOPLE)
def test_edit(role):
    mission = MissionFactory(status=Status.DRAFT, published_at=None, title="Antes")
    client = login(person(role))
    path = reverse("missions_staff:mission_edit", args=[mission.pk])
    allowed = role in COORDINATORS
    check(role, client.get(path), allowed, 200)
    check(role, client.post(path, form_post(title="Después")), allowed, 302)
    mission.refresh_from_db()
    assert mission.title == ("Después" if allowed else "Antes")


@pytest.mark.parametrize("role", PEOPLE)
def test_quotas(role):
    mission = MissionFactory(capacity_organizations=4, capacity_delegates=8)
    client = login(person(role))
    response = client.post(
        reverse("missions_staff:mission_quotas", args=[mission.pk]), {"academia": "2"}
    )
    allowed = role in COORDINATORS
    check(role, response, allowed, 302)
    assert mission.quotas.filter(group="academia", minimum=2).exists() is allowed


@pytest.mark.parametrize("role", PEOPLE)
def test_actions(role):
    mission = MissionFactory(status=Status.DRAFT, published_at=None)
    client = login(person(role))
    allowed = role in COORDINATORS
    response = client.post(reverse("missions_staff:mission_action", args=[mission.pk, "publish"]))
    check(role, response, allowed, 302)
    mission.refresh_from_db()
    assert (mission.status == Status.OPEN) is allowed
    response = client.post(
        reverse("missions_staff:mission_action", args=[mission.pk, "cancel"]),
        {"cancel-reason": "Presupuesto."},
    )
    check(role, response, allowed, 302)
    mission.refresh_from_db()
    assert (mission.status == Status.CANCELLED) is allowed


def test_staff_without_mfa_is_sent_to_set_it_up():
    user = staff_user(roles.MISSION_COORDINATOR)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()
    response = login(user).get(reverse("missions_staff:mission_list"))
    assert response.status_code == 302
    assert "/accounts/login/" not in response["Location"]
