"""The workload board of a team over capacity, in a real browser at a laptop's and a phone's
width: the head of sales reads by how much, follows a client that could go to assistants to its
card, and downloads the board as a workbook."""

import datetime as dt

import pytest
from openpyxl import load_workbook
from playwright.sync_api import ViewportSize, expect

from upsell.clients.models import Client, ClientAudit, ClientStatus
from upsell.history.models import ChangeSource
from upsell.portfolios.services import workload_settings_update
from upsell.tests.browser.conftest import log_in, open_page, screenshot
from upsell.tests.browser.test_phone_layout import OVERFLOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
def over_capacity(company, today: dt.date) -> list[Client]:
    """Every one of the thirty clients Regular: ten motivated clients for each of the three
    managers against a capacity of four; each audited, the perspective rising with the name."""
    people = company["people"]
    clients: list[Client] = company["clients"]
    Client.objects.update(status=ClientStatus.REGULAR)
    for n, client in enumerate(sorted(clients, key=lambda client: client.name)):
        ClientAudit.objects.create(
            client=client, as_of=today, status_rule="regular", perspective=3 * n
        )
    workload_settings_update(
        max_motivated_per_manager=4,
        pool_assistant=None,
        changed_by=people["helen"],
        source=ChangeSource.SCREEN,
    )
    return clients


def test_the_head_of_sales_reads_how_far_over_the_team_is_on_a_laptop_and_a_phone(
    browser, warm_live_server, over_capacity, tmp_path
):
    errors: list[str] = []
    page = open_page(browser, locale="en-US", errors=errors)
    live_server = warm_live_server
    log_in(page, live_server, "helen")

    page.goto(f"{live_server.url}/workload/")

    verdict = page.locator("#capacity-verdict")
    expect(verdict).to_contain_text(
        "All 3 managers are over capacity: 30 motivated clients for 3 × 4 = 12 places, 18 over."
    )
    expect(verdict).to_contain_text(
        "At this capacity the team needs 8 managers (5 more); with 3 managers, the capacity "
        "would have to be 10 motivated clients each"
    )
    candidates = page.locator("#assistant-candidates tbody tr")
    expect(candidates).to_have_count(18)
    expect(page.get_by_text("Every portfolio is within capacity")).to_have_count(0)
    screenshot(page, "workload-over-capacity-en")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export to Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Workload", "Could go to assistants"]
    assert [row[:7] for row in workbook["Workload"].iter_rows(min_row=2, values_only=True)] == [
        ("Смирнова Вера Павловна", "Assistant", 0, 0, None, None, None),
        ("Иванова Анна Сергеевна", "Manager", 10, 0, 4, 250, 6),
        ("Петров Борис Николаевич", "Manager", 10, 0, 4, 250, 6),
        ("Соколов Глеб Олегович", "Manager", 10, 0, 4, 250, 6),
    ]
    assert workbook["Could go to assistants"].max_row == 19

    page.set_viewport_size(PHONE)
    page.reload()
    expect(verdict).to_be_visible()
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= PHONE["width"], measured
    first = candidates.first.locator("a")
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(name)

    page.context.close()
    assert errors == []
