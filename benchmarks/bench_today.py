"""The Today page of a manager with 250 motivated clients, against the bare SQL of the page and
the client list of the same manager.

    python -m benchmarks.bench_today                      # SQLite in a scratch file
    python -m benchmarks.bench_today --clients 250 --runs 15
    DATABASE_URL=postgres://… python -m benchmarks.bench_today   # an empty database

It builds a company relative to today (the manager's 250 motivated clients, each with its audit,
this month's and next month's forecast, shipments, budgets, a few stuck deals, today's meetings,
complex requests and the night's product suggestions; 20 other managers with as many clients
and the same variety), logs the manager in and measures, each the median of N interleaved runs
after the first (cold) request:

- today: ``GET /today/`` through Django's test client — middleware, session, the access
  funnel, every source of actions, the weights, the ranking and the template with its 30 rows;
- sql: the very statements that request ran (captured once from Django), replayed on a raw
  connection, every row fetched: what any implementation of the page needs from the database;
- client list: ``GET /clients/`` of the same manager, the page Today is held to.

The goal: Today answers within the client list's time (today ≤ client list); the ratio to the
bare SQL is printed beside it.
"""

import argparse
import datetime as dt
import os
import random
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
)

SEED = 20260617
SHOWN = 30
PRODUCTS = 300
OPEN_STAGES = ("preparation", "offer", "objections", "terms_agreed", "order")


