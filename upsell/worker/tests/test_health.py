"""``/healthz``: the database, the task worker's heartbeat and the last nightly run, each by
name with its time; 200 when all pass, 503 otherwise; no login, nothing personal."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import psutil
import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from upsell.worker.heartbeat import host_name
from upsell.worker.models import WorkerHeartbeat

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=MOSCOW)
NIGHTLY = "upsell.reporting.tasks.nightly_run"

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _nightly(*, status: str, finished_at: dt.datetime) -> "DBTaskResult[..., object]":
    return DBTaskResult.objects.create(
        status=status,
        started_at=finished_at - dt.timedelta(minutes=20),
        finished_at=finished_at,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=NIGHTLY,
        worker_ids=["w"],
        backend_name="default",
    )


def test_a_living_worker_and_last_night_s_run_are_healthy(frozen):
    WorkerHeartbeat.objects.create(
        worker_id="w",
        host=host_name(),
        pid=os.getpid(),
        # when this process started, by the machine's clock (the test's clock is frozen)
        started_at=dt.datetime.fromtimestamp(psutil.Process().create_time() + 2, tz=dt.UTC),
        beat_at=NOW - dt.timedelta(seconds=4),
    )
    _nightly(status=TaskResultStatus.SUCCESSFUL, finished_at=NOW - dt.timedelta(hours=6))

    response = HttpClient().get("/healthz")

    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "checked_at": "2026-12-06T06:00:00+00:00",
        "checks": {
            "database": {"ok": True, "at": "2026-12-06T06:00:00+00:00", "detail": "answers"},
            "worker": {
                "ok": True,
                "at": "2026-12-06T05:59:56+00:00",
                "detail": "a task worker is running",
            },
            "nightly": {
                "ok": True,
                "at": "2026-12-06T00:00:00+00:00",
                "detail": "finished in the last 26 hours",
            },
        },
    }


def test_no_worker_and_an_old_nightly_run_are_not(frozen, admin_adam):
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        host="other-host",
        pid=12,
        started_at=NOW - dt.timedelta(days=3),
        beat_at=NOW - dt.timedelta(minutes=10),
    )
    _nightly(
        status=TaskResultStatus.SUCCESSFUL, finished_at=NOW - dt.timedelta(hours=26, seconds=1)
    )
    # A later night whose run failed does not count as finished.
    _nightly(status=TaskResultStatus.FAILED, finished_at=NOW - dt.timedelta(hours=2))

    response = HttpClient().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"] == {
        "database": {"ok": True, "at": "2026-12-06T06:00:00+00:00", "detail": "answers"},
        "worker": {"ok": False, "at": None, "detail": "no task worker is running"},
        "nightly": {
            "ok": False,
            "at": "2026-12-05T03:59:59+00:00",
            "detail": "the nightly work has not finished in the last 26 hours",
        },
    }
    # Nothing about the people or the business in it.
    assert "adam" not in response.content.decode()


def test_a_nightly_work_that_never_ran_is_said_so(frozen):
    response = HttpClient().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["nightly"] == {
        "ok": False,
        "at": None,
        "detail": "the nightly work never finished",
    }


def test_only_reading_is_allowed():
    assert HttpClient().post("/healthz").status_code == 405
