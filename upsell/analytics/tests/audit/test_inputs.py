"""What the audit refuses at its boundary, and how it chooses its engine."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from upsell.analytics.audit import audit_clients
from upsell.analytics.contracts import ORDERS_SCHEMA, PAYMENTS_SCHEMA, table_conform
from upsell.analytics.engines import Engine, engine_connect
from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import D, client_orders, clients_table, orders_table


def test_missing_column_is_named():
    orders = orders_table(client_orders(1, 10)).drop_columns(["amount"])

    with pytest.raises(ValueError, match="orders: column 'amount' is missing"):
        table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")


def test_empty_required_value_is_refused():
    orders = pa.table(
        {
            "client_id": pa.array([1, None], pa.int64()),
            "order_id": [1, 2],
            "date": [D, D],
            "amount": pa.array([Decimal("1.00"), Decimal("2.00")], pa.decimal128(16, 2)),
        }
    )

    with pytest.raises(ValueError, match="orders: column 'client_id' has 1 empty values"):
        table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")


def test_amount_with_more_decimals_is_refused_not_rounded():
    orders = pa.table(
        {
            "client_id": [1],
            "order_id": [1],
            "date": [D],
            "amount": pa.array([Decimal("1.005")], pa.decimal128(16, 3)),
        }
    )

    with pytest.raises(ValueError, match="orders: column 'amount' is not decimal128"):
        table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")


def test_compatible_types_are_cast_to_the_contract():
    orders = pa.table(
        {
            "client_id": pa.array([1], pa.int32()),
            "order_id": pa.array([1], pa.int32()),
            "date": [D],
            "amount": pa.array([Decimal("1.50")], pa.decimal128(10, 2)),
            "comment": ["ignored"],
        }
    )

    conformed = table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")

    assert conformed.schema.equals(ORDERS_SCHEMA)
    assert conformed.to_pylist() == [
        {"client_id": 1, "order_id": 1, "date": D, "amount": Decimal("1.50")}
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lost_days": 400}, "lost_days must not exceed one_time_window_days"),
        ({"abc_a_percent": 95}, "ABC thresholds"),
        ({"xyz_x_max_cv": 1.0}, "XYZ thresholds"),
        ({"new_days": -1}, "new_days must not be negative"),
        ({"regular_min_orders": 0}, "regular_min_orders and rfm_bins must be at least 1"),
        (
            {"weight_solvency": 0, "weight_stability": 0, "weight_trend": 0, "weight_tenure": 0},
            "positive weight besides discipline",
        ),
    ],
)
def test_settings_that_leave_a_gap_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        AuditSettings(**change)


def test_default_settings_follow_the_method():
    settings = AuditSettings()

    assert (
        settings.new_days,
        settings.one_time_window_days,
        settings.regular_min_orders,
        settings.lapsing_interval_factor,
        settings.lapsing_min_days,
        settings.lost_days,
        settings.reanimated_gap_days,
        settings.reanimated_recent_days,
        settings.abc_a_percent,
        settings.abc_b_percent,
    ) == (90, 365, 4, 2.0, 45, 180, 180, 90, 80, 95)


def test_an_open_session_serves_several_audits_and_keeps_no_tables():
    session = engine_connect(engine=Engine.DUCKDB)
    try:
        first, second = (
            audit_clients(
                orders_table(client_orders(1, age)),
                clients_table([]),
                PAYMENTS_SCHEMA.empty_table(),
                as_of=D,
                settings=AuditSettings(),
                engine=session,
            )
            for age in (10, 200)
        )
        tables_left = session.backend.con.sql("SHOW ALL TABLES").fetchall()
    finally:
        session.close()

    assert (first.column("status").to_pylist(), second.column("status").to_pylist()) == (
        ["new"],
        ["lost"],
    )
    assert tables_left == []


def test_client_known_only_from_later_documents_is_not_audited_yet():
    result = audit_clients(
        orders_table(client_orders(1, 10)),
        clients_table([]),
        PAYMENTS_SCHEMA.empty_table(),
        as_of=dt.date(2000, 1, 1),
        settings=AuditSettings(),
    )

    assert result.num_rows == 0
