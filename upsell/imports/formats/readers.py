"""Reading a company's file into a table of text cells, whatever wrote it.

CSV comes in UTF-8 (with or without a BOM), Windows-1251 (1C's own export) or UTF-16 with a
BOM (Excel's "Unicode text"), separated by semicolons, commas or tabs; workbooks (XLSX, and
the XLS/ODS calamine also reads) are read from their first sheet. Every cell stays text here:
parsing dates and numbers is the validators' job, done column by column.
"""

import codecs
import csv
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from upsell.core.uploads import file_too_large_message
from upsell.core.workbooks import WorkbookRefused, workbook_read
from upsell.imports.formats.columns import KNOWN_HEADERS, header_normalise, kind_detect
from upsell.imports.formats.sheets import (
    HEADER_SEARCH_ROWS,
    SEPARATOR,
    SheetColumns,
    header_index_find,
    sheet_columns,
)
from upsell.imports.formats.sheets import OVERFLOW as OVERFLOW
from upsell.imports.formats.sheets import ROW as ROW
from upsell.imports.formats.sheets import cell_column as cell_column
from upsell.imports.problems import FileRejected, Problem

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (";", "\t", ",")
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawTable:
    """The header and the data rows of a file, blank rows left out."""

    headers: tuple[str, ...]
    # Columns "c0".."c<n-1>" hold the cells as written (null when empty), ROW the file's own
    # row number, OVERFLOW whether the row has a value beyond the header's last column.
    frame: pl.DataFrame
    # The CSV's own separator; the rejected rows are written back with it.
    delimiter: str
    # The header's own row number in the file (a report's title rows come before it).
    header_row: int = 1


def table_read(*, data: bytes, file_name: str) -> RawTable:
    suffix = PurePath(file_name).suffix.lower()
    too_large = file_too_large_message(size=len(data))
    if too_large is not None:
        raise FileRejected.whole_file(too_large)
    if not data or data.isspace():
        raise FileRejected.whole_file(_("the file is empty"))
    if suffix in WORKBOOK_SUFFIXES:
        return _workbook_read(data)
    return _csv_read(data)


def kind_sniff(*, path: Path) -> str:
    """The kind of the file at ``path`` from its header row, reading as little as it can."""
    too_large = file_too_large_message(size=path.stat().st_size)
    if too_large is not None:
        raise FileRejected.whole_file(too_large)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return kind_detect(table_read(data=path.read_bytes(), file_name=path.name).headers)
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
    if not head or head.isspace():
        raise FileRejected.whole_file(_("the file is empty"))
    if head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1251"
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    line = _header_line(text)[0]
    return kind_detect(tuple(cell.strip() for cell in _line_split(line, _delimiter_sniff(line))))


# --- CSV ---------------------------------------------------------------------------------


_UNREADABLE = gettext_noop(
    "cannot read the file: it is neither a workbook nor text in UTF-8, UTF-16 or "
    "Windows-1251 with a header row the import knows"
)


