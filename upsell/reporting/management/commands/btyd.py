"""``upsell btyd TRANSACTIONS.csv --calibration-end DATE --out FILE``: fit BTYD models on a
transaction file and write each customer's expected transactions and spend."""

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from upsell.analytics.btyd.command import btyd_command_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Fit BG/NBD and Pareto/NBD on a transaction file (one row per purchase), print the "
        "chosen model, its parameters and log-likelihood as JSON, and write per customer the "
        "expected transactions and spend from the calibration end to the holdout end."
    )
    # Pure analytics on a file: no database, so the project's system checks do not apply.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("transactions", type=Path, help="CSV file, one row per purchase")
        parser.add_argument("--calibration-end", type=_date, required=True)
        parser.add_argument(
            "--holdout-end", type=_date, help="end of the forecast (default: a year later)"
        )
        parser.add_argument("--model", choices=["bgnbd", "pnbd", "auto"], default="auto")
        parser.add_argument("--customer-col", default="customer")
        parser.add_argument("--date-col", default="date")
        parser.add_argument("--amount-col", default="amount")
        parser.add_argument(
            "--freq", choices=["D", "W"], default="D", help="count purchases per day or week"
        )
        parser.add_argument("--out", type=Path, required=True, help="per-customer CSV to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = btyd_command_run(
                transactions_path=options["transactions"],
                calibration_end=options["calibration_end"],
                holdout_end=options["holdout_end"],
                model=options["model"],
                customer_column=options["customer_col"],
                date_column=options["date_col"],
                amount_column=options["amount_col"],
                freq=options["freq"],
                out_path=options["out"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
