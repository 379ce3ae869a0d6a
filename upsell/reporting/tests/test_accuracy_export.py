"""The forecast accuracy in Excel: each manager's locked forecasts against shipments, by month
and by client with the year's total, read back cell by cell."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from openpyxl import load_workbook

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence
from upsell.forecasts.services import forecast_cell_save, forecast_snapshot_take
from upsell.history.models import ChangeSource
from upsell.shipments.tests.factories import shipment_with_line

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
MARCH_10 = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
HEADER = ("Manager", "Month", "Forecast", "Shipped", "WAPE, %", "Bias, %")


@pytest.fixture
def locked(manager_anna, manager_boris):
    """Anna forecast two clients in January and one in February; Boris one in January."""
    gamma = ClientFactory.create(name='ООО "Гамма"', manager=manager_anna, status="regular")
    delta = ClientFactory.create(name='ООО "Дельта"', manager=manager_anna, status=ClientStatus.VIP)
    omega = ClientFactory.create(name='ООО "Омега"', manager=manager_boris, status="regular")
    with time_machine.travel(dt.datetime(2025, 12, 20, 12, tzinfo=dt.UTC), tick=False):
        for client, month, amount, manager in (
            (gamma, JAN, 1000, manager_anna),
            (delta, JAN, 500, manager_anna),
            (gamma, FEB, 800, manager_anna),
            (omega, JAN, 100, manager_boris),
        ):
            forecast_cell_save(
                client=client, month=month, amount=Decimal(amount),
                confidence=Confidence.COMMIT, comment="", expected_version=0, user=manager,
                source=ChangeSource.SCREEN,
            )  # fmt: skip
    for month in (JAN, FEB):
        forecast_snapshot_take(month=month)
    shipment_with_line(client=gamma, date=dt.date(2026, 1, 20), amount=Decimal(1200))
    shipment_with_line(client=delta, date=dt.date(2026, 1, 20), amount=Decimal(300))
    shipment_with_line(client=gamma, date=dt.date(2026, 2, 20), amount=Decimal(1000))
    shipment_with_line(client=omega, date=dt.date(2026, 1, 20), amount=Decimal(100))


def _workbook(user, params: dict[str, int]):
    http = HttpClient()
    http.force_login(user)
    with time_machine.travel(MARCH_10, tick=False):
        response = http.get(
            reverse("audit:accuracy_export"), params, headers={"accept-language": "en"}
        )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="accuracy-2026.xlsx"'
    return load_workbook(io.BytesIO(response.getvalue()))


def _rows(sheet) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_a_manager_downloads_its_own_accuracy(manager_anna, locked):
    workbook = _workbook(manager_anna, {})

    assert workbook.sheetnames == ["By month", "By client"]
    # January: |1000 − 1200| + |500 − 300| = 400 over 1500 shipped; bias −0 (1500 − 1500).
    assert _rows(workbook["By month"]) == [
        HEADER,
        ("Иванова Анна", "01.2026", 1500, 1500, 26.7, 0),
        ("Иванова Анна", "02.2026", 800, 1000, 20, -20),
        ("Иванова Анна", "Year 2026", 2300, 2500, 24, -8),
    ]
    assert _rows(workbook["By client"]) == [
        ("Manager", "Client", "Forecast", "Shipped", "WAPE, %", "Bias, %"),
        ("Иванова Анна", 'ООО "Гамма"', 1800, 2200, 18.2, -18.2),
        ("Иванова Анна", 'ООО "Дельта"', 500, 300, 66.7, 66.7),
        ("Иванова Анна", "Year 2026", 2300, 2500, 24, -8),
    ]
    assert workbook["By month"]["E2"].number_format == "0.0"
    assert workbook["By month"]["C2"].number_format == "#,##0.00"


def test_a_manager_never_downloads_another_managers_accuracy(manager_anna, manager_boris, locked):
    http = HttpClient()
    http.force_login(manager_anna)

    response = http.get(reverse("audit:accuracy_export"), {"manager": manager_boris.pk})

    assert response.status_code == 404


def test_the_head_of_sales_downloads_the_whole_teams_accuracy(head_of_sales, locked):
    workbook = _workbook(head_of_sales, {"year": 2026})

    assert [row[:2] for row in _rows(workbook["By month"])] == [
        ("Manager", "Month"),
        ("Иванова Анна", "01.2026"),
        ("Иванова Анна", "02.2026"),
        ("Иванова Анна", "Year 2026"),
        ("Петров Борис", "01.2026"),
        ("Петров Борис", "Year 2026"),
    ]


@pytest.mark.parametrize("persona", ["assistant_vera", "admin_adam"])
def test_assistants_and_admins_get_no_accuracy(client, request, persona, locked):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("audit:accuracy_export"))

    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_the_accuracy_page_links_its_workbook(manager_anna, locked):
    http = HttpClient()
    http.force_login(manager_anna)

    with time_machine.travel(MARCH_10, tick=False):
        html = http.get(reverse("forecasts:accuracy")).content.decode()

    assert (
        f'<a class="button" id="accuracy-export" download '
        f'href="/audit/accuracy.xlsx?manager={manager_anna.pk}&year=2026">'
    ) in html
