import datetime as dt

import numpy as np
import pytest

from upsell.analytics.btyd.backtest import (
    Fold,
    backtest_origins,
    model_choose,
    models_backtest,
    month_folds,
    months_backtest,
)
from upsell.analytics.btyd.forecast import forecast_make
from upsell.analytics.tests.audit.builders import orders_table
from upsell.analytics.tests.btyd.data import company_table, table_transactions

CALIBRATION_END = dt.date(2024, 9, 30)
QUARTER = dt.timedelta(days=92)


def _company(*, dropout):
    return table_transactions(
        company_table(
            seed=5,
            customers=150,
            start=dt.date(2022, 1, 1),
            end=dt.date(2024, 12, 31),
            mean_days_between_orders=30.0,
            dropout=dropout,
        )
    )


@pytest.fixture(scope="module")
def churning_company():
    return _company(dropout=True)


@pytest.fixture(scope="module")
def loyal_company():
    return _company(dropout=False)


def test_folds_roll_back_one_horizon_at_a_time(churning_company):
    origins = backtest_origins(
        transactions=churning_company, calibration_end=CALIBRATION_END, horizon=QUARTER, folds=3
    )
    assert origins == [dt.date(2024, 6, 30), dt.date(2024, 3, 30), dt.date(2023, 12, 29)]


def test_a_company_whose_clients_leave_is_forecast_by_a_btyd_model(churning_company):
    # given three years of orders of clients who leave after an order now and then
    # when the candidates are backtested on the three quarters before the calibration end
    scores = models_backtest(
        transactions=churning_company,
        calibration_end=CALIBRATION_END,
        horizon=QUARTER,
        freq="D",
    )

    # then every candidate is scored on three folds, and the BTYD models beat the naive ones
    by_model = {score.model: score for score in scores}
    assert [score.folds for score in scores] == [3, 3, 3, 3]
    assert all(score.eligible for score in scores)
    assert {name: round(score.mae_transactions, 3) for name, score in by_model.items()} == {
        "bgnbd": 0.611,
        "pnbd": 0.592,
        "historic_rate": 0.957,
        "last_year": 0.962,
    }
    assert model_choose(scores=scores) == "pnbd"


def test_a_company_whose_clients_never_leave_falls_back_to_the_historic_rate(loyal_company):
    # given clients who all keep ordering: the dropout process cannot be identified
    # when the candidates are backtested
    scores = models_backtest(
        transactions=loyal_company, calibration_end=CALIBRATION_END, horizon=QUARTER, freq="D"
    )

    # then both BTYD models are excluded with the reason, and the historic rate wins
    by_model = {score.model: score for score in scores}
    assert not by_model["bgnbd"].eligible
    assert by_model["bgnbd"].reason == (
        "fold 2024-06-30–2024-09-30: the fit ran to the boundary: a → 0, b → ∞"
    )
    assert not by_model["pnbd"].eligible
    assert by_model["pnbd"].reason == (
        "fold 2024-06-30–2024-09-30: the fit ran to the boundary: s → 0, beta → ∞"
    )
    assert model_choose(scores=scores) == "historic_rate"


def test_a_forecast_never_uses_a_boundary_fit(loyal_company):
    # when BG/NBD is asked for on the loyal company
    forecast = forecast_make(
        model="bgnbd",
        transactions=loyal_company,
        calibration_end=CALIBRATION_END,
        horizon_end=dt.date(2024, 12, 31),
        freq="D",
    )

    # then the historic rate is used instead, and says why
    assert forecast.requested == "bgnbd"
    assert forecast.model == "historic_rate"
    assert forecast.fallback_reason == "bgnbd: the fit ran to the boundary: a → 0, b → ∞"
    assert forecast.prediction.fit is None
    summary = forecast.summary
    expected = np.divide(summary.frequency, summary.age) * 92.0
    np.testing.assert_allclose(forecast.prediction.expected_transactions, expected)
    np.testing.assert_allclose(forecast.prediction.expected_spend, expected * summary.average_spend)


def test_a_btyd_forecast_prices_transactions_with_the_spend_model(churning_company):
    forecast = forecast_make(
        model="bgnbd",
        transactions=churning_company,
        calibration_end=CALIBRATION_END,
        horizon_end=dt.date(2024, 12, 31),
        freq="D",
    )
    assert forecast.model == "bgnbd"
    assert forecast.fallback_reason == ""
    assert forecast.prediction.fit is not None
    assert forecast.prediction.fit.identifiable
    assert forecast.prediction.spend_fit is not None
    assert forecast.prediction.spend_fit.identifiable
    assert round(float(forecast.prediction.expected_transactions.sum()), 1) == 109.9


