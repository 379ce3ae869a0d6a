"""The deal board of a manager with 500 open deals, against the bare SQL of the page and the
forecast grid of the same manager.

    python -m benchmarks.bench_board                      # SQLite in a scratch file
    python -m benchmarks.bench_board --deals 500 --runs 20
    DATABASE_URL=postgres://… python -m benchmarks.bench_board   # an empty database

It builds a company (the manager's 300 motivated clients with 500 open deals and 60 closed this
month, and 20 other managers with theirs), logs the manager in and measures, each the median of
N runs after the first (cold) request:

- board: ``GET /deals/`` through Django's test client — middleware, session, the access
  funnel, the selector, the template with its 560 cards;
- sql: the same rows fetched with one raw query, every row read: what any board needs from the
  database;
- grid: ``GET /forecasts/`` of the same manager, the page the board is held to.

The goal: the board answers within the forecast grid's time (board ≤ grid); the ratio to the
bare SQL is printed beside it.
"""

import argparse
import datetime as dt
import os
import tempfile
import time
from decimal import Decimal

from benchmarks.harness import median_seconds

STAGES = ("preparation", "offer", "objections", "terms_agreed", "order")


def build(*, deals: int, clients: int, others: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientStatus
    from upsell.core.months import month_start
    from upsell.deals.models import Deal, DealSource, LostReason

    call_command("migrate", verbosity=0)
    owner = User.objects.create(username="board-owner", full_name="Board Owner", role=Role.MANAGER)
    managers = User.objects.bulk_create(
        User(username=f"m{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(others)
    )
    people = [owner, *managers]
    Client.objects.bulk_create(
        (
            Client(
                name=f'ООО "Клиент {person.pk}-{n}"',
                manager=person,
                status=ClientStatus.REGULAR,
            )
            for person in people
            for n in range(clients)
        ),
        batch_size=5000,
    )
    reason = LostReason.objects.create(name="Цена")
    now = timezone.now()
    this_month = month_start(timezone.localdate())
    by_manager: dict[int, list[int]] = {}
    for client_id, manager_id in Client.objects.values_list("pk", "manager_id"):
        by_manager.setdefault(manager_id, []).append(client_id)
    rows = []
    for person in people:
        client_ids = by_manager[person.pk]
        for n in range(deals):
            rows.append(
                Deal(
                    client_id=client_ids[n % len(client_ids)],
                    manager=person,
                    title=f"Поставка {n}",
                    month=this_month,
                    amount=Decimal(10_000 + 37 * n),
                    stage=STAGES[n % len(STAGES)],
                    source=DealSource.HAND,
                    stage_changed_at=now,
                    last_activity_at=now - dt.timedelta(days=n % 30),
                )
            )
        for n in range(deals // 10 + 10):
            lost = n % 2 == 0
            rows.append(
                Deal(
                    client_id=client_ids[n % len(client_ids)],
                    manager=person,
                    month=this_month,
                    amount=Decimal(5_000 + n),
                    stage="lost" if lost else "won",
                    lost_reason=reason if lost else None,
                    source=DealSource.HAND,
                    stage_changed_at=now,
                    last_activity_at=now,
                    closed_at=now,
                )
            )
    Deal.objects.bulk_create(rows, batch_size=5000)


BARE_SQL = """
SELECT d.id, d.title, d.month, d.amount, d.stage, d.last_activity_at, d.closed_at,
       c.id, c.name, u.id, u.full_name, r.name
FROM deals_deal d
JOIN clients_client c ON c.id = d.client_id
LEFT JOIN accounts_user u ON u.id = d.manager_id
LEFT JOIN deals_lostreason r ON r.id = d.lost_reason_id
WHERE d.manager_id = %s
  AND (d.stage IN ('preparation', 'offer', 'objections', 'terms_agreed', 'order')
       OR (d.stage IN ('won', 'lost') AND d.closed_at >= %s AND d.closed_at < %s))
ORDER BY d.month, d.amount DESC, d.id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=500)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_board_") as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ.setdefault("UPSELL_DATA_DIR", directory)
        import django

        django.setup()
        from django.db import connection
        from django.test import Client as HttpClient
        from django.test.utils import setup_test_environment
        from django.urls import reverse
        from django.utils import timezone

        from upsell.accounts.models import User
        from upsell.core.months import month_add, month_start

        setup_test_environment()
        started = time.perf_counter()
        build(deals=options.deals, clients=options.clients, others=options.others)
        print(f"company built in {time.perf_counter() - started:.1f} s")

        owner = User.objects.get(username="board-owner")
        http = HttpClient()
        http.force_login(owner)
        board_url = reverse("deals:board")
        grid_url = reverse("forecasts:grid")
        first = month_start(timezone.localdate())
        closed_from = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
        closed_to = timezone.make_aware(dt.datetime.combine(month_add(first, 1), dt.time.min))

        started = time.perf_counter()
        response = http.get(board_url)
        cold = time.perf_counter() - started
        assert response.status_code == 200
        cards = sum(column.count for column in response.context["columns"])
        assert http.get(grid_url).status_code == 200

        def board() -> None:
            http.get(board_url)

        def bare_sql() -> None:
            with connection.cursor() as cursor:
                cursor.execute(BARE_SQL, [owner.pk, closed_from, closed_to])
                rows = cursor.fetchall()
            assert len(rows) == cards

        def grid() -> None:
            http.get(grid_url)

        page, sql, grid_page = median_seconds([board, bare_sql, grid], runs=options.runs)
        print(f"board of {cards} cards: cold {cold * 1000:.0f} ms, median {page * 1000:.0f} ms")
        print(f"bare SQL of the same rows: median {sql * 1000:.1f} ms")
        print(f"board / bare SQL = {page / sql:.1f}")
        print(f"forecast grid of the same manager: median {grid_page * 1000:.0f} ms")
        verdict = "MET" if page <= grid_page else "NOT MET"
        print(
            f"goal: the board within the forecast grid's time: board / grid = "
            f"{page / grid_page:.2f} — {verdict}"
        )


if __name__ == "__main__":
    main()
