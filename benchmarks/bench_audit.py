"""The nightly audit end to end, database to database, against its floor in the same run.

    python -m benchmarks.bench_audit                       # 1 000 000 clients, 20 000 000 lines
    python -m benchmarks.bench_audit --clients 100000 --lines 2000000
    python -m benchmarks.bench_audit --database sqlite     # a scratch SQLite file

A scratch PostgreSQL database on 127.0.0.1 (user postgres; or a SQLite file) is filled with a
synthetic company in bulk: clients with their managers, products, shipment documents and their
lines, payments. Then, each in a process of its own, as the nightly task runs it:

- the first night: ``upsell audit`` as of the first of last month, cold: every client's status
  and metrics, stored, the statuses put in force and the clients routed, and the month-end
  history appended by its one new month end;
- the next night: the same as of the first of this month, cold. The goal is set on it;
- the floor, best of three: the same documents, clients and payments read out of the same
  database as Arrow (``COPY … TO STDOUT`` on PostgreSQL), one DuckDB aggregate of each client's
  metrics over them, and one row per client written back in bulk (``COPY … FROM STDIN``).

The history the earlier nights left (through October, one row per client and month since its
first document) is written in bulk with the company, with the audit run that left it; the
nights read only that it is there and what its documents were. With ``--rebuild`` nothing is
stored beforehand, and the first night computes the history since the first document.

Goals: the next night within 3× of the floor; the peak memory of each night (its process's
maximum resident set) under 8 GiB.

The synthetic company is a B2B distributor: client sizes follow a Pareto law, each client buys
at its own rhythm (weekly to quarterly) with gamma-distributed gaps, some clients churn, some
start late, some pause for months and come back; about 1 % of documents are returned in full
and 1 % in part; most shipments are paid around their due date, some late.
"""

import argparse
import datetime as dt
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from benchmarks import harness
from upsell.analytics.arrow import EPOCH, cents_from_money, money_from_cents
from upsell.analytics.contracts import CLIENTS_SCHEMA, MONEY, ORDERS_SCHEMA, PAYMENTS_SCHEMA

AS_OF = dt.date(2025, 12, 31)
HISTORY_DAYS = 4 * 365
PAYMENT_TERMS_DAYS = 30
GOAL = 3.0
MEMORY_GOAL_GIB = 8.0
MANAGERS = 200
PRODUCTS = 5_000
# The nights: the first of the month before the company's last day, then the first of the
# month after it; each adds one month end to the history. Unless the first night is asked to
# rebuild it, the history through October is written in bulk beforehand, as earlier nights
# would have left it.
FIRST_NIGHT = dt.date(2025, 12, 1)
NEXT_NIGHT = dt.date(2026, 1, 1)
SEEDED_THROUGH = dt.date(2025, 10, 1)


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
    """Seconds ``action`` took, printed with ``label``, and what it gave."""
    gc.collect()
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed:8.2f} s")
    return elapsed, result


# The company, loaded in bulk by a process of its own with Django set up on the database.


