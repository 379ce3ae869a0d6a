"""Every owner of a write keeps the history of what it changed: a client's details (from its
card, the API and a clients file in bulk), a forecast cell, a plan and the status rules; who,
through what, when, and the figures before and after."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.clients.services import ClientDetails, client_update
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence
from upsell.forecasts.services import ForecastConflictError, forecast_cell_save, sales_plan_set
from upsell.history.models import Change, ChangeSource
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import complex_rules_update

NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
MARCH = dt.date(2026, 3, 1)

ROW = ("subject", "object_id", "month", "field", "before", "after", "changed_by", "source",
       "changed_at")  # fmt: skip


def _history() -> list[tuple[object, ...]]:
    """Every change kept, as pages list them: the newest first, a change's fields in order."""
    return list(Change.objects.order_by("-changed_at", "-id").values_list(*ROW))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _details(client: Client, **changes: object) -> ClientDetails:
    values: dict[str, object] = {
        "name": client.name, "tax_id": client.tax_id, "region": client.region,
        "segment": client.segment, "is_partner": client.is_partner,
        "plans_budget": client.plans_budget, "annual_budget": client.annual_budget,
        "budget_year": client.budget_year,
    }  # fmt: skip
    return ClientDetails(**(values | changes))  # type: ignore[arg-type]


def test_a_client_edit_keeps_each_changed_field_with_who_and_when(
    annas_client: Client, manager_anna: User
) -> None:
    client_update(
        client=annas_client,
        details=_details(
            annas_client,
            region="Тула",
            plans_budget=True,
            annual_budget=Decimal("2500000.5"),
            budget_year=2026,
        ),
        changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )

    client = annas_client.pk
    assert _history() == [
        ("client", client, None, "region", "Москва", "Тула", manager_anna.pk, "screen", NOW),
        ("client", client, None, "plans_budget", False, True, manager_anna.pk, "screen", NOW),
        ("client", client, None, "annual_budget", None, "2500000.50", manager_anna.pk, "screen",
         NOW),
        ("client", client, None, "budget_year", None, 2026, manager_anna.pk, "screen", NOW),
    ]  # fmt: skip


