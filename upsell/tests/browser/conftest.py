"""Headless Chromium against the live test server, and a small company to look at.

Debian's Chromium is driven by Playwright (never ``playwright install``: nothing is fetched).
Each test gets a fresh browser context (cookies, language) at 1440×900, and fails if the page
logged an error, a Content-Security-Policy violation first of all.
"""

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import get_resolver
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from upsell.accounts.models import Role, Team, User
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client
from upsell.clients.tests.factories import tax_id_with_checksum
from upsell.core.staticfiles import STATICFILES_FINDERS
from upsell.payments.models import Payment
from upsell.products.models import Product
from upsell.shipments.models import Shipment, ShipmentLine
from upsell.tests.calendar import on_default_day

# Playwright's sync API runs an event loop in the test's thread; Django refuses database calls
# from a thread with a running loop unless told that this one is safe (it is: tests are serial).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# An assertion waits as long as an action does: a full page such as the forecast grid can take
# more than Playwright's 5 s to arrive while the whole suite loads both cores.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = ViewportSize(width=1440, height=900)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PASSWORD = "correct-horse-battery"  # the personas' password (see UserFactory)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def packaged_static_files(settings):
    """The finders the settings take from ``upsell.core.staticfiles`` (plotly.js included)."""
    settings.STATICFILES_FINDERS = STATICFILES_FINDERS


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture(scope="session")
def warm_live_server(live_server):
    """The live server, with every page's module imported before the first timed navigation
    (the analytics behind some pages take seconds to import)."""
    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view
    return live_server


def open_page(browser: Browser, *, locale: str, errors: list[str]) -> Page:
    """A page of a new browser context whose browser asks for ``locale``; it records its errors."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale, accept_downloads=True)
    context.set_default_timeout(10_000)
    # A navigation waits for the page and everything it loads from a live server that shares
    # two cores with another worker's server, browser and office suite: it gets more room than
    # an action, so that a moment of starvation is not read as a broken page.
    context.set_default_navigation_timeout(30_000)
    browser_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    browser_page.on("console", on_console)
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    return browser_page


@pytest.fixture
def page(browser, warm_live_server, page_errors) -> Iterator[Page]:
    """A page in Russian, as the company's people use it."""
    browser_page = open_page(browser, locale="ru-RU", errors=page_errors)
    yield browser_page
    browser_page.context.close()


def expected_not_found(errors: list[str]) -> list[str]:
    """The errors left once the 404 responses a test asked for are set aside."""
    return [error for error in errors if "status of 404" not in error]


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login-card button[type=submit]")
    page.wait_for_selector("header.topbar")


def csv_text(*rows: list[str]) -> str:
    """A semicolon-separated file as 1C writes one."""
    return "".join(";".join(row) + "\n" for row in rows)


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the visible 1440×900 of the page (or all of it) as docs/screenshots/<name>.png.
    The docs show the everyday run's pictures: a run on another calendar day takes none."""
    if not on_default_day():
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


REGIONS = ["Москва", "Санкт-Петербург", "Екатеринбург", "Казань", "Новосибирск"]
SEGMENTS = ["Строительство", "Розница", "Промышленность", "Дилеры"]
NAMES = [
    'ООО "СтройМаркет"', 'АО "Уралсталь"', 'ООО "Вектор"', 'ИП Соколов А. В.', 'ООО "Гранит"',
    'ООО "Меридиан"', 'АО "ТехноПром"', 'ООО "Северный ветер"', 'ООО "Монолит"', 'ООО "Квадрат"',
    'ООО "Профиль"', 'АО "Волга-Снаб"', 'ООО "Ресурс"', 'ООО "Горизонт"', 'ООО "Оптима"',
    'ООО "Стандарт"', 'ООО "Лидер"', 'ИП Кравцова Е. Н.', 'ООО "Альфа-Строй"', 'ООО "Бетон+"',
    'ООО "Кровля"', 'АО "Сибирь-Опт"', 'ООО "ДомСтрой"', 'ООО "Фасад"', 'ООО "Арсенал"',
    'ООО "Камень"', 'ООО "Прогресс"', 'ООО "Эталон"', 'АО "Север"', 'ООО "Спектр"',
]  # fmt: skip
PRODUCTS = [
    ("KR-4216", "Саморез 4,2×16, 1000 шт", "Крепёж", "уп"),
    ("DU-0640", "Дюбель 6×40, 100 шт", "Крепёж", "уп"),
    ("PR-5040", "Профиль ПН 50×40, 3 м", "Профиль", "шт"),
    ("GK-1250", "Гипсокартон 12,5 мм", "Листовые", "лист"),
    ("KL-0025", "Клей плиточный, 25 кг", "Смеси", "меш"),
]


