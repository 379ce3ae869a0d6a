"""Reading a workbook somebody sent, without letting it take the process down.

A workbook describes more than it holds: a 5 KB XLSX with one cell at XFD1048576 asks its
reader for seventeen billion cells, and a few megabytes of zip inflate to gigabytes of sheet
XML. So a workbook is read in a child process under an address-space limit and a deadline, and
before any parser sees it the child checks the zip: every member's declared size, then its real
inflated size while inflating it, and every cell reference of each sheet it reads (the first,
and any the caller names) against the rows and columns a workbook may have; the cells of the
range the parser loads are counted before they become Python values. Whatever goes wrong
comes back as ``WorkbookRefused`` with a message naming the sheet, and the calling process (the
task worker, the web server) lives on.

The child imports no Django: its findings travel as codes and figures and are worded here, in
the caller's language. A caller that wants more than the rows (the import's text table) passes
``shape``, a module-level function the child applies to the rows, so a large sheet crosses the
pipe once, already in its final form.
"""

import copy
import dataclasses
import io
import logging
import pickle
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import python_calamine

logger = logging.getLogger(__name__)

MB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# The parts that tell which member is the first sheet are small; a bigger one is a bad sign.
_INDEX_PART_MAX_BYTES = 4 * MB
_ZIP_MEMBERS_MAX = 10_000
_CHUNK = MB

Rows = list[list[Any]]
Shape = Callable[[Rows], Any]


@dataclass(frozen=True, kw_only=True)
class WorkbookLimits:
    # The unpacked size of all the zip's members together.
    unpacked_bytes: int
    rows: int
    columns: int
    # Rows times columns of the range the parser loads (it holds every cell of it, empty or not).
    cells: int
    # The child's address space: the parser, the Python values it makes and what it sends back.
    memory_bytes: int
    seconds: float

    @classmethod
    def from_settings(cls) -> "WorkbookLimits":
        from django.conf import settings

        return cls(
            unpacked_bytes=settings.UPSELL_WORKBOOK_UNPACKED_MAX_MB * MB,
            rows=settings.UPSELL_FILE_MAX_ROWS,
            columns=settings.UPSELL_FILE_MAX_COLUMNS,
            cells=settings.UPSELL_WORKBOOK_MAX_CELLS,
            memory_bytes=settings.UPSELL_WORKBOOK_MEMORY_MB * MB,
            seconds=settings.UPSELL_WORKBOOK_SECONDS,
        )


