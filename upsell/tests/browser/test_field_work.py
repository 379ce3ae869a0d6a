"""Field work in a real browser: the head of sales adds a client's contact person on its card,
plans a joint visit with its manager (a visit that ends before it starts is refused on its
field), holds it with its outcome, and finds it in the manager's week and the team's, on a
desktop and on a phone. The walk saves docs/screenshots/closing-calendar*.png."""

import datetime as dt

import pytest
from playwright.sync_api import ViewportSize, expect

from upsell.deals.calendar import week_start
from upsell.deals.models import Activity, ActivityState
from upsell.tests.browser.conftest import VIEWPORT, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
def english_page(browser, warm_live_server, page_errors):
    browser_page = open_page(browser, locale="en-US", errors=page_errors)
    yield browser_page
    browser_page.context.close()


def _both_widths(page, name: str) -> None:
    for viewport, suffix in ((VIEWPORT, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}{suffix}", full_page=True)
    page.set_viewport_size(VIEWPORT)


def test_a_joint_visit_planned_held_and_seen_in_the_week(
    english_page, live_server, company, page_errors, today
):
    page = english_page
    people = company["people"]
    client = company["clients"][0]  # Anna's ООО "СтройМаркет"
    day = today + dt.timedelta(days=1)
    log_in(page, live_server, "helen")
    card = f"{live_server.url}/clients/{client.pk}/"
    page.goto(card)

    # A contact person added on the card, in its panel
    page.click("#client-contacts summary")
    page.fill("#client-contacts #id_name", "Соколов Игорь Петрович")
    page.fill("#client-contacts #id_position", "Генеральный директор")
    page.fill("#client-contacts #id_phones", "+7 495 123-45-67")
    page.select_option("#client-contacts #id_decision", "decides")
    page.click("#client-contacts button.primary")
    expect(page.locator("#client-contacts li[data-contact]")).to_contain_text(
        "Соколов Игорь Петрович, Генеральный директор"
    )
    expect(page).to_have_url(card)

    # A visit planned from the card's calls and meetings, first with its end before its start
    page.click("#client-activities a.button")
    page.select_option("#id_kind", "visit")
    page.fill("#id_day", day.isoformat())
    page.fill("#id_starts_at", "10:00")
    page.fill("#id_ends_at", "09:00")
    page.fill("#id_place", "Склад клиента, Москва")
    page.fill("#id_goal", "Пробная партия профиля и скидка за объём")
    page.check("#id_joint")
    page.get_by_label("Соколов Игорь Петрович, Генеральный директор").check()
    page.click("form button.primary")
    expect(page.locator(".field.has-error")).to_contain_text("It ends before it starts.")
    assert Activity.objects.count() == 0

    page.fill("#id_ends_at", "11:30")
    page.click("form button.primary")
    expect(page.locator("h1")).to_have_text('Visit: ООО "СтройМаркет"')
    expect(page.locator(".page-header .badge.warning")).to_have_text("Joint visit")
    expect(page.locator("dd[data-role=participants]")).to_have_text(
        "Иванова Анна Сергеевна, Кузнецова Елена Викторовна"
    )
    activity = Activity.objects.get()
    assert (activity.owner, activity.joint) == (people["anna"], True)

    # Held, with its outcome and next step
    page.fill("#id_outcome", "Согласовали пробную партию на 180 000 ₽")
    page.fill("#id_next_step", "Выслать договор до пятницы")
    page.click("#hold button.primary")
    expect(page.locator("[data-state]")).to_have_text("Held")
    expect(page.locator("[data-role=outcome]")).to_have_text(
        "Согласовали пробную партию на 180 000 ₽"
    )
    activity.refresh_from_db()
    assert activity.state == ActivityState.HELD

    # The manager's week shows it on its day; the next week (htmx, no reload) does not
    week = f"{live_server.url}/deals/calendar/?person={people['anna'].pk}&week={day.isoformat()}"
    page.goto(week)
    visit = page.locator(f"[data-day='{day.isoformat()}'] [data-activity='{activity.pk}']")
    expect(visit).to_contain_text("10:00–11:30")
    expect(visit).to_contain_text("joint")
    _both_widths(page, "closing-calendar")
    page.click("a[rel=next]")
    next_monday = week_start(day) + dt.timedelta(days=7)
    expect(page).to_have_url(
        f"{live_server.url}/deals/calendar/?person={people['anna'].pk}&week={next_monday}"
    )
    expect(page.locator("[data-activity]")).to_have_count(0)
    page.click("a[rel=prev]")
    expect(page.locator(f"[data-activity='{activity.pk}']")).to_have_count(1)

    # The team's week: each manager's row, Anna's and the head of sales' with the visit
    page.select_option("#calendar-person", "team")
    page.click(".week-nav button[type=submit]")
    expect(page.locator(f"[data-person='{people['anna'].pk}'] [data-activity]")).to_have_count(1)
    expect(page.locator(f"[data-person='{people['helen'].pk}'] [data-activity]")).to_have_count(1)
    expect(page.locator(f"[data-person='{people['boris'].pk}'] [data-activity]")).to_have_count(0)
    _both_widths(page, "closing-calendar-team")

    # And the activity's own page on a phone
    page.goto(f"{live_server.url}/deals/activities/{activity.pk}/")
    _both_widths(page, "closing-calendar-visit")
    assert page_errors == [], page_errors


def test_a_manager_sees_its_own_week_and_the_feed_address(
    english_page, live_server, company, page_errors
):
    page = english_page
    log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}/deals/calendar/")

    expect(page.locator("h1")).to_have_text("My week")
    expect(page.locator("#calendar-person")).to_have_count(0)
    address = page.locator(".feed-url").input_value()
    assert address.startswith(f"{live_server.url}/deals/calendar/")
    assert address.endswith(".ics")
    page.click("#calendar-feed button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("new address")
    assert page.locator(".feed-url").input_value() != address
    assert page_errors == [], page_errors
