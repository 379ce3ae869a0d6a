"""The import screen in a real browser: a bad file, a good file, a corrected file whose damaged
line holds its document back, and a run's live progress."""

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from upsell.core.money import format_amount
from upsell.imports.models import ImportRun, ImportStatus
from upsell.products.models import Product
from upsell.shipments.models import Shipment
from upsell.tests.browser.conftest import csv_text, expected_not_found, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_PRODUCTS = csv_text(
    ["Артикул", "Номенклатура", "Группа"],
    ["", "Анкер 10×100", "Крепёж"],
    ["AN-1012", "", "Крепёж"],
    ["AN-1014", "Анкер 14×120", "Крепёж"],
)
GOOD_PRODUCTS = csv_text(
    ["Артикул", "Номенклатура", "Группа"],
    ["AN-1010", "Анкер 10×100", "Крепёж"],
    ["AN-1012", "Анкер 12×120", "Крепёж"],
    ["KR-4216", "Саморез 4,2×16, 1000 шт", "Крепёж"],
)


def test_a_bad_file_shows_its_errors_and_a_good_one_its_summary(
    page, live_server, company, tmp_path, page_errors
):
    products_before = sorted(Product.objects.values_list("sku", "name"))
    bad, good = tmp_path / "товары-с-ошибками.csv", tmp_path / "товары.csv"
    bad.write_text(BAD_PRODUCTS, encoding="utf-8")
    good.write_text(GOOD_PRODUCTS, encoding="utf-8")
    log_in(page, live_server, "helen")
    page.click("nav.nav a:has-text('Импорт')")

    page.set_input_files("input[type=file]", bad)
    page.click("form button:has-text('Загрузить')")

    expect(page.locator("h1")).to_have_text("товары-с-ошибками.csv")
    expect(page.locator(".callout.danger")).to_contain_text("Ничего не загружено.")
    expect(page.locator(".callout.danger")).to_contain_text("В файле 2 ошибки.")
    rows = page.locator("#errors tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(2)] == [
        ["2", "Артикул", "нужно значение"],
        ["3", "Номенклатура", "нужно значение"],
    ]
    assert sorted(Product.objects.values_list("sku", "name")) == products_before

    page.click("a:has-text('Загрузить другой файл')")
    page.set_input_files("input[type=file]", good)
    page.click("form button:has-text('Загрузить')")

    expect(page.locator(".callout.success")).to_contain_text("Все строки файла загружены.")
    expect(page.locator("#counts tbody tr")).to_have_count(1)
    assert page.locator("#counts tbody tr td").all_inner_texts() == ["Товары", "2", "0", "1"]
    assert Product.objects.filter(sku__startswith="AN-").count() == 2

    page.click("a:has-text('Импорт')")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(2)
    assert history.nth(0).locator("td").nth(1).inner_text() == "товары.csv"
    assert history.nth(0).locator("[data-status]").inner_text() == "Выполнен"
    assert history.nth(1).locator("[data-status]").inner_text() == "Ошибка"
    assert page_errors == []


def test_a_line_that_lost_its_number_holds_its_stored_document_back(
    page, live_server, company, tmp_path, page_errors
):
    # Given the latest stored document of ООО "СтройМаркет", and a corrected export of it in
    # which its second line lost its number, followed by a new document of another client
    stored = Shipment.objects.filter(number__startswith="РН-").order_by("-date", "-number")[0]
    lines = list(stored.lines.select_related("product").order_by("line_no"))
    client, manager = company["clients"][0], "Иванова Анна Сергеевна"
    date = stored.date.strftime("%d.%m.%Y")
    header = ["Дата", "Номер", "Контрагент", "ИНН", "Менеджер", "Артикул", "Количество", "Сумма"]
    rows = [
        [date, "" if line.line_no == 2 else stored.number, client.name, client.tax_id, manager,
         line.product.sku, str(line.quantity), str(line.amount)]
        for line in lines
    ]  # fmt: skip
    other = company["clients"][1]
    rows.append(["16.03.2026", "РН-09001", other.name, other.tax_id, "Петров Борис Николаевич",
                 "KL-0025", "8", "4160.00"])  # fmt: skip
    corrected = tmp_path / "отгрузки-исправленные.csv"
    corrected.write_text(csv_text(header, *rows), encoding="utf-8")
    before = (stored.total, stored.line_count, [line.pk for line in lines])
    log_in(page, live_server, "helen")

    # When Helen imports it, keeping the valid rows
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[type=file]", corrected)
    page.check("#id_keep_valid_rows")
    page.click("form button:has-text('Загрузить')")

    # Then the run says which document waits and why, and which was created
    expect(page.locator(".callout.warning")).to_contain_text("Загружено, часть строк отклонена.")
    documents = page.locator("#documents tbody tr")
    expect(documents).to_have_count(2)
    with translation.override("ru"):
        total = format_amount(stored.total)
        day = formats.date_format(stored.date, "SHORT_DATE_FORMAT")
    assert documents.nth(0).locator("td").all_inner_texts() == [
        stored.number, day, client.name, "Отложен", str(len(lines)), total, str(len(lines)),
        total, "3",
    ]  # fmt: skip
    assert documents.nth(1).locator("td").all_inner_texts() == [
        "РН-09001", "16.03.2026", other.name, "Создан", "—", "—", "1", "4\xa0160,00", "—",
    ]  # fmt: skip
    # and the stored document is exactly as it was
    stored.refresh_from_db()
    assert (
        stored.total,
        stored.line_count,
        [line.pk for line in stored.lines.order_by("line_no")],
    ) == before
    assert page_errors == []


def test_the_run_page_follows_a_running_import_until_it_ends(
    page, live_server, company, page_errors
):
    run = ImportRun.objects.create(
        file_name="shipments.csv",
        kind="shipments",
        status=ImportStatus.RUNNING,
        stage="writing",
        rows_total=4000,
        rows_done=1000,
        imported_by=company["people"]["helen"],
    )
    polls = []
    page.on(
        "request",
        lambda request: polls.append(request.url) if request.headers.get("hx-request") else None,
    )
    log_in(page, live_server, "adam")

    page.goto(f"{live_server.url}/imports/{run.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "1000")
    expect(page.locator("[data-stage]")).to_contain_text("Запись в базу")

    ImportRun.objects.filter(pk=run.pk).update(rows_done=3000)
    expect(page.locator("progress")).to_have_attribute("value", "3000")
    expect(page.locator(".progress-row")).to_contain_text("3 000 из 4 000 строк")

    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.SUCCEEDED,
        stage="done",
        rows_done=4000,
        counts={"shipments": {"created": 310, "updated": 2, "unchanged": 0}},
    )
    expect(page.locator(".callout.success")).to_be_visible()
    assert page.locator("#counts tbody tr td").all_inner_texts() == [
        "Документы отгрузки", "310", "2", "0",
    ]  # fmt: skip
    polls_when_finished = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == polls_when_finished  # the finished run stopped asking
    assert page_errors == []


def test_the_import_screen_does_not_exist_for_a_manager(page, live_server, company, page_errors):
    log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}/imports/")

    expect(page.locator("h1")).to_have_text("Страница не найдена")
    expect(page.locator("nav.nav a:has-text('Импорт')")).to_have_count(0)
    assert expected_not_found(page_errors) == []
