"""The task worker's heartbeat: the row a worker writes when it starts and refreshes while it
lives, and the thread that refreshes it and sweeps up the work of workers that stopped."""

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from upsell.worker.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# The worker of this process, once it has registered: the runs it claims record it.
_current = ""


def worker_id_current() -> str:
    """The id of the task worker this process is, or "" when it is none (a web process, a
    command run in a terminal)."""
    return _current


def host_name() -> str:
    return socket.gethostname()[:255]


def heartbeat_register(*, worker_id: str) -> WorkerHeartbeat:
    """Record this process as the worker ``worker_id``; what it claims from now on is its."""
    global _current  # one worker per process, set once when it starts
    now = timezone.now()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host_name(), "pid": os.getpid(), "started_at": now, "beat_at": now},
    )
    _current = worker_id
    return heartbeat


def heartbeat_beat(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())


class HeartbeatThread(threading.Thread):
    """Beats every ``UPSELL_WORKER_HEARTBEAT_SECONDS`` and sweeps every
    ``UPSELL_WORKER_STALE_SECONDS`` while the worker's main thread runs tasks. A database that
    does not answer for a while (a long import holding SQLite's write lock) delays a beat; it
    never stops the thread."""

    def __init__(self, *, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        from upsell.worker.services import worker_sweep

        beat_every = settings.UPSELL_WORKER_HEARTBEAT_SECONDS
        sweep_every = settings.UPSELL_WORKER_STALE_SECONDS
        next_sweep = time.monotonic() + sweep_every
        while not self._stopping.wait(beat_every):
            try:
                heartbeat_beat(worker_id=self.worker_id)
            except DatabaseError:
                logger.exception("The heartbeat of worker %s could not be written", self.worker_id)
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + sweep_every
                try:
                    worker_sweep()
                except Exception:  # the sweep is retried next time; the beats must go on
                    logger.exception("The sweep of worker %s stopped", self.worker_id)
            # The thread's own connection: closed, so a restarted database is reached anew.
            connection.close()