def _company_load(*, clients: int, lines: int, seed_history: bool) -> dict[str, int]:
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientStatusMonth
    from upsell.core.bulk import bulk_load, rows_insert
    from upsell.payments.models import Payment
    from upsell.products.models import Product
    from upsell.shipments.models import Shipment, ShipmentLine

    call_command("migrate", verbosity=0)
    line_rows, client_rows, payments = company_lines_generate(clients=clients, lines=lines)
    documents = lines_to_documents(lines=line_rows).sort_by("order_id")
    rng = np.random.default_rng(3)
    managers = User.objects.bulk_create(
        User(username=f"manager{number}", role=Role.MANAGER) for number in range(MANAGERS)
    )
    manager_ids = np.array([manager.pk for manager in managers], dtype=np.int64)
    client_ids = client_rows.column("client_id").to_numpy()
    regions = np.array(["Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск"])
    segments = np.array(["Розница", "Опт", "HoReCa", "Производство"])
    client_frame = pl.DataFrame(
        {
            "id": client_ids,
            "name": [f"ООО «Клиент {number}»" for number in client_ids],
            "region": regions[rng.integers(0, regions.size, client_ids.size)],
            "segment": segments[rng.integers(0, segments.size, client_ids.size)],
            "manager_id": manager_ids[rng.integers(0, MANAGERS, client_ids.size)],
            "is_partner": client_rows.column("is_partner").to_numpy(zero_copy_only=False),
            "plans_budget": client_rows.column("plans_budget").to_numpy(zero_copy_only=False),
            "annual_budget": pl.from_arrow(client_rows.column("annual_budget").cast(pa.string())),
            "budget_year": pl.from_arrow(client_rows.column("budget_year")),
        }
    )
    product_frame = pl.DataFrame(
        {
            "id": np.arange(1, PRODUCTS + 1, dtype=np.int64),
            "sku": [f"SKU-{number:05d}" for number in range(1, PRODUCTS + 1)],
            "name": [f"Товар {number}" for number in range(1, PRODUCTS + 1)],
            "group": [f"Группа {number % 60}" for number in range(1, PRODUCTS + 1)],
        }
    )
    order_ids = documents.column("order_id").to_numpy()
    per_document = np.bincount(
        np.searchsorted(order_ids, line_rows.column("order_id").to_numpy()),
        minlength=order_ids.size,
    )
    shipment_frame = pl.DataFrame(
        {
            "id": order_ids,
            "number": [f"РН-{number}" for number in order_ids],
            "date": pl.from_arrow(documents.column("date")),
            "client_id": documents.column("client_id").to_numpy(),
            "total": pl.from_arrow(documents.column("amount").cast(pa.string())),
            "line_count": per_document,
            "content_hash": pl.Series([f"{number:032x}" for number in order_ids]),
        }
    )
    line_order = line_rows.column("order_id").to_numpy()
    first_line = np.concatenate([[0], np.cumsum(per_document)[:-1]])
    line_cents = line_rows.column("cents").to_numpy()
    quantity = rng.integers(1, 50, line_cents.size) * np.sign(line_cents)
    quantity[quantity == 0] = 1
    line_frame = pl.DataFrame(
        {
            "shipment_id": line_order,
            "line_no": np.arange(line_order.size)
            - first_line[np.searchsorted(order_ids, line_order)]
            + 1,
            "product_id": rng.integers(1, PRODUCTS + 1, line_order.size),
            "quantity": quantity,
            "price": (np.abs(line_cents) // np.abs(quantity)) / 100,
            "amount": line_cents / 100,
        }
    ).with_columns(
        pl.col("price").cast(pl.Decimal(14, 2)), pl.col("amount").cast(pl.Decimal(14, 2))
    )
    payment_frame = pl.DataFrame(
        {
            "client_id": payments.column("client_id").to_numpy(),
            "date": pl.from_arrow(payments.column("date")),
            "amount": pl.from_arrow(payments.column("amount").cast(pa.string())),
            "due_date": pl.from_arrow(payments.column("due_date")),
            "natural_key": [f"PAY-{number}" for number in range(payments.num_rows)],
        }
    )
    for model, frame in (
        (Client, client_frame),
        (Product, product_frame),
        (Shipment, shipment_frame),
        (ShipmentLine, line_frame),
        (Payment, payment_frame),
    ):
        with transaction.atomic(), bulk_load(model=model, rows=frame.height):
            rows_insert(model=model, frame=frame)
    history = _history_seed(documents=documents) if seed_history else None
    if history is not None:
        with transaction.atomic(), bulk_load(model=ClientStatusMonth, rows=history.height):
            rows_insert(model=ClientStatusMonth, frame=history)
        _audit_run_seed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Client, Product, Shipment, ShipmentLine, Payment):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            cursor.execute("VACUUM ANALYZE")
    return {
        "clients": client_frame.height,
        "documents": shipment_frame.height,
        "lines": line_frame.height,
        "payments": payment_frame.height,
        "history": 0 if history is None else history.height,
    }


