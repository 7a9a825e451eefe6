"""Streaming XLSX and CSV files for report runs: pure functions, no database.

A report is written from an iterator of rows (mappings keyed by :attr:`Column.key`), one row at a
time, so memory stays flat however many rows there are: the XLSX goes through openpyxl's
write-only workbook (each sheet's rows go to a temporary file as they come and strings are written
inline, so there is no shared-string table growing with the data) and the CSV through the ``csv``
module straight into the file. Nothing here ever holds the list of rows.

**Formula injection.** Report cells carry text that outside people typed (a proposal's title, an
organization's name). A spreadsheet application treats a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, so ``=HYPERLINK("http://evil…")`` or a DDE
payload in a title would run on a coordinator's machine. :func:`neutralize` prefixes such text with
a single quote ``'``, the recommendation of OWASP's "CSV Injection" page. It is done in *both*
formats, although an XLSX string cell is not evaluated on opening: the file is routinely re-saved
as CSV or its cells copied into another sheet, and there the string would become a formula again;
the quote travels with the value. Typed values are never quoted: a negative number is a number
(``-5`` stays ``-5``), and only text is checked.

**Values.** ``None``, booleans, integers, floats, ``Decimal``, dates, times and durations keep
their type (numbers stay numbers a spreadsheet can sum). A ``djmoney`` ``Money`` is written as its
``Decimal`` amount: the currency goes in a separate column, which the caller adds when the rows
mix currencies (or puts in the header when they cannot). Aware datetimes are written in the
portal's time zone (``TIME_ZONE``), without offset, since Excel has no time zones. Anything else
(lazy translations, UUIDs, choices) is written as its text, and neutralized.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise
from djmoney.money import Money
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPE_CSV = "text/csv; charset=utf-8"

#: Text starting with one of these is a formula to a spreadsheet application (OWASP).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: ``progress(done_rows)`` is called every this many rows (and once when the file is complete).
PROGRESS_EVERY = 1000

#: Default number formats by type (a column's own :attr:`Column.number_format` wins).
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "#,##0.00"

#: Excel's limits: a sheet title's length (a cell's, 32,767 characters, openpyxl truncates to).
SHEET_TITLE_MAX = 31

CellValue = (
    str
    | int
    | float
    | Decimal
    | datetime.date
    | datetime.datetime
    | datetime.time
    | datetime.timedelta
    | None
)
Row = Mapping[str, Any]
Progress = Callable[[int], object]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a report: the row key it reads, its header and how it looks in XLSX.

    ``header`` may be a lazy translation (it is rendered when the file is written, in the active
    language). ``width`` is in Excel's character units; ``number_format`` an Excel format such as
    ``"0.0000"`` or ``"yyyy-mm-dd"`` for the column's typed cells (CSV ignores both).
    """

    key: str
    header: str | Promise
    width: float | None = None
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet of an XLSX file; ``rows`` is consumed once, lazily."""

    title: str | Promise
    columns: Sequence[Column]
    rows: Iterable[Row]


def neutralize(value: object) -> CellValue:
    """``value`` as a spreadsheet cell: typed values as they are, text made inert.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
    ``'`` (see the module's docstring); ``Money`` becomes its amount; an aware datetime becomes
    the naive local time.
    """
    if value is None or isinstance(
        value, bool | int | float | Decimal | datetime.time | datetime.timedelta
    ):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, Money):
        return Decimal(value.amount)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


class _Counter:
    """Counts written rows and reports them every ``every`` rows and at the end."""

    def __init__(self, progress: Progress | None, every: int) -> None:
        if every < 1:
            raise ValueError("progress_every must be at least 1")
        self.progress = progress
        self.every = every
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % self.every == 0:
            self.progress(self.done)

    def finish(self) -> int:
        if self.progress is not None:
            self.progress(self.done)
        return self.done


# --- XLSX -------------------------------------------------------------------------------------


def _default_format(value: CellValue) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return DECIMAL_FORMAT
    return None


def _xlsx_cell(sheet: Any, column: Column, raw: object) -> Any:
    """The value to append for one cell: a plain value, or a styled write-only cell."""
    value = neutralize(raw)
    if value is None:
        return None
    if isinstance(value, str):
        # Control characters are not allowed in the file's XML (openpyxl would refuse the whole
        # report for one stray character pasted into a title): they are dropped.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value in ERROR_CODES:
            # openpyxl would store a title "#N/A" as an error cell: keep it text.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    number_format = column.number_format or _default_format(value)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _header_cell(sheet: Any, column: Column) -> Any:
    header = neutralize(str(column.header))
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(header)))
    cell.data_type = "s"
    cell.font = Font(bold=True)
    return cell


def _sheet_title(title: str | Promise) -> str:
    cleaned = INVALID_TITLE_REGEX.sub("-", str(title)).strip("'")
    return cleaned[:SHEET_TITLE_MAX] or "Sheet"


def write_xlsx(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    sheets: Iterable[Sheet],
    progress: Progress | None = None,
    *,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write ``sheets`` to an XLSX file, streaming; return the number of data rows written.

    Each sheet has a bold header row, frozen, the columns' widths and number formats (dates,
    datetimes and decimals get a default one). ``progress(done_rows)`` is called every
    ``progress_every`` data rows, counted across sheets, and once more when the file is saved.
    If anything fails (a row, the iterator, the disk), the exception propagates and the
    destination is left incomplete: the caller discards it.
    """
    counter = _Counter(progress, progress_every)
    book = Workbook(write_only=True)
    try:
        for sheet in sheets:
            ws = book.create_sheet(title=_sheet_title(sheet.title))
            # Column widths and frozen panes must be set before the first row is written.
            for index, column in enumerate(sheet.columns, start=1):
                if column.width is not None:
                    ws.column_dimensions[get_column_letter(index)].width = column.width
            ws.freeze_panes = "A2"
            ws.append([_header_cell(ws, column) for column in sheet.columns])
            for row in sheet.rows:
                ws.append([_xlsx_cell(ws, column, row[column.key]) for column in sheet.columns])
                counter.tick()
        if not book.worksheets:
            book.create_sheet(title="Sheet")  # a workbook without a sheet is not a valid file
        book.save(path_or_file)
    except BaseException:
        _discard_temporary_files(book)
        raise
    return counter.finish()


