"""Requests as their people use them, in a browser: the manager finds the client by typing,
adds lines as needed and leaves a catalogue product's price to the product; the assistant's
queue and a request's card fit a phone; cancelling asks for a reason and the history keeps it;
the queue leaves as a workbook."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatus
from upsell.products.models import Product
from upsell.requests.models import OrderRequest, OrderRequestLine, RequestSource, RequestStatus
from upsell.requests.services import RequestDetails, order_request_create, order_request_reassign
from upsell.shipments.models import ShipmentLine
from upsell.tests.browser.conftest import log_in, open_page
from upsell.tests.browser.test_phone_layout import OVERFLOW, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_sold_price(product: Product) -> Decimal:
    line = (
        ShipmentLine.objects.filter(product=product, quantity__gt=0)
        .order_by("-shipment__date", "-shipment_id", "-line_no")
        .first()
    )
    assert line is not None
    return line.price


def test_the_manager_finds_the_client_adds_lines_and_takes_the_catalogue_price(
    page, live_server, company, page_errors
):
    people: dict[str, User] = company["people"]
    products: list[Product] = company["products"]
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}{reverse('requests:create')}")

    # Boris's client is not offered, whatever is typed.
    choices = page.locator("#client-choices .client-choice")
    page.fill("#id_client_search", "урал")
    expect(choices).to_have_count(0)
    expect(page.locator("#client-choices")).not_to_contain_text("Уралсталь")
    page.fill("#id_client_search", "строй")
    page.press("#id_client_search", "Enter")
    expect(choices).to_have_count(2)
    assert choices.locator("span:first-of-type").all_inner_texts() == [
        'ООО "Альфа-Строй"',
        'ООО "СтройМаркет"',
    ]
    # Each choice is a radio beside its name on one line, not a field-wide box above it.
    radio = choices.first.locator("input").bounding_box()
    name = choices.first.locator("span:first-of-type").bounding_box()
    assert radio is not None
    assert name is not None
    assert radio["width"] < 30
    assert name["x"] > radio["x"] + radio["width"]
    assert abs(name["y"] - radio["y"]) < radio["height"]
    page.locator(".client-choice", has_text="СтройМаркет").locator("input").check()
    rows = page.locator(".request-lines tbody tr")
    expect(rows).to_have_count(5)
    page.locator("[data-add-line]").click()
    expect(rows).to_have_count(6)
    page.fill("#id_lines-0-product_code", products[0].sku)
    page.fill("#id_lines-0-quantity", "10")
    page.fill("#id_lines-5-product_name", "Краска фасадная, 10 л")
    page.fill("#id_lines-5-quantity", "2")
    page.fill("#id_lines-5-price", "1500")
    page.locator("form button.primary[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/requests/*/")

    request = OrderRequest.objects.get()
    price = last_sold_price(products[0])
    assert (request.client.name, request.created_by, request.line_count) == (
        'ООО "СтройМаркет"',
        people["anna"],
        2,
    )
    assert list(
        OrderRequestLine.objects.filter(request=request)
        .order_by("line_number")
        .values_list("product__sku", "product_name", "quantity", "price", "amount")
    ) == [
        (products[0].sku, "", Decimal("10.000"), price, price * 10),
        (None, "Краска фасадная, 10 л", Decimal("2.000"), Decimal("1500.00"), Decimal("3000.00")),
    ]
    assert request.amount == price * 10 + Decimal(3000)
    assert page_errors == []


def test_cancelling_asks_for_a_reason_and_the_history_keeps_it(
    page, live_server, company, page_errors
):
    people: dict[str, User] = company["people"]
    client: Client = company["clients"][0]
    request = order_request_create(
        client=client,
        details=RequestDetails(description="Профиль на второй склад"),
        source=RequestSource.UI,
        created_by=people["anna"],
    )
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}{reverse('requests:detail', args=[request.pk])}")

    page.locator(".cancel-form button").click()
    # The browser asks for the reason; nothing is sent.
    assert page.locator("#id_cancel_reason").evaluate("field => field.validity.valueMissing")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN

    page.fill("#id_cancel_reason", "Клиент отложил закупку")
    page.locator(".cancel-form button").click()
    expect(page.locator(".request-progress")).to_contain_text("Клиент отложил закупку")

    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    history = page.locator("section.panel", has=page.locator("h2")).last
    expect(history.locator("tbody tr").first).to_contain_text("Клиент отложил закупку")
    expect(history.locator("tbody tr").first).to_contain_text(people["anna"].full_name)
    assert page_errors == []


def test_the_queue_and_the_card_fit_a_phone(browser, live_server, company, page_errors, today):
    people: dict[str, User] = company["people"]
    clients: list[Client] = company["clients"]
    # Anna's spontaneous clients that Vera serves (no purchase budget), one request each.
    vera_clients = [
        client
        for client in clients
        if client.assistant_id == people["vera"].pk and not client.plans_budget
    ]
    for client in vera_clients:
        client.status = ClientStatus.ONE_TIME
        client.save(update_fields=["status"])
    requests = [
        order_request_create(
            client=client,
            details=RequestDetails(
                description="Саморезы и дюбели на объект, срочно", amount=Decimal("125000"),
                ordered_on=today - dt.timedelta(days=index),
            ),
            source=RequestSource.UI,
            created_by=people["anna"],
        )
        for index, client in enumerate(vera_clients)
    ]  # fmt: skip
    page = open_page(browser, locale="ru-RU", errors=page_errors)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "vera")

    widths = {}
    for url in (
        reverse("requests:queues"),
        reverse("requests:detail", args=[requests[0].pk]),
        reverse("requests:create"),
    ):
        page.goto(f"{live_server.url}{url}")
        widths[url] = page.evaluate(OVERFLOW)["scrollWidth"]

    assert widths == dict.fromkeys(widths, PHONE["width"])
    assert page_errors == []
    page.context.close()


def test_the_queue_downloads_as_a_workbook(page, live_server, company, page_errors):
    people: dict[str, User] = company["people"]
    client: Client = company["clients"][0]
    request = order_request_create(
        client=client,
        details=RequestDetails(description="Гипсокартон", amount=Decimal("84000")),
        source=RequestSource.UI,
        created_by=people["anna"],
    )
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}{reverse('requests:queues')}")

    with page.expect_download() as download:
        page.locator(f"a[href='{reverse('requests:export')}']").click()

    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(workbook[workbook.sheetnames[0]].iter_rows(values_only=True))
    assert [row[:3] + row[6:7] for row in rows[1:]] == [
        (str(request.assignee), request.pk, client.name, 84000)
    ]
    assert page_errors == []


def test_a_request_s_day_from_hand_over_to_done_today(
    browser, page, live_server, company, page_errors, today
):
    people: dict[str, User] = company["people"]
    clients: list[Client] = company["clients"]
    # Anna's spontaneous client that Vera serves, and its order of three days ago.
    client = next(
        client
        for client in clients
        if client.assistant_id == people["vera"].pk and not client.plans_budget
    )
    client.status = ClientStatus.ONE_TIME
    client.save(update_fields=["status"])
    request = order_request_create(
        client=client,
        details=RequestDetails(
            description="Профиль ПН 50×40", ordered_on=today - dt.timedelta(days=3)
        ),
        source=RequestSource.UI,
        created_by=people["anna"],
    )
    order_request_reassign(
        request=request, assignee=None, changed_by=people["anna"], reason="Сама позвоню"
    )
    log_in(page, live_server, "anna")
    card_url = f"{live_server.url}{reverse('requests:detail', args=[request.pk])}"
    page.goto(card_url)

    # The hand-over offers the client's manager and its assistant, each with its role.
    assert page.locator("#id_assignee option").all_inner_texts()[1:] == [
        "Иванова Анна Сергеевна (менеджер)",
        "Смирнова Вера Павловна (ассистент)",
    ]
    page.select_option("#id_assignee", label="Смирнова Вера Павловна (ассистент)")
    page.locator(".reassign-form button[type=submit]").click()
    page.wait_for_url(card_url)

    page.context.close()
    page = open_page(browser, locale="ru-RU", errors=page_errors)
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}{reverse('requests:queues')}")
    row = page.locator("table.queue tbody tr", has_text=client.name).first
    # It waits from the client's order day, not from when it was typed in.
    expect(row.locator("td").last).to_have_text("3 дня, 12 часов")
    row.locator("a", has_text=client.name).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('clients:detail', args=[client.pk])}")
    page.goto(card_url)
    page.locator("button[value=in_work]").click()
    page.wait_for_url(card_url)
    page.locator("button[value=done]").click()
    page.wait_for_url(card_url)
    progress = page.locator(".request-progress")
    expect(progress).to_contain_text("Смирнова Вера Павловна")
    assert progress.inner_text().count("Смирнова Вера Павловна") == 2

    page.goto(f"{live_server.url}{reverse('requests:queues')}")
    done = page.locator("#done-today tbody tr")
    expect(done).to_have_count(1)
    expect(done.first).to_contain_text(client.name)
    expect(done.first.locator("td").last).to_have_text("3 дня, 12 часов")
    assert page_errors == []
    page.context.close()
