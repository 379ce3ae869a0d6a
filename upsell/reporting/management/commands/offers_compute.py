import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from upsell.offers.models import SuggestionRun
from upsell.reporting.offers import offers_compute


def _summary(run: SuggestionRun) -> str:
    if run.too_little_data:
        return f"{run.level}: too little data ({run.note})"
    return (
        f"{run.level}: model {run.model}, {run.suggestions} suggestions for "
        f"{run.clients} clients among {run.items} items"
    )


class Command(BaseCommand):
    help = (
        "Compute what to offer each client now, as the nightly run does: products and product "
        "groups it never bought, by the model a time-split backtest chooses, with reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="as of YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        computed = offers_compute(as_of=options["as_of"] or timezone.localdate())
        self.stdout.write(f"Suggestions of {_summary(computed.products)}")
        self.stdout.write(f"Suggestions of {_summary(computed.groups)}")
