"""Filters of ``GET /api/v1/working-groups/`` (the directory's are in ``members.filters``).

A filter never reveals more than the rows it returns would: filtering by a seat holder the
caller may not see gives an empty list, exactly as for an organization that holds no seat.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import GoverningBody
from ..selectors.governance import governing_body_ids_seating
from .permissions import DirectoryViewer, directory_viewer

#: The largest value of a 64-bit primary key; larger ids are a 400, not a database error.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A database id: a positive whole number."""

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
