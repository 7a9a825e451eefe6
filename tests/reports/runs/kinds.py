"""A small fake report kind for the runs engine's tests (and the worker's), standing in for a
real kind: its rows, delay and failures are chosen by the filters.

It takes the code of a real kind (:data:`FAKE_KIND`, the ``ReportRun.kind`` field has choices)
and replaces that kind's spec while a test runs (:func:`install`, the ``fake_kind`` fixture);
the worker subprocess installs it at start-up (``worker_kinds``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django import forms

from cluster_portal.core import roles
from members.permissions import has_staff_permission
from reports import catalogue
from reports.catalogue import ReportContent, ReportKindSpec
from reports.models import ReportKind
from reports.spreadsheets import Column, Sheet

FAKE_KIND = ReportKind.PORTFOLIO
FAIL_CHOICES = [
    ("", "No"),
    ("transient", "Transient error in build"),
    ("permanent", "Permanent error in build"),
    ("midway", "Error after the first rows"),
]


class FakeFilters(forms.Form):
    rows = forms.IntegerField(label="Rows", min_value=0, max_value=100_000, initial=3)
    label = forms.CharField(label="Label", required=False, max_length=50)
    #: Seconds per row (the worker tests' slow report).
    delay = forms.FloatField(label="Delay", required=False, min_value=0, max_value=0.1)
    #: An object the person may not see: ``can_request`` refuses it.
    secret = forms.BooleanField(label="Secret", required=False)
    fail = forms.ChoiceField(label="Failure", required=False, choices=FAIL_CHOICES)

    def __init__(self, data: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
        self.user = user


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    if filters.get("secret"):
        return False
    return has_staff_permission(user, roles.VIEW_REPORTS)


def _rows(count: int, delay: float, fail: str) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        if fail == "midway" and n == 3:
            raise RuntimeError("the data went away midway")
        if delay:
            time.sleep(delay)
        yield {"n": n, "text": f"=row {n}"}


def build(filters: dict[str, Any]) -> ReportContent:
    fail = filters.get("fail") or ""
    if fail == "transient":
        raise RuntimeError("the database hiccuped")
    if fail == "permanent":
        raise ValueError("this report cannot be made")
    count = int(filters.get("rows") or 0)
    columns = [Column("n", "Number"), Column("text", "Text")]
    return ReportContent(
        sheets=[
            Sheet("Data", columns, _rows(count, float(filters.get("delay") or 0), fail)),
            Sheet("Notes", [Column("note", "Note")], iter([{"note": filters.get("label", "")}])),
        ],
        total_rows=count + 1,
        file_stem="fake-report",
    )


SPEC = ReportKindSpec(
    code=FAKE_KIND,
    title="Fake report",
    description="A report for the tests.",
    form_class=FakeFilters,
    can_request=can_request,
    build=build,
)


def install(monkeypatch: Any = None) -> ReportKindSpec:
    """Put :data:`SPEC` in the catalogue in place of the real kind (restored by
    ``monkeypatch``; without it, for good: the worker process)."""
    catalogue._load_sources()  # the real sources register first, then are replaced
    if monkeypatch is None:
        catalogue._KINDS[FAKE_KIND] = SPEC
    else:
        monkeypatch.setitem(catalogue._KINDS, FAKE_KIND, SPEC)
    return SPEC
