"""Choosing the forecast model by a rolling backtest on the company's own history.

Each fold ends one horizon earlier than the last: the candidates are fitted on the purchases
up to the fold's origin and scored on the following horizon by the mean absolute error of
each customer's transactions and spend. A BTYD model is eligible only if its fit was
identifiable in every fold; the eligible model with the lowest spend error wins.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np

from upsell.analytics.btyd.forecast import (
    MODEL_NAMES,
    Forecast,
    ModelName,
    NotIdentifiableError,
    forecast_make,
    model_predict,
)
from upsell.analytics.btyd.summary import (
    Freq,
    Transactions,
    date_to_day,
    transactions_summarize,
    transactions_window,
)

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


def models_backtest(
    *,
    transactions: Transactions,
    calibration_end: dt.date,
    horizon: dt.timedelta,
    freq: Freq,
    folds: int = DEFAULT_FOLDS,
    models: tuple[ModelName, ...] = MODEL_NAMES,
) -> tuple[BacktestScore, ...]:
    """Score every candidate on rolling holdouts that end by ``calibration_end``."""
    origins = backtest_origins(
        transactions=transactions, calibration_end=calibration_end, horizon=horizon, folds=folds
    )
    if not origins:
        return tuple(BacktestScore(m, 0, np.nan, np.nan, False, SHORT_HISTORY) for m in models)
    errors: dict[ModelName, list[tuple[float, float]]] = {m: [] for m in models}
    failures: dict[ModelName, str] = {}
    for origin in origins:
        end = origin + horizon
        summary = transactions_summarize(
            transactions=transactions, calibration_end=origin, freq=freq
        )
        actual_count, actual_spend = transactions_window(
            transactions=transactions,
            customer_code=summary.customer_code,
            start=origin,
            end=end,
            freq=freq,
        )
        for model in models:
            if model in failures:
                continue
            try:
                prediction = model_predict(
                    model=model,
                    transactions=transactions,
                    summary=summary,
                    calibration_end=origin,
                    horizon_end=end,
                )
            except (NotIdentifiableError, ValueError) as error:
                failures[model] = f"fold {origin.isoformat()}–{end.isoformat()}: {error}"
                continue
            errors[model].append(
                (
                    float(np.abs(prediction.expected_transactions - actual_count).mean()),
                    float(np.abs(prediction.expected_spend - actual_spend).mean()),
                )
            )
    scores = []
    for model in models:
        if model in failures:
            scores.append(BacktestScore(model, 0, np.nan, np.nan, False, failures[model]))
            continue
        count_error, spend_error = np.mean(errors[model], axis=0)
        scores.append(
            BacktestScore(
                model, len(origins), float(count_error), float(spend_error), True, "scored"
            )
        )
    return tuple(scores)


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
) -> tuple[Forecast, tuple[BacktestScore, ...]]:
    """The forecast of ``model``, or with ``model="auto"`` of the one the backtest chooses
    over horizons as long as this one; the candidates' scores come along (none when a model
    was named)."""
    scores: tuple[BacktestScore, ...] = ()
    chosen: ModelName
    if model == "auto":
        scores = models_backtest(
            transactions=transactions,
            calibration_end=calibration_end,
            horizon=horizon_end - calibration_end,
            freq=freq,
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
