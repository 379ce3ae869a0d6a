"""Nothing but the hand-over service writes a client's manager or assistant.

Installed for the whole suite (the root conftest), it watches every statement that writes the
clients table — the ORM's, raw SQL, the bulk path's multi-row INSERTs and UPDATEs, and
PostgreSQL's COPY — and finds the product module that issued one touching ``manager_id`` or
``assistant_id``: the innermost frame of the package outside ``core`` (the generic database
plumbing every app writes through). Unless that module is ``portfolios/services/handover.py``
the write is refused and the test fails, so every path the suite walks (pages, API, imports,
tasks, commands) proves it. Tests' own set-up (factories, fixtures) may write them directly.
"""

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Field

import upsell
from upsell.clients.models import Client

PACKAGE = Path(upsell.__file__).resolve().parent
OWNER = PACKAGE / "portfolios" / "services" / "handover.py"
GUARD = Path(__file__).resolve()
TABLE = Client._meta.db_table
COLUMNS = frozenset(
    field.column
    for field in (Client._meta.get_field("manager"), Client._meta.get_field("assistant"))
    if isinstance(field, Field)
)

_UPDATE = re.compile(rf'^\s*UPDATE\s+"?{TABLE}"?\s+SET\s+(?P<set>.*?)(\sWHERE\s|$)', re.I | re.S)
_INSERT = re.compile(rf'^\s*INSERT\s+INTO\s+"?{TABLE}"?\s*\((?P<columns>[^)]*)\)', re.I | re.S)
_COPY = re.compile(rf'^\s*COPY\s+"?{TABLE}"?\s*\((?P<columns>[^)]*)\)', re.I | re.S)


class ForeignWriteError(AssertionError):
    """A module other than the hand-over service wrote who serves a client."""


# Every refusal of the running test, so that a caller catching the error (a background run
# marks itself failed) cannot hide it: the test fails at its end.
refused: list[str] = []


def _columns(listed: str) -> list[str]:
    return [name.strip().strip('"') for name in listed.split(",")]


def _writer(frame: FrameType | None) -> Path | None:
    """The product module behind the statement; None when the tests' own code wrote it."""
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PACKAGE):
            inside = path.relative_to(PACKAGE)
            if path == GUARD or inside.parts[0] == "core":
                frame = frame.f_back
                continue
            if "tests" in inside.parts or path.name == "conftest.py":
                return None
            return path
        if path.name == "conftest.py":
            return None
        frame = frame.f_back
    return None


def _check(frame: FrameType | None, what: str) -> None:
    writer = _writer(frame)
    if writer is None or writer == OWNER:
        return
    message = (
        f"{writer.relative_to(PACKAGE.parent)} writes a client's manager or assistant "
        f"({what}); only portfolios.services.handover.clients_hand_over may"
    )
    refused.append(message)
    raise ForeignWriteError(message)


def _rows(params: Any, many: bool) -> Iterator[Sequence[Any]] | None:
    """The parameter rows of a statement, or None when they can only be read once."""
    if many:
        return iter(params) if isinstance(params, list | tuple) else None
    return iter([params]) if isinstance(params, list | tuple) else None


def _insert_names_someone(columns: list[str], params: Any, many: bool) -> bool:
    positions = [index for index, name in enumerate(columns) if name in COLUMNS]
    if not positions:
        return False
    rows = _rows(params, many)
    if rows is None:
        # A generator of rows: reading it would use it up, and the bulk path names these
        # columns only when it is given them.
        return True
    width = len(columns)
    for row in rows:
        # One statement may carry several rows: ``VALUES (...), (...)``.
        for start in range(0, len(row), width):
            if any(row[start + position] is not None for position in positions):
                return True
    return False


def _statement_guard(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    if TABLE in sql:
        update = _UPDATE.match(sql)
        if update is not None and any(
            re.search(rf'"?{column}"?\s*=', update["set"]) for column in COLUMNS
        ):
            _check(sys._getframe(1), "UPDATE")
        insert = _INSERT.match(sql)
        if insert is not None and _insert_names_someone(_columns(insert["columns"]), params, many):
            _check(sys._getframe(1), "INSERT")
    return execute(sql, params, many, context)


def _connection_guarded(connection: BaseDatabaseWrapper, **_: Any) -> None:
    if _statement_guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(_statement_guard)


@contextmanager
def clients_hand_over_guarded() -> Iterator[None]:
    """Watch every connection, those open now and those opened later (the live server's)."""
    original_copy = psycopg.Cursor.copy

    def copy(self: psycopg.Cursor[Any], statement: Any, *args: Any, **kwargs: Any) -> Any:
        text = statement if isinstance(statement, str) else str(statement)
        found = _COPY.match(text)
        if found is not None and COLUMNS & set(_columns(found["columns"])):
            _check(sys._getframe(1), "COPY")
        return original_copy(self, statement, *args, **kwargs)

    for connection in connections.all():
        _connection_guarded(connection)
    connection_created.connect(_connection_guarded)
    psycopg.Cursor.copy = copy  # type: ignore[method-assign]
    try:
        yield
    finally:
        psycopg.Cursor.copy = original_copy  # type: ignore[method-assign]
        connection_created.disconnect(_connection_guarded)
        for connection in connections.all(initialized_only=True):
            if _statement_guard in connection.execute_wrappers:
                connection.execute_wrappers.remove(_statement_guard)
