"""The forms that change clients (new, edit), allowed and denied, as each persona. Reassigning
a client is portfolios' (``upsell/portfolios/tests/test_hand_over.py``)."""

from decimal import Decimal

import pytest

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client
from upsell.clients.tests.factories import tax_id_with_checksum

NEW_TAX_ID = tax_id_with_checksum("500100001")


def stored(client):
    """Every column of a client as the database holds it, to prove a denial changed nothing."""
    return Client.objects.filter(pk=client.pk).values().get()


EDIT = {
    "name": 'ООО "Альфа-Плюс"',
    "tax_id": "7707083893",
    "region": "Тверь",
    "segment": "Опт",
    "is_partner": "on",
    "plans_budget": "on",
    "annual_budget": "2500000.50",
    "budget_year": "2026",
}


def test_a_manager_edits_its_client(client, manager_anna, annas_client):
    client.force_login(manager_anna)

    form = client.get(f"/clients/{annas_client.pk}/edit/")
    response = client.post(f"/clients/{annas_client.pk}/edit/", EDIT)

    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{annas_client.pk}/"
    assert Client.objects.filter(pk=annas_client.pk).values(*EDIT).get() == {
        "name": 'ООО "Альфа-Плюс"',
        "tax_id": "7707083893",
        "region": "Тверь",
        "segment": "Опт",
        "is_partner": True,
        "plans_budget": True,
        "annual_budget": Decimal("2500000.50"),
        "budget_year": 2026,
    }


def test_a_russian_reader_types_amounts_the_russian_way(client, manager_anna, annas_client):
    client.force_login(manager_anna)

    client.post(
        f"/clients/{annas_client.pk}/edit/",
        {**EDIT, "annual_budget": "2 500 000,50"},
        headers={"Accept-Language": "ru"},
    )

    annas_client.refresh_from_db()
    assert annas_client.annual_budget == Decimal("2500000.50")


def test_the_service_refusal_shows_on_the_form_and_changes_nothing(
    client, manager_anna, annas_client
):
    before = stored(annas_client)
    client.force_login(manager_anna)

    response = client.post(
        f"/clients/{annas_client.pk}/edit/", {**EDIT, "tax_id": "7707083894", "budget_year": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tax_id": ["Tax id 7707083894: wrong check digit."],
        "budget_year": ["A budget needs its year, and a year needs a budget."],
    }
    assert stored(annas_client) == before


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_boris", 404), ("admin_adam", 404), ("assistant_vera", 403), ("top_manager", 403),
])  # fmt: skip
def test_who_may_not_change_the_client_cannot_edit_it(
    client, request, persona, status, annas_client
):
    before = stored(annas_client)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/clients/{annas_client.pk}/edit/").status_code == status
    assert client.post(f"/clients/{annas_client.pk}/edit/", EDIT).status_code == status
    assert stored(annas_client) == before


def test_the_head_of_sales_edits_any_client(client, head_of_sales, boris_client):
    client.force_login(head_of_sales)

    response = client.post(f"/clients/{boris_client.pk}/edit/", {**EDIT, "tax_id": ""})

    assert response.status_code == 302
    boris_client.refresh_from_db()
    assert boris_client.name == 'ООО "Альфа-Плюс"'


def test_a_manager_creates_a_client_and_becomes_its_manager(client, manager_anna):
    client.force_login(manager_anna)

    response = client.post("/clients/new/", {"name": 'ООО "Новый"', "tax_id": NEW_TAX_ID})

    created = Client.objects.get(name='ООО "Новый"')
    assert response["Location"] == f"/clients/{created.pk}/"
    assert (created.tax_id, created.manager, created.assistant) == (NEW_TAX_ID, manager_anna, None)
    assert [
        (change.role, change.previous, change.new) for change in created.assignment_changes.all()
    ] == [("manager", None, manager_anna)]


def test_the_head_of_sales_creates_a_client_without_a_manager(client, head_of_sales):
    client.force_login(head_of_sales)

    client.post("/clients/new/", {"name": 'ООО "Ничей"'})

    assert Client.objects.get(name='ООО "Ничей"').manager is None


def test_an_invalid_new_client_is_not_created(client, manager_anna, annas_client):
    client.force_login(manager_anna)

    nameless = client.post("/clients/new/", {"name": "  "})
    duplicate = client.post("/clients/new/", {"name": "Копия", "tax_id": annas_client.tax_id})
    short = client.post("/clients/new/", {"name": "Короткий", "tax_id": "12345"})

    assert nameless.context["form"].errors == {"name": ["This field is required."]}
    assert duplicate.context["form"].errors == {
        "tax_id": [f"Another client has tax id {annas_client.tax_id}."]
    }
    assert short.context["form"].errors == {"tax_id": ["Tax id 12345: must have 10 or 12 digits."]}
    assert list(Client.objects.all()) == [annas_client]


@pytest.mark.parametrize("role", [Role.ASSISTANT, Role.TOP_MANAGEMENT, Role.ADMIN])
def test_roles_that_do_not_create_clients_are_refused(client, db, role):
    client.force_login(UserFactory.create(role=role))

    assert client.get("/clients/new/").status_code == 403
    response = client.post("/clients/new/", {"name": 'ООО "Самовольный"'})

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert Client.objects.count() == 0
