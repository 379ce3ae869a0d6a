"""A small company on 17 June 2026, the Monday review's questions answered by hand.

Anna serves Альфа (New at the end of May, Regular now) and Гамма (Regular both times); Boris
serves Бета (Regular at the end of May, Lapsing now) and Дельта (not buying in May, New now).
June's plans are Anna 1 000 000 and Boris 500 000; June is locked: Anna's forecast at her
600 000 for Альфа and the 300 000 baseline for Гамма, Boris's at 400 000 for Бета (the cells
edited since the lock, to 650 000 and 999 999, do not count). In June so far Альфа was shipped
200 000, Гамма 250 000 and Дельта 100 000 (and Бета, no longer motivated, 50 000). Over the three
whole months to June Гамма bought 99 000 against 100 000 the three months before and Бета 150 000
against 300 000.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from upsell.clients.models import ClientStatus, ClientStatusMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import (
    Confidence,
    ForecastCell,
    ForecastLock,
    ForecastSnapshot,
    SalesPlan,
)
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus, RoutingRule
from upsell.shipments.tests.factories import ShipmentFactory

TODAY = dt.date(2026, 6, 17)
NOW = dt.datetime(2026, 6, 17, 12, 0, tzinfo=dt.UTC)
JUNE, MAY = dt.date(2026, 6, 1), dt.date(2026, 5, 1)
MAY_LAST_YEAR = dt.date(2025, 5, 1)


@pytest.fixture
def company(manager_anna, manager_boris, head_of_sales):
    clients = {
        "alfa": ClientFactory.create(name='ООО "Альфа"', manager=manager_anna,
                                     status=ClientStatus.REGULAR, region="Казань", segment="Опт"),
        "gamma": ClientFactory.create(name='ООО "Гамма"', manager=manager_anna,
                                      status=ClientStatus.REGULAR, region="Москва", segment="Опт"),
        "beta": ClientFactory.create(name='ООО "Бета"', manager=manager_boris,
                                     status=ClientStatus.LAPSING, region="Казань",
                                     segment="Розница"),
        "delta": ClientFactory.create(name='ООО "Дельта"', manager=manager_boris,
                                      status=ClientStatus.NEW, region="Казань", segment="Опт"),
    }  # fmt: skip
    for name, month, status, revenue in [
        ("alfa", MAY, ClientStatus.NEW, "100000.00"),
        ("beta", MAY, ClientStatus.REGULAR, "500000.00"),
        ("gamma", MAY, ClientStatus.REGULAR, "300000.00"),
        ("beta", MAY_LAST_YEAR, ClientStatus.REGULAR, "400000.00"),
        ("gamma", MAY_LAST_YEAR, ClientStatus.IRREGULAR, "200000.00"),
    ]:
        ClientStatusMonth.objects.create(
            client=clients[name], month=month, status=status, status_rule=status,
            revenue_365=Decimal(revenue),
        )  # fmt: skip
    SalesPlan.objects.create(manager=manager_anna, month=JUNE, amount=Decimal("1000000.00"))
    SalesPlan.objects.create(manager=manager_boris, month=JUNE, amount=Decimal("500000.00"))
    ForecastCell.objects.create(client=clients["alfa"], month=JUNE, manager=manager_anna,
                                baseline=Decimal("550000.00"), baseline_low=Decimal("550000.00"),
                                baseline_high=Decimal("550000.00"), amount=Decimal("650000.00"),
                                confidence=Confidence.COMMIT)  # fmt: skip
    ForecastCell.objects.create(client=clients["gamma"], month=JUNE, manager=manager_anna,
                                baseline=Decimal("300000.00"), baseline_low=Decimal("300000.00"),
                                baseline_high=Decimal("300000.00"))  # fmt: skip
    june_lock = ForecastLock.objects.create(month=JUNE)
    for name, forecast in [("alfa", "600000.00"), ("gamma", "300000.00"), ("beta", "400000.00")]:
        ForecastSnapshot.objects.create(
            lock=june_lock, client=clients[name], month=JUNE, manager=clients[name].manager,
            forecast=Decimal(forecast),
        )  # fmt: skip
    ForecastCell.objects.create(
        client=clients["beta"], month=JUNE, manager=manager_boris,
        amount=Decimal("999999.00"), confidence=Confidence.COMMIT,
    )  # fmt: skip
    # May, locked at 200 000 for Бета, came to 150 000: an error of 50 000.
    may_lock = ForecastLock.objects.create(month=MAY)
    ForecastSnapshot.objects.create(
        lock=may_lock, client=clients["beta"], month=MAY, manager=manager_boris,
        forecast=Decimal("200000.00"),
    )  # fmt: skip
    for name, day, total in [
        ("alfa", dt.date(2026, 6, 5), "200000.00"),
        ("gamma", dt.date(2026, 6, 10), "250000.00"),
        ("delta", dt.date(2026, 6, 3), "100000.00"),
        ("beta", dt.date(2026, 6, 2), "50000.00"),
        ("alfa", dt.date(2026, 4, 1), "50000.00"),
        ("gamma", dt.date(2026, 1, 15), "100000.00"),
        ("gamma", dt.date(2026, 4, 15), "99000.00"),
        ("gamma", dt.date(2025, 9, 1), "500000.00"),
        ("beta", dt.date(2026, 2, 10), "300000.00"),
        ("beta", dt.date(2026, 5, 10), "150000.00"),
    ]:
        ShipmentFactory.create(client=clients[name], date=day, total=Decimal(total))
    for name, age, request_status in [
        ("alfa", dt.timedelta(days=3), RequestStatus.OPEN),
        ("beta", dt.timedelta(days=1), RequestStatus.IN_WORK),
        ("gamma", dt.timedelta(days=9), RequestStatus.DONE),
    ]:
        with time_machine.travel(NOW - age, tick=False):
            OrderRequest.objects.create(
                client=clients[name], description="Болты", source=RequestSource.UI,
                assignee=clients[name].manager, routed_by_rule=RoutingRule.MOTIVATED,
                status=request_status,
            )  # fmt: skip
    return clients
