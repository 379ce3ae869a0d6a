from django.tasks import task

from upsell.imports.models import ImportRun
from upsell.imports.services import import_run_execute


@task
def execute_import_run(run_id: int) -> None:
    """Import the file of a queued run (safe to run twice: a run not queued is left alone)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        import_run_execute(run=run)
