from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from upsell.accounts.models import User
from upsell.accounts.tokens import api_token_create, api_tokens_revoke


class Command(BaseCommand):
    help = (
        "Print a new REST API token for USERNAME (send it as 'Authorization: Bearer <token>'), "
        "or revoke all of that user's tokens."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'website'")
        parser.add_argument(
            "--revoke", action="store_true", help="delete every token of the user instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        if options["revoke"]:
            revoked = api_tokens_revoke(user=user)
            self.stdout.write(f"Revoked {revoked} token(s) of {user.username}.")
            return
        if not user.is_active:
            raise CommandError(f"{user.username} is not active: a token would not work.")
        if len(options["name"]) > 100:  # ApiToken.name's length
            raise CommandError("The name is longer than 100 characters.")
        _, token = api_token_create(user=user, name=options["name"])
        # The token alone on stdout, so scripts can capture it; the hint goes to stderr.
        self.stdout.write(token)
        self.stderr.write(
            f"API token for {user.username} ({user.get_role_display()}). "
            "It is shown only this once. Send it as:\n"
            f"  Authorization: Bearer {token}"
        )
