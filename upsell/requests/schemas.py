import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from upsell.accounts.schemas import MAX_ID, Money, MoneyIn, PageOut, Quantity, UserRef, text
from upsell.clients.schemas import ClientRef
from upsell.core.money import (
    QUANTITY_DIGITS,
    QUANTITY_LIMIT,
    QUANTITY_PLACES,
    QUANTITY_WHOLE_DIGITS,
)
from upsell.products.schemas import ProductRef
from upsell.requests.models import (
    OrderRequest,
    OrderRequestLine,
    OrderRequestStatusChange,
    RequestSource,
    RequestStatus,
    RoutingRule,
)

Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
]
# A percentage as the database keeps it, "5.00", whether read from a row or a default.
PercentOut = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value.quantize(Decimal("0.01"))), return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,3}\.[0-9]{2}$"}),
]


QuantityIn = Annotated[
    Decimal,
    Field(gt=0, lt=QUANTITY_LIMIT, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^[0-9]{{1,{QUANTITY_WHOLE_DIGITS}}}(\.[0-9]{{1,{QUANTITY_PLACES}}})?$",
        }
    ),
]


class OrderRequestLineIn(Schema):
    """A product of the catalogue by its code, or one the client describes in words."""

    product_code: Annotated[str, text(64)] = Field("", description="the catalogue's SKU")
    product_name: Annotated[str, text(300)] = Field("", description="the product as written")
    quantity: QuantityIn
    price: MoneyIn | None = Field(
        None, description="empty: a catalogue product's price (the price it was last sold at)"
    )
    discount_percent: Percent = Decimal(0)


class OrderRequestIn(Schema):
    """A request as a website form, a mail robot or a person sends it."""

    number: Annotated[str, text(64)] = Field(
        "", description="the client's order number; a number is taken once per client"
    )
    ordered_on: dt.date | None = Field(None, description="when the client placed the order")
    description: Annotated[str, text(5000)] = Field(
        description="what the client asks for; may be empty when the lines say it"
    )
    lines: list[OrderRequestLineIn] = Field(
        default_factory=list,
        max_length=1000,
        description="with lines, the line count, product groups and amount are theirs",
    )
    amount: MoneyIn = Field(Decimal(0), description="0: the lines' total")
    line_count: int = Field(0, ge=0, le=100_000)
    product_groups: list[Annotated[str, text(200)]] = Field(default_factory=list, max_length=100)
    discount_percent: Percent = Decimal(0)
    payment_delay_days: int = Field(0, ge=0, le=3650)
    source: RequestSource = Field(RequestSource.API, description="where the request came from")


class OrderRequestLineOut(Schema):
    line_number: int
    product: ProductRef | None = Field(description="empty when the catalogue lacks it")
    product_code: str
    product_name: str
    quantity: Quantity
    price: Money
    discount_percent: Decimal
    amount: Money = Field(description="quantity × price less the discount")


class OrderRequestOut(Schema):
    id: int
    client: ClientRef
    number: str
    ordered_on: dt.date | None
    description: str
    amount: Money
    line_count: int
    product_groups: list[str]
    discount_percent: Decimal
    payment_delay_days: int
    source: RequestSource
    status: RequestStatus
    assignee: UserRef | None
    routed_by_rule: RoutingRule
    routing_reason: str = Field(description="why it went where it is, in words")
    complex_rule: RoutingRule | None = Field(
        description="the rule that made it complex when it was taken (it then always goes to a "
        "manager); null for a simple request"
    )
    complex_reason: str = Field(description="why it is complex, in words; empty when simple")
    created_at: dt.datetime
    waiting_since: dt.datetime = Field(
        description="the start of the client's order day when the order is dated, else when it "
        "was taken"
    )
    finished_at: dt.datetime | None = Field(description="when it was done or cancelled")

    @staticmethod
    def resolve_complex_rule(request: OrderRequest) -> str | None:
        return request.complex_rule or None


class RequestStatusChangeOut(Schema):
    previous: RequestStatus
    new: RequestStatus
    reason: str = Field(description="why; a cancelled request always says why")
    changed_by: UserRef | None
    changed_at: dt.datetime


class OrderRequestDetailOut(OrderRequestOut):
    lines: list[OrderRequestLineOut]
    status_changes: list[RequestStatusChangeOut] = Field(
        description="who took it into work, finished or cancelled it, and when; latest first"
    )

    @staticmethod
    def resolve_lines(request: OrderRequest) -> QuerySet[OrderRequestLine]:
        return request.lines.select_related("product")

    @staticmethod
    def resolve_status_changes(request: OrderRequest) -> QuerySet[OrderRequestStatusChange]:
        return request.status_changes.select_related("changed_by")


class RequestStatusIn(Schema):
    status: RequestStatus = Field(description="in_work, open (back to the queue), done, cancelled")
    reason: Annotated[str, text(500)] = Field("", description="required to cancel")


class OrderRequestPage(PageOut):
    items: list[OrderRequestOut]


class QueueQuery(Schema):
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID, description="one person's queue")


class RequestReassignIn(Schema):
    assignee: int | None = Field(
        None, ge=1, le=MAX_ID, description="the client's assistant; empty: its manager"
    )
    reason: Annotated[str, text(500)] = ""


class ComplexRulesOut(Schema):
    """What makes a spontaneous client's request complex, so that its manager takes it; a
    null threshold is switched off."""

    amount_above: Money | None = Field(description="a request of a larger amount")
    lines_above: int | None = Field(description="a request of more lines")
    product_groups: list[str] = Field(description="a request for a product of these groups")
    standard_discount_percent: PercentOut | None = Field(description="a deeper discount asked")
    standard_payment_delay_days: int | None = Field(description="a longer payment delay asked")
    overdue_debt: bool = Field(description="a request of a client with overdue debt")


class ComplexRulesIn(Schema):
    """The rules put in force, every one of them (null switches a threshold off); earlier rules
    stay as history and the requests already routed keep their place."""

    amount_above: MoneyIn | None
    lines_above: int | None = Field(ge=0, le=100_000)
    product_groups: list[Annotated[str, text(200)]] = Field(max_length=100)
    standard_discount_percent: Percent | None
    standard_payment_delay_days: int | None = Field(ge=0, le=3650)
    overdue_debt: bool