def _history_seed(*, documents: pa.Table) -> Any:
    """The month-end history an earlier night left, through SEEDED_THROUGH: one row per client
    and month end from the month of its first document on. A night that appends reads none of
    these rows' statuses, only that they are there, so they all say "no orders"."""
    import polars as pl

    first = pl.from_arrow(
        documents.group_by("client_id")
        .aggregate([("date", "min")])
        .rename_columns(["client_id", "first"])
    )
    assert isinstance(first, pl.DataFrame)
    months = first.select(
        "client_id",
        pl.date_ranges(pl.col("first").dt.month_start(), SEEDED_THROUGH, "1mo").alias("month"),
    ).explode("month")
    return months.drop_nulls("month").with_columns(
        status=pl.lit(""), status_rule=pl.lit("no_orders"), revenue_365=pl.lit("0.00")
    )


def _audit_run_seed() -> None:
    """The earlier night's audit run, as the night after it looks it up: its rules, its unit,
    the last month its history covers and the digest of the documents up to that month's end."""
    from dataclasses import asdict

    from django.utils import timezone

    from upsell.core.months import month_end
    from upsell.reporting.history import documents_fingerprint
    from upsell.reporting.models import AuditRun, HistoryMode, RunStatus
    from upsell.reporting.rules import audit_settings_current, audit_unit_current
    from upsell.reporting.snapshots import orders_snapshot

    now = timezone.now()
    AuditRun.objects.create(
        as_of=SEEDED_THROUGH + dt.timedelta(days=31),
        engine="duckdb",
        status=RunStatus.SUCCEEDED,
        started_at=now,
        finished_at=now,
        thresholds=asdict(audit_settings_current()),
        unit=audit_unit_current(),
        history_mode=HistoryMode.REBUILT,
        history_through=SEEDED_THROUGH,
        documents_fingerprint=documents_fingerprint(
            orders=orders_snapshot(), through=month_end(SEEDED_THROUGH), branches=None
        ),
    )


# The floor: what no nightly audit can beat, on a bare connection.


_FLOOR_READS = {
    "orders": (
        "SELECT client_id, id, date, CAST(ROUND(total * 100) AS BIGINT) FROM shipments_shipment",
        {"client_id": pa.int64(), "order_id": pa.int64(), "date": pa.date32(), "cents": pa.int64()},
    ),
    "clients": (
        "SELECT id, is_partner, plans_budget, CAST(ROUND(annual_budget * 100) AS BIGINT), "
        "budget_year FROM clients_client",
        {
            "client_id": pa.int64(),
            "is_partner": pa.bool_(),
            "plans_budget": pa.bool_(),
            "budget_cents": pa.int64(),
            "budget_year": pa.int32(),
        },
    ),
    "payments": (
        "SELECT client_id, date, CAST(ROUND(amount * 100) AS BIGINT), due_date "
        "FROM payments_payment",
        {
            "client_id": pa.int64(),
            "date": pa.date32(),
            "cents": pa.int64(),
            "due_date": pa.date32(),
        },
    ),
}

