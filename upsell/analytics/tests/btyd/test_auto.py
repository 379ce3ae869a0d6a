import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.btyd.auto import (
    Mix,
    _boundary_limit,
    _mixes,
    auto_forecast,
    candidate_forecast,
    inner_folds,
    mix_scores,
)
from upsell.analytics.btyd.summary import CustomerSummary
from upsell.analytics.btyd.types import BgNbdParams, FitResult
from upsell.analytics.tests.btyd.data import company_table, table_transactions

CALIBRATION_END = dt.date(2024, 9, 30)
HOLDOUT_END = dt.date(2024, 12, 31)


def _summary(frequency, recency, age):
    size = len(frequency)
    return CustomerSummary(
        customer_code=np.arange(size),
        customer=np.array([f"c{i}" for i in range(size)]),
        frequency=np.array(frequency, dtype=float),
        recency=np.array(recency, dtype=float),
        age=np.array(age, dtype=float),
        monetary_value=np.zeros(size),
        average_spend=np.ones(size),
        freq="D",
    )


def _no_dropout_table():
    return company_table(
        seed=7,
        customers=60,
        start=dt.date(2023, 1, 1),
        end=dt.date(2024, 12, 31),
        mean_days_between_orders=20.0,
        dropout=False,
    )


def test_a_bgnbd_fit_at_the_no_dropout_boundary_is_scored_as_its_nbd_limit():
    # given a BG/NBD fit that ran to a → 0 with r = 2 and alpha = 10
    fit = FitResult(
        model="bgnbd",
        params=BgNbdParams(r=2.0, alpha=10.0, a=1e-4, b=3.0),
        log_likelihood=-50.0,
        converged=True,
        identifiable=False,
        reason="the fit ran to the boundary: a → 0",
        customers=2,
        iterations=30,
        edges={"a": "0"},
    )
    summary = _summary([0, 3], [0, 20], [10, 30])

    # when kept as a candidate over 20 days
    kept = _boundary_limit("bgnbd", fit, summary, 20.0)

    # then it forecasts (r + x) h / (alpha + T): 2 · 20 / 20 = 2 and 5 · 20 / 40 = 2.5
    assert kept.form == "nbd_limit"
    assert kept.note == "the NBD limit (no dropout): the fit ran to the boundary: a → 0"
    assert kept.expected_transactions.tolist() == [2.0, 2.5]


def test_customers_who_never_leave_make_bgnbd_its_nbd_limit_in_the_inner_backtest():
    transactions = table_transactions(_no_dropout_table())
    from upsell.analytics.btyd.summary import transactions_summarize

    summary = transactions_summarize(
        transactions=transactions, calibration_end=CALIBRATION_END, freq="D"
    )
    kept = candidate_forecast(name="bgnbd", summary=summary, horizon=92.0)
    assert kept.form == "nbd_limit"
    assert kept.fit is not None
    assert kept.fit.edges == {"a": "0", "b": "∞"}
    # the same forecast as NBD fitted directly, to 4 significant digits in total
    nbd = candidate_forecast(name="nbd", summary=summary, horizon=92.0)
    assert round(float(kept.expected_transactions.sum()), 1) == round(
        float(nbd.expected_transactions.sum()), 1
    )


def test_the_blend_weight_is_the_one_that_scores_best_on_the_inner_split():
    # given two customers who bought 0 and 3 times in a fold; BG/NBD expected 0 and 4,
    # NBD 0 and 0: the blend w · 4 meets 3 at w = 0.75 with no error at all
    predictions = {"bgnbd": np.array([0.0, 4.0]), "nbd": np.array([0.0, 0.0])}
    actual = np.array([0.0, 3.0])
    mixes = _mixes(("bgnbd", "nbd"))

    scores, maes, rmses = mix_scores(mixes=mixes, folds=[(predictions, actual)])

    best = int(np.argmin(scores))
    assert mixes[best] == Mix((("bgnbd", 0.75), ("nbd", 0.25)))
    assert mixes[best].label == "0.75 bgnbd + 0.25 nbd"
    assert (scores[best], maes[best], rmses[best]) == (0.0, 0.0, 0.0)
    # the single models: BG/NBD errs by 1 on one customer of two, NBD by 3
    assert scores[:2].tolist() == [1.0, 3.0]


def test_the_inner_split_scores_the_last_part_of_the_calibration_period():
    folds = inner_folds(
        first_day=dt.date(1997, 1, 1), calibration_end=dt.date(1997, 9, 30), horizon_days=273
    )
    # half of the 272 days from the first purchase, then 3/4 and 1/2 of that
    assert [(fold.origin.isoformat(), fold.end.isoformat()) for fold in folds] == [
        ("1997-05-17", "1997-09-30"),
        ("1997-06-20", "1997-09-30"),
        ("1997-07-24", "1997-09-30"),
    ]


def test_auto_never_reads_the_purchases_after_the_calibration_end():
    table = _no_dropout_table()
    after = pc.greater(table.column("date"), pa.scalar(CALIBRATION_END))
    # the same calibration period with the holdout's purchases dropped, or each made twice
    variants = [
        table,
        table.filter(pc.invert(after)),
        pa.concat_tables([table, table.filter(after)]),
    ]

    forecasts = [
        auto_forecast(
            transactions=table_transactions(variant),
            calibration_end=CALIBRATION_END,
            horizon_end=HOLDOUT_END,
            freq="D",
        )
        for variant in variants
    ]

    labels = {forecast.mix.label for forecast in forecasts}
    assert labels == {"0.51 bgnbd + 0.49 historic_rate"}
    for forecast in forecasts[1:]:
        assert forecast.backtest.score == forecasts[0].backtest.score
        np.testing.assert_array_equal(
            forecast.expected_transactions, forecasts[0].expected_transactions
        )
