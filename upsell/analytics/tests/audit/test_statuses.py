"""Every status rule pinned at its boundaries: the day before, on and after each threshold."""

import pytest

from upsell.analytics.audit import PRECEDENCE, Status, StatusRule
from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import (
    DOMINANT_CLIENT,
    audit_rows,
    client_orders,
    days_before,
)


def status_of(orders, client_id=1, **kwargs):
    row = audit_rows(orders, **kwargs)[client_id]
    return row["status"], row["status_rule"]


def test_precedence_is_the_documented_order():
    assert [(status, rule) for status, rule, _ in PRECEDENCE] == [
        (Status.PARTNER, StatusRule.PARTNER_FLAG),
        (None, StatusRule.NO_ORDERS),
        (Status.LOST, StatusRule.NO_ORDER_FOR_LOST_DAYS),
        (Status.REANIMATED, StatusRule.ORDER_AFTER_LONG_GAP),
        (Status.NEW, StatusRule.FIRST_ORDER_RECENT),
        (Status.LAPSING, StatusRule.LAST_ORDER_OVERDUE),
        (Status.VIP, StatusRule.REGULAR_IN_ABC_A),
        (Status.REGULAR, StatusRule.ENOUGH_ORDERS_IN_WINDOW),
        (Status.IRREGULAR, StatusRule.REPEAT_ORDERS),
        (Status.ONE_TIME, StatusRule.SINGLE_ORDER),
    ]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (89, ("new", "first_order_recent")),
        (90, ("new", "first_order_recent")),
        (91, ("one_time", "single_order")),
    ],
)
def test_single_order_is_new_up_to_90_days_inclusive(age, expected):
    assert status_of(client_orders(1, age)) == expected


def test_new_client_with_several_orders_stays_new_within_90_days():
    assert status_of(client_orders(1, 90, 60, 30, 5)) == ("new", "first_order_recent")


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (179, ("one_time", "single_order")),
        (180, ("lost", "no_order_for_lost_days")),
        (181, ("lost", "no_order_for_lost_days")),
        (365, ("lost", "no_order_for_lost_days")),
        (366, ("lost", "no_order_for_lost_days")),
    ],
)
def test_single_order_turns_lost_at_180_days(age, expected):
    assert status_of(client_orders(1, age)) == expected


@pytest.mark.parametrize(
    ("last_age", "expected"),
    [
        (179, ("irregular", "repeat_orders")),
        (180, ("lost", "no_order_for_lost_days")),
    ],
)
def test_repeat_client_turns_lost_at_180_days_without_orders(last_age, expected):
    # Intervals of 150 days keep 2× the interval above 180: the client is not lapsing first.
    assert status_of(client_orders(1, last_age + 150, last_age)) == expected


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ((300, 200, 100), ("irregular", "repeat_orders")),
        ((365, 250, 130, 10), ("regular", "enough_orders_in_window")),
        ((366, 250, 130, 10), ("irregular", "repeat_orders")),
    ],
)
def test_regular_needs_4_orders_within_365_days_inclusive(orders, expected):
    assert status_of(client_orders(1, *orders) + DOMINANT_CLIENT) == expected


def test_regular_client_in_abc_class_a_is_vip():
    row = audit_rows(client_orders(1, 365, 250, 130, 10))[1]

    assert (row["status"], row["status_rule"], row["abc_class"]) == (
        "vip",
        "regular_in_abc_a",
        "A",
    )


@pytest.mark.parametrize(
    ("last_age", "expected"),
    [
        (59, ("regular", "enough_orders_in_window")),
        (60, ("regular", "enough_orders_in_window")),
        (61, ("lapsing", "last_order_overdue")),
    ],
)
def test_lapsing_when_days_since_last_order_exceed_twice_the_interval(last_age, expected):
    orders = client_orders(1, last_age + 90, last_age + 60, last_age + 30, last_age)

    row = audit_rows(orders + DOMINANT_CLIENT)[1]

    assert (row["status"], row["status_rule"]) == expected
    assert row["typical_interval_days"] == 30.0


@pytest.mark.parametrize(
    ("last_age", "expected"),
    [
        (44, ("regular", "enough_orders_in_window")),
        (45, ("regular", "enough_orders_in_window")),
        (46, ("lapsing", "last_order_overdue")),
    ],
)
def test_lapsing_needs_more_than_45_days_whatever_the_interval(last_age, expected):
    orders = client_orders(1, 200, last_age + 30, last_age + 20, last_age + 10, last_age)

    assert status_of(orders + DOMINANT_CLIENT) == expected


def test_lapsing_outranks_vip():
    row = audit_rows(client_orders(1, 151, 121, 91, 61))[1]

    assert (row["status"], row["abc_class"]) == ("lapsing", "A")


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ((270, 90), ("reanimated", "order_after_long_gap")),
        ((269, 90), ("irregular", "repeat_orders")),
        ((271, 91), ("irregular", "repeat_orders")),
        ((500, 270, 90, 20), ("reanimated", "order_after_long_gap")),
    ],
)
def test_reanimated_after_a_180_day_gap_within_the_last_90_days(orders, expected):
    row = audit_rows(client_orders(1, *orders) + DOMINANT_CLIENT)[1]

    assert (row["status"], row["status_rule"]) == expected