def money(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def build(*, clients: int, others: int) -> None:
    import polars as pl
    from django.core.management import call_command
    from django.utils import timezone

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientAudit, ClientBudgetMonth
    from upsell.clients.motivation import DEFAULT_MANAGED_STATUSES
    from upsell.core.months import month_add, month_start
    from upsell.deals.models import Activity, ActivityKind, Deal, DealSource
    from upsell.deals.stuck import stuck_after_days
    from upsell.forecasts.models import Confidence, ForecastCell
    from upsell.offers.models import SuggestionLevel
    from upsell.offers.services import RunFigures, suggestions_replace
    from upsell.products.models import Product
    from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
    from upsell.shipments.models import Shipment, ShipmentLine

    rng = random.Random(SEED)  # a reproducible company
    call_command("migrate", verbosity=0)
    owner = User.objects.create(username="today-owner", full_name="Today Owner", role=Role.MANAGER)
    managers = User.objects.bulk_create(
        User(username=f"m{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(others)
    )
    people = [owner, *managers]
    statuses = list(DEFAULT_MANAGED_STATUSES)
    Client.objects.bulk_create(
        (
            Client(
                name=f'ООО "Клиент {person.pk}-{n:03d}"',
                manager=person,
                status=statuses[n % len(statuses)],
                plans_budget=n % 4 == 0,
            )
            for person in people
            for n in range(clients)
        ),
        batch_size=5000,
    )
    today = timezone.localdate()
    now = timezone.now()
    this_month = month_start(today)
    next_month = month_add(this_month, 1)
    products = Product.objects.bulk_create(
        Product(sku=f"P-{n:04d}", name=f"Товар {n}", group=f"Группа {n % 12}")
        for n in range(PRODUCTS)
    )
    audits, cells, shipments, budgets = [], [], [], []
    suggestion_rows: dict[str, list[Any]] = {
        "client_id": [], "product_id": [], "rank": [], "score": [], "buyers": [],
        "among": [], "because_of_id": [], "monthly_amount": [],
    }  # fmt: skip
    rows = Client.objects.order_by("pk").values_list("pk", "manager_id", "plans_budget")
    for n, (client_id, manager_id, plans_budget) in enumerate(rows):
        revenue = money(rng.uniform(30_000, 3_000_000))
        monthly = revenue / 12
        interval = rng.randint(10, 60)
        # A third of them past their usual interval.
        since = interval + rng.randint(1, 40) if n % 3 == 0 else rng.randint(0, interval)
        audits.append(
            ClientAudit(
                client_id=client_id,
                as_of=today - dt.timedelta(days=1),
                computed_status="regular",
                status_rule="regular",
                revenue_365=revenue,
                last_order_date=today - dt.timedelta(days=since),
                typical_interval_days=interval,
                days_since_last_order=since,
            )
        )
        baseline = money(float(monthly) * rng.uniform(0.6, 1.2))
        cells.append(
            ForecastCell(
                client_id=client_id, month=this_month, manager_id=manager_id,
                baseline=baseline, baseline_low=baseline, baseline_high=baseline,
                amount=money(float(monthly) * rng.uniform(0.8, 1.5)),
                confidence=Confidence.COMMIT,
            )
        )  # fmt: skip
        # Next month: half of the cells still without the manager's amount.
        filled = n % 2 == 1
        cells.append(
            ForecastCell(
                client_id=client_id, month=next_month, manager_id=manager_id,
                baseline=baseline, baseline_low=baseline, baseline_high=baseline,
                amount=money(float(monthly)) if filled else None,
                confidence=Confidence.PROBABLE if filled else "",
            )
        )  # fmt: skip
        if n % 3 != 2:
            shipments.append(
                Shipment(
                    number=f"Р-{client_id}",
                    date=this_month,
                    client_id=client_id,
                    manager_id=manager_id,
                    total=money(float(monthly) * rng.uniform(0.2, 1.1)),
                    line_count=1,
                    content_hash=f"{client_id:032d}",
                )
            )
        if plans_budget and n % 8 == 0:
            budgets.append(
                ClientBudgetMonth(
                    client_id=client_id,
                    month=this_month,
                    amount=money(float(monthly) * rng.uniform(1.0, 2.0)),
                )
            )
        picked = rng.sample(products, 4)
        for rank, product in enumerate(picked[:3], start=1):
            among = rng.randint(20, 200)
            suggestion_rows["client_id"].append(client_id)
            suggestion_rows["product_id"].append(product.pk)
            suggestion_rows["rank"].append(rank)
            suggestion_rows["score"].append(1.0 / rank)
            suggestion_rows["buyers"].append(rng.randint(1, among))
            suggestion_rows["among"].append(among)
            suggestion_rows["because_of_id"].append(picked[3].pk if rank == 1 else None)
            suggestion_rows["monthly_amount"].append(money(rng.uniform(1_000, 60_000)))
    ClientAudit.objects.bulk_create(audits, batch_size=5000)
    ForecastCell.objects.bulk_create(cells, batch_size=5000)
    Shipment.objects.bulk_create(shipments, batch_size=5000)
    ShipmentLine.objects.bulk_create(
        (
            ShipmentLine(
                shipment=shipment,
                line_no=1,
                product=products[shipment.client_id % PRODUCTS],
                quantity=Decimal(1),
                price=shipment.total,
                amount=shipment.total,
            )
            for shipment in Shipment.objects.all()
        ),
        batch_size=5000,
    )
    ClientBudgetMonth.objects.bulk_create(budgets, batch_size=5000)
    suggestions_replace(
        figures=RunFigures(level=SuggestionLevel.PRODUCTS, as_of=today, k=10, model="itemknn"),
        suggestions=pl.DataFrame(suggestion_rows).with_columns(
            pl.lit(None, pl.String).alias(name) for name in ("group", "because_of_group")
        ),
        computed_at=now,
    )

    by_manager: dict[int, list[int]] = {}
    for client_id, manager_id in Client.objects.order_by("pk").values_list("pk", "manager_id"):
        by_manager.setdefault(manager_id, []).append(client_id)
    after = stuck_after_days()
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    deals, activities, requests = [], [], []
    for person in people:
        client_ids = by_manager[person.pk]
        for n in range(40):
            # Every fifth open deal idle longer than the closing settings allow: 8 stuck.
            idle = after + 1 + n if n % 5 == 0 else n % after
            deals.append(
                Deal(
                    client_id=client_ids[(7 * n) % len(client_ids)],
                    manager=person,
                    title=f"Поставка {n}",
                    month=next_month,
                    amount=money(rng.uniform(5_000, 400_000)),
                    stage=OPEN_STAGES[n % len(OPEN_STAGES)],
                    source=DealSource.HAND,
                    stage_changed_at=now - dt.timedelta(days=idle),
                    last_activity_at=now - dt.timedelta(days=idle),
                )
            )
        for n in range(6):
            starts = start_of_day + dt.timedelta(hours=9 + n)
            activities.append(
                Activity(
                    client_id=client_ids[(11 * n + 3) % len(client_ids)],
                    kind=(ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.VISIT)[n % 3],
                    owner=person,
                    created_by=person,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1),
                    goal=f"Обсудить заказ {n}" if n % 2 == 0 else "",
                )
            )
        for n in range(5):
            requests.append(
                OrderRequest(
                    client_id=client_ids[(13 * n + 5) % len(client_ids)],
                    description=f"Крепёж, {20 + n} позиций",
                    amount=money(rng.uniform(50_000, 500_000)),
                    line_count=20 + n,
                    source=RequestSource.API,
                    assignee=person,
                    routed_by_rule=RoutingRule.AMOUNT,
                    complex_rule=RoutingRule.AMOUNT,
                )
            )
    Deal.objects.bulk_create(deals, batch_size=5000)
    Activity.objects.bulk_create(activities, batch_size=5000)
    OrderRequest.objects.bulk_create(requests, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=250)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_today_") as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ.setdefault("UPSELL_DATA_DIR", directory)
        import django

        django.setup()
        from django.test import Client as HttpClient
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from upsell.accounts.models import User

        setup_test_environment()
        started = time.perf_counter()
        build(clients=options.clients, others=options.others)
        print(f"company built in {time.perf_counter() - started:.1f} s")

        owner = User.objects.get(username="today-owner")
        http = HttpClient()
        http.force_login(owner)
        today_url = reverse("today:list")
        clients_url = reverse("clients:list")

        started = time.perf_counter()
        response = http.get(today_url)
        cold = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        listed = response.context["listed"]
        assert len(listed.actions) == SHOWN, len(listed.actions)
        assert http.get(clients_url).status_code == 200

        statements = page_statements(lambda: http.get(today_url))
        raw = raw_connection()

        def today() -> None:
            assert http.get(today_url).status_code == 200

        def sql() -> list[list[Any]]:
            return replay(raw, statements)

        def client_list() -> None:
            assert http.get(clients_url).status_code == 200

        fetched = sum(len(rows) for rows in sql())
        page, bare, clients_page = median_seconds([today, sql, client_list], runs=options.runs)
        print(
            f"today of {listed.total} open actions, {len(listed.actions)} shown: "
            f"cold {cold * 1000:.0f} ms, median {page * 1000:.0f} ms"
        )
        print(
            f"bare SQL of the page ({len(statements)} statements, {fetched} rows): "
            f"median {bare * 1000:.1f} ms"
        )
        print(f"today / sql = {page / bare:.1f}")
        print(f"client list of the same manager: median {clients_page * 1000:.0f} ms")
        print(f"today / client list = {page / clients_page:.2f}")
        verdict = "MET" if page <= clients_page else "NOT MET"
        print(
            f"goal: Today within the client list's time: today / client list = "
            f"{page / clients_page:.2f} — {verdict}"
        )
        raw_close(raw)


if __name__ == "__main__":
    main()
