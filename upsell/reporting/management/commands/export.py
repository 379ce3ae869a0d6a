from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from upsell.accounts.models import Role, User
from upsell.reporting.exports import statuses_export_write


class Command(BaseCommand):
    help = "Export data: `statuses` writes every client's status, reason and metrics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["statuses"])
        parser.add_argument("--out", type=Path, required=True, help="a .csv or .xlsx file")
        parser.add_argument(
            "--language", default=None, help="language of the reasons (default: the site's)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The command runs with the rights of the whole sales department.
        everyone = User(role=Role.HEAD_OF_SALES, is_active=True)
        language = options["language"] or translation.get_language()
        with translation.override(language):
            try:
                written = statuses_export_write(user=everyone, path=options["out"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{written} clients written to {options['out']}")
