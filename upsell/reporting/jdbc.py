"""The audit on Spark over JDBC: Spark reads the order history straight from PostgreSQL and
writes its results back there, so the rows never pass through this process.

Spark writes each result into a staging table of its own (one per run); the results then replace
the stored audit in one transaction of the database, and the staging tables are dropped either
way, so a run that fails writes nothing. On SQLite, which Spark cannot reach, the tables are
handed to Spark as Parquet files instead (`upsell.analytics.engines`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa
from django.db import connection, models

from upsell.analytics.audit.clients import AUDIT_CENTS_COLUMNS, AUDIT_DAY_COLUMNS
from upsell.analytics.audit.facts import AuditInputs
from upsell.analytics.contracts import AUDIT_SCHEMA
from upsell.analytics.engines import DatabaseRows, DatabaseTable, JdbcDatabase
from upsell.clients.models import Client
from upsell.clients.services import AUDIT_QUERY_COLUMNS
from upsell.payments.models import Payment
from upsell.shipments.models import Shipment

_EPOCH = "DATE '1970-01-01'"


def jdbc_database_current() -> JdbcDatabase | None:
    """Where Spark reaches the project's database: None unless it is PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    settings = connection.settings_dict
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or "5432"
    return JdbcDatabase(
        url=f"jdbc:postgresql://{host}:{port}/{settings['NAME']}",
        user=settings["USER"] or "",
        password=settings["PASSWORD"] or "",
    )


def _column(model: type[models.Model], field: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(field).column))  # type: ignore[union-attr]


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day(expression: str) -> str:
    return f"({expression} - {_EPOCH})"


def _cents(expression: str) -> str:
    return f"CAST(ROUND({expression} * 100) AS BIGINT)"


def audit_inputs_database(*, database: JdbcDatabase) -> AuditInputs:
    """The order history as rows Spark reads itself, in the engine form of `AuditInputs`."""
    date = _column(Shipment, "date")
    documents = (
        f"SELECT CAST({_column(Shipment, 'client')} AS BIGINT) AS client_id, "  # noqa: S608
        f"CAST({_column(Shipment, 'id')} AS BIGINT) AS order_id, {_day(date)} AS day, "
        f"CAST(EXTRACT(YEAR FROM {date}) * 12 + EXTRACT(MONTH FROM {date}) - 1 AS INTEGER) "
        f"AS month, CAST(EXTRACT(YEAR FROM {date}) AS INTEGER) AS year, "
        f"{_cents(_column(Shipment, 'total'))} AS cents FROM {_table(Shipment)}"
    )
    clients = (
        f"SELECT CAST({_column(Client, 'id')} AS BIGINT) AS client_id, "  # noqa: S608
        f"{_column(Client, 'is_partner')} AS is_partner, "
        f"{_column(Client, 'plans_budget')} AS plans_budget, "
        f"{_cents(_column(Client, 'annual_budget'))} AS budget_cents, "
        f"CAST({_column(Client, 'budget_year')} AS INTEGER) AS budget_year FROM {_table(Client)}"
    )
    payments = (
        f"SELECT CAST({_column(Payment, 'client')} AS BIGINT) AS client_id, "  # noqa: S608
        f"{_day(_column(Payment, 'date'))} AS day, "
        f"{_cents(_column(Payment, 'amount'))} AS cents, "
        f"{_day(_column(Payment, 'due_date'))} AS due_day FROM {_table(Payment)}"
    )
    return AuditInputs(
        documents=DatabaseRows(database=database, query=documents),
        clients=DatabaseRows(database=database, query=clients),
        payments=(
            DatabaseRows(database=database, query=payments) if Payment.objects.exists() else None
        ),
    )


@dataclass(frozen=True, kw_only=True)
class AuditStaging:
    """The staging tables one run's results are written into."""

    clients: DatabaseTable
    history: DatabaseTable


@contextmanager
def audit_staging(*, database: JdbcDatabase, run_id: int) -> Iterator[AuditStaging]:
    """The run's staging tables, dropped at the end whether the run succeeded or not."""
    staging = AuditStaging(
        clients=DatabaseTable(database=database, name=f"reporting_audit_{run_id}_clients"),
        history=DatabaseTable(database=database, name=f"reporting_audit_{run_id}_history"),
    )
    try:
        yield staging
    finally:
        with connection.cursor() as cursor:
            for table in (staging.clients, staging.history):
                cursor.execute(
                    "SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'", [table.name]
                )
                if cursor.fetchone() is not None:
                    cursor.execute(f"DROP TABLE {connection.ops.quote_name(table.name)}")


def audit_query(*, staging: AuditStaging) -> str:
    """The columns of `client_audits_replace_from_query` from the audit Spark wrote: dates
    from day numbers, money from kopecks, a ratio over nothing (a float that is not finite) as
    null, no text as blank."""
    values = ", ".join(_audit_value(name) for name in AUDIT_QUERY_COLUMNS)
    return f"SELECT {values} FROM {connection.ops.quote_name(staging.clients.name)}"  # noqa: S608


def _audit_value(name: str) -> str:
    field = AUDIT_SCHEMA.field(_AUDIT_SOURCES.get(name, name))
    column = connection.ops.quote_name(field.name)
    if field.name in AUDIT_DAY_COLUMNS:
        return _date(column)
    if field.name in AUDIT_CENTS_COLUMNS:
        return _money(column)
    if pa.types.is_floating(field.type):
        return f"CASE WHEN {column} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE {column} END"
    if name in _BLANK_WHEN_NONE:
        return f"COALESCE({column}, '')"
    return column


# The stored audit's columns the analytics package names otherwise, and those stored blank for
# none.
_AUDIT_SOURCES = {"computed_status": "status"}
_BLANK_WHEN_NONE = {"computed_status", "abc_class", "xyz_class", "rfm_code"}


def history_query(*, staging: AuditStaging) -> str:
    """The columns of `client_status_months_replace_from_query` from the history Spark wrote."""
    return (
        f"SELECT client_id, {_date('month')}, COALESCE(status, ''), status_rule, "  # noqa: S608
        f"{_money('revenue_365')} FROM {connection.ops.quote_name(staging.history.name)}"
    )


def _date(column: str) -> str:
    return f"({_EPOCH} + {column})"


def _money(column: str) -> str:
    return f"ROUND(CAST({column} AS NUMERIC) / 100, 2)"
