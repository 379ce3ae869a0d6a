"""The analysts' entry point: fit on a transaction file, report the model, write forecasts.

``upsell btyd`` (a management command) parses its arguments and calls ``btyd_command_run``.
"""

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from upsell.analytics.btyd.auto import AutoForecast, auto_forecast
from upsell.analytics.btyd.backtest import forecast_chosen
from upsell.analytics.btyd.fallbacks import years_shift
from upsell.analytics.btyd.forecast import Forecast
from upsell.analytics.btyd.summary import (
    CustomerSummary,
    Freq,
    date_to_day,
    day_to_date,
    transactions_from_table,
    transactions_window,
)
from upsell.analytics.btyd.types import FitResult, GammaGammaParams, Params

ModelChoice = Literal["bgnbd", "pnbd", "auto"]
TIME_UNITS = {"D": "day", "W": "week"}


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _fit_report[ParamsT: Params](fit: FitResult[ParamsT]) -> dict[str, object]:
    return {
        "params": fit.params.as_dict(),
        "log_likelihood": _finite(fit.log_likelihood),
        "converged": fit.converged,
        "identifiable": fit.identifiable,
        "reason": fit.reason,
    }


def _table_read(path: Path, customer_column: str) -> pa.Table:
    try:
        return pa_csv.read_csv(
            path, convert_options=pa_csv.ConvertOptions(column_types={customer_column: pa.string()})
        )
    except (OSError, pa.ArrowInvalid) as error:
        raise ValueError(f"{path}: {error}") from error


def _forecast_write(
    path: Path,
    summary: CustomerSummary,
    expected: tuple[np.ndarray, np.ndarray, np.ndarray | None],
    actual: tuple[np.ndarray, np.ndarray] | None,
) -> None:
    expected_transactions, expected_spend, probability_alive = expected
    columns: dict[str, np.ndarray] = {
        "customer": summary.customer,
        "frequency": summary.frequency,
        "recency": summary.recency,
        "T": summary.age,
        "expected_transactions": expected_transactions,
        "expected_spend": expected_spend,
    }
    if probability_alive is not None:
        columns["probability_alive"] = probability_alive
    if actual is not None:
        columns["actual_transactions"], columns["actual_spend"] = actual
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow(
                [value if isinstance(value, str) else f"{float(value):.10g}" for value in row]
            )


def _spend_report(spend_fit: FitResult[GammaGammaParams] | None) -> dict[str, object]:
    if spend_fit is not None and spend_fit.identifiable:
        return {"model": "gamma_gamma", **_fit_report(spend_fit)}
    return {"model": "customer_average"}


def _named_report(forecast: Forecast) -> dict[str, object]:
    prediction = forecast.prediction
    return {
        "model": forecast.model,
        "fallback_reason": forecast.fallback_reason,
        **(
            _fit_report(prediction.fit)
            if prediction.fit is not None
            else {"params": {}, "log_likelihood": None}
        ),
        "spend_model": _spend_report(prediction.spend_fit),
        "backtest": {},
    }


def _auto_report(auto: AutoForecast) -> dict[str, object]:
    """The chosen model, or ``blend`` with its parts and weights, each part's fit, and the
    inner backtest: its folds, the single models' errors and the chosen mix's."""
    single = len(auto.mix.parts) == 1
    fits = {
        part.name: {
            "form": part.form,
            "note": part.note,
            **(_fit_report(part.fit) if part.fit is not None else {"params": {}}),
        }
        for part in auto.parts
    }
    backtest = auto.backtest
    head: dict[str, object] = {
        "model": auto.mix.parts[0][0] if single else "blend",
        "blend": [{"model": name, "weight": weight} for name, weight in auto.mix.parts],
        "fallback_reason": auto.fallback_reason,
    }
    if single and auto.parts[0].fit is not None:
        head |= _fit_report(auto.parts[0].fit)
    else:
        head |= {"params": {}, "log_likelihood": None}
    return head | {
        "fits": fits,
        "spend_model": _spend_report(auto.spend_fit),
        "backtest": {
            "folds": [
                {"fit_to": fold.origin.isoformat(), "scored_to": fold.end.isoformat()}
                for fold in backtest.folds
            ],
            "candidates": {score.name: score.as_dict() for score in backtest.singles},
            "chosen": {
                "label": backtest.chosen.label if backtest.chosen is not None else None,
                "score": _finite(backtest.score),
                "mae_transactions": _finite(backtest.chosen_mae),
                "rmse_transactions": _finite(backtest.chosen_rmse),
            },
        },
    }


