"""The forecast grid as a manager works in it, in a real browser: it opens on the months that
can still change, with the client column and the months' header in view however it scrolls;
one click takes the baseline for a row or the whole grid; the keys of a spreadsheet save a cell
and move on, past the locked months; a cell's editor opens clear of the client column, and a
click on a ✎ opens its cell while another cell closes. And a client's forecast on the card fits
a 390 px phone."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import FloatRect, Page, Route, ViewportSize, expect

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientAudit
from upsell.core.months import year_months
from upsell.forecasts.models import ForecastCell
from upsell.forecasts.services import (
    BaselineRow,
    forecast_baselines_replace,
    forecast_snapshot_take,
)
from upsell.tests.browser.conftest import log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)
JULY, AUGUST, SEPTEMBER, DECEMBER = 7, 8, 9, 12


@pytest.fixture(autouse=True)
def mid_july():
    """July is the first month that can still change: the clock stands at 15 July of this year."""
    moment = dt.datetime(timezone.localdate().year, 7, 15, 10, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def grid(company) -> tuple[User, list[Client]]:
    """Anna and her three motivated clients (Арсенал, Ресурс, СтройМаркет), each with a
    baseline of 1 000 × its place + the month's number for every month of the year."""
    people, clients = company["people"], company["clients"]
    assert isinstance(people, dict)
    assert isinstance(clients, list)
    anna = people["anna"]
    motivated = sorted(
        (c for c in clients if c.manager == anna and c.plans_budget), key=lambda c: c.name
    )
    months = year_months(timezone.localdate().year)
    forecast_baselines_replace(
        rows=[
            BaselineRow(
                client_id=client.pk,
                month=month,
                expected_orders=Decimal(1),
                amount=Decimal(1000 * (index + 1) + month.month),
                low=Decimal(0),
                high=Decimal(90_000),
            )
            for index, client in enumerate(motivated)
            for month in months
        ],
        months=months,
        model="browser-test",
    )
    return anna, motivated


def _cell_id(client: Client, month: int) -> str:
    return f"cell-{client.pk}-{timezone.localdate().year}-{month:02d}"


def _month(number: int) -> dt.date:
    return dt.date(timezone.localdate().year, number, 1)


def _english_page(browser, errors: list[str]) -> Page:
    return open_page(browser, locale="en-US", errors=errors)


def _box(page: Page, selector: str) -> FloatRect:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_the_grid_opens_on_the_open_months_and_keeps_its_client_column_and_header(
    browser, warm_live_server, grid
):
    errors: list[str] = []
    page = _english_page(browser, errors)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")
    year = timezone.localdate().year

    frame = ".forecast-frame"
    frame_box = _box(page, frame)
    client_column = _box(page, ".forecast-grid thead th:first-child")
    july = _box(page, f".forecast-grid thead th:has-text('07.{year}')")
    december = _box(page, f".forecast-grid thead th:has-text('12.{year}')")
    # July to December are in view beside the client column; the months over are scrolled
    # (partly) out of the way.
    assert page.evaluate("document.querySelector('.forecast-frame').scrollLeft") > 0
    assert july["x"] >= client_column["x"] + client_column["width"] - 1
    assert december["x"] + december["width"] <= frame_box["x"] + frame_box["width"] + 1
    january = _box(page, f".forecast-grid thead th:has-text('01.{year}')")
    assert january["x"] < client_column["x"] + client_column["width"]  # under the client column

    # Scrolled to the year's end and down: the client names and the months stay in view.
    page.evaluate(
        "() => { const f = document.querySelector('.forecast-frame');"
        " f.scrollLeft = f.scrollWidth; f.scrollTop = f.scrollHeight; }"
    )
    frame_box = _box(page, frame)
    first_client = _box(page, ".forecast-grid tbody th.client-cell")
    header = _box(page, f".forecast-grid thead th:has-text('12.{year}')")
    assert abs(first_client["x"] - frame_box["x"]) <= 2
    assert abs(header["y"] - frame_box["y"]) <= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.context.close()
    assert errors == []


