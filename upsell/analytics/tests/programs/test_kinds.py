"""Every kind of program on a hand-computed history: the tier, what is missing, the accrual to
the kopeck, the expected end, and the credit, return and stock figures."""

from decimal import Decimal

from upsell.analytics.programs import ProgramKind
from upsell.analytics.tests.programs.builders import (
    D,
    day,
    member,
    progress_rows,
    stock_table,
)

RETRO_TIERS = [(1, "1000000.00", "2.00"), (1, "3000000.00", "3.00")]


def money(value: str) -> Decimal:
    return Decimal(value)


def test_retro_bonus_tier_missing_accrual_and_expected_end():
    orders = [
        (101, day(12, 31, 2024), "500000.00"),
        (101, day(2, 10), "1500000.00"),
        (101, day(5, 20), "1400000.00"),
        (101, day(6, 1), "-100000.00"),
        (101, day(6, 10), "80000.00"),
        (101, day(6, 20), "999.00"),
    ]
    forecast = [
        (101, day(5, 1), "50000.00"),
        (101, day(6, 1), "200000.00"),
        (101, day(7, 1), "150000.00"),
        (101, day(1, 1, 2026), "999.00"),
    ]

    row = progress_rows(
        [member(1, 101, ProgramKind.RETRO_BONUS)],
        tiers=RETRO_TIERS,
        orders=orders,
        forecast=forecast,
    )[1, 101]

    assert row["as_of"] == D
    assert row["purchased"] == money("2880000.00")
    assert (row["tier_threshold"], row["tier_rate"]) == (money("1000000.00"), money("2.00"))
    assert (row["next_threshold"], row["next_rate"]) == (money("3000000.00"), money("3.00"))
    assert row["missing"] == money("120000.00")
    assert row["accrued"] == money("57600.00")
    # June: 200 000 forecast − (−100 000 + 80 000) shipped so far; July: 150 000.
    assert row["expected_end"] == money("3250000.00")
    assert row["within_reach"] is True
    assert [row[name] for name in ("exposure", "available", "oldest_unpaid", "past_delay")] == [
        None,
        None,
        None,
        None,
    ]
    assert row["returned_on"] is None


def test_within_reach_starts_exactly_at_the_share_below_the_next_threshold():
    members = [member(1, 1, ProgramKind.RETRO_BONUS), member(1, 2, ProgramKind.RETRO_BONUS)]
    orders = [(1, day(3, 1), "2400000.00"), (2, day(3, 1), "2399999.99")]

    rows = progress_rows(members, tiers=RETRO_TIERS, orders=orders)

    assert (rows[1, 1]["within_reach"], rows[1, 2]["within_reach"]) == (True, False)
    assert rows[1, 2]["missing"] == money("600000.01")


def test_cumulative_discount_rates_each_order_by_the_purchases_before_it():
    tiers = [(2, "0.00", "1.00"), (2, "100000.00", "2.00"), (2, "250000.00", "3.00")]
    orders = [
        (201, day(1, 15), "60000.00"),  # before 0: 1 % = 600.00
        (201, day(2, 15), "50000.00"),  # before 60 000: 1 % = 500.00
        (201, day(3, 15), "-10000.00"),  # a return lowers the purchases and earns nothing
        (201, day(4, 15), "150000.00"),  # before 100 000: 2 % = 3 000.00
        (201, day(4, 15), "50000.00"),  # same day, later id, before 250 000: 3 % = 1 500.00
        (201, day(5, 15), "33333.33"),  # before 300 000: 3 % = 999.9999
    ]

    row = progress_rows(
        [member(2, 201, ProgramKind.CUMULATIVE_DISCOUNT)], tiers=tiers, orders=orders
    )[2, 201]

    assert row["purchased"] == money("333333.33")
    assert (row["tier_threshold"], row["tier_rate"]) == (money("250000.00"), money("3.00"))
    assert (row["next_threshold"], row["missing"], row["within_reach"]) == (None, None, False)
    # 6 599.9999 rounded once, on the sum.
    assert row["accrued"] == money("6600.00")


def test_volume_discount_rates_each_order_by_its_own_amount():
    tiers = [(3, "50000.00", "1.50"), (3, "200000.00", "4.00")]
    orders = [
        (301, day(1, 10), "40000.00"),  # below the first tier: nothing
        (301, day(2, 10), "60000.00"),  # 1.5 % = 900.00
        (301, day(3, 10), "250000.10"),  # 4 % = 10 000.004
        (301, day(4, 10), "-12345.67"),
        (302, day(2, 1), "45000.00"),
        (302, day(3, 1), "30000.00"),
    ]
    members = [
        member(3, 301, ProgramKind.VOLUME_DISCOUNT),
        member(3, 302, ProgramKind.VOLUME_DISCOUNT),
    ]

    rows = progress_rows(members, tiers=tiers, orders=orders)

    large, small = rows[3, 301], rows[3, 302]
    assert large["purchased"] == money("337654.43")
    assert (large["tier_threshold"], large["tier_rate"]) == (money("200000.00"), money("4.00"))
    assert (large["next_threshold"], large["missing"]) == (None, None)
    assert large["accrued"] == money("10900.00")
    # The largest order, 45 000, is measured: 5 000 short of the first tier, within 20 %.
    assert (small["tier_threshold"], small["next_threshold"]) == (None, money("50000.00"))
    assert (small["missing"], small["within_reach"]) == (money("5000.00"), True)
    assert small["accrued"] == money("0.00")


