"""A real task worker, ``upsell db_worker``, run in its own process against the test database,
and ways to catch it in the middle of its work."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection, transaction

import upsell

PROJECT = Path(upsell.__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


# The site's language a worker started here runs in: what it writes, it writes in Russian.
WORKER_LANGUAGE = "ru"


def worker_environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SETTINGS_MODULE": "upsell.config.settings",
        "DATABASE_URL": database_url(),
        "UPSELL_DATA_DIR": str(data_dir),
        "SECRET_KEY": "worker-test",
        "LANGUAGE_CODE": WORKER_LANGUAGE,
    }


def worker_arguments(*extra: str) -> list[str]:
    return [
        sys.executable, "-m", "upsell", "db_worker",
        "--no-startup-delay", "--interval", "0.05", *extra,
    ]  # fmt: skip


@contextmanager
def worker_started(data_dir: Path, *, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A worker running until the block ends; killed then if it still runs."""
    with log.open("wb") as output:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            worker_arguments(),
            env=worker_environment(data_dir),
            cwd=data_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)


def worker_batch(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """A worker that does what is waiting, then stops."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        worker_arguments("--batch"),
        env=worker_environment(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def killed(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=30) == -signal.SIGKILL


def wait_until(
    predicate: Callable[[], bool], *, what: str, worker: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 120
    while not predicate():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"never {what}; the worker said:\n{log.read_text()}")
        time.sleep(0.02)


@contextmanager
def writes_held(table: str) -> Iterator[None]:
    """Hold back every write to ``table`` until the block ends (on SQLite, every write: its
    lock is the whole database's). A worker that writes there meanwhile waits, mid-task."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        # SQLite: the transaction began IMMEDIATE (the project's transaction mode), which
        # takes the write lock at once.
        yield
