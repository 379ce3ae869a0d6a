"""The main screens in both languages, saved to docs/screenshots/ for docs/screens.md.

The browser asks for the language (Accept-Language), as a Russian or an English browser does.
"""

import pytest
from playwright.sync_api import expect

from upsell.tests.browser.conftest import csv_text, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1C export with the mistakes such files have: a date that does not exist, a letter O typed
# for a zero, a wrong ИНН, a return whose quantity and amount disagree, a missing SKU.
BAD_SHIPMENTS = csv_text(
    ["Дата", "Номер", "Контрагент", "ИНН", "Менеджер", "Артикул", "Номенклатура", "Количество",
     "Цена", "Сумма"],
    ["14.03.2026", "РН-00912", 'ООО "СтройМаркет"', "7700000016", "Иванова Анна Сергеевна",
     "KR-4216", "Саморез 4,2×16", "40", "190,00", "7 600,00"],
    ["31.02.2026", "РН-00913", 'ООО "Вектор"', "7700000030", "Петров Борис Николаевич",
     "DU-0640", "Дюбель 6×40", "10", "95,00", "950,00"],
    ["15.03.2026", "РН-00914", 'ООО "Гранит"', "7700000057", "Соколов Глеб Олегович",
     "PR-5040", "Профиль ПН 50×40", "12", "2О0,00", "2 400,00"],
    ["15.03.2026", "РН-00915", 'ООО "Меридиан"', "7700000062", "Иванова Анна Сергеевна",
     "GK-1250", "Гипсокартон 12,5 мм", "-3", "410,00", "1 230,00"],
    ["16.03.2026", "РН-00916", 'ООО "Профиль"', "", "Петров Борис Николаевич",
     "", "Клей плиточный, 25 кг", "8", "520,00", "4 160,00"],
    ["", "", "Итого", "", "", "", "", "", "", "16 340,00"],
)  # fmt: skip


@pytest.mark.parametrize(("language", "locale"), [("ru", "ru-RU"), ("en", "en-US")])
def test_the_main_screens(browser, warm_live_server, company, tmp_path, language, locale):
    errors: list[str] = []
    page = open_page(browser, locale=locale, errors=errors)
    live_server = warm_live_server
    bad_file = tmp_path / "shipments-march.csv"
    bad_file.write_text(BAD_SHIPMENTS, encoding="utf-8")

    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    screenshot(page, f"login-{language}")

    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/clients/")
    expect(page.locator("#rows tbody tr")).to_have_count(30)
    screenshot(page, f"client-list-{language}")

    page.click("""#rows td.primary-cell a:text-is('ООО "СтройМаркет"')""")
    expect(page.locator(".chart.drawn svg.main-svg").first).to_be_visible()
    expect(page.locator("#client-status .panel-body")).not_to_contain_text("…")
    screenshot(page, f"client-card-{language}")

    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[type=file]", bad_file)
    page.click("form[enctype] button[type=submit]")
    expect(page.locator("#errors tbody tr").first).to_be_visible()
    screenshot(page, f"import-errors-{language}")

    page.goto(f"{live_server.url}/imports/")
    expect(page.locator("#history tbody tr")).to_have_count(1)
    screenshot(page, f"import-history-{language}")

    page.context.close()
    assert errors == []
