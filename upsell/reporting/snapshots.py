"""The database's order history as the Arrow tables the analytics package takes.

Rows are read with one plain query per table on Django's connection: amounts come out as whole
kopecks and dates as ISO text on both SQLite and PostgreSQL, so the Arrow columns are built in
bulk. The largest tables (documents, clients, payments) come out of PostgreSQL through
``COPY … TO STDOUT`` as CSV that Arrow parses, without a Python object per value.
"""

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, models
from django.db.models import F

from upsell.analytics.arrow import money_from_cents
from upsell.analytics.contracts import (
    BRANCHES_SCHEMA,
    BUDGETS_SCHEMA,
    CLIENTS_SCHEMA,
    MONEY,
    MONEY_SUM,
    MONTH_BUDGETS_SCHEMA,
    ORDERS_SCHEMA,
    PAYMENTS_SCHEMA,
)
from upsell.clients.models import Client, ClientBudgetMonth
from upsell.payments.models import Payment
from upsell.products.models import Product
from upsell.shipments.models import Shipment, ShipmentLine
from upsell.shipments.selectors import shipped_per_client


def _column(model: type[models.Model], field: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(field).column))  # type: ignore[union-attr]


def _cents(model: type[models.Model], field: str) -> str:
    return f"CAST(ROUND({_column(model, field)} * 100) AS BIGINT)"


def _text(model: type[models.Model], field: str) -> str:
    return f"CAST({_column(model, field)} AS TEXT)"


def _fetch_columns(sql: str, width: int, params: Sequence[dt.date] = ()) -> list[Sequence[object]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return [() for _ in range(width)]
    return list(zip(*rows, strict=True))


def _read_columns(sql: str, types: Sequence[pa.DataType]) -> list[pa.Array]:
    """The columns of the rows ``sql`` gives, as Arrow arrays of ``types`` (dates as
    ``date32`` from ISO text, flags as booleans).

    On PostgreSQL the rows come as CSV from ``COPY``, which Arrow parses in bulk; on SQLite
    they are fetched and each column built at once.
    """
    names = [f"column_{position}" for position in range(len(types))]
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy,
        ):
            for chunk in copy:
                buffer.write(chunk)
        if not buffer.tell():
            return [pa.array([], type=kind) for kind in types]
        buffer.seek(0)
        table = pa_csv.read_csv(
            buffer,
            read_options=pa_csv.ReadOptions(column_names=names),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict(zip(names, types, strict=True)),
                true_values=["t"],
                false_values=["f"],
            ),
        )
        return [column.combine_chunks() for column in table.columns]
    arrays = []
    for values, kind in zip(_fetch_columns(sql, len(types)), types, strict=True):
        if kind == pa.date32():
            arrays.append(_dates(values))
        elif kind == pa.bool_():
            arrays.append(pa.array([bool(flag) for flag in values], type=kind))
        else:
            arrays.append(pa.array(values, type=kind))
    return arrays


def _dates(values: Sequence[object]) -> pa.Array:
    return pa.array(values, type=pa.string()).cast(pa.date32())


def _money(values: Sequence[object]) -> pa.Array:
    return money_from_cents(column=pa.array(values, type=pa.int64()), money_type=MONEY)


def orders_snapshot() -> pa.Table:
    """One row per shipment document: client, document, date, net amount."""
    table = connection.ops.quote_name(Shipment._meta.db_table)
    client_id, order_id, date, cents = _read_columns(
        f"SELECT {_column(Shipment, 'client')}, {_column(Shipment, 'id')}, "  # noqa: S608
        f"{_text(Shipment, 'date')}, {_cents(Shipment, 'total')} FROM {table}",
        (pa.int64(), pa.int64(), pa.date32(), pa.int64()),
    )
    return pa.table(
        [client_id, order_id, date, money_from_cents(column=cents, money_type=MONEY)],
        schema=ORDERS_SCHEMA,
    )


def clients_snapshot() -> pa.Table:
    table = connection.ops.quote_name(Client._meta.db_table)
    client_id, is_partner, plans_budget, cents, year = _read_columns(
        f"SELECT {_column(Client, 'id')}, {_column(Client, 'is_partner')}, "  # noqa: S608
        f"{_column(Client, 'plans_budget')}, {_cents(Client, 'annual_budget')}, "
        f"{_column(Client, 'budget_year')} FROM {table}",
        (pa.int64(), pa.bool_(), pa.bool_(), pa.int64(), pa.int32()),
    )
    return pa.table(
        [
            client_id,
            is_partner,
            plans_budget,
            money_from_cents(column=cents, money_type=MONEY),
            year,
        ],
        schema=CLIENTS_SCHEMA,
    )


