"""The audit, forecast, workload and request screens in a real browser, after an audit has run.

The head of sales walks through them in both languages (the walk saves the screenshots of
docs/screens.md); a manager is refused the audit overview.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.forecasts.models import ForecastCell
from upsell.reporting.models import AuditRun, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.requests.models import OrderRequest, RequestSource
from upsell.requests.services import RequestDetails, order_request_create
from upsell.tests.browser.conftest import log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {
    "ru": {
        "audit": "Аудит клиентов",
        "forecast": "Прогноз продаж по мотивированным клиентам",
        "workload": "Нагрузка",
        "requests": "Очереди заявок",
    },
    "en": {
        "audit": "Client audit",
        "forecast": "Forecast by motivated clients",
        "workload": "Workload",
        "requests": "Request queues",
    },
}
# The amount as the grid shows it: grouped by a (narrow) space in Russian, a comma in English.
SAVED_AMOUNT = {"ru": re.compile(r"^125\s000,00$"), "en": re.compile(r"^125,000\.00$")}


def audited(company: dict[str, object]) -> AuditRun:
    """The company after an audit as of today: every client has a status."""
    run = audit_run_create(
        as_of=timezone.localdate(), engine="duckdb", started_by=None, enqueue=False
    )
    return audit_run_execute(run=run)


def waiting_request(client: Client, *, amount: str, created_by: User) -> OrderRequest:
    return order_request_create(
        client=client,
        details=RequestDetails(
            description="Саморезы и дюбели", amount=Decimal(amount), line_count=2
        ),
        source=RequestSource.UI,
        created_by=created_by,
    )


@pytest.mark.parametrize(("language", "locale"), [("ru", "ru-RU"), ("en", "en-US")])
def test_the_head_of_sales_walks_through_the_audited_company(
    browser, warm_live_server, company, language, locale
):
    people = company["people"]
    clients = company["clients"]
    assert isinstance(people, dict)
    assert isinstance(clients, list)
    anna, helen = people["anna"], people["helen"]
    run = audited(company)
    assert run.status == RunStatus.SUCCEEDED
    assert run.clients == 30
    stroymarket = clients[0]
    request = waiting_request(stroymarket, amount="84500", created_by=helen)
    assert request.assignee == anna  # a motivated client's request stays with its manager
    errors: list[str] = []
    page = open_page(browser, locale=locale, errors=errors)
    live_server = warm_live_server
    log_in(page, live_server, "helen")

    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("h1")).to_have_text(HEADINGS[language]["audit"])
    expect(page.locator("#status-totals tbody tr").first).to_be_visible()
    screenshot(page, f"audit-overview-{language}")

    year = timezone.localdate().year
    page.goto(f"{live_server.url}/forecasts/?manager={anna.pk}&year={year}")
    expect(page.locator("h1")).to_have_text(HEADINGS[language]["forecast"])
    row = page.locator("table.forecast-grid tbody tr").filter(has_text=stroymarket.name)
    cell = row.locator("td.forecast-cell:has(button)").last
    cell_id = cell.get_attribute("id")
    assert cell_id is not None
    cell.locator("button").click()
    editor = page.locator(f"#{cell_id} form.cell-editor")
    editor.locator("input[name=amount]").fill("125000")
    editor.locator("select[name=confidence]").select_option("commit")
    editor.locator("button[type=submit]").click()
    expect(page.locator(f"#{cell_id} .manager-amount strong")).to_have_text(SAVED_AMOUNT[language])
    page.reload()
    expect(page.locator(f"#{cell_id} .manager-amount strong")).to_have_text(SAVED_AMOUNT[language])
    month = dt.date.fromisoformat(f"{cell_id[-7:]}-01")  # the id ends with the cell's YYYY-MM
    saved = ForecastCell.objects.get(client=stroymarket, month=month)
    assert (saved.amount, saved.confidence, saved.version, saved.updated_by) == (
        Decimal("125000.00"),
        "commit",
        1,
        helen,
    )
    page.locator(f"#{cell_id}").scroll_into_view_if_needed()  # the saved cell, in the picture
    screenshot(page, f"forecast-grid-{language}")

    page.goto(f"{live_server.url}/workload/")
    expect(page.locator("h1")).to_have_text(HEADINGS[language]["workload"])
    expect(page.locator("td.primary-cell").filter(has_text=anna.full_name)).to_have_count(1)
    screenshot(page, f"workload-{language}")

    page.goto(f"{live_server.url}/requests/")
    expect(page.locator("h1")).to_have_text(HEADINGS[language]["requests"])
    queue = page.locator("section.panel").filter(has=page.locator("h2", has_text=anna.full_name))
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue.locator("tbody tr")).to_contain_text(stroymarket.name)
    screenshot(page, f"requests-{language}")

    page.context.close()
    assert errors == []


def test_a_manager_is_refused_the_audit_overview(page, live_server, company, page_errors):
    audited(company)
    runs = list(AuditRun.objects.values_list("pk", "status"))
    log_in(page, live_server, "anna")

    response = page.goto(f"{live_server.url}/audit/")

    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Нет доступа")
    assert "Уралсталь" not in page.content()
    assert list(AuditRun.objects.values_list("pk", "status")) == runs
    assert [error for error in page_errors if "status of 403" not in error] == []
