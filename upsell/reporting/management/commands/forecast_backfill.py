import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.reporting.forecasting import BASELINE_MODELS
from upsell.reporting.services import forecast_backfill


class Command(BaseCommand):
    help = (
        "Replay the last months' forecast as it would have run (refit on each lock day, lock "
        "the month ahead), so its accuracy shows from the start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=6, help="how many months (default 6)")
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="as if on YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--model", choices=BASELINE_MODELS, default="auto")

    def handle(self, *args: Any, **options: Any) -> None:
        done = forecast_backfill(
            months=options["months"],
            today=options["today"] or timezone.localdate(),
            model=options["model"],
        )
        for month in done:
            self.stdout.write(
                f"{month.month:%m.%Y}: fitted as of {month.run.as_of:%Y-%m-%d} with "
                f"{month.run.model or '—'}, locked {month.lock.cells} cells"
            )
        if not done:
            self.stdout.write("Nothing to replay: those months are locked already")
