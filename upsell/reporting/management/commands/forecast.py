import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from upsell.reporting.forecasting import BASELINE_MODELS, horizon_months
from upsell.reporting.models import RunStatus
from upsell.reporting.services import forecast_run_create, forecast_run_execute


class Command(BaseCommand):
    help = (
        "Refit the forecast model on the order history and refresh the next 12 months' baselines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="history up to YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--model", choices=BASELINE_MODELS, default="auto",
            help="the model to fit (default: auto, chosen by a backtest on the company's own "
            "history); an unidentifiable fit falls back to the historic rate",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = forecast_run_create(
                as_of=options["as_of"] or timezone.localdate(),
                model=options["model"],
                started_by=None,
                enqueue=False,
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        run = forecast_run_execute(run=run)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"The forecast failed: {run.error}")
        for model, score in run.backtest_scores():
            errors = (
                f"MAE orders {score['mae_transactions']:.3f}, amount {score['mae_spend']:.2f}"
                if score["eligible"]
                else f"not eligible: {score['reason']}"
            )
            self.stdout.write(f"Backtest {model}: {errors}")
        months = horizon_months(run.as_of)
        seconds = (run.finished_at - run.started_at).total_seconds()  # type: ignore[operator]
        fallback = f" ({run.fallback_reason})" if run.fallback_reason else ""
        self.stdout.write(
            f"Baselines as of {run.as_of:%Y-%m-%d} for {months[0]:%m.%Y}–"
            f"{months[-1]:%m.%Y}: model {run.model or '—'}{fallback}, "
            f"{run.clients} clients, {run.cells} cells, "
            f"{'seasonal' if run.seasonal else 'no seasonal profile'}, {seconds:.1f} s"
        )
