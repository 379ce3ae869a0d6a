import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.reporting.programs import programs_measure


class Command(BaseCommand):
    help = (
        "Measure the sales programs now, as the nightly run does: each member's progress and "
        "guaranteed-stock months, then each program's effect."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="as of YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        measured = programs_measure(as_of=options["as_of"] or timezone.localdate())
        self.stdout.write(
            f"Sales programs: {measured.members} members measured, "
            f"{measured.stock_months} stock months, {measured.effects} effects"
        )
