"""The audit overview of a company with 100 000 clients, as its head of sales opens it, against
the bare SQL the page needs.

    python -m benchmarks.bench_audit_overview                      # SQLite in a scratch file
    python -m benchmarks.bench_audit_overview --clients 20000 --runs 5
    DATABASE_URL=postgres://… python -m benchmarks.bench_audit_overview   # an empty database

It builds a company whose audit has run (every client with its status, classes, revenue and
metrics, a fifth of them planning a purchase budget; thirteen months of status history, so that
the page's default migration, a year back, has both ends), logs the head of sales in (she sees
every client) and measures:

- cold: the first ``GET /audit/`` after the company was built, once;
- page: ``GET /audit/`` through Django's test client — middleware, session, the access funnel,
  the status totals, the ABC × XYZ matrix, the status migration, the budgets still going to
  competitors, the runs and the template — the median of N runs;
- sql: the very statements that request ran (captured once from Django), replayed on a raw
  connection, every row fetched: what any implementation of the page needs from the database.

The goal: page ≤ 3 × sql, printed as MET or NOT MET.
"""

import argparse
import datetime as dt
import os
import tempfile
import time
from decimal import Decimal
from typing import Any

from benchmarks.harness import (
    median_seconds,
    page_statements,
    raw_close,
    raw_connection,
    replay,
    verdict,
)

GOAL = 3.0
MANAGERS = 40
HISTORY_MONTHS = 13
AS_OF = dt.date(2026, 6, 30)
STATUSES = (
    "new", "one_time", "irregular", "regular", "vip", "partner", "reanimated", "lapsing", "lost",
)  # fmt: skip
# A client's status a year earlier: most keep theirs, some move along the method's paths.
EARLIER = {"new": "", "vip": "regular", "lapsing": "regular", "lost": "lapsing"}
ABC = ("A", "B", "C", "C", "C")
XYZ = ("X", "Y", "Z")


def money(cents: int) -> Decimal:
    return Decimal(cents) / 100


def month_back(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def build(*, clients: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientAudit, ClientStatusMonth
    from upsell.reporting.models import AuditRun, RunStatus

    call_command("migrate", verbosity=0)
    managers = User.objects.bulk_create(
        User(username=f"manager{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(MANAGERS)
    )
    User.objects.create(username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES)
    Client.objects.bulk_create(
        (
            Client(
                name=f'ООО "Клиент {n:06d}"',
                tax_id=f"{1_000_000_000 + n}",
                manager=managers[n % MANAGERS],
                status=STATUSES[n % len(STATUSES)],
                plans_budget=n % 5 == 0,
            )
            for n in range(clients)
        ),
        batch_size=5000,
    )
    ids = list(Client.objects.order_by("pk").values_list("pk", flat=True))
    audits = []
    for n, client_id in enumerate(ids):
        status = STATUSES[n % len(STATUSES)]
        revenue = 1_000_00 + (n * 7919) % 5_000_000_00
        metrics: dict[str, object] = {"orders_365": n % 12, "days_since_last_order": n % 400}
        if n % 5 == 0:
            budget = 1_000_000_00 + (n * 104_729) % 20_000_000_00
            bought = min(revenue, budget)
            metrics.update(
                annual_budget=money(budget),
                budget_year=AS_OF.year,
                bought_budget_year=money(bought),
                share_of_wallet=bought / budget,
                competitors_amount=money(budget - bought),
            )
        audits.append(
            ClientAudit(
                client_id=client_id,
                as_of=AS_OF,
                computed_status=status,
                status_rule=status,
                perspective=n % 101,
                abc_class=ABC[n % len(ABC)] if status != "new" else "",
                xyz_class=XYZ[n % len(XYZ)] if status != "new" else "",
                revenue_365=money(revenue),
                last_order_date=AS_OF - dt.timedelta(days=n % 400),
                **metrics,
            )
        )
    ClientAudit.objects.bulk_create(audits, batch_size=5000)
    del audits
    last = AS_OF.replace(day=1)
    for back in range(HISTORY_MONTHS):
        month = month_back(last, back)
        ClientStatusMonth.objects.bulk_create(
            (
                ClientStatusMonth(
                    client_id=client_id,
                    month=month,
                    status=(
                        STATUSES[n % len(STATUSES)]
                        if back < 6
                        else EARLIER.get(STATUSES[n % len(STATUSES)], STATUSES[n % len(STATUSES)])
                    ),
                    status_rule="bench",
                    revenue_365=money(1_000_00 + (n * 7919 + back) % 5_000_000_00),
                )
                for n, client_id in enumerate(ids)
            ),
            batch_size=5000,
        )
    now = timezone.now()
    AuditRun.objects.bulk_create(
        AuditRun(
            as_of=month_back(last, back),
            status=RunStatus.SUCCEEDED,
            clients=clients,
            history_rows=clients * HISTORY_MONTHS,
            started_at=now - dt.timedelta(days=30 * back, minutes=5),
            finished_at=now - dt.timedelta(days=30 * back),
        )
        for back in range(6)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_audit_overview_") as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ["ALLOWED_HOSTS"] = "testserver"
        os.environ.setdefault("UPSELL_DATA_DIR", directory)
        import django

        django.setup()
        from django.test import Client as HttpClient
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from upsell.accounts.models import User

        setup_test_environment()
        started = time.perf_counter()
        build(clients=options.clients)
        built = time.perf_counter() - started
        print(f"company of {options.clients} clients built in {built:.1f} s")

        http = HttpClient()
        http.force_login(User.objects.get(username="helen"))
        url = reverse("audit:overview")

        started = time.perf_counter()
        response = http.get(url)
        cold = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        listed = sum(total.clients for total in response.context["totals"])
        assert listed == options.clients, (listed, options.clients)

        statements = page_statements(lambda: http.get(url))
        raw = raw_connection()

        def page() -> None:
            assert http.get(url).status_code == 200

        def sql() -> list[list[Any]]:
            return replay(raw, statements)

        fetched = sum(len(rows) for rows in sql())
        page_time, sql_time = median_seconds([page, sql], runs=options.runs)
        ratio = page_time / sql_time
        print(
            f"audit overview of {listed} clients: cold {cold * 1000:.0f} ms, "
            f"median {page_time * 1000:.0f} ms"
        )
        print(
            f"bare SQL of the page ({len(statements)} statements, {fetched} rows): "
            f"median {sql_time * 1000:.1f} ms"
        )
        print(f"page / sql = {ratio:.2f}   goal page <= {GOAL:.0f}x sql: {verdict(ratio, GOAL)}")
        raw_close(raw)


if __name__ == "__main__":
    main()
