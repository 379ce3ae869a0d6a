"""The language switch, and the export of the filtered list as a real download."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from upsell.tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_language_switches_to_english_and_back(page, live_server, company, page_errors):
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/clients/")
    expect(page.locator("h1")).to_have_text("Мои клиенты")
    page.select_option("select[name=region]", "Москва")
    expect(page).to_have_url(re.compile(r"region=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0"))

    page.click(".lang-switch button:has-text('EN')")

    expect(page.locator("h1")).to_have_text("My clients")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".user-role")).to_have_text("Manager")
    expect(page.locator("select[name=region]")).to_have_value("Москва")  # the same page
    expect(page.locator("#rows th").first).to_have_text("Client▲")

    page.click(".lang-switch button:has-text('RU')")

    expect(page.locator("h1")).to_have_text("Мои клиенты")
    expect(page.locator(".user-role")).to_have_text("Менеджер")
    assert page_errors == []


def test_the_export_downloads_the_filtered_list(page, live_server, company, tmp_path, page_errors):
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/clients/")
    page.select_option("select[name=segment]", "Строительство")
    page.select_option("select[name=region]", "Москва")
    expect(page.locator("#rows .table-footer")).to_contain_text("2 клиента")

    with page.expect_download() as download:
        page.click("#rows a:has-text('XLSX')")

    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("clients-")
    assert path.suffix == ".xlsx"
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    year = company["clients"][0].budget_year
    # What the list shows (no audit has run: no status, perspective or last order yet), under
    # the names the clients import reads.
    assert rows == [
        (
            "Контрагент", "ИНН", "Регион", "Сегмент", "Статус", "Перспективность",
            "Последний заказ", "Дней с последнего заказа", "Менеджер", "Ассистент", "Партнёр",
            "Бюджетирование", "Годовой бюджет", "Год бюджета",
        ),
        (
            'ООО "Кровля"', "7700000217", "Москва", "Строительство", None, None, None, None,
            "Соколов Глеб Олегович", None, "Нет", "Да", 8200000, year,
        ),
        (
            'ООО "СтройМаркет"', "7700000016", "Москва", "Строительство", None, None, None, None,
            "Иванова Анна Сергеевна", "Смирнова Вера Павловна", "Нет", "Да", 1200000, year,
        ),
    ]  # fmt: skip
    assert page_errors == []
