"""A cell's forecast read in SQL is the one the cell says: the manager's amount, else the
baseline."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell, cell_forecast

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def test_the_forecast_read_in_sql_is_the_cells_own(manager_anna):
    set_by_hand = ForecastCell.objects.create(
        client=ClientFactory.create(manager=manager_anna),
        month=MARCH,
        baseline=Decimal("1000.10"),
        baseline_high=Decimal("1000.10"),
        amount=Decimal("1250.55"),
        confidence=Confidence.COMMIT,
    )
    left_to_baseline = ForecastCell.objects.create(
        client=ClientFactory.create(manager=manager_anna),
        month=MARCH,
        baseline=Decimal("800.05"),
        baseline_high=Decimal("800.05"),
    )

    read = dict(ForecastCell.objects.annotate(counted=cell_forecast()).values_list("pk", "counted"))

    assert read == {set_by_hand.pk: Decimal("1250.55"), left_to_baseline.pk: Decimal("800.05")}
    assert read == {cell.pk: cell.forecast for cell in ForecastCell.objects.all()}
