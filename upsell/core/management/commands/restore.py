import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from upsell.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Put an archive written by `upsell backup` back into this installation (DATABASE_URL, "
        "UPSELL_DATA_DIR): its database, uploaded files and secret key. An installation that "
        "holds data is refused unless --force, which replaces what it holds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="SRC")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database, uploaded files and secret key this installation holds",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_restore(source=options["source"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the {summary.engine} database, {summary.media_files} uploaded file(s)"
            + (" and the secret key" if summary.secret_key else "")
            + f" as they were at {summary.taken_at}."
        )
        if summary.secret_key and os.environ.get("SECRET_KEY"):
            self.stderr.write(
                "SECRET_KEY is set in the environment and takes precedence over the restored "
                "key: sessions from before the backup stay valid only if it is the same key."
            )
        if summary.pending_migrations:
            self.stderr.write(
                f"The backup predates {summary.pending_migrations} migration(s) of this "
                "version: run `upsell migrate` before starting the server."
            )
