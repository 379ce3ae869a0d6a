from django.tasks import task

from upsell.reporting.models import AuditRun
from upsell.reporting.services import audit_run_execute


@task()
def execute_audit_run(run_id: int) -> None:
    audit_run_execute(run=AuditRun.objects.get(pk=run_id))
