"""The demo company under load: 20 people at once on the production server (SQLite, PostgreSQL).

    python -m benchmarks.bench_load                        # 20 users, 60 s, on both databases
    python -m benchmarks.bench_load --users 10 --seconds 20 --databases sqlite

For each database it builds the demo company cold through the commands an installation uses
(``migrate``, ``demodata``, ``import`` of each file, ``audit``, the open orders, the forecast
backfill and the forecast, ``collectstatic``) into a temporary data folder, then starts what
production runs: gunicorn with DEBUG off on a free loopback port, and the task worker beside it.
Locust then plays two loads of the same number of users, each pausing 1 to 3 s between clicks
(``benchmarks/locustfile_load.py``):

- floor: anonymous visitors opening the login page — the server's own cost of a page (the
  middleware, a session, a template) under this load;
- staff: every persona at work — the head of sales, managers saving forecast cells through the
  grid's editor, an assistant, top management, and integrations reading the REST API with a
  token — each logged in once through the login form.

It prints p50/p95/p99, requests per second and errors, overall and per page, and the staff's
p95 against the floor's. The goal: the staff's p95 under 300 ms with no errors, on each
database. Every process it starts is stopped and its data removed, whatever happens.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy
import psycopg

GOAL_P95_MS = 300.0
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/upsell_load"
DEMO_FILES = ("staff.csv", "products.xlsx", "clients.csv", "shipments.csv", "payments.csv")
DEMO_ORDERS = "orders.csv"
STAFF = ("HeadOfSales", "Manager", "Assistant", "TopManagement", "ApiClient")
FLOOR = ("LoginPageVisitor",)
LOGIN_PAGES = ("login page", "log in")
# How long the staff's run may take to log everyone in before its measured window begins.
LOGIN_ALLOWANCE = 30
LOCUSTFILE = Path(__file__).with_name("locustfile_load.py")
# The demo's logins by role, and a token for the head of sales and for a manager.
LOGINS_SCRIPT = """
import json
from upsell.accounts.demo import DEMO_PASSWORD, demo_logins_prepare
from upsell.accounts.models import Role, User
from upsell.accounts.tokens import api_token_create
logins = {role.value: [] for role in Role}
for login in demo_logins_prepare():
    user = User.objects.get(username=login.username)
    logins[user.role].append(user.username)
tokens = [
    api_token_create(user=User.objects.get(username=logins[role][0]), name="load")[1]
    for role in (Role.HEAD_OF_SALES, Role.MANAGER)
]
print(json.dumps({**logins, "tokens": tokens, "password": DEMO_PASSWORD}))
"""


@dataclass(frozen=True, kw_only=True)
class Request:
    """One request as locust saw it end: when it started (s), its page, its time, its error."""

    start: float
    name: str
    ms: float
    error: str

    @property
    def end(self) -> float:
        return self.start + self.ms / 1000


@dataclass(frozen=True, kw_only=True)
class Figures:
    """The response times of a page, or of all of them, over a window of the load."""

    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    per_second: float

    @classmethod
    def of(cls, name: str, requests: list[Request], *, seconds: float) -> "Figures":
        p50, p95, p99 = numpy.percentile([request.ms for request in requests], (50, 95, 99))
        return cls(
            name=name,
            requests=len(requests),
            failures=sum(1 for request in requests if request.error),
            p50=float(p50),
            p95=float(p95),
            p99=float(p99),
            per_second=len(requests) / seconds,
        )

    def line(self) -> str:
        return (
            f"  {self.name:<28} {self.requests:6d} req {self.per_second:6.1f}/s   "
            f"p50 {self.p50:5.0f}  p95 {self.p95:5.0f}  p99 {self.p99:5.0f} ms   "
            f"errors {self.failures}"
        )


@dataclass(frozen=True, kw_only=True)
class Load:
    """A load's figures over its measured window, slowest page first."""

    overall: Figures
    pages: list[Figures]
    seconds: float

    @classmethod
    def of(cls, requests: list[Request], *, start: float, seconds: float) -> "Load":
        # Every request begun in the window, however long it then took: the slow ones at its
        # end are the load's too.
        measured = [r for r in requests if start <= r.start < start + seconds]
        seconds = min(seconds, max(r.start for r in measured) - start)
        names = sorted({request.name for request in measured})
        pages = [
            Figures.of(name, [r for r in measured if r.name == name], seconds=seconds)
            for name in names
        ]
        return cls(
            overall=Figures.of("all", measured, seconds=seconds),
            pages=sorted(pages, key=lambda page: -page.p95),
            seconds=seconds,
        )


