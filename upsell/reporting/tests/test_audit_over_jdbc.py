"""The audit on Spark over JDBC: Spark reads the order history from PostgreSQL and writes its
results back there, and the stored audit is exactly the one DuckDB stores."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from upsell.analytics.engines import Engine, engine_connect
from upsell.clients.models import Client, ClientAudit, ClientStatusMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.payments.models import Payment
from upsell.reporting.models import AuditRun, HistoryMode, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.shipments.tests.factories import ShipmentFactory

AS_OF = dt.date(2026, 6, 15)

pytestmark = [
    pytest.mark.spark,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Spark reads over JDBC from PostgreSQL only: DATABASE_URL is not PostgreSQL",
    ),
]


@pytest.fixture
def company(transactional_db):
    """Forty clients with two years of orders (five with none), whole returns, partial returns,
    payments (some late, some without a due date), partners and purchase budgets; committed, so
    that Spark's own connection sees them."""
    rng = random.Random(11)
    for number in range(40):
        client = ClientFactory.create(
            is_partner=number % 13 == 0,
            plans_budget=number % 7 == 0,
            annual_budget=Decimal("2000000.00") if number % 7 == 0 else None,
            budget_year=2026 if number % 7 == 0 else None,
        )
        day = AS_OF - dt.timedelta(days=rng.randint(30, 730))
        for _ in range(0 if number % 9 == 0 else rng.randint(1, 12)):
            amount = Decimal(rng.randint(1000, 900000)) / 100
            ShipmentFactory.create(client=client, date=day, total=amount)
            if rng.random() < 0.1:
                ShipmentFactory.create(client=client, date=day, total=-amount)
            elif rng.random() < 0.1:
                ShipmentFactory.create(client=client, date=day, total=-(amount / 2).quantize(
                    Decimal("0.01")))  # fmt: skip
            if rng.random() < 0.6:
                due = day + dt.timedelta(days=30) if rng.random() < 0.8 else None
                Payment.objects.create(
                    client=client, date=day + dt.timedelta(days=rng.randint(5, 60)), amount=amount,
                    due_date=due, natural_key=f"p{client.pk}-{day}",
                )  # fmt: skip
            day += dt.timedelta(days=rng.randint(3, 120))
            if day > AS_OF:
                break


def _stored() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, str]]:
    """The stored audit, history and statuses in force."""
    audits = [
        (
            audit.client_id,
            audit.as_of,
            audit.computed_status,
            audit.status_rule,
            audit.perspective,
            audit.abc_class,
            audit.xyz_class,
            audit.revenue_365,
            audit.last_order_date,
            *audit.metrics.values(),
        )
        for audit in ClientAudit.objects.order_by("client_id")
    ]
    history = list(
        ClientStatusMonth.objects.order_by("client_id", "month").values_list(
            "client_id", "month", "status", "status_rule", "revenue_365"
        )
    )
    return audits, history, dict(Client.objects.values_list("id", "status"))


def _audit(engine: str) -> AuditRun:
    return audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine=engine, started_by=None, enqueue=False)
    )


def _staging_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT relname FROM pg_class WHERE relname ~ '^reporting_audit_\d+_'")
        return [name for (name,) in cursor.fetchall()]


def test_a_process_whose_first_spark_session_read_no_database_still_audits_over_jdbc(company):
    """Spark's JVM outlives the first session a process opens, with the driver's class path of
    that session: PostgreSQL's driver is on it from the start, so an audit over JDBC after a
    session that read only Parquet finds it. (First in this file: run as the suite runs these
    tests, alone in their process, it opens the process's first Spark session.)"""
    engine_connect(engine=Engine.SPARK).close()

    run = _audit("spark")

    assert (run.status, run.error, run.clients) == (RunStatus.SUCCEEDED, "", 40)


def test_spark_over_jdbc_stores_exactly_the_audit_duckdb_stores(company):
    duckdb_run = _audit("duckdb")
    by_duckdb = _stored()

    spark_run = _audit("spark")

    assert (spark_run.status, spark_run.clients, spark_run.history_rows) == (
        RunStatus.SUCCEEDED, duckdb_run.clients, duckdb_run.history_rows,
    )  # fmt: skip
    assert (spark_run.clients, spark_run.history_rows, len(by_duckdb[1])) == (40, 489, 489)
    by_spark = _stored()
    assert by_spark[0] == by_duckdb[0]
    assert by_spark[1] == by_duckdb[1]
    assert by_spark[2] == by_duckdb[2]
    assert Counter(audit[2] for audit in by_spark[0]) == {
        "": 4, "irregular": 4, "lapsing": 3, "lost": 13, "new": 2, "one_time": 2, "partner": 4,
        "vip": 8,
    }  # fmt: skip
    assert _staging_tables() == []
    # Over JDBC the history is always rebuilt, and leaves no digest of the documents: the
    # audit after it rebuilds too.
    assert (spark_run.history_mode, spark_run.history_months, spark_run.documents_fingerprint) == (
        HistoryMode.REBUILT, duckdb_run.history_months, "",
    )  # fmt: skip
    assert _audit("duckdb").history_mode == HistoryMode.REBUILT


def test_a_spark_run_that_fails_midway_leaves_the_stored_audit_as_it_was(company):
    _audit("duckdb")
    before = _stored()
    run = audit_run_create(as_of=AS_OF, engine="spark", started_by=None, enqueue=False)
    # Something else holds the name of the run's history staging table: Spark writes the
    # audit of the clients, then cannot write the history.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW reporting_audit_{run.pk}_history AS SELECT 1 AS one")
    try:
        with pytest.raises(Exception, match=f"reporting_audit_{run.pk}_history"):
            audit_run_execute(run=run)
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED
        assert _stored() == before
        assert _staging_tables() == [f"reporting_audit_{run.pk}_history"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP VIEW reporting_audit_{run.pk}_history")
