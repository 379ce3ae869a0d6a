"""The forecast workbook as people fill it in: labels in either language, problems worded in
the language of the page, figures as a spreadsheet program stores them."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.forecasts.services import forecast_cell_save, forecast_snapshot_take
from upsell.forecasts.workbook import ImportResult, grid_xlsx_import
from upsell.history.models import Change, ChangeSource

APRIL, MAY = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
# The layout of the export for one client: its forecast, confidence, baseline and fact rows, and
# the month columns (D is January); the versions' sheet has a row per client and month.
FORECAST_ROW, CONFIDENCE_ROW, BASELINE_ROW, FACT_ROW = 6, 7, 8, 9
APRIL_VERSION_ROW = 5  # under the header, January's row is 2


NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def anna_regular(manager_anna: User) -> Client:
    return ClientFactory.create(
        name='ООО "Гамма"', manager=manager_anna, status=ClientStatus.REGULAR
    )


def _as(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _exported(user: User) -> openpyxl.Workbook:
    response = _as(user).get(reverse("forecasts:export"), {"manager": user.pk, "year": 2026})
    assert isinstance(response, FileResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert [sheet.cell(row, 3).value for row in range(FORECAST_ROW, FACT_ROW + 2)] == [
        "Прогноз",
        "Уверенность",
        "Базовый прогноз",
        "Факт",
        None,
    ]
    assert (sheet["G2"].value, sheet["H2"].value) == ("04.2026", "05.2026")
    versions = workbook["Версии"]
    assert [cell.value for cell in versions[APRIL_VERSION_ROW]][1] == "04.2026"
    return workbook


def _bytes(workbook: openpyxl.Workbook) -> io.BytesIO:
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def _figures() -> dict[dt.date, tuple[Decimal | None, str, int]]:
    return {
        cell.month: (cell.amount, cell.confidence, cell.version)
        for cell in ForecastCell.objects.all()
    }


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_confidence_is_read_by_its_label_in_either_language(manager_anna, anna_regular, language):
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    sheet[f"G{FORECAST_ROW}"], sheet[f"G{CONFIDENCE_ROW}"] = 4500, "Точно"
    sheet[f"H{FORECAST_ROW}"], sheet[f"H{CONFIDENCE_ROW}"] = 700, "Possible"

    with translation.override(language):
        result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert (result.updated, result.problems) == (2, [])
    assert _figures() == {
        APRIL: (Decimal("4500.00"), Confidence.COMMIT, 1),
        MAY: (Decimal("700.00"), Confidence.POSSIBLE, 1),
    }


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [("ru", "Сумма не может быть отрицательной."), ("en", "An amount cannot be negative.")],
)
def test_the_problems_are_worded_in_the_language_of_the_page(
    manager_anna, anna_regular, accept_language, message
):
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    sheet[f"G{FORECAST_ROW}"] = -5

    response = _as(manager_anna).post(
        reverse("forecasts:import"),
        {"file": SimpleUploadedFile("forecast.xlsx", _bytes(workbook).getvalue())},
        headers={"accept-language": accept_language},
    )

    result = response.context["result"]
    assert isinstance(result, ImportResult)
    assert [(p.row, p.column, p.message) for p in result.problems] == [(FORECAST_ROW, "G", message)]
    assert message in response.content.decode()
    assert ForecastCell.objects.count() == 0


def test_a_workbook_stored_by_a_spreadsheet_program_imports_the_same(manager_anna, anna_regular):
    """What a spreadsheet program makes of the export: numbers stored as floats, emptied cells
    gone, an amount typed as Russian text."""
    forecast_cell_save(
        client=anna_regular,
        month=APRIL,
        amount=Decimal("1200.50"),
        confidence=Confidence.PROBABLE,
        comment="звонок",
        expected_version=0,
        user=manager_anna,
        source=ChangeSource.SCREEN,
    )
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    versions = workbook["Версии"]
    assert (sheet[f"G{FORECAST_ROW}"].value, versions[f"C{APRIL_VERSION_ROW}"].value) == (1200.5, 1)
    versions[f"C{APRIL_VERSION_ROW}"] = 1.0
    for column in "DEFHIJKLMNO":
        sheet[f"{column}{CONFIDENCE_ROW}"] = None
    sheet[f"H{FORECAST_ROW}"] = "2\xa0300,75"

    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert (result.updated, result.unchanged, result.problems) == (1, 11, [])
    assert _figures() == {
        APRIL: (Decimal("1200.50"), Confidence.PROBABLE, 1),
        MAY: (Decimal("2300.75"), Confidence.PROBABLE, 1),
    }


def test_a_month_that_is_over_is_named_and_nothing_is_written(manager_anna, anna_regular):
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    sheet[f"E{FORECAST_ROW}"] = 700  # February: over on 10 March
    sheet[f"F{FORECAST_ROW}"] = 800  # March: still open
    sheet[f"G{FORECAST_ROW}"] = 900  # April

    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (FORECAST_ROW, "E", "This month is over; its forecast is final.")
    ]
    assert (result.updated, ForecastCell.objects.count(), Change.objects.count()) == (0, 0, 0)


def test_an_imported_workbook_keeps_each_cell_it_changed_as_an_import(manager_anna, anna_regular):
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    sheet[f"G{FORECAST_ROW}"], sheet[f"G{CONFIDENCE_ROW}"] = 4500.5, "Точно"

    grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert list(
        Change.objects.order_by("-changed_at", "-id").values_list(
            "object_id", "month", "field", "before", "after", "changed_by", "source", "changed_at"
        )
    ) == [
        (anna_regular.pk, APRIL, "amount", None, "4500.50", manager_anna.pk, "import", NOW),
        (anna_regular.pk, APRIL, "confidence", "", "commit", manager_anna.pk, "import", NOW),
    ]


@pytest.mark.parametrize(("language", "word"), [("en", "Commit"), ("ru", "Точно")])
def test_the_export_writes_a_confidence_in_words_and_reads_it_back_unchanged(
    manager_anna, anna_regular, language, word
):
    forecast_cell_save(
        client=anna_regular,
        month=APRIL,
        amount=Decimal(4500),
        confidence=Confidence.COMMIT,
        comment="",
        expected_version=0,
        user=manager_anna,
        source=ChangeSource.SCREEN,
    )
    response = _as(manager_anna).get(
        reverse("forecasts:export"),
        {"manager": manager_anna.pk, "year": 2026},
        headers={"accept-language": language},
    )
    assert isinstance(response, FileResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    assert workbook.worksheets[0][f"G{CONFIDENCE_ROW}"].value == word
    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)
    assert (result.updated, result.problems) == (0, [])
    assert _figures() == {APRIL: (Decimal("4500.00"), Confidence.COMMIT, 1)}


def test_each_client_block_holds_four_rows_and_the_totals_are_formulas(manager_anna, anna_regular):
    forecast_cell_save(
        client=anna_regular,
        month=APRIL,
        amount=Decimal(4500),
        confidence=Confidence.COMMIT,
        comment="",
        expected_version=0,
        user=manager_anna,
        source=ChangeSource.SCREEN,
    )
    workbook = _exported(manager_anna)
    sheet = workbook.worksheets[0]

    assert workbook.sheetnames == ["Прогноз", "Версии"]
    assert [sheet[f"{column}{FORECAST_ROW}"].value for column in "ABCFGHP"] == [
        anna_regular.pk,
        'ООО "Гамма"',
        "Прогноз",
        None,
        4500,
        None,
        '=SUM(D6:O6)+SUMIF(D6:O6,"",D8:O8)',  # an empty month counts with its baseline
    ]
    assert (sheet["P8"].value, sheet["P9"].value) == ("=SUM(D8:O8)", "=SUM(D9:O9)")
    assert [sheet.cell(row, 2).value for row in (3, 4, 5)] == [
        "План",
        "Итого прогноз",
        "Итого факт",
    ]
    assert sheet["G4"].value == (
        '=SUMIF($C$6:$C$9,"Прогноз",G$6:G$9)'
        '+SUMPRODUCT(($C$6:$C$9="Прогноз")*(G$6:G$9=""),G$8:G$11)'
    )
    assert sheet["G5"].value == '=SUMIF($C$6:$C$9,"Факт",G$6:G$9)'
    assert [sheet[f"P{row}"].value for row in (3, 4, 5)] == [
        "=SUM(D3:O3)",
        "=SUM(D4:O4)",
        "=SUM(D5:O5)",
    ]
    assert not any(sheet.row_dimensions[row].hidden for row in range(1, sheet.max_row + 1))
    versions = workbook["Версии"]
    assert versions.sheet_state == "veryHidden"
    assert [[cell.value for cell in row] for row in versions.iter_rows(max_row=5)] == [
        ["ID", "Месяц", "Версия"],
        [anna_regular.pk, "01.2026", 0],
        [anna_regular.pk, "02.2026", 0],
        [anna_regular.pk, "03.2026", 0],
        [anna_regular.pk, "04.2026", 1],
    ]


def _changed_in_upsell_meanwhile(user: User, client: Client) -> None:
    forecast_cell_save(
        client=client,
        month=APRIL,
        amount=Decimal(9000),
        confidence=Confidence.POSSIBLE,
        comment="",
        expected_version=1,
        user=user,
        source=ChangeSource.SCREEN,
    )


def _saved_in_april(user: User, client: Client) -> None:
    forecast_cell_save(
        client=client,
        month=APRIL,
        amount=Decimal(4500),
        confidence=Confidence.COMMIT,
        comment="",
        expected_version=0,
        user=user,
        source=ChangeSource.SCREEN,
    )


def test_a_cell_changed_in_upsell_after_the_download_is_not_overwritten(manager_anna, anna_regular):
    _saved_in_april(manager_anna, anna_regular)
    sheet = (workbook := _exported(manager_anna)).worksheets[0]
    _changed_in_upsell_meanwhile(manager_anna, anna_regular)
    sheet[f"G{FORECAST_ROW}"] = 5000
    sheet[f"H{FORECAST_ROW}"] = 700  # May, unchanged in Upsell: not saved with April refused

    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (FORECAST_ROW, "G", "Changed in Upsell since the export.")
    ]
    assert (result.updated, _figures()) == (0, {APRIL: (Decimal("9000.00"), "possible", 2)})


def _earlier_shape(workbook: openpyxl.Workbook) -> openpyxl.Workbook:
    """The workbook as the export wrote it before the versions' sheet: a hidden «Версия» row
    closing each client's block, with the versions of the months in the month columns."""
    sheet, versions = workbook.worksheets[0], workbook["Версии"]
    by_key = {(row[0], row[1]): row[2] for row in versions.iter_rows(min_row=2, values_only=True)}
    client_id = sheet[f"A{FORECAST_ROW}"].value
    sheet.insert_rows(FACT_ROW + 1)
    sheet.cell(FACT_ROW + 1, 1, client_id)
    sheet.cell(FACT_ROW + 1, 3, "Версия")
    for column in range(4, 16):
        sheet.cell(FACT_ROW + 1, column, by_key[client_id, sheet.cell(2, column).value])
    sheet.row_dimensions[FACT_ROW + 1].hidden = True
    del workbook["Версии"]
    return workbook


