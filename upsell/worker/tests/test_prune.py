"""Old task results are deleted: the finished ones older than UPSELL_TASK_RESULTS_KEEP_DAYS,
never one that waits or runs; with them the heartbeats of workers gone as long."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upsell.worker.models import WorkerHeartbeat
from upsell.worker.services import task_results_prune

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 6, 2, 30, tzinfo=MOSCOW)

pytestmark = pytest.mark.django_db


def task_result(
    name: str, *, status: str, finished_days_ago: float | None
) -> "DBTaskResult[..., object]":
    finished = None if finished_days_ago is None else NOW - dt.timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status,
        enqueued_at=NOW - dt.timedelta(days=60),
        finished_at=finished,
        args_kwargs={"args": [name], "kwargs": {}},
        task_path="upsell.imports.tasks.execute_import_run",
        backend_name="default",
    )


def test_finished_task_results_older_than_kept_are_deleted(settings):
    settings.UPSELL_TASK_RESULTS_KEEP_DAYS = 30
    for name, status, days in [
        ("old success", TaskResultStatus.SUCCESSFUL, 30.01),
        ("old failure", TaskResultStatus.FAILED, 45),
        ("recent success", TaskResultStatus.SUCCESSFUL, 29.99),
        ("recent failure", TaskResultStatus.FAILED, 1),
        ("waiting", TaskResultStatus.READY, None),
        ("running long", TaskResultStatus.RUNNING, None),
    ]:
        task_result(name, status=status, finished_days_ago=days)
    for worker_id, days in [("gone", 31), ("seen", 29)]:
        beat_at = NOW - dt.timedelta(days=days)
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, host="h", pid=1, started_at=beat_at, beat_at=beat_at
        )

    with time_machine.travel(NOW, tick=False):
        assert task_results_prune() == 2

    assert sorted(DBTaskResult.objects.values_list("args_kwargs__args__0", flat=True)) == [
        "recent failure",
        "recent success",
        "running long",
        "waiting",
    ]
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["seen"]
