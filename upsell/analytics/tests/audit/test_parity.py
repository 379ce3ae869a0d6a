"""DuckDB and Spark give identical audits: same rows, exact decimals, identical floats."""

import datetime as dt

import pyarrow as pa
import pytest

from benchmarks.bench_audit import company_generate
from upsell.analytics.audit import audit_clients, audit_history, status_changes, status_migration
from upsell.analytics.engines import Engine
from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import D, days_before, orders_table

pytestmark = pytest.mark.spark

EDGE_CASES = [
    (9001, days_before(90), "100.00"),
    (9002, days_before(180), "100.00"),
    (9003, days_before(30), "70.00"),
    (9003, days_before(30), "-70.00"),
    (9004, days_before(10), "-15.00"),
]


@pytest.fixture(scope="module")
def company():
    orders, clients, payments = company_generate(clients=150, documents=3000, seed=5, as_of=D)
    orders = pa.concat_tables([orders, orders_table(EDGE_CASES)])
    return orders, clients, payments


def test_audit_is_identical_on_both_engines(company, spark_session):
    orders, clients, payments = company

    def audit(engine):
        return audit_clients(
            orders, clients, payments, as_of=D, settings=AuditSettings(), engine=engine
        ).to_pylist()

    duckdb_rows = audit(Engine.DUCKDB)
    spark_rows = audit(spark_session)

    assert len(duckdb_rows) == 154
    assert spark_rows == duckdb_rows


def test_history_changes_and_migration_are_identical_on_both_engines(company, spark_session):
    orders, clients, _ = company
    months = (dt.date(2024, 7, 1), D)

    def history_and_derived(engine):
        history = audit_history(
            orders, clients, months=months, settings=AuditSettings(), engine=engine
        )
        changes = status_changes(history=history, engine=engine)
        migration = status_migration(
            history=history, month_from=dt.date(2024, 12, 1), month_to=D, engine=engine
        )
        return history.to_pylist(), changes.to_pylist(), migration.to_pylist()

    duckdb_parts = history_and_derived(Engine.DUCKDB)
    spark_parts = history_and_derived(spark_session)

    assert [len(part) > 10 for part in duckdb_parts] == [True, True, True]
    assert spark_parts == duckdb_parts
