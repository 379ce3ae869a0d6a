"""The forecast at full size: baselines for 60 000 motivated clients × 12 months, and a
manager's grid of 300 clients (server time of the page and of one cell save).

    python -m benchmarks.bench_forecast                 # SQLite in a scratch file
    DATABASE_URL=postgres://… python -m benchmarks.bench_forecast   # an empty database

Each client buys at its own rhythm over three years (about 10 documents each on average).
"""

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from decimal import Decimal

import numpy as np

AS_OF = dt.date(2025, 12, 31)


def _company(*, clients: int, grid_clients: int, seed: int) -> None:
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
                budget_year=2026 if n % 10 == 0 else None,
            )
            for n in range(clients)
        ],
        batch_size=5000,
    )
    ids = np.array(list(Client.objects.values_list("id", flat=True)), dtype=np.int64)
    start = AS_OF - dt.timedelta(days=3 * 365)
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
        started = time.perf_counter()
        _company(clients=options.clients, grid_clients=options.grid_clients, seed=options.seed)
        print(f"company of {options.clients} clients in {time.perf_counter() - started:.1f} s")

        for label in ("first", "again"):
            started = time.perf_counter()
            refresh = forecasting.forecast_baselines_refresh(as_of=AS_OF)
            seconds = time.perf_counter() - started
            print(
                f"baseline refresh ({label}): {refresh.clients} clients × 12 months = "
                f"{refresh.cells} cells, model {refresh.model}, {seconds:.1f} s"
            )

        owner = User.objects.get(username="grid-owner")
        http = HttpClient()
        http.force_login(owner)
        grid_url = reverse("forecasts:grid") + "?year=2026"
        page = _timed(lambda: http.get(grid_url), repeats=5)
        response = http.get(grid_url)
        assert response.status_code == 200
        rows = len(response.context["grid"].rows)
        print(f"grid of {rows} clients: median {statistics.median(page) * 1000:.0f} ms")

        client = Client.objects.filter(manager=owner).order_by("id").first()
        assert client is not None
        cell_url = reverse("forecasts:cell", kwargs={"client_id": client.pk, "month": "2026-03"})

        def save() -> None:
            version = ForecastCell.objects.get(client=client, month=dt.date(2026, 3, 1)).version
            done = http.post(
                cell_url,
                {"amount": "12345", "confidence": "commit", "comment": "", "version": version},
            )
            assert done.status_code == 200

        saves = _timed(save, repeats=10)
        print(f"one cell save: median {statistics.median(saves) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
