"""The status of every client at the end of every month, its changes and the migration matrix.

The history is one expression over a month calendar: the same facts and precedence as
`audit_clients`, evaluated for every (client, month end) pair at once, so the status of a month is
exactly what the audit as of that month's last day says. The partner flag and budget come from
`clients` as they are now (the input has no history of them).
"""

import datetime as dt
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa

from upsell.analytics.arrow import (
    cents_from_money,
    day_number,
    month_first_day,
    month_last_day,
    month_number,
    table_from_engine,
)
from upsell.analytics.audit.clients import calendar_arrow, client_attributes
from upsell.analytics.audit.facts import (
    AuditInputs,
    clients_arrow_prepare,
    facts_compute,
    orders_arrow_prepare,
)
from upsell.analytics.contracts import (
    HISTORY_SCHEMA,
    MIGRATION_SCHEMA,
    STATUS_CHANGES_SCHEMA,
    table_conform,
)
from upsell.analytics.engines import DatabaseTable, Engine, EngineSession, engine_session_use
from upsell.analytics.settings import AuditSettings

if TYPE_CHECKING:
    from ibis.expr.types import Table


def history_months(*, months: list[dt.date] | tuple[dt.date, dt.date]) -> list[int]:
    """Month numbers of the history: a list names its months (any day of a month stands for
    that month), a (first, last) tuple spans every month from first to last inclusive."""
    if isinstance(months, tuple):
        first, last = months
        return list(range(month_number(day=first), month_number(day=last) + 1))
    return sorted({month_number(day=day) for day in months})


