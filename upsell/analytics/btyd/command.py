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

from upsell.analytics.btyd.backtest import forecast_chosen
from upsell.analytics.btyd.fallbacks import years_shift
from upsell.analytics.btyd.forecast import Forecast
from upsell.analytics.btyd.summary import (
    Freq,
    date_to_day,
    day_to_date,
    transactions_from_table,
    transactions_window,
)
from upsell.analytics.btyd.types import FitResult, Params

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
    path: Path, forecast: Forecast, actual: tuple[np.ndarray, np.ndarray] | None
) -> None:
    summary, prediction = forecast.summary, forecast.prediction
    columns: dict[str, np.ndarray] = {
        "customer": summary.customer,
        "frequency": summary.frequency,
        "recency": summary.recency,
        "T": summary.age,
        "expected_transactions": prediction.expected_transactions,
        "expected_spend": prediction.expected_spend,
    }
    if prediction.probability_alive is not None:
        columns["probability_alive"] = prediction.probability_alive
    if actual is not None:
        columns["actual_transactions"], columns["actual_spend"] = actual
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow(
                [value if isinstance(value, str) else f"{float(value):.10g}" for value in row]
            )


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

    ``model="auto"`` chooses by a rolling backtest inside the calibration period. The actual
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

    forecast, scores = forecast_chosen(
        model=model,
        transactions=transactions,
        calibration_end=calibration_end,
        horizon_end=horizon_end,
        freq=freq,
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
            customer_code=forecast.summary.customer_code,
            start=calibration_end,
            end=horizon_end,
            freq=freq,
        )
    _forecast_write(out_path, forecast, actual)

    prediction = forecast.prediction
    report: dict[str, object] = {
        "model": forecast.model,
        "requested": model,
        "fallback_reason": forecast.fallback_reason,
        **(
            _fit_report(prediction.fit)
            if prediction.fit is not None
            else {"params": {}, "log_likelihood": None}
        ),
        "spend_model": (
            {"model": "gamma_gamma", **_fit_report(prediction.spend_fit)}
            if prediction.spend_fit is not None and prediction.spend_fit.identifiable
            else {"model": "customer_average"}
        ),
        "time_unit": TIME_UNITS[freq],
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": horizon_end.isoformat(),
        "customers": int(forecast.summary.customer.size),
        "expected_transactions": float(prediction.expected_transactions.sum()),
        "expected_spend": float(prediction.expected_spend.sum()),
        "actuals": covered,
        "backtest": {score.model: score.as_dict() for score in scores},
        "output": str(out_path),
    }
    if actual is not None:
        through = day_to_date(min(date_to_day(horizon_end), last_day))
        report["actuals_through"] = through.isoformat()
        report["actual_transactions"] = float(actual[0].sum())
        report["actual_spend"] = float(actual[1].sum())
    return report
