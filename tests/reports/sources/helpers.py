"""What the report kinds' tests share: build a kind's report and read it back, and the
matrix of who may request it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from reports.catalogue import ReportContent, get_kind, kinds_for_user
from reports.permissions import can_request_report
from reports.spreadsheets import write_csv, write_xlsx
from tests.members.factories import OrganizationMemberFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, user_for


@dataclass
class Built:
    content: ReportContent
    written: int
    #: ``{sheet title: [header row, *data rows]}`` as read back from the XLSX.
    sheets: dict[str, list[list[Any]]]

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        """The data rows of ``sheet`` keyed by their header."""
        header, *data = self.sheets[sheet]
        return [dict(zip(header, row, strict=True)) for row in data]

    def header(self, sheet: str) -> list[Any]:
        return self.sheets[sheet][0]

    def every_cell(self) -> str:
        return " ".join(str(v) for rows in self.sheets.values() for row in rows for v in row)


def build_xlsx(kind: str, filters: dict[str, Any]) -> Built:
    """``kind``'s report for ``filters`` written as XLSX and read back; checks the rows written
    are the ``total_rows`` announced."""
    content = get_kind(kind).build(filters)
    out = io.BytesIO()
    written = write_xlsx(out, content.sheets)
    assert written == content.total_rows, (written, content.total_rows)
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheets = {
        ws.title: [[cell.value for cell in row] for row in ws.iter_rows()] for ws in book.worksheets
    }
    return Built(content, written, sheets)


def build_csv(kind: str, filters: dict[str, Any]) -> str:
    """The first sheet as CSV text (what the runs engine writes for CSV)."""
    content = get_kind(kind).build(filters)
    sheet = content.sheets[0]
    out = io.BytesIO()
    write_csv(out, sheet.columns, sheet.rows)
    return out.getvalue().decode("utf-8-sig")


def consume(kind: str, filters: dict[str, Any]) -> int:
    """Build and read every row of every sheet (for query counts): the number of rows."""
    content = get_kind(kind).build(filters)
    return sum(1 for sheet in content.sheets for _row in sheet.rows)


def clean_filters(kind: str, data: dict[str, Any], user: Any = None) -> dict[str, Any]:
    """The kind's form's cleaned data for ``data`` (asserts it is valid and JSON-able)."""
    form = get_kind(kind).form_class(data=data, user=user)
    assert form.is_valid(), form.errors
    assert json.loads(json.dumps(form.cleaned_data)) == form.cleaned_data
    return form.cleaned_data


def form_errors(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    form = get_kind(kind).form_class(data=data, user=None)
    assert not form.is_valid()
    return form.errors


#: Who is asked in the request matrices: every staff role, then people outside the staff.
MATRIX_ROLES: tuple[str, ...] = (*STAFF_ROLES, "visitor", "member")


def person(role: str) -> Any:
    if role == "visitor":
        return AnonymousUser()
    if role == "member":
        return OrganizationMemberFactory().user
    return user_for(role)


def assert_request_matrix(
    kind: str,
    filters: dict[str, Any],
    allowed: Callable[[str], bool] = lambda role: role in STAFF_ROLES and role != STAFF_NO_ROLE,
) -> None:
    """Every role of :data:`MATRIX_ROLES`: may request ``kind`` at all, and with ``filters``,
    exactly when ``allowed(role)`` (default: any staff role, as the data's staff pages);
    the kind is listed for them (``kinds_for_user``) exactly then too."""
    for role in MATRIX_ROLES:
        user = person(role)
        expected = allowed(role)
        spec = get_kind(kind)
        assert bool(spec.can_request(user, {})) is expected, (role, "at all")
        assert bool(spec.can_request(user, filters)) is expected, (role, filters)
        assert bool(can_request_report(user, kind, filters)) is expected, role
        assert (kind in {s.code for s in kinds_for_user(user)}) is expected, role
