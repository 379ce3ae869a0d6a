from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from upsell.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive of this installation: its database (SQLite's backup API, or "
        "pg_dump), the uploaded files and the secret key, with a manifest. DEST is the "
        "archive's file name, or a folder to write upsell-<UTC time>.tar.gz in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, metavar="DEST")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(destination=options["destination"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the {summary.engine} database, {summary.media_files} uploaded file(s)"
            + (" and the secret key" if summary.secret_key else "")
            + f" to {summary.path}"
        )
