"""The audit of the client base as of one date: status, reasons and perspective of every client."""

import datetime as dt
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import pyarrow as pa

from upsell.analytics.arrow import day_number, month_number, table_from_engine
from upsell.analytics.audit.facts import AuditInputs, facts_compute
from upsell.analytics.contracts import AUDIT_SCHEMA
from upsell.analytics.engines import DatabaseTable, Engine, EngineSession, engine_session_use
from upsell.analytics.settings import AuditSettings

if TYPE_CHECKING:
    from ibis.expr.types import Table

AUDIT_DAY_COLUMNS = ("as_of", "first_order_date", "last_order_date")
AUDIT_CENTS_COLUMNS = (
    "revenue_total",
    "revenue_90",
    "revenue_365",
    "revenue_prev_365",
    "average_order_value",
    "debt",
    "overdue_debt",
    "annual_budget",
    "bought_budget_year",
    "competitors_amount",
)


def calendar_arrow(*, days: list[dt.date]) -> pa.Table:
    """The audit dates as the grid needs them.

    xyz_last_month is the last complete month as of the day: the day's own month when the day
    is its last, the month before otherwise.
    """
    return pa.table(
        {
            "as_of_day": pa.array([day_number(day=day) for day in days], pa.int32()),
            "as_of_month": pa.array([month_number(day=day) for day in days], pa.int32()),
            "xyz_last_month": pa.array(
                [
                    month_number(day=day) - (0 if (day + dt.timedelta(days=1)).day == 1 else 1)
                    for day in days
                ],
                pa.int32(),
            ),
            "month_day": pa.array([day_number(day=day.replace(day=1)) for day in days], pa.int32()),
        }
    )


def client_attributes(*, client_ids: "Table", clients: "Table") -> "Table":
    """Each client id with its attributes; a client missing from `clients` is an ordinary one."""
    attributes = client_ids.left_join(clients, "client_id").drop("client_id_right")
    return attributes.mutate(
        is_partner=attributes.is_partner.fill_null(False),
        plans_budget=attributes.plans_budget.fill_null(False),
    )


def audit_clients(
    orders: pa.Table,
    clients: pa.Table,
    payments: pa.Table,
    *,
    as_of: dt.date,
    settings: AuditSettings,
    engine: Engine | EngineSession = Engine.DUCKDB,
) -> pa.Table:
    """One row per client (`AUDIT_SCHEMA`) as of the date, sorted by client id.

    Every client of `clients` gets a row, and so does a client that only appears in `orders`
    (as neither partner nor budgeting). A client with no order as of the date keeps its row
    with a null status and the rule `no_orders` (or Partner when it is one); its order
    measures are 0 or null. Documents dated after `as_of` are not seen, so an earlier audit
    date gives the audit as it was then. Payment columns stay null when `payments` is empty.
    Definitions: `audit.facts` (orders, returns, windows; ABC in `_abc_classify`, payments in
    `_payments_add`, the perspective and its components in `_perspective_add`),
    `audit.statuses` (rules, precedence and the columns each rule's explanation needs),
    `AuditSettings` (thresholds, XYZ).
    """
    inputs = AuditInputs.from_arrow(orders=orders, clients=clients, payments=payments)
    with engine_session_use(engine=engine) as session:
        key, build = _audit_query(session=session, inputs=inputs, as_of=as_of, settings=settings)
        result = session.query_fetch(key=key, build=build)
    return table_from_engine(
        table=result,
        schema=AUDIT_SCHEMA,
        day_columns=AUDIT_DAY_COLUMNS,
        cents_columns=AUDIT_CENTS_COLUMNS,
        sort_keys=("client_id",),
    )


def audit_clients_store(
    *,
    inputs: AuditInputs,
    as_of: dt.date,
    settings: AuditSettings,
    session: EngineSession,
    table: DatabaseTable,
) -> None:
    """The audit of `audit_clients` written by the engine into the database's `table`, in
    engine form: the columns of `AUDIT_SCHEMA`, those of `AUDIT_DAY_COLUMNS` as day numbers
    (days since 1970-01-01) and those of `AUDIT_CENTS_COLUMNS` as kopecks."""
    key, build = _audit_query(session=session, inputs=inputs, as_of=as_of, settings=settings)
    try:
        session.query_store(key=key, build=build, table=table)
    finally:
        session.tables_release()


def _audit_query(
    *, session: EngineSession, inputs: AuditInputs, as_of: dt.date, settings: AuditSettings
) -> tuple[Hashable, Callable[[], "Table"]]:
    """The audit's rows as an expression over the session's tables, and its key."""
    facts = facts_compute(
        session=session,
        documents=inputs.documents_until(day=day_number(day=as_of)),
        clients=inputs.clients,
        calendar=calendar_arrow(days=[as_of]),
        payments=inputs.payments,
        grid_build=("every client", _every_client_grid),
        settings=settings,
        detailed=True,
    )
    return (
        ("audit_clients", settings, inputs.payments is not None),
        lambda: facts.select(
            *[name for name in AUDIT_SCHEMA.names if name not in _RENAMED],
            **{name: facts[source] for name, source in _RENAMED.items()},
        ),
    )


def _every_client_grid(cancelled: "Table", clients: "Table", calendar: "Table") -> "Table":
    """Every known client, from the clients table or from its documents, at the audit date."""
    client_ids = clients.select("client_id").union(cancelled.select("client_id"), distinct=True)
    return client_attributes(client_ids=client_ids, clients=clients).cross_join(calendar)


# Output columns whose engine column has another name.
_RENAMED = {
    "as_of": "as_of_day",
    "first_order_date": "first_day",
    "last_order_date": "last_day",
    "annual_budget": "budget_cents",
}
