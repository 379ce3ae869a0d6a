import datetime as dt

from ninja import Field, Schema
from pydantic import JsonValue

from upsell.accounts.schemas import PageOut, UserRef
from upsell.history.models import ChangeSource


class ChangeOut(Schema):
    """One field of a thing, before and after: amounts as decimal text, dates as ISO text."""

    field: str
    month: dt.date | None = Field(description="the month of a forecast cell or a plan")
    before: JsonValue
    after: JsonValue
    changed_by: UserRef | None = Field(description="null for a file imported by nobody")
    source: ChangeSource
    changed_at: dt.datetime


class ChangePage(PageOut):
    items: list[ChangeOut]
