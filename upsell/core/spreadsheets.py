"""Every CSV and XLSX file the product writes goes through here.

A client named ``=HYPERLINK("http://x","y")`` or ``=cmd|' /C calc'!A0`` must reach a
spreadsheet as text, never as a formula it runs. OWASP's rule for CSV injection is applied to
every text cell, in CSV and XLSX alike: a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a leading apostrophe — unless the whole text is a
plain number (``-1 234,56``, a return's quantity), which no spreadsheet runs. Numbers, dates
and empty cells are written as they are.

The product's own formulas (a working file's totals, which follow the figures a person types)
are another type, ``Formula``, which no value read from data ever becomes: only code writes
one, it is written to XLSX alone, and it refers to cells of its own sheet only.

A download is written whole to a temporary file first and sent with its length, so that a
browser knows a download cut short (a server restart) from a complete one.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Protocol

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 \u00a0\u202f]*(?:[.,][0-9]+)?")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
UTF8_BOM = "\ufeff"
# Kept in memory up to this size, then on disk: a list of a million clients is not held.
SPOOL_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Formula:
    """A formula the product itself writes into an XLSX cell, such as ``=SUM(D6:O6)``.

    Text is never a formula here: a name or comment that begins with ``=`` stays a ``str`` and
    is neutralised. A ``Formula`` refers to cells of its own sheet: another sheet or workbook
    (``!``, ``[``) and dynamic data exchange (``|``) are refused when it is made.
    """

    text: str

    def __post_init__(self) -> None:
        if not self.text.startswith("=") or any(sign in self.text for sign in "![]|"):
            raise ValueError(f"not a formula of the product's own sheet: {self.text!r}")


Cell = str | int | float | Decimal | bool | dt.date | Formula | None
SheetValue = str | int | float | Decimal | bool | dt.date | None


def text_neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell_safe(value: Cell) -> SheetValue:
    """A cell's value for an XLSX sheet: text neutralised, the product's own formula as its
    formula, anything else as it is."""
    if isinstance(value, str):
        return text_neutralised(value)
    if isinstance(value, Formula):
        return value.text
    return value


class TextFile(Protocol):
    def write(self, text: str, /) -> int: ...


class CsvWriter:
    """Rows of a CSV, every text cell neutralised; numbers written with ``decimal_separator``
    (a Russian Excel reads ``1234,50`` as a number, ``1234.50`` as text)."""

    def __init__(
        self, file: TextFile, *, delimiter: str = ",", decimal_separator: str = "."
    ) -> None:
        self._writer = csv.writer(file, delimiter=delimiter, lineterminator="\r\n")
        self._decimal_separator = decimal_separator

    def _cell(self, value: Cell) -> str | int:
        match value:
            case None:
                return ""
            case str():
                return text_neutralised(value)
            case bool() | int():
                return int(value)
            case Decimal() | float():
                return str(value).replace(".", self._decimal_separator)
            case dt.date():
                return value.isoformat()
        # A Formula among them: a CSV has no formulas, and its readers would run one.
        raise TypeError(f"no CSV cell for {value!r}")

    def row(self, values: Sequence[Cell]) -> None:
        self._writer.writerow([self._cell(value) for value in values])


def xlsx_cells(
    sheet: WriteOnlyWorksheet,
    values: Sequence[Cell],
    *,
    bold: bool = False,
    number_format: str | None = None,
) -> list[SheetCell]:
    """A row of a write-only sheet, every text cell neutralised."""
    font = Font(bold=True) if bold else None
    cells = []
    for value in values:
        # openpyxl writes a Decimal's digits as they are (its stubs admit only float).
        cell = WriteOnlyCell(sheet, value=cell_safe(value))  # type: ignore[arg-type]
        if font is not None:
            cell.font = font
        if number_format is not None and isinstance(value, Decimal | int | float | Formula):
            cell.number_format = number_format
        cells.append(cell)
    return cells


def xlsx_rows_append(sheet: Any, rows: Iterable[Sequence[Cell]]) -> None:
    """Append ``rows`` to a sheet of an ordinary (not write-only) workbook, neutralised."""
    for values in rows:
        sheet.append([cell_safe(value) for value in values])


def csv_response(
    *,
    rows: Iterable[Sequence[Cell]],
    filename: str,
    delimiter: str = ",",
    decimal_separator: str = ".",
    bom: bool = True,
) -> FileResponse:
    """A CSV download of ``rows``, written whole before it is sent, with its length."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - sent and closed by FileResponse
    text = _TextSink(spooled)
    if bom:
        text.write(UTF8_BOM)
    writer = CsvWriter(text, delimiter=delimiter, decimal_separator=decimal_separator)
    for values in rows:
        writer.row(values)
    spooled.seek(0)
    return FileResponse(
        spooled, as_attachment=True, filename=filename, content_type=CSV_CONTENT_TYPE
    )


def xlsx_response(*, workbook: Workbook, filename: str) -> FileResponse:
    """An XLSX download of ``workbook`` (a ZIP is complete only once written), with its length."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - sent and closed by FileResponse
    workbook.save(spooled)
    spooled.seek(0)
    return FileResponse(
        spooled, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


class _TextSink:
    """Text written as UTF-8 into a binary file (csv.writer writes text)."""

    def __init__(self, binary: IO[bytes]) -> None:
        self._binary = binary

    def write(self, text: str) -> int:
        return self._binary.write(text.encode("utf-8"))
