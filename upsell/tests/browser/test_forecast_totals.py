"""The forecast grid's totals follow a saved cell and a changed plan in a real browser: htmx
swaps the row's total and the footer's cells out of band, and a reload shows the same; a locked
month's plan reads, marked locked, but takes no new figure."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from upsell.forecasts.services import forecast_snapshot_take
from upsell.tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "125\xa0000,00"


def test_the_totals_follow_a_saved_cell_and_a_changed_plan(page, live_server, company, page_errors):
    people, clients = company["people"], company["clients"]
    assert isinstance(people, dict)
    assert isinstance(clients, list)
    stroymarket = clients[0]  # Anna's; it plans a budget, so it is in her grid
    log_in(page, live_server, "helen")
    page.goto(
        f"{live_server.url}/forecasts/?manager={people['anna'].pk}&year={timezone.localdate().year}"
    )
    cell = (
        page.locator(f"#row-total-{stroymarket.pk}")
        .locator("xpath=..")
        .locator("td.forecast-cell:has(button)")
        .last
    )
    cell_id = cell.get_attribute("id")
    assert cell_id is not None
    month = cell_id[-7:]  # the id ends with the cell's YYYY-MM
    # The company has no baselines yet: every forecast is zero until someone writes one.
    expect(page.locator(f"#total-forecast-{month}")).to_have_text("0,00")

    cell.locator("button").click()
    editor = page.locator(f"#{cell_id} form.cell-editor")
    editor.locator("input[name=amount]").fill("125000")
    editor.locator("select[name=confidence]").select_option("commit")
    editor.locator("button[type=submit]").click()

    expect(page.locator(f"#{cell_id} .manager-amount strong")).to_have_text(SAVED)
    expect(page.locator(f"#row-total-{stroymarket.pk} strong")).to_have_text(SAVED)
    expect(page.locator(f"#total-forecast-{month}")).to_have_text(SAVED)
    expect(page.locator("#total-forecast-year")).to_have_text(SAVED)

    plan = page.locator(f"#plan-{month} input[name=amount]")
    plan.fill("100000")
    plan.press("Tab")  # the plan is sent when its field changes

    expect(page.locator(f"#total-gap-{month}")).to_have_text("25\xa0000,00")
    expect(page.locator("#total-plan-year")).to_have_text("100\xa0000,00")
    followed = {
        element_id: page.locator(f"#{element_id}").inner_text()
        for element_id in (
            f"row-total-{stroymarket.pk}",
            f"total-baseline-{month}",
            f"total-forecast-{month}",
            f"total-gap-{month}",
            f"total-fact-{month}",
            "total-baseline-year",
            "total-forecast-year",
            "total-plan-year",
            "total-fact-year",
        )
    }
    assert page.locator("[hx-swap-oob]").count() == 0  # every part landed in its place

    page.reload()

    assert {
        element_id: page.locator(f"#{element_id}").inner_text() for element_id in followed
    } == followed
    assert page_errors == []


def test_a_locked_months_plan_reads_but_takes_no_new_figure(
    page, live_server, company, page_errors
):
    people = company["people"]
    assert isinstance(people, dict)
    year = timezone.localdate().year
    forecast_snapshot_take(month=dt.date(year, 1, 1))
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/forecasts/?manager={people['anna'].pk}&year={year}")

    january, december = page.locator(f"#plan-{year}-01"), page.locator(f"#plan-{year}-12")

    expect(january.locator(".badge.locked")).to_be_visible()
    expect(january.locator("input")).to_have_count(0)
    expect(december.locator("input[name=amount]")).to_be_editable()
    expect(december.locator(".badge.locked")).to_have_count(0)
    assert page_errors == []
