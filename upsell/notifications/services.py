"""Telling people: a notification in the application and, once the change is committed, an
e-mail."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from upsell.accounts.models import User
from upsell.notifications.models import Notification

# How many names one notification spells out before it says "and N more".
NAMES_IN_A_NOTIFICATION = 5


def notification_send(*, user: User, text: str, url: str = "") -> Notification:
    """Tell ``user`` in the application and, once the change is committed, by e-mail."""
    notification = Notification.objects.create(user=user, text=text[:500], url=url)
    if user.email:
        # robust: a mail server that is down must not undo or fail what was decided.
        transaction.on_commit(
            lambda: send_mail(
                subject=text[:120], message=text, from_email=None, recipient_list=[user.email]
            ),
            robust=True,
        )
    return notification


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
