import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastCell
from upsell.reporting.forecasting import forecast_baselines_refresh, horizon_months
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2025, 12, 31)


def _monthly_orders(client, *, years, amount):
    for year in years:
        for month in range(1, 13):
            shipment_with_line(client=client, date=dt.date(year, month, 10), amount=Decimal(amount))


@pytest.fixture
def regular(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    return client


def test_the_horizon_is_the_next_twelve_months():
    assert horizon_months(AS_OF) == [dt.date(2026, month, 1) for month in range(1, 13)]


def test_the_historic_rate_spreads_over_the_months_by_their_length(regular, manager_anna):
    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    cells = list(ForecastCell.objects.filter(client=regular).order_by("month"))
    # 24 orders in distinct ISO weeks: 23 repeats over T weeks from the first (Wednesday
    # 2024-01-10, week of 8 January) to 31 December 2025 (week of 29 December): T = 103.
    # The horizon is 365 days = 365/7 weeks; January takes 31 of them.
    january_orders = 23 / 103 * 365 / 7 * 31 / 365
    assert (refresh.model, refresh.clients, refresh.cells, refresh.seasonal) == (
        "historic_rate",
        1,
        12,
        True,
    )
    assert cells[0].expected_orders == Decimal(f"{january_orders:.3f}")
    assert cells[0].baseline == Decimal(f"{january_orders * 1000:.2f}")
    assert cells[0].manager == manager_anna
    assert all(cell.baseline_low < cell.baseline < cell.baseline_high for cell in cells)
    assert float(sum(cell.baseline for cell in cells)) == pytest.approx(
        23 / 103 * 365 / 7 * 1000, abs=0.1
    )


def test_the_season_shifts_the_months_and_keeps_the_year(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    # December sells three times an ordinary month.
    for year in (2024, 2025):
        shipment_with_line(client=client, date=dt.date(year, 12, 20), amount=Decimal(2000))

    forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    cells = {cell.month.month: cell.baseline for cell in ForecastCell.objects.all()}
    # December's profile is three times November's, and it has 31 days to November's 30.
    assert float(cells[12] / cells[11]) == pytest.approx(3 * 31 / 30, rel=1e-3)


def test_a_budgeting_client_is_held_to_what_is_left_of_its_budget(manager_anna):
    client = ClientFactory.create(
        manager=manager_anna, plans_budget=True, annual_budget=Decimal(3000), budget_year=2026
    )
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    shipment_with_line(client=client, date=dt.date(2026, 1, 12), amount=Decimal(500))

    forecast_baselines_refresh(as_of=dt.date(2026, 1, 31), model="historic_rate")

    cells = ForecastCell.objects.filter(client=client)
    in_2026 = sum(cell.baseline for cell in cells if cell.month.year == 2026)
    # 3000 budgeted, 500 bought in January: February to December share 2500.
    assert float(in_2026) == pytest.approx(2500, abs=0.06)
    assert sum(cell.baseline for cell in cells if cell.month.year == 2027) > 0


def test_clients_that_are_not_motivated_get_no_baseline(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.IRREGULAR)
    _monthly_orders(client, years=(2025,), amount=1000)

    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    assert (refresh.clients, ForecastCell.objects.count()) == (0, 0)


def test_the_command_refreshes_and_reports(regular, capsys):
    call_command("forecast", "--as-of", "2025-12-31", "--model", "historic_rate")

    out = capsys.readouterr().out
    assert out.startswith("Baselines as of 2025-12-31 for 01.2026–12.2026: model historic_rate,")
    assert "1 clients, 12 cells, seasonal" in out
    assert ForecastCell.objects.filter(client=regular).count() == 12
