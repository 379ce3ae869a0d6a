import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from upsell.accounts.schemas import MAX_ID, Money, MoneyIn, PageOut, UserRef, text
from upsell.clients.models import Client, ClientStatus, ContactDecision
from upsell.clients.selectors import ClientSort


class ClientRef(Schema):
    """A client as the documents hanging off it name it."""

    id: int
    name: str
    tax_id: str


class ClientOut(Schema):
    id: int
    name: str
    tax_id: str = Field(description="ИНН: 10 or 12 digits, empty when unknown")
    region: str
    segment: str
    manager: UserRef | None
    assistant: UserRef | None
    is_partner: bool
    plans_budget: bool
    annual_budget: Money | None
    budget_year: int | None
    status: ClientStatus | None = Field(
        description="the status in force (an override of the head of sales while it lasts, "
        "else the audit's); null until the audit has seen an order"
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status(client: Client) -> ClientStatus | None:
        return ClientStatus(client.status) if client.status else None


class ClientPage(PageOut):
    items: list[ClientOut]


class ClientQuery(Schema):
    search: Annotated[str, text(300)] = Field(
        "", description="part of the name, or the first digits of the tax id"
    )
    manager_id: int | None = Field(None, ge=1, le=MAX_ID)
    segment: Annotated[str, text(200)] = ""
    region: Annotated[str, text(200)] = ""
    next_tier_within_reach: bool = Field(
        False, description="only members of a sales program whose next tier is within reach"
    )
    sort: ClientSort = Field("name", description="a column; a leading '-' sorts descending")


class ClientIn(Schema):
    """The details of a client its manager or the head of sales edits."""

    name: Annotated[str, text(300)]
    tax_id: Annotated[str, text(12)] = ""
    region: Annotated[str, text(200)] = ""
    segment: Annotated[str, text(200)] = ""
    is_partner: bool = False
    plans_budget: bool = False
    annual_budget: MoneyIn | None = None
    budget_year: int | None = Field(None, ge=1900, le=2999)


class ReassignIn(Schema):
    """Who serves the client from now on; null leaves the client without one."""

    manager: int | None = Field(ge=1, le=MAX_ID, description="id of an active manager")
    assistant: int | None = Field(ge=1, le=MAX_ID, description="id of an active assistant")
    reason: Annotated[str, text(500)] = ""


class BudgetMonthsIn(Schema):
    """A budget year's 12 month budgets, January first; the annual budget becomes their sum."""

    year: int = Field(ge=2000, le=2100)
    months: list[MoneyIn] = Field(min_length=12, max_length=12)


class WalletPeriodOut(Schema):
    first_month: dt.date
    last_month: dt.date
    budget: Money
    shipped: Money
    share: float | None = Field(description="shipped ÷ budget; null when nothing was budgeted")
    competitors: Money = Field(description="the budget not shipped by us, never below 0")


class WalletOut(Schema):
    """A client's share of wallet in each month of a year, each quarter and the year; empty
    months and no total when it planned no month of that year."""

    year: int
    months: list[WalletPeriodOut]
    quarters: list[WalletPeriodOut]
    total: WalletPeriodOut | None


class WalletQuery(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="the client's budget year when not given"
    )


class ContactIn(Schema):
    """A contact person's details, every one of them (those left out take their defaults)."""

    name: Annotated[str, text(200)]
    position: Annotated[str, text(200)] = ""
    phones: Annotated[str, text(300)] = ""
    email: Annotated[str, text(254)] = ""
    messenger: Annotated[str, text(200)] = ""
    decision: ContactDecision | Literal[""] = Field(
        "", description="the part the person takes in the decision to buy, or empty"
    )
    note: Annotated[str, text(500)] = ""
    active: bool = Field(default=True, description="false: no longer works with us")


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    position: str
    phones: str
    email: str
    messenger: str
    decision: str
    note: str
    external_id: str = Field(description="its code in the ERP's contact information file")
    active: bool