class WorkbookRefused(Exception):  # noqa: N818 - it names the outcome, like Http404
    """The workbook was not read; ``message`` says why, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkbookUnreadable(WorkbookRefused):
    """The parser could not make sense of the file: not a workbook, damaged or truncated."""


def workbook_read(
    *,
    data: bytes,
    limits: WorkbookLimits | None = None,
    shape: Shape | None = None,
    shape_types: tuple[type, ...] = (),
    merged_down: bool = False,
) -> Any:
    """The first sheet's rows (each cell as the parser gives it, ``""`` when empty), or what
    ``shape`` makes of them in the child (built of plain values and ``shape_types``);
    ``WorkbookRefused`` when the workbook breaks a limit or cannot be read.

    With ``merged_down``, the value of a merged range is the value of each of its rows (in the
    range's first column): a grouped report merges a client's name over the rows of its lines.
    """
    request = _Request(
        data=data,
        limits=limits or WorkbookLimits.from_settings(),
        shape=shape,
        merged_down=merged_down,
    )
    return _child_read(request, shape_types)


def workbook_sheets_read(
    *, data: bytes, names: tuple[str, ...], limits: WorkbookLimits | None = None
) -> tuple[Rows, dict[str, Rows]]:
    """The first sheet's rows, and those of each sheet named in ``names`` that the workbook
    has (hidden or not), each sheet held to the same limits; ``WorkbookRefused`` as above."""
    read: tuple[Rows, dict[str, Rows]] = _child_read(
        _Request(data=data, limits=limits or WorkbookLimits.from_settings(), names=names), ()
    )
    return read


@dataclass(frozen=True, kw_only=True)
class _Request:
    data: bytes
    limits: WorkbookLimits
    shape: Shape | None = None
    merged_down: bool = False
    # Sheets read by name besides the first; the child then sends (first, {name: rows}).
    names: tuple[str, ...] = ()


def _child_read(request: _Request, shape_types: tuple[type, ...]) -> Any:
    limits = request.limits
    pickled = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        child = subprocess.run(  # noqa: S603 - this very interpreter, running this module
            [sys.executable, "-c", _CHILD_MAIN],
            input=pickled,
            capture_output=True,
            timeout=limits.seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise WorkbookRefused(_message("slow", {"seconds": _figure(limits.seconds)})) from None
    try:
        outcome = _OutcomeUnpickler(io.BytesIO(child.stdout), shape_types).load()
    except (pickle.UnpicklingError, EOFError):
        logger.warning(
            "The workbook reader stopped with exit code %s: %s",
            child.returncode,
            child.stderr.decode(errors="replace")[-2000:],
        )
        raise WorkbookRefused(_message("stopped", {"memory": limits.memory_bytes // MB})) from None
    match outcome:
        case ("read", value):
            return value
        case ("unreadable", detail):
            logger.info("Unreadable workbook: %s", detail)
            raise WorkbookUnreadable(_message("unreadable", {}))
        case ("memory",):
            raise WorkbookRefused(_message("memory", {"memory": limits.memory_bytes // MB}))
        case (code, values):
            raise WorkbookRefused(_message(code, values))
    raise AssertionError(outcome)  # pragma: no cover - the child sends one of the above


class _OutcomeUnpickler(pickle.Unpickler):
    """Reads what the child wrote, which had a hostile file in its hands: plain values, dates
    and the caller's own result types, never a function to call."""

    _DATES = frozenset({"date", "datetime", "time", "timedelta", "timezone"})

    def __init__(self, file: io.BytesIO, types: tuple[type, ...]) -> None:
        super().__init__(file)
        self._types = {(kind.__module__, kind.__qualname__): kind for kind in types}

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in self._DATES:
            return super().find_class(module, name)
        if (module, name) in self._types:
            return self._types[module, name]
        raise pickle.UnpicklingError(f"{module}.{name} is not a workbook value")


def _figure(value: float) -> str:
    return f"{value:g}"


def _message(code: str, values: dict[str, Any]) -> str:
    from django.utils.translation import gettext as _

    messages = {
        "unreadable": _("the workbook is damaged or truncated"),
        "slow": _(
            "reading the workbook took longer than {seconds} s, the most a workbook may take"
        ),
        "memory": _(
            "reading the workbook needs more than {memory} MB of memory, the most it may use"
        ),
        "stopped": _(
            "reading the workbook stopped: it needs more than {memory} MB of memory, the most "
            "it may use, or the file is damaged"
        ),
        "members": _("the workbook is a zip of {members} parts; a workbook has at most {limit}"),
        "unpacked": _(
            "the workbook unpacks to more than {limit} MB (its part {part}); "
            "a workbook may unpack to {limit} MB at most"
        ),
        "lying": _(
            "the workbook is damaged: its part {part} unpacks to more than the {declared} bytes "
            "it declares"
        ),
        "rows": _(
            "the sheet «{sheet}» has a cell at {cell}, beyond row {limit}, the last a workbook "
            "may use"
        ),
        "columns": _(
            "the sheet «{sheet}» has a cell at {cell}, beyond column {limit} ({letters}), the last "
            "a workbook may use"
        ),
        "cells": _(
            "the sheet «{sheet}» spans {rows} rows by {columns} columns, {cells} cells; a sheet "
            "may span {limit} cells at most"
        ),
    }
    return messages[code].format(**values)


# --- The child --------------------------------------------------------------------------


_CHILD_MAIN = "from upsell.core.workbooks import child_main; child_main()"


class _Refusal(Exception):  # noqa: N818 - a finding of the child, worded by the parent
    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def child_main() -> None:
    """Read the pickled request on stdin; write the pickled outcome on stdout.

    A fresh interpreter, not a fork: the caller's threads, connections and parsers' thread
    pools stay where they are, and the child imports nothing heavier than the parser.
    """
    request: _Request = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from the parent
    data, request = request.data, dataclasses.replace(request, data=b"")
    limits = request.limits
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    outcome: tuple[Any, ...]
    try:
        rows, named = _sheets_rows(data, request)
        del data
        if request.names:
            outcome = ("read", (rows, named))
        else:
            outcome = ("read", rows if request.shape is None else request.shape(rows))
    except _Refusal as refusal:
        outcome = (refusal.code, refusal.values)
    except MemoryError:
        outcome = ("memory",)
    except Exception as error:  # the parsers raise their own errors, zip's and plain ones alike
        outcome = ("unreadable", f"{type(error).__name__}: {error}")
    try:
        written = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        written = pickle.dumps(("memory",))
    sys.stdout.buffer.write(written)
    sys.stdout.buffer.flush()


def _sheets_rows(data: bytes, request: _Request) -> tuple[Rows, dict[str, Rows]]:
    """The first sheet's rows, and those of each sheet of ``request.names`` the workbook has."""
    limits = request.limits
    if data.startswith(_ZIP_MAGIC):
        _zip_check(data, limits, request.names)
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = _sheet_rows(workbook.get_sheet_by_index(0), limits, merged_down=request.merged_down)
    present = set(workbook.sheet_names)
    named = {
        name: _sheet_rows(workbook.get_sheet_by_name(name), limits, merged_down=False)
        for name in request.names
        if name in present
    }
    return rows, named


def _sheet_rows(sheet: Any, limits: WorkbookLimits, *, merged_down: bool) -> Rows:
    # The range starts at A1: the rows and columns before its first cell are held too.
    rows, columns = sheet.end[0] + 1 if sheet.end else 0, sheet.end[1] + 1 if sheet.end else 0
    if rows * columns > limits.cells:
        raise _Refusal(
            "cells",
            sheet=sheet.name,
            rows=rows,
            columns=columns,
            cells=rows * columns,
            limit=limits.cells,
        )
    values: Rows = sheet.to_python(skip_empty_area=False)
    if merged_down:
        _merged_down(values, sheet.merged_cell_ranges or [])
    return values


def _merged_down(rows: Rows, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give each row of a merged range the value of its first cell, in the range's first
    column (the parser gives it to the first cell alone)."""
    for (first_row, column), (last_row, _last_column) in ranges:
        if first_row >= len(rows) or column >= len(rows[first_row]):
            continue
        value = rows[first_row][column]
        for row in rows[first_row + 1 : last_row + 1]:
            if column < len(row) and row[column] == "":
                row[column] = value


def _zip_check(data: bytes, limits: WorkbookLimits, names: tuple[str, ...] = ()) -> None:
    """Refuse a zip that unpacks to more than the limit (by what it declares, then by what it
    really inflates to), or whose first sheet, or a sheet of ``names``, has a cell beyond the
    rows or columns allowed."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > _ZIP_MEMBERS_MAX:
        raise _Refusal("members", members=len(members), limit=_ZIP_MEMBERS_MAX)
    declared = 0
    for member in members:
        declared += member.file_size
        if declared > limits.unpacked_bytes:
            raise _Refusal("unpacked", limit=limits.unpacked_bytes // MB, part=member.filename)
    sheet_parts = _sheet_parts(archive, names)
    for member in members:
        sheet_name = sheet_parts.get(member.filename)
        content = _inflated(archive, member, keep=sheet_name is not None)
        if content is not None and sheet_name is not None:
            _cells_check(content, sheet_name, limits)


def _inflated(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, keep: bool) -> bytes | None:
    """Inflate ``member`` to one byte past its declared size at most: a member that has more is
    refused. Its content when ``keep``."""
    probe = copy.copy(member)
    probe.file_size = member.file_size + 1
    # Without it, the check of the member's CRC at the byte past its size would come first.
    del probe.CRC
    kept = io.BytesIO() if keep else None
    size = 0
    with archive.open(probe) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > member.file_size:
                raise _Refusal("lying", part=member.filename, declared=member.file_size)
            if kept is not None:
                kept.write(chunk)
    return None if kept is None else kept.getvalue()


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(archive: zipfile.ZipFile, names: tuple[str, ...]) -> dict[str, str]:
    """The members holding the first sheet of an XLSX and the sheets of ``names``, each with
    its sheet's name (none for a zip that is not an XLSX, which the parser then refuses)."""
    members = set(archive.namelist())
    if "xl/workbook.xml" not in members or "xl/_rels/workbook.xml.rels" not in members:
        return {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(part).file_size > _INDEX_PART_MAX_BYTES:
            raise _Refusal("unpacked", limit=_INDEX_PART_MAX_BYTES // MB, part=part)
    # Both parts are size-checked above, expat refuses entity expansion bombs, and the child's
    # address space is limited.
    sheets = ElementTree.fromstring(archive.read("xl/workbook.xml")).findall(f".//{_SHEET}")  # noqa: S314
    chosen = [
        sheet for index, sheet in enumerate(sheets) if index == 0 or sheet.get("name") in names
    ]
    if not chosen:
        return {}
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {
        relationship.get("Id"): relationship.get("Target", "")
        for relationship in relationships.iter(_RELATIONSHIPS)
    }
    parts = {}
    for sheet in chosen:
        target = targets.get(sheet.get(_RELATIONSHIP_ID))
        if target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[part] = sheet.get("name", "")
    return parts


def column_letters(number: int) -> str:
    """Excel's name of the column ``number`` (1 is A, 16384 is XFD)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _cells_check(sheet: bytes, sheet_name: str, limits: WorkbookLimits) -> None:
    """Refuse a sheet with a cell (or a row, or its declared dimension) beyond the rows or
    columns allowed.

    Only references at least as long as the limits' own are looked at: one pass that finds no
    such reference in a normal sheet, where reading every reference would cost a third of the
    parse.
    """
    letters = len(column_letters(limits.columns))
    digits = len(str(limits.rows))
    suspects = re.compile(
        rb' r(?:ef)?="(?:[A-Z]+[0-9]+:)?(?=[A-Z]{%d}|[A-Z]*[0-9]{%d})([A-Z]*)([0-9]+)"'
        % (letters, digits)
    )
    for match in suspects.finditer(sheet):
        column, row = _column_number(match[1]), int(match[2])
        cell = (match[1] + match[2]).decode()
        if column > limits.columns:
            raise _Refusal(
                "columns",
                sheet=sheet_name,
                cell=cell,
                limit=limits.columns,
                letters=column_letters(limits.columns),
            )
        if row > limits.rows:
            raise _Refusal("rows", sheet=sheet_name, cell=cell, limit=limits.rows)
