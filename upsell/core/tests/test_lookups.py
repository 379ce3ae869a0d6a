"""``__any_of``: one parameter for any number of values, on either database."""

import pytest

from upsell.accounts.models import User
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_rows_whose_field_is_one_of_the_values():
    people = [UserFactory.create(username=f"person{number}") for number in range(3)]
    wanted = [people[0].pk, people[2].pk, 10**9]
    assert sorted(User.objects.filter(pk__any_of=wanted).values_list("username", flat=True)) == [
        "person0",
        "person2",
    ]
    assert list(
        User.objects.filter(username__any_of=["person1", "nobody"]).values_list("pk", flat=True)
    ) == [people[1].pk]
    assert not User.objects.filter(pk__any_of=[]).exists()


def test_any_of_takes_more_values_than_a_statement_takes_placeholders():
    person = UserFactory.create(username="person")
    values = [*range(10**6, 10**6 + 300_000), person.pk]
    assert list(User.objects.filter(pk__any_of=values).values_list("username", flat=True)) == [
        "person"
    ]


def test_any_of_refuses_a_single_value():
    with pytest.raises(TypeError, match="any_of takes a list of values"):
        User.objects.filter(username__any_of="person")


def test_any_of_follows_a_relation_by_its_id():
    manager = UserFactory.create(username="manager")
    client = Client.objects.create(name="Арсенал", manager=manager)
    Client.objects.create(name="Ресурс")
    assert list(
        Client.objects.filter(manager_id__any_of=[manager.pk]).values_list("pk", flat=True)
    ) == [client.pk]
    assert list(
        Client.objects.filter(manager__any_of=[manager.pk]).values_list("pk", flat=True)
    ) == [client.pk]
