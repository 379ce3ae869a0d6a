import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.products.tests.factories import ProductFactory
from upsell.shipments.models import Shipment, ShipmentLine


class ShipmentFactory(DjangoModelFactory[Shipment]):
    class Meta:
        model = Shipment

    number = factory.Sequence(lambda n: f"РТ-{n:06d}")
    date = dt.date(2026, 1, 15)
    client = factory.SubFactory(ClientFactory)
    total = Decimal("1000.00")
    line_count = 1
    content_hash = factory.Sequence(lambda n: f"{n:032x}")


def shipment_with_line(
    *, client: Client, date: dt.date, amount: Decimal, quantity: Decimal = Decimal(1)
) -> Shipment:
    """A one-line shipment document of ``amount`` (negative: a return) for ``client``."""
    shipment = ShipmentFactory.create(client=client, date=date, total=amount)
    ShipmentLine.objects.create(
        shipment=shipment,
        line_no=1,
        product=ProductFactory.create(),
        quantity=quantity if amount >= 0 else -abs(quantity),
        price=abs(amount / quantity),
        amount=amount,
    )
    return shipment