def test_a_manager_accepts_the_baseline_of_a_row_then_of_the_whole_grid(
    browser, warm_live_server, grid
):
    _anna, (arsenal, resurs, stroymarket) = grid
    errors: list[str] = []
    page = _english_page(browser, errors)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")

    row = page.locator("tr", has=page.locator(f"#{_cell_id(resurs, JULY)}"))
    row.get_by_role("button", name="accept the baseline").click()

    # July to December of Ресурс: six months still open.
    expect(page.locator(".messages")).to_have_text("6 empty cells now hold their baseline.")
    expect(page.locator(f"#{_cell_id(resurs, AUGUST)} .manager-amount strong")).to_have_text(
        "2,008.00"
    )
    expect(page.locator(f"#{_cell_id(resurs, 6)} .manager-amount")).to_have_count(0)  # over

    page.get_by_role("button", name="Accept the baseline", exact=True).click()

    expect(page.locator(".messages")).to_have_text("12 empty cells now hold their baseline.")
    filled = ForecastCell.objects.exclude(amount=None)
    assert sorted({cell.client_id for cell in filled}) == sorted(
        [arsenal.pk, resurs.pk, stroymarket.pk]
    )
    assert {cell.month.month for cell in filled} == set(range(JULY, 13))
    assert all(cell.amount == cell.baseline for cell in filled)
    page.context.close()
    assert errors == []


