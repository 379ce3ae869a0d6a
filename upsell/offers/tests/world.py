"""A small company with a planted co-purchase: the clients who buy anchors buy dowels too, those
who buy screws buy drills. Boris's client bought anchors only; one client of Anna's bought its
dowels, and another its drill, for the first time in the last three months (the backtest's
holdout).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory
from upsell.shipments.models import ShipmentLine
from upsell.shipments.tests.factories import ShipmentFactory

AS_OF = dt.date(2026, 6, 30)
JANUARY = dt.date(2026, 1, 20)
FEBRUARY = dt.date(2026, 2, 16)
APRIL = dt.date(2026, 4, 14)
MAY = dt.date(2026, 5, 12)


@dataclass(frozen=True)
class OffersWorld:
    anchor: Product
    dowel: Product
    screw: Product
    drill: Product
    clients: dict[str, Client]


def _shipped(client: Client, date: dt.date, *products: Product) -> None:
    shipment = ShipmentFactory.create(
        client=client, date=date, total=Decimal("100.00") * len(products)
    )
    for line_no, product in enumerate(products, start=1):
        ShipmentLine.objects.create(
            shipment=shipment,
            line_no=line_no,
            product=product,
            quantity=Decimal(2),
            price=Decimal("50.00"),
            amount=Decimal("100.00"),
        )


def offers_world(*, annas_client: Client, boris_client: Client, anna: User) -> OffersWorld:
    anchor = ProductFactory.create(sku="A-1", name="Анкер 10×100", group="Крепёж")
    dowel = ProductFactory.create(sku="D-1", name="Дюбель 8×40", group="Крепёж")
    screw = ProductFactory.create(sku="S-1", name="Саморез 4×50", group="Метизы")
    drill = ProductFactory.create(sku="T-1", name="Дрель ударная", group="Инструмент")
    others = {
        key: ClientFactory.create(name=name, manager=anna, tax_id="")
        for key, name in (
            ("gamma", 'ООО "Гамма"'),
            ("delta", 'ООО "Дельта"'),
            ("epsilon", 'ООО "Эпсилон"'),
            ("zeta", 'ООО "Зета"'),
            ("eta", 'ООО "Эта"'),
        )
    }
    gamma, delta, epsilon, zeta, eta = others.values()
    _shipped(annas_client, JANUARY, anchor, dowel)
    _shipped(gamma, JANUARY, anchor, dowel)
    _shipped(delta, FEBRUARY, anchor, dowel)
    _shipped(epsilon, FEBRUARY, anchor)
    _shipped(epsilon, MAY, dowel)
    _shipped(zeta, JANUARY, screw, drill)
    _shipped(eta, JANUARY, screw)
    _shipped(eta, APRIL, drill)
    _shipped(boris_client, JANUARY, anchor)
    # A line after the night's date is not history yet.
    _shipped(boris_client, AS_OF + dt.timedelta(days=1), dowel)
    return OffersWorld(
        anchor=anchor,
        dowel=dowel,
        screw=screw,
        drill=drill,
        clients={"alpha": annas_client, "beta": boris_client} | others,
    )
