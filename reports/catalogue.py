"""The report kinds: what each exports, who may ask for it and with which filters.

A kind's source lives in ``reports/sources/<kind>.py`` and registers itself here; the runs
engine (``reports.services.runs``) asks the catalogue for the sheets and writes them with
``reports.spreadsheets``. Rows are selected when the run is made, from the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise

from .spreadsheets import Sheet


@dataclass(frozen=True)
class ReportContent:
    """What a run writes: its sheets (rows consumed lazily, once), how many data rows to expect
    across them (for the progress bar; None when unknown) and the download's file name stem
    (without extension, ASCII, e.g. ``ranking-convocatoria-12``)."""

    sheets: Sequence[Sheet]
    total_rows: int | None
    file_stem: str


@dataclass(frozen=True)
class ReportKindSpec:
    code: str  # a ReportKind value
    title: str | Promise
    description: str | Promise
    #: Validates the filters the person asks with; ``cleaned_data`` must be JSON-able
    #: (ids as ints, dates as ISO strings). Built with ``form_class(data=..., user=...)``.
    form_class: type[forms.Form]
    #: ``can_request(user, filters) -> bool | Verdict``: the same predicates as the data.
    can_request: Callable[[Any, dict[str, Any]], Any]
    #: ``build(filters) -> ReportContent``, called by the worker in the run's language.
    build: Callable[[dict[str, Any]], ReportContent]
    #: Bootstrap Icons name for the list of kinds.
    icon: str = "file-earmark-spreadsheet"


_KINDS: dict[str, ReportKindSpec] = {}


def register_kind(spec: ReportKindSpec) -> ReportKindSpec:
    if spec.code in _KINDS:
        raise ValueError(f"Report kind {spec.code!r} is registered twice")
    _KINDS[spec.code] = spec
    return spec


def _load_sources() -> None:
    # The sources register themselves on import (one module per kind).
    from . import sources  # noqa: F401


def get_kind(code: str) -> ReportKindSpec:
    _load_sources()
    return _KINDS[code]


def all_kinds() -> list[ReportKindSpec]:
    _load_sources()
    return list(_KINDS.values())


def kinds_for_user(user: Any) -> list[ReportKindSpec]:
    """The kinds ``user`` may generate (with no filters yet: the kind's general predicate)."""
    return [spec for spec in all_kinds() if spec.can_request(user, {})]
