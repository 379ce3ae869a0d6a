"""The new-request form as a manager fills it: the client found by typing among its own, and a
catalogue product's line priced by the product when its price is left empty."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.products.tests.factories import ProductFactory
from upsell.requests.lines import RequestLineDetails
from upsell.requests.models import OrderRequest, RequestSource
from upsell.requests.services import RequestDetails, order_request_create
from upsell.shipments.models import ShipmentLine
from upsell.shipments.tests.factories import ShipmentFactory


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


@pytest.fixture
def stroy(manager_anna):
    return ClientFactory.create(
        name='ООО "СтройМаркет"', tax_id="7701234567", manager=manager_anna,
        status=ClientStatus.REGULAR,
    )  # fmt: skip


def sold(product, *, client, on, price, quantity=Decimal(1)):
    shipment = ShipmentFactory.create(client=client, date=on, total=price * quantity)
    ShipmentLine.objects.create(
        shipment=shipment, line_no=1, product=product, quantity=quantity, price=price,
        amount=price * quantity,
    )  # fmt: skip


def test_the_client_search_finds_only_the_user_s_clients(stroy, manager_anna, manager_boris):
    ClientFactory.create(name='ООО "Стройка Бориса"', manager=manager_boris)
    search = reverse("requests:client_search")

    by_name = signed_in(manager_anna).get(search, {"client_search": "СТРОЙ"})
    by_tax_id = signed_in(manager_anna).get(search, {"client_search": "770123"})

    assert [client.name for client in by_name.context["choices"]] == ['ООО "СтройМаркет"']
    assert [client.name for client in by_tax_id.context["choices"]] == ['ООО "СтройМаркет"']
    assert f'name="client" value="{stroy.pk}"' in by_name.content.decode()
    assert "Бориса" not in by_name.content.decode()


def test_the_form_takes_the_client_chosen_in_the_search(stroy, manager_anna):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        {"client_search": "строй", "client": stroy.pk, "description": "Болты", "amount": "0",
         "line_count": "0", "discount_percent": "0", "payment_delay_days": "0",
         "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    assert OrderRequest.objects.get().client == stroy


def test_a_line_without_a_price_takes_the_price_the_product_last_sold_at(stroy, manager_anna):
    product = ProductFactory.create(sku="KR-4216")
    sold(product, client=stroy, on=dt.date(2026, 1, 10), price=Decimal("180.00"))
    sold(product, client=stroy, on=dt.date(2026, 2, 10), price=Decimal("195.50"))
    # A return names no price.
    sold(product, client=stroy, on=dt.date(2026, 2, 20), price=Decimal("1.00"), quantity=-1)

    request = order_request_create(
        client=stroy,
        details=RequestDetails(
            lines=(RequestLineDetails(product_code="KR-4216", quantity=Decimal(4)),)
        ),
        source=RequestSource.UI,
        created_by=manager_anna,
    )

    line = request.lines.get()
    assert (line.price, line.amount, request.amount) == (
        Decimal("195.50"), Decimal("782.00"), Decimal("782.00"),
    )  # fmt: skip


def test_a_product_never_sold_needs_its_price(stroy, manager_anna):
    ProductFactory.create(sku="NEW-1")

    with pytest.raises(ValidationError) as refused:
        order_request_create(
            client=stroy,
            details=RequestDetails(
                lines=(
                    RequestLineDetails(
                        product_name="Краска", quantity=Decimal(1), price=Decimal(5)
                    ),
                    RequestLineDetails(product_code="NEW-1", quantity=Decimal(1)),
                )
            ),
            source=RequestSource.UI,
            created_by=manager_anna,
        )

    assert refused.value.message_dict == {
        "lines": ["Line 2: «NEW-1» has no price yet (it was never sold): give it."]
    }
    assert OrderRequest.objects.count() == 0


def test_a_line_in_words_needs_its_price(stroy, manager_anna):
    with pytest.raises(ValidationError) as refused:
        order_request_create(
            client=stroy,
            details=RequestDetails(
                lines=(RequestLineDetails(product_name="Краска", quantity=Decimal(1)),)
            ),
            source=RequestSource.UI,
            created_by=manager_anna,
        )

    assert refused.value.message_dict == {
        "lines": ["Line 1: give the price: only a catalogue product's price is known."]
    }
