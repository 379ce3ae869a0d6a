"""Which workers have stopped, and what the sweep does with the work they left running."""

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import psutil
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upsell.imports.models import ImportRun, ImportStage, ImportStatus
from upsell.imports.services import import_run_create
from upsell.products.models import Product
from upsell.reporting.models import AuditRun, RunStatus
from upsell.worker.heartbeat import host_name
from upsell.worker.models import WorkerHeartbeat
from upsell.worker.services import SweepOutcome, worker_sweep, workers_read

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 6, 13, 0, tzinfo=MOSCOW)
# When this very process started, by the machine's clock (the tests' clock is frozen).
THIS_PROCESS_STARTED = dt.datetime.fromtimestamp(psutil.Process().create_time(), tz=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dead_pid() -> int:
    """The process id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)
    return process.pid


def _beat(
    worker_id: str,
    *,
    host: str,
    pid: int,
    beat_at: dt.datetime,
    started_at: dt.datetime | None = None,
) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host=host,
        pid=pid,
        started_at=started_at or THIS_PROCESS_STARTED + dt.timedelta(seconds=2),
        beat_at=beat_at,
    )


def test_a_worker_elsewhere_has_stopped_when_its_last_beat_is_too_old(frozen, settings):
    settings.UPSELL_WORKER_STALE_SECONDS = 120
    _beat("fresh", host="other-host", pid=7, beat_at=NOW - dt.timedelta(seconds=120))
    _beat("stale", host="other-host", pid=8, beat_at=NOW - dt.timedelta(seconds=121))

    workers = workers_read()

    assert workers.alive == {"fresh"}
    assert workers.last_seen == {"stale": NOW - dt.timedelta(seconds=121)}


def test_a_worker_here_is_judged_by_its_process(frozen, dead_pid):
    # This process lives although its last beat is an hour old (a long write held it up);
    # the ended process has stopped although its beat is fresh.
    _beat("this", host=host_name(), pid=os.getpid(), beat_at=NOW - dt.timedelta(hours=1))
    _beat("ended", host=host_name(), pid=dead_pid, beat_at=NOW)

    workers = workers_read()

    assert workers.alive == {"this"}
    assert workers.stopped_at("ended", started=None) == NOW
    assert workers.stopped_at("this", started=None) is None
    # Work claimed by no worker (a command in a terminal) is nobody's to judge.
    assert workers.stopped_at("", started=NOW) is None


def test_a_process_id_given_to_a_later_process_no_longer_speaks_for_the_worker(frozen):
    # A worker recorded itself before this process started, under this process's id: its
    # own process has ended and the id went to this one.
    _beat(
        "before",
        host=host_name(),
        pid=os.getpid(),
        beat_at=NOW,
        started_at=THIS_PROCESS_STARTED - dt.timedelta(seconds=2),
    )
    _beat("this", host=host_name(), pid=os.getpid(), beat_at=NOW)

    assert workers_read().alive == {"this"}


def _running_import(*, worker_id: str, attempts: int, stored: str) -> ImportRun:
    return ImportRun.objects.create(
        file_name="products.csv",
        stored_file=stored,
        status=ImportStatus.RUNNING,
        stage=ImportStage.WRITING,
        worker_id=worker_id,
        attempts=attempts,
        started_at=NOW - dt.timedelta(minutes=5),
    )


def test_an_import_whose_worker_stopped_the_second_time_fails_and_says_when(frozen, dead_pid):
    _beat("ended", host=host_name(), pid=dead_pid, beat_at=NOW - dt.timedelta(minutes=3))
    run = _running_import(worker_id="ended", attempts=2, stored="imports/2026/12/products.csv")

    outcome = worker_sweep()

    assert outcome == SweepOutcome(task_results_failed=0, runs_settled=1)
    run.refresh_from_db()
    assert (run.status, run.stage, run.error_count, run.finished_at) == (
        ImportStatus.FAILED,
        ImportStage.DONE,
        1,
        NOW,
    )
    assert run.errors == [
        {
            "row": None,
            "column": "",
            "message": "The worker running it stopped at 2026-12-06 12:57; start it again.",
        }
    ]


def test_an_import_of_a_file_read_in_place_is_not_queued_again(frozen, dead_pid):
    # A file read in place by a worker has nothing stored to import again: it fails.
    _beat("ended", host=host_name(), pid=dead_pid, beat_at=NOW - dt.timedelta(minutes=3))
    run = _running_import(worker_id="ended", attempts=1, stored="")

    worker_sweep()

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED


def test_a_run_of_a_worker_that_lives_or_of_no_worker_is_left_alone(frozen):
    _beat("this", host=host_name(), pid=os.getpid(), beat_at=NOW)
    in_hand = _running_import(worker_id="this", attempts=1, stored="imports/a.csv")
    in_a_terminal = _running_import(worker_id="", attempts=1, stored="")

    assert worker_sweep() == SweepOutcome(task_results_failed=0, runs_settled=0)

    assert set(ImportRun.objects.values_list("pk", "status")) == {
        (in_hand.pk, ImportStatus.RUNNING),
        (in_a_terminal.pk, ImportStatus.RUNNING),
    }


def test_a_task_of_a_worker_without_a_heartbeat_stopped_when_it_started(frozen):
    # A worker that ran before heartbeats were kept, or whose row was pruned long ago.
    result = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=NOW - dt.timedelta(hours=2),
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="upsell.imports.tasks.execute_import_run",
        worker_ids=["unknown"],
        backend_name="default",
    )

    assert worker_sweep() == SweepOutcome(task_results_failed=1, runs_settled=0)

    result.refresh_from_db()
    assert (result.status, result.finished_at) == (TaskResultStatus.FAILED, NOW)
    assert result.traceback == (
        "upsell.worker.services.WorkerStopped: "
        "The worker running it stopped at 2026-12-06 11:00; start it again.\n"
    )


def _taken_task(task_path: str, *, run_id: int, worker_id: str) -> "DBTaskResult[..., object]":
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=NOW - dt.timedelta(minutes=3),
        args_kwargs={"args": [run_id], "kwargs": {}},
        task_path=task_path,
        worker_ids=[worker_id],
        backend_name="default",
    )


def test_an_import_whose_worker_stopped_before_taking_it_is_queued_again(
    frozen, dead_pid, admin_adam, django_capture_on_commit_callbacks
):
    # Given an upload whose task a worker took, and stopped before it took the run
    with django_capture_on_commit_callbacks(execute=False):
        run = import_run_create(
            upload=ContentFile("Артикул;Номенклатура\nA-1;Болт\nB-2;Гайка\n".encode()),
            file_name="products.csv",
            imported_by=admin_adam,
        )
    _beat("ended", host=host_name(), pid=dead_pid, beat_at=NOW - dt.timedelta(minutes=3))
    taken = _taken_task("upsell.imports.tasks.execute_import_run", run_id=run.pk, worker_id="ended")

    # When the sweep runs (the test settings run a queued task at once)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = worker_sweep()

    # Then the task is failed and the run, never started, is queued again and imported
    assert outcome == SweepOutcome(task_results_failed=1, runs_settled=1)
    taken.refresh_from_db()
    assert taken.status == TaskResultStatus.FAILED
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ImportStatus.SUCCEEDED, 1)
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["A-1", "B-2"]


def test_an_audit_whose_worker_stopped_before_taking_it_fails(frozen, dead_pid):
    run = AuditRun.objects.create(as_of=dt.date(2026, 12, 1))
    _beat("ended", host=host_name(), pid=dead_pid, beat_at=NOW - dt.timedelta(minutes=3))
    _taken_task("upsell.reporting.tasks.execute_audit_run", run_id=run.pk, worker_id="ended")

    assert worker_sweep() == SweepOutcome(task_results_failed=1, runs_settled=1)

    run.refresh_from_db()
    assert (run.status, run.finished_at, run.error) == (
        RunStatus.FAILED,
        NOW,
        "The worker running it stopped at 2026-12-06 12:57; start it again.",
    )


def test_a_task_just_taken_by_a_worker_not_yet_known_is_left_alone(frozen, settings):
    # A worker that started after the sweep read the heartbeats, and took a task at once.
    settings.UPSELL_WORKER_STALE_SECONDS = 120
    result = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=NOW - dt.timedelta(seconds=30),
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="upsell.imports.tasks.execute_import_run",
        worker_ids=["new"],
        backend_name="default",
    )

    assert worker_sweep() == SweepOutcome(task_results_failed=0, runs_settled=0)

    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
