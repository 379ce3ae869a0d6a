"""Choosing the forecast model by a rolling backtest on the company's own history.

Each fold replays the forecast as it would have run one horizon earlier than the last: the
candidates are fitted on the purchases up to the fold's origin and scored on what followed by
the mean absolute error of each customer's transactions and spend. ``models_backtest`` scores
the forecast of a whole horizon (the analysts' ``btyd`` command); ``months_backtest`` scores
the forecast grid's months, made by the very code that fills the cells. A BTYD model is
eligible only if its fit was identifiable in every fold; the eligible model with the lowest
spend error wins.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import month_last_day, month_number
from upsell.analytics.btyd.forecast import (
    MODEL_NAMES,
    Forecast,
    ModelName,
    NotIdentifiableError,
    forecast_make,
    model_predict,
)
from upsell.analytics.btyd.monthly import (
    HORIZON_MONTHS,
    Horizon,
    forecast_months,
    history_until,
    orders_transactions,
)
from upsell.analytics.btyd.summary import (
    CustomerSummary,
    Freq,
    Transactions,
    date_to_day,
    transactions_summarize,
    transactions_window,
)
from upsell.analytics.btyd.types import FloatArray

DEFAULT_FOLDS = 3
SHORT_HISTORY = "the history before the calibration end is shorter than two horizons"


@dataclass(frozen=True)
class BacktestScore:
    """A candidate's errors averaged over the folds it could be scored on."""

    model: ModelName
    folds: int
    mae_transactions: float
    mae_spend: float
    eligible: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the errors of a model that could not be scored are None."""
        return {
            "folds": self.folds,
            "mae_transactions": self.mae_transactions if self.eligible else None,
            "mae_spend": self.mae_spend if self.eligible else None,
            "eligible": self.eligible,
            "reason": self.reason,
        }


def backtest_origins(
    *, transactions: Transactions, calibration_end: dt.date, horizon: dt.timedelta, folds: int
) -> list[dt.date]:
    """Fold origins, latest first, each leaving at least one horizon of history before it."""
    first_day = int(transactions.day.min())
    origins = []
    for k in range(1, folds + 1):
        origin = calibration_end - k * horizon
        if date_to_day(origin - horizon) < first_day:
            break
        origins.append(origin)
    return origins


@dataclass(frozen=True, kw_only=True)
class Fold:
    """A forecast replayed: fitted on the purchases up to ``origin``, scored on (start, end]."""

    origin: dt.date
    start: dt.date
    end: dt.date


# Each customer's transactions and spend, in the order of a fold's summary.
type Totals = tuple[FloatArray, FloatArray]
# What each candidate model expects of the customers of a fold's summary; raises
# ``NotIdentifiableError`` or ``ValueError`` for a model that cannot forecast the fold.
type FoldForecaster = Callable[[Fold, CustomerSummary], Callable[[ModelName], Totals]]


def _folds_score(
    *,
    transactions: Transactions,
    folds: list[Fold],
    freq: Freq,
    models: tuple[ModelName, ...],
    forecaster: FoldForecaster,
) -> tuple[BacktestScore, ...]:
    """Each candidate's mean absolute errors per customer, averaged over ``folds``."""
    if not folds:
        return tuple(BacktestScore(m, 0, np.nan, np.nan, False, SHORT_HISTORY) for m in models)
    errors: dict[ModelName, list[tuple[float, float]]] = {m: [] for m in models}
    failures: dict[ModelName, str] = {}
    for fold in folds:
        summary = transactions_summarize(
            transactions=transactions, calibration_end=fold.origin, freq=freq
        )
        actual_count, actual_spend = transactions_window(
            transactions=transactions,
            customer_code=summary.customer_code,
            start=fold.start,
            end=fold.end,
            freq=freq,
        )
        forecast = forecaster(fold, summary)
        for model in models:
            if model in failures:
                continue
            try:
                expected_count, expected_spend = forecast(model)
            except (NotIdentifiableError, ValueError) as error:
                failures[model] = f"fold {fold.origin.isoformat()}–{fold.end.isoformat()}: {error}"
                continue
            errors[model].append(
                (
                    float(np.abs(expected_count - actual_count).mean()),
                    float(np.abs(expected_spend - actual_spend).mean()),
                )
            )
    scores = []
    for model in models:
        if model in failures:
            scores.append(BacktestScore(model, 0, np.nan, np.nan, False, failures[model]))
            continue
        count_error, spend_error = np.mean(errors[model], axis=0)
        scores.append(
            BacktestScore(model, len(folds), float(count_error), float(spend_error), True, "scored")
        )
    return tuple(scores)


