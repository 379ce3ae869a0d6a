"""Today in a real browser: Anna signs in and lands on her ranked actions, marks one done with
its outcome (kept as her client's call), postpones another and dismisses a third with its
reason, each row leaving without a reload; then the same list on a phone. The walk saves
docs/screenshots/today.png and today-phone.png."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import ViewportSize, expect

from upsell.clients.models import Client, ClientAudit, ClientStatus
from upsell.deals.models import Activity, ActivityState
from upsell.tests.browser.conftest import log_in, open_page, screenshot
from upsell.today.models import ActionDecision, Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)


def _overdue(client: Client, today: dt.date, *, revenue: int, interval: int, since: int) -> None:
    """The night's audit found ``client`` ``since`` days after its last order, against its usual
    ``interval``."""
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.REGULAR)
    ClientAudit.objects.create(
        client=client,
        as_of=today,
        computed_status=ClientStatus.REGULAR,
        status_rule="regular",
        revenue_365=Decimal(revenue),
        last_order_date=today - dt.timedelta(days=since),
        typical_interval_days=interval,
        days_since_last_order=since,
    )


def _row(page, key: str):
    return page.locator(f'li[data-key="{key}"]')


def test_a_manager_decides_her_days_actions(browser, live_server, company, page_errors, today):
    people = company["people"]
    clients = [client for client in company["clients"] if client.manager == people["anna"]]
    first, second, third = clients[1], clients[2], clients[3]
    _overdue(first, today, revenue=1_800_000, interval=21, since=34)
    _overdue(second, today, revenue=1_200_000, interval=14, since=30)
    _overdue(third, today, revenue=600_000, interval=30, since=45)
    page = open_page(browser, locale="ru-RU", errors=page_errors)

    log_in(page, live_server, "anna")

    expect(page.locator("h1")).to_have_text("Сегодня")
    expect(page.locator(".nav a").first).to_have_attribute("href", "/today/")
    done_key = f"past_interval:{first.pk}:{today - dt.timedelta(days=34)}"
    later_key = f"past_interval:{second.pk}:{today - dt.timedelta(days=30)}"
    gone_key = f"past_interval:{third.pk}:{today - dt.timedelta(days=45)}"
    rows = page.locator("#today-actions > li.action")
    expect(rows.first).to_have_attribute("data-key", done_key)
    expect(_row(page, done_key).locator(".stake")).to_have_text("150\xa0000,00\xa0₽")
    screenshot(page, "today", full_page=True)

    # Done, with what was done: the row gives way to a note, the call is the client's.
    row = _row(page, done_key)
    row.locator("summary").click()
    row.locator(".decide-done textarea").fill("Позвонила: закажут в пятницу")
    row.locator(".decide-done button").click()
    expect(page.locator("li.decided[data-decision=done]")).to_be_visible()
    expect(_row(page, done_key)).to_have_count(0)

    # Postponed: refused without a day, then to the day after tomorrow.
    row = _row(page, later_key)
    row.locator("summary").click()
    row.locator(".decide-postpone button").click()
    expect(row.locator(".action-problem")).not_to_be_empty()
    row.locator(".decide-postpone input[type=date]").fill(str(today + dt.timedelta(days=2)))
    row.locator(".decide-postpone button").click()
    expect(page.locator("li.decided[data-decision=postponed]")).to_be_visible()

    # Dismissed with its reason.
    row = _row(page, gone_key)
    row.locator("summary").click()
    row.locator(".decide-dismiss input[name=note]").fill("Клиент сменил профиль")
    row.locator(".decide-dismiss button").click()
    expect(page.locator("li.decided[data-decision=dismissed]")).to_be_visible()

    decisions = {d.key: (d.decision, d.text, d.until) for d in ActionDecision.objects.all()}
    assert decisions == {
        done_key: (Decision.DONE, "Позвонила: закажут в пятницу", None),
        later_key: (Decision.POSTPONED, "", today + dt.timedelta(days=2)),
        gone_key: (Decision.DISMISSED, "Клиент сменил профиль", None),
    }
    call = Activity.objects.get()
    assert (call.client_id, call.state, call.outcome) == (
        first.pk, ActivityState.HELD, "Позвонила: закажут в пятницу",
    )  # fmt: skip

    # Back on the list, the decided three are gone; the same list on a phone.
    phone = browser.new_context(viewport=PHONE, locale="ru-RU")
    try:
        small = phone.new_page()
        log_in(small, live_server, "anna")
        for key in (done_key, later_key, gone_key):
            expect(_row(small, key)).to_have_count(0)
        expect(small.locator("#today-actions > li.action").first).to_be_visible()
        screenshot(small, "today-phone", full_page=False)
    finally:
        phone.close()
    assert page_errors == []
