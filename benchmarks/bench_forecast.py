"""The forecast at full size: baselines for 60 000 motivated clients × 12 months, and a
manager's grid of 300 clients (server time of the page and of one cell save).

    python -m benchmarks.bench_forecast                 # SQLite in a scratch file
    DATABASE_URL=postgres://… python -m benchmarks.bench_forecast   # an empty database

Each client buys at its own rhythm over the three years up to the end of last month (about 10
documents each on average); the baselines are refitted as of that day. The grid is the year of
the first month a manager may still forecast (the forecasts' own lock rule says which), and the
cell saved is in that month: a saved amount, not a refusal. Each page is held to the very
statements it ran, replayed on the same connection with every row read: the goal is the page
within 3× of its SQL, printed as MET or NOT MET.
"""

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from decimal import Decimal

import numpy as np

GOAL = 3.0


def _company(*, clients: int, grid_clients: int, seed: int, as_of: dt.date) -> None:
    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientStatus
    from upsell.shipments.models import Shipment

    rng = np.random.default_rng(seed)
    owner = User.objects.create(username="grid-owner", role=Role.MANAGER, full_name="Grid Owner")
    others = User.objects.bulk_create(
        [User(username=f"m{n}", role=Role.MANAGER) for n in range(50)]
    )
    Client.objects.bulk_create(
        [
            Client(
                name=f"Клиент {n:06d}",
                manager=owner if n < grid_clients else others[n % len(others)],
                status=ClientStatus.REGULAR,
                plans_budget=n % 10 == 0,
                annual_budget=Decimal(500_000) if n % 10 == 0 else None,
                budget_year=as_of.year + 1 if n % 10 == 0 else None,
            )
            for n in range(clients)
        ],
        batch_size=5000,
    )
    ids = np.array(list(Client.objects.values_list("id", flat=True)), dtype=np.int64)
    start = as_of - dt.timedelta(days=3 * 365)
    shipments = []
    number = 0
    for client_id in ids:
        orders = int(rng.poisson(10)) + 1
        days = np.sort(rng.integers(0, 3 * 365, orders))
        for day in days:
            number += 1
            shipments.append(
                Shipment(
                    number=f"Р-{number:08d}",
                    date=start + dt.timedelta(days=int(day)),
                    client_id=int(client_id),
                    total=Decimal(int(rng.gamma(2.0, 20_000))),
                    content_hash=f"{number:032x}",
                )
            )
        if len(shipments) >= 20_000:
            Shipment.objects.bulk_create(shipments)
            shipments = []
    Shipment.objects.bulk_create(shipments)


def _replayed(statements: list[str]) -> None:
    """The statements a request ran, again on the same connection, every row read."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description is not None:
                cursor.fetchall()


def _statements(action) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return [
        query["sql"]
        for query in captured.captured_queries
        # The replay runs in one transaction of its own.
        if not query["sql"]
        .upper()
        .startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"))
    ]


def _held_to_sql(label: str, action, *, repeats: int) -> None:
    """The median of ``action`` against its statements replayed, interleaved, and the goal."""
    statements = _statements(action)
    page, sql = [], []
    for _ in range(repeats):
        page += _timed(action, repeats=1)
        sql += _timed(lambda: _replayed(statements), repeats=1)
    ratio = statistics.median(page) / statistics.median(sql)
    print(
        f"{label}: median {statistics.median(page) * 1000:.0f} ms, its {len(statements)} "
        f"statements replayed {statistics.median(sql) * 1000:.1f} ms, ratio {ratio:.2f} — "
        f"goal within {GOAL:.0f}x: {'MET' if ratio <= GOAL else 'NOT MET'}"
    )


def _timed(run, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=60_000)
    parser.add_argument("--grid-clients", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_forecast_") as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ.setdefault("UPSELL_DATA_DIR", directory)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client as HttpClient
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from upsell.accounts.models import User
        from upsell.clients.models import Client
        from upsell.forecasts.models import ForecastCell
        from upsell.reporting import forecasting

        setup_test_environment()
        call_command("migrate", verbosity=0)
        from django.utils import timezone

        from upsell.core.months import month_add, month_start
        from upsell.forecasts.locks import cell_editable, months_locked

        today = timezone.localdate()
        as_of = month_start(today) - dt.timedelta(days=1)
        started = time.perf_counter()
        _company(
            clients=options.clients,
            grid_clients=options.grid_clients,
            seed=options.seed,
            as_of=as_of,
        )
        print(f"company of {options.clients} clients in {time.perf_counter() - started:.1f} s")

        for label in ("first", "again"):
            started = time.perf_counter()
            refresh = forecasting.forecast_baselines_refresh(as_of=as_of)
            seconds = time.perf_counter() - started
            print(
                f"baseline refresh ({label}): {refresh.clients} clients × 12 months = "
                f"{refresh.cells} cells, model {refresh.model}, {seconds:.1f} s"
            )

        month = next(
            month
            for month in (month_add(month_start(today), n) for n in range(1, 4))
            if cell_editable(month=month, today=today, locked=month in months_locked([month]))
        )
        owner = User.objects.get(username="grid-owner")
        http = HttpClient()
        http.force_login(owner)
        grid_url = reverse("forecasts:grid") + f"?year={month.year}"
        response = http.get(grid_url)
        assert response.status_code == 200
        rows = len(response.context["grid"].rows)
        _held_to_sql(f"grid of {rows} clients", lambda: http.get(grid_url), repeats=7)

        client = Client.objects.filter(manager=owner).order_by("id").first()
        assert client is not None
        cell_url = reverse(
            "forecasts:cell", kwargs={"client_id": client.pk, "month": f"{month:%Y-%m}"}
        )
        amounts = iter(range(10_000, 10_000_000))

        def save() -> None:
            cell = ForecastCell.objects.filter(client=client, month=month).first()
            amount = next(amounts)
            done = http.post(
                cell_url,
                {
                    "amount": str(amount),
                    "confidence": "commit",
                    "comment": "",
                    "version": cell.version if cell is not None else 0,
                },
            )
            assert done.status_code == 200
            saved = ForecastCell.objects.get(client=client, month=month).amount
            assert saved == amount, f"the save of {month:%Y-%m} was refused"

        save()
        _held_to_sql(f"one cell save in {month:%Y-%m}", save, repeats=10)


if __name__ == "__main__":
    main()
