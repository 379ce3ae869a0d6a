"""What to offer a client, on its card in a real browser: Boris opens his client's card and sees
the products its kind of client buys, each with its reason."""

import pytest
from playwright.sync_api import expect

from upsell.offers.tests.world import AS_OF, offers_world
from upsell.reporting.offers import offers_compute
from upsell.tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sees_what_to_offer_on_the_client_card(page, live_server, company, page_errors):
    people = company["people"]
    borises = next(client for client in company["clients"] if client.manager == people["boris"])
    world = offers_world(
        annas_client=company["clients"][0], boris_client=borises, anna=people["anna"]
    )
    offers_compute(as_of=AS_OF)
    log_in(page, live_server, "boris")

    page.goto(f"{live_server.url}/clients/{borises.pk}/")

    section = page.locator("#client-offers")
    first = section.locator("tbody[data-level=products] tr[data-rank='1']")
    expect(first).to_contain_text(world.dowel.name)
    expect(first).to_contain_text(world.anchor.name)
    expect(section.locator("tbody[data-level=groups] tr")).not_to_have_count(0)
    section.scroll_into_view_if_needed()
    screenshot(page, "offers-card")
    assert page_errors == []