def models_backtest(
    *,
    transactions: Transactions,
    calibration_end: dt.date,
    horizon: dt.timedelta,
    freq: Freq,
    folds: int = DEFAULT_FOLDS,
    models: tuple[ModelName, ...] = MODEL_NAMES,
) -> tuple[BacktestScore, ...]:
    """Score every candidate's forecast of each customer's whole horizon on rolling holdouts
    that end by ``calibration_end``."""
    origins = backtest_origins(
        transactions=transactions, calibration_end=calibration_end, horizon=horizon, folds=folds
    )

    def forecaster(fold: Fold, summary: CustomerSummary) -> Callable[[ModelName], Totals]:
        def forecast(model: ModelName) -> Totals:
            prediction = model_predict(
                model=model,
                transactions=transactions,
                summary=summary,
                calibration_end=fold.origin,
                horizon_end=fold.end,
            )
            return prediction.expected_transactions, prediction.expected_spend

        return forecast

    return _folds_score(
        transactions=transactions,
        folds=[Fold(origin=origin, start=origin, end=origin + horizon) for origin in origins],
        freq=freq,
        models=models,
        forecaster=forecaster,
    )


def _same_day(*, month: int, as_of: dt.date) -> dt.date:
    """The day of ``month`` that stands where ``as_of`` stands in its own month: the same day
    (the last one of a shorter month), and the last day for the last day of a month."""
    last = month_last_day(month=month)
    if as_of == month_last_day(month=month_number(day=as_of)):
        return last
    return last.replace(day=min(as_of.day, last.day))


def month_folds(*, first_day: dt.date, as_of: dt.date, folds: int) -> list[Fold]:
    """Folds, latest first, that replay the forecast of the months after ``as_of`` on the
    same day of an earlier month: the latest whose 12 months had all passed by ``as_of``,
    then a year earlier each, as long as a year of history comes before the origin."""
    current = month_number(day=as_of)
    ended = as_of == month_last_day(month=current)
    latest = current - HORIZON_MONTHS - (0 if ended else 1)
    result = []
    for k in range(folds):
        month = latest - k * HORIZON_MONTHS
        if _same_day(month=month - HORIZON_MONTHS, as_of=as_of) < first_day:
            break
        result.append(
            Fold(
                origin=_same_day(month=month, as_of=as_of),
                start=month_last_day(month=month),
                end=month_last_day(month=month + HORIZON_MONTHS),
            )
        )
    return result


def months_backtest(
    *,
    orders: pa.Table,
    as_of: dt.date,
    segments: Mapping[int, str],
    freq: Freq,
    folds: int = DEFAULT_FOLDS,
    models: tuple[ModelName, ...] = MODEL_NAMES,
) -> tuple[BacktestScore, ...]:
    """Score every candidate as the forecast grid uses it: each fold forecasts the 12 months
    after its origin with ``forecast_months``, the code that fills the grid's cells, and is
    scored on each client's total over them (the season moves a client's orders between
    months, not its year). ``orders`` is the contract's orders table."""
    orders = history_until(orders=orders, day=as_of)
    transactions = orders_transactions(orders=orders)

    def forecaster(fold: Fold, summary: CustomerSummary) -> Callable[[ModelName], Totals]:
        horizon = Horizon(
            as_of=fold.origin,
            history=history_until(orders=orders, day=fold.origin),
            clients=summary.customer.astype(np.int64),
            segments=segments,
        )

        def forecast(model: ModelName) -> Totals:
            prediction = model_predict(
                model=model,
                transactions=transactions,
                summary=summary,
                calibration_end=fold.origin,
                horizon_end=fold.end,
            )
            months = forecast_months(
                horizon=horizon,
                model=model,
                expected_orders=prediction.expected_transactions,
                expected_amount=prediction.expected_spend,
            )
            return months.orders.sum(axis=1), months.amounts.sum(axis=1)

        return forecast

    return _folds_score(
        transactions=transactions,
        folds=month_folds(
            first_day=pc.min(orders.column("date")).as_py(), as_of=as_of, folds=folds
        ),
        freq=freq,
        models=models,
        forecaster=forecaster,
    )


def model_choose(*, scores: tuple[BacktestScore, ...]) -> ModelName:
    """The eligible model with the lowest spend error (then transactions error).

    With no fold to score on, BG/NBD is chosen; a forecast falls back from it to the
    historic rate if its fit is not identifiable.
    """
    eligible = [score for score in scores if score.eligible]
    if not eligible:
        return "bgnbd"
    best = min(eligible, key=lambda score: (score.mae_spend, score.mae_transactions))
    return best.model


def forecast_chosen(
    *,
    model: ModelName | Literal["auto"],
    transactions: Transactions,
    calibration_end: dt.date,
    horizon_end: dt.date,
    freq: Freq,
    backtest: Callable[[], tuple[BacktestScore, ...]] | None = None,
) -> tuple[Forecast, tuple[BacktestScore, ...]]:
    """The forecast of ``model``, or with ``model="auto"`` of the one ``backtest`` chooses (by
    default ``models_backtest`` over horizons as long as this one); the candidates' scores
    come along (none when a model was named)."""
    scores: tuple[BacktestScore, ...] = ()
    chosen: ModelName
    if model == "auto":
        scores = (
            backtest()
            if backtest is not None
            else models_backtest(
                transactions=transactions,
                calibration_end=calibration_end,
                horizon=horizon_end - calibration_end,
                freq=freq,
            )
        )
        chosen = model_choose(scores=scores)
    else:
        chosen = model
    forecast = forecast_make(
        model=chosen,
        transactions=transactions,
        calibration_end=calibration_end,
        horizon_end=horizon_end,
        freq=freq,
    )
    return forecast, scores
