"""A manager's forecast in a real browser and a real LibreOffice.

Anna fills a cell of her grid, exports the grid as XLSX, changes two cells in LibreOffice Calc
(headless, driven through its UNO bridge by ``libreoffice_edit.py``) and imports the workbook
back; a workbook that changes a locked month and holds a word for an amount is refused with
its cells named, and nothing is written. The forecast screens are also read in Russian after
switching the language from English.
"""

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, expect

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.months import year_months
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.forecasts.services import (
    BaselineRow,
    forecast_baselines_replace,
    forecast_cell_save,
    forecast_snapshot_take,
)
from upsell.forecasts.workbook import (
    CONFIDENCE,
    FIRST_MONTH_COLUMN,
    FORECAST,
    FORECAST_TOTAL,
    HEADER_ROW,
)
from upsell.history.models import ChangeSource
from upsell.tests.browser.conftest import log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with the uno module of python3-uno
SOFFICE = "/usr/bin/soffice"
EDIT_SCRIPT = Path(__file__).with_name("libreoffice_edit.py")
OFFICE_PACKAGES = "Debian's libreoffice-calc-nogui and python3-uno (`make office`)"
OFFICE_TIMEOUT = 180  # seconds for one edit, soffice's start and stop included

HEADING_RU = "Прогноз продаж по мотивированным клиентам"
LOCKED_MONTH, EDITED_MONTH, LATER_MONTH, OCTOBER, DECEMBER = 3, 6, 9, 10, 12


def _amount_text(text: str) -> re.Pattern[str]:
    """An amount as the Russian grid shows it: ``125 000,50`` grouped by a (narrow) space."""
    return re.compile("^" + re.escape(text).replace(r"\ ", r"\s") + "$")


@dataclass(frozen=True)
class World:
    year: int
    anna: User
    arsenal: Client  # the grid lists Anna's motivated clients by name: Арсенал, Ресурс,
    resurs: Client  # СтройМаркет (each plans a purchase budget, so each is motivated)
    stroymarket: Client

    def month(self, number: int) -> dt.date:
        return dt.date(self.year, number, 1)

    def cell_id(self, client: Client, number: int) -> str:
        return f"cell-{client.pk}-{self.month(number):%Y-%m}"


