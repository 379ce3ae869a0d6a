"""The edges of a period and of a history: no orders, a period not started or over, returns
that make purchases negative, a single tier, a program without tiers, an empty input."""

from decimal import Decimal

import pytest

from upsell.analytics.programs import ProgramKind
from upsell.analytics.programs.contracts import PROGRESS_SCHEMA, STOCK_SCHEMA
from upsell.analytics.tests.programs.builders import (
    day,
    member,
    progress_rows,
    progress_table,
    stock_table,
)

RETRO_TIERS = [(1, "1000000.00", "2.00"), (1, "3000000.00", "3.00")]
SINGLE_TIER = [(9, "0.00", "2.50")]


def money(value: str) -> Decimal:
    return Decimal(value)


def test_a_member_without_orders_is_short_of_the_first_tier_by_all_of_it():
    forecast = [(1, day(6, 1), "100000.00"), (1, day(12, 1), "50000.00")]

    row = progress_rows(
        [member(1, 1, ProgramKind.RETRO_BONUS)], tiers=RETRO_TIERS, forecast=forecast
    )[1, 1]

    assert (row["purchased"], row["accrued"]) == (money("0.00"), money("0.00"))
    assert (row["tier_threshold"], row["tier_rate"]) == (None, None)
    assert (row["next_threshold"], row["next_rate"]) == (money("1000000.00"), money("2.00"))
    assert row["missing"] == money("1000000.00")
    assert (row["expected_end"], row["within_reach"]) == (money("150000.00"), False)


def test_a_period_not_started_counts_nothing_yet_and_expects_its_own_months():
    members = [member(1, 1, ProgramKind.RETRO_BONUS, start=day(7, 1), end=day(9, 30))]
    orders = [(1, day(6, 1), "900000.00")]
    forecast = [(1, day(6, 1), "700000.00"), (1, day(8, 1), "850000.00")]

    row = progress_rows(members, tiers=RETRO_TIERS, orders=orders, forecast=forecast)[1, 1]

    assert (row["purchased"], row["accrued"], row["missing"]) == (
        money("0.00"),
        money("0.00"),
        money("1000000.00"),
    )
    # June's forecast is before the period: only August counts; 850 000 ≥ 80 % of 1 000 000.
    assert (row["expected_end"], row["within_reach"]) == (money("850000.00"), True)


def test_after_the_period_ends_only_its_documents_count_and_nothing_is_within_reach():
    members = [member(1, 1, ProgramKind.RETRO_BONUS, start=day(1, 1), end=day(3, 31))]
    orders = [(1, day(2, 1), "2900000.00"), (1, day(4, 1), "500000.00")]
    forecast = [(1, day(6, 1), "400000.00")]

    row = progress_rows(members, tiers=RETRO_TIERS, orders=orders, forecast=forecast)[1, 1]

    assert (row["purchased"], row["expected_end"]) == (money("2900000.00"), money("2900000.00"))
    assert (row["missing"], row["within_reach"]) == (money("100000.00"), False)
    assert row["accrued"] == money("58000.00")


def test_returns_can_make_purchases_negative_and_below_every_tier():
    orders = [(1, day(12, 20, 2024), "5000.00"), (1, day(1, 10), "-1000.10")]

    row = progress_rows([member(9, 1, ProgramKind.RETRO_BONUS)], tiers=SINGLE_TIER, orders=orders)[
        9, 1
    ]

    assert row["purchased"] == money("-1000.10")
    assert (row["tier_threshold"], row["next_threshold"]) == (None, money("0.00"))
    assert (row["missing"], row["accrued"]) == (money("1000.10"), money("0.00"))
    assert row["expected_end"] == money("-1000.10")


def test_a_single_tier_from_zero_rounds_the_bonus_half_up():
    orders = [(1, day(2, 1), "10000.30")]

    row = progress_rows([member(9, 1, ProgramKind.RETRO_BONUS)], tiers=SINGLE_TIER, orders=orders)[
        9, 1
    ]

    # 2.5 % of 10 000.30 is 250.0075.
    assert (row["tier_threshold"], row["tier_rate"]) == (money("0.00"), money("2.50"))
    assert (row["next_threshold"], row["missing"], row["within_reach"]) == (None, None, False)
    assert row["accrued"] == money("250.01")


