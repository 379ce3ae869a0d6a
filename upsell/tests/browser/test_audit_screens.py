"""The audit overview and the status rules in a real browser: every table fits its panel on a
laptop and scrolls in its own frame on a phone; each managed status's box sits beside its
label; the audit is set to read per organisation and its choice fits a phone; the overview's
workbook downloads."""

import pytest
from playwright.sync_api import ViewportSize

from upsell.tests.browser.conftest import log_in, open_page
from upsell.tests.browser.test_audit_forecast_workload import audited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = ViewportSize(width=1440, height=900)
PHONE = ViewportSize(width=390, height=844)
TABLES = ("status-totals", "migration", "abc-xyz", "budgets", "forecast-backtest")

# Each table of the page: how much wider it is than its frame, and whether the frame scrolls.
TABLE_FITS = """(ids) => ids.filter((id) => document.getElementById(id)).map((id) => {
  const table = document.getElementById(id);
  const frame = table.closest(".table-wrap");
  return {
    id,
    over: Math.max(0, Math.round(table.getBoundingClientRect().width - frame.clientWidth)),
    scrolls: getComputedStyle(frame).overflowX === "auto",
  };
})"""


@pytest.fixture
def signed_in_head(browser, warm_live_server, company, page_errors):
    audited(company)
    page = open_page(browser, locale="ru-RU", errors=page_errors)
    log_in(page, warm_live_server, "helen")
    yield page
    page.context.close()


def test_every_overview_table_fits_its_panel_on_a_laptop(
    signed_in_head, warm_live_server, page_errors
):
    page = signed_in_head
    page.set_viewport_size(LAPTOP)

    page.goto(f"{warm_live_server.url}/audit/")

    tables = page.evaluate(TABLE_FITS, list(TABLES))
    assert {table["id"] for table in tables} >= {"status-totals", "migration", "abc-xyz", "budgets"}
    assert [table for table in tables if table["over"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert page_errors == []


def test_on_a_phone_the_overview_tables_scroll_in_their_own_frame(
    signed_in_head, warm_live_server, page_errors
):
    page = signed_in_head
    page.set_viewport_size(PHONE)

    page.goto(f"{warm_live_server.url}/audit/")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tables = page.evaluate(TABLE_FITS, list(TABLES))
    assert all(table["scrolls"] for table in tables)
    assert page_errors == []


def test_each_managed_status_box_sits_beside_its_label(
    signed_in_head, warm_live_server, page_errors
):
    page = signed_in_head
    page.set_viewport_size(LAPTOP)

    page.goto(f"{warm_live_server.url}/audit/rules/")

    boxes = page.evaluate("""() => [...document.querySelectorAll(
        'input[name="managed_statuses"]')].map((box) => {
      const label = box.closest("label");
      const boxRect = box.getBoundingClientRect();
      const text = document.createRange();
      text.selectNodeContents(label);
      const labelRect = text.getBoundingClientRect();
      return {
        text: label.textContent.trim(),
        width: Math.round(boxRect.width),
        middle: Math.abs(
          (boxRect.top + boxRect.bottom) / 2 - (labelRect.top + labelRect.bottom) / 2
        ),
        gap: Math.round(labelRect.right - boxRect.right),
      };
    })""")
    assert [box["text"] for box in boxes] == [
        "Новый", "Разовый", "Нерегулярный", "Постоянный", "VIP", "Партнёр",
        "Реанимированный", "Уходящий", "Потерянный",
    ]  # fmt: skip
    for box in boxes:
        assert box["width"] == 16, box
        assert box["middle"] <= 2, box
        assert 0 < box["gap"] < 200, box
    assert page_errors == []


def test_the_overview_tables_download_in_excel(signed_in_head, warm_live_server, page_errors):
    page = signed_in_head
    page.goto(f"{warm_live_server.url}/audit/")

    with page.expect_download() as download:
        page.click("#overview-export")

    assert download.value.suggested_filename.startswith("audit-")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page_errors == []


def test_the_head_of_sales_has_the_audit_read_per_organisation(
    browser, warm_live_server, company, page_errors
):
    page = open_page(browser, locale="ru-RU", errors=page_errors)
    log_in(page, warm_live_server, "helen")
    page.set_viewport_size(LAPTOP)
    page.goto(f"{warm_live_server.url}/audit/rules/")

    page.select_option("#id_unit", "organisation")
    page.click("#rules button[type=submit]")
    page.wait_for_url(f"{warm_live_server.url}/audit/rules/")

    assert page.input_value("#id_unit") == "organisation"
    page.set_viewport_size(PHONE)
    unit = page.locator("#id_unit").bounding_box()
    assert unit is not None
    assert unit["x"] >= 0
    assert unit["x"] + unit["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_errors == []
    page.context.close()
