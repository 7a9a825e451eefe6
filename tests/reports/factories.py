"""factory_boy factories for report runs and closed periods."""

from __future__ import annotations

import datetime

import factory

from reports.models import ClosedPeriod, PeriodKind, ReportFormat, ReportKind, ReportRun
from tests.members.factories import UserFactory


class ReportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRun

    kind = ReportKind.MEMBER_DIRECTORY
    format = ReportFormat.XLSX
    filters = factory.LazyFunction(dict)
    language = "es"
    requester = factory.SubFactory(UserFactory)


class ClosedPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosedPeriod

    kind = PeriodKind.MONTH
    starts_on = datetime.date(2026, 10, 1)
    ends_on = datetime.date(2026, 10, 31)
    figures = factory.LazyFunction(lambda: {"version": 1})
    closed_by = factory.SubFactory(UserFactory)
