"""How a coaching period changed the coached manager's figures, against the managers not
coached: a difference in differences with a bootstrap interval.

The months. A period of the coached manager runs from its first to its last day; N, the months
measured on each side, is its length in months (days ÷ 30.44) rounded, at least 1 and at most
3. "Before" is the N calendar months just before the month the period starts in; "after" is the
N months from that month on, of which only those complete before the day measured count. The
controls are the managers of the ``managers`` table that have no coaching period touching any
day from the first month before to the last month after.

The figures, each over a side's months (``upsell.analytics.coaching.figures``):

- deal win rate, in percent: deals won ÷ deals won or lost, by the month they closed in;
- deal cycle, days: the mean of closing day − opening day over the deals won;
- forecast attainment, in percent: shipped to the forecast's clients ÷ the locked forecast;
- motivated revenue growth, in percent: the mean monthly revenue of the manager's motivated
  clients after ÷ before, less one. Its side values are the two monthly means, in money.

A manager's change is after − before for the first three and the growth itself for the last.
The effect is the coached manager's change less the mean change of the controls that have the
figure on both sides (percentage points for the rates and the growth, days for the cycle).

How sure it is comes from the bootstrap, ``DEFAULT_RESAMPLES`` times from a seed made of the
period's dates and the figure (never of a database id, which differs between two databases
holding the same data), so that a period's interval is the same every night on the same data: the
coached manager's closed deals on each side are drawn again with replacement (its months, for
the two money figures), and the controls are drawn again with replacement as a whole; the
middle 90 % of the effects is the interval. A coached side that ends up without a deal won or a
month of forecast gives no effect and is left out of the draws.

"Too little data" instead of an effect, as a reason the page puts in words: its code, the side
("before" or "after", empty when both), the number found and the least needed, joined by colons
(``few_closed:after:3:5``). The codes: ``no_month_after``, no complete month after the start
yet; ``few_controls``, fewer than ``DEFAULT_MIN_CONTROLS`` controls with the figure;
``few_closed`` / ``few_won``, fewer than ``DEFAULT_MIN_DEALS`` deals closed (for the cycle: won)
on a side of the coached manager; ``no_forecast``, no locked forecast on a side;
``no_motivated``, no motivated revenue before the start.
"""

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from upsell.analytics.arrow import cents_from_money, month_number, months_from_dates
from upsell.analytics.coaching.contracts import (
    CLOSED_DEALS_SCHEMA,
    EFFECTS_SCHEMA,
    MANAGER_MONTHS_SCHEMA,
    MANAGERS_SCHEMA,
    PERIODS_SCHEMA,
)
from upsell.analytics.contracts import table_conform

FloatArray = npt.NDArray[np.float64]

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.9
DEFAULT_MIN_CONTROLS = 2
DEFAULT_MIN_DEALS = 5
MAX_MONTHS = 3
DAYS_PER_MONTH = 30.44


class Metric(StrEnum):
    WIN_RATE = "win_rate"
    CYCLE_DAYS = "cycle_days"
    ATTAINMENT = "attainment"
    MOTIVATED_GROWTH = "motivated_growth"


def months_measured(*, starts_on: dt.date, ends_on: dt.date) -> int:
    """N: the period's length in months, rounded, from 1 to ``MAX_MONTHS``."""
    length = ((ends_on - starts_on).days + 1) / DAYS_PER_MONTH
    return max(1, min(MAX_MONTHS, math.floor(length + 0.5)))


@dataclass(frozen=True, kw_only=True, eq=False)
class _Months:
    """One manager's figures over months (month numbers ascending), kopecks as floats."""

    month: npt.NDArray[np.int64]
    closed: FloatArray
    won: FloatArray
    won_days: FloatArray
    forecast: FloatArray
    attained: FloatArray
    motivated: FloatArray

    def span(self, *, first: int, stop: int) -> "_Months":
        rows = (self.month >= first) & (self.month < stop)
        return _Months(**{name: getattr(self, name)[rows] for name in _MONTH_FIELDS})


_MONTH_FIELDS = ("month", "closed", "won", "won_days", "forecast", "attained", "motivated")


