"""The statistical baseline of the forecast grid: fit a BTYD model on the order history and
store each motivated client's expected orders and amount for each of the next 12 months.

By default the model is chosen by a rolling backtest on the company's own history
(``upsell.analytics.btyd.backtest``): each candidate (BG/NBD, Pareto/NBD, the historic rate,
last year's same months) forecasts the year after each of the last origins that leave a year
of history before them, and the eligible one with the lowest error on what was then shipped
wins. A BTYD fit that is not identifiable is never used: the backtest rules it out, and a
forecast asked for it falls back to the historic rate and says why.

A BTYD model or the historic rate (``upsell.analytics.btyd``) gives each client's expected
orders and spend over the whole horizon; months take their share of it by their length and,
where the history covers two full years, by the season (each calendar month's share of the
sales of the client's segment where the segment has enough clients and history to show one,
else of the company's). Last year's same months need no season: each month repeats what the
client bought in that month a year before. The range is the 80 % band of a Poisson count
around the expected orders. For a client that plans a purchase budget, the months of its
budget year never add up to more than the budget it has left (the budget is all it means to
buy, from us and from the competitors together).
"""

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Sum
from django.db.models.functions import ExtractYear

from upsell.analytics.btyd.backtest import BacktestScore, forecast_chosen
from upsell.analytics.btyd.forecast import MODEL_NAMES, ModelName
from upsell.analytics.btyd.summary import transactions_from_table
from upsell.analytics.btyd.types import FloatArray
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.money import KOPECK
from upsell.core.months import month_add, month_start
from upsell.forecasts.services import BaselineRow, forecast_baselines_replace
from upsell.reporting.snapshots import orders_snapshot
from upsell.shipments.models import Shipment

HORIZON_MONTHS = 12
# Seasonality is trusted only from this many full years of history.
SEASON_MIN_YEARS = 2
# A segment gets a season of its own from this many clients with orders; a smaller one would
# read its few clients' habits as a season.
SEGMENT_SEASON_MIN_CLIENTS = 20
# The two-sided 80 % band of a normal approximation to the Poisson count of orders.
Z_80 = 1.2816
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
    """The 12 months after the month of ``as_of``."""
    first = month_add(month_start(as_of), 1)
    return [month_add(first, index) for index in range(HORIZON_MONTHS)]


def _month_end(month: dt.date) -> dt.date:
    return month_add(month, 1) - dt.timedelta(days=1)


def seasonal_profile(*, orders: pa.Table, as_of: dt.date) -> FloatArray | None:
    """Each calendar month's sales relative to an average month (12 values, mean 1), from the
    last full years before ``as_of``; None when there are fewer than two of them or a month
    sold nothing (a profile with a zero would forecast nothing in that month forever)."""
    # Full months only: the month of as_of counts once as_of is its last day.
    end = month_add(month_start(as_of), 1) if as_of == _month_end(as_of) else month_start(as_of)
    dates = orders.column("date")
    first_order = pc.min(dates).as_py()
    if first_order is None:
        return None
    years = (end.year * 12 + end.month - (first_order.year * 12 + first_order.month)) // 12
    if years < SEASON_MIN_YEARS:
        return None
    start = dt.date(end.year - years, end.month, 1)
    window = orders.filter(
        pc.and_(pc.greater_equal(dates, pa.scalar(start)), pc.less(dates, pa.scalar(end)))
    )
    months = pc.month(window.column("date")).to_numpy(zero_copy_only=False)
    amounts = pc.cast(window.column("amount"), pa.float64()).to_numpy(zero_copy_only=False)
    totals = np.bincount(months - 1, weights=amounts, minlength=12)
    if (totals <= 0).any():
        return None
    profile: FloatArray = totals / totals.mean()
    return profile


def segment_profiles(
    *, orders: pa.Table, as_of: dt.date, segments: dict[int, str]
) -> dict[str, FloatArray]:
    """The seasonal profile of every segment that has enough clients and history for one."""
    members: dict[str, list[int]] = {}
    for client_id in np.unique(orders.column("client_id").to_numpy()).tolist():
        segment = segments.get(client_id, "")
        if segment:
            members.setdefault(segment, []).append(client_id)
    profiles = {}
    for segment, ids in sorted(members.items()):
        if len(ids) < SEGMENT_SEASON_MIN_CLIENTS:
            continue
        profile = seasonal_profile(
            orders=orders.filter(pc.is_in(orders.column("client_id"), pa.array(ids))),
            as_of=as_of,
        )
        if profile is not None:
            profiles[segment] = profile
    return profiles


