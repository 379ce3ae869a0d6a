"""The workload board of the head of sales on 100 000 clients, every manager over capacity,
against the bare SQL the page runs.

    python -m benchmarks.bench_workload                       # SQLite in a scratch file
    python -m benchmarks.bench_workload --clients 20000 --runs 5
    DATABASE_URL=postgres://… python -m benchmarks.bench_workload   # an empty database

It builds a company (40 managers, each with an assistant's team of four managers per assistant;
six clients in ten motivated, each with its audit's perspective, a year of shipments and this
month's forecast; the spontaneous ones with their assistants but for a few; a capacity every
manager is over), logs the head of sales in and measures:

- cold: the first ``GET /workload/`` after the company is built;
- page: ``GET /workload/`` through Django's test client — middleware, session, the access
  funnel, the counts, the rebalancing proposal, the clients that could go to assistants and the
  template — the median of N runs interleaved with:
- sql: the very statements that request ran (captured once from Django), replayed on a raw
  connection, every row fetched: what any implementation of the page needs from the database.

The goal: page ≤ 3 × sql, printed as MET or NOT MET.
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
    verdict,
)

GOAL = 3.0
SEED = 20261207
MANAGERS = 40
MANAGERS_PER_ASSISTANT = 4
# One spontaneous client in so many still waits for an assistant: the proposal lists them.
WITHOUT_ASSISTANT_EVERY = 400
REGIONS = [f"Регион {n:02d}" for n in range(1, 86)]
SEGMENTS = ["Строительство", "Розница", "Промышленность", "Дилеры", "Опт", "ЖКХ", "Мебель"]


def money(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def build(*, clients: int) -> int:
    """The company; the capacity in force, which every manager is over."""
    from django.core.management import call_command
    from django.utils import timezone

    from upsell.accounts.models import Role, Team, User
    from upsell.clients.models import Client, ClientAudit, ClientStatus
    from upsell.core.months import month_start
    from upsell.forecasts.models import ForecastCell
    from upsell.history.models import ChangeSource
    from upsell.portfolios.services import workload_settings_update
    from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
    from upsell.shipments.models import Shipment

    rng = random.Random(SEED)  # a reproducible company
    call_command("migrate", verbosity=0)
    managers = User.objects.bulk_create(
        User(username=f"manager{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(MANAGERS)
    )
    assistants = User.objects.bulk_create(
        User(username=f"assistant{n}", full_name=f"Ассистент {n:02d}", role=Role.ASSISTANT)
        for n in range(MANAGERS // MANAGERS_PER_ASSISTANT)
    )
    head = User.objects.create(
        username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES
    )
    for n, manager in enumerate(managers):
        Team.objects.create(manager=manager).assistants.add(assistants[n // MANAGERS_PER_ASSISTANT])
    motivated = [ClientStatus.REGULAR, ClientStatus.VIP, ClientStatus.NEW, ClientStatus.PARTNER]
    spontaneous = [ClientStatus.ONE_TIME, ClientStatus.IRREGULAR, ClientStatus.LAPSING]
    rows = []
    for n in range(clients):
        index, turn = n % MANAGERS, n // MANAGERS  # each manager's clients in turn
        is_motivated = turn % 10 < 6
        status = (motivated if is_motivated else spontaneous)[turn % 3]
        waits = not is_motivated and turn % WITHOUT_ASSISTANT_EVERY == 9
        rows.append(
            Client(
                name=f'ООО "Клиент {n:06d}"',
                region=REGIONS[n % len(REGIONS)],
                segment=SEGMENTS[n % len(SEGMENTS)],
                manager=managers[index],
                assistant=None
                if is_motivated or waits
                else assistants[index // MANAGERS_PER_ASSISTANT],
                status=status,
            )
        )
    Client.objects.bulk_create(rows, batch_size=5000)
    today = timezone.localdate()
    this_month = month_start(today)
    audits, cells, shipments = [], [], []
    for client_id, manager_id, audited in Client.objects.order_by("pk").values_list(
        "pk", "manager_id", "status"
    ):
        revenue = money(rng.uniform(10_000, 2_000_000))
        audits.append(
            ClientAudit(
                client_id=client_id,
                as_of=today - dt.timedelta(days=1),
                computed_status=audited,
                status_rule=audited,
                perspective=rng.randint(0, 100),
                revenue_365=revenue,
                last_order_date=today - dt.timedelta(days=rng.randint(1, 300)),
            )
        )
        for number in range(2):
            shipments.append(
                Shipment(
                    number=f"Р-{client_id}-{number}",
                    date=today - dt.timedelta(days=rng.randint(1, 500)),
                    client_id=client_id,
                    manager_id=manager_id,
                    total=revenue / 2,
                    line_count=1,
                    content_hash=f"{client_id:030d}{number:02d}",
                )
            )
        if audited in motivated:
            cells.append(
                ForecastCell(
                    client_id=client_id, month=this_month, manager_id=manager_id,
                    baseline=revenue / 12, baseline_low=revenue / 12, baseline_high=revenue / 12,
                )
            )  # fmt: skip
    ClientAudit.objects.bulk_create(audits, batch_size=5000)
    Shipment.objects.bulk_create(shipments, batch_size=5000)
    ForecastCell.objects.bulk_create(cells, batch_size=5000)
    waiting = Client.objects.filter(status__in=motivated).order_by("pk")[: 5 * MANAGERS]
    OrderRequest.objects.bulk_create(
        OrderRequest(
            client=client,
            description="Крепёж",
            source=RequestSource.API,
            assignee_id=client.manager_id,
            routed_by_rule=RoutingRule.MOTIVATED,
        )
        for client in waiting
    )
    # Six motivated clients in ten: every manager holds about a fifth more than the capacity.
    capacity = max(clients * 6 // 10 // MANAGERS * 5 // 6, 1)
    workload_settings_update(
        max_motivated_per_manager=capacity,
        pool_assistant=None,
        changed_by=head,
        source=ChangeSource.SCREEN,
    )
    return capacity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_workload_") as directory:
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
        capacity = build(clients=options.clients)
        print(
            f"company of {options.clients} clients built in {time.perf_counter() - started:.1f} s"
        )

        http = HttpClient()
        http.force_login(User.objects.get(username="helen"))
        url = reverse("portfolios:workload")

        started = time.perf_counter()
        response = http.get(url)
        cold = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        team = response.context["team"]
        candidates = response.context["candidates"]
        assert team.over_capacity == team.managers == MANAGERS, team
        print(
            f"capacity {capacity}: {team.motivated} motivated clients for {team.managers} × "
            f"{capacity} = {team.places} places, {team.over} over; "
            f"{len(response.context['proposal'])} moves proposed, "
            f"{len(candidates.shown)} of {candidates.total} clients that could go to assistants "
            "shown"
        )

        statements = page_statements(lambda: http.get(url))
        raw = raw_connection()

        def page() -> None:
            assert http.get(url).status_code == 200

        def sql() -> list[list[Any]]:
            return replay(raw, statements)

        fetched = sum(len(rows) for rows in sql())
        page_time, sql_time = median_seconds([page, sql], runs=options.runs)
        ratio = page_time / sql_time
        print(f"cold page {cold * 1000:.0f} ms")
        print(
            f"page median {page_time * 1000:.0f} ms   sql median {sql_time * 1000:.0f} ms "
            f"({len(statements)} statements, {fetched} rows)"
        )
        print(f"page / sql = {ratio:.2f}   goal page <= {GOAL:.0f}x sql: {verdict(ratio, GOAL)}")
        raw_close(raw)


if __name__ == "__main__":
    main()
