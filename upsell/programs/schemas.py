import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from upsell.accounts.schemas import (
    MAX_ID,
    Money,
    MoneyIn,
    ObjectId,
    PageOut,
    Quantity,
    UserRef,
    text,
)
from upsell.clients.schemas import ClientRef
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
    ProgramTier,
)

# A rate as the terms service checks it (above 0, at most 100, two decimals); the bounds here
# only keep the number within what the column holds, so the service's words name a bad rate.
RateIn = Annotated[Decimal, Field(ge=0, le=1000, max_digits=6, decimal_places=2)]
# A rate as the database keeps it, "2.50".
RateOut = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value.quantize(Decimal("0.01"))), return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,3}\.[0-9]{2}$"}),
]


class TierIn(Schema):
    threshold: MoneyIn = Field(description="from this amount on")
    rate: RateIn = Field(description="percent, above 0 and at most 100")


class TierOut(Schema):
    threshold: Money
    rate: RateOut


class ProgramIn(Schema):
    """A program's terms, every one of them (those left out take their defaults)."""

    name: Annotated[str, text(200)]
    kind: ProgramKind = Field(description="the program's type; a program with members keeps it")
    period_start: dt.date
    period_end: dt.date = Field(description="the period's last day")
    description: Annotated[str, text(5000)] = ""
    tiers: list[TierIn] = Field(
        default_factory=list,
        max_length=50,
        description="discounts and retro-bonuses: from a threshold on, a rate; none for the "
        "other types",
    )
    eligible_statuses: list[Annotated[str, text(30)]] = Field(
        default_factory=list, max_length=20, description="client statuses admitted; empty: all"
    )
    eligible_segments: list[Annotated[str, text(200)]] = Field(
        default_factory=list, max_length=100, description="segments admitted; empty: all"
    )
    eligible_regions: list[Annotated[str, text(200)]] = Field(
        default_factory=list, max_length=100, description="regions admitted; empty: all"
    )
    min_perspective: int | None = Field(None, ge=0, le=1000)
    budgeting_only: bool = False
    credit_limit: MoneyIn | None = Field(None, description="a credit line's limit per member")
    payment_delay_days: int | None = Field(None, ge=0, le=10_000)


class ProgramOut(Schema):
    id: int
    name: str
    kind: ProgramKind
    state: ProgramState
    description: str
    period_start: dt.date
    period_end: dt.date
    tiers: list[TierOut]
    eligible_statuses: list[str]
    eligible_segments: list[str]
    eligible_regions: list[str]
    min_perspective: int | None
    budgeting_only: bool
    credit_limit: Money | None
    payment_delay_days: int | None
    control_percent: int | None = Field(description="the share held out as the control group")
    created_at: dt.datetime
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_tiers(program: Program) -> list[ProgramTier]:
        # The list prefetches the tiers; ``all()`` reads them from there.
        return list(program.tiers.all())


class ProgramPage(PageOut):
    items: list[ProgramOut]


class MembershipOut(Schema):
    id: int
    program_id: int
    client: ClientRef
    manager: UserRef | None = Field(description="the client's manager")
    group: MembershipGroup
    state: MembershipState
    joined_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    credit_limit: Money | None = Field(description="the member's own; null: the program's")
    payment_delay_days: int | None = Field(description="the member's own; null: the program's")
    proposed_at: dt.datetime | None
    enrolled_at: dt.datetime | None

    @staticmethod
    def resolve_manager(membership: Membership) -> object:
        return membership.client.manager


class MembershipPage(PageOut):
    items: list[MembershipOut]


class EnrolmentIn(Schema):
    client_ids: list[ObjectId] = Field(max_length=10_000)
    control_percent: int | None = Field(
        None, ge=0, le=100, description="hold this share of them out as the control group"
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="draws the control group; the program keeps its first one",
    )


class EnrolmentOut(Schema):
    members: int = Field(description="clients enrolled now")
    controls: int = Field(description="clients held out now")
    already: int = Field(description="clients in the program or its control group already")


class ProposalIn(Schema):
    client_id: ObjectId


class MembershipEndIn(Schema):
    reason: Annotated[str, text(500)]


class CreditTermsIn(Schema):
    """A member's own credit terms; null takes the program's."""

    credit_limit: MoneyIn | None
    payment_delay_days: int | None = Field(ge=0, le=10_000)


class ProgressOut(Schema):
    """What the nightly run measured of a member as of its date."""

    as_of: dt.date
    purchased: Money
    tier_threshold: Money | None = Field(description="the tier reached")
    tier_rate: RateOut | None
    next_threshold: Money | None = Field(description="the next tier")
    next_rate: RateOut | None
    missing: Money | None = Field(description="what the next tier still needs")
    accrued: Money
    expected_end: Money = Field(description="expected by the period's end")
    within_reach: bool = Field(description="the next tier is within reach")
    exposure: Money | None = Field(description="a credit line: shipped and not paid")
    available: Money | None = Field(description="a credit line: credit left")
    oldest_unpaid: dt.date | None
    past_delay: bool | None
    returned_on: dt.date | None = Field(description="a client return: when it ordered again")


class StockLineIn(Schema):
    sku: Annotated[str, text(64)] = Field(description="the product's code")
    monthly_quantity: Annotated[Decimal, Field(max_digits=18, decimal_places=6)] = Field(
        description="kept for the client, and committed to by it, each month"
    )


class StockIn(Schema):
    lines: list[StockLineIn] = Field(max_length=500)


class StockMonthOut(Schema):
    month: dt.date
    committed: Quantity
    consumed: Quantity = Field(description="what the client took that month")


class StockLineOut(Schema):
    sku: str
    product: str
    monthly_quantity: Quantity
    months: list[StockMonthOut] = Field(description="as the nightly run measured them")


class SettlementIn(Schema):
    paid_on: dt.date = Field(description="the day the bonuses were paid, after the period")


class SettlementOut(Schema):
    payouts: int = Field(description="the payouts recorded now; members paid before are left")
