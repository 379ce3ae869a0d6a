"""The client list page against the bare SQL it runs, on 100 000 clients (SQLite).

    python -m benchmarks.bench_client_list                   # 100 000 clients, 30 runs
    python -m benchmarks.bench_client_list --clients 20000 --runs 10

It builds a temporary SQLite database (the migrations, then the rows in bulk), logs the head of
sales in (she sees every client) and measures two pages, each the median of N runs after a
warm-up:

- page: ``GET /clients/`` through Django's test client — middleware, session, the access
  funnel, the selector, the paginator, the filter menus and the template;
- sql: the very statements that request ran (captured once from Django), replayed with
  ``sqlite3`` on the same file, every row fetched: what any implementation of the page needs
  from the database;

for the first page, and for a search by name within a segment (the replay registers the LOWER the
site registers, and must read the count and the rows the page shows). The goal: page ≤ 3 × sql,
printed as MET or NOT MET.
"""

import argparse
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path
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
REGIONS = [f"Регион {n:02d}" for n in range(1, 86)]
SEGMENTS = ["Строительство", "Розница", "Промышленность", "Дилеры", "Опт", "ЖКХ", "Мебель"]
WORDS = [
    "СтройМаркет", "Уралсталь", "Вектор", "Гранит", "Меридиан", "ТехноПром", "Северный ветер",
    "Монолит", "Квадрат", "Профиль", "Волга-Снаб", "Ресурс", "Горизонт", "Оптима", "Стандарт",
]  # fmt: skip
FORMS = ["ООО", "АО", "ИП", "ООО ТД"]
SEARCH = {"q": "Строй", "segment": "Розница"}


def budget(n: int) -> dict[str, object]:
    return {"annual_budget": Decimal(100_000 * (n % 97 + 1)), "budget_year": 2026}


def build(*, clients: int) -> None:
    from django.core.management import call_command

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client

    call_command("migrate", verbosity=0)
    managers = User.objects.bulk_create(
        User(username=f"manager{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(40)
    )
    assistants = User.objects.bulk_create(
        User(username=f"assistant{n}", full_name=f"Ассистент {n:02d}", role=Role.ASSISTANT)
        for n in range(10)
    )
    User.objects.create(username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES)
    Client.objects.bulk_create(
        (
            Client(
                name=f'{FORMS[n % 4]} "{WORDS[n % 15]} {n}"',
                tax_id=f"{1_000_000_000 + n}",
                region=REGIONS[n % len(REGIONS)],
                segment=SEGMENTS[n % len(SEGMENTS)],
                manager=managers[n % 40],
                assistant=assistants[n % 10] if n % 3 == 0 else None,
                plans_budget=n % 5 == 0,
                **(budget(n) if n % 5 == 0 else {}),
            )
            for n in range(clients)
        ),
        batch_size=5000,
    )


# The statements of one request: the session, the user, then the page's count of clients.
COUNT_STATEMENT = 2


def page_rows(user: Any, params: dict[str, str]) -> tuple[int, int]:
    """The count of clients the page's selector finds and the number of them the page shows."""
    from upsell.clients.selectors import ClientFilters, client_list
    from upsell.clients.views import CLIENTS_PER_PAGE

    filters = ClientFilters(search=params.get("q", ""), segment=params.get("segment", ""))
    clients = client_list(user=user, filters=filters)
    return clients.count(), len(clients[:CLIENTS_PER_PAGE])


def measure(*, runs: int) -> None:
    from django.test import Client as HttpClient

    from upsell.accounts.models import User

    http = HttpClient()
    helen = User.objects.get(username="helen")
    http.force_login(helen)
    raw = raw_connection()
    for label, params in (("first page", {}), ("search in a segment", SEARCH)):

        def page(params: dict[str, str] = params) -> None:
            response = http.get("/clients/", params)
            assert response.status_code == 200, response.status_code

        statements = page_statements(page)

        def sql(statements: list[str] = statements) -> list[list[Any]]:
            return replay(raw, statements)

        # The replay reads what the page read: the same count and the same rows of clients.
        replayed = sql()
        shown = page_rows(helen, params)
        assert replayed[COUNT_STATEMENT][0][0] == shown[0], (replayed[COUNT_STATEMENT], shown)
        assert len(replayed[-1]) == shown[1], (len(replayed[-1]), shown)

        for _ in range(3):
            page()
            sql()
        page_time, sql_time = median_seconds([page, sql], runs=runs)
        ratio = page_time / sql_time
        print(
            f"{label:<20} page {page_time * 1000:7.1f} ms   sql {sql_time * 1000:7.1f} ms "
            f"({len(statements)} statements, {shown[0]} clients, {shown[1]} shown)   "
            f"ratio {ratio:.2f}   goal page <= {GOAL:.0f}x sql: "
            f"{verdict(ratio, GOAL)}"
        )
    raw_close(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_client_list_") as directory:
        database = Path(directory) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "upsell.config.settings"
        os.environ["ALLOWED_HOSTS"] = "testserver"
        os.environ["UPSELL_DATA_DIR"] = directory
        import django

        django.setup()
        started = time.perf_counter()
        build(clients=options.clients)
        print(f"built {options.clients} clients in {time.perf_counter() - started:.1f} s")
        measure(runs=options.runs)


if __name__ == "__main__":
    main()
