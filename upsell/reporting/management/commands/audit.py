import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from upsell.reporting.models import AuditEngine, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute


class Command(BaseCommand):
    help = "Recompute every client's status, metrics and monthly status history as of a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="audit date YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--engine", choices=AuditEngine.values, default=AuditEngine.DUCKDB,
            help="where the computation runs (default: duckdb)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        try:
            run = audit_run_create(
                as_of=as_of, engine=options["engine"], started_by=None, enqueue=False
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        run = audit_run_execute(
            run=run, report=lambda stage, percent: self.stderr.write(f"{percent:3d}% {stage}")
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"The audit failed: {run.error}")
        seconds = (run.finished_at - run.started_at).total_seconds()  # type: ignore[operator]
        self.stdout.write(
            f"Audit as of {run.as_of:%Y-%m-%d} on {run.engine}: {run.clients} clients, "
            f"{run.history_rows} month-end statuses ({run.history_mode}: {run.history_months} "
            f"months computed), {seconds:.1f} s"
        )
