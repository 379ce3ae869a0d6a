"""The history of imports in Excel: every run, newest first, read back cell by cell."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from upsell.imports.models import ImportRun, ImportStatus

STARTED = dt.datetime(2026, 3, 2, 7, 15, tzinfo=dt.UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


def _on_moscow_clock(hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A moment of the day of the runs as a spreadsheet holds it: the local clock, no zone."""
    return dt.datetime(2026, 3, 2, hour, minute, second, tzinfo=MOSCOW).replace(tzinfo=None)


def _run(*, at: dt.datetime, **fields) -> ImportRun:
    with time_machine.travel(at, tick=False):
        return ImportRun.objects.create(**fields)


@pytest.fixture
def history(head_of_sales, admin_adam):
    _run(
        at=STARTED, file_name="staff.csv", kind="staff", status=ImportStatus.SUCCEEDED,
        rows_total=12, imported_by=admin_adam, finished_at=STARTED + dt.timedelta(seconds=4),
    )  # fmt: skip
    _run(
        at=STARTED + dt.timedelta(hours=2), file_name='=HYPERLINK("http://x","y").csv',
        kind="clients", status=ImportStatus.FAILED, rows_total=300, error_count=7,
        imported_by=head_of_sales, finished_at=STARTED + dt.timedelta(hours=2, seconds=9),
    )  # fmt: skip


def _download(user):
    http = HttpClient()
    http.force_login(user)
    response = http.get(reverse("imports:export"), headers={"accept-language": "en"})
    assert response.status_code == 200
    content = response.getvalue()
    assert int(response["Content-Length"]) == len(content)
    return response, load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("persona", ["head_of_sales", "admin_adam"])
def test_the_history_of_imports_downloads_newest_first(request, persona, history):
    response, workbook = _download(request.getfixturevalue(persona))

    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="imports-{today}.xlsx"'
    sheet = workbook["Imports"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Started", "File", "Kind", "Status", "Rows", "Errors", "Imported by", "Finished"),
        (
            _on_moscow_clock(12, 15), "\'=HYPERLINK(\"http://x\",\"y\").csv", "Clients",
            "Failed", 300, 7, "Кузнецова Елена", _on_moscow_clock(12, 15, 9),
        ),
        (
            _on_moscow_clock(10, 15), "staff.csv", "Staff", "Succeeded", 12, 0,
            "Админов Адам", _on_moscow_clock(10, 15, 4),
        ),
    ]  # fmt: skip
    assert sheet["A2"].number_format == "DD.MM.YYYY HH:MM"


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_the_history_of_imports_is_not_there_for_who_does_not_import(
    client, request, persona, history
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("imports:export"))

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_the_import_screen_links_its_history_in_excel(client, head_of_sales, history):
    client.force_login(head_of_sales)

    html = client.get(reverse("imports:list")).content.decode()

    assert '<a href="/imports/history.xlsx" id="history-export" download>Excel</a>' in html
