"""Audit, forecast and nightly runs whose task worker stopped while running them.

An audit or a forecast run of a stopped worker fails, saying when the worker stopped; it is
not queued again by itself. Nothing of it was half-written (each stores its results in one
transaction), but an audit or a refit holds the whole order history in memory, and one that
stopped its worker may well stop the next: the head of sales starts it again from the audit
page when the cause is known, and the nightly work runs both again the next night. A run whose
worker stopped after taking its task and before taking the run fails the same way.

The nightly chain (each night's run queues the next) breaks when a night's worker stops
before queuing the next: the sweep queues it again, so one nightly run is always waiting.
"""

from django.db import transaction
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from upsell.reporting.models import AuditRun, ForecastRun, RunStatus, ScheduledTask
from upsell.reporting.nightly import NIGHTLY, nightly_schedule
from upsell.worker.services import Sweep, worker_stopped_message


def reporting_runs_abandoned_settle(sweep: Sweep) -> int:
    """Fail the audits and forecast refreshes that workers which stopped left, then make sure
    the next nightly run is waiting; how many runs failed."""
    from upsell.reporting.tasks import execute_audit_run, execute_forecast_run

    failed = 0
    for model, task in ((AuditRun, execute_audit_run), (ForecastRun, execute_forecast_run)):
        runs = model._default_manager
        for run_id, task_stopped_at in sweep.run_ids_of(task):
            failed += runs.filter(pk=run_id, status=RunStatus.QUEUED).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=worker_stopped_message(task_stopped_at),
            )
        for run in runs.filter(status=RunStatus.RUNNING).exclude(worker_id=""):
            stopped_at = sweep.workers.stopped_at(run.worker_id, started=run.started_at)
            if stopped_at is None:
                continue
            failed += runs.filter(
                pk=run.pk, status=RunStatus.RUNNING, worker_id=run.worker_id
            ).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=worker_stopped_message(stopped_at),
            )
    nightly_chain_heal()
    return failed


def nightly_chain_heal() -> ScheduledTask | None:
    """Queue the next nightly run when the chain was started (``upsell nightly --schedule``)
    and its last run ended without queuing the next; the run queued, or None."""
    from upsell.reporting.tasks import nightly_run  # the task module imports the services

    if not nightly_run.get_backend().supports_defer:
        return None  # cron runs the nightly work
    with transaction.atomic():
        scheduled = ScheduledTask.objects.select_for_update().filter(name=NIGHTLY).first()
        if scheduled is None:
            return None
        try:
            status = nightly_run.get_result(scheduled.result_id).status
        except TaskResultDoesNotExist:
            status = None
        if status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            return None
    return nightly_schedule(task=nightly_run)
