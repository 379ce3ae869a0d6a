"""Money is exact on both databases: the largest amount the product takes reads back as the
very Decimal written (SQLite keeps a decimal column as a float), and a larger one is refused at
the door instead of breaking the pages that read it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.money import MONEY_LIMIT, MONEY_MAX, money_problem
from upsell.forecasts.models import ForecastCell, SalesPlan

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
APRIL, MAY = dt.date(2026, 4, 1), dt.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def regular(manager_anna):
    return ClientFactory.create(name="Альфа", manager=manager_anna, status=ClientStatus.REGULAR)


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def _put_cell(user, client, month, amount: str):
    return _api(user).put(
        f"/api/forecasts/clients/{client.pk}/cells",
        {"month": month.isoformat(), "amount": amount, "confidence": "commit", "version": 0},
        content_type="application/json",
    )


def test_the_largest_amount_is_kept_exactly_and_the_grid_still_reads(regular, manager_anna):
    # Two cells at the largest amount: their month's and the year's totals exceed it.
    saved = [_put_cell(manager_anna, regular, month, "9999999999999.99") for month in (APRIL, MAY)]

    assert [response.status_code for response in saved] == [200, 200]
    assert list(ForecastCell.objects.order_by("month").values_list("amount", flat=True)) == [
        MONEY_MAX,
        MONEY_MAX,
    ]
    http = HttpClient()
    http.force_login(manager_anna)
    assert http.get(reverse("forecasts:grid"), {"year": 2026}).status_code == 200


@pytest.mark.parametrize("amount", ["10000000000000", "99999999999999.99", "1e300"])
def test_an_amount_past_the_bound_is_refused_and_nothing_is_written(regular, manager_anna, amount):
    response = _put_cell(manager_anna, regular, APRIL, amount)

    assert response.status_code == 422
    assert ForecastCell.objects.count() == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kopecks=st.integers(min_value=0, max_value=int(MONEY_LIMIT * 100) - 1))
def test_every_amount_within_the_bound_reads_back_as_written(manager_anna, kopecks):
    amount = Decimal(kopecks).scaleb(-2)
    plan = SalesPlan.objects.create(manager=manager_anna, month=APRIL, amount=amount)

    assert money_problem(amount) is None
    assert SalesPlan.objects.get(pk=plan.pk).amount == amount
    plan.delete()
