import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.forecasts.locks import lock_day
from upsell.forecasts.services import forecast_locks_due


class Command(BaseCommand):
    help = (
        "Lock the forecast of every month that is due (run daily): from the lock day on, the "
        "next month's cells are copied to snapshots and can no longer change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="as if on YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locks = forecast_locks_due(today=options["today"] or timezone.localdate())
        for lock in locks:
            self.stdout.write(f"Locked {lock.month:%m.%Y}: {lock.cells} cells")
        if not locks:
            self.stdout.write(f"Nothing due (the lock day is the {lock_day()}th)")
