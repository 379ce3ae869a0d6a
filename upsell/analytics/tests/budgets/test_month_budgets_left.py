"""What is left of each planned month's budget, on DuckDB, and the same on Spark."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from benchmarks.bench_audit import company_generate
from upsell.analytics.budgets import month_budgets_left
from upsell.analytics.contracts import MONTH_BUDGETS_SCHEMA
from upsell.analytics.engines import Engine
from upsell.analytics.tests.audit.builders import orders_table

AS_OF = dt.date(2026, 2, 15)


def month_budgets_table(rows):
    """(client_id, month, budget) rows."""
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "budget": Decimal(budget)}
            for client_id, month, budget in rows
        ],
        schema=MONTH_BUDGETS_SCHEMA,
    )


def test_each_month_keeps_its_budget_less_what_was_shipped_in_it_so_far():
    # given client 1 planning January to March and client 2 planning February; client 1 was
    # shipped 400 and returned 100 in January, shipped 1500 by 15 February and more after it
    orders = orders_table(
        [
            (1, dt.date(2026, 1, 10), "400.00"),
            (1, dt.date(2026, 1, 20), "-100.00"),
            (1, dt.date(2026, 2, 10), "1500.00"),
            (1, dt.date(2026, 2, 16), "200.00"),
            (1, dt.date(2026, 3, 1), "100.00"),
            (1, dt.date(2025, 12, 31), "999.99"),
            (3, dt.date(2026, 2, 1), "50.00"),
        ]
    )
    budgets = month_budgets_table(
        [
            (2, dt.date(2026, 2, 1), "300.00"),
            (1, dt.date(2026, 3, 1), "500.00"),
            (1, dt.date(2026, 1, 1), "1000.00"),
            (1, dt.date(2026, 2, 1), "1000.01"),
        ]
    )

    left = month_budgets_left(orders=orders, month_budgets=budgets, as_of=AS_OF)

    # then February is spent past its budget (nothing left, never less) and March untouched
    assert left.to_pylist() == [
        {"client_id": 1, "month": dt.date(2026, 1, 1), "left": Decimal("700.00")},
        {"client_id": 1, "month": dt.date(2026, 2, 1), "left": Decimal("0.00")},
        {"client_id": 1, "month": dt.date(2026, 3, 1), "left": Decimal("500.00")},
        {"client_id": 2, "month": dt.date(2026, 2, 1), "left": Decimal("300.00")},
    ]


def test_bad_month_budgets_are_refused_by_name():
    orders = orders_table([])
    repeated = month_budgets_table([(1, dt.date(2026, 1, 1), "1"), (1, dt.date(2026, 1, 1), "2")])
    mid_month = month_budgets_table([(1, dt.date(2026, 1, 2), "1")])

    with pytest.raises(ValueError, match="month_budgets: a client's month is repeated"):
        month_budgets_left(orders=orders, month_budgets=repeated, as_of=AS_OF)
    with pytest.raises(ValueError, match="column 'month' holds a day that is not a month's first"):
        month_budgets_left(orders=orders, month_budgets=mid_month, as_of=AS_OF)


@pytest.mark.spark
def test_month_budgets_left_are_identical_on_both_engines(spark_session):
    orders, clients, _ = company_generate(clients=150, documents=3000, seed=7, as_of=AS_OF)
    budgets = month_budgets_table(
        [
            (client_id, dt.date(2025, month, 1), f"{(client_id * 37 + month * 11) % 900}.{month}0")
            for client_id in clients.column("client_id").to_pylist()[::3]
            for month in range(1, 13)
        ]
    )

    def left(engine):
        return month_budgets_left(
            orders=orders, month_budgets=budgets, as_of=dt.date(2025, 9, 15), engine=engine
        ).to_pylist()

    duckdb_rows = left(Engine.DUCKDB)
    spark_rows = left(spark_session)

    # spent to or past the budget, partly spent, untouched or given back by a return
    budget = {(row["client_id"], row["month"]): row["budget"] for row in budgets.to_pylist()}
    kinds = [
        "spent" if row["left"] == 0
        else "untouched" if row["left"] >= budget[row["client_id"], row["month"]]
        else "partly"
        for row in duckdb_rows
    ]  # fmt: skip
    assert [kinds.count(kind) for kind in ("spent", "partly", "untouched")] == [77, 65, 458]
    assert spark_rows == duckdb_rows
