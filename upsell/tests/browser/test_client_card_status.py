"""The client card in a real browser: its status badge follows an override set on the card at
once, and the card, the client list and the Users page fit a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import ViewportSize, expect

from upsell.clients.models import ClientStatus
from upsell.tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)
# How far the page reaches past the screen's right edge (wide tables scroll in their frame).
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_the_badge_follows_an_override_at_once(page, live_server, company, page_errors):
    client = company["clients"][0]
    assert client.status == ""
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}{reverse('clients:detail', args=[client.pk])}")
    expect(page.locator("#client-status form")).to_have_count(1)

    page.click("#client-status summary")
    page.select_option("#client-status select[name=status]", ClientStatus.PARTNER)
    page.fill("#client-status [name=reason]", "Дилерский договор")
    page.click("#client-status button[type=submit]")

    expect(page.locator("#status_badge .badge")).to_have_text("Партнёр")
    # A partner is motivated: its manager serves it, and the panel says so without a reload.
    expect(page.locator("#responsible [data-role=manager]")).to_have_text(str(client.manager))
    expect(page.locator("#client-status .panel-header .badge")).to_have_text("Партнёр")
    client.refresh_from_db()
    assert client.status == ClientStatus.PARTNER

    page.click("#client-status summary")
    page.click("#client-status button:has-text('Вернуть')")

    # Back to the computed status: none, the audit has not run on this company.
    expect(page.locator("#client-status .panel-header .badge")).to_have_count(0)
    expect(page.locator("#status_badge .badge")).to_have_count(0)
    assert page_errors == []


@pytest.mark.parametrize(
    ("username", "url_name"),
    [("anna", "clients:list"), ("anna", "clients:detail"), ("adam", "accounts:users")],
)
def test_the_card_the_list_and_the_users_page_fit_a_phone(
    page, live_server, company, page_errors, username, url_name
):
    client = company["clients"][0]
    page.set_viewport_size(PHONE)
    log_in(page, live_server, username)
    args = [client.pk] if url_name == "clients:detail" else []

    page.goto(f"{live_server.url}{reverse(url_name, args=args)}")

    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page_errors == []
