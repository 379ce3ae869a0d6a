import datetime as dt

from django.db.models import QuerySet
from ninja import Field, Schema

from upsell.accounts.schemas import MAX_ID, Money, PageOut, Quantity, UserRef
from upsell.clients.schemas import ClientRef
from upsell.products.schemas import ProductRef
from upsell.shipments.models import Shipment, ShipmentLine


class ShipmentOut(Schema):
    id: int
    number: str
    date: dt.date
    client: ClientRef
    manager: UserRef | None
    total: Money = Field(description="net of returns: a return document is negative")
    line_count: int


class ShipmentLineOut(Schema):
    line_no: int
    product: ProductRef
    quantity: Quantity
    price: Money
    amount: Money


class ShipmentDetailOut(ShipmentOut):
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_lines(shipment: Shipment) -> QuerySet[ShipmentLine]:
        return shipment.lines.select_related("product")


class ShipmentPage(PageOut):
    items: list[ShipmentOut]


class ShipmentQuery(Schema):
    client_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: dt.date | None = Field(None, description="from this date on, inclusive")
    date_to: dt.date | None = Field(None, description="up to this date, inclusive")
