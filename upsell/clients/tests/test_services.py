from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from upsell.clients.models import Client
from upsell.clients.services import ClientDetails, client_insert, client_update
from upsell.history.models import ChangeSource


def test_a_wrong_tax_id_is_refused_and_nothing_is_created(manager_anna):
    with pytest.raises(ValidationError) as refused:
        client_insert(details=ClientDetails(name='ООО "Гамма"', tax_id="7707083894"))

    assert refused.value.message_dict == {"tax_id": ["Tax id 7707083894: wrong check digit."]}
    assert Client.objects.count() == 0


def test_a_budget_without_its_year_is_refused(annas_client):
    with pytest.raises(ValidationError) as refused:
        client_update(
            client=annas_client,
            details=ClientDetails(name=annas_client.name, annual_budget=Decimal("1000000.00")),
            changed_by=None,
            source=ChangeSource.SCREEN,
        )

    assert refused.value.message_dict == {
        "budget_year": ["A budget needs its year, and a year needs a budget."]
    }
    annas_client.refresh_from_db()
    assert annas_client.annual_budget is None


def test_update_saves_the_changed_fields(annas_client, manager_anna):
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
        changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )

    annas_client.refresh_from_db()
    assert (annas_client.name, annas_client.region, annas_client.segment) == (
        "ООО «Альфа-Плюс»",
        "Тула",
        "",
    )
    assert (annas_client.annual_budget, annas_client.budget_year) == (Decimal("2500000.00"), 2026)
