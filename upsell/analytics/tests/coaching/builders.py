"""Small tables for the coaching measure's tests, and a synthetic team with a planted effect."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa

from upsell.analytics.coaching.contracts import (
    CLIENTS_SCHEMA,
    DEALS_SCHEMA,
    FORECAST_SCHEMA,
    PERIODS_SCHEMA,
    SHIPPED_SCHEMA,
)


def deals_table(rows: Sequence[tuple[int, dt.date, dt.date | None, bool | None]]) -> pa.Table:
    """(manager, created, closed, won) per deal, numbered in order."""
    return pa.Table.from_pylist(
        [
            {
                "deal_id": number,
                "manager_id": manager,
                "created": created,
                "closed": closed,
                "won": won,
            }
            for number, (manager, created, closed, won) in enumerate(rows, start=1)
        ],
        schema=DEALS_SCHEMA,
    )


def forecast_table(rows: list[tuple[int, int, dt.date, str]]) -> pa.Table:
    """(manager, client, month, amount)."""
    return pa.Table.from_pylist(
        [
            {"manager_id": manager, "client_id": client, "month": month, "amount": Decimal(amount)}
            for manager, client, month, amount in rows
        ],
        schema=FORECAST_SCHEMA,
    )


def shipped_table(rows: list[tuple[int, dt.date, str]]) -> pa.Table:
    """(client, month, amount)."""
    return pa.Table.from_pylist(
        [
            {"client_id": client, "month": month, "amount": Decimal(amount)}
            for client, month, amount in rows
        ],
        schema=SHIPPED_SCHEMA,
    )


def clients_table(rows: Sequence[tuple[int, int | None, bool]]) -> pa.Table:
    """(client, manager, motivated)."""
    return pa.Table.from_pylist(
        [
            {"client_id": client, "manager_id": manager, "motivated": motivated}
            for client, manager, motivated in rows
        ],
        schema=CLIENTS_SCHEMA,
    )


def periods_table(rows: list[tuple[int, int, dt.date, dt.date]]) -> pa.Table:
    """(period, manager, starts_on, ends_on)."""
    return pa.Table.from_pylist(
        [
            {"period_id": period, "manager_id": manager, "starts_on": starts, "ends_on": ends}
            for period, manager, starts, ends in rows
        ],
        schema=PERIODS_SCHEMA,
    )


def managers_table(ids: list[int]) -> pa.Table:
    return pa.table({"manager_id": pa.array(ids, pa.int64())})


def team_generate(
    *,
    managers: int,
    months: list[dt.date],
    deals_per_month: int,
    win_rate: float,
    coached: int,
    coached_from: dt.date,
    planted: float,
    seed: int,
) -> dict[str, pa.Table]:
    """A team whose deals each close in the month they are opened in, won at ``win_rate``
    (plus ``planted`` for the manager ``coached`` from ``coached_from`` on), with a forecast and
    shipments of one client per manager."""
    rng = np.random.default_rng(seed)
    deals, forecast, shipped, clients = [], [], [], []
    for manager in range(1, managers + 1):
        skill = rng.normal(0, 0.05)
        client = 1000 + manager
        clients.append((client, manager, True))
        for month in months:
            rate = (
                win_rate + skill + (planted if manager == coached and month >= coached_from else 0)
            )
            for _ in range(deals_per_month):
                opened = month + dt.timedelta(days=int(rng.integers(0, 10)))
                closed = opened + dt.timedelta(days=int(rng.integers(3, 18)))
                deals.append((manager, opened, closed, bool(rng.random() < rate)))
            planned = 100_000 + int(rng.integers(0, 50_000))
            forecast.append((manager, client, month, f"{planned}.00"))
            shipped.append((client, month, f"{int(planned * rng.uniform(0.7, 1.1))}.00"))
    return {
        "deals": deals_table(deals),
        "forecast": forecast_table(forecast),
        "shipped": shipped_table(shipped),
        "clients": clients_table(clients),
    }
