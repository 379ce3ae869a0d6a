import datetime as dt
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from upsell.reporting.nightly import nightly_schedule, nightly_work
from upsell.reporting.tasks import nightly_run


class Command(BaseCommand):
    help = (
        "The nightly work: the audit, the forecast locks that are due, the forecast baselines. "
        "With --schedule, queue it for the task worker every night at UPSELL_NIGHTLY_AT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true",
            help="queue the nightly run for the task worker (once; each run queues the next)",
        )  # fmt: skip
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="as if on YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            try:
                scheduled = nightly_schedule(task=nightly_run)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            when = timezone.localtime(scheduled.run_after)
            self.stdout.write(
                f"The nightly work runs at {when:%Y-%m-%d %H:%M} (task {scheduled.result_id})"
            )
            return
        outcome = nightly_work(today=options["today"])
        self.stdout.write(
            f"Audit as of {outcome.audit.as_of:%Y-%m-%d}: {outcome.audit.clients} clients"
        )
        for lock in outcome.locks:
            self.stdout.write(f"Locked {lock.month:%m.%Y}: {lock.cells} cells")
        run = outcome.forecast
        self.stdout.write(
            f"Forecast baselines: model {run.model or '—'}, {run.clients} clients, "
            f"{run.cells} cells"
        )
        programs = outcome.programs
        self.stdout.write(
            f"Sales programs: {programs.members} members measured, "
            f"{programs.stock_months} stock months, {programs.effects} effects"
        )
        self.stdout.write(
            f"Deals matched: {outcome.deals.requests} requests, {outcome.deals.shipments} shipments"
        )
        self.stdout.write(f"Coaching: {outcome.coaching_figures} figures measured")
        for offers_run in (outcome.offers.products, outcome.offers.groups):
            self.stdout.write(
                f"What to offer ({offers_run.level}): "
                + (f"too little data ({offers_run.note})" if offers_run.too_little_data else
                   f"model {offers_run.model}, {offers_run.suggestions} suggestions")
            )  # fmt: skip
