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
from upsell.forecasts.services import forecast_cell_save
from upsell.forecasts.workbook import ImportResult, grid_xlsx_import
from upsell.history.models import Change, ChangeSource

APRIL, MAY = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
# The layout of the export for one client: its forecast row, confidence row and hidden version
# row, and the month columns (D is January).
FORECAST_ROW, CONFIDENCE_ROW, VERSION_ROW = 6, 7, 10


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
    assert [sheet.cell(row, 3).value for row in (FORECAST_ROW, CONFIDENCE_ROW, VERSION_ROW)] == [
        "Прогноз",
        "Уверенность",
        "Версия",
    ]
    assert (sheet["G2"].value, sheet["H2"].value) == ("04.2026", "05.2026")
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
    assert (sheet[f"G{FORECAST_ROW}"].value, sheet[f"G{VERSION_ROW}"].value) == (1200.5, 1)
    sheet[f"G{VERSION_ROW}"] = 1.0
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
