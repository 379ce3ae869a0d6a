"""``upsell recommend LINES.csv --calibration-end DATE --holdout-end DATE --out FILE``: choose
the what-to-offer model by a time-split backtest and write each client's recommendations."""

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from upsell.analytics.engines import Engine, engine_connect
from upsell.analytics.recommend.command import recommend_command_run
from upsell.analytics.recommend.models import MODEL_NAMES
from upsell.core.spreadsheets import CsvWriter
from upsell.core.uploads import file_too_large_message


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from error


def _reason(row: dict[str, Any]) -> str:
    if row["because_of"]:
        return _("bought by {buyers} of the {among} clients who buy {item}").format(
            buyers=row["buyers"], among=row["among"], item=row["because_of"]
        )
    return _("bought by {buyers} of the {among} clients").format(
        buyers=row["buyers"], among=row["among"]
    )


class Command(BaseCommand):
    help = (
        "Choose what to offer each client on a sales-lines file (one row per line): score "
        "popularity, item-kNN, EASE and (with --spark) ALS by recall@k and nDCG@k on the "
        "holdout, print the scores as JSON, and write each client's top k items it never "
        "bought, fitted on everything up to the holdout end, with a reason."
    )
    # Pure analytics on a file: no database, so the project's system checks do not apply.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lines", type=Path, help="CSV file, one row per sales line")
        parser.add_argument("--calibration-end", type=_date, required=True)
        parser.add_argument("--holdout-end", type=_date, required=True)
        parser.add_argument("--k", type=int, default=10, help="items per client (default 10)")
        parser.add_argument("--model", choices=["auto", *MODEL_NAMES], default="auto")
        parser.add_argument("--customer-col", default="customer")
        parser.add_argument(
            "--item-col", default="item", help="product, or product group to offer groups"
        )
        parser.add_argument("--date-col", default="date")
        parser.add_argument("--quantity-col", default="quantity")
        parser.add_argument("--amount-col", default="amount")
        parser.add_argument(
            "--spark",
            action="store_true",
            help="open a Spark session (SPARK_MASTER, else local) to fit ALS too",
        )
        parser.add_argument("--out", type=Path, required=True, help="CSV file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["lines"]
        if path.is_file():
            too_large = file_too_large_message(size=path.stat().st_size)
            if too_large is not None:
                raise CommandError(f"{path}: {too_large}")
        use_spark = options["spark"] or options["model"] == "als"
        session = (
            engine_connect(engine=Engine.SPARK, spark_master=settings.SPARK_MASTER or None)
            if use_spark
            else None
        )
        try:
            report, table = recommend_command_run(
                lines_path=path,
                calibration_end=options["calibration_end"],
                holdout_end=options["holdout_end"],
                k=options["k"],
                model=options["model"],
                client_column=options["customer_col"],
                item_column=options["item_col"],
                date_column=options["date_col"],
                quantity_column=options["quantity_col"],
                amount_column=options["amount_col"],
                max_rows=settings.UPSELL_FILE_MAX_ROWS,
                max_columns=settings.UPSELL_FILE_MAX_COLUMNS,
                spark=session.spark if session is not None else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            if session is not None:
                session.close()
        out: Path = options["out"]
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = CsvWriter(handle)
            writer.row([*table.column_names, "reason"])
            for row in table.to_pylist():
                writer.row([*row.values(), _reason(row)])
        report["output"] = str(out)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
