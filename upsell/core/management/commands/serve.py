import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve Upsell with gunicorn, configured by upsell/config/gunicorn.py (UPSELL_BIND, "
        "UPSELL_WEB_WORKERS); further arguments go to gunicorn."
    )
    # Gunicorn loads the application and its checks in each process; nothing to check here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gunicorn_args", nargs="*", help="more gunicorn options, after --")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:upsell.config.gunicorn",
            *options["gunicorn_args"],
            "upsell.config.wsgi:application",
        ]
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606