def _utf8_of(data: bytes, *, trust_utf8: bool) -> bytes:
    """The file as UTF-8 without a BOM, whatever it was written in.

    With ``trust_utf8``, a file whose start reads as UTF-8 is taken as UTF-8 without decoding
    the rest here: polars checks it while parsing, and a file that fails comes back here
    with ``trust_utf8`` off.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        if not trust_utf8:
            try:
                data[3:].decode("utf-8")
            except UnicodeDecodeError as error:
                raise _row_not_utf8(data, error.start + 3, after_bom=True) from None
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode()
        except UnicodeDecodeError:
            raise FileRejected.whole_file(
                _("the file is damaged: it is not valid UTF-16 text")
            ) from None
    try:
        if trust_utf8:
            codecs.getincrementaldecoder("utf-8")().decode(data[:_SNIFF_BYTES], final=False)
        else:
            data.decode("utf-8")
    except UnicodeDecodeError as error:
        not_utf8_at = error.start
    else:
        return data
    # A file is written in one encoding: rows in UTF-8 beside rows that are not would import
    # as garbage whichever is chosen, so the first row in the other encoding is named.
    utf8_at = _utf8_text_offset(data)
    if utf8_at is not None:
        if utf8_at < not_utf8_at:
            raise _row_not_utf8(data, not_utf8_at, after_bom=False)
        raise _row_in_utf8(data, utf8_at)
    # Windows-1251 decodes almost any bytes: only a header the import knows tells it is right.
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise FileRejected.whole_file(_(_UNREADABLE)) from None
    if not _header_known(text[:_SNIFF_BYTES]):
        raise FileRejected.whole_file(_(_UNREADABLE))
    return text.encode()


# Cyrillic in UTF-8 is a lead byte D0/D1 and a continuation byte 80-BF. In Windows-1251 that
# is "Р" or "С" followed by a sign ("Р»", "С‚"), which no Russian text writes. "Р" and "С"
# are common letters, so a byte search stops at each; numpy tests every pair of bytes of a
# chunk in a few passes instead, several times faster on a file of a million rows.
_PAIR_CHUNK = 1 << 24


def _utf8_cyrillic_pairs(data: bytes) -> Iterator[int]:
    """Where each UTF-8 Cyrillic pair of bytes begins, in order."""
    for at in range(0, len(data) - 1, _PAIR_CHUNK):
        # One byte more than the step: a pair across two chunks is found in the first.
        chunk = np.frombuffer(data, np.uint8, count=min(_PAIR_CHUNK + 1, len(data) - at), offset=at)
        pairs = ((chunk[:-1] | 1) == 0xD1) & ((chunk[1:] & 0xC0) == 0x80)
        if pairs.any():
            yield from (at + int(found) for found in np.flatnonzero(pairs))


def _utf8_text_offset(data: bytes) -> int | None:
    """Where the first line written in UTF-8 (with letters beyond ASCII) starts, if any."""
    line_end = 0
    for found in _utf8_cyrillic_pairs(data):
        if found < line_end:
            continue  # on a line already found not to be UTF-8
        start = data.rfind(b"\n", 0, found) + 1
        end = data.find(b"\n", found)
        if _is_utf8(data[start : None if end < 0 else end]):
            return start
        if end < 0:
            return None
        line_end = end
    return None


def _row_not_utf8(data: bytes, offset: int, *, after_bom: bool) -> FileRejected:
    """The file's row holding the byte at ``offset``, which is not UTF-8 as the file is."""
    row, column = _row_and_column(data, offset, lambda cell: not _is_utf8(cell))
    message = (
        _(
            "the file starts with the UTF-8 mark (BOM), but this row is not UTF-8 text: "
            "it looks like Windows-1251; save the whole file in one encoding"
        )
        if after_bom
        else _(
            "this row is not UTF-8 text as the rows before it are: it looks like "
            "Windows-1251; save the whole file in one encoding"
        )
    )
    return FileRejected([Problem(row=row, column=column, message=message)])


def _row_in_utf8(data: bytes, offset: int) -> FileRejected:
    row, column = _row_and_column(
        data, offset, lambda cell: cell.isascii() is False and _is_utf8(cell)
    )
    message = _(
        "this row is UTF-8 text while the rows before it are Windows-1251; save the whole file "
        "in one encoding"
    )
    return FileRejected([Problem(row=row, column=column, message=message)])


