"""The nightly work: the audit (statuses, then who serves each client), the forecast months
that are due locked, the forecast baselines refit on the fresh statuses, the sales programs
measured (each member's progress, then each program's effect), the open deals matched to the
requests and shipments that fulfil them, then the coaching periods' effects (which count the
deals won), and last what to offer each client (products and groups it never bought).

The task worker runs it every night at ``UPSELL_NIGHTLY_AT`` once ``upsell nightly
--schedule`` has queued the first run: each run queues the next before it ends. Where a task
backend cannot run tasks later, cron runs ``upsell nightly`` instead.

Before all that, it settles the work of task workers that stopped (``upsell.worker``) and
deletes the task results older than ``UPSELL_TASK_RESULTS_KEEP_DAYS``.

Locks come before the refit: a month is locked with the baseline its manager saw, not with
one computed minutes before.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max, Min
from django.tasks import Task, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upsell.deals.services.matching import MatchOutcome, deals_match
from upsell.forecasts.models import ForecastLock
from upsell.forecasts.services import forecast_locks_due
from upsell.reporting.coaching import coaching_measure
from upsell.reporting.models import AuditEngine, AuditRun, ForecastRun, ScheduledTask
from upsell.reporting.offers import OffersComputed, offers_compute
from upsell.reporting.programs import ProgramsMeasured, programs_measure
from upsell.reporting.services import (
    audit_run_create,
    audit_run_execute,
    forecast_run_create,
    forecast_run_execute,
)
from upsell.worker.health import Check
from upsell.worker.services import SweepOutcome, task_results_prune, worker_sweep

NIGHTLY = "nightly"
NIGHTLY_TASK_PATH = "upsell.reporting.tasks.nightly_run"


@dataclass(frozen=True, kw_only=True)
class NightlyOutcome:
    swept: SweepOutcome
    task_results_pruned: int
    audit: AuditRun
    locks: list[ForecastLock]
    forecast: ForecastRun
    programs: ProgramsMeasured
    deals: MatchOutcome
    coaching_figures: int
    offers: OffersComputed


def nightly_work(*, today: dt.date | None = None) -> NightlyOutcome:
    """Settle the work of stopped task workers and prune old task results, then audit, lock
    what is due, refit the forecast, measure the programs and suggest what to offer, as of
    ``today`` (default: today)."""
    swept = worker_sweep()
    pruned = task_results_prune()
    today = today or timezone.localdate()
    audit = audit_run_execute(
        run=audit_run_create(as_of=today, engine=AuditEngine.DUCKDB, started_by=None, enqueue=False)
    )
    locks = forecast_locks_due(today=today)
    forecast = forecast_run_execute(
        run=forecast_run_create(as_of=today, model="auto", started_by=None, enqueue=False)
    )
    programs = programs_measure(as_of=today)
    deals = deals_match()
    coaching_figures = coaching_measure(as_of=today)
    offers = offers_compute(as_of=today)
    return NightlyOutcome(
        swept=swept,
        task_results_pruned=pruned,
        audit=audit,
        locks=locks,
        forecast=forecast,
        programs=programs,
        deals=deals,
        coaching_figures=coaching_figures,
        offers=offers,
    )


def nightly_time() -> dt.time:
    try:
        return dt.time.fromisoformat(settings.UPSELL_NIGHTLY_AT)
    except ValueError:
        raise ImproperlyConfigured(
            f"UPSELL_NIGHTLY_AT must be a time of day like 02:30, not "
            f"{settings.UPSELL_NIGHTLY_AT!r}"
        ) from None


def nightly_next(*, now: dt.datetime) -> dt.datetime:
    """The first nightly time after ``now``, in the site's time zone."""
    local = timezone.localtime(now)
    at = nightly_time()
    day = local.date()
    if local.time().replace(tzinfo=None) >= at:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, at))


def nightly_last_finished() -> dt.datetime | None:
    """When the task worker last finished a nightly run without an error (a run whose work
    failed, or whose worker stopped, does not count)."""
    finished: dt.datetime | None = DBTaskResult.objects.filter(
        task_path=NIGHTLY_TASK_PATH, status=TaskResultStatus.SUCCESSFUL
    ).aggregate(last=Max("finished_at"))["last"]
    return finished


# The nightly work runs once a day; two hours of grace for a long night.
NIGHTLY_WITHIN = dt.timedelta(hours=26)


def nightly_health(now: dt.datetime) -> Check:
    """Whether the nightly work finished in the last 26 hours (``/healthz``)."""
    finished = nightly_last_finished()
    if finished is None:
        # A fresh installation is well while its first night is queued within the day.
        first: dt.datetime | None = DBTaskResult.objects.filter(
            task_path=NIGHTLY_TASK_PATH,
            status=TaskResultStatus.READY,
            run_after__lte=now + NIGHTLY_WITHIN,
        ).aggregate(first=Min("run_after"))["first"]
        if first is not None:
            return Check(
                name="nightly", ok=True, at=first, detail="the first nightly work is queued"
            )
        return Check(name="nightly", ok=False, at=None, detail="the nightly work never finished")
    if now - finished > NIGHTLY_WITHIN:
        return Check(
            name="nightly",
            ok=False,
            at=finished,
            detail="the nightly work has not finished in the last 26 hours",
        )
    return Check(name="nightly", ok=True, at=finished, detail="finished in the last 26 hours")


def _waiting(task: Task[[], None], result_id: str) -> bool:
    try:
        return task.get_result(result_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def nightly_schedule(*, task: Task[[], None], now: dt.datetime | None = None) -> ScheduledTask:
    """Queue ``task`` for the next nightly time, unless a run of it is already waiting."""
    if not task.get_backend().supports_defer:
        raise ImproperlyConfigured(
            f"The task backend {task.backend!r} cannot run tasks later; run `upsell nightly` "
            "from cron instead."
        )
    run_after = nightly_next(now=now or timezone.now())
    with transaction.atomic():
        scheduled = ScheduledTask.objects.select_for_update().filter(name=NIGHTLY).first()
        if scheduled is not None and _waiting(task, scheduled.result_id):
            return scheduled
        result = task.using(run_after=run_after).enqueue()
        scheduled, _created = ScheduledTask.objects.update_or_create(
            name=NIGHTLY, defaults={"result_id": str(result.id), "run_after": run_after}
        )
    return scheduled
