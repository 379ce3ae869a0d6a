"""The forecast grid's statistical baseline: each client's expected orders and amount, with
their 80 % band, in each of the 12 months after the as-of day.

By default the model is chosen by a backtest of the grid's own months (``months_backtest``):
each candidate (BG/NBD, Pareto/NBD, the historic rate, last year's same months) replays the
refresh on the same day of an earlier month, a year apart, whose 12 months had all passed by
the as-of day, fills those months with the code that fills the cells, and is scored on what
was then shipped in them; the eligible one with the lowest error wins. A BTYD fit that is not
identifiable is never used: the backtest rules it out, and a forecast asked for it falls back
to the historic rate and says why. The chosen model is fitted on the whole history and its
forecast spread over the months (``upsell.analytics.btyd.monthly``).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa

from upsell.analytics.btyd.backtest import BacktestScore, forecast_chosen, months_backtest
from upsell.analytics.btyd.forecast import ModelName
from upsell.analytics.btyd.monthly import (
    Horizon,
    budget_rooms,
    budget_scale,
    forecast_months,
    history_until,
    horizon_end,
    horizon_months,
    month_budget_rooms,
    orders_transactions,
    poisson_band,
)
from upsell.analytics.btyd.summary import Freq, IntArray
from upsell.analytics.btyd.types import FloatArray
from upsell.analytics.contracts import (
    BUDGETS_SCHEMA,
    MONTH_BUDGETS_LEFT_SCHEMA,
    ORDERS_SCHEMA,
    table_conform,
)

# A client's documents of one week are one purchase: a delivery split over several days is
# still one order to the models.
BASELINE_FREQ: Freq = "W"


@dataclass(frozen=True, kw_only=True, eq=False)
class Baseline:
    """Each client's months (a row per client of ``clients``, a column per month of
    ``months``): expected orders, amount and its band, a budget's bound applied to the money.

    ``model`` is None when there was nothing to fit: no order by the as-of day, or no client.
    """

    months: list[dt.date]
    clients: IntArray
    expected_orders: FloatArray
    amounts: FloatArray
    low: FloatArray
    high: FloatArray
    requested: ModelName | Literal["auto"]
    model: ModelName | None
    fallback_reason: str
    # The candidates' backtest errors when the model was chosen by backtest, else empty.
    backtest: tuple[BacktestScore, ...]
    seasonal: bool  # the company's season shaped the months
    seasonal_segments: tuple[str, ...]  # the segments whose own season shaped their clients'


def baseline_forecast(
    *,
    orders: pa.Table,
    budgets: pa.Table,
    month_budgets_left: pa.Table,
    segments: Mapping[int, str],
    clients: IntArray,
    as_of: dt.date,
    model: ModelName | Literal["auto"],
) -> Baseline:
    """Fit on the ``orders`` up to ``as_of`` (the contract's orders table) and forecast each of
    ``clients`` that had bought by then over the 12 months after the month of ``as_of``;
    ``model="auto"`` chooses the model by backtest first. ``budgets`` is the contract's budgets
    table: a client that plans a budget is held to what is left of it, each month it planned
    to what is left of that month's budget (``month_budgets_left``, the contract's month
    budgets left, ``upsell.analytics.budgets``). ``segments`` names the
    segment of every client that has one (all clients, not only those forecast: a segment's
    season comes from all its clients)."""
    months = horizon_months(as_of=as_of)
    history = history_until(
        orders=table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders"), day=as_of
    )
    if history.num_rows == 0 or clients.size == 0:
        nothing = np.zeros((0, len(months)))
        return Baseline(
            months=months,
            clients=np.zeros(0, dtype=np.int64),
            expected_orders=nothing,
            amounts=nothing,
            low=nothing,
            high=nothing,
            requested=model,
            model=None,
            fallback_reason="",
            backtest=(),
            seasonal=False,
            seasonal_segments=(),
        )
    forecast, scores = forecast_chosen(
        model=model,
        transactions=orders_transactions(orders=history),
        calibration_end=as_of,
        horizon_end=horizon_end(months=months),
        freq=BASELINE_FREQ,
        backtest=lambda: months_backtest(
            orders=history, as_of=as_of, segments=segments, freq=BASELINE_FREQ
        ),
    )
    customers = forecast.summary.customer.astype(np.int64)
    keep = np.isin(customers, clients)
    horizon = Horizon(as_of=as_of, history=history, clients=customers[keep], segments=segments)
    monthly = forecast_months(
        horizon=horizon,
        model=forecast.model,
        expected_orders=forecast.prediction.expected_transactions[keep],
        expected_amount=forecast.prediction.expected_spend[keep],
    )
    low, high = poisson_band(amounts=monthly.amounts, orders=monthly.orders)
    scale = budget_scale(
        months=months,
        clients=horizon.clients,
        amounts=monthly.amounts,
        rooms=budget_rooms(
            budgets=table_conform(table=budgets, schema=BUDGETS_SCHEMA, name="budgets")
        ),
        month_rooms=month_budget_rooms(
            left=table_conform(
                table=month_budgets_left,
                schema=MONTH_BUDGETS_LEFT_SCHEMA,
                name="month_budgets_left",
            )
        ),
    )
    return Baseline(
        months=months,
        clients=horizon.clients,
        expected_orders=monthly.orders,
        amounts=monthly.amounts * scale,
        low=low * scale,
        high=high * scale,
        requested=model,
        model=forecast.model,
        fallback_reason=forecast.fallback_reason,
        backtest=scores,
        seasonal=monthly.seasons is not None and monthly.seasons.company,
        seasonal_segments=() if monthly.seasons is None else monthly.seasons.segments,
    )
