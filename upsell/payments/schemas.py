import datetime as dt

from ninja import Field, Schema

from upsell.accounts.schemas import MAX_ID, Money, PageOut
from upsell.clients.schemas import ClientRef


class PaymentOut(Schema):
    id: int
    date: dt.date
    client: ClientRef
    amount: Money
    due_date: dt.date | None
    number: str


class PaymentPage(PageOut):
    items: list[PaymentOut]


class PaymentQuery(Schema):
    client_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: dt.date | None = Field(None, description="from this date on, inclusive")
    date_to: dt.date | None = Field(None, description="up to this date, inclusive")
