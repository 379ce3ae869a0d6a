"""Benchmark of the client audit against lifetimes' RFM summary on the same synthetic rows.

    python -m benchmarks.bench_audit                  # 1 000 000 documents, DuckDB and Spark
    python -m benchmarks.bench_audit --no-spark       # DuckDB only
    python -m benchmarks.bench_audit --big            # 20 000 000 lines, 1 000 000 clients

It also sets the nightly audit's month-end history appended (the next month's one new month
end) against the history rebuilt (every month end since the first document).

The synthetic company is a B2B distributor: client sizes follow a Pareto law, each client buys
at its own rhythm (weekly to quarterly) with gamma-distributed gaps, some clients churn, some
start late, some pause for months and come back; about 1 % of documents are returned in full
and 1 % in part; most shipments are paid around their due date, some late.
"""

import argparse
import datetime as dt
import gc
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lifetimes.utils import summary_data_from_transaction_data

from upsell.analytics.arrow import EPOCH, cents_from_money, money_from_cents
from upsell.analytics.audit import audit_clients, audit_history
from upsell.analytics.contracts import CLIENTS_SCHEMA, MONEY, ORDERS_SCHEMA, PAYMENTS_SCHEMA
from upsell.analytics.engines import Engine, engine_connect
from upsell.analytics.settings import AuditSettings
from upsell.reporting.history import documents_fingerprint

AS_OF = dt.date(2025, 12, 31)
HISTORY_DAYS = 4 * 365
PAYMENT_TERMS_DAYS = 30


def _money(cents: np.ndarray) -> pa.Array:
    return money_from_cents(column=pa.array(cents, pa.int64()), money_type=MONEY)


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.int32()).cast(pa.date32())


