"""Filters whose schema says exactly what they accept, and the API's ordering backend.

FilterSets are shared by HTML pages and the API, so these are plain django-filter filters;
``cluster_portal.api.schema.PortalAutoSchema`` documents them:

- :class:`StaticChoiceFilter`: choices computed by code, never the database (e.g. regions, the
  published states of a workflow), given as a callable: the schema lists them (``enum``).
- :class:`TermCodeFilter` / :class:`TermCodeChoiceFilter`: codes of the capability taxonomy
  (data staff edit at run time). Any well-formed code is accepted and one that names no term
  matches nothing; the schema documents the code's format (``pattern``, ``maxLength``), never
  the database's terms, so that it neither needs the database nor changes when staff edit the
  taxonomy, and a partner's stored query keeps working when a term is retired.

DRF's ``OrderingFilter`` silently drops unknown fields (``?ordering=colour`` answers 200 in
the default order) and documents ``ordering`` as any string. Here ``ordering`` is a
comma-separated list of the view's ``ordering_fields``, each optionally prefixed with ``-``
for descending order; anything else (an empty ``?ordering=`` too: it names no field) is a 400
naming the parameter, and the schema lists the accepted values (an array of an ``enum``,
``minItems: 1``, ``style: form``, ``explode: false``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.validators import slug_re, validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import fields as filter_fields
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

#: The longest code of a taxonomy term (``members.models.Capability.slug``).
TERM_CODE_MAX_LENGTH = 60


class StaticChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose choices come from code, never the database (a callable only so
    that they are built lazily): the schema lists them as an ``enum``, groups flattened."""

    def schema_enum(self) -> list[str]:
        choices = self.extra["choices"]
        values: list[str] = []
        for value, label in choices() if callable(choices) else choices:
            if isinstance(label, list | tuple):
                values += [str(inner) for inner, _label in label]
            else:
                values.append(str(value))
        return values


def is_term_code(value: str, max_length: int = TERM_CODE_MAX_LENGTH) -> bool:
    """A well-formed taxonomy code: a slug of at most ``max_length`` characters."""
    return len(value) <= max_length and bool(slug_re.match(value))


class _TermCodeMixin:
    """Accepts any well-formed code; the choices only feed the HTML ``<select>``."""

    def __init__(self, *args: Any, max_length: int = TERM_CODE_MAX_LENGTH, **kwargs: Any):
        self.max_length = max_length
        super().__init__(*args, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return is_term_code(str(value), self.max_length)

    def validate(self, value: Any) -> None:
        codes = value if isinstance(value, list | tuple) else [value]
        if self.required and not any(codes):  # type: ignore[attr-defined]
            raise forms.ValidationError(
                self.error_messages["required"],  # type: ignore[attr-defined]
                code="required",
            )
        for code in codes:
            if code and not self.valid_value(code):
                # Django's own wording for a malformed slug (translated in its catalogue).
                raise forms.ValidationError(validate_slug.message, code="invalid")


class TermCodeField(_TermCodeMixin, filter_fields.MultipleChoiceField):
    """Several codes (``?commodity=copper&commodity=gold``)."""


class TermCodeChoiceField(_TermCodeMixin, filter_fields.ChoiceField):
    """One code."""


class _TermCodeFilterMixin:
    #: Empty values are ignored (the HTML form's "any" option).
    schema_pattern = "^[-a-zA-Z0-9_]*$"

    def __init__(self, *args: Any, schema_description: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The API's description of the parameter (the HTML form shows ``help_text``).
        self.schema_description = schema_description

    @property
    def schema_max_length(self) -> int:
        return int(self.extra.get("max_length", TERM_CODE_MAX_LENGTH))  # type: ignore[attr-defined]


class TermCodeFilter(_TermCodeFilterMixin, django_filters.MultipleChoiceFilter):
    """Organizations (or rows) with any of the given taxonomy codes."""

    field_class = TermCodeField


class TermCodeChoiceFilter(_TermCodeFilterMixin, django_filters.ChoiceFilter):
    """Rows with the given taxonomy code."""

    field_class = TermCodeChoiceField


def static_ordering_fields(view: Any) -> list[str] | None:
    """The view's ``ordering_fields`` when they are spelled out (names, or (name, label) pairs);
    ``None`` when DRF derives them from the serializer or the model (``None``, ``"__all__"``)."""
    fields = getattr(view, "ordering_fields", None)
    if fields is None or isinstance(fields, str):
        return None
    return [item if isinstance(item, str) else item[0] for item in fields]


class PortalOrderingFilter(OrderingFilter):
    """``?ordering=name,-id``: known fields only, a 400 otherwise (see the module docstring)."""

    ordering_description = gettext_lazy(  # type: ignore[assignment]
        "Sort order: one or more of the listed fields, separated by commas; a leading - sorts "
        "that field in descending order. Without it, the default order."
    )

    def allowed_terms(self, request: Any, queryset: Any, view: Any) -> list[str]:
        fields = static_ordering_fields(view)
        if fields is None:
            fields = [
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            ]
        return [term for name in fields for term in (name, f"-{name}")]

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        params = request.query_params.get(self.ordering_param)
        allowed = self.allowed_terms(request, queryset, view) if params is not None else []
        if not allowed:
            # Not asked for, or a view that offers no ordering (``ordering_fields = []``, the
            # parameter is not documented): the view's own order.
            return self.get_default_ordering(view)
        terms = params.split(",")
        unknown = [term for term in terms if term not in allowed]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown sort order %(terms)s; use one or more of: %(allowed)s.")
                        % {
                            "terms": ", ".join(repr(term) for term in unknown),
                            "allowed": ", ".join(allowed),
                        }
                    ]
                }
            )
        return terms

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields = static_ordering_fields(view)
        if fields is None:
            return super().get_schema_operation_parameters(view)
        if not fields:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "string",
                        "enum": [term for name in fields for term in (name, f"-{name}")],
                    },
                },
                "style": "form",
                "explode": False,
            }
        ]
