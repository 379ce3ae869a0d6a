import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from upsell.accounts.schemas import Money, MoneyIn, PageOut
from upsell.forecasts.models import Confidence


class ForecastCellOut(Schema):
    client_id: int
    month: dt.date = Field(description="the first day of the month")
    manager_id: int | None
    expected_orders: Decimal = Field(description="the baseline's expected orders in the month")
    baseline: Money
    baseline_low: Money
    baseline_high: Money
    amount: Money | None = Field(
        description="the manager's amount; without one the baseline counts"
    )
    confidence: Confidence | None
    comment: str
    version: int = Field(description="send it back when changing the cell")
    updated_at: dt.datetime | None

    @staticmethod
    def resolve_confidence(cell: object) -> str | None:
        return getattr(cell, "confidence", "") or None


class ForecastCellIn(Schema):
    month: dt.date = Field(description="the first day of the month")
    amount: MoneyIn | None = Field(description="empty clears the manager's amount")
    confidence: Confidence | None = Field(description="required with an amount")
    comment: str = Field("", max_length=500, pattern=r"^[^\x00]*$")
    version: int = Field(0, ge=0, description="the version last read (0 for a cell never written)")


class ForecastConflictOut(Schema):
    detail: str
    current: ForecastCellOut


class ForecastCellQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    manager: int | None = Field(None, ge=1, le=2**63 - 1, description="a manager's id")


class ForecastCellPage(PageOut):
    items: list[ForecastCellOut]


class ForecastChangeQuery(Schema):
    month: dt.date | None = Field(
        None, ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 1), description="one month's changes"
    )
