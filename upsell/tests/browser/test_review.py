"""The Monday review and the company view in a real browser, after an audit has run: the head of
sales lands on her review, top management on the company view; the charts draw under the
strict Content-Security-Policy, and both pages fit a laptop's 1440 px and a phone's 390 px
(the wide tables scroll inside their panel). The walk saves the screenshots of docs/screens.md.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from upsell.tests.browser.conftest import log_in, open_page, screenshot
from upsell.tests.browser.test_audit_forecast_workload import audited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {
    "wide": ViewportSize(width=1440, height=900),
    "phone": ViewportSize(width=390, height=844),
}
# How far the page reaches past the screen's right edge, the wide tables' frames set aside.
PAGE_WIDTH = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && !element.closest(".table-wrap")) {
      wide.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def fits(page: Page, width: int) -> None:
    measured: dict[str, Any] = page.evaluate(PAGE_WIDTH)
    assert measured["scrollWidth"] <= width, measured


@pytest.mark.parametrize("size", ["wide", "phone"])
def test_the_reviews_land_draw_and_fit(browser, warm_live_server, company, size):
    audited(company)
    live_server = warm_live_server
    errors: list[str] = []
    viewport = WIDTHS[size]

    page = open_page(browser, locale="ru-RU", errors=errors)
    page.set_viewport_size(viewport)
    log_in(page, live_server, "helen")

    expect(page).to_have_url(f"{live_server.url}/review/")
    expect(page.locator("#status-changes")).to_be_visible()
    for chart in ("plan-months", "status-revenue", "status-flow"):
        expect(page.locator(f'[data-chart="{chart}"].drawn svg.main-svg').first).to_be_attached()
    expect(page.locator("#stagnation .stagnation-span")).to_have_count(3)
    fits(page, viewport["width"])
    screenshot(page, f"review-monday-{size}", full_page=True)
    page.context.close()

    page = open_page(browser, locale="ru-RU", errors=errors)
    page.set_viewport_size(viewport)
    log_in(page, live_server, "tom")

    expect(page).to_have_url(f"{live_server.url}/review/company/")
    expect(page.locator('[data-chart="plan-months"].drawn svg.main-svg').first).to_be_attached()
    page.click("#by-region a >> nth=0")
    moscow = "%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0"
    expect(page).to_have_url(f"{live_server.url}/clients/?region={moscow}")
    page.go_back()
    fits(page, viewport["width"])
    screenshot(page, f"review-company-{size}", full_page=True)
    page.context.close()
    assert errors == []
