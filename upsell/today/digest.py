"""The daily e-mail: each manager's Today list, the same actions in the same order as its page.

Off until the head of sales turns it on (``TodaySettings.digest``). ``upsell today_digest``
sends it, once a morning from the scheduler; a manager without an e-mail address or without an
action gets none.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from upsell.accounts.models import Role, User
from upsell.core.money import format_money
from upsell.today.selectors import TodayList, today_list, today_settings_latest


def digest_enabled() -> bool:
    latest = today_settings_latest()
    return latest is not None and latest.digest


def digest_text(listed: TodayList) -> str:
    """The list in plain text: each action's client, what to do, why and what is at stake."""
    lines = []
    for number, action in enumerate(listed.actions, start=1):
        lines += [
            f"{number}. {action.client.name}: {action.title}",
            f"   {action.reason}",
            "   " + _("At stake: %(stake)s") % {"stake": format_money(action.stake)},
            "",
        ]
    return "\n".join(lines)


def digest_send(*, today: dt.date, now: dt.datetime) -> int:
    """Send every active manager with an e-mail address its list for ``today``, in the site's
    language; how many were sent (none while the digest is off)."""
    if not digest_enabled():
        return 0
    sent = 0
    managers = User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email="")
    with translation.override(settings.LANGUAGE_CODE):
        for manager in managers.order_by("pk"):
            listed = today_list(user=manager, manager=manager, today=today, now=now)
            if not listed.actions:
                continue
            subject = ngettext(
                "Today: %(count)s action, %(stake)s at stake",
                "Today: %(count)s actions, %(stake)s at stake",
                len(listed.actions),
            ) % {"count": len(listed.actions), "stake": format_money(listed.stake)}
            sent += send_mail(
                subject=subject,
                message=digest_text(listed),
                from_email=None,
                recipient_list=[manager.email],
            )
    return sent
