"""The forecast workbook upload reads through the bounded reader: a hostile workbook is a named
problem in the page, answered at once, and nothing is written."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from upsell.accounts.models import User
from upsell.forecasts.models import ForecastCell
from upsell.imports.tests.test_hostile_files import _bomb


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _post(user: User, content: bytes):
    http = HttpClient()
    http.force_login(user)
    return http.post(
        reverse("forecasts:import"),
        {"file": SimpleUploadedFile("forecast.xlsx", content)},
        headers={"accept-language": "en"},
    )


def _far_cell_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Прогноз"
    sheet["XFD1048576"] = 1
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_a_sheet_reaching_xfd1048576_is_a_named_problem(manager_anna: User) -> None:
    response = _post(manager_anna, _far_cell_workbook())

    assert response.status_code == 200
    problems = response.context["result"].problems
    assert [(p.row, p.column, p.message) for p in problems] == [
        (
            1,
            "A",
            "the sheet «Прогноз» has a cell at XFD1048576, beyond column 256 (IV), the last a "
            "workbook may use",
        )
    ]
    assert ForecastCell.objects.count() == 0


@override_settings(UPSELL_WORKBOOK_UNPACKED_MAX_MB=2)
def test_a_zip_bomb_is_a_named_problem(manager_anna: User) -> None:
    response = _post(manager_anna, _bomb())

    problems = response.context["result"].problems
    assert [p.message for p in problems] == [
        "the workbook unpacks to more than 2 MB (its part xl/worksheets/sheet1.xml); a workbook "
        "may unpack to 2 MB at most"
    ]
    assert ForecastCell.objects.count() == 0


@override_settings(UPSELL_FILE_MAX_MB=1)
def test_an_upload_over_the_size_limit_is_refused(manager_anna: User) -> None:
    response = _post(manager_anna, b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024))

    assert response.context["form"].errors == {
        "file": ["The file is 2.0 MB; a file may be 1 MB at most."]
    }
    assert "result" not in response.context


def test_a_file_that_is_no_workbook_is_named_so(manager_anna: User) -> None:
    response = _post(manager_anna, b"Client;Amount\n1;100\n")

    problems = response.context["result"].problems
    assert [(p.row, p.column, p.message) for p in problems] == [(1, "A", "Not an XLSX workbook.")]
    assert ForecastCell.objects.count() == 0