def test_one_client_in_two_programs_has_a_row_in_each():
    members = [
        member(1, 1, ProgramKind.RETRO_BONUS),
        member(5, 1, ProgramKind.CREDIT_LINE, credit_limit="5000000.00", delay_days=30),
    ]
    orders = [(1, day(3, 1), "1200000.00")]

    rows = progress_rows(members, tiers=RETRO_TIERS, orders=orders)

    assert (rows[1, 1]["accrued"], rows[1, 1]["exposure"]) == (money("24000.00"), None)
    assert (rows[5, 1]["accrued"], rows[5, 1]["exposure"]) == (
        money("0.00"),
        money("1200000.00"),
    )
    assert (rows[5, 1]["tier_threshold"], rows[5, 1]["available"]) == (
        None,
        money("3800000.00"),
    )


def test_each_member_of_one_client_expects_the_forecast_months_of_its_own_period():
    members = [
        member(1, 1, ProgramKind.RETRO_BONUS),
        member(2, 1, ProgramKind.RETRO_BONUS, end=day(9, 30)),
        member(3, 1, ProgramKind.RETRO_BONUS, start=day(7, 1)),
    ]
    orders = [(1, day(6, 5), "30000.00"), (1, day(6, 20), "500000.00")]
    forecast = [
        (1, day(5, 1), "900000.00"),
        (1, day(6, 1), "100000.00"),
        (1, day(8, 1), "50000.00"),
        (1, day(12, 1), "20000.00"),
    ]

    rows = progress_rows(members, orders=orders, forecast=forecast)

    # June is 100 000 less the 30 000 shipped up to D; the order after D is not seen.
    assert (rows[1, 1]["purchased"], rows[1, 1]["expected_end"]) == (
        money("30000.00"),
        money("170000.00"),
    )
    # The period ends before December's forecast.
    assert rows[2, 1]["expected_end"] == money("150000.00")
    # The period starts in July: June's order and forecast are before it.
    assert (rows[3, 1]["purchased"], rows[3, 1]["expected_end"]) == (
        money("0.00"),
        money("70000.00"),
    )


def test_a_credit_line_without_a_delay_cannot_say_whether_it_is_past_it():
    members = [member(5, 1, ProgramKind.CREDIT_LINE)]
    orders = [(1, day(1, 10), "100.00")]

    row = progress_rows(members, orders=orders)[5, 1]

    assert (row["exposure"], row["available"]) == (money("100.00"), None)
    assert (row["oldest_unpaid"], row["past_delay"]) == (day(1, 10), None)


def test_no_members_give_empty_tables_of_the_contract():
    progress = progress_table([])
    stock = stock_table([], commitments=[], lines=[])

    assert (progress.schema, progress.num_rows) == (PROGRESS_SCHEMA, 0)
    assert (stock.schema, stock.num_rows) == (STOCK_SCHEMA, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "loyalty_points"}, "unknown program kinds"),
        ({"period_end": day(1, 1, 2024)}, "ends before it starts"),
    ],
)
def test_members_outside_the_contract_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        progress_table([member(1, 1, ProgramKind.RETRO_BONUS) | changes])


def test_repeated_members_and_tiers_are_refused():
    repeated = [member(1, 1, ProgramKind.RETRO_BONUS)] * 2

    with pytest.raises(ValueError, match="members: repeated program_id, client_id"):
        progress_table(repeated)
    with pytest.raises(ValueError, match="tiers: repeated program_id, threshold"):
        progress_table([], tiers=[(1, "10.00", "1.00"), (1, "10.00", "2.00")])


@pytest.mark.parametrize("share", ["1.5", "-0.1", "0.12345"])
def test_a_reach_share_outside_zero_to_one_or_finer_than_its_steps_is_refused(share):
    with pytest.raises(ValueError, match="reach_share"):
        progress_table([], reach_share=share)
