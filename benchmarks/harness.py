"""What the benchmarks share: each action's median time, their runs interleaved; valid ИНН;
a measurement run in a child process of its own on a fresh database."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

POSTGRES_SERVER = "host=127.0.0.1 user=postgres dbname=postgres"


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


def tax_ids(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct valid 10-digit ИНН of organisations."""
    bodies = 100_000_000 + rng.choice(900_000_000, size=count, replace=False)
    digits = np.array([[int(c) for c in f"{body:09d}"] for body in bodies])
    check = (digits @ np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return [f"{body:09d}{c}" for body, c in zip(bodies, check, strict=True)]


@contextmanager
def scratch_database(*, database: str, sqlite_path: Path, name: str) -> Iterator[str]:
    """The URL of a fresh database, dropped afterwards: SQLite in ``sqlite_path``, or a scratch
    PostgreSQL database ``name`` on 127.0.0.1 (user postgres)."""
    if database == "sqlite":
        sqlite_path.unlink(missing_ok=True)
        yield f"sqlite:///{sqlite_path}"
        return
    import psycopg

    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def child_measured(
    *,
    database: str,
    module: str,
    arguments: list[str],
    sqlite_path: Path,
    environment: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``python -m module --child *arguments`` on a fresh database — SQLite in
    ``sqlite_path``, or a scratch PostgreSQL database on 127.0.0.1 (user postgres) created and
    dropped here — and give the JSON object its last line of output prints."""
    env = {**(environment or {}), **os.environ, "DJANGO_SETTINGS_MODULE": "upsell.config.settings"}
    scratch = f"upsell_{module.rpartition('.')[2]}_{os.getpid()}"
    with scratch_database(database=database, sqlite_path=sqlite_path, name=scratch) as url:
        env["DATABASE_URL"] = url
        # The child is the benchmark's own module, with paths it made.
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", module, "--child", *arguments],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:
        raise SystemExit(f"{database} {' '.join(arguments)}: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
