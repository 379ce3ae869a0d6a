"""The client card's Changes in a real browser, wide and on a phone: an edit made on the card
shows there at once, and the earlier changes open in place."""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from upsell.clients.services import ClientDetails, client_update
from upsell.history.models import ChangeSource
from upsell.history.presenters import CHANGES_SHOWN
from upsell.tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)


def _fits_the_width(page: Page, selector: str, width: int) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box["x"] >= 0 and box["x"] + box["width"] <= width


def test_an_edit_on_the_card_shows_in_its_changes_wide_and_on_a_phone(
    page, live_server, company, page_errors
):
    client = company["clients"][0]
    anna = company["people"]["anna"]
    for number in range(CHANGES_SHOWN):
        client_update(
            client=client,
            details=ClientDetails(name=client.name, tax_id=client.tax_id, region=client.region,
                                  segment=f"Сегмент {number}", plans_budget=client.plans_budget,
                                  annual_budget=client.annual_budget,
                                  budget_year=client.budget_year),
            changed_by=anna,
            source=ChangeSource.API,
        )  # fmt: skip
    log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}/clients/{client.pk}/edit/")
    page.fill("#id_region", "Тула")
    page.click(".form-actions button[type=submit]")

    expect(page.locator("h1")).to_have_text('ООО "СтройМаркет"')
    newest = page.locator("#changes li").first
    expect(newest).to_contain_text("Москва → Тула")
    expect(newest).to_contain_text("Иванова Анна Сергеевна")
    expect(page.locator("#changes li")).to_have_count(CHANGES_SHOWN)
    assert _fits_the_width(page, "#changes", 1440)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#changes li").first).to_contain_text("Москва → Тула")
    page.locator("#changes p a").click()

    expect(page.locator("#changes li")).to_have_count(CHANGES_SHOWN + 1)
    expect(page.locator("#changes li").last).to_contain_text("Строительство → Сегмент 0")
    assert _fits_the_width(page, "#changes", PHONE["width"])
    assert page_errors == []
