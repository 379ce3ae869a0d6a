import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import Money, MoneyIn, ObjectId, PageOut, UserRef, text
from upsell.clients.schemas import ClientRef
from upsell.deals.models import DealSource, DealStage, LinkState
from upsell.deals.services.deals import LOST_NOTE_MAX, REASON_NAME_MAX, TITLE_MAX


class LostReasonOut(Schema):
    id: int
    name: str
    active: bool
    position: int


class LostReasonIn(Schema):
    name: Annotated[str, text(REASON_NAME_MAX)]


class LostReasonChangeIn(Schema):
    name: Annotated[str, text(REASON_NAME_MAX)] | None = None
    active: bool | None = None


class LostReasonsOrderIn(Schema):
    reason_ids: list[int] = Field(
        max_length=1000, description="every reason of the list, each once, in the new order"
    )


class StageChangeOut(Schema):
    stage_before: str
    stage_after: DealStage
    changed_by: UserRef | None
    changed_at: dt.datetime


class DealOut(Schema):
    id: int
    client: ClientRef
    manager: UserRef | None
    title: str
    month: dt.date = Field(description="the first day of the month the order is expected in")
    amount: Money
    stage: DealStage
    source: DealSource
    forecast_cell_id: int | None
    lost_reason: LostReasonOut | None
    lost_note: str
    request_id: int | None
    request_link: LinkState
    shipment_id: int | None
    shipment_link: LinkState
    created_at: dt.datetime
    stage_changed_at: dt.datetime | None
    last_activity_at: dt.datetime
    closed_at: dt.datetime | None


class DealPage(PageOut):
    items: list[DealOut]


class DealIn(Schema):
    client_id: ObjectId
    month: dt.date = Field(description="any day of the month the order is expected in")
    amount: MoneyIn
    title: Annotated[str, text(TITLE_MAX)] = ""


class DealFromForecastIn(Schema):
    client_id: ObjectId
    month: dt.date = Field(description="the forecast cell's month (any day of it)")
    title: Annotated[str, text(TITLE_MAX)] = ""


class DealChangeIn(Schema):
    """What an open deal expects; a field left out or null stays as it is."""

    month: dt.date | None = None
    amount: MoneyIn | None = None
    title: Annotated[str, text(TITLE_MAX)] | None = None


class DealMoveIn(Schema):
    stage: DealStage
    lost_reason_id: ObjectId | None = Field(None, description="required for lost")
    lost_note: Annotated[str, text(LOST_NOTE_MAX)] = ""


class DealLinksIn(Schema):
    """The deal's request and shipment set by hand (confirmed); null removes the link."""

    request_id: ObjectId | None
    shipment_id: ObjectId | None


class DealFilters(Schema):
    manager_id: ObjectId | None = None
    stage: DealStage | None = None
    month: dt.date | None = Field(None, description="any day of the deals' month")
