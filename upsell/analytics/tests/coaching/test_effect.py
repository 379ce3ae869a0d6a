"""The coaching effect: each figure's difference in differences against the managers not
coached, its interval, and the honest "too little data"."""

import datetime as dt

import pytest

from upsell.analytics.coaching import coaching_effects, manager_months
from upsell.analytics.coaching.effect import months_measured
from upsell.analytics.engines import Engine
from upsell.analytics.tests.coaching.builders import (
    clients_table,
    deals_table,
    forecast_table,
    managers_table,
    periods_table,
    shipped_table,
    team_generate,
)

FEB, MAR, APR = dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def _closed(manager, month, won, lost, days=10):
    opened = month + dt.timedelta(days=1)
    closed = opened + dt.timedelta(days=days)
    return [(manager, opened, closed, True)] * won + [(manager, opened, closed, False)] * lost


@pytest.fixture
def team():
    """Manager 1 is coached in March; 2 and 3 are not."""
    deals = [
        *_closed(1, FEB, 2, 3),
        *_closed(1, MAR, 4, 1, days=5),
        *_closed(2, FEB, 1, 1),
        *_closed(2, MAR, 1, 1),
        *_closed(3, FEB, 0, 1),
        *_closed(3, MAR, 1, 0),
        (1, MAR, None, None),  # still open: not counted
    ]
    forecast = [
        (1, 10, FEB, "100.00"),
        (1, 10, MAR, "200.00"),
        (2, 20, FEB, "100.00"),
        (2, 20, MAR, "100.00"),
        (3, 30, FEB, "100.00"),
        (3, 30, MAR, "100.00"),
    ]
    shipped = [
        (10, FEB, "80.00"),
        (10, MAR, "220.00"),
        (20, FEB, "100.00"),
        (20, MAR, "90.00"),
        (30, FEB, "50.00"),
        (30, MAR, "70.00"),
        (40, MAR, "1000.00"),  # a spontaneous client of manager 1: not motivated revenue
    ]
    clients = [(10, 1, True), (20, 2, True), (30, 3, True), (40, 1, False)]
    figures, closed = manager_months(
        session=Engine.DUCKDB,
        deals=deals_table(deals),
        forecast=forecast_table(forecast),
        shipped=shipped_table(shipped),
        clients=clients_table(clients),
    )
    return {"figures": figures, "closed_deals": closed, "managers": managers_table([1, 2, 3])}


def _effects(team, *, as_of=APR, periods=((7, 1, MAR, dt.date(2026, 3, 31)),), **options):
    table = coaching_effects(periods=periods_table(list(periods)), as_of=as_of, **team, **options)
    return {(row["period_id"], row["metric"]): row for row in table.to_pylist()}


def test_the_figures_per_manager_and_month(team):
    rows = [
        (row["manager_id"], row["month"], row["closed"], row["won"], row["won_days"])
        for row in team["figures"].to_pylist()
    ]

    assert rows == [
        (1, FEB, 5, 2, 20),
        (1, MAR, 5, 4, 20),
        (2, FEB, 2, 1, 10),
        (2, MAR, 2, 1, 10),
        (3, FEB, 1, 0, 0),
        (3, MAR, 1, 1, 10),
    ]
    money = {
        (row["manager_id"], row["month"]): (
            str(row["forecast"]),
            str(row["attained"]),
            str(row["motivated"]),
        )
        for row in team["figures"].to_pylist()
    }
    assert money[1, MAR] == ("200.00", "220.00", "220.00")
    assert money[3, FEB] == ("100.00", "50.00", "50.00")


def test_win_rate_is_the_coached_change_less_the_controls_mean_change(team):
    effect = _effects(team)[7, "win_rate"]

    assert (effect["coached_before"], effect["coached_after"]) == (40.0, 80.0)
    assert (effect["control_before"], effect["control_after"]) == (25.0, 75.0)
    assert effect["control_managers"] == 2
    assert effect["effect"] == pytest.approx(-10.0)
    assert effect["too_little"] == ""
    assert (effect["months"], effect["months_after"]) == (1, 1)


