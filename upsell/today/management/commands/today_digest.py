"""``upsell today_digest``: send each manager its Today list by e-mail, when the head of sales
turned the daily e-mail on (run it each morning from the scheduler)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from upsell.today.digest import digest_enabled, digest_send


class Command(BaseCommand):
    help = "Send each manager its Today list by e-mail (when the daily e-mail is on)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not digest_enabled():
            self.stdout.write("The daily e-mail is off: nothing sent.")
            return
        sent = digest_send(today=timezone.localdate(), now=timezone.now())
        self.stdout.write(f"Sent {sent} e-mail(s).")