class Installation:
    """A demo company in a temporary data folder, on one database, and the commands on it."""

    def __init__(self, *, directory: Path, database_url: str) -> None:
        self.directory = directory
        self.env = {
            **os.environ,
            "UPSELL_DATA_DIR": str(directory),
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Building the demo tells every person of their new clients by e-mail: not here.
            "MAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }

    def run(self, *arguments: str) -> str:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "upsell", *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"upsell {arguments[0]} failed:\n{result.stdout}{result.stderr}")
        files = (Path(argument).name for argument in arguments if "/" in argument)
        label = " ".join([arguments[0], *files])
        print(f"    {label:<40.40} {time.perf_counter() - started:6.1f} s", flush=True)
        return result.stdout

    def build(self) -> dict[str, object]:
        demo = self.directory / "demo"
        self.run("migrate", "--no-input", "-v", "0")
        self.run("demodata", "--out", str(demo))
        self.run("import", "-v", "0", *(str(demo / name) for name in DEMO_FILES))
        self.run("audit")
        self.run("import", str(demo / DEMO_ORDERS))
        self.run("forecast_backfill", "--months", "6")
        self.run("forecast")
        self.run("collectstatic", "--no-input", "-v", "0")
        logins: dict[str, object] = json.loads(
            self.run("shell", "--no-imports", "-c", LOGINS_SCRIPT)
        )
        return logins

    def start(self, arguments: list[str], log: str) -> subprocess.Popen[bytes]:
        with open(self.directory / log, "wb") as output:
            return subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
                arguments,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own process group: stopping it stops the workers it forked too.
                start_new_session=True,
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started here and everything it forked, politely first."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_ready(url: str, *, processes: list[subprocess.Popen[bytes]]) -> None:
    """Until the server answers and the worker's heartbeat is seen by its health check."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                health = json.load(response)
        except urllib.error.HTTPError as error:
            health = json.load(error)
        except OSError:
            time.sleep(0.5)
            continue
        if health.get("checks", {}).get("worker", {}).get("ok"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready within 60 s")


@contextmanager
def serving(installation: Installation, *, workers: int) -> Iterator[str]:
    """The production server (`upsell serve`: gunicorn) and the task worker on the
    installation, stopped whatever happens."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(installation.start([str(bin_dir / "upsell"), "db_worker"], "worker.log"))
        processes.append(
            installation.start(
                [
                    str(bin_dir / "upsell"),
                    "serve",
                    "--",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                ],
                "gunicorn.log",
            )
        )
        wait_until_ready(url, processes=processes)
        yield url
    finally:
        for process in reversed(processes):
            stop(process)


