import argparse
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from upsell.demo import generate


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Write a demo distributor's files (staff, products, clients, shipments, payments, and "
        "the open customer orders) to import, with truth.csv naming each client's purchase "
        "behaviour; and its sales programs with their members, one of them with a planted "
        "effect that programs_truth.json states."
    )
    # It only writes files: the project's checks (database, URLs…) have no bearing on it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="folder to write the files to")
        parser.add_argument("--clients", type=int, default=2000, help="how many clients")
        parser.add_argument("--years", type=int, default=3, help="years of history")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same files")
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="last day of the history, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = generate(
                options["out"],
                clients=options["clients"],
                years=options["years"],
                seed=options["seed"],
                today=options["today"] or timezone.localdate(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        files = summary.files
        self.stdout.write(
            f"Demo company (seed {summary.seed}, {summary.start:%d.%m.%Y}–{summary.today:%d.%m.%Y})"
            f" written to {files.staff.parent}:"
        )
        rows = (
            (files.staff, f"{summary.staff} staff"),
            (files.products, f"{summary.products} products"),
            (files.clients, f"{summary.clients} clients"),
            (
                files.shipments,
                f"{summary.documents} shipments, {summary.returns} returns, {summary.lines} lines",
            ),
            (files.payments, f"{summary.payments} payments"),
            (files.contacts, f"{summary.contacts} contact persons"),
            (
                files.orders,
                f"{summary.requests} open customer orders, {summary.request_lines} lines",
            ),
            (files.truth, f"{summary.clients} client behaviours (not for import)"),
            (files.programs, f"{summary.programs} sales programs (upsell programs_load)"),
            (files.memberships, f"{summary.memberships} members and controls"),
            (files.programs_truth, "the planted effect of one program (not for import)"),
        )
        width = max(len(path.name) for path, _ in rows)
        for path, what in rows:
            self.stdout.write(f"  {path.name:<{width}}  {what}")
