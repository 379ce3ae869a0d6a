import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import UserRef, text
from upsell.clients.models import ClientStatus


class StatusAuditOut(Schema):
    as_of: dt.date = Field(description="the day the audit computed the status")
    computed_status: ClientStatus | None = Field(description="the audit's status (null: none)")
    status_rule: str = Field(description="the rule that chose it")
    reason: str = Field(description="the rule in a sentence of the caller's language")
    perspective: int | None = Field(description="0–100")
    abc_class: str
    xyz_class: str


class StatusOverrideOut(Schema):
    status: ClientStatus
    reason: str
    set_by: UserRef
    set_at: dt.datetime
    expires_on: dt.date | None = Field(description="the last day it holds; null: until lifted")


class StatusMonthChangeOut(Schema):
    month: dt.date = Field(description="the first day of the month whose end it was")
    from_status: ClientStatus | None
    to_status: ClientStatus | None


class ClientStatusOut(Schema):
    client_id: int
    status: ClientStatus | None = Field(
        description="the status in force: the one set by hand if any, else the audit's"
    )
    audit: StatusAuditOut | None = Field(description="null until the audit runs for the client")
    override: StatusOverrideOut | None = Field(description="the status set by hand in force")
    month_end_changes: list[StatusMonthChangeOut] = Field(
        description="where the status at a month end changed, oldest first"
    )


class StatusOverrideIn(Schema):
    status: ClientStatus
    reason: Annotated[str, text(500)] = Field(description="why the status is set by hand")
    expires_on: dt.date | None = Field(
        None, description="the last day it holds; null: until lifted"
    )
