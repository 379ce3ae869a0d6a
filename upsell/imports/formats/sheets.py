"""A workbook's first sheet as the import's table of text cells.

It runs in the child process that reads the workbook (``upsell.core.workbooks``), so it imports
neither Django nor polars (a second of start-up each time): it gives back plain lists, and an
empty sheet as ``None`` for the caller to word.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

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


def sheet_columns(rows: list[list[Any]]) -> SheetColumns | None:
    """The header and the data rows of a sheet as text columns; ``None`` when every row is
    blank."""
    texts = [[v if v.__class__ is str else _cell_text(v) for v in row] for row in rows]
    header_index = next((i for i, row in enumerate(texts) if any(row)), None)
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
