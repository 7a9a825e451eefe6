"""Reads about membership dues (``Organization.annual_dues`` / ``dues_paid_until``)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..models import Organization


def dues_overdue(organization: Organization, *, today: datetime.date | None = None) -> bool:
    """The organization's dues are recorded and paid only up to a day already past (Lima)."""
    paid_until = organization.dues_paid_until
    return paid_until is not None and paid_until < (today or timezone.localdate())
