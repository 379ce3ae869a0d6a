"""``upsell db_worker``: the task worker of django-tasks-db, with a heartbeat.

It loads the site's URLconf first: tasks name pages in what they tell people (a handed-over
client's notification links its card), and the first of them should not wait seconds for the
API's schemas to be built; a broken URLconf stops the worker before it takes any work. It
records itself (``WorkerHeartbeat``) before it claims any task, sweeps up the work of
workers that stopped, and then, while it runs tasks, a thread refreshes its heartbeat and
sweeps again from time to time (``upsell.worker.heartbeat``).
"""

from typing import Any

from django.urls import get_resolver
from django_tasks_db.management.commands import db_worker

from upsell.worker.heartbeat import HeartbeatThread, heartbeat_register
from upsell.worker.services import worker_sweep


class Command(db_worker.Command):
    help = (
        "Run the task worker: imports, audits, forecast refreshes and the nightly work. It "
        "keeps a heartbeat, and fails or queues again the work of workers that stopped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view
        worker_id = options["worker_id"]
        heartbeat_register(worker_id=worker_id)
        outcome = worker_sweep()
        if outcome.task_results_failed or outcome.runs_settled:
            self.stdout.write(
                f"Work of stopped workers: {outcome.task_results_failed} task results failed, "
                f"{outcome.runs_settled} runs settled"
            )
        beating = HeartbeatThread(worker_id=worker_id)
        beating.start()
        try:
            super().handle(*args, **options)
        finally:
            beating.stop()