@pytest.fixture(autouse=True)
def mid_january():
    """The months these tests edit are ahead whenever they run: the clock stands at 15 January
    of this year, and moves on from there (a month that is over takes no forecast)."""
    moment = dt.datetime(timezone.localdate().year, 1, 15, 10, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def world(company) -> World:
    """Anna's three motivated clients with a baseline for every month of the year, and March
    locked after Anna had put 50 000 (commit) on Арсенал for it."""
    people, clients = company["people"], company["clients"]
    assert isinstance(people, dict)
    assert isinstance(clients, list)
    anna = people["anna"]
    motivated = sorted(
        (c for c in clients if c.manager == anna and c.plans_budget), key=lambda c: c.name
    )
    assert [client.name for client in motivated] == [
        'ООО "Арсенал"',
        'ООО "Ресурс"',
        'ООО "СтройМаркет"',
    ]
    year = timezone.localdate().year
    months = year_months(year)
    forecast_baselines_replace(
        rows=[
            BaselineRow(
                client_id=client.pk,
                month=month,
                expected_orders=Decimal(1),
                amount=Decimal(40_000 + 10_000 * index + 1_000 * month.month),
                low=Decimal(30_000),
                high=Decimal(90_000),
            )
            for index, client in enumerate(motivated)
            for month in months
        ],
        months=months,
        model="browser-test",
    )
    world = World(year, anna, *motivated)
    forecast_cell_save(
        client=world.arsenal,
        month=world.month(LOCKED_MONTH),
        amount=Decimal(50_000),
        confidence=Confidence.COMMIT,
        comment="",
        expected_version=0,
        user=anna,
        source=ChangeSource.SCREEN,
    )
    forecast_snapshot_take(month=world.month(LOCKED_MONTH), locked_by=people["helen"])
    return world


def _system_python_env() -> dict[str, str]:
    """The environment without the project's virtual environment: the office runs on Debian's
    own Python and must not pick up the venv's packages."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}
    }


Edit = Callable[[Path, Path, dict[str, dict[str, Any]]], None]


@pytest.fixture(scope="session")
def libreoffice() -> Edit:
    """``edit(source, target, {sheet: {address: value}})`` in a headless LibreOffice Calc."""
    if not Path(SOFFICE).exists():
        pytest.skip(f"{SOFFICE} is not installed: install {OFFICE_PACKAGES}")
    probe = subprocess.run(  # noqa: S603 - fixed programs
        [SYSTEM_PYTHON, "-c", "import uno"],
        capture_output=True,
        env=_system_python_env(),
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"{SYSTEM_PYTHON} cannot import uno: install {OFFICE_PACKAGES}")

    def edit(source: Path, target: Path, cells: dict[str, dict[str, Any]]) -> None:
        done = subprocess.run(  # noqa: S603 - our own script and arguments
            [SYSTEM_PYTHON, str(EDIT_SCRIPT), str(source), str(target), json.dumps(cells)],
            capture_output=True,
            text=True,
            env=_system_python_env(),
            timeout=OFFICE_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert target.exists()

    return edit


@dataclass(frozen=True)
class Layout:
    """Where things are in an exported workbook, read from the workbook itself: the month
    columns from the header row, each client's rows from its id (column A) and the row's name
    (column C)."""

    sheet: str
    columns: dict[dt.date, str]
    rows: dict[tuple[int, str], int]
    rows_named: dict[str, int]  # the totals' rows on top, by the name in column B
    values: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> "Layout":
        workbook = load_workbook(path)
        sheet = workbook.worksheets[0]
        columns = {}
        for cell in sheet[HEADER_ROW]:
            if isinstance(cell.value, str) and re.fullmatch(r"\d\d\.\d{4}", cell.value):
                month = dt.date(int(cell.value[3:]), int(cell.value[:2]), 1)
                columns[month] = cell.column_letter
        rows: dict[tuple[int, str], int] = {}
        rows_named: dict[str, int] = {}
        first = HEADER_ROW + 1
        for number, row in enumerate(sheet.iter_rows(min_row=first, values_only=True), first):
            client_id, name, kind = row[0], row[1], row[2]
            if isinstance(client_id, int) and isinstance(kind, str):
                rows[client_id, kind] = number
            elif isinstance(name, str):
                rows_named[name] = number
        values = {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row}
        return cls(
            sheet=sheet.title, columns=columns, rows=rows, rows_named=rows_named, values=values
        )

    def address(self, client: Client, kind: str, month: dt.date) -> str:
        return f"{self.columns[month]}{self.rows[client.pk, kind]}"

    def value(self, client: Client, kind: str, month: dt.date) -> Any:
        return self.values[self.address(client, kind, month)]


def _cells() -> dict[tuple[int, dt.date], tuple[Any, ...]]:
    """Every forecast cell's figures, to compare before and after a refused import."""
    return {
        (cell.client_id, cell.month): (
            cell.amount,
            cell.confidence,
            cell.comment,
            cell.version,
            cell.updated_by_id,
        )
        for cell in ForecastCell.objects.all()
    }


def _export(page: Page, folder: Path, name: str) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name="Выгрузить XLSX").click()
    assert download.value.suggested_filename == f"forecast-anna-{timezone.localdate().year}.xlsx"
    path = folder / name
    download.value.save_as(path)
    return path


def _import(page: Page, path: Path) -> None:
    page.get_by_role("link", name="Загрузить XLSX").click()
    expect(page.locator("h1")).to_have_text("Загрузка прогноза")
    page.get_by_label("Книга прогноза (XLSX)").set_input_files(path)
    page.get_by_role("button", name="Загрузить", exact=True).click()


def _problems(page: Page) -> list[list[str]]:
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in alert.locator("tbody tr").all()
    ]


