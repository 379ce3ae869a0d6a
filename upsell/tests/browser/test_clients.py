"""The client screens in a real browser: what each persona sees, filters, sorting, the card."""

import re

import pytest
from playwright.sync_api import expect

from upsell.clients.models import ClientAssignmentChange
from upsell.tests.browser.conftest import expected_not_found, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed(page):
    return page.locator("#rows td.primary-cell a").all_inner_texts()


def test_a_manager_sees_its_own_clients_and_no_one_elses(page, live_server, company, page_errors):
    clients = company["clients"]
    log_in(page, live_server, "anna")
    expect(page).to_have_url(f"{live_server.url}/today/")
    page.click("nav.nav a[href='/clients/']")

    expect(page).to_have_url(f"{live_server.url}/clients/")
    expect(page.locator("h1")).to_have_text("Мои клиенты")
    names = listed(page)
    assert sorted(names) == sorted(client.name for client in clients[0::3])
    assert 'ООО "Уралсталь"' not in names  # Boris's

    page.goto(f"{live_server.url}/clients/{clients[1].pk}/")

    expect(page.locator("h1")).to_have_text("Страница не найдена")
    assert "Уралсталь" not in page.content()
    assert expected_not_found(page_errors) == []


def test_the_head_of_sales_searches_filters_and_sorts(page, live_server, company, page_errors):
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/clients/")
    expect(page.locator("#rows")).to_contain_text("30 клиентов")

    page.fill("input[name=q]", "строй")
    expect(page.locator("#rows .table-footer")).to_contain_text("3 клиента")
    assert listed(page) == ['ООО "Альфа-Строй"', 'ООО "ДомСтрой"', 'ООО "СтройМаркет"']
    expect(page).to_have_url(re.compile(r"/clients/\?q=%D1%81%D1%82%D1%80%D0%BE%D0%B9&sort=name$"))

    page.fill("input[name=q]", "")
    page.select_option("select[name=segment]", "Дилеры")
    expect(page.locator("#rows .table-footer")).to_contain_text("7 клиентов")
    page.select_option("select[name=manager]", label="Петров Борис Николаевич")
    expect(page.locator("#rows .table-footer")).to_contain_text("2 клиента")
    assert listed(page) == ['ООО "Бетон+"', 'ООО "Северный ветер"']

    page.click("#rows th a:has-text('Клиент')")
    expect(page.locator("#rows th[aria-sort=descending]")).to_have_count(1)
    assert listed(page) == ['ООО "Северный ветер"', 'ООО "Бетон+"']
    page.click("#rows th a:has-text('Клиент')")
    expect(page.locator("#rows th[aria-sort=ascending]")).to_have_count(1)
    assert listed(page) == ['ООО "Бетон+"', 'ООО "Северный ветер"']

    # The address holds the whole state: a reload shows the same list.
    page.reload()
    expect(page.locator("select[name=segment]")).to_have_value("Дилеры")
    assert listed(page) == ['ООО "Бетон+"', 'ООО "Северный ветер"']
    assert page_errors == []


def test_the_head_of_sales_opens_a_card_and_reassigns_its_manager(
    page, live_server, company, page_errors
):
    client = company["clients"][0]
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/clients/")

    page.fill("input[name=q]", "СтройМаркет")
    expect(page.locator("#rows .table-footer")).to_contain_text("1 клиент")
    page.click("#rows td.primary-cell a")

    expect(page.locator("h1")).to_have_text('ООО "СтройМаркет"')
    expect(page.locator(".chart.drawn svg.main-svg").first).to_be_visible()
    expect(page.locator("#client-status h2")).to_have_text("Статус")

    first_document = page.locator("#shipments tbody.document").first
    first_document.locator("a.row-toggle").click()
    expect(first_document.locator("tr.subrow table.lines tbody tr")).not_to_have_count(0)
    first_document = page.locator("#shipments tbody.document").first
    first_document.locator("a.row-toggle").click()
    expect(page.locator("#shipments tr.subrow")).to_have_count(0)

    page.select_option("#reassign_manager", label="Соколов Глеб Олегович")
    page.fill("#reassign_reason", "Перераспределение портфелей")
    page.click("#responsible button[type=submit]")

    expect(page.locator(".messages")).to_have_text("Ответственные изменены.")
    expect(page.locator("#responsible dd[data-role=manager]")).to_have_text("Соколов Глеб Олегович")
    expect(page.locator("#history li").first).to_contain_text(
        "Менеджер: Иванова Анна Сергеевна → Соколов Глеб Олегович"
    )
    expect(page.locator("#history li").first).to_contain_text("Перераспределение портфелей")
    people = company["people"]
    change = ClientAssignmentChange.objects.get(client=client, role="manager")
    assert (change.previous, change.new, change.changed_by) == (
        people["anna"],
        people["gleb"],
        people["helen"],
    )
    assert page_errors == []


def test_top_management_reads_the_card_without_forms(page, live_server, company, page_errors):
    log_in(page, live_server, "tom")

    page.goto(f"{live_server.url}/clients/{company['clients'][0].pk}/")

    expect(page.locator("h1")).to_have_text('ООО "СтройМаркет"')
    expect(page.locator("#responsible form")).to_have_count(0)
    expect(page.locator("a:has-text('Изменить')")).to_have_count(0)
    assert page_errors == []