# About as many figures per client as the audit stores (its metrics, status and perspective),
# each computed the plainest way over the same rows: windowed sums and counts, the gaps
# between orders, monthly revenue's spread, payment lateness and debt, ranks for ABC and RFM.
_FLOOR_AGGREGATE = """
WITH dated AS (
    SELECT client_id, date, cents,
           date - lag(date) OVER (PARTITION BY client_id ORDER BY date, order_id) AS gap
    FROM orders WHERE date < $as_of
), per_order AS (
    SELECT client_id,
           count(*) AS orders_total,
           count(*) FILTER (WHERE date >= $as_of - 90) AS orders_90,
           count(*) FILTER (WHERE date >= $as_of - 365) AS orders_365,
           count(*) FILTER (WHERE date >= $as_of - 730) AS orders_730,
           sum(cents) AS revenue_total,
           coalesce(sum(cents) FILTER (WHERE date >= $as_of - 90), 0) AS revenue_90,
           coalesce(sum(cents) FILTER (WHERE date >= $as_of - 365), 0) AS revenue_365,
           coalesce(sum(cents) FILTER (WHERE date < $as_of - 365 AND date >= $as_of - 730), 0)
               AS revenue_prev_365,
           avg(cents) AS average_order_value,
           min(date) AS first_order_date, max(date) AS last_order_date,
           $as_of - min(date) AS days_since_first_order,
           $as_of - max(date) AS days_since_last_order,
           avg(gap) AS typical_interval_days, stddev_samp(gap) / avg(gap) AS interval_cv,
           arg_max(gap, date) AS recent_gap_days,
           count(DISTINCT date_trunc('month', date)) AS months_active,
           stddev_samp(cents) / avg(cents) AS amount_cv,
           coalesce(sum(cents) FILTER (WHERE year(date) = year($as_of - 1)), 0)
               AS bought_budget_year,
           regr_slope(cents, date - DATE '1970-01-01') AS trend
    FROM dated GROUP BY client_id
), monthly AS (
    SELECT client_id, stddev_pop(revenue) / avg(revenue) AS monthly_revenue_cv
    FROM (SELECT client_id, date_trunc('month', date) AS month, sum(cents) AS revenue
          FROM orders WHERE date < $as_of AND date >= $as_of - 365 GROUP BY ALL)
    GROUP BY client_id
), per_payment AS (
    SELECT client_id, count(*) AS payments_count, sum(cents) AS paid,
           avg(greatest(date - due_date, 0)) AS avg_days_late,
           avg(CASE WHEN date > due_date THEN 1 ELSE 0 END) AS late_payments_share,
           sum(cents) FILTER (WHERE due_date < $as_of) AS paid_due
    FROM payments WHERE date < $as_of GROUP BY client_id
), figures AS (
    SELECT clients.client_id, clients.is_partner, clients.plans_budget,
           clients.budget_cents, clients.budget_year, per_order.* EXCLUDE (client_id),
           monthly.monthly_revenue_cv,
           coalesce(per_payment.payments_count, 0) AS payments_count,
           per_payment.avg_days_late, per_payment.late_payments_share,
           per_order.revenue_total - coalesce(per_payment.paid, 0) AS debt,
           per_order.revenue_total - coalesce(per_payment.paid_due, 0) AS overdue_debt,
           per_order.bought_budget_year / nullif(clients.budget_cents, 0) AS share_of_wallet,
           clients.budget_cents - per_order.bought_budget_year AS competitors_amount,
           per_order.revenue_365 / sum(per_order.revenue_365) OVER () AS revenue_share_365,
           sum(per_order.revenue_365) OVER (ORDER BY per_order.revenue_365 DESC, client_id)
               / sum(per_order.revenue_365) OVER () AS cumulative_share,
           ntile(5) OVER (ORDER BY per_order.days_since_last_order DESC) AS r_score,
           ntile(5) OVER (ORDER BY per_order.orders_365) AS f_score,
           ntile(5) OVER (ORDER BY per_order.revenue_365) AS m_score
    FROM clients
    LEFT JOIN per_order USING (client_id)
    LEFT JOIN monthly USING (client_id)
    LEFT JOIN per_payment USING (client_id)
)
SELECT * EXCLUDE (is_partner, plans_budget),
       CASE WHEN cumulative_share <= 0.8 THEN 1 WHEN cumulative_share <= 0.95 THEN 2 ELSE 3
       END AS abc_class,
       CASE WHEN monthly_revenue_cv <= 0.1 THEN 1 WHEN monthly_revenue_cv <= 0.25 THEN 2 ELSE 3
       END AS xyz_class,
       CASE WHEN is_partner THEN 6 WHEN orders_total IS NULL THEN 0
            WHEN days_since_last_order > 365 THEN 5 WHEN days_since_first_order <= 90 THEN 1
            WHEN orders_365 >= 5 THEN 3 WHEN orders_total = 1 THEN 2 ELSE 4 END AS status,
       least(100, r_score * 7 + f_score * 7 + m_score * 6) AS perspective
FROM figures
"""


