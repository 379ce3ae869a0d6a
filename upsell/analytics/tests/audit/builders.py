"""Small hand-built inputs for the audit tests: dates relative to the audit date D."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa

from upsell.analytics.audit import audit_clients
from upsell.analytics.contracts import CLIENTS_SCHEMA, ORDERS_SCHEMA, PAYMENTS_SCHEMA
from upsell.analytics.settings import AuditSettings

D = dt.date(2025, 6, 30)


def days_before(days: int) -> dt.date:
    return D - dt.timedelta(days=days)


def orders_table(rows: Sequence[tuple[int, dt.date, str]]) -> pa.Table:
    """(client_id, date, amount) rows; document ids follow the row order."""
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "order_id": number, "date": date, "amount": Decimal(amount)}
            for number, (client_id, date, amount) in enumerate(rows, start=1)
        ],
        schema=ORDERS_SCHEMA,
    )


def clients_table(rows: Sequence[dict[str, object]]) -> pa.Table:
    defaults = {
        "is_partner": False,
        "plans_budget": False,
        "annual_budget": None,
        "budget_year": None,
    }
    return pa.Table.from_pylist([defaults | row for row in rows], schema=CLIENTS_SCHEMA)


def payments_table(rows: Sequence[tuple[int, dt.date, str, dt.date | None]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "date": date, "amount": Decimal(amount), "due_date": due}
            for client_id, date, amount, due in rows
        ],
        schema=PAYMENTS_SCHEMA,
    )


def audit_rows(
    orders: Sequence[tuple[int, dt.date, str]],
    *,
    clients: Sequence[dict[str, object]] | None = None,
    payments: Sequence[tuple[int, dt.date, str, dt.date | None]] | None = None,
    as_of: dt.date = D,
    settings: AuditSettings | None = None,
) -> dict[int, dict[str, object]]:
    """The audit on DuckDB as {client_id: row}."""
    result = audit_clients(
        orders_table(orders),
        clients_table(clients or []),
        payments_table(payments or []),
        as_of=as_of,
        settings=settings or AuditSettings(),
    )
    return {row["client_id"]: row for row in result.to_pylist()}


def client_orders(
    client_id: int, *ages: int, amount: str = "100.00"
) -> list[tuple[int, dt.date, str]]:
    """Orders of one client placed the given numbers of days before D."""
    return [(client_id, days_before(age), amount) for age in ages]


# A client that takes almost all revenue, so that the client under test is not in ABC class A.
DOMINANT_CLIENT = client_orders(999, 10, 40, 70, 100, 130, amount="1000000.00")