def test_advance_discount_accrues_on_orders_paid_before_shipment():
    orders = [
        (401, day(12, 20, 2024), "20000.00"),  # before the period: paid, but not counted
        (401, day(1, 10), "80000.00"),  # 120 000 paid ≥ 100 000 shipped: 5 % = 4 000.00
        (401, day(1, 20), "30000.00"),  # 120 000 paid < 130 000 shipped
        (401, day(2, 1), "40000.00"),  # that day's payment counts: 170 000 ≥ 170 000: 2 000.00
    ]
    payments = [
        (401, day(12, 19, 2024), "20000.00"),
        (401, day(1, 5), "100000.00"),
        (401, day(2, 1), "50000.00"),
        (401, day(6, 20), "1000000.00"),
    ]

    row = progress_rows(
        [member(4, 401, ProgramKind.ADVANCE_DISCOUNT)],
        tiers=[(4, "0.00", "5.00")],
        orders=orders,
        payments=payments,
    )[4, 401]

    assert row["purchased"] == money("150000.00")
    assert (row["tier_threshold"], row["tier_rate"]) == (money("0.00"), money("5.00"))
    assert row["accrued"] == money("6000.00")


def test_credit_line_exposure_limit_and_delay():
    members = [
        member(5, 501, ProgramKind.CREDIT_LINE, credit_limit="100000.00", delay_days=30),
        member(5, 502, ProgramKind.CREDIT_LINE, credit_limit="50000.00", delay_days=45),
        member(5, 503, ProgramKind.CREDIT_LINE, credit_limit="10000.00", delay_days=0),
    ]
    orders = [
        (501, day(3, 1), "70000.00"),
        (501, day(4, 10), "50000.00"),
        (501, day(5, 20), "30000.00"),
        (502, day(6, 1), "80000.00"),
        (503, day(2, 1), "100.00"),
    ]
    payments = [(501, day(4, 1), "60000.00"), (503, day(2, 2), "100.00")]

    rows = progress_rows(members, orders=orders, payments=payments)

    def credit(client_id):
        row = rows[5, client_id]
        return row["exposure"], row["available"], row["oldest_unpaid"], row["past_delay"]

    # 150 000 shipped − 60 000 paid; the March order is the first the payments do not cover,
    # 106 days before D.
    assert credit(501) == (money("90000.00"), money("10000.00"), day(3, 1), True)
    # Over its limit, but only 14 days since the unpaid order.
    assert credit(502) == (money("80000.00"), money("-30000.00"), day(6, 1), False)
    assert credit(503) == (money("0.00"), money("10000.00"), None, False)
    assert [rows[5, client]["accrued"] for client in (501, 502, 503)] == [money("0.00")] * 3
    assert rows[5, 501]["tier_threshold"] is None


def test_client_return_is_the_first_order_since_joining():
    members = [
        member(
            6, 601, ProgramKind.CLIENT_RETURN, start=day(3, 1), end=day(8, 31), joined=day(4, 1)
        ),
        member(
            6, 602, ProgramKind.CLIENT_RETURN, start=day(3, 1), end=day(8, 31), joined=day(4, 1)
        ),
    ]
    orders = [
        (601, day(3, 15), "10000.00"),  # in the period, but before the client joined
        (601, day(5, 5), "-500.00"),  # a return is not a purchase
        (601, day(5, 12), "7000.00"),
        (601, day(5, 30), "9000.00"),
    ]

    rows = progress_rows(members, orders=orders)

    assert (rows[6, 601]["returned_on"], rows[6, 602]["returned_on"]) == (day(5, 12), None)
    assert rows[6, 601]["purchased"] == money("25500.00")
    assert rows[6, 601]["accrued"] == money("0.00")


def test_guaranteed_stock_consumed_per_month_of_the_period_up_to_d():
    members = [member(7, 701, ProgramKind.GUARANTEED_STOCK, start=day(4, 1))]
    commitments = [(7, 701, 9, "10.500"), (7, 701, 8, "2.000")]
    lines = [
        (701, day(3, 31), 9, "5.000"),  # before the period
        (701, day(4, 3), 9, "4.250"),
        (701, day(4, 28), 9, "3.125"),
        (701, day(5, 10), 9, "12.000"),
        (701, day(6, 14), 8, "1.000"),
        (701, day(6, 16), 9, "6.000"),  # after D
        (701, day(6, 1), 7, "3.000"),  # a product not committed
        (702, day(5, 1), 9, "8.000"),  # another client
    ]

    table = stock_table(members, commitments=commitments, lines=lines)

    assert [
        (row["product_id"], row["month"], row["committed"], row["consumed"])
        for row in table.to_pylist()
    ] == [
        (8, day(4, 1), Decimal("2.000"), Decimal("0.000")),
        (8, day(5, 1), Decimal("2.000"), Decimal("0.000")),
        (8, day(6, 1), Decimal("2.000"), Decimal("1.000")),
        (9, day(4, 1), Decimal("10.500"), Decimal("7.375")),
        (9, day(5, 1), Decimal("10.500"), Decimal("12.000")),
        (9, day(6, 1), Decimal("10.500"), Decimal("0.000")),
    ]
    assert {(row["program_id"], row["client_id"]) for row in table.to_pylist()} == {(7, 701)}