def test_a_workbook_of_the_earlier_shape_imports_with_its_version_rows(manager_anna, anna_regular):
    _saved_in_april(manager_anna, anna_regular)
    sheet = (workbook := _earlier_shape(_exported(manager_anna))).worksheets[0]
    assert sheet[f"G{FACT_ROW + 1}"].value == 1
    sheet[f"G{FORECAST_ROW}"] = 5000

    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert (result.updated, result.problems) == (1, [])
    assert _figures() == {APRIL: (Decimal("5000.00"), Confidence.COMMIT, 2)}


def test_a_workbook_of_the_earlier_shape_still_meets_a_change_made_in_upsell(
    manager_anna, anna_regular
):
    _saved_in_april(manager_anna, anna_regular)
    sheet = (workbook := _earlier_shape(_exported(manager_anna))).worksheets[0]
    _changed_in_upsell_meanwhile(manager_anna, anna_regular)
    sheet[f"G{FORECAST_ROW}"] = 5000

    result = grid_xlsx_import(file=_bytes(workbook), user=manager_anna)

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (FORECAST_ROW, "G", "Changed in Upsell since the export.")
    ]
    assert _figures() == {APRIL: (Decimal("9000.00"), "possible", 2)}


def test_only_the_amount_and_confidence_of_the_open_months_are_unlocked(manager_anna, anna_regular):
    """On 10 March January and February are over and April is locked: the sheet is protected
    with March and May to December's amount and confidence unlocked, Excel's Tab moving
    between them, each confidence offering its list."""
    forecast_snapshot_take(month=APRIL)

    sheet = _exported(manager_anna).worksheets[0]

    protection = sheet.protection
    assert (protection.sheet, protection.password) == (True, None)
    assert (protection.selectLockedCells, protection.selectUnlockedCells) == (False, False)
    assert (protection.formatColumns, protection.formatRows, protection.formatCells) == (
        False,
        False,
        True,
    )
    open_columns = "F" + "HIJKLMNO"  # March, then May to December
    assert {
        cell.coordinate for row in sheet.iter_rows() for cell in row if not cell.protection.locked
    } == {f"{column}{row}" for column in open_columns for row in (FORECAST_ROW, CONFIDENCE_ROW)}
    assert [
        (rule.type, rule.formula1, rule.allow_blank, rule.showErrorMessage, str(rule.sqref))
        for rule in sheet.data_validations.dataValidation
    ] == [
        (
            "list",
            '"Commit,Probable,Possible"',
            True,
            True,
            " ".join(f"{column}{CONFIDENCE_ROW}" for column in open_columns),
        )
    ]
