"""Filters of the members app, for HTML pages and the API alike.

Directory filters, shared by the HTML directory and ``GET /api/v1/organizations/``.

One FilterSet so that both answer the same question the same way. Capabilities are addressed
by their code (``?commodity=copper&capability=water``); several values of one filter mean
"any of them", different filters mean "all of them". A well-formed code that names no active
term of that dimension matches nothing (an empty list, not an error): the taxonomy is data the
secretariat edits, so a partner's stored query keeps working when a term is retired, the API's
schema does not change with it, and it answers like a filter on an id nobody holds. A malformed
code (not a slug) is a 400.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cluster_portal.api.filters import StaticChoiceFilter, TermCodeFilter
from cluster_portal.core.peru import SOUTHERN_REGIONS, Region

from .api.permissions import DirectoryViewer, directory_viewer
from .models import Capability, GoverningBody, Organization
from .selectors.governance import governing_body_ids_seating
from .selectors.organizations import capability_choices
from .validators import is_ruc_shaped

#: Codes of the taxonomy are the terms' slugs.
TERM_CODE_MAX_LENGTH = Capability._meta.get_field("slug").max_length

SEARCH_MAX_LENGTH = 100
CAPABILITY_DIMENSIONS = (Capability.Dimension.VALUE_CHAIN, Capability.Dimension.SERVICE_AREA)


class ListSelect(forms.Select):
    """A single ``<select>`` that feeds a multiple-value filter (API clients may repeat the
    parameter); the empty "any" option is dropped instead of being an invalid choice."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value]


def region_choices() -> list[tuple[Any, Any]]:
    """Southern regions first (where the cluster works), then the rest of Peru, then abroad."""
    southern = [(r.value, r.label) for r in SOUTHERN_REGIONS]
    rest = [
        (r.value, r.label) for r in Region if r not in SOUTHERN_REGIONS and r != Region.OUTSIDE_PERU
    ]
    return [
        (_("Southern Peru"), southern),
        (_("Rest of Peru"), rest),
        (Region.OUTSIDE_PERU.value, Region.OUTSIDE_PERU.label),
    ]


