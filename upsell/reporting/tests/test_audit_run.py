import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from upsell.clients.models import ClientAudit, ClientStatusMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.reporting.jdbc import jdbc_database_current
from upsell.reporting.models import AuditRun, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2026, 6, 15)


def _orders(client, days_before, amount="1000.00"):
    for days in days_before:
        shipment_with_line(
            client=client, date=AS_OF - dt.timedelta(days=days), amount=Decimal(amount)
        )


@pytest.fixture
def company(db):
    regular = ClientFactory.create(name="Постоянный")
    _orders(regular, [10, 50, 90, 130, 170, 400])
    lost = ClientFactory.create(name="Ушедший")
    _orders(lost, [200, 260, 320])
    newcomer = ClientFactory.create(name="Новый")
    _orders(newcomer, [20])
    partner = ClientFactory.create(name="Дилер", is_partner=True)
    _orders(partner, [30, 300])
    silent = ClientFactory.create(name="Без заказов")
    key_account = ClientFactory.create(name="Ключевой")
    _orders(key_account, [5, 40, 80, 120], amount="100000.00")
    return {
        "key": key_account,
        "regular": regular,
        "lost": lost,
        "new": newcomer,
        "partner": partner,
        "silent": silent,
    }


def test_audit_stores_each_clients_status_rule_and_history(company):
    run = audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)

    run = audit_run_execute(run=run)

    assert (run.status, run.clients, run.progress) == (RunStatus.SUCCEEDED, 6, 100)
    audits = {a.client.name: a for a in ClientAudit.objects.select_related("client")}
    assert {name: (a.computed_status, a.status_rule) for name, a in audits.items()} == {
        "Постоянный": ("regular", "enough_orders_in_window"),
        "Ушедший": ("lost", "no_order_for_lost_days"),
        "Новый": ("new", "first_order_recent"),
        "Дилер": ("partner", "partner_flag"),
        "Без заказов": ("", "no_orders"),
        "Ключевой": ("vip", "regular_in_abc_a"),
    }
    regular = audits["Постоянный"]
    assert regular.revenue_365 == Decimal("5000.00")
    assert regular.last_order_date == dt.date(2026, 6, 5)
    assert regular.metrics["regular_window_orders"] == 5
    for client in company.values():
        client.refresh_from_db()
    assert company["regular"].status == "regular"
    assert company["silent"].status == ""
    # The first order of the regular client was 400 days before: May 2025, so its history
    # runs from May 2025 to May 2026, the last complete month before the audit date.
    months = list(
        ClientStatusMonth.objects.filter(client=company["regular"]).values_list("month", flat=True)
    )
    assert (months[0], months[-1], len(months)) == (dt.date(2025, 5, 1), dt.date(2026, 5, 1), 13)


def test_running_a_finished_audit_again_changes_nothing(company):
    run = audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )
    finished_at = run.finished_at

    again = audit_run_execute(run=AuditRun.objects.get(pk=run.pk))

    assert (again.status, again.finished_at) == (RunStatus.SUCCEEDED, finished_at)
    assert ClientAudit.objects.count() == 6


def test_spark_reaches_the_projects_database_over_jdbc_only_on_postgresql(db):
    database = jdbc_database_current()

    if connection.vendor != "postgresql":
        assert database is None
        return
    settings = connection.settings_dict
    assert database is not None
    assert (database.url, database.user) == (
        f"jdbc:postgresql://{settings['HOST'] or 'localhost'}:{settings['PORT'] or '5432'}/"
        f"{settings['NAME']}",
        settings["USER"],
    )


def test_the_audit_is_stored_with_each_metric_in_a_column_of_its_type(company):
    """Each metric comes back in its own type: amounts as decimals, dates as dates, whole
    floats as floats, a ratio over nothing as no value."""
    audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )

    regular = ClientAudit.objects.get(client=company["regular"])
    newcomer = ClientAudit.objects.get(client=company["new"])
    silent = ClientAudit.objects.get(client=company["silent"])

    assert {
        name: regular.metrics[name]
        for name in (
            "first_order_date",
            "revenue_total",
            "revenue_prev_365",
            "orders_total",
            "typical_interval_days",
            "is_partner",
        )
    } == {
        "first_order_date": dt.date(2025, 5, 11),
        "revenue_total": Decimal("6000.00"),
        "revenue_prev_365": Decimal("1000.00"),
        "orders_total": 6,
        "typical_interval_days": 40.0,
        "is_partner": False,
    }
    assert (newcomer.metrics["typical_interval_days"], newcomer.metrics["interval_cv"]) == (
        None,
        None,
    )
    assert (silent.computed_status, silent.abc_class, silent.revenue_365) == (
        "",
        "",
        Decimal("0.00"),
    )
    assert silent.metrics["first_order_date"] is None
    assert "revenue_365" not in regular.metrics
