"""A mission with a delegation for the agenda tests.

``agenda_world()``: a *confirmed* mission to Perth (Australia/Perth, UTC+8 all year) with

* ``accepted``: an accepted application with two included delegates (``ana``, ``beto``) and one
  left out by the per-organization maximum (``excluded``);
* ``offered``: an application holding an offered place, one delegate (``carla``);
* ``waitlisted``: an application on the waitlist, one delegate (``dario``): not in the delegation;

a coordinator (with MFA), the admins of the accepted and waitlisted organizations, and someone
of another organization.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from missions.models import AgendaItem, Application, Delegate, Mission
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.missions.factories import (
    AgendaItemFactory,
    ApplicationFactory,
    DelegateFactory,
    MissionFactory,
)

PERTH = "Australia/Perth"
COORDINATOR = "mission_coordinator"


def coordinator() -> Any:
    return UserFactory(roles=[COORDINATOR], totp=True)


def local(
    mission: Mission, day: int, hour: int, minute: int = 0, zone: str = PERTH
) -> datetime.datetime:
    """Day ``day`` of the mission (0: departure) at ``hour:minute`` in ``zone``, aware."""
    from missions.calendars import localize

    naive = datetime.datetime.combine(
        mission.starts_on + datetime.timedelta(days=day), datetime.time(hour, minute)
    )
    return localize(naive, zone)


@dataclass
class AgendaWorld:
    mission: Mission
    coordinator: Any
    accepted: Application
    offered: Application
    waitlisted: Application
    ana: Delegate
    beto: Delegate
    excluded: Delegate
    carla: Delegate
    dario: Delegate
    accepted_admin: Any
    waitlisted_admin: Any
    outsider: Any

    @property
    def delegation(self) -> list[Delegate]:
        return [self.ana, self.beto, self.carla]

    def item(self, **kwargs: Any) -> AgendaItem:
        kwargs.setdefault("title_en", "")
        kwargs.setdefault("starts_at", local(self.mission, 1, 9))
        kwargs.setdefault("ends_at", kwargs["starts_at"] + datetime.timedelta(hours=2))
        attendees = kwargs.pop("attendees", None)
        item = AgendaItemFactory(mission=self.mission, **kwargs)
        if attendees is not None:
            item.for_everyone = False
            item.save(update_fields=["for_everyone"])
            item.attendees.set(attendees)
        return item


def _application(mission: Mission, status: str, delegates: int) -> Application:
    application = ApplicationFactory(mission=mission, status=status, delegates=delegates)
    return application


def agenda_world(**mission_kwargs: Any) -> AgendaWorld:
    mission_kwargs.setdefault("status", Mission.Status.CONFIRMED)
    mission_kwargs.setdefault("capacity_delegates", 10)
    mission = MissionFactory(**mission_kwargs)
    accepted = _application(mission, Application.Status.ACCEPTED, 2)
    ana, beto = list(accepted.delegates.order_by("position"))
    excluded = DelegateFactory(
        application=accepted,
        person=OrganizationMemberFactory(organization=accepted.organization).user,
        position=3,
        included=False,
    )
    offered = _application(mission, Application.Status.OFFERED, 1)
    waitlisted = _application(mission, Application.Status.WAITLISTED, 1)
    return AgendaWorld(
        mission=mission,
        coordinator=coordinator(),
        accepted=accepted,
        offered=offered,
        waitlisted=waitlisted,
        ana=ana,
        beto=beto,
        excluded=excluded,
        carla=offered.delegates.get(),
        dario=waitlisted.delegates.get(),
        accepted_admin=accepted.submitted_by,
        waitlisted_admin=waitlisted.submitted_by,
        outsider=OrganizationMemberFactory().user,
    )
