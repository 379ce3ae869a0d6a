import datetime as dt

import numpy as np
import pytest

from upsell.analytics.btyd.baseline import baseline_forecast
from upsell.analytics.btyd.monthly import poisson_band
from upsell.analytics.tests.audit.builders import orders_table
from upsell.analytics.tests.btyd.data import budgets_table, month_budgets_left_table

AS_OF = dt.date(2025, 12, 31)
NO_BUDGETS = budgets_table([])
NO_MONTH_BUDGETS = month_budgets_left_table([])


def _monthly(client_id, *, years, amount):
    return [
        (client_id, dt.date(year, month, 10), amount) for year in years for month in range(1, 13)
    ]


def test_the_historic_rate_is_spread_over_the_months_of_the_clients_asked_for():
    # given two clients ordering 1000 a month through 2024 and 2025, only the first asked for,
    # and a third asked for that never ordered
    orders = orders_table(
        _monthly(1, years=(2024, 2025), amount="1000")
        + _monthly(2, years=(2024, 2025), amount="1000")
    )

    baseline = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1, 3]),
        as_of=AS_OF,
        model="historic_rate",
    )

    # then the first gets 2026: 23 repeat weeks over T = 103 weeks, carried over 365/7 weeks,
    # January taking 31 of the 365 days; each order at its own average of 1000
    assert baseline.months == [dt.date(2026, month, 1) for month in range(1, 13)]
    assert baseline.clients.tolist() == [1]
    assert (baseline.requested, baseline.model, baseline.fallback_reason) == (
        "historic_rate",
        "historic_rate",
        "",
    )
    assert (baseline.seasonal, baseline.seasonal_segments, baseline.backtest) == (True, (), ())
    january = 23 / 103 * 365 / 7 * 31 / 365
    assert baseline.expected_orders[0, 0] == pytest.approx(january, rel=1e-14)
    assert baseline.amounts[0, 0] == pytest.approx(january * 1000, rel=1e-14)
    assert baseline.amounts.sum() == pytest.approx(23 / 103 * 365 / 7 * 1000, rel=1e-14)
    low, high = poisson_band(amounts=baseline.amounts, orders=baseline.expected_orders)
    assert (baseline.low.tolist(), baseline.high.tolist()) == (low.tolist(), high.tolist())


def test_a_budgeting_client_is_held_to_what_is_left_of_its_budget():
    # given 3000 budgeted for 2026, of which 500 bought in January
    orders = orders_table(
        [*_monthly(1, years=(2024, 2025), amount="1000"), (1, dt.date(2026, 1, 12), "500")]
    )
    budgets = budgets_table([(1, 2026, "3000", "500")])

    baseline = baseline_forecast(
        orders=orders,
        budgets=budgets,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1]),
        as_of=dt.date(2026, 1, 31),
        model="historic_rate",
    )

    # then February to December share the 2500 left, the band shrinks with them, and January
    # 2027 is another budget year; the orders expected stay as the model has them
    in_2026 = [month.year == 2026 for month in baseline.months]
    assert baseline.amounts[0, in_2026].sum() == pytest.approx(2500, rel=1e-14)
    assert baseline.amounts[0, 11] > 0
    unbound = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1]),
        as_of=dt.date(2026, 1, 31),
        model="historic_rate",
    )
    scale = baseline.amounts[0] / unbound.amounts[0]
    assert scale[0] == pytest.approx(2500 / unbound.amounts[0, in_2026].sum(), rel=1e-14)
    assert (baseline.high[0] / unbound.high[0]).tolist() == pytest.approx(scale.tolist())
    # Under one order a month, the low end of the band is nothing.
    assert baseline.low.tolist() == unbound.low.tolist() == [[0.0] * 12]
    assert baseline.expected_orders.tolist() == unbound.expected_orders.tolist()


def test_a_client_that_plans_by_month_is_held_to_each_months_budget_left():
    # given 3000 budgeted for 2026 and by month: 50 left of February, nothing of March
    orders = orders_table(_monthly(1, years=(2024, 2025), amount="1000"))
    left = month_budgets_left_table(
        [(1, dt.date(2026, 2, 1), "50.00"), (1, dt.date(2026, 3, 1), "0.00")]
    )

    def baseline(month_budgets_left):
        return baseline_forecast(
            orders=orders,
            budgets=budgets_table([(1, 2026, "3000", "0")]),
            month_budgets_left=month_budgets_left,
            segments={},
            clients=np.array([1]),
            as_of=dt.date(2026, 1, 31),
            model="historic_rate",
        )

    held, annual = baseline(left), baseline(NO_MONTH_BUDGETS)
    unbound = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1]),
        as_of=dt.date(2026, 1, 31),
        model="historic_rate",
    )

    # then February plans the 50 left, March nothing, and the months it did not plan what the
    # model has: the annual budget (which would scale every month of 2026) no longer binds
    assert held.amounts[0, 0] == pytest.approx(50, rel=1e-14)
    assert held.amounts[0, 1] == 0.0
    assert held.amounts[0, 2:].tolist() == unbound.amounts[0, 2:].tolist()
    assert (held.high[0, 0], held.low[0, 1]) == (
        pytest.approx(unbound.high[0, 0] * 50 / unbound.amounts[0, 0], rel=1e-14),
        0.0,
    )
    assert annual.amounts[0, :11].sum() == pytest.approx(3000, rel=1e-14)
    assert unbound.amounts[0, :11].sum() > 3000


def test_nothing_is_fitted_before_the_first_order():
    orders = orders_table(_monthly(1, years=(2026,), amount="1000"))

    baseline = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1]),
        as_of=AS_OF,
        model="auto",
    )

    assert (baseline.model, baseline.clients.size, baseline.amounts.shape) == (None, 0, (0, 12))
    assert baseline.months[0] == dt.date(2026, 1, 1)


def test_an_unidentifiable_model_asked_for_falls_back_to_the_historic_rate():
    orders = orders_table(
        [row for client in (1, 2, 3) for row in _monthly(client, years=(2024, 2025), amount="1000")]
    )

    baseline = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1, 2, 3]),
        as_of=AS_OF,
        model="bgnbd",
    )

    assert (baseline.requested, baseline.model) == ("bgnbd", "historic_rate")
    assert baseline.fallback_reason.startswith("bgnbd: the fit ran to the boundary")


def test_growing_clients_are_forecast_by_last_years_months_chosen_by_backtest():
    # given three clients that order monthly and double their order every year
    orders = orders_table(
        [
            row
            for client in (1, 2, 3)
            for year, amount in ((2023, "1000"), (2024, "2000"), (2025, "4000"))
            for row in _monthly(client, years=(year,), amount=amount)
        ]
    )

    baseline = baseline_forecast(
        orders=orders,
        budgets=NO_BUDGETS,
        month_budgets_left=NO_MONTH_BUDGETS,
        segments={},
        clients=np.array([1, 2, 3]),
        as_of=AS_OF,
        model="auto",
    )

    # then last year's months win the backtest, and each month of 2026 repeats 2025's
    scores = {score.model: score for score in baseline.backtest}
    assert (scores["last_year"].folds, scores["last_year"].mae_spend) == (1, 24_000)
    assert baseline.model == "last_year"
    assert (baseline.seasonal, baseline.seasonal_segments) == (False, ())
    assert baseline.expected_orders.tolist() == [[1.0] * 12] * 3
    assert baseline.amounts.tolist() == [[4000.0] * 12] * 3
    assert baseline.low.tolist() == [[0.0] * 12] * 3
    assert baseline.high.tolist() == [[4000 * 2.2816] * 12] * 3
