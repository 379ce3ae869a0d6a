import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.reporting.coaching import coaching_measure


class Command(BaseCommand):
    help = (
        "Measure the coaching periods now, as the nightly run does: each coached manager's "
        "figures before and after, against the managers not coached."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="as of YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stored = coaching_measure(as_of=options["as_of"] or timezone.localdate())
        self.stdout.write(f"Coaching: {stored} figures measured")
