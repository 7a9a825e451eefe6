"""The demo missions as data (:class:`Plan`), and the steps every one of them goes through, each
by the person who would act, at its moment: the coordinator creates the mission with its
criteria, quotas and agenda and publishes it; organizations' admins apply; the coordinator
scores. What happens next (selection, answers, readiness, outcomes) is each mission's story,
in its own module.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from djmoney.money import Money

from members.models import User

from ..models import AgendaItem, Application, Delegate, Mission
from ..services import agenda as agenda_services
from ..services import applications as application_services
from ..services import missions as mission_services
from .common import admin_of, coordinator, date, local, moment, on, organization, person

AGENDA = AgendaItem.Kind


@dataclass(frozen=True)
class Item:
    """An agenda item: ``day`` counts from the mission's departure (0: the first day), times
    are the wall-clock times of ``zone``. ``attendees`` (emails) makes it an item for chosen
    delegates only, added once they hold their places."""

    kind: str
    title: str
    title_en: str
    host: str
    address: str
    city: str
    zone: str
    day: int
    starts: tuple[int, int]
    ends: tuple[int, int]
    description: str = ""
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Applicant:
    """An application: the organization (its key in the members' demo), the delegates (email,
    role in the delegation) in order, the motivation, the day it was submitted and the
    coordinator's scores (one per criterion, in order; ``()``: not scored yet)."""

    key: str
    delegates: tuple[tuple[str, str], ...]
    motivation: str
    day: int
    scores: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    name: str
    name_en: str
    description: str
    description_en: str
    weight: int


@dataclass(frozen=True)
class Plan:
    title: str
    title_en: str
    summary: str
    summary_en: str
    objectives: str
    objectives_en: str
    country: str
    cities: str
    time_zone: str
    created: int
    opens: int
    closes: int
    departs: int
    length: int
    capacity_organizations: int
    capacity_delegates: int
    max_per_organization: int
    cost: tuple[str, str]
    co_funding: tuple[str, str]
    co_funding_note: str
    kinds: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    quotas: dict[str, int]
    agenda: tuple[Item, ...]
    applicants: tuple[Applicant, ...]
    regions: tuple[str, ...] = ()
    visa: bool = False
    vaccinations: bool = False
    hold_hours: int = 72
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def starts_on(self) -> datetime.date:
        return date(self.departs)

    @property
    def ends_on(self) -> datetime.date:
        return date(self.departs + self.length - 1)


def money(value: tuple[str, str]) -> Money:
    return Money(Decimal(value[0]), value[1])


def find(plan: Plan) -> Mission | None:
    """The demo mission of ``plan`` (its Spanish title is its natural key)."""
    return Mission.objects.filter(title=plan.title).first()


def create(plan: Plan) -> Mission:
    """The coordinator drafts the mission, its criteria, quotas and agenda (before departure,
    without the items for chosen delegates), and publishes it the day applications open."""
    actor = coordinator()
    with on(moment(plan.created, 10)):
        mission = mission_services.mission_create(
            actor=actor,
            data={
                "title": plan.title,
                "title_en": plan.title_en,
                "summary": plan.summary,
                "summary_en": plan.summary_en,
                "objectives": plan.objectives,
                "objectives_en": plan.objectives_en,
                "country": plan.country,
                "cities": plan.cities,
                "time_zone": plan.time_zone,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "applications_open_at": moment(plan.opens, 9),
                "applications_close_at": moment(plan.closes, 18),
                "capacity_organizations": plan.capacity_organizations,
                "capacity_delegates": plan.capacity_delegates,
                "max_delegates_per_organization": plan.max_per_organization,
                "cost_per_delegate": money(plan.cost),
                "co_funding_per_delegate": money(plan.co_funding),
                "co_funding_note": plan.co_funding_note,
                "eligible_kinds": list(plan.kinds),
                "eligible_regions": list(plan.regions),
                "hold_hours": plan.hold_hours,
                "visa_required": plan.visa,
                "vaccinations_required": plan.vaccinations,
            },
        )
        mission_services.mission_criteria_set(
            actor=actor,
            mission=mission,
            criteria=[
                {
                    "name": c.name,
                    "name_en": c.name_en,
                    "description": c.description,
                    "description_en": c.description_en,
                    "weight": c.weight,
                    "max_score": 5,
                }
                for c in plan.criteria
            ],
        )
        mission_services.mission_quotas_set(actor=actor, mission=mission, quotas=plan.quotas)
    with on(moment(plan.created + 2, 16)):
        for item in plan.agenda:
            if not item.attendees:
                add_item(mission, plan, item)
    with on(moment(plan.opens, 9)):
        mission = mission_services.mission_publish(actor=actor, mission=mission)
    return mission


def add_item(mission: Mission, plan: Plan, item: Item) -> AgendaItem:
    """The coordinator adds ``item`` (for everyone, or for the chosen delegates)."""
    day = plan.departs + item.day
    attendees = list(Delegate.objects.filter(mission=mission, person__email__in=item.attendees))
    return agenda_services.agenda_item_create(
        actor=coordinator(),
        mission=mission,
        data={
            "kind": item.kind,
            "title": item.title,
            "title_en": item.title_en,
            "host": item.host,
            "address": item.address,
            "city": item.city,
            "zone": item.zone,
            "starts_at": local(day, *item.starts, item.zone),
            "ends_at": local(day, *item.ends, item.zone),
            "description": item.description,
            "for_everyone": not item.attendees,
            "attendees": attendees,
        },
    )


def apply(mission: Mission, applicant: Applicant) -> Application:
    """The organization's admin applies, at 11:00 Lima time of ``applicant.day``."""
    people: Sequence[User] = [person(email) for email, _role in applicant.delegates]
    with on(moment(applicant.day, 11, 20)):
        return application_services.application_create(
            actor=admin_of(applicant.key),
            mission=mission,
            organization=organization(applicant.key),
            motivation=applicant.motivation,
            delegates=people,
            delegate_roles=[role for _email, role in applicant.delegates],
        )


def score(application: Application, values: Sequence[str], day: int, minute: int = 0) -> None:
    """The coordinator scores ``application`` against each criterion (in order)."""
    criteria = list(application.mission.criteria.all())
    with on(moment(day, 15, minute)):
        application_services.application_score(
            actor=coordinator(),
            application=application,
            values={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
        )


def application_of(mission: Mission, key: str) -> Application:
    return Application.objects.select_related("mission", "organization").get(
        mission=mission, organization=organization(key)
    )


def delegate_of(mission: Mission, email: str) -> Delegate:
    return Delegate.objects.select_related("application", "mission", "person").get(
        mission=mission, person__email=email
    )
