"""The programs' input tables in engine form, checked against their contracts.

Inside an engine money is kopecks, a rate hundredths of a percent and a quantity thousandths
(int64), a date a day number and a month the day number of its first day
(`upsell.analytics.arrow`).
"""

import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import (
    cents_from_money,
    days_from_dates,
    rows_ranked,
    rows_repeated,
    units_from_decimal,
)
from upsell.analytics.contracts import ORDERS_SCHEMA, PAYMENTS_SCHEMA, table_conform
from upsell.analytics.programs.contracts import (
    COMMITMENTS_SCHEMA,
    FORECAST_SCHEMA,
    LINES_SCHEMA,
    MEMBERS_SCHEMA,
    TIERS_SCHEMA,
    ProgramKind,
)

# A kind travels through the engines as its small number: joins and stored steps carry one byte
# instead of a string.
KIND_CODES = {kind: code for code, kind in enumerate(ProgramKind)}


def kind_code(*, kind: ProgramKind) -> int:
    return KIND_CODES[kind]


def members_arrow_prepare(*, members: pa.Table) -> pa.Table:
    """The members: member (the member's number, from 0 in the order of program and client),
    program_id, client_id, kind (`kind_code`), start_day, end_day, joined_day,
    start_month_day (the first day of the period's first month), limit_cents, delay_days."""
    members = table_conform(table=members, schema=MEMBERS_SCHEMA, name="members")
    codes = pc.index_in(members.column("kind"), pa.array([kind.value for kind in KIND_CODES]))
    if codes.null_count:
        unknown = pc.unique(members.column("kind").filter(pc.is_null(codes))).to_pylist()
        raise ValueError(f"members: unknown program kinds {sorted(unknown)}")
    if pc.any(pc.greater(members.column("period_start"), members.column("period_end"))).as_py():
        raise ValueError("members: a period ends before it starts")
    numbers, repeated = rows_ranked(table=members, keys=("program_id", "client_id"))
    if repeated:
        raise ValueError("members: repeated program_id, client_id")
    start, end = members.column("period_start"), members.column("period_end")
    return pa.table(
        {
            "member": pa.array(numbers, pa.int64()),
            "program_id": members.column("program_id"),
            "client_id": members.column("client_id"),
            "kind": codes.cast(pa.int8()),
            "start_day": days_from_dates(column=start),
            "end_day": days_from_dates(column=end),
            "joined_day": days_from_dates(column=members.column("joined")),
            "start_month_day": days_from_dates(column=pc.floor_temporal(start, unit="month")),
            "limit_cents": cents_from_money(column=members.column("credit_limit")),
            "delay_days": members.column("payment_delay_days"),
        }
    )


def tiers_arrow_prepare(*, tiers: pa.Table) -> pa.Table:
    """The tiers: program_id, threshold (kopecks), rate (hundredths of a percent)."""
    tiers = table_conform(table=tiers, schema=TIERS_SCHEMA, name="tiers")
    threshold = cents_from_money(column=tiers.column("threshold"))
    if pc.any(pc.less(threshold, 0)).as_py():
        raise ValueError("tiers: a threshold is negative")
    _unique_check(table=tiers, keys=["program_id", "threshold"], name="tiers")
    return pa.table(
        {
            "program_id": tiers.column("program_id"),
            "threshold": threshold,
            "rate": units_from_decimal(column=tiers.column("rate"), scale=2, what="rate"),
        }
    )


def documents_arrow_prepare(*, orders: pa.Table) -> pa.Table:
    """The shipment documents: client_id, order_id, day, cents."""
    orders = table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")
    return pa.table(
        {
            "client_id": orders.column("client_id"),
            "order_id": orders.column("order_id"),
            "day": days_from_dates(column=orders.column("date")),
            "cents": cents_from_money(column=orders.column("amount")),
        }
    )


def payments_arrow_prepare(*, payments: pa.Table) -> pa.Table:
    """The payments: client_id, day, cents."""
    payments = table_conform(table=payments, schema=PAYMENTS_SCHEMA, name="payments")
    return pa.table(
        {
            "client_id": payments.column("client_id"),
            "day": days_from_dates(column=payments.column("date")),
            "cents": cents_from_money(column=payments.column("amount")),
        }
    )


def forecast_arrow_prepare(*, forecast: pa.Table) -> pa.Table:
    """The forecast: client_id, month_day (the day number of the month's first day), cents.

    The contract's one row per client and month is the caller's to keep: checking it would
    cost more than the whole computation."""
    forecast = table_conform(table=forecast, schema=FORECAST_SCHEMA, name="forecast")
    return pa.table(
        {
            "client_id": forecast.column("client_id"),
            "month_day": days_from_dates(column=forecast.column("month")),
            "cents": cents_from_money(column=forecast.column("amount")),
        }
    )


def lines_arrow_prepare(*, lines: pa.Table) -> pa.Table:
    """The shipment lines: client_id, product_id, day, month_day (of its month's first day),
    thousandths."""
    lines = table_conform(table=lines, schema=LINES_SCHEMA, name="lines")
    dates = lines.column("date")
    return pa.table(
        {
            "client_id": lines.column("client_id"),
            "product_id": lines.column("product_id"),
            "day": days_from_dates(column=dates),
            "month_day": days_from_dates(column=pc.floor_temporal(dates, unit="month")),
            "thousandths": units_from_decimal(
                column=lines.column("quantity"), scale=3, what="quantity"
            ),
        }
    )


def commitments_arrow_prepare(*, commitments: pa.Table) -> pa.Table:
    """The commitments: program_id, client_id, product_id, thousandths."""
    commitments = table_conform(table=commitments, schema=COMMITMENTS_SCHEMA, name="commitments")
    _unique_check(
        table=commitments, keys=["program_id", "client_id", "product_id"], name="commitments"
    )
    return pa.table(
        {
            "program_id": commitments.column("program_id"),
            "client_id": commitments.column("client_id"),
            "product_id": commitments.column("product_id"),
            "thousandths": units_from_decimal(
                column=commitments.column("monthly_quantity"), scale=3, what="quantity"
            ),
        }
    )


def _unique_check(*, table: pa.Table, keys: list[str], name: str) -> None:
    if rows_repeated(table=table, keys=tuple(keys)):
        raise ValueError(f"{name}: repeated {', '.join(keys)}")
