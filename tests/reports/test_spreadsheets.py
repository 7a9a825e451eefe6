"""The streaming XLSX/CSV writers of report runs (``reports.spreadsheets``): no database."""

from __future__ import annotations

import csv
import datetime
import io
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from djmoney.money import Money
from openpyxl import load_workbook
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from reports.spreadsheets import (
    DANGEROUS_PREFIXES,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_FORMAT,
    Column,
    Sheet,
    neutralize,
    write_csv,
    write_xlsx,
)

PAYLOADS = [
    '=HYPERLINK("http://evil.example","clic")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]

COLUMNS = [
    Column("title", gettext_lazy("Title"), width=40),
    Column("amount", "Amount"),
    Column("currency", "Currency", width=8),
    Column("score", "Score", number_format="0.0000"),
    Column("count", "Count"),
    Column("day", "Day"),
    Column("at", "Submitted at"),
]


def _excel_time(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime.datetime:
    """A naive datetime: Excel has no time zones, so a workbook's datetimes read back naive."""
    return datetime.datetime(year, month, day, hour, minute)  # noqa: DTZ001


def _row(title: object, **overrides: Any) -> dict[str, Any]:
    money = Money(Decimal("1234.50"), "PEN")
    row = {
        "title": title,
        "amount": money,
        "currency": str(money.currency),
        "score": 3.97061,
        "count": -5,
        "day": datetime.date(2026, 3, 1),
        "at": datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC),
    }
    row.update(overrides)
    return row


def _read_xlsx(data: bytes | Path) -> Any:
    return load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- neutralize -------------------------------------------------------------------------------


def test_the_dangerous_prefixes_are_owasps() -> None:
    assert set(DANGEROUS_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_starting_with_a_formula_character_is_quoted(payload: str) -> None:
    assert neutralize(payload) == "'" + payload


@pytest.mark.parametrize(
    "text", ["Propuesta 1", "", "a=b", " =1", "'=already quoted", "#N/A", "Ñandú y señal"]
)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralize(text) == text


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        -5,
        -2.5,
        True,
        Decimal("-1234.50"),
        datetime.date(2026, 1, 2),
        _excel_time(2026, 1, 2, 3, 4),  # naive: as it is
        datetime.time(9, 30),
        datetime.timedelta(hours=-1),
    ],
)
def test_typed_values_pass_through_with_their_type(value: object) -> None:
    result = neutralize(value)
    assert result == value
    assert type(result) is type(value)


def test_money_is_its_decimal_amount() -> None:
    assert neutralize(Money(Decimal("-99.90"), "USD")) == Decimal("-99.90")
    assert isinstance(neutralize(Money(Decimal("1"), "PEN")), Decimal)


def test_an_aware_datetime_is_the_portals_local_time_without_offset() -> None:
    value = neutralize(datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC))
    assert value == _excel_time(2026, 3, 1, 10, 30)  # Lima is UTC-5
    assert isinstance(value, datetime.datetime)
    assert value.tzinfo is None


def test_other_objects_are_their_text_neutralized() -> None:
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert neutralize(key) == str(key)
    assert neutralize(gettext_lazy("-lazy")) == "'-lazy"


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_neutralizes_every_dangerous_prefix_and_keeps_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    rows = (_row(payload) for payload in PAYLOADS)
    assert write_xlsx(path, [Sheet("Proposals", COLUMNS, rows)]) == len(PAYLOADS)

    sheet = _read_xlsx(path)["Proposals"]
    titles = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML turns a stored carriage return into a line feed when the file is read back.
    assert [c.value for c in titles] == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert {c.data_type for c in titles} == {"s"}  # no formula anywhere

    amount, currency, score, count, day, at = next(sheet.iter_rows(min_row=2, max_row=2))[1:]
    assert amount.value == 1234.5
    assert amount.data_type == "n"
    assert amount.number_format == DECIMAL_FORMAT
    assert currency.value == "PEN"
    assert score.value == pytest.approx(3.97061)
    assert score.number_format == "0.0000"  # the column's own format
    assert count.value == -5  # a negative number is a number
    assert count.data_type == "n"
    assert day.value == _excel_time(2026, 3, 1)
    assert day.is_date
    assert day.number_format == DATE_FORMAT
    assert at.value == _excel_time(2026, 3, 1, 10, 30)
    assert at.number_format == DATETIME_FORMAT


