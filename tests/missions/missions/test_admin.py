"""The missions admin is read only: coordinators and auditors list and open every missions
model; nobody adds, changes or deletes there, not even a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cluster_portal.core import roles
from missions import models
from tests.members.factories import UserFactory
from tests.missions.factories import ApplicationFactory, MissionFactory
from tests.missions.missions.helpers import login
from tests.permission_matrix import staff_user

pytestmark = pytest.mark.django_db

MODELS = [
    models.Mission,
    models.SelectionCriterion,
    models.MissionQuota,
    models.AgendaItem,
    models.Application,
    models.ApplicationScore,
    models.Delegate,
    models.ReadinessItem,
    models.ReadinessReminder,
    models.Outcome,
    models.OutcomeReminder,
    models.Agreement,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_missions_model_is_registered_read_only(model, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("role", [roles.MISSION_COORDINATOR, roles.AUDITOR])
def test_coordinators_and_auditors_read_missions_in_the_admin(role):
    mission = MissionFactory(title="Misión a Perth")
    application = ApplicationFactory(mission=mission, delegates=2)
    client = login(staff_user(role))
    listing = client.get(reverse("admin:missions_mission_changelist"))
    assert listing.status_code == 200
    assert "Misión a Perth" in listing.content.decode()
    page = client.get(reverse("admin:missions_application_change", args=[application.pk]))
    assert page.status_code == 200
    assert (
        client.post(
            reverse("admin:missions_mission_delete", args=[mission.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert models.Mission.objects.filter(pk=mission.pk).exists()


def test_other_staff_roles_do_not_see_missions_in_the_admin():
    client = login(staff_user(roles.MEMBERSHIP_OFFICER))
    assert client.get(reverse("admin:missions_mission_changelist")).status_code == 403
