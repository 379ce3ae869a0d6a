"""The status history month by month, its changes and the migration matrix."""

import datetime as dt
from decimal import Decimal

from benchmarks.bench_audit import company_generate
from upsell.analytics.audit import audit_clients, audit_history, status_changes, status_migration
from upsell.analytics.contracts import PAYMENTS_SCHEMA
from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import clients_table, orders_table

YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 1))


def company_2024():
    """Client 1 orders monthly to May, client 2 once in March, client 3 returns its only order."""
    orders = [(1, dt.date(2024, month, 10), "1000.00") for month in range(1, 6)]
    orders += [(2, dt.date(2024, 3, 5), "10.00")]
    orders += [(3, dt.date(2024, 2, 1), "50.00"), (3, dt.date(2024, 2, 20), "-50.00")]
    return orders_table(orders), clients_table([{"client_id": 4}])


def history_2024():
    orders, clients = company_2024()
    return audit_history(orders, clients, months=YEAR_2024, settings=AuditSettings())


def test_history_gives_the_status_at_every_month_end_from_the_first_order():
    history = history_2024()

    statuses: dict[int, list[str | None]] = {}
    for row in history.to_pylist():
        statuses.setdefault(row["client_id"], []).append(row["status"])
    assert statuses == {
        1: ["new"] * 3 + ["vip"] * 3 + ["lapsing"] * 4 + ["lost"] * 2,
        2: ["new"] * 3 + ["one_time"] * 3 + ["lost"] * 4,
        3: [None] * 11,
    }
    assert history.column("month").to_pylist()[:2] == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]


def test_history_carries_rules_and_revenue():
    rows = {(row["client_id"], row["month"]): row for row in history_2024().to_pylist()}

    assert [
        (rows[key]["status_rule"], rows[key]["revenue_365"])
        for key in ((1, dt.date(2024, 4, 1)), (2, dt.date(2024, 9, 1)), (3, dt.date(2024, 2, 1)))
    ] == [
        ("regular_in_abc_a", Decimal("4000.00")),
        ("no_order_for_lost_days", Decimal("10.00")),
        ("no_orders", Decimal("0.00")),
    ]


def test_history_accepts_a_list_of_months():
    orders, clients = company_2024()

    history = audit_history(
        orders,
        clients,
        months=[dt.date(2024, 7, 31), dt.date(2024, 3, 31)],
        settings=AuditSettings(),
    )

    assert [(row["client_id"], row["month"], row["status"]) for row in history.to_pylist()] == [
        (1, dt.date(2024, 3, 1), "new"),
        (1, dt.date(2024, 7, 1), "lapsing"),
        (2, dt.date(2024, 3, 1), "new"),
        (2, dt.date(2024, 7, 1), "one_time"),
        (3, dt.date(2024, 3, 1), None),
        (3, dt.date(2024, 7, 1), None),
    ]


def test_history_matches_the_audit_as_of_each_month_end():
    orders, clients, _ = company_generate(
        clients=120, documents=2500, seed=3, as_of=dt.date(2025, 6, 30)
    )
    months = (dt.date(2024, 7, 1), dt.date(2025, 6, 1))

    history = audit_history(orders, clients, months=months, settings=AuditSettings())

    by_month: dict[dt.date, dict[int, tuple[str | None, str, Decimal]]] = {}
    for row in history.to_pylist():
        by_month.setdefault(row["month"], {})[row["client_id"]] = (
            row["status"],
            row["status_rule"],
            row["revenue_365"],
        )
    assert len(by_month) == 12
    for month, statuses in by_month.items():
        month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        audit = audit_clients(
            orders,
            clients,
            PAYMENTS_SCHEMA.empty_table(),
            as_of=month_end,
            settings=AuditSettings(),
        )
        assert {
            row["client_id"]: (row["status"], row["status_rule"], row["revenue_365"])
            for row in audit.to_pylist()
            if row["client_id"] in statuses
        } == statuses


def test_status_changes_list_each_move_with_the_first_appearance():
    changes = status_changes(history=history_2024())

    assert [tuple(row.values()) for row in changes.to_pylist()] == [
        (1, dt.date(2024, 1, 1), None, "new", "first_order_recent"),
        (1, dt.date(2024, 4, 1), "new", "vip", "regular_in_abc_a"),
        (1, dt.date(2024, 7, 1), "vip", "lapsing", "last_order_overdue"),
        (1, dt.date(2024, 11, 1), "lapsing", "lost", "no_order_for_lost_days"),
        (2, dt.date(2024, 3, 1), None, "new", "first_order_recent"),
        (2, dt.date(2024, 6, 1), "new", "one_time", "single_order"),
        (2, dt.date(2024, 9, 1), "one_time", "lost", "no_order_for_lost_days"),
        (3, dt.date(2024, 2, 1), None, None, "no_orders"),
    ]


def test_migration_matrix_counts_clients_and_revenue_per_move():
    history = history_2024()

    june_to_september = status_migration(
        history=history, month_from=dt.date(2024, 6, 30), month_to=dt.date(2024, 9, 1)
    )
    january_to_march = status_migration(
        history=history, month_from=dt.date(2024, 1, 1), month_to=dt.date(2024, 3, 1)
    )

    assert [tuple(row.values()) for row in june_to_september.to_pylist()] == [
        (None, None, 1, Decimal("0.00"), Decimal("0.00")),
        ("one_time", "lost", 1, Decimal("10.00"), Decimal("10.00")),
        ("vip", "lapsing", 1, Decimal("5000.00"), Decimal("5000.00")),
    ]
    assert [tuple(row.values()) for row in january_to_march.to_pylist()] == [
        (None, None, 1, Decimal("0.00"), Decimal("0.00")),
        (None, "new", 1, Decimal("0.00"), Decimal("10.00")),
        ("new", "new", 1, Decimal("1000.00"), Decimal("3000.00")),
    ]


def test_empty_calendar_gives_an_empty_history():
    orders, clients = company_2024()

    history = audit_history(orders, clients, months=[], settings=AuditSettings())

    assert (history.num_rows, history.column_names) == (
        0,
        ["client_id", "month", "status", "status_rule", "revenue_365"],
    )
