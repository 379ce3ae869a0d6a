from django.tasks import task

from upsell.reporting import nightly
from upsell.reporting.models import AuditRun, ForecastRun
from upsell.reporting.services import audit_run_execute, forecast_run_execute


@task()
def execute_audit_run(run_id: int) -> None:
    audit_run_execute(run=AuditRun.objects.get(pk=run_id))


@task()
def execute_forecast_run(run_id: int) -> None:
    forecast_run_execute(run=ForecastRun.objects.get(pk=run_id))


@task()
def nightly_run() -> None:
    """The nightly work, then the next night's run queued (even when tonight's failed)."""
    try:
        nightly.nightly_work()
    finally:
        nightly.nightly_schedule(task=nightly_run)