def _is_utf8(cell: bytes) -> bool:
    try:
        cell.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _row_and_column(data: bytes, offset: int, odd: Callable[[bytes], bool]) -> tuple[int, str]:
    """The row number of the line holding ``offset`` and the header of its first ``odd`` cell
    ("" when the cells cannot be told apart)."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    shift = len(data) - len(body)
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    row = data.count(b"\n", 0, start) + 1
    # Latin-1 maps every byte to one character and back: the split keeps each cell's bytes.
    header, _row, _offset = _header_line(body[:_SNIFF_BYTES].decode("latin-1"))
    delimiter = _delimiter_sniff(header)
    line = data[max(start, shift) : None if end < 0 else end].rstrip(b"\r").decode("latin-1")
    headers = _line_split(header, delimiter)
    for position, cell in enumerate(_line_split(line, delimiter)):
        if odd(cell.encode("latin-1")) and position < len(headers):
            raw = headers[position].encode("latin-1")
            return row, (raw.decode("utf-8") if _is_utf8(raw) else raw.decode("cp1251")).strip()
    return row, ""


def _header_known(text: str) -> bool:
    if not text or "\x00" in text:
        return False
    line = _header_line(text)[0]
    cells = _line_split(line, _delimiter_sniff(line))
    return any(header_normalise(cell) in KNOWN_HEADERS for cell in cells)


def _header_line(text: str) -> tuple[str, int, int]:
    """The header line (see ``upsell.imports.formats.sheets``), its row number and the offset
    where it starts; the first non-blank line when no line names known columns."""
    lines: list[tuple[str, int, int]] = []
    offset = 0
    row = 1
    while len(lines) < HEADER_SEARCH_ROWS:
        end = text.find("\n", offset)
        line = (text[offset:] if end < 0 else text[offset:end]).rstrip("\r")
        if line.strip():
            lines.append((line, row, offset))
        if end < 0:
            break
        offset = end + 1
        row += 1
    if not lines:
        return text.rstrip("\r\n"), 1, 0
    cells = [_line_split(line, _delimiter_sniff(line)) for line, _row, _offset in lines]
    found = header_index_find(cells, KNOWN_HEADERS)
    return lines[found or 0]


def _delimiter_sniff(line: str) -> str:
    outside_quotes = line.split('"')[::2]
    counts = {d: sum(part.count(d) for part in outside_quotes) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _line_split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _csv_read(data: bytes) -> RawTable:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected.whole_file(_("the file is not text: it holds binary data"))
    utf8 = _utf8_of(data, trust_utf8=True)
    try:
        return _csv_parse(utf8)
    except _NotUtf8:
        return _csv_parse(_utf8_of(data, trust_utf8=False))


class _NotUtf8(Exception):  # noqa: N818 - a signal between two functions here
    pass


def _csv_parse(utf8: bytes) -> RawTable:
    head = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(
        utf8[:_SNIFF_BYTES], final=False
    )
    if not head or head.isspace():
        raise FileRejected.whole_file(_("the file is empty"))
    line, header_row, offset = _header_line(head)
    delimiter = _delimiter_sniff(line)
    headers = tuple(cell.strip() for cell in _line_split(line, delimiter))
    width = len(headers)
    _width_check(width, header_row)
    body = utf8[len(head[:offset].encode()) :] if offset else utf8
    try:
        frame = _polars_read(body, delimiter, width)
    except pl.exceptions.PolarsError as error:
        message = str(error).splitlines()[0]
        if "utf-8" in message.lower():
            raise _NotUtf8 from None
        raise FileRejected.whole_file(
            _("cannot read the file as CSV: {error}").format(error=message)
        ) from None
    # Polars gives a blank line a row of nulls, so row i of the frame is line i of the body
    # unless a quoted value spans lines: then each such value pushes the later rows down.
    body_lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    row_numbers = pl.int_range(pl.len(), dtype=pl.Int64) + header_row
    if body_lines != frame.height:
        lines_in_row = pl.sum_horizontal(
            pl.col(cell_column(i)).str.count_matches("\n", literal=True).fill_null(0)
            for i in range(width)
        )
        row_numbers = row_numbers + lines_in_row.cum_sum().shift(1, fill_value=0)
    frame = frame.with_columns(row_numbers.alias(ROW)).slice(1)
    frame = _blank_rows_drop(frame, width)
    _height_check(frame)
    return RawTable(headers=headers, frame=frame, delimiter=delimiter, header_row=header_row)


def _width_check(width: int, header_row: int) -> None:
    if width > settings.UPSELL_FILE_MAX_COLUMNS:
        raise FileRejected(
            [
                Problem(
                    row=header_row,
                    column="",
                    message=_(
                        "the header has {columns} columns; a file may have {limit} at most"
                    ).format(columns=width, limit=settings.UPSELL_FILE_MAX_COLUMNS),
                )
            ]
        )


def _height_check(frame: pl.DataFrame) -> None:
    if frame.height > settings.UPSELL_FILE_MAX_ROWS:
        beyond = int(frame.get_column(ROW)[settings.UPSELL_FILE_MAX_ROWS])
        raise FileRejected(
            [
                Problem(
                    row=beyond,
                    column="",
                    message=_(
                        "the file has more than {limit} rows, the most a file may have"
                    ).format(limit=settings.UPSELL_FILE_MAX_ROWS),
                )
            ]
        )


def _polars_read(body: bytes, delimiter: str, width: int) -> pl.DataFrame:
    """The rows of ``body`` (header row first) as text columns c0.., and OVERFLOW.

    Polars refuses a row longer than the first; only then is the file read again with one
    extra column, to find those rows (copying the whole file for it is not worth it before).
    """
    options = {"separator": delimiter, "infer_schema": False, "raise_if_empty": False}
    names = [cell_column(i) for i in range(width)]
    try:
        frame = pl.read_csv(body, has_header=False, new_columns=names, **options)  # type: ignore[arg-type]
        return frame.with_columns(pl.lit(value=False).alias(OVERFLOW))
    except pl.exceptions.ComputeError as error:
        if "more fields" not in str(error):
            raise
    frame = pl.read_csv(
        delimiter.join([*names, OVERFLOW]).encode() + b"\n" + body,
        has_header=True,
        truncate_ragged_lines=True,
        **options,  # type: ignore[arg-type]
    )
    return frame.with_columns(pl.col(OVERFLOW).is_not_null())


def _blank_rows_drop(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    """Without the rows whose every cell is empty or spaces (and nothing beyond the header)."""
    first = pl.col(cell_column(0))
    # Only a row whose first cell is empty can be blank: the full test runs on those alone.
    maybe_blank = frame.filter(first.is_null() | (first.str.strip_chars() == ""))
    if maybe_blank.height == 0:
        return frame
    blank = maybe_blank.filter(
        pl.all_horizontal(
            pl.col(cell_column(i)).str.strip_chars().fill_null("") == "" for i in range(width)
        )
        & ~pl.col(OVERFLOW)
    )
    return frame.filter(~pl.col(ROW).is_in(blank.get_column(ROW).implode()))


# --- Rows read elsewhere --------------------------------------------------------------------


def rows_read(*, frame: pl.DataFrame) -> RawTable:
    """Rows another reader took out of its own file, as the table a CSV of them reads as: the
    header (``frame``'s column names) on row 1 and the rows under it, blank rows left out,
    within the limits of a file. Each column holds text, "" for an empty cell."""
    width = frame.width
    _width_check(width, header_row=1)
    names = [cell_column(i) for i in range(width)]
    cells = frame.rename(dict(zip(frame.columns, names, strict=True))).select(
        pl.when(pl.col(name) != "").then(pl.col(name).cast(pl.String)).alias(name) for name in names
    )
    table = cells.with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW),
        pl.lit(value=False).alias(OVERFLOW),
    )
    table = _blank_rows_drop(table, width)
    _height_check(table)
    return RawTable(headers=tuple(frame.columns), frame=table, delimiter=";")


# --- Workbooks ---------------------------------------------------------------------------


def _workbook_read(data: bytes) -> RawTable:
    if not data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise FileRejected.whole_file(
            _("the file is not an Excel workbook, whatever its name says")
        )
    try:
        sheet: SheetColumns | None = workbook_read(
            data=data,
            shape=functools.partial(sheet_columns, known=KNOWN_HEADERS),
            shape_types=(SheetColumns,),
            merged_down=True,
        )
    except WorkbookRefused as refused:
        raise FileRejected.whole_file(refused.message) from None
    if sheet is None:
        raise FileRejected.whole_file(_("the file is empty"))
    cells = (
        pl.Series([joined]).str.split(SEPARATOR).explode()
        if sheet.rows
        else pl.Series([], dtype=pl.String)
        for joined in sheet.columns
    )
    frame = pl.DataFrame(
        {
            **{cell_column(i): column for i, column in enumerate(cells)},
            OVERFLOW: pl.Series(sheet.overflow, dtype=pl.Boolean),
            ROW: pl.Series(sheet.rows, dtype=pl.Int64),
        }
    ).with_columns(
        pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)
        for name in map(cell_column, range(len(sheet.columns)))
    )
    return RawTable(headers=sheet.headers, frame=frame, delimiter=";", header_row=sheet.header_row)
