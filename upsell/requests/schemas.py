import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import MAX_ID, Money, MoneyIn, PageOut, UserRef, text
from upsell.clients.schemas import ClientRef
from upsell.requests.models import RequestSource, RequestStatus, RoutingRule

Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
]


class OrderRequestIn(Schema):
    """A request as a website form, a mail robot or a person sends it."""

    description: Annotated[str, text(5000)] = Field(description="what the client asks for")
    amount: MoneyIn = Decimal(0)
    line_count: int = Field(0, ge=0, le=100_000)
    product_groups: list[Annotated[str, text(200)]] = Field(default_factory=list, max_length=100)
    discount_percent: Percent = Decimal(0)
    payment_delay_days: int = Field(0, ge=0, le=3650)
    source: RequestSource = Field(RequestSource.API, description="where the request came from")


class OrderRequestOut(Schema):
    id: int
    client: ClientRef
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
    created_at: dt.datetime


class OrderRequestPage(PageOut):
    items: list[OrderRequestOut]


class QueueQuery(Schema):
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID, description="one person's queue")


class RequestReassignIn(Schema):
    assignee: int | None = Field(
        None, ge=1, le=MAX_ID, description="the client's assistant; empty: its manager"
    )
    reason: Annotated[str, text(500)] = ""
