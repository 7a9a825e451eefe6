"""Filters of the open-innovation funnel, for HTML pages and the API alike (one FilterSet per
list, so that both answer the same question the same way). Each sub-domain keeps its section:
surveys ``ChallengeFilter``, calls ``CallFilter``, proposals ``ProposalFilter``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from .models import Call

# --- Calls ------------------------------------------------------------------------------------


def _published_call_status_choices() -> list[tuple[str, Any]]:
    from .workflows import CALL, PUBLISHED

    published = set(CALL.values_tagged(PUBLISHED))
    return [(value, label) for value, label in CALL.choices() if value in published]


class CallFilter(django_filters.FilterSet):
    """Published calls: by status, open now, a kind of organization that may lead, a sponsor."""

    status = django_filters.ChoiceFilter(
        choices=_published_call_status_choices,
        label=_("Status"),
        empty_label=_("Any status"),
    )
    open = django_filters.BooleanFilter(
        method="filter_open",
        label=_("Open now"),
        help_text=_("true: taking proposals now; false: every other call."),
    )
    kind = django_filters.ChoiceFilter(
        choices=Organization.Kind.choices,
        method="filter_kind",
        label=_("Open to"),
        empty_label=_("Any kind of organization"),
        help_text=_("Calls that an organization of this kind may lead."),
    )
    sponsor = django_filters.NumberFilter(
        field_name="sponsors",
        label=_("Sponsor"),
        min_value=1,
        help_text=_("Id of a sponsor company."),
    )

    class Meta:
        model = Call
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet[Call], name: str, value: bool | None) -> QuerySet[Call]:
        from .workflows import ACCEPTS_PROPOSALS, CALL

        if value is None:
            return queryset
        open_now = Q(status__in=CALL.values_tagged(ACCEPTS_PROPOSALS), closes_at__gt=timezone.now())
        return queryset.filter(open_now) if value else queryset.exclude(open_now)

    def filter_kind(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        if not value:
            return queryset
        # The list is stored as JSON text: match the quoted code (works on SQLite and PostgreSQL).
        return queryset.filter(Q(eligible_kinds=[]) | Q(eligible_kinds__icontains=f'"{value}"'))
