import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.reporting.forecasting import forecast_baselines_refresh


class Command(BaseCommand):
    help = (
        "Refit the forecast model on the order history and refresh the next 12 months' baselines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="history up to YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--model", choices=["bgnbd", "pnbd", "historic_rate", "last_year"], default="bgnbd",
            help="the model to fit; an unidentifiable fit falls back to the historic rate",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        refresh = forecast_baselines_refresh(
            as_of=options["as_of"] or timezone.localdate(), model=options["model"]
        )
        seconds = time.perf_counter() - started
        fallback = f" ({refresh.fallback_reason})" if refresh.fallback_reason else ""
        self.stdout.write(
            f"Baselines as of {refresh.as_of:%Y-%m-%d} for {refresh.months[0]:%m.%Y}–"
            f"{refresh.months[-1]:%m.%Y}: model {refresh.model or '—'}{fallback}, "
            f"{refresh.clients} clients, {refresh.cells} cells, "
            f"{'seasonal' if refresh.seasonal else 'no seasonal profile'}, {seconds:.1f} s"
        )
