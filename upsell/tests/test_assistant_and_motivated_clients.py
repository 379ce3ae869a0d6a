"""An assistant serves spontaneous clients only: a motivated client is its manager's, even
while it still names the assistant (before the next routing moves it), and no page or API
call shows the assistant anything of it."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastCell
from upsell.payments.models import Payment
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.shipments.tests.factories import shipment_with_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def vip(manager_anna, assistant_vera):
    """Anna's VIP, still naming Vera, with a document, a payment, a request and a forecast."""
    client = ClientFactory.create(
        name='ООО "Тайный VIP"', tax_id="7707083893", manager=manager_anna,
        assistant=assistant_vera, status=ClientStatus.VIP,
    )  # fmt: skip
    shipment_with_line(client=client, date=dt.date(2026, 1, 15), amount=Decimal(9000))
    Payment.objects.create(
        client=client, date=dt.date(2026, 1, 20), amount=Decimal(9000), number="П-1",
        natural_key="0" * 32,
    )  # fmt: skip
    OrderRequest.objects.create(
        client=client, description="Секретный заказ", source=RequestSource.UI,
        assignee=assistant_vera, routed_by_rule=RoutingRule.SPONTANEOUS,
    )  # fmt: skip
    ForecastCell.objects.create(client=client, month=dt.date(2026, 12, 1), manager=manager_anna)
    return client


@pytest.fixture
def once(manager_anna, assistant_vera):
    """Anna's one-time client that Vera serves: what the assistant does see."""
    client = ClientFactory.create(
        name='ООО "Разовый"', tax_id="5001000017", manager=manager_anna,
        assistant=assistant_vera, status=ClientStatus.ONE_TIME,
    )  # fmt: skip
    shipment_with_line(client=client, date=dt.date(2026, 2, 3), amount=Decimal(500))
    Payment.objects.create(
        client=client, date=dt.date(2026, 2, 5), amount=Decimal(500), number="П-2",
        natural_key="1" * 32,
    )  # fmt: skip
    OrderRequest.objects.create(
        client=client, description="Обычный заказ", source=RequestSource.UI,
        assignee=assistant_vera, routed_by_rule=RoutingRule.SPONTANEOUS,
    )  # fmt: skip
    return client


def test_no_page_shows_the_assistant_a_motivated_client(assistant_vera, vip, once):
    http = HttpClient()
    http.force_login(assistant_vera)

    for url in (
        f"/clients/{vip.pk}/",
        f"/audit/clients/{vip.pk}/status/",
        f"/forecasts/clients/{vip.pk}/",
        f"/requests/clients/{vip.pk}/",
        f"/requests/{OrderRequest.objects.get(client=vip).pk}/",
    ):
        assert http.get(url).status_code == 404, url
    for url in ("/clients/", "/requests/", "/clients/export.csv"):
        response = http.get(url)
        body = response.getvalue() if response.streaming else response.content
        assert response.status_code == 200, url
        assert "Тайный VIP" not in body.decode(), url
        assert "Разовый" in body.decode(), url


def test_no_api_call_shows_the_assistant_a_motivated_client(assistant_vera, vip, once):
    _token, secret = api_token_create(user=assistant_vera)
    api = HttpClient(headers={"authorization": f"Bearer {secret}"})

    assert api.get(f"/api/clients/{vip.pk}").status_code == 404
    assert api.get(f"/api/forecasts/clients/{vip.pk}/cells").status_code == 404
    for url in ("/api/clients", "/api/shipments", "/api/payments", "/api/requests"):
        response = api.get(url)
        assert response.status_code == 200, url
        # As text, not as JSON escapes: the names are Cyrillic.
        body = json.dumps(response.json(), ensure_ascii=False)
        assert "Тайный VIP" not in body, url
        assert vip.tax_id not in body, url
        assert "Разовый" in body, url
