"""Telling people: a notification in the application and, once the change is committed, an
e-mail."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from upsell.accounts.models import User
from upsell.notifications.models import Notification
from upsell.notifications.wordings import notification_wording

# How many names one notification spells out before it says "and N more".
NAMES_IN_A_NOTIFICATION = 5


def notification_send(
    *, user: User, kind: str, params: dict[str, Any], url: str = ""
) -> Notification:
    """Tell ``user`` in the application and, once the change is committed, by e-mail.

    ``kind`` is registered with its wording by the sending app; ``params`` are the facts the
    wording needs (JSON: names, numbers, codes, never a translated sentence). The page words it
    in the reader's language; the e-mail goes in the company's.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = notification_wording(kind, params)
    if text is None:
        raise ValueError(f"No wording is registered for the notification kind {kind!r}.")
    notification = Notification.objects.create(
        user=user, kind=kind, params=params, text=text[:500], url=url
    )
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
