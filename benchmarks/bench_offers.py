"""The nightly suggestions of what to offer, on the product's own path, against popularity's.

    python -m benchmarks.bench_offers                      # SQLite in a scratch file
    python -m benchmarks.bench_offers --clients 6000 --items 500
    DATABASE_URL=postgres://… python -m benchmarks.bench_offers   # an empty database

Two years of synthetic shipment lines of 60 000 clients and 5 000 products
(``upsell.analytics.recommend.simulate``) as the Arrow table the night reads from the database,
the clients and products stored so that the suggestions can refer to them. Timed cold, once
each, in the same run:

- night: ``reporting.offers.level_compute`` at the products' level — the lines coded, the
  time-split backtest of popularity, item-kNN and EASE (three λ), the choice, the refit on the
  whole history, every client's top 10 with reasons, and the rows stored in place of the last
  run's;
- popularity: the same path with popularity the only candidate.

The goal: the night within 5× popularity's time; it prints MET or NOT MET.
"""

import argparse
import datetime as dt
import os
import tempfile
import time

import numpy as np
import pyarrow as pa

SPEED_GOAL = 5.0
START = dt.date(2024, 1, 1)
AS_OF = dt.date(2025, 12, 31)


def build(*, clients: int, items: int) -> None:
    from django.core.management import call_command

    from upsell.clients.models import Client
    from upsell.products.models import Product

    call_command("migrate", verbosity=0)
    Client.objects.bulk_create(
        (Client(pk=n + 1, name=f'ООО "Клиент {n}"') for n in range(clients)), batch_size=5000
    )
    Product.objects.bulk_create(
        (
            Product(pk=n + 1, sku=f"P-{n:05d}", name=f"Товар {n}", group=f"Группа {n % 50}")
            for n in range(items)
        ),
        batch_size=5000,
    )


def shipment_lines(*, clients: int, items: int, clusters: int, seed: int) -> pa.Table:
    """The simulated lines in the columns of ``shipment_lines_snapshot``."""
    from upsell.analytics.recommend.simulate import lines_simulate

    table = lines_simulate(
        clients=clients,
        items=items,
        clusters=clusters,
        start=START,
        end=AS_OF,
        seed=seed,
        mean_basket=15.0,
        share_in_cluster=0.7,
    )
    product_id = pa.array(table.column("item").to_numpy() + 1, pa.int64())
    return pa.table(
        {
            "client_id": pa.array(table.column("customer").to_numpy() + 1, pa.int64()),
            "product_id": product_id,
            "group": pa.array(
                np.char.add("Группа ", ((product_id.to_numpy() - 1) % 50).astype(str)), pa.string()
            ),
            "date": table.column("date"),
            "quantity": table.column("quantity").cast(pa.float64()),
            "amount": table.column("amount"),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=60_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20190513)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_offers_") as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ.setdefault("UPSELL_DATA_DIR", directory)
        import django

        django.setup()
        from django.utils import timezone

        from upsell.offers.models import Suggestion, SuggestionLevel
        from upsell.reporting.offers import level_compute

        started = time.perf_counter()
        build(clients=options.clients, items=options.items)
        table = shipment_lines(
            clients=options.clients,
            items=options.items,
            clusters=options.clusters,
            seed=options.seed,
        )
        print(f"company built in {time.perf_counter() - started:.1f} s: {table.num_rows} lines "
              f"of {options.clients} clients and {options.items} products")  # fmt: skip

        started = time.perf_counter()
        night = level_compute(
            table=table, level=SuggestionLevel.PRODUCTS, as_of=AS_OF, computed_at=timezone.now()
        )
        night_seconds = time.perf_counter() - started
        stored = Suggestion.objects.filter(run=night).count()
        assert stored == night.suggestions, (stored, night.suggestions)
        for model, score in night.backtest.items():
            if score["eligible"]:
                print(f"  {model:<8} recall@10 {score['recall_at_k']:.4f}  "
                      f"nDCG@10 {score['ndcg_at_k']:.4f}  {score['params']}")  # fmt: skip
            else:
                print(f"  {model:<8} not scored: {score['reason']}")
        print(f"night                {night_seconds:.1f} s: model {night.model} {night.params}, "
              f"{night.suggestions} suggestions stored for {night.clients} clients")  # fmt: skip

        started = time.perf_counter()
        popular = level_compute(
            table=table,
            level=SuggestionLevel.PRODUCTS,
            as_of=AS_OF,
            computed_at=timezone.now(),
            models=("popular",),
        )
        popular_seconds = time.perf_counter() - started
        print(f"popularity           {popular_seconds:.1f} s: "
              f"{popular.suggestions} suggestions stored")  # fmt: skip

        ratio = night_seconds / popular_seconds
        verdict = "MET" if ratio <= SPEED_GOAL else "NOT MET"
        print(
            f"time ratio           {ratio:.1f}x popularity (goal <= {SPEED_GOAL:.0f}x) — {verdict}"
        )


if __name__ == "__main__":
    main()