def test_a_clients_forecast_fits_a_phone(browser, warm_live_server, grid):
    _anna, (_arsenal, _resurs, stroymarket) = grid
    errors: list[str] = []
    page = open_page(browser, locale="ru-RU", errors=errors)
    page.set_viewport_size(PHONE)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}{reverse('clients:detail', args=[stroymarket.pk])}")

    section = page.locator("#client-forecast")
    expect(section.locator("tbody tr")).to_have_count(6)
    expect(section.locator("tbody tr").first).to_contain_text(f"07.{timezone.localdate().year}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = section.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    # The months, the baseline and the forecast are readable without scrolling sideways.
    for column in range(3):
        cell = section.locator("tbody tr").first.locator("td").nth(column).bounding_box()
        assert cell is not None
        assert cell["x"] + cell["width"] <= PHONE["width"]
    page.context.close()
    assert errors == []


def _amount_field(page: Page, client: Client, month: int):
    return page.locator(f"#{_cell_id(client, month)} form.cell-editor [name=amount]")


def _july_closing_held(page: Page, live_server, client: Client) -> list[Route]:
    """Anna's grid with ``client``'s July opened, then closed by Escape; the closed cell's
    response held (given back by the caller) so the editor is still on the page.

    The route is in place from the start (the editor's URL has ?edit=1 and passes), long before
    the request it holds, and the wait for it is generous, as both cores may be busy with other
    browsers."""
    held: list[Route] = []
    july_closed = f"**/forecasts/cells/{client.pk}/{_month(JULY):%Y-%m}/"
    page.route(july_closed, lambda route: held.append(route))
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/forecasts/")
    page.locator(f"#{_cell_id(client, JULY)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, client, JULY)).to_be_focused()
    with page.expect_request(july_closed, timeout=30_000):
        page.keyboard.press("Escape")
    return held


def _amounts() -> dict[tuple[int, int], Decimal | None]:
    return {
        (cell.client_id, cell.month.month): cell.amount
        for cell in ForecastCell.objects.exclude(amount=None)
    }


def test_a_manager_types_amounts_and_moves_with_tab_and_enter(browser, warm_live_server, grid):
    _anna, (arsenal, resurs, stroymarket) = grid
    errors: list[str] = []
    page = _english_page(browser, errors)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")

    page.locator(f"#{_cell_id(arsenal, JULY)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, arsenal, JULY)).to_be_focused()
    page.keyboard.type("1500")
    page.keyboard.press("Tab")

    # Saved, and the next month of the same client is open, its amount ready to type.
    expect(page.locator(f"#{_cell_id(arsenal, JULY)} .manager-amount strong")).to_have_text(
        "1,500.00"
    )
    expect(_amount_field(page, arsenal, AUGUST)).to_be_focused()
    page.keyboard.type("2500.5")
    page.keyboard.press("Enter")

    # Saved, and the same month of the next client is open.
    expect(_amount_field(page, resurs, AUGUST)).to_be_focused()
    assert _amounts() == {
        (arsenal.pk, JULY): Decimal("1500.00"),
        (arsenal.pk, AUGUST): Decimal("2500.50"),
    }
    expect(page.locator(f"#{_cell_id(arsenal, AUGUST)} .manager-amount strong")).to_have_text(
        "2,500.50"
    )

    # Shift+Enter goes back up; Escape puts the figure back and closes the cell.
    page.keyboard.type("777")
    page.keyboard.press("Shift+Enter")
    expect(_amount_field(page, arsenal, AUGUST)).to_be_focused()
    expect(_amount_field(page, arsenal, AUGUST)).to_have_value("2,500.50")
    page.keyboard.type("9")
    page.keyboard.press("Escape")
    august = page.locator(f"#{_cell_id(arsenal, AUGUST)}")
    expect(august.locator("form.cell-editor")).to_have_count(0)
    expect(august.locator(".manager-amount strong")).to_have_text("2,500.50")
    expect(august.get_by_role("button", name="✎")).to_be_focused()
    assert _amounts() == {
        (arsenal.pk, JULY): Decimal("1500.00"),
        (arsenal.pk, AUGUST): Decimal("2500.50"),
        (resurs.pk, AUGUST): Decimal("777.00"),
    }
    assert stroymarket.pk not in {client_id for client_id, _month in _amounts()}
    page.context.close()
    assert errors == []


def test_the_keys_skip_a_locked_month_and_wrap_to_the_next_client(
    browser, warm_live_server, grid, company
):
    _anna, (arsenal, resurs, _stroymarket) = grid
    people = company["people"]
    assert isinstance(people, dict)
    forecast_snapshot_take(month=_month(AUGUST), locked_by=people["helen"])
    errors: list[str] = []
    page = _english_page(browser, errors)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")

    page.locator(f"#{_cell_id(arsenal, JULY)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, arsenal, JULY)).to_be_focused()
    page.keyboard.type("1000")
    page.keyboard.press("Tab")

    # August is locked: September opens.
    expect(_amount_field(page, arsenal, SEPTEMBER)).to_be_focused()
    expect(page.locator(f"#{_cell_id(arsenal, AUGUST)} form")).to_have_count(0)
    page.keyboard.type("3000")
    page.keyboard.press("Shift+Tab")
    expect(_amount_field(page, arsenal, JULY)).to_be_focused()
    expect(_amount_field(page, arsenal, JULY)).to_have_value("1,000.00")
    page.keyboard.press("Escape")
    # July's editor, wider than its closed cell, is gone before December is clicked: a column
    # narrowing between the press and the release of the click would take the click away.
    expect(page.locator(f"#{_cell_id(arsenal, JULY)} form")).to_have_count(0)

    # From December, Tab goes on to the next client's first month that can change.
    page.locator(f"#{_cell_id(arsenal, DECEMBER)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, arsenal, DECEMBER)).to_be_focused()
    page.keyboard.type("4000")
    page.keyboard.press("Tab")
    expect(_amount_field(page, resurs, JULY)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(_amount_field(page, arsenal, DECEMBER)).to_be_focused()

    assert _amounts() == {
        (arsenal.pk, JULY): Decimal("1000.00"),
        (arsenal.pk, SEPTEMBER): Decimal("3000.00"),
        (arsenal.pk, DECEMBER): Decimal("4000.00"),
    }
    page.context.close()
    assert errors == []


def test_a_cell_opened_while_another_is_closing_takes_the_keyboard(browser, warm_live_server, grid):
    """Escape in July, then ✎ in December before July has closed: December's editor, opened
    last, keeps the focus when July's closed cell comes back after it."""
    _anna, (arsenal, _resurs, _stroymarket) = grid
    errors: list[str] = []
    page = _english_page(browser, errors)
    held = _july_closing_held(page, warm_live_server, arsenal)
    page.locator(f"#{_cell_id(arsenal, DECEMBER)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, arsenal, DECEMBER)).to_be_focused()
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(f"#{_cell_id(arsenal, JULY)} form")).to_have_count(0)
    expect(_amount_field(page, arsenal, DECEMBER)).to_be_focused()
    page.keyboard.type("4000")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{_cell_id(arsenal, DECEMBER)} .manager-amount strong")).to_have_text(
        "4,000.00"
    )
    assert _amounts() == {(arsenal.pk, DECEMBER): Decimal("4000.00")}
    page.context.close()
    assert errors == []


def test_a_clients_figures_stay_inside_the_client_column_on_a_phone(
    browser, warm_live_server, grid
):
    """A client's perspective and budget wrap inside the sticky client column at 390 px, never
    running under the first month's column."""
    _anna, clients = grid
    for client in clients:
        ClientAudit.objects.update_or_create(
            client=client,
            defaults={"as_of": timezone.localdate(), "status_rule": "", "perspective": 81},
        )
    errors: list[str] = []
    page = open_page(browser, locale="ru-RU", errors=errors)
    page.set_viewport_size(PHONE)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")
    expect(page.locator("th.client-cell").first).to_contain_text("перспективность 81/100")

    # How far each client cell's content reaches past the cell's right edge, in pixels.
    overflows = page.evaluate(
        """() => [...document.querySelectorAll('.forecast-grid tbody th.client-cell')].map(
            (cell) => {
              const edge = cell.getBoundingClientRect().right;
              const parts = [...cell.querySelectorAll('*')].map(
                (part) => part.getBoundingClientRect().right);
              return [Math.max(0, Math.ceil(Math.max(...parts) - edge)),
                      cell.scrollWidth - cell.clientWidth];
            })"""
    )
    assert overflows == [[0, 0]] * len(clients)
    page.context.close()
    assert errors == []


def _clear_of_the_client_column(page: Page, selector: str) -> None:
    """The element lies whole between the sticky client column's right edge and the phone's."""
    client_column = _box(page, ".forecast-grid thead th:first-child")
    box = _box(page, selector)
    assert box["x"] >= client_column["x"] + client_column["width"], (selector, box)
    assert box["x"] + box["width"] <= PHONE["width"], (selector, box)


def test_the_first_months_editor_opens_beside_the_client_column_on_a_phone(
    browser, warm_live_server, grid
):
    """At 390 px July, the first month that can change, opens beside the sticky client column;
    its editor opens there too, however far the month had been scrolled under the column."""
    _anna, (arsenal, resurs, _stroymarket) = grid
    errors: list[str] = []
    page = _english_page(browser, errors)
    page.set_viewport_size(PHONE)
    log_in(page, warm_live_server, "anna")
    page.goto(f"{warm_live_server.url}/forecasts/")
    _clear_of_the_client_column(page, f".forecast-grid thead th:has-text('07.{_month(JULY).year}')")

    page.locator(f"#{_cell_id(arsenal, JULY)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, arsenal, JULY)).to_be_focused()
    _clear_of_the_client_column(page, f"#{_cell_id(arsenal, JULY)} [name=amount]")
    _clear_of_the_client_column(page, f"#{_cell_id(arsenal, JULY)} form.cell-editor")
    page.keyboard.press("Escape")
    expect(page.locator(f"#{_cell_id(arsenal, JULY)} form")).to_have_count(0)

    # Scrolled on until July's figures run under the client column, only its ✎ showing.
    page.evaluate("document.querySelector('.forecast-frame').scrollLeft += 80")
    page.locator(f"#{_cell_id(resurs, JULY)}").get_by_role("button", name="✎").click()
    expect(_amount_field(page, resurs, JULY)).to_be_focused()
    _clear_of_the_client_column(page, f"#{_cell_id(resurs, JULY)} [name=amount]")
    _clear_of_the_client_column(page, f"#{_cell_id(resurs, JULY)} form.cell-editor")
    # The client column and the months' header still hold their places in the frame.
    frame = _box(page, ".forecast-frame")
    client = _box(page, f"tr:has(#{_cell_id(resurs, JULY)}) th.client-cell")
    header = _box(page, f".forecast-grid thead th:has-text('07.{_month(JULY).year}')")
    assert abs(client["x"] - frame["x"]) <= 2
    assert abs(header["y"] - frame["y"]) <= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()
    assert errors == []


@pytest.mark.parametrize(
    ("row", "month"), [pytest.param(0, AUGUST, id="right"), pytest.param(1, JULY, id="below")]
)
def test_a_click_on_another_cell_while_an_editor_closes_opens_that_cell(
    browser, warm_live_server, grid, row, month
):
    """Escape in Арсенал's July, then the press of a click on the ✎ of a cell beside or below
    it; July's editor, wider and taller than its closed cell, closes before the press is
    released: the click still opens the cell it was aimed at."""
    _anna, clients = grid
    arsenal, target = clients[0], clients[row]
    errors: list[str] = []
    page = _english_page(browser, errors)
    held = _july_closing_held(page, warm_live_server, arsenal)
    edit = _box(page, f"#{_cell_id(target, month)} button[hx-get]")
    page.mouse.move(edit["x"] + edit["width"] / 2, edit["y"] + edit["height"] / 2)
    page.mouse.down()
    assert len(held) == 1
    held[0].continue_()
    # July closed and settled: its ✎ takes the focus back, as after any Escape.
    july = page.locator(f"#{_cell_id(arsenal, JULY)}")
    expect(july.locator("form")).to_have_count(0)
    expect(july.get_by_role("button", name="✎")).to_be_focused()
    page.mouse.up()

    expect(_amount_field(page, target, month)).to_be_focused()
    expect(page.locator("form.cell-editor")).to_have_count(1)
    page.context.close()
    assert errors == []
