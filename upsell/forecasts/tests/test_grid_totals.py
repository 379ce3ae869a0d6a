"""The grid's totals follow a saved cell or plan: the response carries, out of band, the row's
total and the month's and the year's totals, equal to what the page shows once reloaded."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell, SalesPlan
from upsell.forecasts.selectors import forecast_grid, forecast_grid_totals
from upsell.forecasts.tests.elements import elements_by_id, texts_by_id
from upsell.shipments.tests.factories import shipment_with_line

TODAY = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
JAN, FEB, MARCH, APRIL = (dt.date(2026, month, 1) for month in (1, 2, 3, 4))
MONTH_TOTALS = ["total-baseline-2026-03", "total-forecast-2026-03", "total-fact-2026-03"]
YEAR_TOTALS = ["total-baseline-year", "total-forecast-year", "total-fact-year"]
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _as(user, language: str = "en") -> HttpClient:
    client = HttpClient(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def company(manager_anna, manager_boris):
    """Anna's grid: Гамма and Дельта. What must not count in it: Дельта's April cell, written
    while Boris had the client; a client of Anna's that is not motivated; Boris's client."""
    gamma = ClientFactory.create(name="Гамма", manager=manager_anna, status=ClientStatus.REGULAR)
    delta = ClientFactory.create(name="Дельта", manager=manager_anna, status=ClientStatus.VIP)
    idle = ClientFactory.create(name="Архив", manager=manager_anna, status=ClientStatus.IRREGULAR)
    beta = ClientFactory.create(name="Бета", manager=manager_boris, status=ClientStatus.REGULAR)
    for client, month, baseline, manager in (
        (gamma, JAN, 1000, manager_anna),
        (gamma, MARCH, 3000, manager_anna),
        (gamma, APRIL, 4000, manager_anna),
        (delta, MARCH, 500, None),
        (delta, APRIL, 700, manager_boris),
        (idle, MARCH, 10_000, manager_anna),
        (beta, MARCH, 20_000, manager_boris),
    ):
        ForecastCell.objects.create(
            client=client,
            month=month,
            manager=manager,
            baseline=Decimal(baseline),
            baseline_high=Decimal(baseline),
        )
    ForecastCell.objects.create(
        client=gamma,
        month=FEB,
        manager=manager_anna,
        baseline=Decimal(2000),
        baseline_high=Decimal(2000),
        amount=Decimal(2500),
        confidence=Confidence.PROBABLE,
        comment="акция",
        version=1,
    )
    for client, day, amount in (
        (gamma, dt.date(2026, 2, 14), 900),
        (gamma, dt.date(2026, 3, 5), 1200),
        (delta, dt.date(2026, 3, 7), 300),
        (idle, dt.date(2026, 3, 1), 5000),
        (beta, dt.date(2026, 3, 2), 50_000),
    ):
        shipment_with_line(client=client, date=day, amount=Decimal(amount))
    SalesPlan.objects.create(manager=manager_anna, month=JAN, amount=Decimal(1000))
    SalesPlan.objects.create(manager=manager_anna, month=MARCH, amount=Decimal(6000))
    return {"gamma": gamma, "delta": delta, "idle": idle, "beta": beta}


def _save_march(http: HttpClient, client, amount: str, version: int):
    return http.post(
        reverse("forecasts:cell", kwargs={"client_id": client.pk, "month": "2026-03"}),
        {"amount": amount, "confidence": "commit", "comment": "", "version": str(version)},
        headers={"HX-Request": "true"},
    )


def _grid_page(user, language: str = "en") -> str:
    return _as(user, language).get(reverse("forecasts:grid")).content.decode()


def test_a_saved_cell_sends_its_row_month_and_year_totals_out_of_band(manager_anna, company):
    gamma = company["gamma"]

    response = _save_march(_as(manager_anna), gamma, "3500", version=0)

    html = response.content.decode()
    found = elements_by_id(html)
    assert html.lstrip().startswith(f'<td id="cell-{gamma.pk}-2026-03"')
    assert found[f"cell-{gamma.pk}-2026-03"].attrs["class"] == "num forecast-cell saved"
    assert "hx-swap-oob" not in found[f"cell-{gamma.pk}-2026-03"].attrs
    out_of_band = {
        element_id: element.text
        for element_id, element in found.items()
        if element.attrs.get("hx-swap-oob") == "true"
    }
    # March: Гамма 3 500 (its amount now) + Дельта's 500 baseline; shipped 1 200 + 300.
    # The year: Гамма 1 000 + 2 500 + 3 500 + 4 000, Дельта 500; shipped 900 + 1 500.
    # Гамма's fact of January to March (0 + 900 + 1 200) stands beside the forecast of those
    # months (1 000 + 2 500 + 3 500), not beside the year's.
    assert out_of_band == {
        f"row-total-{gamma.pk}": "11,000.00 fact 2,100.00 of 7,000.00",
        "total-baseline-2026-03": "3,500.00",
        "total-forecast-2026-03": "4,000.00",
        "total-gap-2026-03": "-2,000.00",
        "total-fact-2026-03": "1,500.00",
        "total-baseline-year": "10,500.00",
        "total-forecast-year": "11,500.00",
        "total-fact-year": "2,400.00",
        "total-fact-gap-2026-03": "-2,500.00",
        "total-fact-gap-year": "-5,100.00",  # 2 400 shipped against 1 000 + 2 500 + 4 000
    }


def test_the_totals_sent_are_the_ones_the_reloaded_page_shows(manager_anna, company):
    gamma, delta = company["gamma"], company["delta"]
    http = _as(manager_anna, "ru")
    _save_march(http, gamma, "3500", version=0)

    response = _save_march(http, delta, "0", version=0)

    sent = {
        element_id: element.text
        for element_id, element in elements_by_id(response.content.decode()).items()
        if element.attrs.get("hx-swap-oob") == "true"
    }
    page = texts_by_id(_grid_page(manager_anna, "ru"))
    assert sent == {element_id: page[element_id] for element_id in sent}
    # Дельта's March: 300 shipped against the forecast of 0 it now has.
    assert re.findall(r"[\d\xa0]+,\d\d", sent[f"row-total-{delta.pk}"]) == [
        "0,00",
        "300,00",
        "0,00",
    ]
    assert sent["total-forecast-2026-03"] == "3\xa0500,00"


def test_a_client_outside_the_grid_sends_no_row_total(manager_anna, company):
    response = _save_march(_as(manager_anna), company["idle"], "99", version=0)

    sent = texts_by_id(response.content.decode())
    assert f"row-total-{company['idle'].pk}" not in sent
    assert sent["total-forecast-2026-03"] == "3,500.00"  # the idle client does not count


def test_a_changed_plan_sends_the_months_gap_and_the_years_plan(
    head_of_sales, manager_anna, company
):
    http = _as(head_of_sales)

    changed = http.post(
        reverse("forecasts:plan"),
        {"manager": manager_anna.pk, "month": "2026-03", "amount": "8000"},
    )
    cleared = http.post(
        reverse("forecasts:plan"), {"manager": manager_anna.pk, "month": "2026-01", "amount": ""}
    )

    changed_found = elements_by_id(changed.content.decode())
    assert (
        changed.content.decode().lstrip().startswith('<td class="num plan-cell" id="plan-2026-03"')
    )
    assert "hx-swap-oob" not in changed_found["plan-2026-03"].attrs
    assert 'name="amount" value="8,000.00"' in changed.content.decode()  # as typed, formatted
    # Forecast of March: Гамма's 3 000 and Дельта's 500 baselines, against 8 000.
    assert {
        element_id: (element.text, element.attrs.get("hx-swap-oob"))
        for element_id, element in changed_found.items()
        if element_id.startswith("total-")
    } == {"total-gap-2026-03": ("-4,500.00", "true"), "total-plan-year": ("9,000.00", "true")}
    assert texts_by_id(cleared.content.decode(), prefix="total-") == {
        "total-gap-2026-01": "—",
        "total-plan-year": "8,000.00",
    }


def test_the_page_shows_each_figure_where_the_totals_find_it(manager_anna, company):
    gamma = company["gamma"]

    english = texts_by_id(_grid_page(manager_anna))
    russian = texts_by_id(_grid_page(manager_anna, "ru"))

    # February is over: its forecast is final, so it has no ✎.
    assert english[f"cell-{gamma.pk}-2026-02"] == (
        "2,000.00 2,500.00 Probable акция 900.00 Δ -1,600.00"
    )
    assert russian[f"cell-{gamma.pk}-2026-02"] == (
        "2\xa0000,00 2\xa0500,00 Вероятно акция 900,00 Δ -1\xa0600,00"
    )
    assert english[f"cell-{gamma.pk}-2026-03"].endswith("✎")
    assert english[f"cell-{gamma.pk}-2026-04"] == "4,000.00 ✎"  # not begun: no shipments yet
    assert english[f"row-total-{gamma.pk}"] == "10,500.00 fact 2,100.00 of 6,500.00"
    assert [
        english[f"total-{kind}-2026-03"] for kind in ("baseline", "forecast", "gap", "fact")
    ] == [
        "3,500.00",
        "3,500.00",
        "-2,500.00",
        "1,500.00",
    ]
    assert [english[f"total-{kind}-year"] for kind in ("baseline", "forecast", "plan", "fact")] == [
        "10,500.00",
        "11,000.00",
        "7,000.00",
        "2,400.00",
    ]
    assert "Totals refresh" not in _grid_page(manager_anna)


@pytest.mark.parametrize("persona", ["manager_anna", "head_of_sales"])
def test_the_totals_selector_adds_up_as_the_grid_does(request, persona, manager_anna, company):
    user = request.getfixturevalue(persona)
    today = TODAY.date()
    grid = forecast_grid(user=user, manager=manager_anna, year=2026, today=today, can_edit=False)

    totals = forecast_grid_totals(
        user=user, manager=manager_anna, year=2026, today=today, client=company["gamma"]
    )

    def figures(total):
        return (
            total.month,
            total.baseline,
            total.forecast,
            total.actual,
            total.plan,
            total.compared_forecast,
            total.compared_actual,
        )

    assert [figures(total) for total in totals.months] == [figures(t) for t in grid.totals]
    assert totals.year == grid.year_total
    [gamma_row] = [row for row in grid.rows if row.client == company["gamma"]]
    assert totals.row is not None
    row_figures = (totals.row.forecast, totals.row.compared_forecast, totals.row.compared_actual)
    assert row_figures == (
        gamma_row.forecast,
        gamma_row.compared_forecast,
        gamma_row.compared_actual,
    )
    assert row_figures == (Decimal("10500.00"), Decimal("6500.00"), Decimal("2100.00"))


def test_a_save_reads_its_totals_in_a_fixed_number_of_queries(
    manager_anna, company, django_assert_num_queries
):
    for number in range(20):
        client = ClientFactory.create(manager=manager_anna, status=ClientStatus.VIP)
        ForecastCell.objects.create(client=client, month=MARCH, manager=manager_anna)
        shipment_with_line(client=client, date=dt.date(2026, 3, 1 + number), amount=Decimal(10))
    http = _as(manager_anna)

    # session, user, client; the cell, its shipments, its lock; the save: savepoint, the cell
    # held, month lock, update, its history, release, reread; the totals: managed statuses,
    # cells (whose count says the client is in the grid), which cells of the months begun
    # exist, shipments, plans
    with django_assert_num_queries(18):
        response = _save_march(http, company["gamma"], "3500", version=0)

    assert texts_by_id(response.content.decode())["total-fact-2026-03"] == "1,700.00"
