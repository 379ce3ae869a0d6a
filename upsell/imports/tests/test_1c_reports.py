"""Reports as 1C saves them to Excel: title and period rows, a client's name merged over the
rows of its lines, a totals row at the end."""

import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from upsell.clients.models import Client
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import table_counts
from upsell.shipments.models import ShipmentLine

ALFA = "7707083893"
BETA = "7830002293"


def _sales_report(path: Path, *, total_amount: float) -> Path:
    """«Продажи» grouped by client: each client's name and ИНН merged over its lines."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Продажи"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Период: 01.03.2025 - 31.03.2025"])
    sheet.merge_cells("A2:H2")
    sheet.append([])
    sheet.append(
        ["Контрагент", "ИНН", "Дата", "Номер", "Артикул", "Номенклатура", "Количество", "Сумма"]
    )
    march = datetime.date(2025, 3, 3)
    sheet.append(["ООО Альфа", ALFA, march, "РТ-1", "A-1", "Болт М8", 2, 20.0])
    sheet.append([None, None, march, "РТ-1", "B-2", "Гайка М8", 10, 15.5])
    sheet.append([None, None, march.replace(day=10), "РТ-7", "A-1", "Болт М8", 1, 10.0])
    sheet.merge_cells("A5:A7")
    sheet.merge_cells("B5:B7")
    sheet.append(["ООО Бета", BETA, march.replace(day=4), "РТ-2", "C-3", "Шайба", 100, 50.0])
    sheet.append(["Итого", None, None, None, None, None, 113, total_amount])
    workbook.save(path)
    return path


def test_a_grouped_sales_report_gives_each_line_the_client_merged_over_it(
    catalogue: object, tmp_path: Path
) -> None:
    # Given 1C's sales report with its title, a client merged over its lines and the totals
    path = _sales_report(tmp_path / "Продажи.xlsx", total_amount=95.5)

    # When it is imported
    run = import_path(path=path)

    # Then each line is its client's, and the totals row is no document and no client
    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert list(Client.objects.order_by("name").values_list("name", "tax_id")) == [
        ("ООО Альфа", ALFA),
        ("ООО Бета", BETA),
    ]
    lines = ShipmentLine.objects.order_by("shipment__number", "product__sku").values_list(
        "shipment__client__name", "shipment__number", "product__sku", "amount"
    )
    assert list(lines) == [
        ("ООО Альфа", "РТ-1", "A-1", Decimal("20.00")),
        ("ООО Альфа", "РТ-1", "B-2", Decimal("15.50")),
        ("ООО Бета", "РТ-2", "C-3", Decimal("50.00")),
        ("ООО Альфа", "РТ-7", "A-1", Decimal("10.00")),
    ]


def test_a_totals_row_that_does_not_add_up_refuses_the_report(
    catalogue: object, tmp_path: Path
) -> None:
    # Given the report's totals row states more than its rows hold (a report cut short)
    path = _sales_report(tmp_path / "Продажи.xlsx", total_amount=120)
    before = table_counts()

    run = import_path(path=path)

    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [
            {
                "row": 9,
                "column": "Контрагент",
                "message": "the totals row does not add up: Сумма is 120, the rows sum to 95,50",
            }
        ],
    )
    assert table_counts() == before


def test_a_counterparties_list_with_its_totals_row_imports_its_clients(
    db: None, tmp_path: Path
) -> None:
    # Given 1C's list of counterparties saved with its title and a totals row counting them
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Контрагенты"])
    sheet.append(["Контрагент", "ИНН", "КПП", "Регион"])
    sheet.append(["ООО Альфа", ALFA, "773601001", "Москва"])
    sheet.append(["ООО Альфа (Казань)", ALFA, "165543001", "Татарстан"])
    sheet.append(["ООО Бета", BETA, "540601001", "Новосибирская область"])
    sheet.append(["Итого:", 3])
    path = tmp_path / "Контрагенты.xlsx"
    workbook.save(path)

    run = import_path(path=path)

    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert list(
        Client.objects.order_by("name").values_list("name", "kpp", "head__name", "region")
    ) == [
        ("ООО Альфа", "773601001", None, "Москва"),
        ("ООО Альфа (Казань)", "165543001", "ООО Альфа", "Татарстан"),
        ("ООО Бета", "540601001", None, "Новосибирская область"),
    ]