def company_generate(
    *, clients: int, documents: int, seed: int = 7, as_of: dt.date = AS_OF
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Orders, clients and payments of a synthetic company, about `documents` shipment rows."""
    rng = np.random.default_rng(seed)
    end = (as_of - EPOCH).days
    begin = end - HISTORY_DAYS
    ids = np.arange(1, clients + 1, dtype=np.int64)
    size = rng.pareto(1.2, clients) + 1.0
    interval = np.exp(rng.uniform(np.log(7), np.log(180), clients))
    start = begin + (rng.beta(0.8, 1.0, clients) * HISTORY_DAYS).astype(np.int64)
    # A quarter of the clients stop buying at some point; the rest buy to the end.
    churned = rng.random(clients) < 0.25
    stop = np.where(churned, start + rng.uniform(0, 1, clients) * (end - start), end)
    span = np.maximum(stop - start, 1)
    # Stretch or shrink every rhythm alike so that the company has about `documents` rows.
    interval *= (span / interval + 1).sum() / documents
    counts = rng.poisson(span / interval) + 1
    owner = np.repeat(np.arange(clients), counts)
    gaps = rng.gamma(2.0, interval[owner] / 2.0)
    first_of_client = np.repeat(np.cumsum(counts) - counts, counts)
    gaps[np.arange(owner.size) == first_of_client] = 0
    # A tenth of the clients pause once for half a year to a year and come back.
    pausing = rng.random(clients) < 0.1
    pause_at = np.repeat(rng.integers(1, 1 << 30, clients) % counts, counts)
    position = np.arange(owner.size) - first_of_client
    gaps += np.where(pausing[owner] & (position == pause_at), rng.uniform(180, 365), 0)
    cumulative = np.cumsum(gaps)
    day = start[owner] + (cumulative - cumulative[first_of_client]).astype(np.int64)
    keep = day <= end
    owner, day = owner[keep], day[keep]
    amount = np.round(size[owner] * rng.lognormal(10.0, 0.6, owner.size), 0).astype(np.int64)
    amount = np.maximum(amount, 100)
    order_ids = np.arange(1, owner.size + 1, dtype=np.int64)

    roll = rng.random(owner.size)
    full_return = roll < 0.01
    partial_return = (roll >= 0.01) & (roll < 0.02)
    returned = full_return | partial_return
    return_amount = np.where(full_return, amount, (amount * rng.uniform(0.1, 0.5, owner.size)))
    return_day = np.minimum(day + rng.integers(0, 21, owner.size), end)
    order_client = np.concatenate([ids[owner], ids[owner[returned]]])
    orders = pa.table(
        {
            "client_id": order_client,
            "order_id": np.concatenate(
                [order_ids, owner.size + np.arange(1, returned.sum() + 1, dtype=np.int64)]
            ),
            "date": _dates(np.concatenate([day, return_day[returned]])),
            "amount": _money(np.concatenate([amount, -return_amount[returned].astype(np.int64)])),
        },
        schema=ORDERS_SCHEMA,
    )

    paid = rng.random(owner.size) < 0.8
    lateness = np.repeat(rng.exponential(6.0, clients), counts)[keep]
    pay_day = day + PAYMENT_TERMS_DAYS + rng.normal(0, 3, owner.size) + lateness
    pay_day = pay_day.astype(np.int64)
    settled = paid & (pay_day <= end)
    payments = pa.table(
        {
            "client_id": ids[owner[settled]],
            "date": _dates(pay_day[settled]),
            "amount": _money(amount[settled]),
            "due_date": _dates(day[settled] + PAYMENT_TERMS_DAYS),
        },
        schema=PAYMENTS_SCHEMA,
    )

    plans = rng.random(clients) < 0.1
    yearly = np.bincount(owner, weights=amount, minlength=clients) / (HISTORY_DAYS / 365)
    budget = np.where(plans, (yearly * rng.uniform(1.2, 3.0, clients)).astype(np.int64), 0)
    client_rows = pa.table(
        {
            "client_id": ids,
            "is_partner": rng.random(clients) < 0.02,
            "plans_budget": plans,
            "annual_budget": pc.if_else(pa.array(plans), _money(budget), pa.nulls(clients, MONEY)),
            "budget_year": pc.if_else(
                pa.array(plans),
                pa.array(np.full(clients, as_of.year, dtype=np.int32)),
                pa.scalar(None, pa.int32()),
            ),
        },
        schema=CLIENTS_SCHEMA,
    )
    return orders, client_rows, payments


def lines_to_documents(*, lines: pa.Table) -> pa.Table:
    """Shipment lines summed into documents, as the export from the ERP is read."""
    documents = lines.group_by(["order_id", "client_id", "date"], use_threads=True).aggregate(
        [("cents", "sum")]
    )
    return pa.table(
        {
            "client_id": documents.column("client_id"),
            "order_id": documents.column("order_id"),
            "date": documents.column("date"),
            "amount": money_from_cents(column=documents.column("cents_sum"), money_type=MONEY),
        },
        schema=ORDERS_SCHEMA,
    )


def company_lines_generate(
    *, clients: int, lines: int, seed: int = 11
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Shipment lines (about six a document) of a synthetic company, with its clients and
    payments; the lines carry kopecks in `cents`."""
    documents, client_rows, payments = company_generate(
        clients=clients, documents=lines // 6, seed=seed
    )
    rng = np.random.default_rng(seed)
    per_document = 1 + rng.poisson(5, documents.num_rows)
    cents = cents_of(documents)
    document_of_line = np.repeat(np.arange(documents.num_rows), per_document)
    share = rng.random(document_of_line.size)
    share /= np.bincount(document_of_line, weights=share)[document_of_line]
    line_cents = np.floor(cents[document_of_line] * share).astype(np.int64)
    return (
        pa.table(
            {
                "order_id": documents.column("order_id").take(document_of_line),
                "client_id": documents.column("client_id").take(document_of_line),
                "date": documents.column("date").take(document_of_line),
                "cents": line_cents,
            }
        ),
        client_rows,
        payments,
    )


def cents_of(orders: pa.Table) -> np.ndarray:
    cents: np.ndarray = cents_from_money(column=orders.column("amount")).to_numpy()
    return cents


def timed(label: str, action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed:8.2f} s")
    return elapsed, result


def lifetimes_summary(orders: pa.Table) -> tuple[float, float]:
    """Seconds to bring the rows to pandas, and seconds of lifetimes' summary itself."""

    def frame() -> Any:
        data = orders.select(["client_id", "date", "amount"]).to_pandas(date_as_object=False)
        data["amount"] = data["amount"].astype("float64")
        return data

    convert_seconds, transactions = timed("lifetimes: Arrow to pandas", frame)
    summary_seconds, summary = timed(
        "lifetimes: summary_data_from_transaction_data",
        lambda: summary_data_from_transaction_data(
            transactions,
            "client_id",
            "date",
            monetary_value_col="amount",
            observation_period_end=AS_OF.isoformat(),
        ),
    )
    print(f"{'lifetimes: clients summarised':<58} {len(summary):>8}")
    return convert_seconds, summary_seconds


def engine_audit(
    *, engine: Engine, orders: pa.Table, clients: pa.Table, payments: pa.Table
) -> tuple[float, float]:
    """Cold (compiling the SQL) and warm seconds of the audit on the engine."""
    _, session = timed(f"{engine}: open session", lambda: engine_connect(engine=engine))
    settings = AuditSettings()

    def run() -> pa.Table:
        return audit_clients(
            orders, clients, payments, as_of=AS_OF, settings=settings, engine=session
        )

    try:
        cold, result = timed(f"{engine}: audit_clients, first run (compiles the SQL)", run)
        warm, _ = timed(f"{engine}: audit_clients, second run", run)
    finally:
        session.close()
    statuses = result.group_by("status").aggregate([("client_id", "count")]).to_pylist()
    counts = ", ".join(f"{row['status']}={row['client_id_count']}" for row in statuses)
    print(f"{engine}: {result.num_rows} clients, {result.num_columns} columns: {counts}")
    return cold, warm


def history_nights(*, orders: pa.Table, clients: pa.Table) -> None:
    """The month-end history of two nights: the first computes every month end since the first
    document (a rebuild); the next month's adds its one new month end, after checking that the
    documents of the stored months are as they were (two digests of them)."""
    first = pc.min(orders.column("date")).as_py()
    last = dt.date(AS_OF.year, AS_OF.month, 1) - dt.timedelta(days=1)
    stored_through = dt.date(last.year, last.month, 1) - dt.timedelta(days=1)
    settings = AuditSettings()
    rebuild, history = timed(
        "duckdb: history rebuilt, every month end (first night)",
        lambda: audit_history(orders, clients, months=(first, last), settings=settings),
    )
    check, _ = timed(
        "the stored months' documents unchanged? (two digests)",
        lambda: (
            documents_fingerprint(orders=orders, through=stored_through, branches=None),
            documents_fingerprint(orders=orders, through=last, branches=None),
        ),
    )
    append, added = timed(
        "duckdb: history appended, the new month end (next night)",
        lambda: audit_history(
            orders, clients, months=(dt.date(last.year, last.month, 1), last), settings=settings
        ),
    )
    print(
        f"duckdb: {history.num_rows} client-months rebuilt, {added.num_rows} appended; "
        f"the next night's history {rebuild / (check + append):5.1f}x faster than a rebuild"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=60_000)
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark run")
    parser.add_argument(
        "--big", action="store_true", help="20 000 000 lines of 1 000 000 clients on DuckDB"
    )
    arguments = parser.parse_args()
    if arguments.big:
        big_run()
        return

    _, (orders, clients, payments) = timed(
        "generate the company (numpy)",
        lambda: company_generate(clients=arguments.clients, documents=arguments.documents),
    )
    print(f"{orders.num_rows} documents, {clients.num_rows} clients, {payments.num_rows} payments")
    convert, summary = lifetimes_summary(orders)
    duck_cold, duck_warm = engine_audit(
        engine=Engine.DUCKDB, orders=orders, clients=clients, payments=payments
    )
    print(f"speed-up over lifetimes' summary alone, warm DuckDB:   {summary / duck_warm:6.2f}x")
    print(f"speed-up over lifetimes' summary alone, cold DuckDB:   {summary / duck_cold:6.2f}x")
    print(
        "speed-up over lifetimes with its pandas conversion, warm DuckDB: "
        f"{(convert + summary) / duck_warm:6.2f}x"
    )
    history_nights(orders=orders, clients=clients)
    if not arguments.no_spark:
        spark_cold, spark_warm = engine_audit(
            engine=Engine.SPARK, orders=orders, clients=clients, payments=payments
        )
        print(
            f"Spark local vs DuckDB on the same rows: cold {spark_cold / duck_cold:5.1f}x, "
            f"warm {spark_warm / duck_warm:5.1f}x slower"
        )


def big_run() -> None:
    _, (lines, clients, payments) = timed(
        "generate 20 000 000 lines of 1 000 000 clients (numpy)",
        lambda: company_lines_generate(clients=1_000_000, lines=20_000_000),
    )
    print(f"{lines.num_rows} lines, {payments.num_rows} payments")
    _, orders = timed("sum lines into documents (pyarrow)", lambda: lines_to_documents(lines=lines))
    print(f"{orders.num_rows} documents")
    engine_audit(engine=Engine.DUCKDB, orders=orders, clients=clients, payments=payments)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory of the process (max RSS): {peak:.2f} GiB")


if __name__ == "__main__":
    main()
