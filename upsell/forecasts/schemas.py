import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import MAX_ID, Money, MoneyIn, PageOut, UserRef
from upsell.clients.schemas import ClientRef
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


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    manager: int | None = Field(
        None, ge=1, le=MAX_ID, description="a manager's id; without one, every manager's"
    )


class PlanMonthOut(Schema):
    month: dt.date = Field(description="the first day of the month")
    amount: Money | None = Field(description="the plan; null where none is set")


class YearPlanOut(Schema):
    manager: UserRef
    year: int
    months: list[PlanMonthOut] = Field(description="every month of the year, January first")
    total: Money = Field(description="the plans set in the year")


MonthNumber = Annotated[int, Field(ge=1, le=12)]


class YearPlanIn(Schema):
    manager_id: int = Field(ge=1, le=MAX_ID, description="a manager's id")
    year: int = Field(ge=2000, le=2100)
    months: dict[MonthNumber, MoneyIn | None] = Field(
        description='the plan of each month named by its number ("1" is January); null '
        "removes the month's plan, a month left out keeps its plan"
    )


class AccuracyFiguresOut(Schema):
    forecast: Money = Field(description="the locked forecasts of the finished months")
    actual: Money = Field(description="what those clients were shipped in those months")
    wape: float | None = Field(description="absolute errors over the shipped amount, %")
    bias: float | None = Field(description="(forecast − shipped) over the shipped amount, %")


class MonthAccuracyOut(AccuracyFiguresOut):
    month: dt.date


class ClientAccuracyOut(AccuracyFiguresOut):
    client: ClientRef


class ManagerAccuracyOut(Schema):
    manager: UserRef
    year: int
    total: AccuracyFiguresOut
    by_month: list[MonthAccuracyOut] = Field(description="the finished months forecast")
    by_client: list[ClientAccuracyOut] = Field(description="by the client's name")
