"""The daily e-mail: off until the head of sales turns it on, then each manager's own list."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from upsell.accounts.models import User
from upsell.today.digest import digest_send
from upsell.today.services import today_settings_update

pytestmark = pytest.mark.django_db


def test_the_daily_email_is_off_by_default(world, frozen):
    assert digest_send(today=frozen.date(), now=frozen) == 0
    assert mail.outbox == []


def test_each_manager_gets_its_own_list(world, head_of_sales, manager_anna, manager_boris, frozen):
    User.objects.filter(pk=manager_anna.pk).update(email="anna@example.ru")
    User.objects.filter(pk=manager_boris.pk).update(email="boris@example.ru")
    today_settings_update(weights={}, digest=True, changed_by=head_of_sales)

    with translation.override("en"):
        sent = digest_send(today=frozen.date(), now=frozen)

    assert sent == 2
    anna, boris = sorted(mail.outbox, key=lambda message: message.to)
    assert (anna.to, anna.subject) == (
        ["anna@example.ru"],
        "Today: 9 actions, ₽211,000.00 at stake",
    )
    assert anna.body.splitlines()[:4] == [
        '1. ООО "Гамма": Ретро-бонус лето: the next tier is within reach',
        "   ₽50,000.00 more by 30 September 2026 reaches the 2\xa0% retro-bonus.",
        "   At stake: ₽50,000.00",
        "",
    ]
    assert (boris.to, boris.subject) == (
        ["boris@example.ru"],
        "Today: 1 action, ₽30,000.00 at stake",
    )
    assert 'ООО "Альфа"' not in boris.body


def test_the_command_says_when_it_is_off(world, frozen, capsys):
    call_command("today_digest")

    assert capsys.readouterr().out == "The daily e-mail is off: nothing sent.\n"