def _month_weights(
    *, as_of: dt.date, months: list[dt.date], profile: FloatArray | None
) -> FloatArray:
    """Each month's share of the model's horizon (as_of, last month's end]: its length over
    the horizon's, bent by the season. The days left in the current month belong to no cell."""
    horizon_days = (_month_end(months[-1]) - as_of).days
    days = np.array([(month_add(month, 1) - month).days for month in months], dtype=np.float64)
    weights = days / horizon_days
    if profile is not None:
        season = profile[[month.month - 1 for month in months]]
        # Reshaping by season keeps the 12 months' total as the model has it.
        weights = weights * season * (weights.sum() / (weights * season).sum())
    return weights


@dataclass(frozen=True, kw_only=True)
class Seasons:
    """Each client's months' shares of the horizon, and which seasons made them."""

    weights: FloatArray  # one row per client, one column per month
    company: bool  # the company's season applies (else the months' length alone)
    segments: tuple[str, ...]  # the segments with a season of their own


def client_seasons(
    *, orders: pa.Table, as_of: dt.date, months: list[dt.date], clients: np.ndarray
) -> Seasons:
    """The months' shares for each client: its segment's season where the segment has one,
    else the company's, else the months' length alone."""
    profile = seasonal_profile(orders=orders, as_of=as_of)
    segments = dict(Client.objects.exclude(segment="").values_list("id", "segment"))
    by_segment = (
        segment_profiles(orders=orders, as_of=as_of, segments=segments)
        if profile is not None
        else {}
    )
    company_weights = _month_weights(as_of=as_of, months=months, profile=profile)
    segment_weights = {
        segment: _month_weights(as_of=as_of, months=months, profile=segment_profile)
        for segment, segment_profile in by_segment.items()
    }
    weights = np.array(
        [
            segment_weights.get(segments.get(int(client_id), ""), company_weights)
            for client_id in clients
        ]
    ).reshape(len(clients), len(months))
    return Seasons(weights=weights, company=profile is not None, segments=tuple(by_segment))


def _range(amount: float, orders: float) -> tuple[float, float]:
    if orders <= 0 or amount <= 0:
        return 0.0, 0.0
    spread = Z_80 / math.sqrt(orders)
    return amount * max(0.0, 1 - spread), amount * (1 + spread)


def _decimal(value: float, quantum: Decimal) -> Decimal:
    return Decimal(max(float(value), 0.0)).quantize(quantum)


def _budget_room(*, as_of: dt.date) -> dict[int, tuple[int, Decimal]]:
    """For each motivated client that plans a budget: its budget year and what is left of the
    budget after its purchases of that year up to ``as_of``."""
    budgets = {
        client_id: (year, budget)
        for client_id, year, budget in Client.objects.filter(
            motivated_q(), plans_budget=True, annual_budget__isnull=False
        ).values_list("id", "budget_year", "annual_budget")
        if year is not None and budget is not None
    }
    spent = {
        (client_id, year): total
        for client_id, year, total in Shipment.objects.filter(
            client_id__in=list(budgets), date__lte=as_of
        )
        .annotate(year=ExtractYear("date"))
        .values_list("client_id", "year")
        .annotate(total=Sum("total"))
        .values_list("client_id", "year", "total")
    }
    return {
        client_id: (year, max(budget - spent.get((client_id, year), Decimal(0)), Decimal(0)))
        for client_id, (year, budget) in budgets.items()
    }


def last_year_months(
    *, orders: pa.Table, clients: np.ndarray, months: list[dt.date]
) -> tuple[FloatArray, FloatArray]:
    """Each client's orders and amount in the same month a year before each of ``months``
    (one row per client, one column per month): the "last year's same month" forecast."""
    index = {int(client_id): row for row, client_id in enumerate(clients)}
    counts = np.zeros((len(clients), len(months)))
    amounts = np.zeros((len(clients), len(months)))
    column_of = {
        (month.year - 1) * 12 + month.month - 1: column for column, month in enumerate(months)
    }
    dates = orders.column("date")
    keys = pc.add(pc.multiply(pc.year(dates), 12), pc.subtract(pc.month(dates), 1))
    grouped = (
        pa.table(
            {
                "client_id": orders.column("client_id"),
                "key": keys,
                "amount": pc.cast(orders.column("amount"), pa.float64()),
            }
        )
        .group_by(["client_id", "key"])
        .aggregate([("amount", "sum"), ("amount", "count")])
    )
    for client_id, key, total, count in zip(
        grouped.column("client_id").to_pylist(),
        grouped.column("key").to_pylist(),
        grouped.column("amount_sum").to_pylist(),
        grouped.column("amount_count").to_pylist(),
        strict=True,
    ):
        row, column = index.get(client_id), column_of.get(key)
        if row is not None and column is not None:
            counts[row, column] = count
            amounts[row, column] = max(total, 0.0)
    return counts, amounts


