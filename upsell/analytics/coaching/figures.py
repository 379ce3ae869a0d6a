"""Each manager's figures month by month, written once as Ibis expressions.

For a manager M and a calendar month m:

- closed: M's deals won or lost with their closing day in m; won: those of them won;
  won_days: the sum over the won ones of closing day − opening day, in whole days.
- forecast: the sum of M's locked forecast for m (each client's cell as it stood when m was
  locked); attained: what was shipped in m to the clients of those cells, net of returns (a
  client shipped more than forecast counts in full).
- motivated: what was shipped in m, net of returns, to the clients M serves that are motivated.

Deals come with the manager that holds them; shipments are counted for the client's manager now.
A month in which M has none of these has no row. Inside the engines money is kopecks and a day
or a month a day number (`upsell.analytics.arrow`), so both engines give identical sums.
"""

from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import cents_from_money, days_from_dates, table_from_engine
from upsell.analytics.coaching.contracts import (
    CLIENTS_SCHEMA,
    CLOSED_DEALS_SCHEMA,
    DEALS_SCHEMA,
    FORECAST_SCHEMA,
    MANAGER_MONTHS_SCHEMA,
    SHIPPED_SCHEMA,
)
from upsell.analytics.contracts import table_conform
from upsell.analytics.engines import Engine, EngineSession, engine_session_use

if TYPE_CHECKING:
    from ibis.expr.types import Table

KEY = ("manager_id", "month")
FIGURES = ("closed", "won", "won_days", "forecast", "attained", "motivated")


def _month_days(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    return days_from_dates(column=pc.floor_temporal(column, unit="month"))


def deals_arrow_prepare(*, deals: pa.Table) -> pa.Table:
    """The deals won or lost: manager_id, won, created_day, closed_day, month (the closing
    month's first day)."""
    deals = table_conform(table=deals, schema=DEALS_SCHEMA, name="deals")
    closed = deals.filter(pc.is_valid(deals.column("closed")))
    if pc.any(pc.is_null(closed.column("won"))).as_py():
        raise ValueError("deals: a closed deal says whether it was won")
    if pc.any(pc.less(closed.column("closed"), closed.column("created"))).as_py():
        raise ValueError("deals: a deal is closed before it was opened")
    return pa.table(
        {
            "manager_id": closed.column("manager_id"),
            "won": closed.column("won"),
            "created_day": days_from_dates(column=closed.column("created")),
            "closed_day": days_from_dates(column=closed.column("closed")),
            "month": _month_days(closed.column("closed")),
        }
    )


def forecast_arrow_prepare(*, forecast: pa.Table) -> pa.Table:
    forecast = table_conform(table=forecast, schema=FORECAST_SCHEMA, name="forecast")
    return pa.table(
        {
            "manager_id": forecast.column("manager_id"),
            "client_id": forecast.column("client_id"),
            "month": _month_days(forecast.column("month")),
            "cents": cents_from_money(column=forecast.column("amount")),
        }
    )


def shipped_arrow_prepare(*, shipped: pa.Table) -> pa.Table:
    shipped = table_conform(table=shipped, schema=SHIPPED_SCHEMA, name="shipped")
    return pa.table(
        {
            "client_id": shipped.column("client_id"),
            "month": _month_days(shipped.column("month")),
            "cents": cents_from_money(column=shipped.column("amount")),
        }
    )


def clients_arrow_prepare(*, clients: pa.Table) -> pa.Table:
    clients = table_conform(table=clients, schema=CLIENTS_SCHEMA, name="clients")
    kept = clients.filter(
        pc.and_(pc.is_valid(clients.column("manager_id")), clients.column("motivated"))
    )
    return kept.select(["client_id", "manager_id"])


def manager_months(
    *,
    session: Engine | EngineSession,
    deals: pa.Table,
    forecast: pa.Table,
    shipped: pa.Table,
    clients: pa.Table,
) -> tuple[pa.Table, pa.Table]:
    """The figures per manager and month (``MANAGER_MONTHS_SCHEMA``, by manager and month) and
    the closed deals (``CLOSED_DEALS_SCHEMA``, by manager, month, won, days); the rules are the
    module's."""
    tables = {
        "deals": deals_arrow_prepare(deals=deals),
        "forecast": forecast_arrow_prepare(forecast=forecast),
        "shipped": shipped_arrow_prepare(shipped=shipped),
        "clients": clients_arrow_prepare(clients=clients),
    }
    with engine_session_use(engine=session) as engine:
        uploaded = {
            name: engine.table_upload(name=f"upsell_coaching_{name}", table=table)
            for name, table in tables.items()
        }
        figures = engine.query_fetch(
            key=("coaching_manager_months",),
            build=lambda: months_figures(**uploaded),
        )
        closed = engine.query_fetch(
            key=("coaching_closed_deals",),
            build=lambda: closed_deals(deals=uploaded["deals"]),
        )
    return (
        table_from_engine(
            table=figures,
            schema=MANAGER_MONTHS_SCHEMA,
            day_columns=("month",),
            cents_columns=("forecast", "attained", "motivated"),
            sort_keys=KEY,
        ),
        table_from_engine(
            table=closed,
            schema=CLOSED_DEALS_SCHEMA,
            day_columns=("month",),
            cents_columns=(),
            sort_keys=("manager_id", "month", "won", "days"),
        ),
    )


def closed_deals(*, deals: "Table") -> "Table":
    return deals.select(
        "manager_id",
        "month",
        "won",
        days=(deals.closed_day - deals.created_day).cast("int64"),
    )


def months_figures(
    *, deals: "Table", forecast: "Table", shipped: "Table", clients: "Table"
) -> "Table":
    """The three sources each summed per manager and month, then added up into one row."""
    zero = ibis.literal(0, type="int64")
    won = deals.won.cast("int64")
    deal_months = deals.group_by(*KEY).aggregate(
        closed=deals.count().cast("int64"),
        won=won.sum(),
        won_days=(won * (deals.closed_day - deals.created_day)).sum().cast("int64"),
    )
    cells = forecast.left_join(shipped, ["client_id", "month"])
    cells = cells.select(
        "manager_id", "month", forecast=cells.cents, attained=cells.cents_right.fill_null(0)
    )
    forecast_months = cells.group_by(*KEY).aggregate(
        forecast=cells.forecast.sum(), attained=cells.attained.sum()
    )
    served = shipped.join(clients, "client_id")
    motivated_months = served.group_by(*KEY).aggregate(motivated=served.cents.sum())
    parts = [
        deal_months.select(
            *KEY, "closed", "won", "won_days", forecast=zero, attained=zero, motivated=zero
        ),
        forecast_months.select(
            *KEY, "forecast", "attained", closed=zero, won=zero, won_days=zero, motivated=zero
        ),
        motivated_months.select(
            *KEY, "motivated", closed=zero, won=zero, won_days=zero, forecast=zero, attained=zero
        ),
    ]
    rows = ibis.union(*(part.select(*KEY, *FIGURES) for part in parts))
    return rows.group_by(*KEY).aggregate(
        **{name: rows[name].sum().cast("int64") for name in FIGURES}
    )
