from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import PageOut, text


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    group: str
    unit: str


class ProductRef(Schema):
    """A product as a shipment line names it."""

    id: int
    sku: str
    name: str


class ProductPage(PageOut):
    items: list[ProductOut]


class ProductQuery(Schema):
    search: Annotated[str, text(300)] = Field("", description="part of the SKU or the name")
    group: Annotated[str, text(200)] = ""


class ProductIn(Schema):
    sku: Annotated[str, text(64)]
    name: Annotated[str, text(300)]
    group: Annotated[str, text(200)] = ""
    unit: Annotated[str, text(20)] = ""