def test_a_history_shorter_than_two_horizons_cannot_be_backtested(churning_company):
    scores = models_backtest(
        transactions=churning_company,
        calibration_end=dt.date(2022, 9, 30),
        horizon=dt.timedelta(days=365),
        freq="D",
    )
    assert {score.eligible for score in scores} == {False}
    assert {score.reason for score in scores} == {
        "the history before the calibration end is shorter than two horizons"
    }
    assert model_choose(scores=scores) == "bgnbd"


def test_month_folds_replay_the_refresh_on_the_same_day_a_year_apart():
    first = dt.date(2022, 1, 10)

    # 31 December: a fold's 12 months end on the as-of day; a third needs 2021
    assert month_folds(first_day=first, as_of=dt.date(2025, 12, 31), folds=3) == [
        Fold(origin=dt.date(2024, 12, 31), start=dt.date(2024, 12, 31), end=dt.date(2025, 12, 31)),
        Fold(origin=dt.date(2023, 12, 31), start=dt.date(2023, 12, 31), end=dt.date(2024, 12, 31)),
    ]
    # 17 March: February 2026 is the last month over; March 2025 to February 2026 are scored,
    # the days from 17 to 28 February 2025 belong to no month, as in the grid
    assert month_folds(first_day=first, as_of=dt.date(2026, 3, 17), folds=1) == [
        Fold(origin=dt.date(2025, 2, 17), start=dt.date(2025, 2, 28), end=dt.date(2026, 2, 28))
    ]
    # the last day of a month replays on the last day, 29 February included
    assert month_folds(first_day=first, as_of=dt.date(2025, 2, 28), folds=1) == [
        Fold(origin=dt.date(2024, 2, 29), start=dt.date(2024, 2, 29), end=dt.date(2025, 2, 28))
    ]
    assert month_folds(first_day=first, as_of=dt.date(2026, 3, 30), folds=1)[0].origin == (
        dt.date(2025, 2, 28)
    )


def _growing(clients):
    """Clients ordering on the 10th of every month, 1000 in 2023, 2000 in 2024, 4000 in 2025."""
    return orders_table(
        [
            (client, dt.date(year, month, 10), amount)
            for client in clients
            for year, amount in ((2023, "1000"), (2024, "2000"), (2025, "4000"))
            for month in range(1, 13)
        ]
    )


def test_the_months_backtest_scores_the_months_the_grid_would_have_held():
    # given growing clients, backtested on 20 December 2025: the fold is fitted on
    # 20 November 2024 and scored on December 2024 to November 2025
    scores = months_backtest(
        orders=_growing((1, 2, 3)),
        as_of=dt.date(2025, 12, 20),
        segments={},
        freq="W",
        models=("historic_rate", "last_year"),
    )

    by_model = {score.model: score for score in scores}
    assert [score.folds for score in scores] == [1, 1]
    # Last year's months repeat December 2023 (1000) and January to November 2024 (2000 each):
    # 23 000 where 2000 + 11 × 4000 = 46 000 came, in as many orders.
    assert (by_model["last_year"].mae_transactions, by_model["last_year"].mae_spend) == (0, 23_000)
    # The historic rate: 22 repeat weeks in T = 97, carried over the fold's 375 days, of which
    # its months hold 365; each order at the 34 000 / 23 of all orders so far.
    orders = 22 / 97 * 365 / 7
    assert by_model["historic_rate"].mae_transactions == pytest.approx(12 - orders, rel=1e-12)
    assert by_model["historic_rate"].mae_spend == pytest.approx(
        46_000 - orders * 34_000 / 23, rel=1e-12
    )
    assert model_choose(scores=scores) == "last_year"


def test_a_history_shorter_than_two_years_cannot_be_backtested_by_months():
    scores = months_backtest(
        orders=_growing((1,)), as_of=dt.date(2024, 12, 20), segments={}, freq="W"
    )

    assert {(score.eligible, score.reason) for score in scores} == {
        (False, "the history before the calibration end is shorter than two horizons")
    }
