"""Shared helpers of the mission tests (H1): people, valid form data, a stand-in for the
selection services when they are not there."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from cluster_portal.core import roles
from members.models import User
from tests.members.factories import UserFactory


def coordinator() -> User:
    return UserFactory(is_staff=True, roles=[roles.MISSION_COORDINATOR], totp=True)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def mission_data(**overrides: Any) -> dict[str, Any]:
    """Valid ``data`` for ``mission_create``: Perth and Brisbane in three months."""
    starts = timezone.localdate() + datetime.timedelta(days=90)
    data: dict[str, Any] = {
        "title": "Misión a Australia Occidental",
        "title_en": "Mission to Western Australia",
        "summary": "Talleres y visitas.",
        "objectives": "Conocer proveedores METS.",
        "country": "AU",
        "cities": "Perth, Brisbane",
        "time_zone": "Australia/Perth",
        "starts_on": starts,
        "ends_on": starts + datetime.timedelta(days=7),
        "applications_open_at": timezone.now() + datetime.timedelta(days=1),
        "applications_close_at": timezone.now() + datetime.timedelta(days=30),
        "capacity_organizations": 5,
        "capacity_delegates": 10,
        "max_delegates_per_organization": 2,
        "cost_per_delegate": Money(Decimal("18000.00"), "PEN"),
        "co_funding_per_delegate": Money(Decimal("9000.00"), "PEN"),
        "co_funding_note": "PROINNÓVATE",
        "eligible_kinds": [],
        "eligible_regions": [],
        "hold_hours": 72,
        "visa_required": True,
        "vaccinations_required": False,
    }
    data.update(overrides)
    return data


def form_post(**overrides: Any) -> dict[str, Any]:
    """The mission form's POST for :func:`mission_data`."""
    data = mission_data()
    post: dict[str, Any] = {
        "title": data["title"],
        "title_en": data["title_en"],
        "summary": data["summary"],
        "objectives": data["objectives"],
        "country": "AU",
        "cities": data["cities"],
        "time_zone": data["time_zone"],
        "starts_on": data["starts_on"].isoformat(),
        "ends_on": data["ends_on"].isoformat(),
        "applications_open_at": timezone.localtime(data["applications_open_at"]).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "applications_close_at": timezone.localtime(data["applications_close_at"]).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "capacity_organizations": "5",
        "capacity_delegates": "10",
        "max_delegates_per_organization": "2",
        "cost_per_delegate_0": "18000.00",
        "cost_per_delegate_1": "PEN",
        "co_funding_per_delegate_0": "9000.00",
        "co_funding_per_delegate_1": "PEN",
        "co_funding_note": "PROINNÓVATE",
        "hold_hours": "72",
        "visa_required": "on",
    }
    post.update(overrides)
    return {k: v for k, v in post.items() if v is not None}
