"""The main screens on a demo company as `make demo` builds it — generated, imported through
the real path, audited, its open orders taken, its last six months' forecast replayed and the
next year's fitted — saved to docs/screenshots/demo-*.png for docs/screens.md.

Each screen is checked against the database before it is photographed, so the pictures show
what the product computed, not a staged page.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import translation
from playwright.sync_api import Page, expect

from upsell.accounts.demo import DEMO_PASSWORD, demo_logins_prepare
from upsell.accounts.models import Role, User
from upsell.clients.models import Client, ClientStatus
from upsell.clients.motivation import motivated_q
from upsell.core.months import month_add, month_start
from upsell.demo import generate
from upsell.forecasts.locks import months_locked
from upsell.forecasts.models import ForecastCell, ForecastLock, SalesPlan
from upsell.forecasts.services import sales_plan_set
from upsell.history.models import ChangeSource
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path, import_paths
from upsell.reporting.models import RunStatus
from upsell.reporting.services import (
    audit_run_create,
    audit_run_execute,
    forecast_backfill,
    forecast_run_create,
    forecast_run_execute,
)
from upsell.requests.models import OrderRequest
from upsell.tests.browser.conftest import expected_not_found, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLAYED_MONTHS = 6


def _demo_company(directory: Path, *, today: dt.date) -> None:
    demo = generate(directory, clients=300, seed=7, today=today)
    outcomes = import_paths(paths=list(demo.files.in_import_order()))
    assert [outcome.run.status for _, outcome in outcomes] == [ImportStatus.SUCCEEDED] * 6
    audit = audit_run_execute(
        run=audit_run_create(as_of=today, engine="duckdb", started_by=None, enqueue=False)
    )
    assert audit.status == RunStatus.SUCCEEDED
    assert import_path(path=demo.files.orders).status == ImportStatus.SUCCEEDED
    forecast_backfill(months=REPLAYED_MONTHS, today=today)
    run = forecast_run_execute(
        run=forecast_run_create(as_of=today, model="auto", started_by=None, enqueue=False)
    )
    assert run.status == RunStatus.SUCCEEDED


def _plans_for(manager: User, *, head_of_sales: User, today: dt.date) -> None:
    """The head of sales' plan for the manager: a tenth above the baseline, in round thousands.

    A plan is set before its month is locked; the demo's history has locked the months already
    over, so their plans are written as the head of sales set them at the start of the year.
    The months still open take theirs as the grid gives them."""
    first = month_start(today.replace(month=1))
    months = [month_add(first, index) for index in range(12)]
    locked = months_locked(months)
    for month in months:
        baseline = ForecastCell.objects.filter(manager=manager, month=month).aggregate(
            total=Sum("baseline")
        )["total"] or Decimal(0)
        plan = (baseline * Decimal("1.1") / 1000).quantize(Decimal(1)) * 1000
        if month in locked:
            if plan:
                SalesPlan.objects.create(
                    manager=manager, month=month, amount=plan, set_by=head_of_sales
                )
            continue
        sales_plan_set(
            manager=manager,
            month=month,
            amount=plan or None,
            set_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.login-card button[type=submit]")
    page.wait_for_selector("header.topbar")


def _shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    screenshot(page, f"demo-{name}", full_page=full_page)


def test_the_demo_company_on_its_main_screens(today, browser, warm_live_server, tmp_path):
    _demo_company(tmp_path / "demo", today=today)
    logins = {login.role: login.username for login in demo_logins_prepare()}
    head_of_sales = User.objects.get(username=logins[str(Role.HEAD_OF_SALES.label)])
    manager = (
        User.objects.filter(role=Role.MANAGER, username__in=logins.values()).order_by("id").first()
    )
    assert manager is not None
    _plans_for(manager, head_of_sales=head_of_sales, today=today)
    url = warm_live_server.url
    errors: list[str] = []

    # The head of sales: the audit, the team's forecast, the requests, the workload.
    page = open_page(browser, locale="ru-RU", errors=errors)
    _log_in(page, url, head_of_sales.username)
    page.goto(f"{url}/audit/")
    vip = Client.objects.filter(status=ClientStatus.VIP).count()
    with translation.override("ru"):
        vip_label = str(ClientStatus.VIP.label)
    vip_row = page.locator("#status-totals tbody tr").filter(has_text=vip_label)
    expect(vip_row.locator("td").nth(1)).to_have_text(str(vip))
    expect(page.locator("#forecast-baselines")).to_contain_text("Базовый прогноз")
    _shoot(page, "audit-ru", full_page=True)

    page.goto(f"{url}/forecasts/")
    team = User.objects.filter(role=Role.MANAGER, is_active=True).count()
    expect(page.locator("table.forecast-team tbody tr")).to_have_count(3 * team)
    _shoot(page, "forecast-team-ru")

    page.goto(f"{url}/requests/")
    expect(page.locator("main")).to_contain_text(
        OrderRequest.objects.order_by("id").first().client.name  # type: ignore[union-attr]
    )
    _shoot(page, "requests-ru")

    page.goto(f"{url}/workload/")
    expect(page.locator("main")).to_contain_text(str(manager))
    _shoot(page, "workload-ru")

    page.goto(f"{url}/clients/?status=vip")
    expect(page.locator("main")).to_contain_text(
        Client.objects.filter(status=ClientStatus.VIP).order_by("name").first().name  # type: ignore[union-attr]
    )
    _shoot(page, "clients-ru")
    page.context.close()

    # A manager: its grid, the accuracy of the months replayed and closed.
    page = open_page(browser, locale="ru-RU", errors=errors)
    _log_in(page, url, manager.username)
    page.goto(f"{url}/forecasts/")
    # The grid of a year lists the manager's motivated clients as they are today, by name:
    # a client motivated since the last audit has a row before it has a cell, and one that
    # left the managed statuses has none, whatever cells it had.
    motivated = list(
        Client.objects.filter(manager=manager)
        .filter(motivated_q())
        .order_by("name", "id")
        .values_list("name", flat=True)
    )
    assert motivated
    expect(page.locator("table.forecast-grid tbody tr th a")).to_have_text(motivated)
    _shoot(page, "forecast-grid-ru")

    page.goto(f"{url}/forecasts/accuracy/")
    closed = ForecastLock.objects.filter(month__lt=month_start(today)).count()
    assert closed == REPLAYED_MONTHS - 1
    expect(page.locator("#total-wape")).not_to_have_text("—")
    _shoot(page, "forecast-accuracy-ru")

    first_client = Client.objects.filter(manager=manager, status=ClientStatus.VIP).first()
    if first_client is not None:
        page.goto(f"{url}/clients/{first_client.pk}/")
        expect(page.locator("h1")).to_contain_text(first_client.name)
        _shoot(page, "client-card-ru")
    page.context.close()

    assert expected_not_found(errors) == []