def locust_run(
    url: str, *, users: list[str], count: int, seconds: int, logins: dict[str, object], out: Path
) -> list[Request]:
    """Run locust headless against ``url``; every request it made."""
    record = out / f"{users[0]}.jsonl"
    result = subprocess.run(  # noqa: S603 - locust of this environment, fixed arguments
        [
            str(Path(sys.executable).parent / "locust"),
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(count),
            "--spawn-rate",
            str(count),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "WARNING",
            # Errors are counted here; locust's own exit code would only say there were some.
            "--exit-code-on-error",
            "0",
            *users,
        ],
        env={
            **os.environ,
            "UPSELL_LOAD_LOGINS": json.dumps(logins),
            "UPSELL_LOAD_RECORD": str(record),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not record.exists():
        raise RuntimeError(f"locust failed ({result.returncode}):\n{result.stderr[-3000:]}")
    with record.open(encoding="utf-8") as lines:
        return [
            Request(start=start, name=name, ms=ms, error=error)
            for start, name, ms, error in map(json.loads, lines)
        ]


def postgres_recreate(url: str, *, create: bool) -> None:
    """Drop the benchmark's database, and make it afresh when ``create``."""
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def measure(database: str, database_url: str | None, options: argparse.Namespace) -> None:
    """Build, serve and load one installation; ``database_url`` None: SQLite in its folder."""
    print(f"{database}: building the demo company", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"bench_load_{database}_") as directory:
        database_url = database_url or f"sqlite:///{directory}/upsell.sqlite3"
        installation = Installation(directory=Path(directory), database_url=database_url)
        started = time.perf_counter()
        logins = installation.build()
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
        with serving(installation, workers=options.workers) as url:
            print(
                f"  gunicorn ({options.workers} workers, DEBUG off) and the task worker at {url}; "
                f"{options.users} users, {options.floor_seconds} s floor, "
                f"{options.seconds} s staff",
                flush=True,
            )
            floor_requests = locust_run(
                url,
                users=list(FLOOR),
                count=options.users,
                seconds=options.floor_seconds,
                logins=logins,
                out=Path(directory),
            )
            staff_requests = locust_run(
                url,
                users=list(STAFF),
                count=options.users,
                seconds=LOGIN_ALLOWANCE + options.seconds,
                logins=logins,
                out=Path(directory),
            )
    report(database, floor_requests, staff_requests, seconds=options.seconds)


def report(
    database: str, floor_requests: list[Request], staff_requests: list[Request], *, seconds: int
) -> None:
    """The floor, the logins, the staff's pages once everyone is in; the goal met or not."""
    floor_start = min(request.start for request in floor_requests)
    floor = Load.of(floor_requests, start=floor_start, seconds=float("inf"))
    logging_in = [request for request in staff_requests if request.name in LOGIN_PAGES]
    began = min(request.start for request in staff_requests)
    # Everyone logs in at once: 1.5 million rounds of PBKDF2 each, a burst no working day
    # repeats. The staff's figures are taken from the moment the last person is in.
    everyone_in = max((request.end for request in logging_in), default=began)
    staff = Load.of(staff_requests, start=everyone_in, seconds=seconds)
    print(f"{database}: floor, the login page to anonymous visitors, {floor.seconds:.0f} s")
    print(floor.overall.line())
    if logging_in:
        print(
            f"{database}: logging in, each person once, all at the start "
            f"(everyone in after {everyone_in - began:.1f} s)"
        )
        print(Figures.of("login form and log in", logging_in, seconds=everyone_in - began).line())
    print(f"{database}: staff at work for {staff.seconds:.0f} s, by page (slowest p95 first)")
    for page in staff.pages:
        print(page.line())
    print(staff.overall.line())
    every_error = Counter(
        f"{request.name}: {request.error}"
        for request in [*floor_requests, *staff_requests]
        if request.error
    )
    for error, count in every_error.most_common(10):
        print(f"  error: {count} × {error}")
    errors = every_error.total()
    met = staff.overall.p95 < GOAL_P95_MS and errors == 0
    print(
        f"{database}: p95 {staff.overall.p95:.0f} ms, "
        f"{staff.overall.p95 / floor.overall.p95:.1f}× the floor's "
        f"{floor.overall.p95:.0f} ms; {staff.overall.per_second:.1f} requests/s; "
        f"{errors} errors in the whole run — goal p95 < {GOAL_P95_MS:.0f} ms with 0 errors: "
        f"{'MET' if met else 'NOT MET'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--floor-seconds", type=int, default=20)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn's workers; by default its own advice, 2 × cores + 1",
    )
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    options = parser.parse_args()
    for database in options.databases:
        if database == "sqlite":
            measure(database, None, options)
        else:
            postgres_recreate(options.postgres_url, create=True)
            try:
                measure(database, options.postgres_url, options)
            finally:
                postgres_recreate(options.postgres_url, create=False)


if __name__ == "__main__":
    main()
