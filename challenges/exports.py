"""XLSX export of a call's ranking (openpyxl), for the secretariat.

Three sheets: *Ranking* (the page's columns: rank, proposal, lead, reviews, raw and calibrated
aggregates, spread, disagreement), *Reviews* (every submitted review's score per criterion,
its raw and calibrated totals) and *Calibration* (each evaluator's reviews, mean, standard
deviation and shrink factor). Headers are in the active language.

No answer to the call's questions is exported (so nothing of ``CallQuestion.personal_data``).
Every cell goes through :func:`reports.spreadsheets.neutralize`, the one formula-injection rule of
the portal's spreadsheets: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with ``'`` (a title typed as ``=HYPERLINK(...)`` by an applicant, or a tied
rank ``=2``, must never become a formula in the coordinator's spreadsheet, nor after the sheet
is saved as CSV); text cells are also stored as text, so that a title such as ``#N/A`` is not
read as an error value.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.spreadsheets import neutralize

from .scoring import display
from .selectors.ranking import Ranking
from .workflows import PROPOSAL

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


#: Decimals of the numbers in the workbook (the page shows 2).
EXPORT_DECIMALS = 4


def _number(value: float | None) -> float | None:
    rounded = display(value, EXPORT_DECIMALS)
    return None if rounded is None else float(rounded)


def _append(sheet: Worksheet, values: list[Any]) -> None:
    cells = [neutralize(value) for value in values]
    sheet.append(cells)
    for cell, value in zip(sheet[sheet.max_row], cells, strict=True):
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would read "#N/A" as an error value


def _header(sheet: Worksheet, labels: list[str]) -> None:
    _append(sheet, labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def ranking_workbook(ranking: Ranking) -> bytes:
    """The ranking as an XLSX file's bytes."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Ranking")[:31]
    _header(
        sheet,
        [
            _("Rank"),
            _("Reference"),
            _("Title"),
            _("Lead organization"),
            _("Status"),
            _("Reviews"),
            _("Raw score"),
            _("Calibrated score"),
            _("Spread"),
            _("Disagreement"),
        ],
    )
    for row in ranking.rows:
        _append(
            sheet,
            [
                row.rank_label,
                row.reference,
                row.title,
                row.lead_name,
                str(PROPOSAL.state_label(row.status)),
                row.reviews,
                _number(row.raw),
                _number(row.calibrated),
                _number(row.spread),
                _("Yes") if row.disagreement else _("No"),
            ],
        )

    reviews = book.create_sheet(_("Reviews")[:31])
    _header(
        reviews,
        [
            _("Reference"),
            _("Evaluator"),
            _("Confidence"),
            *[f"{c.localized_name} ({c.weight} %)" for c in ranking.criteria],
            _("Raw total"),
            _("Calibrated total"),
        ],
    )
    for row, line in ranking.review_lines:
        _append(
            reviews,
            [
                row.reference,
                line.evaluator_name,
                line.confidence,
                *[
                    _("N/A") if line.scores[c.pk] is None else line.scores[c.pk]
                    for c in ranking.criteria
                ],
                _number(line.raw),
                _number(line.calibrated),
            ],
        )

    evaluators = book.create_sheet(_("Calibration")[:31])
    _header(
        evaluators,
        [
            _("Evaluator"),
            _("Reviews"),
            _("Mean"),
            _("Standard deviation"),
            _("Shrink factor"),
            _("Kept raw"),
        ],
    )
    names = {line.evaluator_id: line.evaluator_name for _row, line in ranking.review_lines}
    stats = sorted(
        ranking.calibration.evaluators.values(), key=lambda e: names.get(e.evaluator_id, "")
    )
    for e in stats:
        _append(
            evaluators,
            [
                names.get(e.evaluator_id, str(e.evaluator_id)),
                e.reviews,
                _number(e.mean),
                _number(e.sd),
                _number(e.shrink),
                _("Yes") if e.kept_raw else _("No"),
            ],
        )

    for ws in (sheet, reviews, evaluators):
        for column in ws.columns:
            letter = column[0].column_letter
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)

    out = BytesIO()
    book.save(out)
    return out.getvalue()
