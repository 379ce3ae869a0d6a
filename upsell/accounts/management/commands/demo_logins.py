from typing import Any

from django.core.management.base import BaseCommand, CommandError

from upsell.accounts.demo import demo_logins_prepare


class Command(BaseCommand):
    help = "Give the demo company's staff the demo password and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins_prepare()
        if not logins:
            raise CommandError("No staff without a password of their own: import the demo first.")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.password}  {login.role}: {login.name}"
            )
