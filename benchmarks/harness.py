"""What the page benchmarks share: each action's median time, their runs interleaved."""

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def median_seconds(actions: list[Callable[[], object]], *, runs: int) -> list[float]:
    """The median time of each action, their runs interleaved so that all see the same load."""
    timings: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, times in zip(actions, timings, strict=True):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in timings]


# A page benchmark sets the page against its bare SQL: the very statements one request ran,
# captured from Django, replayed on a connection outside Django's wrappers.


def raw_connection() -> Any:
    """A connection outside Django's wrappers. On SQLite a new ``sqlite3`` connection on the same
    file, opened as the site opens it: with Django's functions (a month's truncation) and the
    site's LOWER, which folds Cyrillic (without it a search replays to nothing and flatters the
    floor). On PostgreSQL, the driver's own connection."""
    from django.db import connection

    if connection.vendor == "sqlite":
        from upsell.core.sqlite import sqlite_lower

        raw = connection.get_new_connection(connection.get_connection_params())
        raw.create_function("LOWER", 1, sqlite_lower, deterministic=True)
        return raw
    connection.ensure_connection()
    return connection.connection


def page_statements(page: Callable[[], object]) -> list[str]:
    """The SQL statements one call of ``page`` runs, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page()
    return [query["sql"] for query in captured.captured_queries]


def replay(raw: Any, statements: Sequence[str]) -> list[list[Any]]:
    """Each statement run bare on ``raw``, with the rows it returns (none for a write)."""
    cursor = raw.cursor()
    try:
        rows = []
        for statement in statements:
            cursor.execute(statement)
            rows.append(cursor.fetchall() if cursor.description else [])
        return rows
    finally:
        cursor.close()


def raw_close(raw: Any) -> None:
    """Close a connection of ``raw_connection``; PostgreSQL's stays Django's own."""
    from django.db import connection

    if connection.vendor == "sqlite":
        raw.close()


def verdict(ratio: float, goal: float) -> str:
    return "MET" if ratio <= goal else "NOT MET"
