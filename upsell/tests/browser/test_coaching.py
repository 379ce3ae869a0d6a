"""Coaching in a real browser, at a desktop's and a phone's width: the head of sales opens a
period for Boris, writes a note without a page reload, and reads the effect the night measured;
Boris reads his own period."""

import datetime as dt

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from upsell.core.months import month_add, month_start
from upsell.deals.models import CoachingEffect, CoachingPeriod
from upsell.tests.browser.conftest import VIEWPORT, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)


def both_widths(page: Page, name: str) -> None:
    for viewport, suffix in ((VIEWPORT, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}{suffix}", full_page=True)
    page.set_viewport_size(VIEWPORT)


def _night_measured(period: CoachingPeriod) -> None:
    """What the nightly coaching measure stores for the period."""
    measured = dt.datetime.now(dt.UTC)
    rows = [
        ("win_rate", 41.7, 60.4, 43.1, 44.9, 16.9, 4.2, 29.8, ""),
        ("cycle_days", 14.2, 11.8, 13.9, 13.6, -2.1, -4.0, -0.3, ""),
        ("attainment", 82.5, 91.0, 84.0, 85.2, 7.3, -1.5, 15.9, ""),
        ("motivated_growth", 1_250_000.0, 1_410_000.0, 980_000.0, 1_005_000.0, None, None, None,
         "few_controls::1:2"),
    ]  # fmt: skip
    for metric, cb, ca, ob, oa, effect, low, high, too_little in rows:
        CoachingEffect.objects.create(
            period=period, metric=metric, coached_before=cb, coached_after=ca, control_before=ob,
            control_after=oa, effect=effect, effect_low=low, effect_high=high,
            control_managers=1 if too_little else 2, too_little=too_little, measured_at=measured,
        )  # fmt: skip


def test_the_head_of_sales_opens_a_period_writes_a_note_and_reads_the_effect(
    page, live_server, company, page_errors, today
):
    boris = company["people"]["boris"]
    starts = month_add(month_start(today), -2)
    ends = month_add(starts, 2) - dt.timedelta(days=1)
    log_in(page, live_server, "helen")
    page.click("nav.nav details.nav-group summary")
    page.click("nav.nav a[href='/deals/coaching/']")
    page.click("a[href='/deals/coaching/new/']")

    page.select_option("#id_manager", str(boris.pk))
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_ends_on", ends.isoformat())
    page.fill("#id_goals", "Отрабатывать возражения по цене; фиксировать следующий шаг.")
    both_widths(page, "closing-coaching-form")
    page.click("#coaching-form button.primary")

    period = CoachingPeriod.objects.get()
    expect(page).to_have_url(f"{live_server.url}/deals/coaching/{period.pk}/")
    expect(page.locator("#goals")).to_contain_text("возражения по цене")
    page.fill("#id_text", "Хорошо выясняет потребность, рано переходит к цене.")
    page.click("#note-form button")
    expect(page.locator("#notes article.note")).to_have_count(1)
    expect(page.locator("#notes article.note")).to_contain_text("рано переходит к цене")
    expect(page.locator("#id_text")).to_have_value("")

    _night_measured(period)
    page.reload()
    win_rate = page.locator("#effect li[data-metric=win_rate]")
    expect(win_rate).to_contain_text("16,9")
    expect(win_rate).to_contain_text("[4,2; 29,8]")
    expect(page.locator("#effect-figures tr[data-metric=win_rate] td").first).to_have_text("41,7 %")
    expect(page.locator("#effect li[data-metric=motivated_growth]")).to_have_class("muted")
    both_widths(page, "closing-coaching")
    assert page_errors == []


def test_the_coached_manager_reads_his_period_and_may_not_write(
    page, live_server, company, page_errors, today
):
    people = company["people"]
    period = CoachingPeriod.objects.create(
        manager=people["boris"], coach=people["helen"], starts_on=month_start(today),
        ends_on=today, goals="Больше встреч",
    )  # fmt: skip
    log_in(page, live_server, "boris")
    page.click("nav.nav details.nav-group summary")
    page.click("nav.nav a[href='/deals/coaching/']")
    page.click(f"a[href='/deals/coaching/{period.pk}/']")

    expect(page.locator("#goals")).to_contain_text("Больше встреч")
    expect(page.locator("#note-form")).to_have_count(0)
    expect(page.locator("#join-form")).to_have_count(0)
    assert page_errors == []
