"""Benchmark of the sales programs' nightly progress against a bare DuckDB aggregate.

    python -m benchmarks.bench_programs                   # 1 000 000 clients, ~8 000 000 orders
    python -m benchmarks.bench_programs --clients 100000  # a smaller company, as many per client

The company is `bench_audit`'s synthetic distributor. Five programs run over the calendar year:
a retro bonus, a cumulative discount, a volume discount, a credit line and a client return
(from April, members joining in April to June). Every client is a member of one of them, and a
fifth of the others also hold the credit line; each member has a forecast for the rest of the
year from its own average month. The floor is what no computation of progress can beat: one
hand-written DuckDB query that sums each member's orders in its period and finds the tier the
sum reaches, on a session with the same settings and threads. The goal is a cold
`program_progress` (compiling its SQL) within 3× of the floor's best of 3.
"""

import argparse
import datetime as dt
import gc
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from benchmarks.bench_audit import company_generate, timed
from upsell.analytics.arrow import EPOCH, cents_from_money, money_from_cents
from upsell.analytics.contracts import MONEY
from upsell.analytics.engines import Engine, engine_connect
from upsell.analytics.programs import ProgramKind, program_progress
from upsell.analytics.programs.contracts import (
    FORECAST_SCHEMA,
    MEMBERS_SCHEMA,
    TIERS_SCHEMA,
)

AS_OF = dt.date(2025, 9, 15)
YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
RETURN_START = dt.date(2025, 4, 1)
ORDERS_PER_CLIENT = 8
GOAL_RATIO = 3.0
REPEATS = 3
REACH_SHARE = Decimal("0.2")

# program id → kind and its tiers (threshold in roubles, rate in percent).
PROGRAMS: dict[int, tuple[ProgramKind, list[tuple[int, str]]]] = {
    1: (ProgramKind.RETRO_BONUS, [(100_000, "1.00"), (500_000, "2.00"), (2_000_000, "3.00")]),
    2: (ProgramKind.CUMULATIVE_DISCOUNT, [(0, "0.50"), (200_000, "1.00"), (1_000_000, "1.50")]),
    3: (ProgramKind.VOLUME_DISCOUNT, [(30_000, "1.00"), (100_000, "2.50"), (300_000, "4.00")]),
    4: (ProgramKind.CREDIT_LINE, []),
    5: (ProgramKind.CLIENT_RETURN, []),
}
CREDIT_LINE, CLIENT_RETURN = 4, 5


def _days(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int32), pa.int32()).cast(pa.date32())


def _day(day: dt.date) -> int:
    return (day - EPOCH).days


def _money(cents: np.ndarray) -> pa.Array:
    return money_from_cents(column=pa.array(cents, pa.int64()), money_type=MONEY)


def programs_generate(
    *, clients: int, documents: int, seed: int = 3, as_of: dt.date = AS_OF
) -> dict[str, pa.Table]:
    """Members, tiers, orders, payments and forecast of a synthetic company in five programs."""
    orders, _, payments = company_generate(
        clients=clients, documents=documents, seed=seed, as_of=as_of
    )
    # The audit's company ships in kopecks what a program's client ships in roubles.
    orders, payments = (
        table.set_column(
            table.schema.get_field_index("amount"),
            "amount",
            _money(cents_from_money(column=table.column("amount")).to_numpy() * 100),
        ).cast(table.schema)
        for table in (orders, payments)
    )
    rng = np.random.default_rng(seed)
    ids = np.arange(1, clients + 1, dtype=np.int64)
    program = rng.integers(1, len(PROGRAMS) + 1, clients)
    also_credit = (program != CREDIT_LINE) & (rng.random(clients) < 0.2)
    member_client = np.concatenate([ids, ids[also_credit]])
    member_program = np.concatenate([program, np.full(also_credit.sum(), CREDIT_LINE)])
    count = member_client.size
    returning = member_program == CLIENT_RETURN
    start = np.where(returning, _day(RETURN_START), _day(YEAR_START))
    joined = start + np.where(returning, rng.integers(0, 91, count), 0)
    credit = member_program == CREDIT_LINE
    limit = _money(rng.integers(50_000, 2_000_000, count) * 100)
    kinds = np.array([PROGRAMS[number][0].value for number in sorted(PROGRAMS)])
    members = pa.table(
        {
            "program_id": member_program.astype(np.int64),
            "client_id": member_client,
            "kind": pa.array(kinds[member_program - 1]),
            "period_start": _days(start),
            "period_end": _days(np.full(count, _day(YEAR_END))),
            "joined": _days(joined),
            "credit_limit": pc.if_else(pa.array(credit), limit, pa.nulls(count, MONEY)),
            "payment_delay_days": pa.array(rng.integers(14, 61, count), pa.int32()),
        },
        schema=MEMBERS_SCHEMA,
    )
    tiers = pa.Table.from_pylist(
        [
            {"program_id": number, "threshold": Decimal(threshold), "rate": Decimal(rate)}
            for number, (_, rows) in PROGRAMS.items()
            for threshold, rate in rows
        ],
        schema=TIERS_SCHEMA,
    )
    return {
        "members": members,
        "tiers": tiers,
        "orders": orders,
        "payments": payments,
        "forecast": forecast_generate(orders=orders, clients=clients, rng=rng, as_of=as_of),
    }


