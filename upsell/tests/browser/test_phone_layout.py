"""Every main page at a phone's width (390×844) and the full menu at a laptop's (1440×900): on
the phone no page is wider than the screen, the menu folds behind its button and its links work;
on the laptop the head of sales' whole menu and her full name fit the top bar, the closing
pages and her own links opening under "Deals" and under her name."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.deals.models import CoachingPeriod, Deal, DealStage
from upsell.deals.services.activities import ActivityPlan, activity_plan
from upsell.deals.services.deals import deal_open
from upsell.tests.browser.conftest import log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)
WIDE = ViewportSize(width=1440, height=900)
# The head of sales' top-level menu items; the closing pages sit under "Сделки".
HEAD_OF_SALES_ITEMS = {
    "Клиенты", "Аудит", "Прогноз", "Заявки", "Сделки", "Программы", "Нагрузка", "Импорт",
}  # fmt: skip

# The widest element of the page's body, by how far it reaches past the screen's right edge.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && !element.closest(".table-wrap, .board, .scroll-x")) {
      wide.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def phone_page(browser: Browser, errors: list[str]) -> Page:
    page = open_page(browser, locale="ru-RU", errors=errors)
    page.set_viewport_size(PHONE)
    return page


def overflowing(page: Page, url: str) -> dict[str, object] | None:
    """What makes the page at ``url`` wider than the phone, or None when it fits."""
    page.goto(url)
    measured = page.evaluate(OVERFLOW)
    return None if measured["scrollWidth"] <= PHONE["width"] else measured


@dataclass(frozen=True, kw_only=True)
class FieldDay:
    client: Client
    deal: Deal
    period: CoachingPeriod


@pytest.fixture
def field_day(company, today) -> FieldDay:
    """Anna's open deal, her visit to its client tomorrow, and Boris's coaching period."""
    people: dict[str, User] = company["people"]
    client: Client = company["clients"][0]
    deal = deal_open(
        client=client,
        month=today.replace(day=1),
        amount=Decimal("210000.00"),
        title="Профиль на второй склад",
        by=people["anna"],
    )
    starts_at = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10)))
    activity_plan(
        client=client,
        plan=ActivityPlan(
            kind="visit",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            place="Склад клиента, Москва",
            goal="Пробная партия профиля",
        ),
        by=people["anna"],
    )
    period = CoachingPeriod.objects.create(
        manager=people["boris"],
        coach=people["helen"],
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=40),
        goals="Фиксировать следующий шаг после каждой встречи.",
        created_by=people["helen"],
    )
    return FieldDay(client=client, deal=deal, period=period)


def main_pages(field_day: FieldDay, *, head: bool) -> list[str]:
    client, deal = field_day.client, field_day.deal
    urls = [
        reverse("clients:list"),
        reverse("clients:detail", args=[client.pk]),
        reverse("forecasts:grid"),
        reverse("requests:queues"),
        reverse("deals:board"),
        reverse("deals:detail", args=[deal.pk]),
        reverse("deals:activity_plan", args=[client.pk]),
        reverse("deals:calendar"),
        reverse("deals:coaching_list"),
        reverse("deals:conversion"),
        reverse("deals:stuck"),
        reverse("programs:list"),
    ]
    if head:
        urls += [reverse("deals:coaching_detail", args=[field_day.period.pk])]
        urls += [reverse("audit:overview"), reverse("portfolios:workload"), reverse("imports:list")]
    return urls


@pytest.mark.parametrize(("username", "head"), [("helen", True), ("anna", False)])
def test_every_main_page_fits_a_phone(browser, live_server, field_day, page_errors, username, head):
    page = phone_page(browser, page_errors)
    log_in(page, live_server, username)

    too_wide = {
        url: measured
        for url in main_pages(field_day, head=head)
        if (measured := overflowing(page, f"{live_server.url}{url}"))
    }

    assert too_wide == {}
    assert page_errors == []
    page.context.close()


def test_on_a_phone_a_box_sits_beside_its_name(browser, live_server, field_day, page_errors):
    page = phone_page(browser, page_errors)
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}{reverse('clients:list')}")

    label = page.locator("#client-filters .field.checkbox label")
    box = label.locator("input[type=checkbox]").bounding_box()
    whole = label.bounding_box()

    assert box is not None
    assert whole is not None
    # One line: the box its own size at the label's left, the name after it on the same line.
    assert box["width"] == 16
    assert box["x"] == whole["x"]
    assert whole["height"] < 2 * box["height"] + 8
    assert page_errors == []
    page.context.close()


@pytest.mark.parametrize(("username", "link", "opens"), [
    ("helen", "Календарь", "/deals/calendar/"),
    ("anna", "Программы", "/programs/"),
])  # fmt: skip
def test_on_a_phone_the_menu_opens_from_its_button_and_leads_to_a_page(
    browser, live_server, field_day, page_errors, username, link, opens
):
    page = phone_page(browser, page_errors)
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}{reverse('deals:board')}")
    menu = page.locator("#topbar-menu")
    button = page.locator(".menu-button")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()

    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".user-name")).to_be_visible()
    expect(page.locator(".user-links button:text-is('Выйти')")).to_be_visible()
    target = menu.locator(f"nav.nav a:text-is('{link}')")
    expect(target).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    target.click()
    expect(page).to_have_url(f"{live_server.url}{opens}")
    expect(page.locator("#topbar-menu")).to_be_hidden()
    page.locator(".menu-button").click()
    expect(page.locator(f"nav.nav a[href='{opens}']")).to_have_attribute("aria-current", "page")
    assert page_errors == []
    page.context.close()


def test_on_a_phone_the_board_moves_a_deal_and_the_week_lists_its_visit(
    browser, live_server, field_day, page_errors
):
    page = phone_page(browser, page_errors)
    log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}{reverse('deals:board')}")
    screenshot(page, "phone-board")
    card = f"#deal-{field_day.deal.pk}"
    page.click(f"{card} button[data-step='1']")
    expect(page.locator(f"#column-offer {card}")).to_be_visible()
    page.locator(card).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#column-objections {card}")).to_be_visible()
    assert Deal.objects.get().stage == DealStage.OBJECTIONS
    page.goto(f"{live_server.url}{reverse('deals:calendar')}")
    expect(page.locator(".week .activity-card")).to_have_count(1)
    screenshot(page, "phone-calendar")
    page.goto(f"{live_server.url}{reverse('clients:detail', args=[field_day.client.pk])}")
    screenshot(page, "phone-card")
    page.locator(".menu-button").click()
    screenshot(page, "phone-menu")
    assert page_errors == []
    page.context.close()


@pytest.mark.parametrize("width", [1280, 1440])
def test_on_a_laptop_the_whole_menu_and_the_full_name_fit(
    browser, live_server, field_day, page_errors, width
):
    page = open_page(browser, locale="ru-RU", errors=page_errors)
    page.set_viewport_size(ViewportSize(width=width, height=900))
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}{reverse('deals:stuck')}")
    name = page.locator(".user-name")
    nav = page.locator("nav.nav")

    expect(name).to_have_text("Кузнецова Елена Викторовна")
    assert name.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert nav.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page.locator(".menu-button").is_hidden()
    top_level = nav.locator(":scope > a, :scope > details > summary").all_inner_texts()
    assert set(top_level) >= HEAD_OF_SALES_ITEMS
    assert {"Конверсия", "Коучинг", "Календарь"} & set(top_level) == set()
    group = nav.locator("details.nav-group")
    expect(group).to_have_attribute("data-active", "")
    expect(group.locator("a[href='/deals/conversion/']")).to_have_attribute("aria-current", "page")
    assert group.locator("a").evaluate_all("links => links.map(link => link.pathname)") == [
        "/deals/", "/deals/conversion/", "/deals/coaching/", "/deals/calendar/",
    ]  # fmt: skip

    page.locator(".user-menu summary").click()
    expect(page.locator(".user-links a[href='/password/']")).to_be_visible()
    group.locator("summary").click()
    expect(page.locator(".user-links")).to_be_hidden()
    if width == WIDE["width"]:
        screenshot(page, "menu-wide")
    group.locator("a[href='/deals/coaching/']").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('deals:coaching_list')}")
    expect(page.locator("nav.nav details.nav-group")).not_to_have_attribute("open", "")
    assert page_errors == []
    page.context.close()
