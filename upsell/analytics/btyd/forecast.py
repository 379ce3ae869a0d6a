"""Per-customer forecasts of transactions and spend over a horizon, by any candidate model.

A BTYD model whose fit is not identifiable is never used for a forecast: ``forecast_make``
falls back to the customer's historic rate and says why.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from upsell.analytics.btyd.bgnbd import (
    bgnbd_expected_transactions,
    bgnbd_fit,
    bgnbd_probability_alive,
)
from upsell.analytics.btyd.fallbacks import (
    historic_rate_expected_transactions,
    last_year_window,
    years_shift,
)
from upsell.analytics.btyd.gamma_gamma import gamma_gamma_expected_spend, gamma_gamma_fit
from upsell.analytics.btyd.pnbd import (
    pnbd_expected_transactions,
    pnbd_fit,
    pnbd_probability_alive,
)
from upsell.analytics.btyd.summary import (
    CustomerSummary,
    Freq,
    Transactions,
    period_length,
    transactions_summarize,
)
from upsell.analytics.btyd.types import (
    BgNbdParams,
    FitResult,
    FloatArray,
    GammaGammaParams,
    ParetoNbdParams,
)

ModelName = Literal["bgnbd", "pnbd", "historic_rate", "last_year"]
MODEL_NAMES: tuple[ModelName, ...] = get_args(ModelName)
# Fewer repeat buyers than this leave the spend model to the customers' own averages.
MIN_SPEND_CUSTOMERS = 10


class NotIdentifiableError(Exception):
    """A BTYD fit that must not be used; the message is the reason."""


@dataclass(frozen=True, eq=False)
class Prediction:
    expected_transactions: FloatArray
    expected_spend: FloatArray
    probability_alive: FloatArray | None
    fit: FitResult[BgNbdParams] | FitResult[ParetoNbdParams] | None
    spend_fit: FitResult[GammaGammaParams] | None


@dataclass(frozen=True, eq=False)
class Forecast:
    """What ``model`` expects of each customer of ``summary`` in (calibration end, horizon end].

    ``requested`` is the model asked for; when its fit was not identifiable ``model`` is the
    fallback actually used and ``fallback_reason`` says why.
    """

    requested: ModelName
    model: ModelName
    fallback_reason: str
    summary: CustomerSummary
    calibration_end: dt.date
    horizon_end: dt.date
    prediction: Prediction


def spend_per_transaction(
    summary: CustomerSummary,
) -> tuple[FloatArray, FitResult[GammaGammaParams] | None]:
    """Gamma-Gamma expected spend per transaction, or each customer's own average.

    The customers' own average is used when there are too few repeat buyers with positive
    spend to fit the spend model, or its fit is not identifiable or has no finite mean.
    """
    usable = (summary.frequency > 0) & (summary.monetary_value > 0)
    if usable.sum() < MIN_SPEND_CUSTOMERS:
        return summary.average_spend, None
    fit = gamma_gamma_fit(
        frequency=summary.frequency[usable], monetary_value=summary.monetary_value[usable]
    )
    if not fit.identifiable or fit.params.q <= 1.0:
        return summary.average_spend, fit
    spend = gamma_gamma_expected_spend(
        params=fit.params,
        frequency=np.where(usable, summary.frequency, 0.0),
        monetary_value=summary.monetary_value,
    )
    return spend, fit


def model_predict(
    *,
    model: ModelName,
    transactions: Transactions,
    summary: CustomerSummary,
    calibration_end: dt.date,
    horizon_end: dt.date,
) -> Prediction:
    """Predict with one model; raises ``NotIdentifiableError`` for an untrustworthy BTYD fit."""
    horizon = period_length(start=calibration_end, end=horizon_end, freq=summary.freq)
    x, t_x, t = summary.frequency, summary.recency, summary.age
    if model == "last_year":
        # A horizon longer than a year (the forecast grid's runs to the end of a month) takes
        # the year's purchases at the same pace for the days beyond it: the window a year
        # earlier must not reach into the period being forecast.
        year_end = min(horizon_end, years_shift(calibration_end, 1))
        counts, spend = last_year_window(
            transactions=transactions,
            customer_code=summary.customer_code,
            start=calibration_end,
            end=year_end,
            freq=summary.freq,
        )
        pace = (horizon_end - calibration_end).days / (year_end - calibration_end).days
        return Prediction(counts * pace, spend * pace, None, None, None)
    if model == "historic_rate":
        expected = historic_rate_expected_transactions(frequency=x, age=t, horizon=horizon)
        return Prediction(expected, expected * summary.average_spend, None, None, None)
    fit: FitResult[BgNbdParams] | FitResult[ParetoNbdParams]
    if model == "bgnbd":
        bg = bgnbd_fit(frequency=x, recency=t_x, age=t)
        if not bg.identifiable:
            raise NotIdentifiableError(bg.reason)
        fit = bg
        expected = bgnbd_expected_transactions(
            params=bg.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        alive = bgnbd_probability_alive(params=bg.params, frequency=x, recency=t_x, age=t)
    else:
        pareto = pnbd_fit(frequency=x, recency=t_x, age=t)
        if not pareto.identifiable:
            raise NotIdentifiableError(pareto.reason)
        fit = pareto
        expected = pnbd_expected_transactions(
            params=pareto.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        alive = pnbd_probability_alive(params=pareto.params, frequency=x, recency=t_x, age=t)
    spend, spend_fit = spend_per_transaction(summary)
    return Prediction(expected, expected * spend, alive, fit, spend_fit)


def forecast_make(
    *,
    model: ModelName,
    transactions: Transactions,
    calibration_end: dt.date,
    horizon_end: dt.date,
    freq: Freq,
) -> Forecast:
    """Fit ``model`` on the purchases up to ``calibration_end`` and forecast to ``horizon_end``."""
    if horizon_end <= calibration_end:
        raise ValueError("the horizon must end after the calibration end")
    summary = transactions_summarize(
        transactions=transactions, calibration_end=calibration_end, freq=freq
    )
    used, reason = model, ""
    try:
        prediction = model_predict(
            model=model,
            transactions=transactions,
            summary=summary,
            calibration_end=calibration_end,
            horizon_end=horizon_end,
        )
    except NotIdentifiableError as error:
        used, reason = "historic_rate", f"{model}: {error}"
        prediction = model_predict(
            model=used,
            transactions=transactions,
            summary=summary,
            calibration_end=calibration_end,
            horizon_end=horizon_end,
        )
    return Forecast(model, used, reason, summary, calibration_end, horizon_end, prediction)
