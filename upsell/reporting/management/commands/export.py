from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models.query import EmptyQuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to
from upsell.reporting.exports import statuses_export_write


class Command(BaseCommand):
    help = (
        "Export data: `statuses` writes the status, reason and metrics of every client the "
        "user named by --as may see."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["statuses"])
        parser.add_argument("--out", type=Path, required=True, help="a .csv or .xlsx file")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            default=None,
            help="whose access decides the clients written (default: the first active head "
            "of sales)",
        )
        parser.add_argument(
            "--language", default=None, help="language of the reasons (default: the site's)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reader = _reader(options["username"])
        language = options["language"] or translation.get_language()
        with translation.override(language):
            try:
                written = statuses_export_write(user=reader, path=options["out"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{written} clients written to {options['out']} as {reader.username}")


def _reader(username: str | None) -> User:
    """The user whose access the export reads with: the one named, else the head of sales
    (the first of them, when the department has several)."""
    if username is None:
        head = User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk").first()
        if head is None:
            raise CommandError(
                _("No active head of sales to export as: name a user with --as USERNAME.")
            )
        return head
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(
            _("No user has the login %(username)s.") % {"username": username}
        ) from None
    # The clients' own access funnel answers "none at all" for whoever may not read sales
    # (an administrator, an inactive user), so the command asks it rather than the roles.
    if isinstance(clients_visible_to(user), EmptyQuerySet):
        raise CommandError(
            _("%(username)s (%(role)s) may not see clients' statuses.")
            % {
                "username": username,
                "role": user.get_role_display() if user.is_active else _("inactive"),
            }
        )
    return user
