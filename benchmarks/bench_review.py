"""The Monday review and the company view against the bare SQL they run, on 100 000 clients.

    python -m benchmarks.bench_review                    # 100 000 clients, 10 runs (SQLite)
    python -m benchmarks.bench_review --clients 20000 --runs 5

It builds a temporary SQLite database (the migrations, then the rows in bulk): 40 managers with
this year's plans, 100 000 clients with a status, an audit and thirteen month ends of status
history, three shipments each over the last two years, this month's and next month's forecast
of the motivated clients, a locked last month with its snapshots, waiting requests, twenty active
sales programs (two in five clients members, with their progress, and half of the programs with
a measured effect), and a deal for every other client over every stage (the open ones idle up to
sixty days, the closed ones closed over the last two months with eight reasons lost). It logs
the head of sales in and measures each page, the median of N interleaved runs after a warm-up:

- page: ``GET /review/`` (and ``/review/company/``) through Django's test client — middleware,
  session, the access funnel, every selector, the presenters and the template with its charts'
  data;
- sql: the very statements that request ran (captured once from Django), replayed with
  ``sqlite3`` on the same file, every row fetched: what any implementation needs from the
  database.

The goal: page ≤ 3 × sql, printed as MET or NOT MET.
"""

import argparse
import datetime as dt
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
MANAGERS = 40
HISTORY_MONTHS = 13
STATUSES = (
    "new",
    "one_time",
    "irregular",
    "regular",
    "vip",
    "reanimated",
    "lapsing",
    "lost",
    "regular",
)
PROGRAMS = 20
LOST_REASONS = 8
DEAL_STAGES = ("preparation", "offer", "objections", "terms_agreed", "order", "won", "lost")
REGIONS = [f"Регион {n:02d}" for n in range(1, 86)]
SEGMENTS = ["Строительство", "Розница", "Промышленность", "Дилеры", "Опт", "ЖКХ", "Мебель"]


