"""Demo membership dues, recorded by the secretariat through ``services.dues`` (so the audit log
has them too). Dates are relative to today: most members are paid up to the end of this year,
Logística Chili (suspended for unpaid dues) is overdue, and some members pay in US dollars.

Organizations that already have dues are left alone: running ``seed_demo`` twice changes
nothing.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import timezone
from djmoney.money import Money

from ..models import Organization, User
from ..services.dues import organization_dues_record
from .membership import SECRETARIAT
from .organizations import demo_ruc

#: key → (amount, currency, paid until: "year_end" or days from today)
DUES: dict[str, tuple[str, str, str | int]] = {
    "chachani": ("25000.00", "PEN", "year_end"),
    "pichupichu": ("25000.00", "PEN", "year_end"),
    "collao": ("25000.00", "PEN", "year_end"),
    "candarave": ("12000.00", "PEN", "year_end"),
    "andestech": ("3500.00", "PEN", "year_end"),
    "hidroandina": ("3500.00", "PEN", -20),
    "logichili": ("3500.00", "PEN", -75),
    "atacama": ("2500.00", "USD", "year_end"),
    "minesoft": ("1800.00", "USD", 150),
}


def _paid_until(today: datetime.date, when: str | int) -> datetime.date:
    if when == "year_end":
        return datetime.date(today.year, 12, 31)
    return today + datetime.timedelta(days=int(when))


def seed(*, stdout: TextIO) -> None:
    secretariat = User.objects.get(email=SECRETARIAT)
    today = timezone.localdate()
    recorded = 0
    for key, (amount, currency, when) in DUES.items():
        organization = Organization.objects.filter(ruc=demo_ruc(key)).first()
        if organization is None or organization.annual_dues is not None:
            continue
        organization_dues_record(
            actor=secretariat,
            organization=organization,
            amount=Money(amount, currency),
            paid_until=_paid_until(today, when),
        )
        recorded += 1
    stdout.write(f"  membership dues recorded for {recorded} organizations")
