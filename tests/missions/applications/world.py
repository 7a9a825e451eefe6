"""A mission with applications at each stage, for the applications tests.

``selecting_world()``: a mission being selected (2 places for organizations, 4 for delegates,
at most 2 delegates each, criteria 60 % and 40 % out of 5, a quota of at least one small
company) with four scored applications: ``a`` (90) and ``b`` (80) are medium suppliers of
Arequipa, ``small`` (50) a small supplier, ``c`` (40) another medium one. The selection takes
``a`` and ``small`` (the quota), waitlists ``b`` then ``c``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from members.models import User
from missions.models import Application, Mission
from notifications.models import Notification
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import ApplicationFactory, MissionFactory, MissionQuotaFactory


def coordinator() -> User:
    return UserFactory(is_staff=True, totp=True, roles=["mission_coordinator"])


def admin_of(application: Application) -> User:
    member = application.organization.memberships.filter(role="admin").select_related("user")
    return member.first().user  # type: ignore[union-attr]


def apply(mission: Mission, *, score: str | None, delegates: int = 2, **org: Any) -> Application:
    organization = OrganizationFactory(employee_band=org.pop("employee_band", "51-200"), **org)
    application = ApplicationFactory(
        mission=mission, organization=organization, delegates=delegates
    )
    if score is not None:
        application.score = Decimal(score)
        application.save(update_fields=["score"])
    return application


def events(event: str) -> list[Notification]:
    return list(Notification.objects.filter(event=event).select_related("recipient").order_by("pk"))


@dataclass
class World:
    mission: Mission
    coordinator: User
    apps: dict[str, Application] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Application:
        try:
            return self.__dict__["apps"][name]
        except KeyError:
            raise AttributeError(name) from None

    def refresh(self) -> None:
        for application in self.apps.values():
            application.refresh_from_db()
        self.mission.refresh_from_db()


def selecting_world(**mission: Any) -> World:
    now = timezone.now()
    defaults: dict[str, Any] = {
        "status": Mission.Status.SELECTING,
        "applications_open_at": now - datetime.timedelta(days=30),
        "applications_close_at": now - datetime.timedelta(days=1),
    }
    defaults.update(mission)
    m = MissionFactory(**defaults)
    MissionQuotaFactory(mission=m, group="small_company", minimum=1)
    world = World(mission=m, coordinator=coordinator())
    world.apps["a"] = apply(m, score="90")
    world.apps["b"] = apply(m, score="80")
    world.apps["small"] = apply(m, score="50", employee_band="11-50")
    world.apps["c"] = apply(m, score="40")
    return world


def new_member(application: Application, role: str = "member") -> User:
    return OrganizationMemberFactory(organization=application.organization, role=role).user
