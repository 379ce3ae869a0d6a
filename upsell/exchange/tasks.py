from django.tasks import task

from upsell.exchange.services import exchange_import_execute


@task
def execute_exchange_import(job_id: int) -> None:
    """Import a file 1C asked to import (safe to run twice: a file not queued is left alone)."""
    exchange_import_execute(job_id=job_id)