def btyd_command_run(
    *,
    transactions_path: Path,
    calibration_end: dt.date,
    holdout_end: dt.date | None,
    model: ModelChoice,
    customer_column: str,
    date_column: str,
    amount_column: str,
    freq: Freq,
    out_path: Path,
) -> dict[str, object]:
    """Fit on the purchases up to ``calibration_end`` and forecast each customer to
    ``holdout_end`` (by default a year later), writing the forecasts to ``out_path`` as CSV.

    ``model="auto"`` chooses a model or a blend of two by an inner backtest that reads only
    the calibration period (``analytics.btyd.auto``). The actual
    transactions and spend are written too when the file covers the holdout. Returns
    the report that the command prints as JSON. Raises ``ValueError`` on bad input.
    """
    table = _table_read(transactions_path, customer_column)
    try:
        transactions = transactions_from_table(
            table=table,
            customer_column=customer_column,
            date_column=date_column,
            amount_column=amount_column,
        )
    except ValueError as error:
        raise ValueError(f"{transactions_path}: {error}") from error
    horizon_end = holdout_end or years_shift(calibration_end, 1)
    if horizon_end <= calibration_end:
        raise ValueError("the holdout end must come after the calibration end")

    auto: AutoForecast | None = None
    forecast: Forecast | None = None
    if model == "auto":
        auto = auto_forecast(
            transactions=transactions,
            calibration_end=calibration_end,
            horizon_end=horizon_end,
            freq=freq,
        )
        summary = auto.summary
        expected = (auto.expected_transactions, auto.expected_spend, auto.probability_alive)
    else:
        forecast, _ = forecast_chosen(
            model=model,
            transactions=transactions,
            calibration_end=calibration_end,
            horizon_end=horizon_end,
            freq=freq,
        )
        summary = forecast.summary
        prediction = forecast.prediction
        expected = (
            prediction.expected_transactions,
            prediction.expected_spend,
            prediction.probability_alive,
        )

    # Actuals are written when the file reaches the horizon end, or when the analyst named a
    # holdout and the file has purchases in it (a sparse file may stop before its last day);
    # the report says up to which date they run.
    last_day = int(transactions.day.max())
    covered = last_day >= date_to_day(horizon_end) or (
        holdout_end is not None and last_day > date_to_day(calibration_end)
    )
    actual = None
    if covered:
        actual = transactions_window(
            transactions=transactions,
            customer_code=summary.customer_code,
            start=calibration_end,
            end=horizon_end,
            freq=freq,
        )
    _forecast_write(out_path, summary, expected, actual)

    if auto is not None:
        report = _auto_report(auto)
    else:
        assert forecast is not None  # noqa: S101 - a named model always makes one
        report = _named_report(forecast)
    report |= {
        "requested": model,
        "time_unit": TIME_UNITS[freq],
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": horizon_end.isoformat(),
        "customers": int(summary.customer.size),
        "expected_transactions": float(expected[0].sum()),
        "expected_spend": float(expected[1].sum()),
        "actuals": covered,
        "output": str(out_path),
    }
    if actual is not None:
        through = day_to_date(min(date_to_day(horizon_end), last_day))
        report["actuals_through"] = through.isoformat()
        report["actual_transactions"] = float(actual[0].sum())
        report["actual_spend"] = float(actual[1].sum())
    return report
