"""A forecast in calendar months: what the forecast grid's cells hold and the backtest scores.

A model forecasts each client's orders and spend over a horizon that runs from the as-of day to
the end of the 12th month after it. Months take their share of that by their length and, where
the history covers two full years, by the season: each calendar month's share of the sales of
the client's segment where the segment has enough clients and history to show one, else of the
company's. The days left in the as-of month belong to no month. Last year's same months need no
season: each month repeats what the client bought in that month a year before. The range is the
80 % band of a Poisson count around the expected orders. For a client that plans a purchase
budget, the months of its budget year never add up to more than the budget it has left (the
budget is all it means to buy, from us and from the competitors together).

The history is the contract's orders table (client, document, date, amount) up to the as-of day;
clients are their integer ids.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import cents_from_money, month_first_day, month_last_day, month_number
from upsell.analytics.btyd.forecast import ModelName
from upsell.analytics.btyd.summary import IntArray, Transactions, transactions_from_table
from upsell.analytics.btyd.types import FloatArray

HORIZON_MONTHS = 12
# Seasonality is trusted only from this many full years of history.
SEASON_MIN_YEARS = 2
# A segment gets a season of its own from this many clients with orders; a smaller one would
# read its few clients' habits as a season.
SEGMENT_SEASON_MIN_CLIENTS = 20
# The two-sided 80 % band of a normal approximation to the Poisson count of orders.
Z_80 = 1.2816


def horizon_months(*, as_of: dt.date) -> list[dt.date]:
    """The 12 months after the month of ``as_of``, each as its first day."""
    current = month_number(day=as_of)
    return [month_first_day(month=current + index) for index in range(1, HORIZON_MONTHS + 1)]


def horizon_end(*, months: list[dt.date]) -> dt.date:
    """The last day of the horizon: the end of its last month."""
    return month_last_day(month=month_number(day=months[-1]))


def history_until(*, orders: pa.Table, day: dt.date) -> pa.Table:
    """The orders dated up to ``day``, inclusive."""
    return orders.filter(pc.less_equal(orders.column("date"), pa.scalar(day, pa.date32())))


def orders_transactions(*, orders: pa.Table) -> Transactions:
    """The orders as the BTYD models take them: customers by client id, amounts as floats."""
    return transactions_from_table(
        table=pa.table(
            {
                "client_id": orders.column("client_id"),
                "date": orders.column("date"),
                "amount": pc.cast(orders.column("amount"), pa.float64()),
            }
        ),
        customer_column="client_id",
        date_column="date",
        amount_column="amount",
    )


def seasonal_profile(*, orders: pa.Table, as_of: dt.date) -> FloatArray | None:
    """Each calendar month's sales relative to an average month (12 values, mean 1), from the
    last full years before ``as_of``; None when there are fewer than two of them or a month
    sold nothing (a profile with a zero would forecast nothing in that month forever)."""
    current = month_number(day=as_of)
    # Full months only: the month of as_of counts once as_of is its last day.
    end = month_first_day(month=current + 1 if as_of == month_last_day(month=current) else current)
    dates = orders.column("date")
    first_order = pc.min(dates).as_py()
    if first_order is None:
        return None
    years = (month_number(day=end) - month_number(day=first_order)) // 12
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
    *, orders: pa.Table, as_of: dt.date, segments: Mapping[int, str]
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


def month_weights(
    *, as_of: dt.date, months: list[dt.date], profile: FloatArray | None
) -> FloatArray:
    """Each month's share of the model's horizon (as_of, last month's end]: its length over
    the horizon's, bent by the season. The days left in the current month belong to no month."""
    horizon_days = (horizon_end(months=months) - as_of).days
    days = np.array(
        [month_last_day(month=month_number(day=month)).day for month in months], dtype=np.float64
    )
    weights = days / horizon_days
    if profile is not None:
        season = profile[[month.month - 1 for month in months]]
        # Reshaping by season keeps the 12 months' total as the model has it.
        weights = weights * season * (weights.sum() / (weights * season).sum())
    return weights


@dataclass(frozen=True, kw_only=True, eq=False)
class Seasons:
    """Each client's months' shares of the horizon, and which seasons made them."""

    weights: FloatArray  # one row per client, one column per month
    company: bool  # the company's season applies (else the months' length alone)
    segments: tuple[str, ...]  # the segments with a season of their own


def client_seasons(
    *,
    orders: pa.Table,
    as_of: dt.date,
    months: list[dt.date],
    clients: IntArray,
    segments: Mapping[int, str],
) -> Seasons:
    """The months' shares for each client: its segment's season where the segment has one,
    else the company's, else the months' length alone."""
    profile = seasonal_profile(orders=orders, as_of=as_of)
    by_segment = (
        segment_profiles(orders=orders, as_of=as_of, segments=segments)
        if profile is not None
        else {}
    )
    company_weights = month_weights(as_of=as_of, months=months, profile=profile)
    segment_weights = {
        segment: month_weights(as_of=as_of, months=months, profile=segment_profile)
        for segment, segment_profile in by_segment.items()
    }
    weights = np.array(
        [
            segment_weights.get(segments.get(int(client_id), ""), company_weights)
            for client_id in clients
        ]
    ).reshape(len(clients), len(months))
    return Seasons(weights=weights, company=profile is not None, segments=tuple(by_segment))


def last_year_months(
    *, orders: pa.Table, clients: IntArray, months: list[dt.date]
) -> tuple[FloatArray, FloatArray]:
    """Each client's orders and amount in the same month a year before each of ``months``
    (one row per client, one column per month): the "last year's same month" forecast."""
    index = {int(client_id): row for row, client_id in enumerate(clients)}
    counts = np.zeros((len(clients), len(months)))
    amounts = np.zeros((len(clients), len(months)))
    column_of = {month_number(day=month) - 12: column for column, month in enumerate(months)}
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


@dataclass(frozen=True, kw_only=True, eq=False)
class Horizon:
    """The months after ``as_of`` to forecast for ``clients``, from the history up to it."""

    as_of: dt.date
    history: pa.Table  # the contract's orders, up to as_of
    clients: IntArray
    segments: Mapping[int, str]  # client id → segment, for every client with one

    @cached_property
    def months(self) -> list[dt.date]:
        return horizon_months(as_of=self.as_of)

    @cached_property
    def seasons(self) -> Seasons:
        # Computed once for all the models forecasting the same horizon.
        return client_seasons(
            orders=self.history,
            as_of=self.as_of,
            months=self.months,
            clients=self.clients,
            segments=self.segments,
        )


@dataclass(frozen=True, kw_only=True, eq=False)
class MonthlyForecast:
    """Each client's expected orders and amount per month (a row per client of the horizon,
    a column per month); ``seasons`` is None where the months repeat last year's."""

    orders: FloatArray
    amounts: FloatArray
    seasons: Seasons | None


def forecast_months(
    *,
    horizon: Horizon,
    model: ModelName,
    expected_orders: FloatArray,
    expected_amount: FloatArray,
) -> MonthlyForecast:
    """``model``'s forecast of each client of ``horizon`` in its months, from what the model
    expects of the client over the whole horizon (as_of, end of the last month]. Last year's
    same months take nothing from those totals: each month repeats its month a year before."""
    if model == "last_year":
        counts, amounts = last_year_months(
            orders=horizon.history, clients=horizon.clients, months=horizon.months
        )
        return MonthlyForecast(orders=counts, amounts=amounts, seasons=None)
    seasons = horizon.seasons
    return MonthlyForecast(
        orders=expected_orders[:, None] * seasons.weights,
        amounts=expected_amount[:, None] * seasons.weights,
        seasons=seasons,
    )


def poisson_band(*, amounts: FloatArray, orders: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The low and high ends of each amount's 80 % band: the Poisson count of its expected
    orders, ± Z_80 standard deviations, scales the amount. Nothing expected has no band."""
    expected = (orders > 0) & (amounts > 0)
    root = np.sqrt(orders, where=expected, out=np.ones_like(orders))
    spread = np.divide(Z_80, root, where=expected, out=np.zeros_like(orders))
    low = np.where(expected, amounts * np.maximum(0.0, 1 - spread), 0.0)
    high = np.where(expected, amounts * (1 + spread), 0.0)
    return low, high


@dataclass(frozen=True, kw_only=True)
class BudgetRoom:
    """What a client that plans a purchase budget has left of it in its budget year."""

    year: int
    left: float


def budget_rooms(*, budgets: pa.Table) -> dict[int, BudgetRoom]:
    """For each client of the contract's budgets table: its budget year and its budget less
    what it bought in that year (never below nothing)."""
    # Kopecks: the budget less its purchases is exact, as on the ledger.
    return {
        client_id: BudgetRoom(year=year, left=max(budget - bought, 0) / 100)
        for client_id, year, budget, bought in zip(
            budgets.column("client_id").to_pylist(),
            budgets.column("budget_year").to_pylist(),
            cents_from_money(column=budgets.column("annual_budget")).to_pylist(),
            cents_from_money(column=budgets.column("bought")).to_pylist(),
            strict=True,
        )
    }


def month_budget_rooms(*, left: pa.Table) -> dict[int, dict[dt.date, float]]:
    """For each client of the contract's month budgets left: what is left of each month it
    planned."""
    rooms: dict[int, dict[dt.date, float]] = {}
    for client_id, month, cents in zip(
        left.column("client_id").to_pylist(),
        left.column("month").to_pylist(),
        cents_from_money(column=left.column("left")).to_pylist(),
        strict=True,
    ):
        rooms.setdefault(client_id, {})[month] = cents / 100
    return rooms


def budget_scale(
    *,
    months: list[dt.date],
    clients: IntArray,
    amounts: FloatArray,
    rooms: Mapping[int, BudgetRoom],
    month_rooms: Mapping[int, Mapping[dt.date, float]],
) -> FloatArray:
    """The factor of each client's months (a row per client, a column per month) that holds
    them to the client's budget; 1 where nothing binds.

    A client that planned its budget year by month has each planned month held to what is left
    of that month's budget; any other budgeting client has the months of its budget year held
    together to what is left of its annual budget."""
    scale = np.ones_like(amounts)
    years = np.array([month.year for month in months])
    for row, client_id in enumerate(clients.tolist()):
        by_month = month_rooms.get(client_id)
        if by_month:
            for column, month in enumerate(months):
                left = by_month.get(month)
                if left is not None and amounts[row, column] > left:
                    scale[row, column] = left / amounts[row, column]
            continue
        room = rooms.get(client_id)
        if room is None:
            continue
        in_year = years == room.year
        planned = amounts[row][in_year].sum()
        if planned > room.left:
            scale[row, in_year] = room.left / planned if planned > 0 else 0.0
    return scale
