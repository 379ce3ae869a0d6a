"""Nightly what-to-offer suggestions: the chosen model against popularity on the same data.

Run as ``python -m benchmarks.bench_recommend``. Two years of synthetic sales lines of 60 000
clients and 5 000 products (``upsell.analytics.recommend.simulate``: skewed popularity, 50
client clusters, assortments from one product to a few hundred, returns) are split at a
calibration end three months before the last day. The backtest scores every model's top 10 on
the holdout and chooses one, as ``upsell recommend`` does; then the chosen model and
popularity are each fitted on everything and rank the top 10 of every client, timed in the
same run, with their peak memory (numpy's allocations, traced).

The goal: the chosen model's fit and top 10 of every client within 10× popularity's time and
in at most 2 GiB at its peak. ``--spark`` puts ALS on a local Spark session among the
candidates (a session takes about 7 s to start).
"""

import argparse
import datetime as dt
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from upsell.analytics.recommend.backtest import (
    model_choose,
    model_fit,
    models_backtest,
    recommendations_make,
    split_make,
)
from upsell.analytics.recommend.lines import Lines, bought, date_to_day
from upsell.analytics.recommend.models import MODEL_NAMES, ModelName
from upsell.analytics.recommend.ranking import Ranked
from upsell.analytics.recommend.simulate import lines_simulate

SPEED_GOAL = 10.0
MEMORY_GOAL = 2 * 1024**3
START = dt.date(2024, 1, 1)
CALIBRATION_END = dt.date(2025, 9, 30)
HOLDOUT_END = dt.date(2025, 12, 31)
K = 10


def _lines(*, clients: int, items: int, clusters: int, seed: int) -> Lines:
    table = lines_simulate(
        clients=clients,
        items=items,
        clusters=clusters,
        start=START,
        end=HOLDOUT_END,
        seed=seed,
        mean_basket=15.0,
        share_in_cluster=0.7,
    )
    client_ids, client_code = np.unique(table.column("customer").to_numpy(), return_inverse=True)
    item_ids, item_code = np.unique(table.column("item").to_numpy(), return_inverse=True)
    day = table.column("date").cast("int32").to_numpy().astype(np.int64)
    return Lines(
        clients=client_ids.astype(np.str_),
        items=item_ids.astype(np.str_),
        client_code=client_code.astype(np.int64),
        item_code=item_code.astype(np.int64),
        day=day,
        quantity=table.column("quantity").to_numpy().astype(np.float64),
        amount=table.column("amount").to_numpy(),
    )


def _measured(run: Callable[[], Ranked]) -> tuple[float, int, Ranked]:
    """Seconds and peak traced bytes of ``run``."""
    tracemalloc.start()
    started = time.perf_counter()
    ranked = run()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, ranked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=60_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20190513)
    parser.add_argument("--spark", action="store_true", help="put ALS among the candidates")
    args = parser.parse_args()

    started = time.perf_counter()
    lines = _lines(clients=args.clients, items=args.items, clusters=args.clusters, seed=args.seed)
    print(f"lines                {lines.day.size} of {lines.clients.size} clients "
          f"and {lines.items.size} items ({time.perf_counter() - started:.1f} s)")  # fmt: skip

    session: Any = None
    if args.spark:
        from upsell.analytics.engines import Engine, engine_connect

        session = engine_connect(engine=Engine.SPARK)
    spark = session.spark if session is not None else None
    models: tuple[ModelName, ...] = MODEL_NAMES if spark is not None else MODEL_NAMES[:-1]
    try:
        started = time.perf_counter()
        split = split_make(lines=lines, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END)
        scores = models_backtest(split=split, k=K, models=models, spark=spark)
        chosen = model_choose(scores=scores)
        print(f"backtest             {time.perf_counter() - started:.1f} s: "
              f"{split.scored.size} clients scored, {split.without_new_items} without a new "
              f"item, {split.new_in_holdout} new in the holdout")  # fmt: skip
        for score in scores:
            if score.eligible:
                print(f"  {score.model:<8} recall@{K} {score.recall:.4f}  nDCG@{K} "
                      f"{score.ndcg:.4f}  {score.params}")  # fmt: skip
            else:
                print(f"  {score.model:<8} not scored: {score.reason}")
        print(f"chosen               {chosen.model} {chosen.params}")

        matrix = bought(lines=lines, start=None, end=HOLDOUT_END)
        clients = np.unique(lines.client_code[lines.day <= date_to_day(HOLDOUT_END)])

        def suggest(model: ModelName, params: dict[str, float]) -> Callable[[], Ranked]:
            def run() -> Ranked:
                fitted = model_fit(model=model, matrix=matrix, params=params, spark=spark)
                return recommendations_make(fitted=fitted, matrix=matrix, clients=clients, k=K)

            return run

        base_seconds, base_peak, _ = _measured(suggest("popular", {}))
        seconds, peak, ranked = _measured(suggest(chosen.model, chosen.params))
    finally:
        if session is not None:
            session.close()

    ratio = seconds / base_seconds
    print(f"popularity           {base_seconds:.1f} s, peak {base_peak / 1024**2:.0f} MiB")
    print(f"{chosen.model:<20} {seconds:.1f} s, peak {peak / 1024**2:.0f} MiB, "
          f"{ranked.client_code.size} suggestions for {np.unique(ranked.client_code).size} "
          "clients")  # fmt: skip
    print(f"time ratio           {ratio:.1f}x popularity (goal <= {SPEED_GOAL:.0f}x)")
    print(
        f"peak memory          {peak / 1024**3:.2f} GiB (goal <= {MEMORY_GOAL / 1024**3:.0f} GiB)"
    )
    met = ratio <= SPEED_GOAL and peak <= MEMORY_GOAL
    print("goal MET" if met else "goal NOT MET")


if __name__ == "__main__":
    main()
