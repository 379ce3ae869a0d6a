import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastCell, ForecastLock, ForecastSnapshot
from upsell.reporting.models import AuditRun, ForecastRun, RunStatus, ScheduledTask
from upsell.reporting.nightly import nightly_next, nightly_schedule, nightly_work
from upsell.reporting.services import (
    forecast_backfill,
    forecast_run_create,
    forecast_run_execute,
)
from upsell.reporting.tasks import nightly_run
from upsell.shipments.tests.factories import shipment_with_line

MOSCOW = ZoneInfo("Europe/Moscow")

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferring_tasks(settings):
    """A backend that keeps queued tasks, later ones included, without running them."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _moscow(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_moscow(2026, 11, 28, 1, 0), _moscow(2026, 11, 28, 2, 30)),
        (_moscow(2026, 11, 28, 2, 30), _moscow(2026, 11, 29, 2, 30)),
        (_moscow(2026, 12, 31, 23, 59), _moscow(2027, 1, 1, 2, 30)),
    ],
)
def test_the_next_night_is_the_first_nightly_time_after_now(settings, now, expected):
    settings.UPSELL_NIGHTLY_AT = "02:30"

    assert nightly_next(now=now) == expected


def test_a_nightly_time_that_is_no_time_is_refused(settings):
    settings.UPSELL_NIGHTLY_AT = "half past two"

    with pytest.raises(ImproperlyConfigured, match="UPSELL_NIGHTLY_AT must be a time of day"):
        nightly_next(now=dt.datetime(2026, 11, 28, tzinfo=MOSCOW))


def test_scheduling_twice_queues_one_run(deferring_tasks, settings):
    settings.UPSELL_NIGHTLY_AT = "03:15"
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=MOSCOW)

    first = nightly_schedule(task=nightly_run, now=now)
    again = nightly_schedule(task=nightly_run, now=now)

    assert again.result_id == first.result_id
    assert first.run_after == dt.datetime(2026, 11, 29, 3, 15, tzinfo=MOSCOW)
    result = nightly_run.get_result(first.result_id)
    assert (result.status, result.task.run_after) == (TaskResultStatus.READY, first.run_after)
    assert ScheduledTask.objects.count() == 1


def test_a_run_that_is_gone_is_queued_again(deferring_tasks):
    ScheduledTask.objects.create(
        name="nightly", result_id="gone", run_after=dt.datetime(2026, 1, 1, tzinfo=MOSCOW)
    )

    scheduled = nightly_schedule(task=nightly_run, now=dt.datetime(2026, 11, 28, tzinfo=MOSCOW))

    assert scheduled.result_id != "gone"
    assert nightly_run.get_result(scheduled.result_id).status == TaskResultStatus.READY


def test_a_backend_that_cannot_wait_is_told_to_use_cron():
    # The test settings run tasks at once (ImmediateBackend), which cannot defer them.
    with pytest.raises(CommandError, match="cannot run tasks later; run `upsell nightly` from"):
        call_command("nightly", "--schedule")
    assert not ScheduledTask.objects.exists()


def test_the_schedule_command_says_when(deferring_tasks, settings, capsys):
    settings.UPSELL_NIGHTLY_AT = "23:59"

    call_command("nightly", "--schedule")

    scheduled = ScheduledTask.objects.get()
    assert capsys.readouterr().out.startswith(
        f"The nightly work runs at {scheduled.run_after.astimezone(MOSCOW):%Y-%m-%d} 23:59 (task "
    )


@pytest.fixture
def regular(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    for year in (2024, 2025):
        for month in range(1, 13):
            shipment_with_line(client=client, date=dt.date(year, month, 10), amount=Decimal(1000))
    return client


def test_the_night_audits_locks_with_the_baseline_seen_then_refits(regular, settings):
    settings.UPSELL_FORECAST_LOCK_DAY = 25
    forecast_run_execute(
        run=forecast_run_create(
            as_of=dt.date(2025, 12, 20), model="historic_rate", started_by=None, enqueue=False
        )
    )
    january_seen = ForecastCell.objects.get(client=regular, month=dt.date(2026, 1, 1)).baseline

    outcome = nightly_work(today=dt.date(2025, 12, 26))

    assert (outcome.audit.status, outcome.audit.as_of, outcome.audit.clients) == (
        RunStatus.SUCCEEDED,
        dt.date(2025, 12, 26),
        1,
    )
    regular.refresh_from_db()
    assert regular.status == ClientStatus.VIP  # the whole of the base's revenue: a VIP
    # The 25th has passed: January is locked with the baseline its manager saw.
    assert [(lock.month, lock.cells) for lock in outcome.locks] == [(dt.date(2026, 1, 1), 1)]
    assert ForecastSnapshot.objects.get(client=regular).forecast == january_seen
    # Two years of history leave no year-long fold to backtest on: BG/NBD is tried, is not
    # identifiable on one client, and the historic rate stands in. January stays as locked.
    assert (outcome.forecast.status, outcome.forecast.requested_model) == (
        RunStatus.SUCCEEDED,
        "auto",
    )
    assert (outcome.forecast.clients, outcome.forecast.cells) == (1, 11)
    assert {score["reason"] for score in outcome.forecast.backtest.values()} == {
        "the history before the calibration end is shorter than two horizons"
    }
    assert outcome.forecast.model == "historic_rate"
    assert outcome.forecast.fallback_reason.startswith("bgnbd: ")
    assert (AuditRun.objects.count(), ForecastRun.objects.count()) == (1, 2)


def test_the_command_runs_the_night_at_once(regular, capsys):
    call_command("nightly", "--today", "2025-12-26")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Audit as of 2025-12-26: 1 clients"
    assert out[-6].startswith("Forecast baselines: model ")
    assert out[-6].endswith(", 1 clients, 11 cells")
    assert out[-5] == "Sales programs: 0 members measured, 0 stock months, 0 effects"
    assert out[-4] == "Deals matched: 0 requests, 0 shipments"
    assert out[-3] == "Coaching: 0 figures measured"
    assert out[-2:] == [
        f"What to offer ({level}): too little data (there is one client only: "
        "recommendations compare a client with others)"
        for level in ("products", "groups")
    ]


def test_the_night_on_any_day_locks_what_is_due_and_refits_the_open_months(
    today, manager_anna, settings
):
    """On the calendar's awkward days too (`make test-calendar`): a year's turn, the lock day
    and the day before it, a lock day on a Saturday, a leap February's last day."""
    settings.UPSELL_FORECAST_LOCK_DAY = 25
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    this_month = month_start(today)
    for back in range(1, 25):
        shipment_with_line(
            client=client, date=month_add(this_month, -back).replace(day=10), amount=Decimal(1000)
        )
    forecast_backfill(months=3, today=today)

    outcome = nightly_work(today=today)

    # The replay locked this month and the two before it; from the 25th the night locks the
    # next month too, the first of the next year when today is in late December.
    next_month = month_add(this_month, 1)
    due = [next_month] if today.day >= 25 else []
    assert [lock.month for lock in outcome.locks] == due
    assert sorted(ForecastLock.objects.values_list("month", flat=True)) == [
        month_add(this_month, -2),
        month_add(this_month, -1),
        this_month,
        *due,
    ]
    # The refit fills the twelve months after this one, except one just locked.
    horizon = [month_add(this_month, ahead) for ahead in range(1, 13)]
    refitted = ForecastCell.objects.filter(client=client, month__gt=this_month)
    assert (outcome.forecast.status, outcome.forecast.cells) == (
        RunStatus.SUCCEEDED,
        12 - len(due),
    )
    assert sorted(refitted.values_list("month", flat=True)) == horizon
    # Every locked month keeps, in its snapshot and its cell, the baseline its manager saw.
    snapshots = dict(ForecastSnapshot.objects.values_list("month", "baseline"))
    assert sorted(snapshots) == sorted(ForecastLock.objects.values_list("month", flat=True))
    assert snapshots == dict(
        ForecastCell.objects.filter(client=client, month__in=list(snapshots)).values_list(
            "month", "baseline"
        )
    )
    assert all(baseline > 0 for baseline in snapshots.values())


def test_the_night_deletes_task_results_older_than_kept(regular, settings):
    settings.UPSELL_TASK_RESULTS_KEEP_DAYS = 30
    night = dt.datetime(2025, 12, 26, 2, 30, tzinfo=MOSCOW)
    for name, days in (("a month and a day ago", 31), ("yesterday", 1)):
        DBTaskResult.objects.create(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=night - dt.timedelta(days=days),
            args_kwargs={"args": [name], "kwargs": {}},
            task_path="upsell.reporting.tasks.execute_audit_run",
            backend_name="default",
        )

    with time_machine.travel(night, tick=False):
        outcome = nightly_work()

    assert outcome.task_results_pruned == 1
    assert list(DBTaskResult.objects.values_list("args_kwargs__args__0", flat=True)) == [
        "yesterday"
    ]
    assert outcome.audit.status == RunStatus.SUCCEEDED