def forecast_generate(
    *, orders: pa.Table, clients: int, rng: np.random.Generator, as_of: dt.date
) -> pa.Table:
    """Each client's average month of the last year, give or take a third, for every month
    from D's to December."""
    days = orders.column("date").cast(pa.int32()).to_numpy()
    recent = days > _day(as_of) - 365
    owner = orders.column("client_id").to_numpy()[recent] - 1
    cents = cents_from_money(column=orders.column("amount")).to_numpy()[recent]
    monthly = np.maximum(np.bincount(owner, weights=cents, minlength=clients) / 12, 0)
    months = [dt.date(as_of.year, month, 1) for month in range(as_of.month, 13)]
    amount = np.concatenate(
        [np.round(monthly * rng.uniform(0.67, 1.33, clients)) for _ in months]
    ).astype(np.int64)
    return pa.table(
        {
            "client_id": np.tile(np.arange(1, clients + 1, dtype=np.int64), len(months)),
            "month": _days(np.repeat([_day(month) for month in months], clients)),
            "amount": _money(amount),
        },
        schema=FORECAST_SCHEMA,
    )


FLOOR_SQL = """
WITH purchases AS (
    SELECT m.program_id, m.client_id, SUM(o.amount) AS purchased
    FROM bench_members AS m
    JOIN bench_orders AS o
      ON o.client_id = m.client_id
     AND o.date BETWEEN m.period_start AND LEAST(m.period_end, DATE '{as_of}')
    GROUP BY m.program_id, m.client_id
)
SELECT p.program_id, p.client_id, p.purchased, MAX(t.threshold) AS tier_threshold
FROM purchases AS p
LEFT JOIN bench_tiers AS t ON t.program_id = p.program_id AND t.threshold <= p.purchased
GROUP BY p.program_id, p.client_id, p.purchased
"""


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds and the process's CPU seconds (every thread's) of one run. On a
    machine others share, the CPU seconds tell the work done when the wall clock waits."""

    wall: float
    cpu: float


def measured(label: str, action: Callable[[], Any]) -> tuple[Timing, Any]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    timing = Timing(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)
    print(f"{label:<58} {timing.wall:8.2f} s wall {timing.cpu:8.2f} s CPU")
    return timing, result


def best(timings: list[Timing]) -> Timing:
    return Timing(wall=min(t.wall for t in timings), cpu=min(t.cpu for t in timings))


def floor_timing(*, company: dict[str, pa.Table]) -> Timing:
    """The best of 3 runs of the bare aggregate on a DuckDB session like the engine's."""
    session = engine_connect(engine=Engine.DUCKDB)
    connection: Any = session.backend.con
    try:
        for name in ("members", "orders", "tiers"):
            connection.register(f"bench_{name}", company[name])
        sql = FLOOR_SQL.format(as_of=AS_OF.isoformat())
        return best(
            [
                measured(
                    f"floor: bare DuckDB aggregate, run {run}",
                    lambda: connection.sql(sql).to_arrow_table(),
                )[0]
                for run in range(1, REPEATS + 1)
            ]
        )
    finally:
        session.close()


def progress_timings(*, company: dict[str, pa.Table]) -> tuple[Timing, Timing, pa.Table]:
    """The cold run (a new session, compiling the SQL) and the best of the warm runs."""
    session = engine_connect(engine=Engine.DUCKDB)

    def run() -> pa.Table:
        return program_progress(
            session=session,
            as_of=AS_OF,
            members=company["members"],
            tiers=company["tiers"],
            orders=company["orders"],
            payments=company["payments"],
            forecast=company["forecast"],
            reach_share=REACH_SHARE,
        )

    try:
        cold, result = measured("duckdb: program_progress, first run (compiles the SQL)", run)
        warm = best(
            [
                measured(f"duckdb: program_progress, warm run {number}", run)[0]
                for number in range(2, REPEATS + 1)
            ]
        )
    finally:
        session.close()
    return cold, warm, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    arguments = parser.parse_args()
    _, company = timed(
        "generate the company and its programs (numpy)",
        lambda: programs_generate(
            clients=arguments.clients, documents=arguments.clients * ORDERS_PER_CLIENT
        ),
    )
    print(
        f"{company['orders'].num_rows} documents, {company['payments'].num_rows} payments, "
        f"{company['members'].num_rows} members, {company['forecast'].num_rows} forecast months"
    )
    floor = floor_timing(company=company)
    cold, warm, result = progress_timings(company=company)
    reached = result.filter(result.column("tier_threshold").is_valid()).num_rows
    reach = result.filter(result.column("within_reach")).num_rows
    print(f"duckdb: {result.num_rows} members, {reached} in a tier, {reach} within reach")
    print(f"floor, best of {REPEATS}: {floor.wall:.2f} s wall, {floor.cpu:.2f} s CPU")
    runs = (
        ("program_progress cold", cold),
        (f"program_progress warm, best of {REPEATS - 1}", warm),
    )
    for label, timing in runs:
        print(
            f"{label}: {timing.wall:.2f} s wall ({timing.wall / floor.wall:.2f}x the floor), "
            f"{timing.cpu:.2f} s CPU ({timing.cpu / floor.cpu:.2f}x)"
        )
    verdict = "MET" if cold.wall / floor.wall <= GOAL_RATIO else "NOT MET"
    print(f"goal: cold program_progress within {GOAL_RATIO:.0f}x the floor (wall): {verdict}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory of the process (max RSS): {peak:.2f} GiB")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"whole run: {time.perf_counter() - started:.0f} s")
