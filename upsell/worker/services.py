"""Noticing the work of a task worker that stopped, and pruning old task results.

A worker killed in the middle of a task (SIGKILL, out of memory, its machine gone) leaves the
task's result and the run it was executing "running" for ever: nothing in the worker library
looks back. The sweep here does, at every worker's start, every ``UPSELL_WORKER_STALE_SECONDS``
in each worker, and in the nightly work:

- a task result still running on a worker that stopped is failed, with the time the worker
  was last seen;
- each app that executes runs in the worker registers a run sweeper (``run_sweeper_register``,
  from its ``AppConfig.ready``) that fails or queues again its own runs of a stopped worker;
  which runs are queued again, and why, is said where each sweeper is written.

A worker has stopped when its process is gone (on the machine it ran on: the process is looked
up by its id and start time, since a long write may hold up a beat, SQLite's write lock above
all) or, seen from another machine, when its last beat is older than
``UPSELL_WORKER_STALE_SECONDS``. Machines are told apart by their host names.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psutil
from django.conf import settings
from django.db.models import Q
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from upsell.worker.heartbeat import host_name
from upsell.worker.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

TASK_FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


class WorkerStopped(Exception):  # noqa: N818 - it names what happened, as the message says
    """Recorded on a task result whose worker stopped while running it."""


@dataclass(frozen=True, kw_only=True)
class Workers:
    """Which workers live, as the heartbeats say at one moment."""

    alive: frozenset[str]
    # The workers with a heartbeat that stopped, and when each was last seen.
    last_seen: dict[str, dt.datetime]
    # Work of a worker without a heartbeat row that started before this is judged stopped.
    unknown_before: dt.datetime

    def stopped_at(self, worker_id: str, *, started: dt.datetime | None) -> dt.datetime | None:
        """When the worker that claimed a piece of work ``started`` stopped, or None while it
        lives. Work claimed outside a worker (``worker_id`` blank: a command in a terminal) is
        nobody's to judge. A worker without a heartbeat row (one that ran before heartbeats
        were kept, or whose row was pruned) was last seen when it started the work, unless
        that was lately: a worker that started after the heartbeats were read is not known
        here yet."""
        if not worker_id or worker_id in self.alive:
            return None
        if worker_id in self.last_seen:
            return self.last_seen[worker_id]
        if started is None or started < self.unknown_before:
            return started or self.unknown_before
        return None


def _process_alive(pid: int, *, since: dt.datetime) -> bool:
    """Whether process ``pid`` of this machine is the one that recorded itself at ``since``:
    it runs, and it had started by then (an ended process's id is given to new ones)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        created = process.create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's process: there, at least
        return True
    # The start time is known to the clock tick and the machine's boot time to the second.
    return created <= since.timestamp() + 1


def workers_read(*, now: dt.datetime | None = None) -> Workers:
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.UPSELL_WORKER_STALE_SECONDS)
    here = host_name()
    alive: set[str] = set()
    last_seen: dict[str, dt.datetime] = {}
    for beat in WorkerHeartbeat.objects.all():
        if beat.host == here:
            lives = _process_alive(beat.pid, since=beat.started_at)
        else:
            lives = beat.beat_at >= stale_before
        if lives:
            alive.add(beat.worker_id)
        else:
            last_seen[beat.worker_id] = beat.beat_at
    return Workers(alive=frozenset(alive), last_seen=last_seen, unknown_before=stale_before)


def worker_stopped_message(stopped_at: dt.datetime) -> str:
    return _("The worker running it stopped at %(time)s; start it again.") % {
        "time": f"{timezone.localtime(stopped_at):%Y-%m-%d %H:%M}"
    }


@dataclass(frozen=True, kw_only=True)
class AbandonedTask:
    """A task result the sweep failed: its worker stopped while running it."""

    task_path: str
    args: list[Any]
    stopped_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Sweep:
    """What a run sweeper is given: the workers as they stand, and the tasks just failed."""

    workers: Workers
    abandoned: tuple[AbandonedTask, ...]

    def run_ids_of(self, task: Task[..., Any]) -> list[tuple[int, dt.datetime]]:
        """The run ids that abandoned results of ``task`` (a task taking a run's id) were given,
        with when their worker stopped. A worker may stop after taking the task and before
        taking its run, which then waits, queued, for a task that is over."""
        return [
            (abandoned.args[0], abandoned.stopped_at)
            for abandoned in self.abandoned
            if abandoned.task_path == task.module_path and abandoned.args
        ]


RunSweeper = Callable[[Sweep], int]
_run_sweepers: list[RunSweeper] = []


def run_sweeper_register(sweeper: RunSweeper) -> None:
    """Have every sweep call ``sweeper``; it settles its app's runs of stopped workers and
    returns how many it settled."""
    if sweeper not in _run_sweepers:
        _run_sweepers.append(sweeper)


@dataclass(frozen=True, kw_only=True)
class SweepOutcome:
    task_results_failed: int
    runs_settled: int


def task_results_abandoned_fail(*, workers: Workers) -> list[AbandonedTask]:
    """Fail every task result still running on a worker that stopped; those failed."""
    failed: list[AbandonedTask] = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        stopped_at = workers.stopped_at(worker_id, started=result.started_at)
        if stopped_at is None:
            continue
        message = worker_stopped_message(stopped_at)
        # Conditional: a result that finished since it was read is left as it finished.
        if DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}: {message}\n",
        ):
            failed.append(
                AbandonedTask(
                    task_path=result.task_path,
                    args=list(result.args_kwargs.get("args", [])),
                    stopped_at=stopped_at,
                )
            )
            logger.warning("Task %s (%s): %s", result.pk, result.task_path, message)
    return failed


def worker_sweep(*, now: dt.datetime | None = None) -> SweepOutcome:
    """Settle the task results and the runs of every worker that stopped."""
    workers = workers_read(now=now)
    abandoned = task_results_abandoned_fail(workers=workers)
    sweep = Sweep(workers=workers, abandoned=tuple(abandoned))
    settled = sum(sweeper(sweep) for sweeper in _run_sweepers)
    return SweepOutcome(task_results_failed=len(abandoned), runs_settled=settled)


def task_results_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the task results that finished more than ``UPSELL_TASK_RESULTS_KEEP_DAYS`` ago,
    and the heartbeats of workers not seen for as long; how many task results went."""
    before = (now or timezone.now()) - dt.timedelta(days=settings.UPSELL_TASK_RESULTS_KEEP_DAYS)
    deleted, _by_model = DBTaskResult.objects.filter(
        Q(status__in=TASK_FINISHED), finished_at__lt=before
    ).delete()
    WorkerHeartbeat.objects.filter(beat_at__lt=before).delete()
    return deleted
