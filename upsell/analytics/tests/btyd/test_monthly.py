import datetime as dt

import numpy as np
import pytest

from upsell.analytics.btyd.monthly import (
    BudgetRoom,
    Horizon,
    budget_rooms,
    budget_scale,
    client_seasons,
    forecast_months,
    history_until,
    horizon_end,
    horizon_months,
    last_year_months,
    month_budget_rooms,
    month_weights,
    poisson_band,
    seasonal_profile,
    segment_profiles,
)
from upsell.analytics.tests.audit.builders import orders_table
from upsell.analytics.tests.btyd.data import budgets_table, month_budgets_left_table

YEAR_2026 = [dt.date(2026, month, 1) for month in range(1, 13)]


def _monthly(client_id, *, years, amount, december=None):
    """One order on the 10th of every month of ``years``; ``december`` a month in December."""
    return [
        (client_id, dt.date(year, month, 10), december if month == 12 and december else amount)
        for year in years
        for month in range(1, 13)
    ]


def test_the_horizon_is_the_twelve_months_after_the_month_of_the_as_of_day():
    assert horizon_months(as_of=dt.date(2025, 12, 31)) == YEAR_2026
    assert horizon_months(as_of=dt.date(2026, 1, 1)) == [*YEAR_2026[1:], dt.date(2027, 1, 1)]
    leap = horizon_months(as_of=dt.date(2024, 2, 29))
    assert (leap[0], leap[-1]) == (dt.date(2024, 3, 1), dt.date(2025, 2, 1))
    assert horizon_end(months=leap) == dt.date(2025, 2, 28)


def test_the_history_stops_at_the_day_it_is_read_as_of():
    orders = orders_table([(1, dt.date(2025, 3, 31), "10"), (1, dt.date(2025, 4, 1), "20")])

    history = history_until(orders=orders, day=dt.date(2025, 3, 31))

    assert history.column("amount").to_pylist() == [orders.column("amount")[0].as_py()]


def test_the_season_is_each_months_share_of_an_average_month_over_two_full_years():
    # given 1000 a month through 2024 and 2025, and 3000 each December
    orders = orders_table(_monthly(1, years=(2024, 2025), amount="1000", december="3000"))

    profile = seasonal_profile(orders=orders, as_of=dt.date(2025, 12, 31))

    # then an average month sells (11 × 2000 + 6000) / 12: November 6/7 of it, December 18/7
    assert profile is not None
    assert profile.tolist() == pytest.approx([6 / 7] * 11 + [18 / 7], rel=1e-15)
    assert profile.mean() == pytest.approx(1.0, rel=1e-15)


def test_the_month_of_the_as_of_day_counts_only_once_it_is_over():
    orders = orders_table(_monthly(1, years=(2024, 2025), amount="1000"))

    # On 30 December, December 2025 is not over: January 2024 to November 2025 are 23 months.
    assert seasonal_profile(orders=orders, as_of=dt.date(2025, 12, 30)) is None
    assert seasonal_profile(orders=orders, as_of=dt.date(2025, 12, 31)) == pytest.approx([1.0] * 12)


def test_a_month_that_never_sold_gives_no_season():
    # given two years in which no July sold anything
    orders = orders_table(
        [row for row in _monthly(1, years=(2024, 2025), amount="1000") if row[1].month != 7]
    )

    assert seasonal_profile(orders=orders, as_of=dt.date(2025, 12, 31)) is None


def _segment(first_id, *, clients, summer):
    """``clients`` clients ordering 1000 a month through 2024 and 2025, ``summer`` in June to
    August."""
    return [
        (client_id, dt.date(year, month, 10), summer if month in (6, 7, 8) else "1000")
        for client_id in range(first_id, first_id + clients)
        for year in (2024, 2025)
        for month in range(1, 13)
    ]


def test_a_segment_has_a_season_of_its_own_from_twenty_clients():
    orders = orders_table(
        _segment(1, clients=20, summer="3000") + _segment(101, clients=19, summer="9000")
    )
    segments = dict.fromkeys(range(1, 21), "Стройка") | dict.fromkeys(range(101, 120), "Мелкий опт")

    profiles = segment_profiles(orders=orders, as_of=dt.date(2025, 12, 31), segments=segments)

    # Building sells 40 000 a normal month and 120 000 a summer one: 2/3 and 2 of its average.
    assert list(profiles) == ["Стройка"]
    assert profiles["Стройка"].tolist() == pytest.approx(
        [2 / 3] * 5 + [2.0] * 3 + [2 / 3] * 4, rel=1e-15
    )


