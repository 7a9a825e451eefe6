"""Filters whose schema says what they accept (cluster_portal.api.filters), on their own."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest

from cluster_portal.api.filters import (
    StaticChoiceFilter,
    TermCodeChoiceFilter,
    TermCodeFilter,
    is_term_code,
)
from members.filters import OrganizationFilter
from members.models import Organization


def _grouped() -> list[tuple[Any, Any]]:
    return [("North", [("a", "A"), ("b", "B")]), ("c", "C")]


class _Filters(django_filters.FilterSet):
    group = StaticChoiceFilter(choices=_grouped)
    one = TermCodeChoiceFilter(choices=[("copper", "Copper")], method="keep")
    many = TermCodeFilter(choices=[("copper", "Copper")], method="keep", max_length=10)

    class Meta:
        model = Organization
        fields: list[str] = []

    def keep(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset


def test_static_choices_are_listed_flat() -> None:
    assert _Filters.base_filters["group"].schema_enum() == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("copper", True),
        ("water-treatment_2", True),
        ("", False),
        ("cobre fino", False),
        ("cobre\x00", False),
        ("ñandú", False),
        ("x" * 60, True),
        ("x" * 61, False),
    ],
)
def test_term_code_format(value: str, expected: bool) -> None:
    assert is_term_code(value) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"one": "unknown-code"}, True),  # not among the choices: accepted, matches nothing
        ({"one": ""}, True),
        ({"one": "not a code"}, False),
        ({"many": ["copper", "unknown"]}, True),
        ({"many": ["copper", "<b>"]}, False),
        ({"many": ["x" * 11]}, False),  # this filter's max_length
        ({"group": "b"}, True),
        ({"group": "North"}, False),  # a group's label is not a choice
    ],
)
def test_codes_are_checked_for_format_only(data: dict[str, Any], valid: bool) -> None:
    filterset = _Filters(data, queryset=Organization.objects.none())
    assert filterset.is_valid() is valid, filterset.errors


def test_filter_schema_attributes() -> None:
    filters = OrganizationFilter.base_filters
    assert filters["capability"].schema_max_length == 60
    assert filters["capability"].schema_pattern == "^[-a-zA-Z0-9_]*$"
    assert _Filters.base_filters["many"].schema_max_length == 10
    assert _Filters.base_filters["one"].schema_max_length == 60