def test_reanimated_row_carries_the_gap_it_ended():
    row = audit_rows(client_orders(1, 500, 270, 90, 20))[1]

    assert (row["recent_gap_days"], row["days_since_last_order"]) == (180, 20)


def test_partner_flag_outranks_every_rule():
    rows = audit_rows(
        client_orders(1, 400) + client_orders(2, 10),
        clients=[{"client_id": 1, "is_partner": True}, {"client_id": 3, "is_partner": True}],
    )

    assert [(rows[key]["status"], rows[key]["status_rule"]) for key in (1, 2, 3)] == [
        ("partner", "partner_flag"),
        ("new", "first_order_recent"),
        ("partner", "partner_flag"),
    ]


def test_client_without_orders_has_no_status():
    rows = audit_rows(client_orders(2, 10), clients=[{"client_id": 1}])

    assert {key: (row["status"], row["status_rule"]) for key, row in rows.items()} == {
        1: (None, "no_orders"),
        2: ("new", "first_order_recent"),
    }
    assert (rows[1]["orders_total"], rows[1]["first_order_date"], rows[1]["perspective"]) == (
        0,
        None,
        None,
    )


def test_return_of_the_whole_amount_cancels_the_order():
    orders = [(1, days_before(300), "100.00"), (1, days_before(30), "500.00")]
    orders += [(1, days_before(30), "-500.00")]

    row = audit_rows(orders)[1]

    assert (row["status"], row["orders_total"], str(row["revenue_total"])) == (
        "lost",
        1,
        "100.00",
    )


def test_return_cancels_the_latest_equal_order_on_or_before_its_date():
    orders = [(1, days_before(200), "100.00"), (1, days_before(20), "100.00")]
    orders += [(1, days_before(10), "-100.00"), (1, days_before(5), "100.00")]

    row = audit_rows(orders)[1]

    assert (row["orders_total"], row["first_order_date"], row["last_order_date"]) == (
        2,
        days_before(200),
        days_before(5),
    )
    assert (row["status"], row["recent_gap_days"]) == ("reanimated", 195)


def test_return_before_the_order_cancels_nothing():
    orders = [(1, days_before(40), "-100.00"), (1, days_before(30), "100.00")]

    row = audit_rows(orders)[1]

    assert (row["status"], row["orders_total"], str(row["revenue_total"])) == (
        "new",
        1,
        "0.00",
    )


def test_partial_return_cancels_nothing_and_reduces_revenue():
    orders = [(1, days_before(30), "100.00"), (1, days_before(20), "-40.00")]

    row = audit_rows(orders)[1]

    assert (row["orders_total"], str(row["revenue_90"])) == (1, "60.00")


def test_order_counts_until_the_day_of_its_return():
    orders = [(1, days_before(300), "100.00"), (1, days_before(30), "500.00")]
    orders += [(1, days_before(10), "-500.00")]

    before_return = audit_rows(orders, as_of=days_before(11))[1]
    on_return = audit_rows(orders, as_of=days_before(10))[1]

    assert (before_return["orders_total"], before_return["status"]) == (2, "reanimated")
    assert (on_return["orders_total"], on_return["status"]) == (1, "lost")


def test_client_with_only_returns_has_no_orders():
    row = audit_rows([(1, days_before(30), "-100.00")])[1]

    assert (row["status"], row["status_rule"], row["orders_total"], str(row["revenue_365"])) == (
        None,
        "no_orders",
        0,
        "-100.00",
    )


def test_documents_after_the_audit_date_are_not_seen():
    rows = audit_rows(client_orders(1, 200, 5), as_of=days_before(50))

    assert (rows[1]["orders_total"], rows[1]["status"]) == (1, "one_time")


def test_thresholds_come_from_the_settings():
    settings = AuditSettings(new_days=30, regular_min_orders=2)

    statuses = {
        key: row["status"]
        for key, row in audit_rows(
            client_orders(1, 45) + client_orders(2, 100, 50) + DOMINANT_CLIENT,
            settings=settings,
        ).items()
    }

    assert (statuses[1], statuses[2]) == ("one_time", "regular")


def test_unknown_client_in_orders_is_audited_as_an_ordinary_client():
    rows = audit_rows(client_orders(7, 10), clients=[])

    assert (rows[7]["is_partner"], rows[7]["plans_budget"], rows[7]["status"]) == (
        False,
        False,
        "new",
    )


def test_repeated_client_ids_in_clients_are_refused():
    with pytest.raises(ValueError, match="repeated"):
        audit_rows([], clients=[{"client_id": 1}, {"client_id": 1}])
