"""Filters of the notifications app's lists, for the HTML pages and the API alike.

``DeliveryFilter``: a webhook endpoint's delivery log (status, event, dates) on the endpoint's
page and in ``GET /api/v1/webhooks/{id}/deliveries/``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.api.filters import StaticChoiceFilter
from cluster_portal.core.jobs import JobStatus

from .webhooks import events as catalogue


def _status_choices() -> list[tuple[str, Any]]:
    return list(JobStatus.choices)


def _event_choices() -> list[tuple[str, Any]]:
    return [*catalogue.event_choices(), (catalogue.TEST_EVENT.code, catalogue.TEST_EVENT.title)]


class DeliveryFilter(django_filters.FilterSet):
    """The delivery log's filters, for the endpoint page and ``GET …/deliveries/``."""

    status = StaticChoiceFilter(
        choices=_status_choices, label=_("Status"), empty_label=_("Any status")
    )
    event_type = StaticChoiceFilter(
        choices=_event_choices,
        field_name="message__event_type",
        label=_("Event"),
        empty_label=_("Any event"),
    )
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Created on or after this date (Lima time)."),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Created on or before this date (Lima time)."),
    )
