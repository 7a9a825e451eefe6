"""A confirmed mission with an accepted application and its people, for the readiness and
outcome tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cluster_portal.core import roles
from members.models import User
from missions.models import Application, Delegate, Mission
from missions.services.readiness import readiness_checklist_create
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.missions.factories import ApplicationFactory, MissionFactory

#: Who may be asked about a delegate (the permission matrices).
PEOPLE = ("delegate", "other_delegate", "org_admin", "org_member", "stranger", "visitor")
STAFF = ("coordinator", "auditor", "staff_no_role")


@dataclass
class World:
    mission: Mission
    application: Application
    delegate: Delegate
    other_delegate: Delegate
    org_admin: User
    org_member: User

    def person(self, who: str) -> Any:
        if who == "delegate":
            return self.delegate.person
        if who == "other_delegate":
            return self.other_delegate.person
        if who == "org_admin":
            return self.org_admin
        if who == "org_member":
            return self.org_member
        if who == "stranger":
            return UserFactory()
        if who == "visitor":
            return None
        if who == "coordinator":
            return coordinator()
        if who == "auditor":
            return UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR])
        if who == "staff_no_role":
            return UserFactory(is_staff=True, totp=True)
        raise ValueError(who)


def coordinator() -> User:
    return UserFactory(is_staff=True, totp=True, roles=[roles.MISSION_COORDINATOR])


def make_world(
    *,
    status: str = Mission.Status.CONFIRMED,
    starts_in: int = 90,
    checklist: bool = True,
    **mission_fields: Any,
) -> World:
    """A mission ``status`` departing in ``starts_in`` days, one accepted application of two
    delegates (a third person of the organization left out by the maximum), their checklists."""
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    mission = MissionFactory(
        status=status,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=7),
        applications_open_at=timezone.now() - datetime.timedelta(days=60),
        applications_close_at=timezone.now() - datetime.timedelta(days=30),
        **mission_fields,
    )
    application = ApplicationFactory(
        mission=mission, status=Application.Status.ACCEPTED, delegates=2
    )
    delegate, other = list(application.delegates.order_by("position"))
    org_admin = application.submitted_by
    org_member = OrganizationMemberFactory(organization=application.organization).user
    if checklist:
        readiness_checklist_create(application=application)
    return World(mission, application, delegate, other, org_admin, org_member)