def test_xlsx_header_is_bold_frozen_translated_and_sized(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    columns = [*COLUMNS, Column("extra", "=Criterion (60 %)")]
    with translation.override("en"):
        write_xlsx(path, [Sheet("Proposals", columns, [_row("P1", extra=1)])])

    sheet = _read_xlsx(path)["Proposals"]
    header = list(next(sheet.iter_rows(max_row=1)))
    assert [c.value for c in header] == [
        "Title",
        "Amount",
        "Currency",
        "Score",
        "Count",
        "Day",
        "Submitted at",
        "'=Criterion (60 %)",  # a header built from typed data is neutralized too
    ]
    assert all(c.font.bold for c in header)
    assert all(not c.font.bold for c in next(sheet.iter_rows(min_row=2, max_row=2)))
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["C"].width == 8


def test_xlsx_keeps_awkward_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    columns = [Column("title", "Title")]
    rows: list[dict[str, Any]] = [
        {"title": "#N/A"},
        {"title": "bell\x07 and\x0bvertical tab"},
        {"title": None},
    ]
    write_xlsx(path, [Sheet("Odd: [names]?*/\\", columns, rows)])

    book = _read_xlsx(path)
    sheet = book.worksheets[0]
    assert sheet.title == "Odd- -names-----"
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert cells[0].value == "#N/A"
    assert cells[0].data_type == "s"  # not an error cell
    assert cells[1].value == "bell andvertical tab"  # XML-illegal characters dropped
    assert sheet.max_row == 3  # the empty cell's row is there


def test_xlsx_several_sheets_and_progress_counts_across_them(tmp_path: Path) -> None:
    calls: list[int] = []
    columns = [Column("n", "N")]
    sheets = [
        Sheet("One", columns, ({"n": n} for n in range(5))),
        Sheet("Two", columns, ({"n": n} for n in range(4))),
    ]
    buffer = io.BytesIO()
    assert write_xlsx(buffer, sheets, calls.append, progress_every=3) == 9
    assert calls == [3, 6, 9, 9]  # every 3 rows, then once when the file is saved

    book = _read_xlsx(buffer.getvalue())
    assert book.sheetnames == ["One", "Two"]
    assert [c.value for c in book["Two"]["A"]] == ["N", 0, 1, 2, 3]


def test_xlsx_without_sheets_is_still_a_valid_file() -> None:
    buffer = io.BytesIO()
    assert write_xlsx(buffer, []) == 0
    assert _read_xlsx(buffer.getvalue()).sheetnames == ["Sheet"]


def test_a_missing_row_key_is_an_error_not_an_empty_column(tmp_path: Path) -> None:
    temporary = set(ALL_TEMP_FILES)
    rows = [_row("fine"), {"title": "x"}]
    with pytest.raises(KeyError, match="amount"):
        write_xlsx(tmp_path / "r.xlsx", [Sheet("S", COLUMNS, rows)])
    assert set(ALL_TEMP_FILES) == temporary  # the failed sheet's temporary file is gone now
    with pytest.raises(KeyError, match="amount"):
        write_csv(io.BytesIO(), COLUMNS, [{"title": "x"}])


# --- CSV --------------------------------------------------------------------------------------


def test_csv_neutralizes_every_dangerous_prefix_and_keeps_numbers_plain() -> None:
    buffer = io.BytesIO()
    with translation.override("en"):
        written = write_csv(buffer, COLUMNS, (_row(p) for p in PAYLOADS))
    assert written == len(PAYLOADS)

    header, *rows = _read_csv(buffer.getvalue())
    assert header == ["Title", "Amount", "Currency", "Score", "Count", "Day", "Submitted at"]
    assert [r[0] for r in rows] == ["'" + p for p in PAYLOADS]
    assert rows[0][1:] == ["1234.50", "PEN", "3.97061", "-5", "2026-03-01", "2026-03-01 10:30:00"]
    assert b"\r\n" in buffer.getvalue()  # the Excel dialect's line ends


def test_csv_text_round_trips_accents_quotes_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    columns = [Column("title", "Título"), Column("big", "Big"), Column("none", "None")]
    rows = [{"title": 'Ñandú, "señal"\nsegunda línea', "big": Decimal("1E+3"), "none": None}]
    assert write_csv(path, columns, rows) == 1

    assert _read_csv(path.read_bytes()) == [
        ["Título", "Big", "None"],
        ['Ñandú, "señal"\nsegunda línea', "1000", ""],
    ]


def test_csv_leaves_the_callers_file_open_and_reports_progress() -> None:
    calls: list[int] = []
    buffer = io.BytesIO()
    rows = ({"n": n} for n in range(2500))
    assert write_csv(buffer, [Column("n", "N")], rows, calls.append) == 2500
    assert calls == [1000, 2000, 2500]
    assert not buffer.closed
    assert len(_read_csv(buffer.getvalue())) == 2501


def test_progress_every_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        write_csv(io.BytesIO(), [], [], progress_every=0)


# --- memory -----------------------------------------------------------------------------------


def _generated_rows(count: int) -> Iterator[dict[str, Any]]:
    """Distinct text in every row, so that nothing can be shared or cached between rows."""
    for n in range(count):
        yield _row(
            f"Propuesta {n} — {'x' * (n % 50)}",
            amount=Money(Decimal(n) / 100, "PEN"),
            count=n,
            day=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365),
        )


def _peak(write: Callable[[int], object], rows: int) -> int:
    tracemalloc.start()
    try:
        write(rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_memory_stays_flat_with_the_number_of_rows(tmp_path: Path, kind: str) -> None:
    """Peak memory (Python allocations, ``tracemalloc``) for 20,000 rows below 1.5x the peak
    for 2,000 rows.

    Writing the rows to a list first, or an in-memory shared-string table, would make the peak
    grow about tenfold between the two; a streaming writer's peak is its fixed overhead (openpyxl's
    styles and buffers) plus one row. 1.5x leaves room for allocator and garbage-collection
    noise without letting a per-row leak through. The file goes to disk, not to a BytesIO, which
    would itself grow with the data.
    """
    path = tmp_path / f"report.{kind}"

    def write(count: int) -> object:
        if kind == "xlsx":
            return write_xlsx(path, [Sheet("Proposals", COLUMNS, _generated_rows(count))])
        with path.open("wb") as file:
            return write_csv(file, COLUMNS, _generated_rows(count))

    write(10)  # warm up: imports and one-time caches are not the data's memory
    small = _peak(write, 2_000)
    large = _peak(write, 20_000)
    assert large < 1.5 * small, f"peak {large} bytes for 20,000 rows, {small} for 2,000"
    assert path.stat().st_size > 0