def _months_ago(today: dt.date, months: int, day: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, day)


@pytest.fixture
def company(transactional_db, today: dt.date) -> dict[str, object]:
    """Three managers (Anna with her assistant Vera), the head of sales, top management, an
    administrator, thirty clients, and three years of shipments and payments of Anna's
    biggest client, ООО "СтройМаркет"."""
    people = {
        "anna": UserFactory.create(username="anna", full_name="Иванова Анна Сергеевна"),
        "boris": UserFactory.create(username="boris", full_name="Петров Борис Николаевич"),
        "gleb": UserFactory.create(username="gleb", full_name="Соколов Глеб Олегович"),
        "vera": UserFactory.create(
            username="vera", full_name="Смирнова Вера Павловна", role=Role.ASSISTANT
        ),
        "helen": UserFactory.create(
            username="helen", full_name="Кузнецова Елена Викторовна", role=Role.HEAD_OF_SALES
        ),
        "tom": UserFactory.create(
            username="tom", full_name="Орлов Тимофей Андреевич", role=Role.TOP_MANAGEMENT
        ),
        "adam": UserFactory.create(
            username="adam", full_name="Админов Адам Игоревич", role=Role.ADMIN, is_staff=True
        ),
    }
    Team.objects.create(manager=people["anna"]).assistants.add(people["vera"])
    managers: list[User] = [people["anna"], people["boris"], people["gleb"]]
    clients = []
    for index, name in enumerate(NAMES):
        manager = managers[index % 3]
        plans_budget = index % 4 == 0
        budget = (
            {
                "annual_budget": Decimal(1_200_000 + 350_000 * index),
                "budget_year": today.year,
            }
            if plans_budget
            else {}
        )
        clients.append(
            Client.objects.create(
                name=name,
                tax_id=tax_id_with_checksum(f"77{index + 1:07d}"),
                region=REGIONS[index % len(REGIONS)],
                segment=SEGMENTS[index % len(SEGMENTS)],
                manager=manager,
                assistant=people["vera"] if manager == people["anna"] and index % 2 == 0 else None,
                is_partner=index % 7 == 3,
                plans_budget=plans_budget,
                **budget,
            )
        )
    products = [
        Product.objects.create(sku=sku, name=name, group=group, unit=unit)
        for sku, name, group, unit in PRODUCTS
    ]
    _history(clients[0], products, manager=people["anna"], today=today)
    return {"people": people, "clients": clients, "products": products}


def _history(client: Client, products: list[Product], *, manager: User, today: dt.date) -> None:
    """Monthly shipments for three years, growing, with a summer dip and one return."""
    number = 0
    for months_back in range(35, -1, -1):
        if months_back in (7, 19):
            continue  # the client bought nothing in those months
        for day in (5, 19) if months_back % 3 == 0 else (12,):
            number += 1
            date = _months_ago(today, months_back, day)
            if date > today:
                continue
            lines = []
            for line_no, product in enumerate(products[: 2 + number % 4], start=1):
                quantity = Decimal(10 + (number * 7 + line_no * 13) % 90)
                price = Decimal(150 + 40 * line_no) + Decimal(36 - months_back) * 3
                lines.append((line_no, product, quantity, price))
            _shipment(client, f"РН-{number:05d}", date, manager, lines)
            if number % 2 == 0:
                Payment.objects.create(
                    client=client,
                    date=date + dt.timedelta(days=9),
                    due_date=date + dt.timedelta(days=30),
                    amount=sum((q * p for _, _, q, p in lines), Decimal(0)),
                    number=f"ПП-{number:04d}",
                    natural_key=f"browser-{number}",
                )
    _shipment(
        client,
        "ВЗ-00001",
        _months_ago(today, 4, 20),
        manager,
        [(1, products[0], Decimal(-5), Decimal(190))],
    )


Line = tuple[int, Product, Decimal, Decimal]


def _shipment(client: Client, number: str, date: dt.date, manager: User, lines: list[Line]) -> None:
    shipment = Shipment.objects.create(
        number=number,
        date=date,
        client=client,
        manager=manager,
        total=sum((quantity * price for _, _, quantity, price in lines), Decimal(0)),
        line_count=len(lines),
        content_hash=f"{number}-{date}",
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment,
            line_no=line_no,
            product=product,
            quantity=quantity,
            price=price,
            amount=quantity * price,
        )
        for line_no, product, quantity, price in lines
    )
