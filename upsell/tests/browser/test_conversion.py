"""From forecast to money in a real browser, at a desktop's and a phone's width: the head of
sales reads the team's funnel, changes the months and follows a figure to the forecast; a
manager reads only its own funnel and its stuck deals."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from upsell.core.months import month_add, month_start
from upsell.deals.models import DealStage
from upsell.deals.tests.conversion_world import cell, deal, paid, shipped
from upsell.forecasts.services import forecast_snapshot_take
from upsell.tests.browser.conftest import VIEWPORT, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)


def both_widths(page: Page, name: str) -> None:
    for viewport, suffix in ((VIEWPORT, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}{suffix}", full_page=True)
    page.set_viewport_size(VIEWPORT)


def _text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def funnel(company, today):
    """Last month Anna forecast 500 000 for two clients (locked), put 430 000 in deals (280 000
    won), her won client was shipped 250 000 and paid 200 000 of it; Boris forecast 120 000, has
    an order of 100 000 shipped in full and unpaid. This month Anna's deal of 300 000 has waited
    20 days."""
    people, clients = company["people"], company["clients"]
    last, current = month_add(month_start(today), -1), month_start(today)
    anna_first, anna_second, boris_first = clients[3], clients[6], clients[1]
    cell(anna_first, last, amount="300000")
    cell(anna_second, last, amount="200000")
    cell(boris_first, last, amount="120000")
    forecast_snapshot_take(month=last)
    cell(anna_first, current, amount="350000")
    deal(anna_first, last, "280000", DealStage.WON, title="Профиль на квартал")
    deal(anna_second, last, "150000", DealStage.OBJECTIONS, title="Крепёж")
    deal(anna_second, last, "60000", DealStage.LOST, title="Смеси")
    deal(boris_first, last, "100000", DealStage.ORDER, title="Гипсокартон")
    stuck = deal(
        anna_first,
        current,
        "300000",
        DealStage.TERMS_AGREED,
        title="Листовые материалы",
        last_activity_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20),
    )
    shipped(anna_first, last.replace(day=10), "250000")
    paid(anna_first, last.replace(day=20), "200000")
    shipped(boris_first, last.replace(day=5), "100000")
    return {"last": last, "current": current, "stuck": stuck, **people}


def test_the_head_of_sales_reads_the_funnel_changes_the_months_and_follows_a_figure(
    page, live_server, funnel, page_errors
):
    anna, last = funnel["anna"], funnel["last"]
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/deals/conversion/")

    key = f"{anna.pk}-{last:%Y-%m}"
    assert _text(page, f"#fig-{key}-forecast").startswith("500 000,00")
    assert _text(page, f"#fig-{key}-in_deals").startswith("430 000,00")
    assert _text(page, f"#fig-{key}-ordered").startswith("280 000,00")
    assert _text(page, f"#fig-{key}-shipped").startswith("250 000,00")
    assert _text(page, f"#fig-{key}-paid").startswith("200 000,00")
    assert _text(page, f"#fig-team-{last:%Y-%m}-forecast").startswith("620 000,00")
    expect(page.locator("#report section.panel[id^=month-]")).to_have_count(5)
    both_widths(page, "closing-conversion")

    page.fill("#id_first", f"{last:%Y-%m}")
    page.fill("#id_last", f"{last:%Y-%m}")
    page.click("#conversion-filters button[type=submit]")
    expect(page.locator("#report section.panel[id^=month-]")).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"first={last:%Y-%m}&last={last:%Y-%m}"))
    assert _text(page, "#fig-team-all-paid").startswith("200 000,00")

    page.click(f"#fig-{key}-forecast a")
    expect(page).to_have_url(
        re.compile(rf"/forecasts/\?manager={anna.pk}&year={last.year}#total-forecast-{last:%Y-%m}")
    )
    expect(page.locator(f"#total-forecast-{last:%Y-%m}")).to_be_visible()
    assert page_errors == []


def test_a_manager_reads_only_its_own_funnel_and_its_stuck_deals(
    page, live_server, funnel, page_errors
):
    anna, boris, last = funnel["anna"], funnel["boris"], funnel["last"]
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/deals/conversion/")

    expect(page.locator(f"#fig-{anna.pk}-{last:%Y-%m}-paid")).to_be_visible()
    expect(page.locator(f"[id^=fig-{boris.pk}-]")).to_have_count(0)
    expect(page.locator("[id^=fig-team-]")).to_have_count(0)
    expect(page.locator("#id_manager")).to_have_count(0)
    expect(page.get_by_text(str(boris))).to_have_count(0)
    both_widths(page, "closing-conversion-manager")

    page.click(".page-header a[href='/deals/stuck/']")
    rows = page.locator("#stuck tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Листовые материалы")
    expect(rows.first.locator(".stuck-days")).to_have_text("20")
    expect(page.locator("#stuck-rule")).to_contain_text("14")
    both_widths(page, "closing-conversion-stuck")
    assert page_errors == []
