from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client, ClientAssignmentChange
from upsell.clients.services import ClientDetails, client_create, client_reassign, client_update


def test_manager_creating_a_client_becomes_its_manager(manager_anna):
    client = client_create(
        details=ClientDetails(name='ООО "Гамма"', tax_id="7707083893", region="Москва"),
        created_by=manager_anna,
    )

    assert client.manager == manager_anna
    assert client.tax_id == "7707083893"
    change = ClientAssignmentChange.objects.get(client=client)
    assert (change.previous, change.new, change.changed_by) == (None, manager_anna, manager_anna)


def test_a_wrong_tax_id_is_refused_and_nothing_is_created(manager_anna):
    with pytest.raises(ValidationError) as refused:
        client_create(
            details=ClientDetails(name='ООО "Гамма"', tax_id="7707083894"), created_by=manager_anna
        )

    assert refused.value.message_dict == {"tax_id": ["Tax id 7707083894: wrong check digit."]}
    assert Client.objects.count() == 0


def test_a_budget_without_its_year_is_refused(annas_client):
    with pytest.raises(ValidationError) as refused:
        client_update(
            client=annas_client,
            details=ClientDetails(name=annas_client.name, annual_budget=Decimal("1000000.00")),
        )

    assert refused.value.message_dict == {
        "budget_year": ["A budget needs its year, and a year needs a budget."]
    }
    annas_client.refresh_from_db()
    assert annas_client.annual_budget is None


def test_update_saves_the_changed_fields(annas_client):
    client_update(
        client=annas_client,
        details=ClientDetails(
            name="ООО «Альфа-Плюс»",
            tax_id=annas_client.tax_id,
            region="Тула",
            plans_budget=True,
            annual_budget=Decimal("2500000.00"),
            budget_year=2026,
        ),
    )

    annas_client.refresh_from_db()
    assert (annas_client.name, annas_client.region, annas_client.segment) == (
        "ООО «Альфа-Плюс»",
        "Тула",
        "",
    )
    assert (annas_client.annual_budget, annas_client.budget_year) == (Decimal("2500000.00"), 2026)


def test_reassign_records_each_changed_role(
    annas_client, manager_anna, manager_boris, head_of_sales
):
    client_reassign(
        client=annas_client,
        manager=manager_boris,
        assistant=None,
        changed_by=head_of_sales,
        reason="Anna is overloaded",
    )

    annas_client.refresh_from_db()
    assert (annas_client.manager, annas_client.assistant) == (manager_boris, None)
    changes = {
        (
            c.role,
            c.previous.username if c.previous else None,
            c.new.username if c.new else None,
            c.reason,
        )
        for c in ClientAssignmentChange.objects.filter(client=annas_client)
    }
    assert changes == {
        ("manager", "anna", "boris", "Anna is overloaded"),
        ("assistant", "vera", None, "Anna is overloaded"),
    }


def test_reassign_to_a_non_manager_changes_nothing(annas_client, head_of_sales, manager_anna):
    assistant = UserFactory.create(username="olga", role=Role.ASSISTANT)

    with pytest.raises(ValidationError):
        client_reassign(
            client=annas_client, manager=assistant, assistant=None, changed_by=head_of_sales
        )

    annas_client.refresh_from_db()
    assert annas_client.manager == manager_anna
    assert ClientAssignmentChange.objects.count() == 0
