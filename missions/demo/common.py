"""What the missions demo modules share: who acts, the demo's clock (every date is a number of
days from today) and the few demo people the missions need beyond the members' demo.

Every action runs at its moment in the demo's history (:func:`on`: the services read the time
from ``django.utils.timezone.now``), like ``challenges.demo.portfolio`` does: an application
submitted three weeks ago carries that date, an offer's hold is counted from the moment the
place was offered, a reminder is stamped when it was sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from challenges.demo.common import admin_of, lima_today, organization, person
from members.demo import demo_ruc
from members.demo.membership import _person
from members.models import Organization, OrganizationMember, User
from missions import calendars

__all__ = [
    "COORDINATOR_EMAIL",
    "admin_of",
    "coordinator",
    "date",
    "local",
    "moment",
    "on",
    "organization",
    "person",
]

#: The demo mission coordinator (``members/demo/roles.py``): he runs every demo mission.
COORDINATOR_EMAIL = "misiones@cmsp.pe"

#: The real today (Lima), taken when the seed starts (inside :func:`on` ``lima_today`` would
#: count from the moment being played).
_TODAY: list[datetime.date] = [datetime.date.min]


def start_clock() -> None:
    _TODAY[0] = lima_today()


def today() -> datetime.date:
    return _TODAY[0]


def date(days: int) -> datetime.date:
    """``days`` from the real today (negative: ago)."""
    return _TODAY[0] + datetime.timedelta(days=days)


def moment(days: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """``days`` from the real today at ``hour:minute`` in Lima, aware."""
    return datetime.datetime.combine(
        date(days), datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def local(days: int, hour: int, minute: int, zone: str) -> datetime.datetime:
    """``days`` from today at ``hour:minute`` on the wall clocks of ``zone`` (an agenda item's
    time, as the coordinator types it)."""
    naive = datetime.datetime.combine(date(days), datetime.time(hour, minute))
    return calendars.localize(naive, zone)


@contextmanager
def on(when: datetime.datetime) -> Iterator[None]:
    """Run services as if it were ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def coordinator() -> User:
    return person(COORDINATOR_EMAIL)


# --- Demo people the missions need -----------------------------------------------------------

#: Colleagues nominated as second delegates (most demo organizations have one person): email,
#: full name, organization key, position. Members, not admins; created like the members demo
#: creates its people (``members.demo.membership._person``) and added to the team.
EXTRA_PEOPLE = [
    ("j.rosas@relavesur.pe", "Jimena Rosas Carpio", "relavesur", "Ingeniera de Relaves Filtrados"),
    ("f.sullca@perfoapu.pe", "Franklin Sullca Quispe", "perfoapu", "Jefe de Perforación"),
    ("l.manrique@upsc.edu.pe", "Luis Manrique Valdivia", "santacatalina", "Docente de Mecatrónica"),
]


def seed_people() -> None:
    """The extra people, found by email; running it again changes nothing."""
    for email, full_name, key, position in EXTRA_PEOPLE:
        user = _person(email, full_name, "es")
        if not user.position:
            user.position = position
            user.save(update_fields=["position"])
        OrganizationMember.objects.get_or_create(
            organization=organization(key),
            user=user,
            defaults={"role": OrganizationMember.Role.MEMBER, "position": position},
        )


@contextmanager
def active_for_a_moment(organization_: Organization) -> Iterator[None]:
    """Let an organization the members' demo keeps suspended apply as the active member it was
    then (the demo's story: it applied and was suspended before the selection). Demo
    bookkeeping: the status is put back as it was, whatever happens inside."""
    before = organization_.membership_status
    Organization.objects.filter(pk=organization_.pk).update(
        membership_status=Organization.MembershipStatus.ACTIVE
    )
    organization_.membership_status = Organization.MembershipStatus.ACTIVE
    try:
        yield
    finally:
        Organization.objects.filter(pk=organization_.pk).update(membership_status=before)
        organization_.membership_status = before


def key_of(organization_: Organization) -> str:
    """The members' demo key of a demo organization."""
    from members.demo.organizations import ORGANIZATIONS

    for row in ORGANIZATIONS:
        if demo_ruc(row[0]) == organization_.ruc:
            return str(row[0])
    raise LookupError(f"{organization_} is not a demo organization")
