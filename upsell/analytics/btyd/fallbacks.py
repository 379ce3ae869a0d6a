"""Simple forecasts used when the BTYD models cannot be trusted, and as their benchmark."""

import datetime as dt

import numpy as np

from upsell.analytics.btyd.summary import Freq, IntArray, Transactions, transactions_window
from upsell.analytics.btyd.types import FloatArray


def historic_rate_expected_transactions(
    *, frequency: FloatArray, age: FloatArray, horizon: float
) -> FloatArray:
    """Each customer's own repeat-purchase rate so far, x / T, carried over the horizon.

    A customer first seen at the calibration end (T = 0) has no rate yet and gets 0.
    """
    x = np.asarray(frequency, dtype=np.float64)
    t = np.asarray(age, dtype=np.float64)
    rate = np.divide(x, t, out=np.zeros_like(x), where=t > 0)
    expected: FloatArray = rate * horizon
    return expected


def years_shift(value: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    if value.month == 2 and value.day == 29:
        return value.replace(year=value.year + years, day=28)
    return value.replace(year=value.year + years)


def last_year_window(
    *,
    transactions: Transactions,
    customer_code: IntArray,
    start: dt.date,
    end: dt.date,
    freq: Freq,
) -> tuple[FloatArray, FloatArray]:
    """Forecast (start, end] by what each customer bought in the same window a year earlier.

    Only for windows of at most a year, so that the year-earlier window lies in the past.
    """
    if years_shift(end, -1) > start:
        raise ValueError("last year's same window needs a horizon of at most one year")
    return transactions_window(
        transactions=transactions,
        customer_code=customer_code,
        start=years_shift(start, -1),
        end=years_shift(end, -1),
        freq=freq,
    )
