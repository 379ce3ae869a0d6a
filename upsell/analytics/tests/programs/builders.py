"""Small hand-built inputs for the programs' tests: a year-long period and the date D."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa

from upsell.analytics.contracts import ORDERS_SCHEMA, PAYMENTS_SCHEMA
from upsell.analytics.engines import Engine, EngineSession
from upsell.analytics.programs import program_progress, stock_consumption
from upsell.analytics.programs.contracts import (
    COMMITMENTS_SCHEMA,
    FORECAST_SCHEMA,
    LINES_SCHEMA,
    MEMBERS_SCHEMA,
    TIERS_SCHEMA,
)

D = dt.date(2025, 6, 15)
YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def day(month: int, number: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, number)


def member(
    program_id: int,
    client_id: int,
    kind: str,
    *,
    start: dt.date = YEAR_START,
    end: dt.date = YEAR_END,
    joined: dt.date | None = None,
    credit_limit: str | None = None,
    delay_days: int | None = None,
) -> dict[str, object]:
    return {
        "program_id": program_id,
        "client_id": client_id,
        "kind": kind,
        "period_start": start,
        "period_end": end,
        "joined": joined or start,
        "credit_limit": None if credit_limit is None else Decimal(credit_limit),
        "payment_delay_days": delay_days,
    }


def members_table(rows: Sequence[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=MEMBERS_SCHEMA)


def tiers_table(rows: Sequence[tuple[int, str, str]]) -> pa.Table:
    """(program_id, threshold, rate percent) rows."""
    return pa.Table.from_pylist(
        [
            {"program_id": program, "threshold": Decimal(threshold), "rate": Decimal(rate)}
            for program, threshold, rate in rows
        ],
        schema=TIERS_SCHEMA,
    )


def orders_table(rows: Sequence[tuple[int, dt.date, str]]) -> pa.Table:
    """(client_id, date, amount) rows; document ids follow the row order."""
    return pa.Table.from_pylist(
        [
            {"client_id": client, "order_id": number, "date": date, "amount": Decimal(amount)}
            for number, (client, date, amount) in enumerate(rows, start=1)
        ],
        schema=ORDERS_SCHEMA,
    )


def payments_table(rows: Sequence[tuple[int, dt.date, str]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"client_id": client, "date": date, "amount": Decimal(amount), "due_date": None}
            for client, date, amount in rows
        ],
        schema=PAYMENTS_SCHEMA,
    )


def forecast_table(rows: Sequence[tuple[int, dt.date, str]]) -> pa.Table:
    """(client_id, month's first day, amount) rows."""
    return pa.Table.from_pylist(
        [
            {"client_id": client, "month": month, "amount": Decimal(amount)}
            for client, month, amount in rows
        ],
        schema=FORECAST_SCHEMA,
    )


def progress_table(
    members: Sequence[dict[str, object]],
    *,
    tiers: Sequence[tuple[int, str, str]] = (),
    orders: Sequence[tuple[int, dt.date, str]] = (),
    payments: Sequence[tuple[int, dt.date, str]] = (),
    forecast: Sequence[tuple[int, dt.date, str]] = (),
    as_of: dt.date = D,
    reach_share: str = "0.2",
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    return program_progress(
        session=engine,
        as_of=as_of,
        members=members_table(members),
        tiers=tiers_table(tiers),
        orders=orders_table(orders),
        payments=payments_table(payments),
        forecast=forecast_table(forecast),
        reach_share=Decimal(reach_share),
    )


def progress_rows(
    members: Sequence[dict[str, object]], **inputs: Any
) -> dict[tuple[int, int], dict[str, Any]]:
    """The progress as {(program_id, client_id): row}; `inputs` are `progress_table`'s."""
    table = progress_table(members, **inputs)
    return {(row["program_id"], row["client_id"]): row for row in table.to_pylist()}


def stock_table(
    members: Sequence[dict[str, object]],
    *,
    commitments: Sequence[tuple[int, int, int, str]],
    lines: Sequence[tuple[int, dt.date, int, str]],
    as_of: dt.date = D,
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    """Commitments are (program_id, client_id, product_id, monthly quantity) rows, lines
    (client_id, date, product_id, quantity) rows."""
    return stock_consumption(
        session=engine,
        as_of=as_of,
        members=members_table(members),
        commitments=pa.Table.from_pylist(
            [
                {
                    "program_id": program,
                    "client_id": client,
                    "product_id": product,
                    "monthly_quantity": Decimal(quantity),
                }
                for program, client, product, quantity in commitments
            ],
            schema=COMMITMENTS_SCHEMA,
        ),
        lines=pa.Table.from_pylist(
            [
                {"client_id": client, "date": date, "product_id": product, "quantity": Decimal(q)}
                for client, date, product, q in lines
            ],
            schema=LINES_SCHEMA,
        ),
    )