def money(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def build(*, clients: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from upsell.accounts.models import Role, User
    from upsell.clients.models import Client, ClientAudit, ClientStatusMonth
    from upsell.clients.motivation import DEFAULT_MANAGED_STATUSES
    from upsell.core.months import month_add, month_start
    from upsell.forecasts.models import (
        Confidence,
        ForecastCell,
        ForecastLock,
        ForecastSnapshot,
        SalesPlan,
    )
    from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
    from upsell.shipments.models import Shipment

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    current = month_start(today)
    managers = User.objects.bulk_create(
        User(username=f"manager{n}", full_name=f"Менеджер {n:02d}", role=Role.MANAGER)
        for n in range(MANAGERS)
    )
    User.objects.create(username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES)
    User.objects.create(username="tom", full_name="Орлов Тимофей", role=Role.TOP_MANAGEMENT)
    SalesPlan.objects.bulk_create(
        SalesPlan(manager=manager, month=dt.date(current.year, month, 1), amount=money(9e6))
        for manager in managers
        for month in range(1, 13)
    )
    Client.objects.bulk_create(
        (
            Client(
                name=f'ООО "Клиент {n}"',
                tax_id=f"{1_000_000_000 + n}",
                region=REGIONS[n % len(REGIONS)],
                segment=SEGMENTS[n % len(SEGMENTS)],
                manager=managers[n % MANAGERS],
                status=STATUSES[n % len(STATUSES)],
            )
            for n in range(clients)
        ),
        batch_size=5000,
    )
    ids = list(Client.objects.order_by("id").values_list("id", flat=True))
    ClientAudit.objects.bulk_create(
        (
            ClientAudit(
                client_id=client_id,
                as_of=today,
                computed_status=STATUSES[n % len(STATUSES)],
                status_rule="bench",
                revenue_365=money(1000 + n % 997 * 100),
            )
            for n, client_id in enumerate(ids)
        ),
        batch_size=5000,
    )
    # Each client's month-end status: a sixth of them changed at the last month end.
    ClientStatusMonth.objects.bulk_create(
        (
            ClientStatusMonth(
                client_id=client_id,
                month=month_add(current, -back),
                status=STATUSES[(n + (back if n % 6 == 0 else 0)) % len(STATUSES)],
                status_rule="bench",
                revenue_365=money(1000 + n % 997 * 100),
            )
            for n, client_id in enumerate(ids)
            for back in range(1, HISTORY_MONTHS + 1)
        ),
        batch_size=10000,
    )
    Shipment.objects.bulk_create(
        (
            Shipment(
                number=f"РН-{n}-{k}",
                date=today - dt.timedelta(days=(n * 7 + k * 241) % 720 + 1),
                client_id=client_id,
                total=money(500 + (n * 31 + k * 17) % 9000 * 10),
                line_count=1,
                content_hash=f"{n}-{k}",
            )
            for n, client_id in enumerate(ids)
            for k in range(3)
        ),
        batch_size=10000,
    )
    motivated = [
        (client_id, managers[n % MANAGERS])
        for n, client_id in enumerate(ids)
        if STATUSES[n % len(STATUSES)] in DEFAULT_MANAGED_STATUSES
    ]
    ForecastCell.objects.bulk_create(
        (
            ForecastCell(
                client_id=client_id,
                month=month,
                manager=manager,
                baseline=money(40_000),
                baseline_low=money(30_000),
                baseline_high=money(50_000),
                amount=money(45_000),
                confidence=Confidence.PROBABLE,
            )
            for client_id, manager in motivated
            for month in (current, month_add(current, 1))
        ),
        batch_size=10000,
    )
    last_month = month_add(current, -1)
    lock = ForecastLock.objects.create(month=last_month, cells=len(motivated))
    ForecastSnapshot.objects.bulk_create(
        (
            ForecastSnapshot(
                lock=lock,
                client_id=client_id,
                month=last_month,
                manager=manager,
                baseline=money(40_000),
                forecast=money(40_000),
            )
            for client_id, manager in motivated
        ),
        batch_size=10000,
    )
    OrderRequest.objects.bulk_create(
        OrderRequest(
            client_id=client_id,
            description="Заявка",
            source=RequestSource.UI,
            assignee=manager,
            routed_by_rule=RoutingRule.MOTIVATED,
        )
        for client_id, manager in motivated[:2000]
    )
    build_programs(ids=ids, today=today)
    build_deals(ids=ids, managers=managers, today=today)


def build_programs(*, ids: list[int], today: dt.date) -> None:
    from upsell.programs.models import (
        EffectMethod,
        Membership,
        MembershipProgress,
        MembershipState,
        Program,
        ProgramEffect,
        ProgramKind,
        ProgramState,
    )

    programs = Program.objects.bulk_create(
        Program(
            name=f"Программа {n:02d}",
            kind=ProgramKind.RETRO_BONUS,
            state=ProgramState.ACTIVE,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        )
        for n in range(PROGRAMS)
    )
    members = [(n, client_id) for n, client_id in enumerate(ids) if n % 5 < 2]
    memberships = Membership.objects.bulk_create(
        (
            Membership(
                program=programs[n % PROGRAMS],
                client_id=client_id,
                state=MembershipState.ACTIVE,
                joined_on=today.replace(month=1, day=1),
            )
            for n, client_id in members
        ),
        batch_size=10000,
    )
    MembershipProgress.objects.bulk_create(
        (
            MembershipProgress(
                membership_id=membership.pk,
                as_of=today,
                purchased=money(10_000 + n % 97 * 1000),
                accrued=money(n % 97 * 20),
                expected_end=money(20_000 + n % 97 * 1000),
                within_reach=n % 7 == 0,
            )
            for n, membership in enumerate(memberships)
        ),
        batch_size=10000,
    )
    ProgramEffect.objects.bulk_create(
        ProgramEffect(
            program=program,
            as_of=today,
            method=EffectMethod.MATCHED,
            members=len(members) // PROGRAMS,
            controls=len(members) // PROGRAMS,
            months=3,
            uplift=money(1500),
            low=money(-200),
            high=money(3200),
            too_little_data=False,
            cost=money(100_000),
            net=money(200_000),
        )
        for program in programs[::2]
    )


def build_deals(*, ids: list[int], managers: list[Any], today: dt.date) -> None:
    from django.utils import timezone

    from upsell.core.months import month_start
    from upsell.deals.models import Deal, DealSource, LostReason

    reasons = LostReason.objects.bulk_create(
        LostReason(name=f"Причина {n}", position=n) for n in range(LOST_REASONS)
    )
    now = timezone.now()
    deals = []
    for n, client_id in enumerate(ids[::2]):
        stage = DEAL_STAGES[n % len(DEAL_STAGES)]
        closed = stage in ("won", "lost")
        deals.append(
            Deal(
                client_id=client_id,
                manager=managers[(2 * n) % MANAGERS],
                month=month_start(today),
                amount=money(10_000 + n % 89 * 1000),
                stage=stage,
                source=DealSource.HAND,
                lost_reason=reasons[n % LOST_REASONS] if stage == "lost" else None,
                last_activity_at=now - dt.timedelta(days=n % 60),
                closed_at=now - dt.timedelta(days=n % 60) if closed else None,
            )
        )
    Deal.objects.bulk_create(deals, batch_size=10000)


def measure(*, runs: int) -> None:
    from django.test import Client as HttpClient

    from upsell.accounts.models import User

    raw = raw_connection()
    for label, username, path in (
        ("Monday review", "helen", "/review/"),
        ("company view", "tom", "/review/company/"),
    ):
        http = HttpClient()
        http.force_login(User.objects.get(username=username))

        def page(http: HttpClient = http, path: str = path) -> None:
            response = http.get(path)
            assert response.status_code == 200, response.status_code

        page()  # the cold request
        statements = page_statements(page)

        def sql(statements: list[str] = statements) -> list[list[Any]]:
            return replay(raw, statements)

        sql()
        page_time, sql_time = median_seconds([page, sql], runs=runs)
        ratio = page_time / sql_time
        print(
            f"{label:<14} page {page_time * 1000:8.1f} ms   sql {sql_time * 1000:8.1f} ms "
            f"({len(statements)} statements)   ratio {ratio:.2f}   "
            f"goal page <= {GOAL:.0f}x sql: {verdict(ratio, GOAL)}",
            flush=True,
        )
    raw_close(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_review_") as directory:
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
