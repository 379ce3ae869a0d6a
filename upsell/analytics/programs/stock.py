"""How much of the stock guaranteed to each member it has taken, month by month.

A commitment keeps `monthly_quantity` of a product for a member every month of its program's
period. As of the date D there is one row per commitment and month, from the period's first
month to D's month (or the period's last month, when it has ended); consumed is the sum of the
quantities of the member's lines of that product dated in that month, within the period and up
to D. A month before the period starts has no row.
"""

import datetime as dt
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import EPOCH, day_number, decimal_from_units, table_from_engine
from upsell.analytics.engines import Engine, EngineSession, engine_session_use
from upsell.analytics.programs.contracts import QUANTITY, STOCK_SCHEMA
from upsell.analytics.programs.inputs import (
    commitments_arrow_prepare,
    lines_arrow_prepare,
    members_arrow_prepare,
)

if TYPE_CHECKING:
    from ibis.expr.types import Table

STOCK_KEY = ("program_id", "client_id", "product_id", "month")


def stock_consumption(
    *,
    session: Engine | EngineSession,
    as_of: dt.date,
    members: pa.Table,
    commitments: pa.Table,
    lines: pa.Table,
) -> pa.Table:
    """One row per commitment and month (`STOCK_SCHEMA`), sorted by program, client, product
    and month; the rules are the module's."""
    as_of_day = day_number(day=as_of)
    member_rows = members_arrow_prepare(members=members)
    line_rows = lines_arrow_prepare(lines=lines)
    line_rows = line_rows.filter(pc.less_equal(line_rows.column("day"), as_of_day))
    first_day = pc.min(member_rows.column("start_month_day")).as_py()
    months = months_arrow(
        first=as_of if first_day is None else EPOCH + dt.timedelta(days=first_day), last=as_of
    )
    with engine_session_use(engine=session) as engine:
        tables = {
            "members": member_rows,
            "commitments": commitments_arrow_prepare(commitments=commitments),
            "lines": line_rows,
            "months": months,
        }
        uploaded = {
            name: engine.table_upload(name=f"upsell_programs_stock_{name}", table=table)
            for name, table in tables.items()
        }
        result = engine.query_fetch(
            key=("stock_consumption",),
            build=lambda: stock_months(
                members=uploaded["members"],
                commitments=uploaded["commitments"],
                lines=uploaded["lines"],
                months=uploaded["months"],
            ),
        )
    quantities = {
        name: decimal_from_units(column=result.column(name), scale=3, decimal_type=QUANTITY)
        for name in ("committed", "consumed")
    }
    for name, column in quantities.items():
        result = result.set_column(result.schema.get_field_index(name), name, column)
    return table_from_engine(
        table=result,
        schema=STOCK_SCHEMA,
        day_columns=("month",),
        cents_columns=(),
        sort_keys=STOCK_KEY,
    )


def months_arrow(*, first: dt.date, last: dt.date) -> pa.Table:
    """The months from `first`'s to `last`'s (none when `first` is later): month_day and
    next_month_day, the day numbers of their first days and of the next months' first days."""
    starts = []
    month = first.replace(day=1)
    while month <= last:
        starts.append(month)
        month = _next_month(month)
    return pa.table(
        {
            "month_day": pa.array([day_number(day=day) for day in starts], pa.int32()),
            "next_month_day": pa.array(
                [day_number(day=_next_month(day)) for day in starts], pa.int32()
            ),
        }
    )


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=31)).replace(day=1)


def stock_months(
    *, members: "Table", commitments: "Table", lines: "Table", months: "Table"
) -> "Table":
    """Each commitment in each month of its period up to D (the calendar's last month), with
    the quantity committed and consumed, in thousandths."""
    spans = members.select("program_id", "client_id", "start_day", "end_day")
    committed = commitments.join(spans, ["program_id", "client_id"])
    grid = committed.join(
        months,
        (months.next_month_day > committed.start_day) & (months.month_day <= committed.end_day),
    )
    used = committed.join(lines, ["client_id", "product_id"])
    used = used.filter((used.day >= used.start_day) & (used.day <= used.end_day))
    used = used.group_by("program_id", "client_id", "product_id", "month_day").aggregate(
        consumed=used.thousandths_right.sum()
    )
    rows = grid.left_join(used, ["program_id", "client_id", "product_id", "month_day"])
    return rows.select(
        "program_id",
        "client_id",
        "product_id",
        month=rows.month_day,
        committed=rows.thousandths,
        consumed=rows.consumed.fill_null(0),
    )
