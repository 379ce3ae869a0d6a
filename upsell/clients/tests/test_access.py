import pytest
from django.http import Http404

from upsell.clients.access import clients_visible_to, get_client_for_user


def test_each_persona_sees_exactly_its_clients(
    manager_anna,
    manager_boris,
    assistant_vera,
    head_of_sales,
    top_manager,
    admin_adam,
    annas_client,
    boris_client,
):
    assert list(clients_visible_to(manager_anna)) == [annas_client]
    assert list(clients_visible_to(manager_boris)) == [boris_client]
    assert list(clients_visible_to(assistant_vera)) == [annas_client]
    assert list(clients_visible_to(head_of_sales)) == [annas_client, boris_client]
    assert list(clients_visible_to(top_manager)) == [annas_client, boris_client]
    assert list(clients_visible_to(admin_adam)) == []


def test_manager_cannot_get_another_managers_client(manager_anna, boris_client):
    with pytest.raises(Http404):
        get_client_for_user(manager_anna, boris_client.pk)


def test_inactive_manager_sees_nothing(manager_anna, annas_client):
    manager_anna.is_active = False
    manager_anna.save(update_fields=["is_active"])

    assert list(clients_visible_to(manager_anna)) == []