def branches_snapshot() -> pa.Table:
    """One row per branch: the client and its head organisation."""
    table = connection.ops.quote_name(Client._meta.db_table)
    head = _column(Client, "head")
    client_id, head_id = _fetch_columns(
        f"SELECT {_column(Client, 'id')}, {head} FROM {table} "  # noqa: S608
        f"WHERE {head} IS NOT NULL",
        2,
    )
    return pa.table(
        [pa.array(client_id, type=pa.int64()), pa.array(head_id, type=pa.int64())],
        schema=BRANCHES_SCHEMA,
    )


def budgets_snapshot(*, as_of: dt.date) -> pa.Table:
    """One row per client that plans a purchase budget: its budget year, the budget, and what
    it was shipped in that year up to ``as_of``."""
    budgets = list(
        Client.objects.filter(
            plans_budget=True, annual_budget__isnull=False, budget_year__isnull=False
        )
        .order_by("id")
        .values_list("id", "budget_year", "annual_budget")
    )
    # What each client was shipped from its budget year's first day up to ``as_of``.
    by_year: dict[int, list[int]] = {}
    for client_id, year, _budget in budgets:
        if year is not None:  # the query asked for a year: the type does not know it
            by_year.setdefault(year, []).append(client_id)
    bought: dict[int, Decimal] = {}
    for year, client_ids in by_year.items():
        bought |= shipped_per_client(
            first=dt.date(year, 1, 1),
            end=min(as_of, dt.date(year, 12, 31)) + dt.timedelta(days=1),
            clients=client_ids,
        )
    return pa.table(
        [
            pa.array([client_id for client_id, _, _ in budgets], type=pa.int64()),
            pa.array([year for _, year, _ in budgets], type=pa.int32()),
            pa.array([budget for _, _, budget in budgets], type=MONEY),
            pa.array(
                [bought.get(client_id, Decimal("0.00")) for client_id, _, _ in budgets],
                type=MONEY_SUM,
            ),
        ],
        schema=BUDGETS_SCHEMA,
    )


def month_budgets_snapshot() -> pa.Table:
    """One row per month a client that plans a purchase budget planned in its budget year."""
    rows = list(
        ClientBudgetMonth.objects.filter(
            client__plans_budget=True,
            client__annual_budget__isnull=False,
            client__budget_year=F("month__year"),
        )
        .order_by("client_id", "month")
        .values_list("client_id", "month", "amount")
    )
    return pa.table(
        [
            pa.array([client_id for client_id, _, _ in rows], type=pa.int64()),
            pa.array([month for _, month, _ in rows], type=pa.date32()),
            pa.array([amount for _, _, amount in rows], type=MONEY),
        ],
        schema=MONTH_BUDGETS_SCHEMA,
    )


def payments_snapshot() -> pa.Table:
    table = connection.ops.quote_name(Payment._meta.db_table)
    client_id, date, cents, due_date = _read_columns(
        f"SELECT {_column(Payment, 'client')}, {_text(Payment, 'date')}, "  # noqa: S608
        f"{_cents(Payment, 'amount')}, {_text(Payment, 'due_date')} FROM {table}",
        (pa.int64(), pa.date32(), pa.int64(), pa.date32()),
    )
    return pa.table(
        [client_id, date, money_from_cents(column=cents, money_type=MONEY), due_date],
        schema=PAYMENTS_SCHEMA,
    )


def shipment_lines_snapshot(*, end: dt.date) -> pa.Table:
    """One row per shipment line dated on or before ``end``: client, product, the product's
    group (empty when it has none), date, quantity and amount (negative on a return)."""
    lines, shipments, products = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (ShipmentLine, Shipment, Product)
    )

    def number(field: str) -> str:
        return f"CAST(lines.{_column(ShipmentLine, field)} AS DOUBLE PRECISION)"

    shipment, product = _column(ShipmentLine, "shipment"), _column(ShipmentLine, "product")
    client_id, product_id, group, date, quantity, amount = _fetch_columns(
        f"SELECT shipments.{_column(Shipment, 'client')}, lines.{product}, "  # noqa: S608
        f"products.{_column(Product, 'group')}, "
        f"CAST(shipments.{_column(Shipment, 'date')} AS TEXT), "
        f"{number('quantity')}, {number('amount')} "
        f"FROM {lines} AS lines "
        f"JOIN {shipments} AS shipments ON shipments.{_column(Shipment, 'id')} = lines.{shipment} "
        f"JOIN {products} AS products ON products.{_column(Product, 'id')} = lines.{product} "
        f"WHERE shipments.{_column(Shipment, 'date')} <= %s",
        6,
        [end],
    )
    return pa.table(
        {
            "client_id": pa.array(client_id, type=pa.int64()),
            "product_id": pa.array(product_id, type=pa.int64()),
            "group": pa.array(group, type=pa.string()),
            "date": _dates(date),
            "quantity": pa.array(quantity, type=pa.float64()),
            "amount": pa.array(amount, type=pa.float64()),
        }
    )