def _capability_grouped_choices() -> list[tuple[Any, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for capability in capability_choices(*CAPABILITY_DIMENSIONS):
        groups.setdefault(capability.dimension, []).append((capability.slug, capability.name))
    labels = dict(Capability.Dimension.choices)
    return [(labels[dimension], terms) for dimension, terms in groups.items()]


_SEARCHED_FIELDS = ("legal_name", "trade_name", "description")


def _accent_free_search(
    queryset: QuerySet[Organization], value: str
) -> tuple[QuerySet[Organization], Q]:
    """Match names and description without accents or case ("Mineria" finds "Minería"; the
    portal search's normalization, ``knowledge.search_text.normalize``). On PostgreSQL with
    ``cmsp_unaccent`` (knowledge migration 0002) in the same query; elsewhere (SQLite, for
    development) by comparing normalized texts in Python: one more query, whatever the size."""
    from django.db import connection
    from django.db.models import F, Func, TextField
    from django.db.models.functions import Lower

    from knowledge.search_text import normalize

    key = normalize(value)
    if not key:
        return queryset, Q(pk__in=[])
    if connection.vendor == "postgresql":
        aliases = {
            f"_plain_{field}": Lower(
                Func(F(field), function="cmsp_unaccent", output_field=TextField())
            )
            for field in _SEARCHED_FIELDS
        }
        condition = Q()
        for alias in aliases:
            condition |= Q(**{f"{alias}__contains": key})
        return queryset.alias(**aliases), condition
    rows = queryset.order_by().values_list("pk", *_SEARCHED_FIELDS)
    ids = [pk for pk, *texts in rows if any(key in normalize(text or "") for text in texts)]
    return queryset, Q(pk__in=ids)


def _commodity_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in capability_choices(Capability.Dimension.COMMODITY)]


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Name, trade name, description or exact RUC."),
    )
    kind = django_filters.ChoiceFilter(
        choices=Organization.Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    mining_scale = django_filters.ChoiceFilter(
        choices=Organization.MiningScale.choices,
        label=_("Mining scale"),
        empty_label=_("All scales"),
    )
    region = StaticChoiceFilter(
        choices=region_choices, label=_("Region"), empty_label=_("All regions")
    )
    capability = TermCodeFilter(
        choices=_capability_grouped_choices,
        max_length=TERM_CODE_MAX_LENGTH,
        method="filter_capability",
        label=_("Capability"),
        widget=ListSelect,
        help_text=_("Value-chain stage or service area."),
        schema_description=_(
            "Code of a value-chain stage or service area (e.g. water); repeat for any of "
            "several. A code that names no active term matches nothing."
        ),
    )
    commodity = TermCodeFilter(
        choices=_commodity_choices,
        max_length=TERM_CODE_MAX_LENGTH,
        method="filter_commodity",
        label=_("Commodity"),
        widget=ListSelect,
        schema_description=_(
            "Code of a commodity (e.g. copper); repeat for any of several. A code that names "
            "no active term matches nothing."
        ),
    )

    class Meta:
        model = Organization
        fields = ("q", "kind", "mining_scale", "region", "capability", "commodity")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An "any" option for the single <select> the HTML form shows.
        self.form.fields["capability"].widget.choices = [
            ("", _("All capabilities")),
            *self.form.fields["capability"].choices,
        ]
        self.form.fields["commodity"].widget.choices = [
            ("", _("All commodities")),
            *self.form.fields["commodity"].choices,
        ]

    def filter_search(self, queryset: QuerySet[Organization], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(legal_name__icontains=value)
            | Q(trade_name__icontains=value)
            | Q(description__icontains=value)
        )
        compact = value.replace(" ", "")
        if is_ruc_shaped(compact):
            condition |= Q(ruc=compact)
        queryset, accent_free = _accent_free_search(queryset, value)
        return queryset.filter(condition | accent_free)

    def _filter_by_terms(
        self, queryset: QuerySet[Organization], dimensions: tuple[str, ...], slugs: list[str]
    ) -> QuerySet[Organization]:
        if not slugs:
            return queryset
        # A subquery rather than a join: no duplicate rows, so no DISTINCT is needed.
        matching = Organization.capabilities.through.objects.filter(
            capability__dimension__in=dimensions,
            capability__slug__in=slugs,
            capability__is_active=True,
        ).values("organization_id")
        return queryset.filter(pk__in=matching)

    def filter_capability(self, queryset: QuerySet[Organization], name: str, value: list[str]):
        return self._filter_by_terms(queryset, CAPABILITY_DIMENSIONS, value)

    def filter_commodity(self, queryset: QuerySet[Organization], name: str, value: list[str]):
        return self._filter_by_terms(queryset, (Capability.Dimension.COMMODITY,), value)


# --- GET /api/v1/working-groups/ ------------------------------------------------------------
# A filter never reveals more than the rows it returns would: filtering by a seat holder the
# caller may not see gives an empty list, exactly as for an organization that holds no seat.

#: The largest value of a 64-bit primary key; larger ids are a 400, not a database error.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A database id: a positive whole number (the schema documents the bounds it enforces:
    ``schema_maximum`` and ``min_value``, see ``cluster_portal.api.schema.PortalAutoSchema``)."""

    schema_maximum = MAX_ID

    field_class = forms.IntegerField

    def get_max_validator(self) -> MaxValueValidator:
        return MaxValueValidator(MAX_ID)


class WorkingGroupFilter(django_filters.FilterSet):
    organization = IdFilter(
        method="filter_organization",
        min_value=1,
        label=_("Organization"),
        help_text=_(
            "Id of an organization: only the working groups where it holds a current seat."
        ),
    )

    class Meta:
        model = GoverningBody
        fields = ("organization",)

    def _viewer(self) -> DirectoryViewer:
        # The view has already worked out who is calling (and cached it); ask it again only
        # when the FilterSet is used on its own.
        view = (getattr(self.request, "parser_context", None) or {}).get("view")
        if view is not None and hasattr(view, "viewer"):
            return view.viewer()
        return directory_viewer(self.request)

    def filter_organization(
        self, queryset: QuerySet[GoverningBody], name: str, value: int
    ) -> QuerySet[GoverningBody]:
        viewer = self._viewer()
        return queryset.filter(
            pk__in=governing_body_ids_seating(
                organization_id=value, audience=viewer.audience, own_ids=viewer.own_ids
            )
        )
