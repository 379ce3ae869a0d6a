"""Handing a client over on its card in a real browser: a refused form comes back in its panel
without reloading the card, an accepted one reloads it with the client's requests and future
forecast gone to the new manager."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from upsell.clients.models import ClientAssignmentChange
from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastCell
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_of_sales_hands_a_client_over_on_its_card(page, live_server, company, page_errors):
    people = company["people"]
    client = company["clients"][0]  # Anna's ООО "СтройМаркет", which plans a budget
    waiting = OrderRequest.objects.create(
        client=client, description="Арматура А500С, 12 т", source=RequestSource.UI,
        assignee=people["anna"], routed_by_rule=RoutingRule.MOTIVATED,
    )  # fmt: skip
    this_month = month_start(timezone.localdate())
    next_month = month_add(this_month, 1)
    for month in (this_month, next_month):
        ForecastCell.objects.create(client=client, month=month, manager=people["anna"])
    log_in(page, live_server, "helen")
    card = f"{live_server.url}/clients/{client.pk}/"
    page.goto(card)

    # A forged choice (an assistant as the manager) is refused in the panel; the card stays.
    page.evaluate(
        "([id, label]) => { const select = document.querySelector('#reassign_manager');"
        " select.add(new Option(label, id)); select.value = id; }",
        [str(people["vera"].pk), "Смирнова Вера Павловна"],
    )
    page.fill("#reassign_reason", "Ошибка")
    page.click("#responsible button[type=submit]")

    expect(page.locator("#responsible .errorlist")).to_contain_text("Выберите корректный вариант")
    expect(page.locator("#reassign_reason")).to_have_value("Ошибка")
    # htmx swapped the panel alone: a plain post would have left the address on the form's URL.
    expect(page).to_have_url(card)
    expect(page.locator("h1")).to_have_text('ООО "СтройМаркет"')
    expect(page.locator(".messages")).to_have_count(0)
    assert not ClientAssignmentChange.objects.filter(client=client).exists()

    page.select_option("#reassign_manager", label="Соколов Глеб Олегович")
    page.fill("#reassign_reason", "Анна в отпуске")
    page.click("#responsible button[type=submit]")

    expect(page.locator(".messages")).to_have_text("Ответственные изменены.")
    expect(page).to_have_url(card)
    expect(page.locator("#responsible dd[data-role=manager]")).to_have_text("Соколов Глеб Олегович")
    expect(page.locator("#history li").first).to_contain_text("Анна в отпуске")
    waiting.refresh_from_db()
    assert (waiting.assignee, waiting.routed_by_rule) == (people["gleb"], RoutingRule.MANUAL)
    assert dict(
        ForecastCell.objects.filter(client=client).values_list("month", "manager__username")
    ) == {this_month: "anna", next_month: "gleb"}
    assert page_errors == [], page_errors