def _russian(message: str) -> str:
    """An import problem as the Russian catalogue words it (the page translates it for the
    request's language, not when the importer's module was loaded)."""
    with translation.override("ru"):
        return gettext(message)


def test_a_manager_fills_the_grid_and_round_trips_it_through_libreoffice(
    page, live_server, world, libreoffice, tmp_path, page_errors
):
    anna, stroymarket, resurs, arsenal = world.anna, world.stroymarket, world.resurs, world.arsenal
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/forecasts/")
    expect(page.locator("h1")).to_have_text(HEADING_RU)
    expect(page.locator("table.forecast-grid tbody tr")).to_have_count(3)

    # A locked month: its column carries the lock and none of its cells has ✎.
    locked = world.month(LOCKED_MONTH)
    expect(page.get_by_role("columnheader", name=f"{locked:%m.%Y}")).to_contain_text("Зафиксирован")
    for client in (arsenal, resurs, stroymarket):
        locked_cell = page.locator(f"#{world.cell_id(client, LOCKED_MONTH)}")
        expect(locked_cell).to_be_visible()
        expect(locked_cell.get_by_role("button", name="✎")).to_have_count(0)
        open_cell = page.locator(f"#{world.cell_id(client, EDITED_MONTH)}")
        expect(open_cell.get_by_role("button", name="✎")).to_have_count(1)
    expect(page.locator(f"#{world.cell_id(arsenal, LOCKED_MONTH)} strong")).to_have_text(
        _amount_text("50 000,00")
    )

    # Edit a cell: ✎, amount, confidence, comment, Save; the cell shows it without a reload.
    page.evaluate("window.gridNotReloaded = true")
    cell_id = world.cell_id(stroymarket, EDITED_MONTH)
    page.locator(f"#{cell_id}").get_by_role("button", name="✎").click()
    editor = page.locator(f"#{cell_id} form.cell-editor")
    editor.locator("[name=amount]").fill("125000,50")
    editor.locator("[name=confidence]").select_option(label="Точно")
    editor.locator("[name=comment]").fill("объект на Ленинском")
    editor.get_by_role("button", name="Сохранить").click()
    saved = page.locator(f"#{cell_id}")
    expect(saved.locator(".manager-amount strong")).to_have_text(_amount_text("125 000,50"))
    expect(saved.locator(".manager-amount .badge")).to_have_text("Точно")
    expect(saved.locator(".comment")).to_have_text("объект на Ленинском")
    assert page.evaluate("window.gridNotReloaded") is True
    edited = world.month(EDITED_MONTH)
    cell = ForecastCell.objects.get(client=stroymarket, month=edited)
    assert (cell.amount, cell.confidence, cell.comment, cell.version, cell.updated_by) == (
        Decimal("125000.50"),
        Confidence.COMMIT,
        "объект на Ленинском",
        1,
        anna,
    )

    page.reload()
    expect(saved.locator(".manager-amount strong")).to_have_text(_amount_text("125 000,50"))
    expect(saved.locator(".comment")).to_have_text("объект на Ленинском")
    saved.scroll_into_view_if_needed()
    screenshot(page, "forecast-grid-manager-ru")

    # Export, and find the cells in the workbook as it came.
    exported = _export(page, tmp_path, "exported.xlsx")
    layout = Layout.read(exported)
    later = world.month(LATER_MONTH)
    assert layout.sheet == "Прогноз"
    assert sorted(layout.columns) == year_months(world.year)
    assert layout.value(stroymarket, FORECAST, edited) == 125000.5
    assert layout.value(stroymarket, CONFIDENCE, edited) == "Точно"  # in the reader's words
    assert layout.value(arsenal, FORECAST, locked) == 50000
    assert layout.value(resurs, FORECAST, later) is None  # no figure of Anna's yet
    assert layout.value(resurs, "Базовый прогноз", later) == 59000  # 40 000 + 10 000 + 9 000

    # Two cells changed in LibreOffice: Anna's own figure, and a month she had left empty.
    changed = tmp_path / "changed-in-libreoffice.xlsx"
    libreoffice(
        exported,
        changed,
        {
            layout.sheet: {
                layout.address(stroymarket, FORECAST, edited): 130000,
                layout.address(resurs, FORECAST, later): 98000,
            }
        },
    )
    # LibreOffice works the totals out again: a client's year counts its amounts and the
    # baseline of each month without one (СтройМаркет's baseline is 60 000 + 1 000 × month).
    computed = load_workbook(changed, data_only=True).worksheets[0]
    year_column = get_column_letter(FIRST_MONTH_COLUMN + 12)
    stroymarket_year = computed[f"{year_column}{layout.rows[stroymarket.pk, FORECAST]}"].value
    assert stroymarket_year == 11 * 60_000 + 1_000 * (78 - EDITED_MONTH) + 130_000 == 862_000
    forecast_total = layout.rows_named[FORECAST_TOTAL]
    # June: Арсенал's and Ресурс's baselines, and СтройМаркет's 130 000.
    assert computed[f"{layout.columns[edited]}{forecast_total}"].value == 46_000 + 56_000 + 130_000
    # September: Арсенал's and СтройМаркет's baselines, and Ресурс's 98 000.
    assert computed[f"{layout.columns[later]}{forecast_total}"].value == 49_000 + 98_000 + 69_000
    assert computed[f"{year_column}{forecast_total}"].value == sum(
        computed[f"{layout.columns[month]}{forecast_total}"].value for month in layout.columns
    )
    assert layout.values[f"{year_column}{forecast_total}"].startswith("=SUM(")  # as exported

    _import(page, changed)
    expect(page.get_by_role("status")).to_have_text(
        "Сохранено изменённых ячеек: 2; без изменений: 34."
    )
    screenshot(page, "forecast-import-ru")
    written = {key: figures for key, figures in _cells().items() if figures[3] > 0}
    assert written == {
        (arsenal.pk, locked): (Decimal("50000.00"), Confidence.COMMIT, "", 1, anna.pk),
        (stroymarket.pk, edited): (
            Decimal("130000.00"),
            Confidence.COMMIT,  # a figure changed in the file keeps the cell's confidence
            "объект на Ленинском",  # and its comment
            2,
            anna.pk,
        ),
        (resurs.pk, later): (Decimal("98000.00"), Confidence.PROBABLE, "", 1, anna.pk),
    }
    assert ForecastCell.objects.filter(version=0, amount=None).count() == 33  # baselines only

    page.get_by_role("main").get_by_role("link", name="Прогноз", exact=True).click()
    expect(page.locator("h1")).to_have_text(HEADING_RU)
    expect(page.locator(f"#{cell_id} .manager-amount strong")).to_have_text(
        _amount_text("130 000,00")
    )
    resurs_cell = page.locator(f"#{world.cell_id(resurs, LATER_MONTH)}")
    expect(resurs_cell.locator(".manager-amount strong")).to_have_text(_amount_text("98 000,00"))
    expect(resurs_cell.locator(".manager-amount .badge")).to_have_text("Вероятно")

    # A workbook changing the locked month and holding a word for an amount, beside a valid
    # change: the problems are named by row and column, and nothing at all is written.
    fresh = _export(page, tmp_path, "fresh.xlsx")
    layout = Layout.read(fresh)
    october, december = world.month(OCTOBER), world.month(DECEMBER)
    broken = tmp_path / "broken-in-libreoffice.xlsx"
    libreoffice(
        fresh,
        broken,
        {
            layout.sheet: {
                layout.address(arsenal, FORECAST, locked): 55000,
                layout.address(resurs, FORECAST, october): "сто тысяч",
                layout.address(stroymarket, FORECAST, december): 70000,
            }
        },
    )
    before = _cells()
    _import(page, broken)
    expect(page.get_by_role("alert")).to_contain_text(
        "Ничего не сохранено. Исправьте эти ячейки и загрузите файл снова:"
    )
    assert _problems(page) == [
        [
            str(layout.rows[arsenal.pk, FORECAST]),
            layout.columns[locked],
            _russian("This month is locked; its forecast is final."),
        ],
        [
            str(layout.rows[resurs.pk, FORECAST]),
            layout.columns[october],
            _russian("Not a number."),
        ],
    ]
    assert _cells() == before
    assert not ForecastCell.objects.filter(client=stroymarket, month=december).exclude(amount=None)
    assert page_errors == []


