"""A workbook's first sheet as the import's table of text cells, and where a file's table starts.

It runs in the child process that reads the workbook (``upsell.core.workbooks``), so it imports
neither Django nor polars (a second of start-up each time): it gives back plain lists, and an
empty sheet as ``None`` for the caller to word.

A report saved from 1C puts its title, period and filters above the table and a totals row under
it. The header is the first of the top ``HEADER_SEARCH_ROWS`` rows that names two columns the
import knows (a title may be a lone word that is also a column's name), else the first that
names one; a file without such a row keeps its first non-blank row as the header, and the
import says which of its columns are unknown.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

# How far down a report's header may sit under its title, period and filter rows.
HEADER_SEARCH_ROWS = 30

# The column of a cell beyond the header's last column: a row longer than its header.
OVERFLOW = "_overflow"
ROW = "_row"


def cell_column(position: int) -> str:
    return f"c{position}"


# Joins a column's cells for the way back: one string crosses the pipe in the time a list of
# seventy thousand takes to pickle. No cell of an XML sheet can hold it; an XLS cell that does
# has it replaced.
SEPARATOR = "\x00"


@dataclass(frozen=True)
class SheetColumns:
    headers: tuple[str, ...]
    # The cells of each column under the header joined by SEPARATOR ("" for an empty cell),
    # blank rows left out; each row's number in the sheet; whether it has a value beyond the
    # header's last cell.
    columns: list[str]
    rows: list[int]
    overflow: list[bool]
    # The header's own row number in the sheet.
    header_row: int = 1


def header_normalise(header: str) -> str:
    return " ".join(header.split()).lower().replace("ё", "е")


def header_index_find(rows: Sequence[Sequence[str]], known: frozenset[str]) -> int | None:
    """The index of the header among ``rows`` (see the module's docstring); ``None`` when every
    row is blank."""
    first = one_named = None
    for index, row in enumerate(rows):
        cells = [cell for cell in row if cell and not cell.isspace()]
        if not cells:
            continue
        if first is None:
            first = index
        if index - first >= HEADER_SEARCH_ROWS:
            break
        named = sum(header_normalise(cell) in known for cell in cells)
        if named >= 2:
            return index
        if named and one_named is None:
            one_named = index
    return first if one_named is None else one_named


def sheet_columns(
    rows: list[list[Any]], known: frozenset[str] = frozenset()
) -> SheetColumns | None:
    """The header and the data rows of a sheet as text columns; ``None`` when every row is
    blank. ``known`` holds the normalised headers the import knows."""
    texts = [[v if v.__class__ is str else _cell_text(v) for v in row] for row in rows]
    header_index = header_index_find(texts, known)
    if header_index is None:
        return None
    header_cells = texts[header_index]
    width = max(i for i, cell in enumerate(header_cells) if cell) + 1
    headers = tuple(cell.strip() for cell in header_cells[:width])
    kept = [i for i in range(header_index + 1, len(texts)) if any(texts[i])]
    columns = []
    for position in range(width):
        cells = [texts[i][position] if position < len(texts[i]) else "" for i in kept]
        joined = SEPARATOR.join(cells)
        if joined.count(SEPARATOR) > max(len(cells) - 1, 0):
            joined = SEPARATOR.join(cell.replace(SEPARATOR, "\ufffd") for cell in cells)
        columns.append(joined)
    return SheetColumns(
        headers=headers,
        columns=columns,
        rows=[i + 1 for i in kept],
        overflow=[any(texts[i][width:]) for i in kept],
        header_row=header_index + 1,
    )


def _cell_text(value: object) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    match value:
        case str():
            return value
        case bool():
            return "true" if value else "false"
        case float():
            if value.is_integer():
                return str(int(value))
            # Six places keep every kopeck and gram and drop binary noise (0.30000000000000004).
            return f"{value:.6f}".rstrip("0").rstrip(".")
        case int():
            return str(value)
        case datetime():
            return value.isoformat(sep=" ")
        case date() | time():
            return value.isoformat()
        case timedelta():
            return str(value)
        case None:
            return ""
        case _:
            return str(value)