def test_attainment_interval_comes_from_the_controls_drawn_again(team):
    effect = _effects(team)[7, "attainment"]

    assert (effect["coached_before"], effect["coached_after"]) == (80.0, 110.0)
    assert (effect["control_before"], effect["control_after"]) == (75.0, 80.0)
    assert effect["effect"] == pytest.approx(25.0)
    # One month a side: only the two controls' changes (-10 and +20 points) vary in the draws.
    assert (effect["effect_low"], effect["effect_high"]) == pytest.approx((10.0, 40.0))


def test_motivated_growth_compares_growth_in_percent(team):
    effect = _effects(team)[7, "motivated_growth"]

    assert (effect["coached_before"], effect["coached_after"]) == (80.0, 220.0)
    # Manager 1 grew by 175 %, the controls by -10 % and +40 %.
    assert effect["effect"] == pytest.approx(160.0)


def test_too_few_deals_won_is_too_little_data(team):
    effect = _effects(team)[7, "cycle_days"]

    assert effect["effect"] is None
    assert effect["too_little"] == "few_won:before:2:5"
    assert (effect["coached_before"], effect["coached_after"]) == (10.0, 5.0)


def test_no_complete_month_after_the_start_is_too_little_data(team):
    effects = _effects(team, as_of=dt.date(2026, 3, 31))

    assert {row["too_little"] for row in effects.values()} == {"no_month_after::0:0"}
    assert all(row["effect"] is None for row in effects.values())


def test_a_manager_coached_in_the_same_months_is_no_control(team):
    periods = (
        (7, 1, MAR, dt.date(2026, 3, 31)),
        (8, 3, dt.date(2026, 2, 10), FEB + dt.timedelta(27)),
    )

    effect = _effects(team, periods=periods)[7, "win_rate"]

    assert effect["control_managers"] == 1
    assert effect["too_little"] == "few_controls::1:2"


def test_the_same_data_give_the_same_interval(team):
    first = _effects(team, min_deals=1, min_controls=1)[7, "cycle_days"]
    second = _effects(team, min_deals=1, min_controls=1)[7, "cycle_days"]

    # Manager 3 won nothing in February: manager 2 alone stands as the control.
    assert first["control_managers"] == 1
    assert first["effect"] == pytest.approx(-5.0)
    assert (first["effect_low"], first["effect_high"]) == (
        second["effect_low"],
        second["effect_high"],
    )


@pytest.mark.parametrize(
    ("starts", "ends", "months"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 10), 1),
        (dt.date(2026, 3, 1), dt.date(2026, 4, 30), 2),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 3),
    ],
)
def test_months_measured_is_the_length_rounded_from_one_to_three(starts, ends, months):
    assert months_measured(starts_on=starts, ends_on=ends) == months


def test_a_period_that_ends_before_it_starts_is_refused(team):
    with pytest.raises(ValueError, match="period 7 ends before it starts"):
        _effects(team, periods=((7, 1, MAR, FEB),))


def test_a_planted_win_rate_effect_is_recovered():
    months = [dt.date(2026, month, 1) for month in range(1, 7)]
    team = team_generate(
        managers=8,
        months=months,
        deals_per_month=30,
        win_rate=0.4,
        coached=3,
        coached_from=dt.date(2026, 4, 1),
        planted=0.15,
        seed=11,
    )
    figures, closed = manager_months(session=Engine.DUCKDB, **team)
    effects = coaching_effects(
        figures=figures,
        closed_deals=closed,
        managers=managers_table(list(range(1, 9))),
        periods=periods_table([(1, 3, dt.date(2026, 4, 1), dt.date(2026, 6, 30))]),
        as_of=dt.date(2026, 7, 1),
    )
    win_rate = effects.to_pylist()[0]

    assert win_rate["metric"] == "win_rate"
    assert win_rate["months"] == 3
    assert win_rate["control_managers"] == 7
    assert win_rate["effect"] == pytest.approx(15.5556, abs=1e-4)
    assert (win_rate["effect_low"], win_rate["effect_high"]) == pytest.approx(
        (2.3730, 27.6270), abs=1e-4
    )
