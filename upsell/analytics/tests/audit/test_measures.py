"""The measures of the audit row: windows, intervals, trend, ABC, XYZ, RFM, payments, budget and
perspective, each an exact value from a hand-built history."""

import datetime as dt
from decimal import Decimal

from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import (
    DOMINANT_CLIENT,
    audit_rows,
    client_orders,
    days_before,
)


def money(value):
    return Decimal(value)


def history_across_windows():
    amounts = {10: "100.00", 90: "200.00", 91: "300.00", 365: "400.00", 366: "500.00"}
    amounts |= {730: "600.00", 731: "700.00"}
    return [(1, days_before(age), amount) for age, amount in amounts.items()]


def test_windows_include_an_order_exactly_n_days_old():
    row = audit_rows(history_across_windows())[1]

    assert (row["orders_90"], row["orders_365"], row["orders_total"]) == (2, 4, 7)
    assert (row["revenue_90"], row["revenue_365"], row["revenue_prev_365"]) == (
        money("300.00"),
        money("1000.00"),
        money("1100.00"),
    )
    assert (row["revenue_total"], row["average_order_value"]) == (
        money("2800.00"),
        money("400.00"),
    )


def test_intervals_trend_and_activity():
    row = audit_rows(history_across_windows())[1]

    assert row["typical_interval_days"] == 40.5
    assert row["interval_cv"] == 1.328
    assert row["recent_gap_days"] == 80
    assert row["trend"] == 0.9091
    assert row["months_active"] == 6
    assert (row["first_order_date"], row["last_order_date"]) == (
        days_before(731),
        days_before(10),
    )
    assert (row["days_since_first_order"], row["days_since_last_order"]) == (731, 10)


def test_two_documents_on_one_day_are_two_orders_but_no_interval():
    orders = client_orders(1, 130, 130, 70, 10)

    row = audit_rows(orders)[1]

    assert (row["orders_total"], row["typical_interval_days"], row["interval_cv"]) == (
        4,
        60.0,
        0.0,
    )


def test_trend_is_null_without_revenue_in_the_year_before():
    row = audit_rows(client_orders(1, 200, 100))[1]

    assert (row["trend"], row["trend_score"]) == (None, 50)


def test_abc_classes_by_cumulative_share_of_revenue_over_365_days():
    orders = [
        (1, days_before(10), "700.00"),
        (2, days_before(10), "200.00"),
        (3, days_before(10), "60.00"),
        (4, days_before(10), "40.00"),
        (5, days_before(400), "5000.00"),
    ]

    rows = audit_rows(orders)

    assert [(rows[key]["abc_class"], rows[key]["revenue_share_365"]) for key in range(1, 6)] == [
        ("A", 0.7),
        ("A", 0.2),
        ("B", 0.06),
        ("C", 0.04),
        ("C", None),
    ]


def test_abc_thresholds_come_from_the_settings():
    orders = [(1, days_before(10), "700.00"), (2, days_before(10), "300.00")]

    rows = audit_rows(orders, settings=AuditSettings(abc_a_percent=70, abc_b_percent=90))

    assert (rows[1]["abc_class"], rows[2]["abc_class"]) == ("A", "B")


def test_rfm_quintiles_with_ties_sharing_the_higher_score():
    orders = []
    for client_id, age in zip(range(1, 6), (10, 20, 30, 40, 50), strict=True):
        orders += [(client_id, days_before(age), f"{client_id}00.00")]
    orders += [(5, days_before(60), "1.00")]
    orders += [(4, days_before(70), "1.00")]

    rows = audit_rows(orders)

    assert [rows[key]["rfm_code"] for key in range(1, 6)] == ["531", "432", "333", "254", "155"]


def monthly_orders(client_id, amounts, last=dt.date(2025, 6, 15)):
    """One order on the 15th of each month, the last amount in the month of `last`."""
    rows = []
    for back, amount in enumerate(reversed(amounts)):
        month = last.month - back
        year = last.year + (month - 1) // 12
        rows.append((client_id, dt.date(year, (month - 1) % 12 + 1, 15), amount))
    return rows


def test_xyz_by_coefficient_of_variation_of_monthly_revenue():
    orders = monthly_orders(1, ["100.00"] * 14)
    orders += monthly_orders(2, ["100.00", "300.00"] * 6)
    orders += monthly_orders(3, ["100.00", "500.00"] * 6)
    orders += monthly_orders(4, ["900.00"] + ["0.01"] * 11)

    rows = audit_rows(orders)

    assert [(rows[key]["xyz_class"], rows[key]["monthly_revenue_cv"]) for key in (1, 2, 3, 4)] == [
        ("X", 0.0),
        ("X", 0.5),
        ("Y", 0.6667),
        ("Z", 3.3162),
    ]