def test_saving_the_same_details_or_refused_ones_keeps_nothing(
    annas_client: Client, manager_anna: User
) -> None:
    client_update(
        client=annas_client, details=_details(annas_client), changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        client_update(
            client=annas_client, details=_details(annas_client, name=" "),
            changed_by=manager_anna, source=ChangeSource.SCREEN,
        )  # fmt: skip

    assert _history() == []


def test_a_clients_file_keeps_every_field_it_changed_in_one_go(
    tmp_path: Path, manager_anna: User, admin_adam: User
) -> None:
    # Given two stored clients
    alpha = ClientFactory.create(
        name="Альфа", tax_id="7707083893", manager=manager_anna, region="Москва", segment="Дилер"
    )
    beta = ClientFactory.create(name="Бета", tax_id="", manager=manager_anna, region="Тула")
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "Регион", "Годовой бюджет", "Год бюджета"),
            ("Альфа", "7707083893", "Казань", "1 500 000,50", "2026"),
            ("Бета", "500100732259", "Тула", "", ""),
        ],
    )

    # When the administrator imports a file that moves Alpha and gives Beta its ИНН
    run = import_path(path=path, imported_by=admin_adam)

    # Then each field that moved is kept, by the administrator, through the import
    assert run.counts["clients"] == {"created": 0, "updated": 2, "unchanged": 0}
    assert sorted(_history(), key=lambda row: (int(str(row[1])), str(row[3]))) == [
        ("client", alpha.pk, None, "annual_budget", None, "1500000.50", admin_adam.pk, "import",
         NOW),
        ("client", alpha.pk, None, "budget_year", None, 2026, admin_adam.pk, "import", NOW),
        ("client", alpha.pk, None, "region", "Москва", "Казань", admin_adam.pk, "import", NOW),
        ("client", beta.pk, None, "tax_id", "", "500100732259", admin_adam.pk, "import", NOW),
    ]  # fmt: skip

    # and the same file again changes nothing and keeps nothing more
    again = import_path(path=path, imported_by=admin_adam)
    assert again.counts["clients"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Change.objects.count() == 4


def test_a_clients_file_with_an_error_keeps_no_history(tmp_path: Path, admin_adam: User) -> None:
    ClientFactory.create(name="Альфа", tax_id="7707083893", region="Москва")
    path = csv_write(
        tmp_path / "clients.csv",
        [("Контрагент", "ИНН", "Регион", "Партнёр"), ("Альфа", "7707083893", "Казань", "может")],
    )

    import_path(path=path, imported_by=admin_adam)

    assert _history() == []
    assert Client.objects.get().region == "Москва"


def test_a_forecast_cell_keeps_its_amount_confidence_and_comment_changes(
    annas_client: Client, manager_anna: User, head_of_sales: User
) -> None:
    forecast_cell_save(
        client=annas_client, month=MARCH, amount=Decimal("1500"), confidence=Confidence.COMMIT,
        comment=" тендер ", expected_version=0, user=manager_anna, source=ChangeSource.SCREEN,
    )  # fmt: skip
    forecast_cell_save(
        client=annas_client, month=MARCH, amount=Decimal("1750.25"),
        confidence=Confidence.COMMIT, comment="тендер", expected_version=1, user=head_of_sales,
        source=ChangeSource.API,
    )  # fmt: skip

    client, anna, helen = annas_client.pk, manager_anna.pk, head_of_sales.pk
    assert _history() == [
        ("forecast_cell", client, MARCH, "amount", "1500.00", "1750.25", helen, "api", NOW),
        ("forecast_cell", client, MARCH, "amount", None, "1500.00", anna, "screen", NOW),
        ("forecast_cell", client, MARCH, "confidence", "", "commit", anna, "screen", NOW),
        ("forecast_cell", client, MARCH, "comment", "", "тендер", anna, "screen", NOW),
    ]


def test_a_stale_forecast_edit_keeps_no_history(annas_client: Client, manager_anna: User) -> None:
    with pytest.raises(ForecastConflictError):
        forecast_cell_save(
            client=annas_client, month=MARCH, amount=Decimal("1500"),
            confidence=Confidence.COMMIT, comment="", expected_version=3, user=manager_anna,
            source=ChangeSource.SCREEN,
        )  # fmt: skip

    assert _history() == []


def test_a_plan_keeps_its_setting_replacing_and_removal(
    manager_anna: User, head_of_sales: User
) -> None:
    for amount in (Decimal(100), Decimal("250.5"), Decimal("250.50"), None):
        sales_plan_set(
            manager=manager_anna, month=MARCH, amount=amount, set_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )  # fmt: skip

    anna, helen = manager_anna.pk, head_of_sales.pk
    assert _history() == [
        ("sales_plan", anna, MARCH, "amount", "250.50", None, helen, "screen", NOW),
        ("sales_plan", anna, MARCH, "amount", "100.00", "250.50", helen, "screen", NOW),
        ("sales_plan", anna, MARCH, "amount", None, "100.00", helen, "screen", NOW),
    ]


def test_the_complex_order_rules_keep_each_rule_that_moved(head_of_sales: User) -> None:
    complex_rules_update(
        rules=ComplexRules(
            amount_above=Decimal(500_000), lines_above=None, product_groups=("Станки", "Крепёж"),
            standard_discount_percent=Decimal("7.5"), standard_payment_delay_days=30,
        ),
        changed_by=head_of_sales,
        source=ChangeSource.API,
    )  # fmt: skip

    helen = head_of_sales.pk
    assert _history() == [
        ("complex_rules", None, None, "lines_above", 20, None, helen, "api", NOW),
        ("complex_rules", None, None, "product_groups", [], ["Крепёж", "Станки"], helen, "api",
         NOW),
        ("complex_rules", None, None, "standard_discount_percent", "5.00", "7.50", helen, "api",
         NOW),
    ]  # fmt: skip
