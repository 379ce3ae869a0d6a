"""While a worker lives, a thread beats for it and sweeps up the work of stopped workers."""

import os
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from upsell.imports.models import ImportRun, ImportStatus
from upsell.worker import heartbeat
from upsell.worker.heartbeat import HeartbeatThread, heartbeat_register, host_name
from upsell.worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registered(monkeypatch):
    """This process registered as a worker, as ``upsell db_worker`` does when it starts."""
    monkeypatch.setattr(heartbeat, "_current", "")
    return heartbeat_register(worker_id="this")


def test_registering_makes_this_process_the_worker_that_claims(registered):
    assert heartbeat.worker_id_current() == "this"
    assert (registered.host, registered.pid) == (host_name(), os.getpid())
    assert registered.started_at == registered.beat_at


def test_the_thread_beats_and_sweeps_while_the_worker_lives(registered, settings):
    settings.UPSELL_WORKER_HEARTBEAT_SECONDS = 0.2
    settings.UPSELL_WORKER_STALE_SECONDS = 0.5
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=30)
    WorkerHeartbeat.objects.create(
        worker_id="ended",
        host=host_name(),
        pid=ended.pid,
        started_at=timezone.now(),
        beat_at=timezone.now(),
    )
    left = ImportRun.objects.create(
        file_name="a.csv", status=ImportStatus.RUNNING, worker_id="ended", attempts=2
    )
    first_beat = registered.beat_at

    beating = HeartbeatThread(worker_id="this")
    beating.start()
    try:
        deadline = time.monotonic() + 30
        while ImportRun.objects.get(pk=left.pk).status == ImportStatus.RUNNING:
            assert time.monotonic() < deadline, "the thread never swept"
            time.sleep(0.05)
    finally:
        beating.stop()
        beating.join(timeout=30)

    assert not beating.is_alive()
    assert WorkerHeartbeat.objects.get(worker_id="this").beat_at > first_beat
    assert ImportRun.objects.get(pk=left.pk).status == ImportStatus.FAILED
