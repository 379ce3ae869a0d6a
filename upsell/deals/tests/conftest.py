"""The world of closing: Anna's and Boris's motivated clients, a forecast cell of Boris's client
for next month, and the reasons a deal is lost."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add, month_start
from upsell.deals.models import LostReason
from upsell.forecasts.models import Confidence, ForecastCell


@pytest.fixture
def next_month(today: dt.date) -> dt.date:
    return month_add(month_start(today), 1)


@pytest.fixture
def motivated_boris_client(manager_boris):
    return ClientFactory.create(
        name='ООО "Гамма"', manager=manager_boris, status=ClientStatus.REGULAR
    )


@pytest.fixture
def motivated_anna_client(manager_anna):
    return ClientFactory.create(name='ООО "Дельта"', manager=manager_anna, status=ClientStatus.VIP)


@pytest.fixture
def boris_cell(motivated_boris_client, manager_boris, next_month):
    return ForecastCell.objects.create(
        client=motivated_boris_client,
        month=next_month,
        manager=manager_boris,
        baseline=Decimal("90000.00"),
        baseline_low=Decimal("60000.00"),
        baseline_high=Decimal("120000.00"),
        amount=Decimal("150000.00"),
        confidence=Confidence.COMMIT,
    )


@pytest.fixture
def price_reason():
    return LostReason.objects.create(name="Цена выше, чем у конкурента", position=0)