def test_the_forecast_screens_read_in_russian_after_switching(
    browser, warm_live_server, world, tmp_path
):
    errors: list[str] = []
    page = open_page(browser, locale="en-US", errors=errors)
    live_server = warm_live_server
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/forecasts/")
    expect(page.locator("h1")).to_have_text("Forecast by motivated clients")

    page.click(".lang-switch button:has-text('RU')")

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text(HEADING_RU)
    for link in ("Выгрузить XLSX", "Загрузить XLSX", "Точность"):
        expect(page.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Показать")).to_be_visible()
    expect(page.get_by_label("Год", exact=True)).to_be_visible()
    head = page.locator("table.forecast-grid thead th")
    expect(head.first).to_have_text("Клиент")
    expect(head.last).to_have_text("Год")
    footer = page.locator("table.forecast-grid tfoot th")
    expect(footer).to_have_text(
        [
            "Базовый прогноз",
            "Прогноз",
            "План",
            "Прогноз − план",
            "Факт",
            _russian("Fact − forecast"),
        ]
    )
    locked = world.month(LOCKED_MONTH)
    expect(page.locator(f"th:has-text('{locked:%m.%Y}') .badge")).to_have_text("Зафиксирован")
    expect(page.locator(f"#{world.cell_id(world.arsenal, LOCKED_MONTH)} .badge")).to_have_text(
        "Точно"
    )
    expect(page.locator(".forecast-legend")).to_contain_text("✎ — изменить ячейку.")
    expect(page.locator("form.row-accept button").first).to_have_text("принять базовый прогноз")
    expect(page.locator("th.client-cell").first).to_contain_text("бюджет")

    cell_id = world.cell_id(world.resurs, EDITED_MONTH)
    page.locator(f"#{cell_id}").get_by_role("button", name="✎").click()
    editor = page.locator(f"#{cell_id} form.cell-editor")
    expect(editor).to_contain_text("Базовый прогноз")
    expect(editor.locator("[name=confidence] option")).to_have_text(
        ["—", "Точно", "Вероятно", "Возможно"]
    )
    expect(editor.get_by_role("button", name="Сохранить")).to_be_visible()
    editor.get_by_role("button", name="Отмена").click()
    expect(page.locator(f"#{cell_id}").get_by_role("button", name="✎")).to_be_visible()

    page.get_by_role("link", name="Загрузить XLSX").click()
    expect(page.locator("h1")).to_have_text("Загрузка прогноза")
    expect(page.locator(".page-header p")).to_have_text(
        "Загрузите книгу, выгруженную из таблицы прогноза. Изменённые ячейки сохранятся, "
        "нетронутые останутся как были. Если хоть одна ячейка неверна, ничего не сохранится."
    )
    expect(page.get_by_role("main").get_by_role("link", name="Прогноз", exact=True)).to_be_visible()
    not_a_workbook = tmp_path / "forecast.xlsx"
    not_a_workbook.write_text("Клиент;Сумма\n", encoding="utf-8")
    page.get_by_label("Книга прогноза (XLSX)").set_input_files(not_a_workbook)
    page.get_by_role("button", name="Загрузить", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert.locator("thead th")).to_have_text(["Строка", "Столбец", "Ошибка"])
    expect(alert.locator("tbody td")).to_have_text(["1", "A", _russian("Not an XLSX workbook.")])
    assert ForecastCell.objects.exclude(amount=None).count() == 1  # Арсенал's locked March

    page.context.close()
    assert errors == []