def audit_history(
    orders: pa.Table,
    clients: pa.Table,
    *,
    months: list[dt.date] | tuple[dt.date, dt.date],
    settings: AuditSettings,
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    """Status at each month end (`HISTORY_SCHEMA`), one row per client and month of the calendar
    from the month of the client's first order (first document with a positive amount) on;
    `month` is the month's first day. Sorted by client and month."""
    numbers = history_months(months=months)
    if not numbers:
        return HISTORY_SCHEMA.empty_table()
    inputs = AuditInputs(
        documents=orders_arrow_prepare(orders=orders),
        clients=clients_arrow_prepare(clients=clients),
        payments=None,
    )
    with engine_session_use(engine=engine) as session:
        key, build = _history_query(
            session=session, inputs=inputs, numbers=numbers, settings=settings
        )
        result = session.query_fetch(key=key, build=build)
    return table_from_engine(
        table=result,
        schema=HISTORY_SCHEMA,
        day_columns=("month",),
        cents_columns=("revenue_365",),
        sort_keys=("client_id", "month"),
    )


def audit_history_store(
    *,
    inputs: AuditInputs,
    months: list[dt.date] | tuple[dt.date, dt.date],
    settings: AuditSettings,
    session: EngineSession,
    table: DatabaseTable,
) -> bool:
    """The history of `audit_history` written by the engine into the database's `table`, in
    engine form: client_id, status, status_rule, revenue_365 in kopecks and month as the day
    number (days since 1970-01-01) of the month's first day. False, and nothing written, when
    there are no months: the history is empty."""
    numbers = history_months(months=months)
    if not numbers:
        return False
    key, build = _history_query(session=session, inputs=inputs, numbers=numbers, settings=settings)
    try:
        session.query_store(key=key, build=build, table=table)
    finally:
        session.tables_release()
    return True


def _history_query(
    *, session: EngineSession, inputs: AuditInputs, numbers: list[int], settings: AuditSettings
) -> tuple[Hashable, Callable[[], "Table"]]:
    """The history's rows as an expression over the session's tables, and its key."""
    last_day = month_last_day(month=numbers[-1])
    calendar_rows = calendar_arrow(days=[month_last_day(month=number) for number in numbers])
    facts = facts_compute(
        session=session,
        documents=inputs.documents_until(day=day_number(day=last_day)),
        clients=inputs.clients,
        calendar=calendar_rows,
        payments=None,
        grid_build=("months since the first order", _months_since_first_order_grid),
        settings=settings,
        detailed=False,
    )
    return (
        ("audit_history", settings),
        lambda: facts.select(
            "client_id", "status", "status_rule", "revenue_365", month=facts.month_day
        ),
    )


def _months_since_first_order_grid(
    cancelled: "Table", clients: "Table", calendar: "Table"
) -> "Table":
    """Each client that ever placed an order, at every month end from its first order's month."""
    placed = cancelled.filter(cancelled.cents > 0)
    first_months = placed.group_by("client_id").aggregate(first_month=placed.month.min())
    grid = client_attributes(client_ids=first_months, clients=clients)
    return grid.join(calendar, grid.first_month <= calendar.as_of_month).drop("first_month")


def status_changes(
    *, history: pa.Table, engine: Engine | EngineSession = Engine.DUCKDB
) -> pa.Table:
    """Every month a client's status differs from its status the month before
    (`STATUS_CHANGES_SCHEMA`), sorted by client and month.

    A client's first month in the history is a change from a null status: the client appears.
    A month missing from the history between two months of a client breaks nothing: the change is
    reported against the closest earlier month present.
    """
    rows = _history_engine_form(history=history)
    with engine_session_use(engine=engine) as session:
        table = session.table_upload(name="upsell_audit_history", table=rows)

        def changes_expression() -> "Table":
            by_client = ibis.window(group_by="client_id", order_by="month_day")
            steps = table.mutate(
                from_status=table.status.lag().over(by_client),
                seen_before=table.month_day.lag().over(by_client),
            )
            changed = steps.filter(
                steps.seen_before.isnull()
                | (steps.from_status.fill_null("") != steps.status.fill_null(""))
            )
            return changed.select(
                "client_id",
                "from_status",
                month=changed.month_day,
                to_status=changed.status,
                to_status_rule=changed.status_rule,
            )

        result = session.query_fetch(key=("status_changes",), build=changes_expression)
    return table_from_engine(
        table=result,
        schema=STATUS_CHANGES_SCHEMA,
        day_columns=("month",),
        cents_columns=(),
        sort_keys=("client_id", "month"),
    )


def status_migration(
    *,
    history: pa.Table,
    month_from: dt.date,
    month_to: dt.date,
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    """How clients moved between the statuses of two months (`MIGRATION_SCHEMA`).

    One row per (from status, to status) pair present: the number of clients and their revenue
    over 365 days at each of the two months. A client absent from one of the months (not yet
    ordering) has a null status there and counts 0 revenue there. Any day of a month stands for
    the month. Sorted by from and to status, nulls first.
    """
    rows = _history_engine_form(history=history)
    first_day = day_number(day=month_first_day(month=month_number(day=month_from)))
    second_day = day_number(day=month_first_day(month=month_number(day=month_to)))
    with engine_session_use(engine=engine) as session:
        table = session.table_upload(name="upsell_audit_history", table=rows)

        def migration_expression() -> "Table":
            before = table.filter(table.month_day == first_day).select(
                "client_id", from_status=table.status, revenue_from=table.revenue_365
            )
            after = table.filter(table.month_day == second_day).select(
                "client_id", to_status=table.status, revenue_to=table.revenue_365
            )
            pairs = before.outer_join(after, "client_id")
            return pairs.group_by("from_status", "to_status").aggregate(
                clients=pairs.count(),
                revenue_365_from=pairs.revenue_from.sum().fill_null(0),
                revenue_365_to=pairs.revenue_to.sum().fill_null(0),
            )

        result = session.query_fetch(
            key=("status_migration", first_day, second_day), build=migration_expression
        )
    return table_from_engine(
        table=result,
        schema=MIGRATION_SCHEMA,
        day_columns=(),
        cents_columns=("revenue_365_from", "revenue_365_to"),
        sort_keys=("from_status", "to_status"),
    )


def _history_engine_form(*, history: pa.Table) -> pa.Table:
    history = table_conform(table=history, schema=HISTORY_SCHEMA, name="history")
    return pa.table(
        {
            "client_id": history.column("client_id"),
            "month_day": history.column("month").cast(pa.int32()),
            "status": history.column("status"),
            "status_rule": history.column("status_rule"),
            "revenue_365": cents_from_money(column=history.column("revenue_365")),
        }
    )
