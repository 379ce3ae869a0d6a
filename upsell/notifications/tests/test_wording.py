"""A notification keeps facts and is worded when read, in the reader's language."""

import pytest
from django.test import Client as Browser
from django.utils import translation

from upsell.accounts.models import User
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client, HandOverRule
from upsell.clients.tests.factories import ClientFactory
from upsell.notifications.models import Notification
from upsell.notifications.services import notification_send
from upsell.portfolios.services import ClientChange, client_hand_over, clients_hand_over

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_a_hand_over_made_in_english_reads_in_russian_to_a_russian_reader(
    head_of_sales: User, manager_boris: User, annas_client: Client
) -> None:
    with translation.override("en"):
        client_hand_over(
            client=annas_client,
            manager=manager_boris,
            assistant=None,
            changed_by=head_of_sales,
            reason="Anna is on leave",
        )

    [notification] = Notification.objects.filter(user=manager_boris)
    assert notification.kind == "portfolios.given"
    assert notification.params == {
        "by": "Кузнецова Елена",
        "client": 'ООО "Альфа"',
        "reason": "Anna is on leave",
    }
    page = signed_in(manager_boris).get("/notifications/", headers={"Accept-Language": "ru"})
    assert "Кузнецова Елена передаёт вам клиента ООО &quot;Альфа&quot;: Anna is on leave" in (
        page.content.decode()
    )
    english = signed_in(manager_boris).get("/notifications/", headers={"Accept-Language": "en"})
    assert "Кузнецова Елена hands ООО &quot;Альфа&quot; over to you: Anna is on leave" in (
        english.content.decode()
    )


def test_many_clients_are_named_up_to_five_and_the_rest_counted_in_the_readers_language(
    head_of_sales: User, manager_boris: User, manager_anna: User
) -> None:
    clients = [
        ClientFactory.create(name=f"Клиент {number:02}", manager=manager_anna)
        for number in range(1, 8)
    ]
    clients_hand_over(
        changes=[ClientChange(client_id=client.pk, manager=manager_boris) for client in clients],
        rule=HandOverRule.ROUTING,
        by=None,
    )

    [notification] = Notification.objects.filter(user=manager_boris)
    assert notification.params == {
        "rule": "routing",
        "reason": "",
        "names": ["Клиент 01", "Клиент 02", "Клиент 03", "Клиент 04", "Клиент 05"],
        "more": 2,
    }
    with translation.override("ru"):
        assert notification.wording == (
            "Теперь ваши (По статусу, после аудита): "
            "Клиент 01, Клиент 02, Клиент 03, Клиент 04, Клиент 05 и ещё 2"
        )
    with translation.override("en"):
        assert notification.wording == (
            "Yours now (By status, after the audit): "
            "Клиент 01, Клиент 02, Клиент 03, Клиент 04, Клиент 05 and 2 more"
        )


def test_the_stored_sentence_and_the_mail_are_in_the_companys_language(
    settings, mailoutbox, django_capture_on_commit_callbacks, head_of_sales: User
) -> None:
    settings.LANGUAGE_CODE = "ru"
    reader = UserFactory.create(username="olga", full_name="Олга", email="olga@example.ru")
    client = ClientFactory.create(name="ИП Сидоров")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            user=reader,
            kind="portfolios.given",
            params={"by": "Кузнецова Елена", "client": client.name, "reason": ""},
        )

    assert notification.text == "Кузнецова Елена передаёт вам клиента ИП Сидоров"
    assert [mail.body for mail in mailoutbox] == [notification.text]


def test_a_kind_nobody_words_is_refused_and_nothing_is_kept(manager_boris: User) -> None:
    with pytest.raises(ValueError, match="No wording is registered for the notification kind"):
        notification_send(user=manager_boris, kind="nobody.words.this", params={})

    assert Notification.objects.count() == 0


def test_a_notification_kept_from_before_kinds_shows_its_sentence(manager_boris: User) -> None:
    Notification.objects.create(user=manager_boris, text="Старое уведомление")

    page = signed_in(manager_boris).get("/notifications/", headers={"Accept-Language": "en"})

    assert "Старое уведомление" in page.content.decode()


def test_the_api_lists_the_callers_own_in_its_language_and_marks_them_read(
    head_of_sales: User, manager_boris: User, manager_anna: User, annas_client: Client
) -> None:
    client_hand_over(
        client=annas_client, manager=manager_boris, assistant=None, changed_by=head_of_sales
    )
    Notification.objects.create(user=manager_anna, text="Не для Бориса")
    boris = signed_in(manager_boris)

    listed = boris.get("/api/notifications", headers={"Accept-Language": "ru"}).json()
    marked = boris.post("/api/notifications/read").json()
    again = boris.get("/api/notifications?page_size=1").json()

    [item] = listed["items"]
    assert (listed["count"], listed["unread"]) == (1, 1)
    assert item["kind"] == "portfolios.given"
    assert item["text"] == 'Кузнецова Елена передаёт вам клиента ООО "Альфа"'
    assert item["url"] == f"/clients/{annas_client.pk}/"
    assert item["read_at"] is None
    assert marked == {"marked": 1}
    assert (again["count"], again["unread"]) == (1, 0)
    assert again["items"][0]["text"] == 'Кузнецова Елена hands ООО "Альфа" over to you'