def _floor_connection(url: str) -> Any:
    if url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    return psycopg.connect(url)


def _floor_read(connection: Any, sql: str, schema: dict[str, pa.DataType]) -> pa.Table:
    """The rows of ``sql`` as an Arrow table: PostgreSQL's COPY as CSV parsed by Arrow; on
    SQLite the rows fetched and turned into columns."""
    if connection.__class__.__module__.startswith("psycopg"):
        buffer = io.BytesIO()
        with connection.cursor().copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for chunk in copy:
                buffer.write(chunk)
        buffer.seek(0)
        return pa_csv.read_csv(
            buffer,
            read_options=pa_csv.ReadOptions(column_names=list(schema)),
            convert_options=pa_csv.ConvertOptions(
                column_types=schema, true_values=["t"], false_values=["f"]
            ),
        )
    rows = connection.execute(sql).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = []
    for values, kind in zip(columns, schema.values(), strict=True):
        # SQLite gives dates as ISO text and flags as 0 and 1.
        read_as = pa.string() if kind == pa.date32() else pa.int8() if kind == pa.bool_() else kind
        arrays.append(pa.array(values, read_as).cast(kind))
    return pa.Table.from_arrays(arrays, names=list(schema))


_POSTGRESQL_TYPES = {pa.date32(): "date", pa.float64(): "double precision"}
_SQLITE_TYPES = {pa.date32(): pa.string()}


def _floor_write(connection: Any, table: pa.Table) -> None:
    """One row per client into a table of the same columns, in one bulk write."""
    names = ", ".join(table.column_names)
    if connection.__class__.__module__.startswith("psycopg"):
        kinds = ", ".join(
            f"{field.name} {_POSTGRESQL_TYPES.get(field.type, 'bigint')}" for field in table.schema
        )
        connection.execute("DROP TABLE IF EXISTS floor_audit")
        connection.execute(f"CREATE TABLE floor_audit ({kinds})")
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, write_options=pa_csv.WriteOptions(include_header=False))
        with connection.cursor().copy(
            f"COPY floor_audit ({names}) FROM STDIN (FORMAT csv)"
        ) as copy:
            copy.write(buffer.getvalue())
        connection.commit()
        return
    connection.execute("DROP TABLE IF EXISTS floor_audit")
    connection.execute(f"CREATE TABLE floor_audit ({names})")
    marks = ", ".join("?" * table.num_columns)
    # SQLite binds dates as ISO text; DuckDB's sums of kopecks come as 128-bit decimals.
    columns = [
        column.cast(_SQLITE_TYPES.get(column.type, column.type)).to_pylist()
        if column.type == pa.date32() or not pa.types.is_decimal(column.type)
        else column.cast(pa.int64()).to_pylist()
        for column in table.columns
    ]
    connection.executemany(
        f"INSERT INTO floor_audit VALUES ({marks})",
        zip(*columns, strict=True),
    )
    connection.commit()


def _floor(url: str) -> dict[str, float]:
    import duckdb

    started = time.perf_counter()
    connection = _floor_connection(url)
    tables = {
        name: _floor_read(connection, sql, schema) for name, (sql, schema) in _FLOOR_READS.items()
    }
    read = time.perf_counter()
    engine = duckdb.connect()
    for name, table in tables.items():
        engine.register(name, table)
    result: pa.Table = engine.sql(_FLOOR_AGGREGATE, params={"as_of": NEXT_NIGHT}).to_arrow_table()
    computed = time.perf_counter()
    _floor_write(connection, result)
    connection.close()
    written = time.perf_counter()
    return {
        "seconds": written - started,
        "read": read - started,
        "compute": computed - read,
        "write": written - computed,
        "clients": result.num_rows,
    }


# The parent: the database, the nights and the floor, each timed in a process of its own.