def baseline_rows(
    *,
    months: list[dt.date],
    clients: np.ndarray,
    month_orders: FloatArray,
    month_amounts: FloatArray,
    budget_room: dict[int, tuple[int, Decimal]],
) -> Iterator[BaselineRow]:
    """One row per client and month from each client's expected orders and amount per month
    (one row per client, one column per month), the budget bound applied."""
    for client_id, orders_row, amounts_row in zip(
        clients, month_orders, month_amounts, strict=True
    ):
        scale = np.ones(len(months))
        if client_id in budget_room:
            year, left = budget_room[client_id]
            in_year = np.array([month.year == year for month in months])
            planned = amounts_row[in_year].sum()
            if planned > float(left):
                scale[in_year] = float(left) / planned if planned > 0 else 0.0
        for index, month in enumerate(months):
            low, high = _range(amounts_row[index], orders_row[index])
            yield BaselineRow(
                client_id=int(client_id),
                month=month,
                expected_orders=_decimal(orders_row[index], ORDERS),
                amount=_decimal(amounts_row[index] * scale[index], KOPECK),
                low=_decimal(low * scale[index], KOPECK),
                high=_decimal(high * scale[index], KOPECK),
            )


def forecast_baselines_refresh(*, as_of: dt.date, model: BaselineModel = "auto") -> BaselineRefresh:
    """Refit on the history up to ``as_of`` and replace the baselines of the next 12 months;
    ``model="auto"`` chooses the model by backtest first."""
    months = horizon_months(as_of)
    motivated = np.array(
        list(Client.objects.filter(motivated_q()).values_list("id", flat=True)), dtype=np.int64
    )
    orders = orders_snapshot()
    orders = orders.filter(pc.less_equal(orders.column("date"), pa.scalar(as_of)))
    if orders.num_rows == 0 or motivated.size == 0:
        cells = forecast_baselines_replace(rows=[], months=months, model="")
        return BaselineRefresh(
            as_of=as_of,
            months=months,
            requested=model,
            model="",
            fallback_reason="",
            clients=0,
            cells=cells,
            seasonal=False,
        )
    history = pa.table(
        {
            "client_id": orders.column("client_id"),
            "date": orders.column("date"),
            "amount": pc.cast(orders.column("amount"), pa.float64()),
        }
    )
    transactions = transactions_from_table(
        table=history, customer_column="client_id", date_column="date", amount_column="amount"
    )
    horizon_end = _month_end(months[-1])
    forecast, scores = forecast_chosen(
        model=model,
        transactions=transactions,
        calibration_end=as_of,
        horizon_end=horizon_end,
        freq="W",
    )
    customers = forecast.summary.customer.astype(np.int64)
    keep = np.isin(customers, motivated)
    clients = customers[keep]
    seasons: Seasons | None = None
    if forecast.model == "last_year":
        # Each month repeats the client's own month a year before: no season to apply.
        month_orders, month_amounts = last_year_months(
            orders=orders, clients=clients, months=months
        )
    else:
        seasons = client_seasons(orders=orders, as_of=as_of, months=months, clients=clients)
        month_orders = forecast.prediction.expected_transactions[keep][:, None] * seasons.weights
        month_amounts = forecast.prediction.expected_spend[keep][:, None] * seasons.weights
    rows = baseline_rows(
        months=months,
        clients=clients,
        month_orders=month_orders,
        month_amounts=month_amounts,
        budget_room=_budget_room(as_of=as_of),
    )
    cells = forecast_baselines_replace(rows=rows, months=months, model=forecast.model)
    return BaselineRefresh(
        as_of=as_of,
        months=months,
        requested=model,
        model=forecast.model,
        fallback_reason=forecast.fallback_reason,
        clients=int(keep.sum()),
        cells=cells,
        seasonal=seasons is not None and seasons.company,
        seasonal_segments=() if seasons is None else seasons.segments,
        backtest=scores,
    )
