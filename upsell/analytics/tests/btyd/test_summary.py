import datetime as dt
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from upsell.analytics.btyd.summary import (
    transactions_from_table,
    transactions_summarize,
    transactions_window,
)
from upsell.analytics.tests.btyd.data import (
    CDNOW_CALIBRATION_END,
    cdnow_summary_with_spend,
    cdnow_transactions,
)


def _transactions(table):
    return transactions_from_table(
        table=table, customer_column="customer", date_column="date", amount_column="amount"
    )


def test_cdnow_transactions_give_the_published_summary():
    # given the 6 919 purchases of the CDNOW sample
    transactions = cdnow_transactions()

    # when summarised per day as of the 39-week calibration end, in weeks
    summary = transactions_summarize(
        transactions=transactions, calibration_end=CDNOW_CALIBRATION_END, freq="D"
    )

    # then x, t_x, T and the average repeat spend are those shipped with lifetimes
    published = cdnow_summary_with_spend()
    order = np.argsort(summary.customer.astype(int))
    assert summary.customer.size == 2357
    np.testing.assert_array_equal(summary.frequency[order], published["x"].to_numpy())
    np.testing.assert_allclose(summary.recency[order] / 7, published["t_x"], atol=0.005)
    np.testing.assert_allclose(summary.age[order] / 7, published["T"], atol=0.005)
    np.testing.assert_allclose(summary.monetary_value[order], published["zbar"], atol=0.005)


@pytest.mark.parametrize("freq", ["D", "W"])
def test_summary_agrees_with_lifetimes(freq):
    import pandas as pd  # type: ignore[import-untyped]
    from lifetimes.utils import summary_data_from_transaction_data

    # given the CDNOW purchases and a calibration end on a Sunday, where lifetimes' weeks
    # (ending on Sundays) and ISO weeks coincide
    transactions = cdnow_transactions()
    frame = pd.DataFrame(
        {
            "customer": transactions.customers[transactions.customer_code],
            "date": pd.to_datetime(transactions.day, unit="D"),
            "amount": transactions.amount,
        }
    )
    sunday = dt.date(1997, 9, 28)

    # when both summarise it
    ours = transactions_summarize(transactions=transactions, calibration_end=sunday, freq=freq)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = summary_data_from_transaction_data(
            frame, "customer", "date", "amount", observation_period_end=sunday, freq=freq
        ).loc[ours.customer]

    # then they agree customer by customer
    np.testing.assert_array_equal(ours.frequency, theirs["frequency"])
    np.testing.assert_array_equal(ours.recency, theirs["recency"])
    np.testing.assert_array_equal(ours.age, theirs["T"])
    np.testing.assert_allclose(ours.monetary_value, theirs["monetary_value"], rtol=1e-12)


def test_purchases_in_one_period_are_one_transaction():
    # given two documents of Alfa on one day, one later, and Beta's purchases in one week;
    # dates as 1C exports them
    table = pa.table(
        {
            "customer": ["alfa", "alfa", "beta", "alfa", "beta", "gamma"],
            "date": [
                "03.02.2025",
                "03.02.2025",
                "04.02.2025",
                "17.02.2025",
                "06.02.2025",
                "01.03.2025",
            ],
            "amount": [100.0, 50.0, 70.0, 30.0, 10.0, 999.0],
        }
    )
    transactions = _transactions(table)

    # when summarised as of 28 February per day and per week
    daily = transactions_summarize(
        transactions=transactions, calibration_end=dt.date(2025, 2, 28), freq="D"
    )
    weekly = transactions_summarize(
        transactions=transactions, calibration_end=dt.date(2025, 2, 28), freq="W"
    )

    # then Alfa made one repeat purchase 14 days (2 weeks) after a first one of 150; Beta's
    # two days count once a week; Gamma, who first bought in March, is not there yet
    assert daily.customer.tolist() == ["alfa", "beta"]
    assert daily.frequency.tolist() == [1.0, 1.0]
    assert daily.recency.tolist() == [14.0, 2.0]
    assert daily.age.tolist() == [25.0, 24.0]
    assert daily.monetary_value.tolist() == [30.0, 10.0]
    assert daily.average_spend.tolist() == [90.0, 40.0]
    assert weekly.frequency.tolist() == [1.0, 0.0]
    assert weekly.recency.tolist() == [2.0, 0.0]
    assert weekly.age.tolist() == [3.0, 3.0]
    assert weekly.monetary_value.tolist() == [30.0, 0.0]
    assert weekly.average_spend.tolist() == [90.0, 80.0]


def test_window_counts_purchases_and_spend_after_the_start():
    # given purchases on both sides of 31 January and timestamps with times of day
    table = pa.table(
        {
            "customer": ["alfa", "alfa", "alfa", "beta", "beta"],
            "date": pc.strptime(
                [
                    "2025-01-31 23:00",
                    "2025-02-01 09:00",
                    "2025-02-01 15:00",
                    "2025-01-10 12:00",
                    "2025-03-01 08:00",
                ],
                format="%Y-%m-%d %H:%M",
                unit="s",
            ),
            "amount": [5.0, 20.0, 22.5, 1.0, 7.0],
        }
    )
    transactions = _transactions(table)
    summary = transactions_summarize(
        transactions=transactions, calibration_end=dt.date(2025, 1, 31), freq="D"
    )

    # when February is counted
    counts, spend = transactions_window(
        transactions=transactions,
        customer_code=summary.customer_code,
        start=dt.date(2025, 1, 31),
        end=dt.date(2025, 2, 28),
        freq="D",
    )

    # then Alfa's two documents of 1 February are one purchase of 42.5; Beta's March one
    # is outside
    assert summary.customer.tolist() == ["alfa", "beta"]
    assert counts.tolist() == [1.0, 0.0]
    assert spend.tolist() == [42.5, 0.0]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            pa.table({"client": ["a"], "date": ["2025-01-01"], "amount": [1.0]}),
            "no column 'customer'",
        ),
        (
            pa.table({"customer": ["a", None], "date": ["2025-01-01"] * 2, "amount": [1.0, 2.0]}),
            "column 'customer' is empty in row 2",
        ),
        (
            pa.table({"customer": ["a"], "date": ["1/2/2025"], "amount": [1.0]}),
            "column 'date': dates must be written as YYYY-MM-DD or DD.MM.YYYY",
        ),
        (
            pa.table({"customer": ["a"], "date": ["2025-01-01"], "amount": ["ten"]}),
            "column 'amount' holds string, not amounts",
        ),
    ],
)
def test_bad_input_names_the_column_and_row(table, message):
    with pytest.raises(ValueError, match=message):
        _transactions(table)


def test_no_purchase_by_the_calibration_end_is_refused():
    transactions = _transactions(
        pa.table({"customer": ["a"], "date": ["2025-06-01"], "amount": [1.0]})
    )
    with pytest.raises(ValueError, match="no purchase on or before 2025-01-01"):
        transactions_summarize(
            transactions=transactions, calibration_end=dt.date(2025, 1, 1), freq="D"
        )
