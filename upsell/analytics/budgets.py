"""What is left of each planned month's purchase budget as of a day, written once as an Ibis
expression that runs on DuckDB and on Spark.

A client that plans a purchase budget by month means to spend that much on our kind of goods
in the month, from us and from the competitors together; what it was shipped in the month up
to the day is spent of it. The forecast's baseline never plans more than what is left.

Inside the engine money is kopecks and a month is its number (``upsell.analytics.arrow``), so
both engines give the same answer to the kopeck.
"""

import datetime as dt
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import (
    cents_from_money,
    day_number,
    days_from_dates,
    month_first_day,
    months_from_dates,
    table_from_engine,
)
from upsell.analytics.contracts import (
    MONTH_BUDGETS_LEFT_SCHEMA,
    MONTH_BUDGETS_SCHEMA,
    ORDERS_SCHEMA,
    table_conform,
)
from upsell.analytics.engines import Engine, EngineSession, engine_session_use

if TYPE_CHECKING:
    from ibis.expr.types import Table


def month_budgets_left(
    *,
    orders: pa.Table,
    month_budgets: pa.Table,
    as_of: dt.date,
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    """Each row of ``month_budgets`` (the contract's month budgets) with what is left of its
    budget as of ``as_of``: the budget less the net amount of the client's documents of
    ``orders`` dated in that month up to ``as_of``, never below nothing
    (``MONTH_BUDGETS_LEFT_SCHEMA``, sorted by client and month)."""
    orders = table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")
    budgets = table_conform(table=month_budgets, schema=MONTH_BUDGETS_SCHEMA, name="month_budgets")
    if budgets.group_by(["client_id", "month"]).aggregate([]).num_rows != budgets.num_rows:
        raise ValueError("month_budgets: a client's month is repeated")
    if pc.any(pc.not_equal(pc.day(budgets.column("month")), 1)).as_py():
        raise ValueError("month_budgets: column 'month' holds a day that is not a month's first")
    documents = pa.table(
        {
            "client_id": orders.column("client_id"),
            "day": days_from_dates(column=orders.column("date")),
            "month": months_from_dates(column=orders.column("date")),
            "cents": cents_from_money(column=orders.column("amount")),
        }
    )
    planned = pa.table(
        {
            "client_id": budgets.column("client_id"),
            "month": months_from_dates(column=budgets.column("month")),
            "budget_cents": cents_from_money(column=budgets.column("budget")),
        }
    )
    with engine_session_use(engine=engine) as session:
        documents_table = session.table_upload(name="upsell_budget_documents", table=documents)
        planned_table = session.table_upload(name="upsell_month_budgets", table=planned)
        result = session.query_fetch(
            key=("month_budgets_left", as_of),
            build=lambda: _left_expression(
                documents=documents_table, planned=planned_table, as_of=as_of
            ),
        )
    return table_from_engine(
        table=pa.table(
            {
                "client_id": result.column("client_id"),
                "month": pa.array(
                    [
                        month_first_day(month=number)
                        for number in result.column("month").to_pylist()
                    ],
                    type=pa.date32(),
                ),
                "left": result.column("left"),
            }
        ),
        schema=MONTH_BUDGETS_LEFT_SCHEMA,
        day_columns=(),
        cents_columns=("left",),
        sort_keys=("client_id", "month"),
    )


def _left_expression(*, documents: "Table", planned: "Table", as_of: dt.date) -> "Table":
    seen = documents.filter(documents.day <= day_number(day=as_of))
    shipped = seen.group_by(["client_id", "month"]).aggregate(shipped_cents=seen.cents.sum())
    joined = planned.left_join(
        shipped,
        [planned.client_id == shipped.client_id, planned.month == shipped.month],
    )
    spent = joined.shipped_cents.fill_null(0)
    left = ibis.greatest(joined.budget_cents - spent, 0).cast("int64")
    return joined.select(client_id=joined.client_id, month=joined.month, left=left)
