import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from upsell.analytics.btyd.fallbacks import (
    historic_rate_expected_transactions,
    last_year_window,
    years_shift,
)
from upsell.analytics.btyd.forecast import model_predict
from upsell.analytics.btyd.summary import transactions_from_table, transactions_summarize


def test_historic_rate_carries_each_customers_own_rate_over_the_horizon():
    # given 6 repeat purchases in 120 days, none in 30 days, and a customer seen today
    expected = historic_rate_expected_transactions(
        frequency=np.array([6.0, 0.0, 0.0]), age=np.array([120.0, 30.0, 0.0]), horizon=30.0
    )

    # then 1.5 purchases are expected in the next 30 days from the first, none from the others
    assert expected.tolist() == [1.5, 0.0, 0.0]


def test_a_leap_day_shifts_to_the_last_day_of_february():
    assert years_shift(dt.date(2024, 2, 29), -1) == dt.date(2023, 2, 28)
    assert years_shift(dt.date(2024, 3, 31), 1) == dt.date(2025, 3, 31)


def test_last_year_repeats_the_same_window_a_year_earlier():
    # given Alfa's orders in March 2024 (two) and April 2024, and Beta's first order in 2025
    table = pa.table(
        {
            "customer": ["alfa", "alfa", "alfa", "beta"],
            "date": ["2024-03-05", "2024-03-20", "2024-04-02", "2025-01-15"],
            "amount": [100.0, 150.0, 80.0, 60.0],
        }
    )
    transactions = transactions_from_table(
        table=table, customer_column="customer", date_column="date", amount_column="amount"
    )
    summary = transactions_summarize(
        transactions=transactions, calibration_end=dt.date(2025, 2, 28), freq="D"
    )

    # when March 2025 is forecast
    counts, spend = last_year_window(
        transactions=transactions,
        customer_code=summary.customer_code,
        start=dt.date(2025, 2, 28),
        end=dt.date(2025, 3, 31),
        freq="D",
    )

    # then Alfa is expected to repeat its March 2024, Beta (not a client then) nothing
    assert summary.customer.tolist() == ["alfa", "beta"]
    assert counts.tolist() == [2.0, 0.0]
    assert spend.tolist() == [250.0, 0.0]


def test_last_year_does_not_reach_into_the_forecast_period():
    transactions = transactions_from_table(
        table=pa.table({"customer": ["a"], "date": ["2024-01-01"], "amount": [1.0]}),
        customer_column="customer",
        date_column="date",
        amount_column="amount",
    )
    with pytest.raises(ValueError, match="a horizon of at most one year"):
        last_year_window(
            transactions=transactions,
            customer_code=np.array([0]),
            start=dt.date(2024, 6, 30),
            end=dt.date(2025, 7, 31),
            freq="D",
        )


def test_last_year_runs_past_a_year_at_the_years_pace():
    # given Alfa's two orders of the year before a calibration end, none of Beta's
    table = pa.table(
        {
            "customer": ["alfa", "alfa", "beta"],
            "date": ["2024-12-10", "2025-06-10", "2023-01-15"],
            "amount": [100.0, 300.0, 60.0],
        }
    )
    transactions = transactions_from_table(
        table=table, customer_column="customer", date_column="date", amount_column="amount"
    )
    summary = transactions_summarize(
        transactions=transactions, calibration_end=dt.date(2025, 11, 28), freq="D"
    )

    # when the forecast runs a year and 33 days, to the end of December 2026
    prediction = model_predict(
        model="last_year",
        transactions=transactions,
        summary=summary,
        calibration_end=dt.date(2025, 11, 28),
        horizon_end=dt.date(2026, 12, 31),
    )

    # then the year repeats, and the 33 days beyond it come at the year's pace
    pace = (365 + 33) / 365
    assert prediction.expected_transactions.tolist() == [2 * pace, 0.0]
    assert prediction.expected_spend.tolist() == [400 * pace, 0.0]