def test_the_months_share_the_horizon_by_their_length():
    weights = month_weights(as_of=dt.date(2025, 12, 31), months=YEAR_2026, profile=None)

    assert weights.tolist() == [
        days / 365 for days in (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    ]


def test_the_days_left_in_the_as_of_month_belong_to_no_month():
    # 17 March 2026: the model's horizon runs to 31 March 2027, 379 days, of which April 2026
    # to March 2027 are 365.
    months = horizon_months(as_of=dt.date(2026, 3, 17))

    weights = month_weights(as_of=dt.date(2026, 3, 17), months=months, profile=None)

    assert weights[0] == 30 / 379
    assert weights.sum() == pytest.approx(365 / 379, rel=1e-15)


def test_the_season_bends_the_months_and_keeps_the_horizons_total():
    profile = np.array([6 / 7] * 11 + [18 / 7])

    weights = month_weights(as_of=dt.date(2025, 12, 31), months=YEAR_2026, profile=profile)

    # December's profile is three times November's, and it has 31 days to November's 30.
    assert weights[11] / weights[10] == pytest.approx(3 * 31 / 30, rel=1e-15)
    assert weights.sum() == pytest.approx(1.0, rel=1e-15)


def test_each_client_follows_its_segments_season_else_the_companys():
    orders = orders_table(
        _segment(1, clients=20, summer="3000") + _segment(101, clients=20, summer="1000")
    )
    segments = dict.fromkeys(range(1, 21), "Стройка")

    seasons = client_seasons(
        orders=orders,
        as_of=dt.date(2025, 12, 31),
        months=YEAR_2026,
        clients=np.array([1, 101, 999]),
        segments=segments,
    )

    assert (seasons.company, seasons.segments) == (True, ("Стройка",))
    # June over May: building's season (2 to 2/3), the company's for the others: 40 clients
    # sell 40 000 a normal month and 60 000 + 20 000 a summer one. June has 30 days to May's 31.
    june_to_may = seasons.weights[:, 5] / seasons.weights[:, 4]
    assert june_to_may.tolist() == pytest.approx([3 * 30 / 31, 2 * 30 / 31, 2 * 30 / 31], rel=1e-14)


def test_without_two_years_there_is_no_season_and_no_segments():
    orders = orders_table(_segment(1, clients=20, summer="3000"))
    as_of = dt.date(2025, 11, 30)

    seasons = client_seasons(
        orders=orders,
        as_of=as_of,
        months=horizon_months(as_of=as_of),
        clients=np.array([1]),
        segments={1: "Стройка"},
    )

    assert (seasons.company, seasons.segments) == (False, ())
    # December 2025 to November 2026: 365 days
    assert seasons.weights[0].tolist() == [
        days / 365 for days in (31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30)
    ]


def test_last_years_same_month_repeats_each_clients_own_months():
    # given two March orders, one in September and a return in October 2025, one in June 2024
    orders = orders_table(
        [
            (1, dt.date(2025, 3, 5), "700"),
            (1, dt.date(2025, 3, 20), "300"),
            (1, dt.date(2025, 9, 9), "2500"),
            (1, dt.date(2025, 10, 1), "-400"),
            (1, dt.date(2024, 6, 1), "900"),
            (2, dt.date(2025, 5, 5), "100"),
        ]
    )

    counts, amounts = last_year_months(orders=orders, clients=np.array([1, 3]), months=YEAR_2026)

    # then each month of 2026 is the same month of 2025; the return counts, sells nothing;
    # June 2024 is two years back, and a client without orders expects nothing
    assert counts.tolist() == [
        [0, 0, 2, 0, 0, 0, 0, 0, 1, 1, 0, 0],
        [0] * 12,
    ]
    assert amounts.tolist() == [
        [0, 0, 1000, 0, 0, 0, 0, 0, 2500, 0, 0, 0],
        [0] * 12,
    ]


def test_a_models_horizon_is_spread_by_the_season_and_last_year_repeats_its_months():
    orders = orders_table(_monthly(1, years=(2024, 2025), amount="1000", december="3000"))
    horizon = Horizon(
        as_of=dt.date(2025, 12, 31), history=orders, clients=np.array([1]), segments={}
    )

    spread = forecast_months(
        horizon=horizon,
        model="historic_rate",
        expected_orders=np.array([14.0]),
        expected_amount=np.array([28_000.0]),
    )
    repeated = forecast_months(
        horizon=horizon,
        model="last_year",
        expected_orders=np.array([14.0]),
        expected_amount=np.array([28_000.0]),
    )

    # 28 000 over 2026 by days × season: the year weighs 334 × 6/7 + 31 × 18/7 = 2562/7,
    # November 30 × 6/7 of it and December 31 × 18/7
    assert spread.seasons is horizon.seasons
    assert spread.amounts.sum() == pytest.approx(28_000, rel=1e-15)
    assert spread.amounts[0, 10:].tolist() == pytest.approx(
        [28_000 * 180 / 2562, 28_000 * 558 / 2562], rel=1e-14
    )
    assert spread.orders[0].tolist() == pytest.approx((spread.amounts[0] / 2000).tolist())
    assert repeated.seasons is None
    assert repeated.orders.tolist() == [[1.0] * 12]
    assert repeated.amounts.tolist() == [[1000.0] * 11 + [3000.0]]


def test_the_band_is_the_poisson_count_of_the_expected_orders():
    low, high = poisson_band(
        amounts=np.array([[4000.0, 1000.0, 500.0, 0.0]]), orders=np.array([[4.0, 1.0, 0.0, 2.0]])
    )

    # Four orders: ± 1.2816 / 2; one order: the low end cannot fall below nothing; nothing
    # expected has no band.
    assert low.tolist() == [[4000 * (1 - 0.6408), 0.0, 0.0, 0.0]]
    assert high.tolist() == [[4000 * (1 + 0.6408), 1000 * 2.2816, 0.0, 0.0]]


def test_a_budget_is_what_is_left_of_it_in_its_year():
    budgets = budgets_table(
        [(1, 2026, "3000.00", "499.90"), (2, 2026, "3000.00", "5000.00"), (3, 2027, "10.00", "0")]
    )

    # the second client bought past its budget: nothing is left, not less than nothing
    assert budget_rooms(budgets=budgets) == {
        1: BudgetRoom(year=2026, left=2500.10),
        2: BudgetRoom(year=2026, left=0.0),
        3: BudgetRoom(year=2027, left=10.0),
    }


def test_a_budget_holds_the_months_of_its_year_to_what_is_left():
    months = horizon_months(as_of=dt.date(2026, 1, 31))  # February 2026 to January 2027
    amounts = np.full((3, 12), 300.0)

    scale = budget_scale(
        months=months,
        clients=np.array([1, 2, 3]),
        amounts=amounts,
        rooms={
            1: BudgetRoom(year=2026, left=2500.0),
            2: BudgetRoom(year=2026, left=0.0),
            3: BudgetRoom(year=2026, left=5000.0),
        },
        month_rooms={},
    )

    # 11 months of 300 in 2026 plan 3300 where 2500 are left; January 2027 is not bound.
    assert scale.tolist() == [
        [2500 / 3300] * 11 + [1.0],
        [0.0] * 11 + [1.0],
        [1.0] * 12,
    ]
    assert (amounts * scale)[0, :11].sum() == pytest.approx(2500, rel=1e-15)


def test_month_budgets_left_are_each_clients_rooms_by_month():
    left = month_budgets_left_table(
        [
            (1, dt.date(2026, 2, 1), "150.10"),
            (1, dt.date(2026, 3, 1), "0"),
            (2, dt.date(2026, 2, 1), "7"),
        ]
    )

    assert month_budget_rooms(left=left) == {
        1: {dt.date(2026, 2, 1): 150.10, dt.date(2026, 3, 1): 0.0},
        2: {dt.date(2026, 2, 1): 7.0},
    }


def test_month_budgets_hold_each_planned_month_to_what_is_left_of_it():
    months = horizon_months(as_of=dt.date(2026, 1, 31))  # February 2026 to January 2027
    amounts = np.full((2, 12), 300.0)

    scale = budget_scale(
        months=months,
        clients=np.array([1, 2]),
        amounts=amounts,
        rooms={1: BudgetRoom(year=2026, left=100.0), 2: BudgetRoom(year=2026, left=100.0)},
        month_rooms={
            1: {dt.date(2026, 2, 1): 150.0, dt.date(2026, 3, 1): 0.0, dt.date(2026, 4, 1): 500.0}
        },
    )

    # The first client planned by month: February is halved, March gets nothing, April is not
    # bound (more is left than planned), the months it did not plan are not bound, and its
    # annual budget no longer binds the year. The second is held to its annual budget.
    assert scale.tolist() == [
        [0.5, 0.0] + [1.0] * 10,
        [100 / 3300] * 11 + [1.0],
    ]
