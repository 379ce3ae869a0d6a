"""Import runs whose task worker stopped while importing them.

An uploaded file's run is queued once again: an import writes its rows and its summary in
one transaction, so a worker that stopped before the commit left nothing of it written, and the
second attempt starts from a clean slate with the file kept on the run. Only once: a file that
stopped its worker twice (too large for its memory, say) would stop every worker after it, so
the second time the run fails and says so. A run whose worker stopped after taking its task and
before taking the run was not started at all: its task is queued again. A file read in place
(``upsell import``, run in a terminal) is not the worker's; the sweep leaves it alone.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone

from upsell.imports.models import ImportRun, ImportStage, ImportStatus
from upsell.imports.problems import Problem
from upsell.worker.services import Sweep, worker_stopped_message

# How many times a worker may start an uploaded file's run before it fails.
ATTEMPTS = 2


def import_runs_abandoned_settle(sweep: Sweep) -> int:
    """Queue again, or fail, the imports that workers which stopped left; how many."""
    from upsell.imports.tasks import execute_import_run  # the task module imports services

    settled = 0
    # First the runs still queued, before a running one below is queued again.
    for run_id, _stopped_at in sweep.run_ids_of(execute_import_run):
        if ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).exists():
            transaction.on_commit(partial(execute_import_run.enqueue, run_id))
            settled += 1
    for run in ImportRun.objects.filter(status=ImportStatus.RUNNING).exclude(worker_id=""):
        stopped_at = sweep.workers.stopped_at(run.worker_id, started=run.started_at)
        if stopped_at is None:
            continue
        # Conditional on the run as it was read: a run settled by another sweep meanwhile
        # is not settled twice.
        still_running = ImportRun.objects.filter(
            pk=run.pk, status=ImportStatus.RUNNING, worker_id=run.worker_id
        )
        with transaction.atomic():
            if run.stored_file and run.attempts < ATTEMPTS:
                changed = still_running.update(
                    status=ImportStatus.QUEUED, stage="", started_at=None, rows_done=0
                )
                if changed:
                    transaction.on_commit(partial(execute_import_run.enqueue, run.pk))
            else:
                problem = Problem(row=None, column="", message=worker_stopped_message(stopped_at))
                changed = still_running.update(
                    status=ImportStatus.FAILED,
                    stage=ImportStage.DONE,
                    error_count=1,
                    errors=[problem.as_json()],
                    counts={},
                    documents=[],
                    document_count=0,
                    products_created=[],
                    finished_at=timezone.now(),
                )
        settled += changed
    return settled