def _discard_temporary_files(book: Any) -> None:
    """Remove the sheets' temporary files of a write that failed.

    openpyxl removes them when the workbook is saved, else only when the interpreter exits, and a
    Celery worker lives for days. This reaches into openpyxl's write-only sheet (``_writer``,
    pinned version): at worst a file is left for exit, as without it.
    """
    for ws in book.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            ws.close()  # ends the half-written sheet, closing its file (fails if already saved)
        with contextlib.suppress(Exception):
            writer.cleanup()  # fails only if the save already removed it


# --- CSV --------------------------------------------------------------------------------------


def _csv_text(value: CellValue) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+3"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


@contextlib.contextmanager
def _binary(path_or_file: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "wb") as opened:
            yield opened
    else:
        yield path_or_file


def write_csv(
    file: str | os.PathLike[str] | IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Row],
    progress: Progress | None = None,
    *,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write ``rows`` to a CSV file, streaming; return the number of data rows written.

    UTF-8 with a byte-order mark, so Excel opens accents correctly; comma-separated, ``\\r\\n``
    line ends (the ``csv`` module's Excel dialect); a header row of the columns' headers; the
    same neutralization as the XLSX. ``file`` is a path or a binary file, left open.
    """
    counter = _Counter(progress, progress_every)
    with _binary(file) as binary:
        binary.write(codecs.BOM_UTF8)
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        try:
            writer = csv.writer(text)
            writer.writerow([_csv_text(neutralize(str(column.header))) for column in columns])
            for row in rows:
                writer.writerow([_csv_text(neutralize(row[column.key])) for column in columns])
                counter.tick()
        finally:
            text.flush()
            text.detach()  # the caller's file stays open
    return counter.finish()