def _process(arguments: list[str], *, env: dict[str, str], log: Path) -> tuple[float, float, str]:
    """Seconds and peak resident memory (GiB) of ``python *arguments`` in a process of its own,
    and what it printed."""
    started = time.perf_counter()
    with (
        log.open("w") as errors,
        subprocess.Popen(  # noqa: S603 - our own commands
            [sys.executable, *arguments], env=env, stdout=subprocess.PIPE, stderr=errors, text=True
        ) as child,
    ):
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"python {' '.join(arguments)} failed:\n{log.read_text()[-3000:]}")
    # Linux gives the maximum resident set in kilobytes.
    return seconds, usage.ru_maxrss / 2**20, output


def _nights(*, arguments: argparse.Namespace, url: str, data: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "upsell.config.settings",
        "DATABASE_URL": url,
        "BENCH_DATABASE": url,
        "UPSELL_DATA_DIR": str(data),
    }
    log = data / "stderr.log"
    size = ["--clients", str(arguments.clients), "--lines", str(arguments.lines)]
    if arguments.rebuild:
        size.append("--rebuild")
    seconds, peak, output = _process(
        ["-m", "benchmarks.bench_audit", "--load", *size], env=env, log=log
    )
    counts = json.loads(output.strip().splitlines()[-1])
    print(
        f"{arguments.database}: {counts['clients']} clients, {counts['documents']} documents, "
        f"{counts['lines']} lines, {counts['payments']} payments, {counts['history']} "
        f"month-end statuses of earlier nights (generated and loaded in bulk: {seconds:.0f} s)",
        flush=True,
    )
    nights = {}
    for name, day in (("first night", FIRST_NIGHT), ("next night", NEXT_NIGHT)):
        seconds, peak, output = _process(
            ["-m", "upsell", "audit", "--as-of", day.isoformat()], env=env, log=log
        )
        nights[name] = (seconds, peak)
        print(f"{name}: upsell audit --as-of {day}: {seconds:7.1f} s, peak {peak:5.2f} GiB")
        print(f"    {output.strip()}", flush=True)
    floors = []
    for _ in range(3):
        seconds, peak, output = _process(
            ["-m", "benchmarks.bench_audit", "--floor"], env=env, log=log
        )
        floor = json.loads(output.strip().splitlines()[-1])
        floors.append(floor)
        print(
            f"floor: {floor['seconds']:7.1f} s (read as Arrow {floor['read']:.1f} s, DuckDB "
            f"aggregate {floor['compute']:.1f} s, {floor['clients']} rows written "
            f"{floor['write']:.1f} s), process {seconds:.1f} s, peak {peak:5.2f} GiB",
            flush=True,
        )
    best = min(floor["seconds"] for floor in floors)
    for name, (seconds, peak) in nights.items():
        ratio = seconds / best
        goal = (
            f"goal {GOAL:.0f}x: {harness.verdict(ratio, GOAL)}"
            if name == "next night"
            else "no goal"
        )
        memory = "MET" if peak < MEMORY_GOAL_GIB else "NOT MET"
        print(
            f"{name}: {ratio:6.2f}x the floor ({goal}); peak memory {peak:.2f} GiB "
            f"(goal under {MEMORY_GOAL_GIB:.0f} GiB: {memory})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=20_000_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="no history beforehand: the first night computes it since the first document",
    )
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.load:
        counts = _company_load(
            clients=arguments.clients, lines=arguments.lines, seed_history=not arguments.rebuild
        )
        print(json.dumps(counts))
        return
    if arguments.floor:
        print(json.dumps(_floor(os.environ["BENCH_DATABASE"])))
        return
    with (
        tempfile.TemporaryDirectory(prefix="bench_audit_") as directory,
        harness.scratch_database(
            database=arguments.database,
            sqlite_path=Path(directory) / "bench.sqlite3",
            name="upsell_bench_audit",
        ) as url,
    ):
        _nights(arguments=arguments, url=url, data=Path(directory))


if __name__ == "__main__":
    main()
