"""Filters of missions, for the public list (``missions:mission_list``) and the API
(``GET /api/v1/missions/``) alike: by status (the published states) and destination country;
the API also by departure date.

Choices come from code (the lifecycle table, babel's country list), never the database, so
the API's schema lists them; the public page only *shows* the countries that have a published
mission (a code of any other country is still valid and matches nothing).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from cluster_portal.api.filters import StaticChoiceFilter

from .models import Mission
from .permissions import PUBLISHED_TAG
from .selectors.missions import countries_by_name, country_choices, published_country_codes


def _published_status_choices() -> list[tuple[str, Any]]:
    from .workflows import MISSION

    published = set(MISSION.values_tagged(PUBLISHED_TAG))
    return [(value, label) for value, label in MISSION.choices() if value in published]


class MissionPageFilter(django_filters.FilterSet):
    """The public list: a published status, a destination country (ISO 3166-1 alpha-2)."""

    status = StaticChoiceFilter(
        choices=_published_status_choices, label=_("Status"), empty_label=_("Any status")
    )
    country = StaticChoiceFilter(
        choices=country_choices,
        label=_("Country"),
        empty_label=_("Any country"),
        help_text=_("ISO 3166-1 alpha-2 code of the destination country, such as AU or CL."),
    )

    class Meta:
        model = Mission
        fields: list[str] = []

    def __init__(self, *args: Any, narrow_countries: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if narrow_countries:
            # Only the select's options: validation still accepts every country.
            field = self.form.fields["country"]
            field.widget.choices = [
                ("", field.choices[0][1]),
                *countries_by_name(published_country_codes()),
            ]


class MissionFilter(MissionPageFilter):
    """``GET /api/v1/missions/``: the page's filters and the departure date's bounds."""

    starts_after = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="gte",
        label=_("Departing on or after"),
        help_text=_("ISO 8601 date (YYYY-MM-DD): missions departing on that day or later."),
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="lte",
        label=_("Departing on or before"),
        help_text=_("ISO 8601 date (YYYY-MM-DD): missions departing on that day or earlier."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, narrow_countries=False, **kwargs)
