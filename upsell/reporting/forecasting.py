"""The statistical baseline of the forecast grid: refit on the order history and store each
motivated client's expected orders and amount for each of the next 12 months.

This module reads what the analytics need and stores what they give: the order history, the
budgets with what each budgeting client bought in its budget year, and the months of the
clients that planned their budget year by month, as the contract's Arrow tables
(``reporting.snapshots``); the clients' segments and which clients are motivated. What is left
of each planned month is computed on DuckDB (``upsell.analytics.budgets``).
``upsell.analytics.btyd.baseline`` chooses the model by a backtest of the grid's months, fits
it and spreads it over the months with their seasons, bands and budget bounds; the cells are
stored through ``forecasts.services`` in the database's numbers (orders to the thousandth,
money to the kopeck).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from upsell.analytics.btyd import monthly
from upsell.analytics.btyd.backtest import BacktestScore
from upsell.analytics.btyd.baseline import Baseline, baseline_forecast
from upsell.analytics.btyd.forecast import MODEL_NAMES, ModelName
from upsell.analytics.budgets import month_budgets_left
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.money import money_round
from upsell.forecasts.services import BaselineRow, forecast_baselines_replace
from upsell.reporting.snapshots import budgets_snapshot, month_budgets_snapshot, orders_snapshot

ORDERS = Decimal("0.001")

BaselineModel = ModelName | Literal["auto"]
BASELINE_MODELS: tuple[BaselineModel, ...] = ("auto", *MODEL_NAMES)


@dataclass(frozen=True, kw_only=True)
class BaselineRefresh:
    as_of: dt.date
    months: list[dt.date]
    requested: BaselineModel
    model: str
    fallback_reason: str
    clients: int
    cells: int
    seasonal: bool
    # The segments whose own seasonal profile was used (the others follow the company's).
    seasonal_segments: tuple[str, ...] = ()
    # The candidates' backtest errors when the model was chosen by backtest, else empty.
    backtest: tuple[BacktestScore, ...] = ()


def horizon_months(as_of: dt.date) -> list[dt.date]:
    """The 12 months after the month of ``as_of``: the months a refresh fills."""
    return monthly.horizon_months(as_of=as_of)


def _orders(value: float) -> Decimal:
    return Decimal(max(value, 0.0)).quantize(ORDERS)


def _money(value: float) -> Decimal:
    return money_round(Decimal(max(value, 0.0)))


def baseline_rows(*, baseline: Baseline) -> Iterator[BaselineRow]:
    """One row per client and month of ``baseline``, in the database's numbers."""
    for client_id, orders, amounts, lows, highs in zip(
        baseline.clients.tolist(),
        baseline.expected_orders.tolist(),
        baseline.amounts.tolist(),
        baseline.low.tolist(),
        baseline.high.tolist(),
        strict=True,
    ):
        for month, expected, amount, low, high in zip(
            baseline.months, orders, amounts, lows, highs, strict=True
        ):
            yield BaselineRow(
                client_id=client_id,
                month=month,
                expected_orders=_orders(expected),
                amount=_money(amount),
                low=_money(low),
                high=_money(high),
            )


def forecast_baselines_refresh(*, as_of: dt.date, model: BaselineModel = "auto") -> BaselineRefresh:
    """Refit on the history up to ``as_of`` and replace the baselines of the next 12 months;
    ``model="auto"`` chooses the model by backtest first."""
    orders = orders_snapshot()
    baseline = baseline_forecast(
        orders=orders,
        budgets=budgets_snapshot(as_of=as_of),
        month_budgets_left=month_budgets_left(
            orders=orders, month_budgets=month_budgets_snapshot(), as_of=as_of
        ),
        segments=dict(Client.objects.exclude(segment="").values_list("id", "segment")),
        clients=np.array(
            list(Client.objects.filter(motivated_q()).values_list("id", flat=True)),
            dtype=np.int64,
        ),
        as_of=as_of,
        model=model,
    )
    cells = forecast_baselines_replace(
        rows=baseline_rows(baseline=baseline), months=baseline.months, model=baseline.model or ""
    )
    return BaselineRefresh(
        as_of=as_of,
        months=baseline.months,
        requested=model,
        model=baseline.model or "",
        fallback_reason=baseline.fallback_reason,
        clients=len(baseline.clients),
        cells=cells,
        seasonal=baseline.seasonal,
        seasonal_segments=baseline.seasonal_segments,
        backtest=baseline.backtest,
    )