@dataclass(frozen=True, kw_only=True, eq=False)
class _Deals:
    """One manager's closed deals: their month number, whether won, their days."""

    month: npt.NDArray[np.int64]
    won: npt.NDArray[np.bool_]
    days: FloatArray

    def span(self, *, first: int, stop: int) -> "_Deals":
        rows = (self.month >= first) & (self.month < stop)
        return _Deals(month=self.month[rows], won=self.won[rows], days=self.days[rows])


def _ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    return None if denominator <= 0 else scale * numerator / denominator


def _value(metric: Metric, months: _Months, count: int) -> float | None:
    """A side's figure from its months; ``count`` is the number of months on the side (the
    money figures' mean counts a month without a row as a month of nothing)."""
    if metric is Metric.WIN_RATE:
        return _ratio(months.won.sum(), months.closed.sum(), 100.0)
    if metric is Metric.CYCLE_DAYS:
        return _ratio(months.won_days.sum(), months.won.sum())
    if metric is Metric.ATTAINMENT:
        return _ratio(months.attained.sum(), months.forecast.sum(), 100.0)
    return float(months.motivated.sum()) / 100 / count


def _change(metric: Metric, before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    if metric is Metric.MOTIVATED_GROWTH:
        return None if before <= 0 else (after / before - 1) * 100
    return after - before


def _deal_values(metric: Metric, won: npt.NDArray[np.bool_], days: FloatArray) -> FloatArray:
    """The side's figure for each row of draws of its deals (NaN without a deal won)."""
    if metric is Metric.WIN_RATE:
        result: FloatArray = won.mean(axis=-1) * 100.0
        return result
    count = won.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cycle: FloatArray = np.where(count > 0, (days * won).sum(axis=-1) / count, np.nan)
    return cycle


@dataclass(frozen=True, kw_only=True)
class _Setting:
    resamples: int
    confidence: float
    min_controls: int
    min_deals: int


def _month_draws(
    metric: Metric, months: _Months, count: int, rng: np.random.Generator, resamples: int
) -> FloatArray:
    """A money figure of a side for each draw of its ``count`` months (a month without a row
    is a month of nothing)."""
    padded = {
        name: np.concatenate([getattr(months, name), np.zeros(count - months.month.size)])
        for name in ("forecast", "attained", "motivated")
    }
    rows = rng.integers(0, count, size=(resamples, count))
    if metric is Metric.ATTAINMENT:
        forecast = padded["forecast"][rows].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            values: FloatArray = np.where(
                forecast > 0, padded["attained"][rows].sum(axis=1) / forecast * 100.0, np.nan
            )
        return values
    means: FloatArray = padded["motivated"][rows].sum(axis=1) / 100 / count
    return means


def _coached_draws(
    *,
    metric: Metric,
    before: tuple[_Months, _Deals],
    after: tuple[_Months, _Deals],
    months: tuple[int, int],
    rng: np.random.Generator,
    resamples: int,
) -> FloatArray:
    """The coached manager's change for each draw of its deals (or months)."""
    sides = []
    for (side_months, side_deals), count in zip((before, after), months, strict=True):
        if metric in (Metric.WIN_RATE, Metric.CYCLE_DAYS):
            rows = rng.integers(0, side_deals.won.size, size=(resamples, side_deals.won.size))
            sides.append(_deal_values(metric, side_deals.won[rows], side_deals.days[rows]))
        else:
            sides.append(_month_draws(metric, side_months, count, rng, resamples))
    first, second = sides
    if metric is Metric.MOTIVATED_GROWTH:
        with np.errstate(invalid="ignore", divide="ignore"):
            growth: FloatArray = np.where(first > 0, (second / first - 1) * 100, np.nan)
        return growth
    change: FloatArray = second - first
    return change


def too_little_reason(code: str, side: str = "", found: int = 0, needed: int = 0) -> str:
    """The reason a figure has no effect, as the module's docstring writes it."""
    return f"{code}:{side}:{found}:{needed}"


def _too_little_coached(
    metric: Metric, before: tuple[_Months, _Deals], after: tuple[_Months, _Deals], setting: _Setting
) -> str:
    for side, (months, deals) in (("before", before), ("after", after)):
        closed, won = int(deals.won.size), int(deals.won.sum())
        if metric is Metric.WIN_RATE and closed < setting.min_deals:
            return too_little_reason("few_closed", side, closed, setting.min_deals)
        if metric is Metric.CYCLE_DAYS and won < setting.min_deals:
            return too_little_reason("few_won", side, won, setting.min_deals)
        if metric is Metric.ATTAINMENT and months.forecast.sum() <= 0:
            return too_little_reason("no_forecast", side)
        if metric is Metric.MOTIVATED_GROWTH and side == "before" and months.motivated.sum() <= 0:
            return too_little_reason("no_motivated", side)
    return ""


@dataclass(frozen=True, kw_only=True)
class _Inputs:
    months: dict[int, _Months]
    deals: dict[int, _Deals]
    managers: list[int]

    def of(self, manager: int) -> tuple[_Months, _Deals]:
        empty_months = _Months(
            month=np.zeros(0, dtype=np.int64),
            **{name: np.zeros(0) for name in _MONTH_FIELDS if name != "month"},
        )
        empty_deals = _Deals(
            month=np.zeros(0, dtype=np.int64), won=np.zeros(0, dtype=bool), days=np.zeros(0)
        )
        return self.months.get(manager, empty_months), self.deals.get(manager, empty_deals)


def _split(table: pa.Table, build: Callable[[dict[str, np.ndarray]], object]) -> dict[int, object]:
    managers = table.column("manager_id").to_numpy()
    columns = {name: table.column(name) for name in table.column_names if name != "manager_id"}
    arrays: dict[str, np.ndarray] = {}
    for name, column in columns.items():
        if name == "month":
            arrays[name] = months_from_dates(column=column).to_numpy().astype(np.int64)
        elif pa.types.is_decimal(column.type):
            arrays[name] = cents_from_money(column=column).to_numpy()
        else:
            arrays[name] = column.to_numpy()
    split = {}
    for manager in np.unique(managers).tolist():
        rows = managers == manager
        split[manager] = build({name: values[rows] for name, values in arrays.items()})
    return split


def _inputs(*, figures: pa.Table, closed_deals: pa.Table, managers: pa.Table) -> _Inputs:
    figures = table_conform(table=figures, schema=MANAGER_MONTHS_SCHEMA, name="figures")
    closed_deals = table_conform(table=closed_deals, schema=CLOSED_DEALS_SCHEMA, name="deals")
    managers = table_conform(table=managers, schema=MANAGERS_SCHEMA, name="managers")
    months = _split(
        figures.sort_by([("manager_id", "ascending"), ("month", "ascending")]),
        lambda arrays: _Months(
            month=arrays["month"],
            **{name: arrays[name].astype(np.float64) for name in _MONTH_FIELDS[1:]},
        ),
    )
    deals = _split(
        closed_deals,
        lambda arrays: _Deals(
            month=arrays["month"],
            won=arrays["won"].astype(bool),
            days=arrays["days"].astype(np.float64),
        ),
    )
    return _Inputs(
        months=months,  # type: ignore[arg-type]
        deals=deals,  # type: ignore[arg-type]
        managers=sorted(set(managers.column("manager_id").to_pylist())),
    )


def _interval(draws: FloatArray, confidence: float) -> tuple[float | None, float | None]:
    kept = draws[~np.isnan(draws)]
    if not kept.size:
        return None, None
    tail = (1 - confidence) / 2
    low, high = np.quantile(kept, [tail, 1 - tail]).tolist()
    return float(low), float(high)


def _period_effects(
    *,
    period_id: int,
    manager: int,
    starts_on: dt.date,
    ends_on: dt.date,
    controls: list[int],
    inputs: _Inputs,
    as_of: dt.date,
    setting: _Setting,
) -> Iterable[dict[str, object]]:
    months = months_measured(starts_on=starts_on, ends_on=ends_on)
    start = month_number(day=starts_on)
    first_before = start - months
    stop = min(start + months, month_number(day=as_of))
    months_after = max(0, stop - start)

    def sides(who: int) -> tuple[tuple[_Months, _Deals], tuple[_Months, _Deals]]:
        figures, deals = inputs.of(who)
        return (
            (
                figures.span(first=first_before, stop=start),
                deals.span(first=first_before, stop=start),
            ),
            (figures.span(first=start, stop=stop), deals.span(first=start, stop=stop)),
        )

    coached_before, coached_after = sides(manager)
    for number, metric in enumerate(Metric):
        row: dict[str, object] = {
            "period_id": period_id,
            "metric": metric.value,
            "months": months,
            "months_after": months_after,
            "control_managers": 0,
            "too_little": "",
        }
        if not months_after:
            yield row | {"too_little": too_little_reason("no_month_after")}
            continue
        before_value = _value(metric, coached_before[0], months)
        after_value = _value(metric, coached_after[0], months_after)
        control_values = []
        for control in controls:
            before, after = sides(control)
            values = (_value(metric, before[0], months), _value(metric, after[0], months_after))
            change = _change(metric, *values)
            if change is not None and values[0] is not None and values[1] is not None:
                control_values.append((values[0], values[1], change))
        row |= {
            "coached_before": before_value,
            "coached_after": after_value,
            "control_managers": len(control_values),
        }
        if control_values:
            row |= {
                "control_before": float(np.mean([value[0] for value in control_values])),
                "control_after": float(np.mean([value[1] for value in control_values])),
            }
        too_little = _too_little_coached(metric, coached_before, coached_after, setting)
        if not too_little and len(control_values) < setting.min_controls:
            too_little = too_little_reason(
                "few_controls", "", len(control_values), setting.min_controls
            )
        coached_change = _change(metric, before_value, after_value)
        if too_little or coached_change is None:
            yield row | {"too_little": too_little or too_little_reason("undefined")}
            continue
        changes = np.array([value[2] for value in control_values])
        rng = np.random.default_rng([starts_on.toordinal(), ends_on.toordinal(), number])
        coached_draws = _coached_draws(
            metric=metric,
            before=coached_before,
            after=coached_after,
            months=(months, months_after),
            rng=rng,
            resamples=setting.resamples,
        )
        drawn = rng.integers(0, changes.size, size=(setting.resamples, changes.size))
        low, high = _interval(coached_draws - changes[drawn].mean(axis=1), setting.confidence)
        yield row | {
            "effect": coached_change - float(changes.mean()),
            "effect_low": low,
            "effect_high": high,
        }


def coaching_effects(
    *,
    figures: pa.Table,
    closed_deals: pa.Table,
    managers: pa.Table,
    periods: pa.Table,
    as_of: dt.date,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    min_controls: int = DEFAULT_MIN_CONTROLS,
    min_deals: int = DEFAULT_MIN_DEALS,
) -> pa.Table:
    """One row per period and figure (``EFFECTS_SCHEMA``, by period and figure) from the two
    tables of ``manager_months``, the managers and the periods, as of the day ``as_of``; the
    rules are the module's. Raises ValueError on inputs that cannot be measured."""
    if resamples < 1:
        raise ValueError(f"the bootstrap needs at least one resample, not {resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"the confidence is between 0 and 1, not {confidence}")
    setting = _Setting(
        resamples=resamples, confidence=confidence, min_controls=min_controls, min_deals=min_deals
    )
    inputs = _inputs(figures=figures, closed_deals=closed_deals, managers=managers)
    periods = table_conform(table=periods, schema=PERIODS_SCHEMA, name="periods")
    spans = periods.to_pylist()
    for span in spans:
        if span["ends_on"] < span["starts_on"]:
            raise ValueError(f"periods: period {span['period_id']} ends before it starts")
    rows: list[dict[str, object]] = []
    for span in sorted(spans, key=lambda span: span["period_id"]):
        months = months_measured(starts_on=span["starts_on"], ends_on=span["ends_on"])
        start = month_number(day=span["starts_on"])
        first, last = start - months, start + months - 1
        coached = {
            other["manager_id"]
            for other in spans
            if month_number(day=other["starts_on"]) <= last
            and month_number(day=other["ends_on"]) >= first
        }
        controls = [manager for manager in inputs.managers if manager not in coached]
        rows.extend(
            _period_effects(
                period_id=span["period_id"],
                manager=span["manager_id"],
                starts_on=span["starts_on"],
                ends_on=span["ends_on"],
                controls=controls,
                inputs=inputs,
                as_of=as_of,
                setting=setting,
            )
        )
    return pa.Table.from_pylist(rows, schema=EFFECTS_SCHEMA)
