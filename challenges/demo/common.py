"""What the demo modules of the funnel share: who acts, which organization is which, and the
demo's clock (every date is a number of days from today, at a time of day in Lima)."""

from __future__ import annotations

import datetime
from functools import cache

from django.utils import timezone

from members.demo import PEOPLE, demo_ruc
from members.models import Organization, User

#: The demo call manager (``members/demo/roles.py``): she triages and runs every demo call.
CALL_MANAGER_EMAIL = "convocatorias@cmsp.pe"


def lima_today() -> datetime.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def at(days: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """``days`` from today (negative: ago) at ``hour:minute`` in Lima, as an aware date-time."""
    day = lima_today() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def ago(days: int = 0, hours: int = 0) -> datetime.datetime:
    """So long before now (the triage queue's clocks show days *and* hours)."""
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


#: Rows looked up during one seed run (``reset()`` at its start): the demo asks for the same
#: organizations and people hundreds of times.
_organizations: dict[str, Organization] = {}
_users: dict[str, User] = {}


def reset() -> None:
    _organizations.clear()
    _users.clear()


def person(email: str) -> User:
    if email not in _users:
        _users[email] = User.objects.get(email=email)
    return _users[email]


def call_manager() -> User:
    return person(CALL_MANAGER_EMAIL)


def organization(key: str) -> Organization:
    """A demo organization by its key in ``members/demo/organizations.py``."""
    if key not in _organizations:
        _organizations[key] = Organization.objects.get(ruc=demo_ruc(key))
    return _organizations[key]


@cache
def _admin_emails() -> dict[str, str]:
    admins: dict[str, str] = {}
    for email, _name, key, role, _position, _language in PEOPLE:
        if role == "admin":
            admins.setdefault(key, email)
    return admins


def admin_of(key: str) -> User:
    """The first admin of a demo organization (who acts for it in the demo)."""
    return person(_admin_emails()[key])
