"""The Arrow tables the analytics package takes in and gives out.

Money is `decimal128(16, 2)` on the way in, as the database stores it; sums on the way out are
`decimal128(18, 2)` so that a client's whole history fits.
"""

import pyarrow as pa

MONEY = pa.decimal128(16, 2)
MONEY_SUM = pa.decimal128(18, 2)

# One row per shipment document; a return document is its own row with a negative amount.
ORDERS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("order_id", pa.int64(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
    ]
)

CLIENTS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("is_partner", pa.bool_(), nullable=False),
        pa.field("plans_budget", pa.bool_(), nullable=False),
        pa.field("annual_budget", MONEY),
        pa.field("budget_year", pa.int32()),
    ]
)

# One row per client that plans a purchase budget: its budget year, the budget, and what it
# bought from us in that year so far (the forecast's months are held to the rest).
BUDGETS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("budget_year", pa.int32(), nullable=False),
        pa.field("annual_budget", MONEY, nullable=False),
        pa.field("bought", MONEY_SUM, nullable=False),
    ]
)

# One row per month a client that plans a purchase budget planned in its budget year: the
# month's first day and what the client means to spend on our kind of goods in it.
MONTH_BUDGETS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("budget", MONEY, nullable=False),
    ]
)

# One row per planned month: what is left of its budget as of a day, the budget less what the
# client was shipped in that month up to the day, never below nothing.
MONTH_BUDGETS_LEFT_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("left", MONEY_SUM, nullable=False),
    ]
)

# One row per branch: the client and its head organisation, for the audit that reads an
# organisation with its branches as one buyer.
BRANCHES_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("head_id", pa.int64(), nullable=False),
    ]
)

PAYMENTS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
        pa.field("due_date", pa.date32()),
    ]
)

AUDIT_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("as_of", pa.date32(), nullable=False),
        pa.field("status", pa.string()),
        pa.field("status_rule", pa.string(), nullable=False),
        pa.field("is_partner", pa.bool_(), nullable=False),
        pa.field("plans_budget", pa.bool_(), nullable=False),
        pa.field("first_order_date", pa.date32()),
        pa.field("last_order_date", pa.date32()),
        pa.field("days_since_first_order", pa.int32()),
        pa.field("days_since_last_order", pa.int32()),
        pa.field("orders_total", pa.int32(), nullable=False),
        pa.field("orders_90", pa.int32(), nullable=False),
        pa.field("orders_365", pa.int32(), nullable=False),
        pa.field("regular_window_orders", pa.int32(), nullable=False),
        pa.field("revenue_total", MONEY_SUM, nullable=False),
        pa.field("revenue_90", MONEY_SUM, nullable=False),
        pa.field("revenue_365", MONEY_SUM, nullable=False),
        pa.field("revenue_prev_365", MONEY_SUM, nullable=False),
        pa.field("average_order_value", MONEY_SUM),
        pa.field("typical_interval_days", pa.float64()),
        pa.field("interval_cv", pa.float64()),
        pa.field("recent_gap_days", pa.int32()),
        pa.field("months_active", pa.int32(), nullable=False),
        pa.field("trend", pa.float64()),
        pa.field("r_score", pa.int32()),
        pa.field("f_score", pa.int32()),
        pa.field("m_score", pa.int32()),
        pa.field("rfm_code", pa.string()),
        pa.field("abc_class", pa.string()),
        pa.field("revenue_share_365", pa.float64()),
        pa.field("xyz_class", pa.string()),
        pa.field("monthly_revenue_cv", pa.float64()),
        pa.field("payments_count", pa.int32(), nullable=False),
        pa.field("avg_days_late", pa.float64()),
        pa.field("late_payments_share", pa.float64()),
        pa.field("debt", MONEY_SUM),
        pa.field("overdue_debt", MONEY_SUM),
        pa.field("annual_budget", MONEY),
        pa.field("budget_year", pa.int32()),
        pa.field("bought_budget_year", MONEY_SUM),
        pa.field("share_of_wallet", pa.float64()),
        pa.field("competitors_amount", MONEY_SUM),
        pa.field("solvency_score", pa.int32()),
        pa.field("discipline_score", pa.int32()),
        pa.field("stability_score", pa.int32()),
        pa.field("trend_score", pa.int32()),
        pa.field("tenure_score", pa.int32()),
        pa.field("perspective", pa.int32()),
    ]
)

HISTORY_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("status", pa.string()),
        pa.field("status_rule", pa.string(), nullable=False),
        pa.field("revenue_365", MONEY_SUM, nullable=False),
    ]
)

STATUS_CHANGES_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("from_status", pa.string()),
        pa.field("to_status", pa.string()),
        pa.field("to_status_rule", pa.string(), nullable=False),
    ]
)

MIGRATION_SCHEMA = pa.schema(
    [
        pa.field("from_status", pa.string()),
        pa.field("to_status", pa.string()),
        pa.field("clients", pa.int64(), nullable=False),
        pa.field("revenue_365_from", MONEY_SUM, nullable=False),
        pa.field("revenue_365_to", MONEY_SUM, nullable=False),
    ]
)


def table_conform(*, table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    """The table with exactly the schema's columns, in its order and types.

    Raises ValueError naming the table and the column when a column is missing, cannot be cast
    exactly, or holds nulls where the contract forbids them.
    """
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            raise ValueError(f"{name}: column {field.name!r} is missing")
        try:
            column = table.column(field.name).cast(field.type, safe=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise ValueError(
                f"{name}: column {field.name!r} is not {field.type}: {error}"
            ) from error
        if not field.nullable and column.null_count:
            raise ValueError(f"{name}: column {field.name!r} has {column.null_count} empty values")
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)
