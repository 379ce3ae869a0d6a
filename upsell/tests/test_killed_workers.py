"""Work whose task worker is killed (SIGKILL, as the kernel's out-of-memory killer does) is
noticed: a real ``upsell db_worker`` process runs it against the test database and is killed
in the middle of it; the next worker, or any sweep, settles what it left running."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from upsell.accounts.models import User
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportRun, ImportStage, ImportStatus
from upsell.imports.services import import_run_create
from upsell.products.models import Product
from upsell.reporting.models import AuditRun, ForecastRun, RunStatus, ScheduledTask
from upsell.reporting.tasks import nightly_run
from upsell.shipments.tests.factories import shipment_with_line
from upsell.worker.models import WorkerHeartbeat
from upsell.worker.services import worker_stopped_message, worker_sweep
from upsell.worker.tests.processes import (
    WORKER_LANGUAGE,
    killed,
    wait_until,
    worker_batch,
    worker_started,
    writes_held,
)

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTS = (
    "Артикул;Номенклатура\n" + "".join(f"P-{n};Товар {n}\n" for n in range(1, 301))
).encode()


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    """Tasks queued in the database and files kept on disk, as the worker process has them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_an_import_killed_with_its_worker_is_imported_again_by_the_next_worker(
    data_dir: Path, admin_adam: User
) -> None:
    # Given an uploaded file the worker will be reading when it is killed: until the test
    # says so, the stored file is a pipe that nobody writes into.
    with transaction.atomic():
        run = import_run_create(
            upload=ContentFile(PRODUCTS), file_name="products.csv", imported_by=admin_adam
        )
        stored = Path(run.stored_file.path)
        stored.unlink()
        os.mkfifo(stored)
    log = data_dir / "first-worker.log"

    # When the worker that took it is killed in the middle of it
    with worker_started(data_dir, log=log) as first:
        wait_until(
            lambda: ImportRun.objects.get(pk=run.pk).status == ImportStatus.RUNNING,
            what="started the import",
            worker=first,
            log=log,
        )
        killed(first)

    # Then the run and its task are left running, with nothing imported
    first_beat = WorkerHeartbeat.objects.get(pid=first.pid)
    first_task = DBTaskResult.objects.get()
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker_id) == (
        ImportStatus.RUNNING,
        1,
        first_beat.worker_id,
    )
    assert (first_task.status, first_task.worker_ids) == (
        TaskResultStatus.RUNNING,
        [first_beat.worker_id],
    )
    assert Product.objects.count() == 0

    # When the file can be read again and the next worker starts
    stored.unlink()
    stored.write_bytes(PRODUCTS)
    second = worker_batch(data_dir)

    # Then that worker fails the killed task, queues the import once again and imports it
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Work of stopped workers: 1 task results failed, 1 runs settled" in second.stdout
    first_task.refresh_from_db()
    with translation.override(WORKER_LANGUAGE):
        said = worker_stopped_message(first_beat.beat_at)
    assert (first_task.status, first_task.exception_class_path, first_task.traceback) == (
        TaskResultStatus.FAILED,
        "upsell.worker.services.WorkerStopped",
        f"upsell.worker.services.WorkerStopped: {said}\n",
    )
    run.refresh_from_db()
    assert (run.status, run.stage, run.attempts, run.error_count) == (
        ImportStatus.SUCCEEDED,
        ImportStage.DONE,
        2,
        0,
    )
    assert run.worker_id not in ("", first_beat.worker_id)
    assert run.counts == {"products": {"created": 300, "updated": 0, "unchanged": 0}}
    assert Product.objects.count() == 300
    again = DBTaskResult.objects.exclude(pk=first_task.pk).get()
    assert (again.status, again.args_kwargs["args"]) == (TaskResultStatus.SUCCESSFUL, [run.pk])


def test_a_nightly_run_killed_with_its_worker_fails_and_the_next_night_is_queued(
    data_dir: Path, manager_anna: User, settings
) -> None:
    settings.UPSELL_NIGHTLY_AT = "02:30"
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    for month in range(1, 13):
        shipment_with_line(client=client, date=dt.date(2025, month, 10), amount=Decimal(1000))
    # Given tonight's run, come due, as the chain scheduled it
    tonight = nightly_run.enqueue()
    ScheduledTask.objects.create(
        name="nightly", result_id=str(tonight.id), run_after=timezone.now()
    )
    log = data_dir / "worker.log"

    # When its worker is killed in the middle of the audit
    with worker_started(data_dir, log=log) as worker:
        wait_until(
            lambda: AuditRun.objects.filter(status=RunStatus.RUNNING).exists(),
            what="started the audit",
            worker=worker,
            log=log,
        )
        with writes_held(AuditRun._meta.db_table):
            killed(worker)
    beat = WorkerHeartbeat.objects.get(pid=worker.pid)
    audit = AuditRun.objects.get()
    assert (audit.status, audit.worker_id) == (RunStatus.RUNNING, beat.worker_id)
    assert nightly_run.get_result(str(tonight.id)).status == TaskResultStatus.RUNNING

    # When the sweep runs (a worker starting, any worker's periodic sweep)
    outcome = worker_sweep()

    # Then the audit and tonight's task fail, saying when the worker stopped
    assert (outcome.task_results_failed, outcome.runs_settled) == (1, 1)
    audit.refresh_from_db()
    assert (audit.status, audit.error) == (RunStatus.FAILED, worker_stopped_message(beat.beat_at))
    assert audit.finished_at is not None
    assert nightly_run.get_result(str(tonight.id)).status == TaskResultStatus.FAILED
    assert not ForecastRun.objects.exists()
    # and the chain goes on: the next night's run is waiting, and only one
    scheduled = ScheduledTask.objects.get()
    assert scheduled.result_id != str(tonight.id)
    waiting = nightly_run.get_result(scheduled.result_id)
    assert (waiting.status, waiting.task.run_after) == (TaskResultStatus.READY, scheduled.run_after)
    assert timezone.localtime(scheduled.run_after).time() == dt.time(2, 30)
    assert dt.timedelta(0) < scheduled.run_after - timezone.now() <= dt.timedelta(days=1)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    # and a second sweep changes nothing
    assert worker_sweep() == outcome.__class__(task_results_failed=0, runs_settled=0)
    assert ScheduledTask.objects.get().result_id == scheduled.result_id
