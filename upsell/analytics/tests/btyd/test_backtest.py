import datetime as dt

import numpy as np
import pytest

from upsell.analytics.btyd.backtest import backtest_origins, model_choose, models_backtest
from upsell.analytics.btyd.forecast import forecast_make
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
