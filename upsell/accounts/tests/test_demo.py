from django.core.management import call_command

from upsell.accounts.demo import DEMO_PASSWORD, demo_logins_prepare
from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory


def test_demo_logins_set_the_password_of_staff_without_one(db):
    helen = UserFactory.create(username="helen", role=Role.HEAD_OF_SALES, password=None)
    anna = UserFactory.create(username="anna", role=Role.MANAGER, password=None)
    boris = UserFactory.create(username="boris", role=Role.MANAGER, password=None)
    UserFactory.create(username="carl", role=Role.MANAGER, password=None)
    for user in (helen, anna, boris):
        user.set_unusable_password()
        user.save()

    logins = demo_logins_prepare()

    assert [(login.username, login.role) for login in logins] == [
        ("helen", "Head of sales"),
        ("anna", "Manager"),
        ("boris", "Manager"),
    ]
    anna.refresh_from_db()
    assert anna.check_password(DEMO_PASSWORD)


def test_demo_logins_never_touch_a_real_password(db, capsys):
    helen = UserFactory.create(username="helen", role=Role.HEAD_OF_SALES)

    assert demo_logins_prepare() == []
    helen.refresh_from_db()
    assert helen.check_password("correct-horse-battery")


def test_demo_logins_command_prints_the_logins(db, capsys):
    helen = UserFactory.create(
        username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES
    )
    helen.set_unusable_password()
    helen.save()

    call_command("demo_logins")

    assert capsys.readouterr().out == f"  helen  {DEMO_PASSWORD}  Head of sales: Кузнецова Елена\n"