def test_xyz_uses_complete_months_only():
    orders = monthly_orders(1, ["100.00"] * 12 + ["900.00"])

    mid_month = audit_rows(orders, as_of=dt.date(2025, 6, 20))[1]
    month_end = audit_rows(orders)[1]

    assert (mid_month["xyz_class"], month_end["xyz_class"]) == ("X", "Z")


def test_xyz_counts_only_the_months_since_the_first_order():
    young = audit_rows(monthly_orders(1, ["100.00"] * 3))[1]
    too_young = audit_rows(monthly_orders(1, ["100.00"] * 2))[1]

    assert (young["xyz_class"], young["monthly_revenue_cv"]) == ("X", 0.0)
    assert (too_young["xyz_class"], too_young["monthly_revenue_cv"]) == (None, None)


def test_payment_discipline_and_debt():
    orders = [(1, days_before(100), "1000.00"), (1, days_before(20), "500.00")]
    payments = [
        (1, days_before(80), "600.00", days_before(90)),
        (1, days_before(60), "100.00", days_before(60)),
        (1, days_before(5), "50.00", None),
        (1, days_before(1), "10.00", days_before(5)),
    ]

    row = audit_rows(orders, payments=payments)[1]

    assert (row["payments_count"], row["avg_days_late"], row["late_payments_share"]) == (
        4,
        4.7,
        0.6667,
    )
    assert (row["debt"], row["overdue_debt"]) == (money("740.00"), money("240.00"))
    assert row["discipline_score"] == 92


def test_payments_after_the_audit_date_are_not_seen():
    orders = [(1, days_before(100), "1000.00")]
    payments = [
        (1, days_before(80), "600.00", days_before(90)),
        (1, days_before(-1), "400.00", None),
    ]

    row = audit_rows(orders, payments=payments)[1]

    assert (row["payments_count"], row["debt"]) == (1, money("400.00"))


def test_without_payments_the_payment_columns_stay_empty():
    row = audit_rows(client_orders(1, 10))[1]

    assert [
        row[name]
        for name in ("payments_count", "avg_days_late", "debt", "overdue_debt", "discipline_score")
    ] == [0, None, None, None, None]


def test_share_of_wallet_of_a_budgeting_client():
    orders = [
        (1, dt.date(2024, 12, 20), "500.00"),
        (1, dt.date(2025, 2, 1), "200.00"),
        (1, dt.date(2025, 5, 1), "100.00"),
    ]
    orders += [(2, dt.date(2025, 5, 1), "100.00")]
    clients = [
        {
            "client_id": 1,
            "plans_budget": True,
            "annual_budget": money("1000.00"),
            "budget_year": 2025,
        },
        {
            "client_id": 2,
            "plans_budget": False,
            "annual_budget": money("1000.00"),
            "budget_year": 2025,
        },
    ]

    rows = audit_rows(orders, clients=clients)

    assert [
        rows[1][name]
        for name in (
            "annual_budget",
            "budget_year",
            "bought_budget_year",
            "share_of_wallet",
            "competitors_amount",
        )
    ] == [money("1000.00"), 2025, money("300.00"), 0.3, money("700.00")]
    assert [rows[2][name] for name in ("annual_budget", "share_of_wallet")] == [None, None]


def test_budget_fully_bought_leaves_nothing_to_competitors():
    clients = [
        {
            "client_id": 1,
            "plans_budget": True,
            "annual_budget": money("100.00"),
            "budget_year": 2025,
        }
    ]

    row = audit_rows(client_orders(1, 10, amount="150.00"), clients=clients)[1]

    assert (row["share_of_wallet"], row["competitors_amount"]) == (1.5, money("0.00"))


def test_perspective_is_the_weighted_mean_of_its_components():
    row = audit_rows(history_across_windows())[1]

    assert [
        row[name]
        for name in (
            "solvency_score",
            "discipline_score",
            "stability_score",
            "trend_score",
            "tenure_score",
            "perspective",
        )
    ] == [100, None, 11, 45, 67, 58]


def test_solvency_is_the_revenue_percentile_among_clients_with_orders():
    orders = client_orders(1, 10, amount="10.00") + client_orders(2, 10, amount="20.00")
    orders += DOMINANT_CLIENT

    rows = audit_rows(orders, clients=[{"client_id": 3}])

    assert [rows[key]["solvency_score"] for key in (1, 2, 3, 999)] == [0, 50, None, 100]
