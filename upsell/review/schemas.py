import datetime as dt

from ninja import Field, Schema

from upsell.accounts.schemas import Money, PageOut, UserRef
from upsell.clients.schemas import ClientRef
from upsell.portfolios.schemas import PersonLoadOut


class StatusChangeCountOut(Schema):
    from_status: str = Field(description="the status at the last month end before `since`")
    to_status: str = Field(description="the status in force now (blank: none)")
    clients: int


class StatusChangeOut(Schema):
    client: ClientRef
    from_status: str
    to_status: str
    manager: UserRef | None


class StatusChangePage(PageOut):
    since: dt.date = Field(description="the day the changes are counted from")
    items: list[StatusChangeOut] = Field(description="by the client's name")


class PlanFiguresOut(Schema):
    plan: Money | None = Field(description="the plan; null where none is set")
    forecast: Money = Field(description="the forecast, as committed on the lock day once locked")
    fact: Money | None = Field(
        description="shipments to the motivated clients; null for a month to come"
    )
    forecast_percent: float | None = Field(description="forecast as a percentage of the plan")
    fact_percent: float | None = Field(description="fact as a percentage of the plan")


class ManagerPlanOut(Schema):
    manager: UserRef
    figures: PlanFiguresOut


class MonthPlanOut(Schema):
    month: dt.date
    figures: PlanFiguresOut


class PlanReviewOut(Schema):
    month: dt.date = Field(description="the current month")
    managers: list[ManagerPlanOut]
    team: PlanFiguresOut
    months: list[MonthPlanOut] = Field(description="the team's figures, every month of the year")


class AccuracyOut(Schema):
    manager: UserRef
    year: int
    forecast: Money = Field(description="the locked forecasts of the finished months")
    actual: Money = Field(description="what those clients were shipped in those months")
    wape: float | None = Field(description="absolute errors over the shipped amount, %")
    bias: float | None = Field(description="(forecast − shipped) over the shipped amount, %")


class StagnationOut(Schema):
    owner_id: int | None = Field(description="the manager's or client's id; null: the company")
    name: str
    before: Money = Field(description="shipped in the span before")
    after: Money = Field(description="shipped in the last span")
    change_percent: float | None
    stopped: bool = Field(description="grew by less than 2 %")
    text: str = Field(description="the same in a sentence of the caller's language")


class StagnationSpanOut(Schema):
    months: int
    first: dt.date = Field(description="the first day of the span before")
    middle: dt.date = Field(description="the first day of the last span")
    end: dt.date = Field(description="the day after the last span (the current month's first)")
    company: StagnationOut
    managers: list[StagnationOut] = Field(description="the managers that stopped growing")
    clients: list[StagnationOut] = Field(description="the clients with the biggest fall")


class WaitingRequestOut(Schema):
    id: int
    client: ClientRef
    assignee: UserRef | None
    created_at: dt.datetime


class StatusMonthOut(Schema):
    month: dt.date
    status: str
    clients: int
    revenue_365: Money


class MigrationOut(Schema):
    from_status: str
    to_status: str
    clients: int
    revenue_from: Money
    revenue_to: Money


class StatusHistoryOut(Schema):
    months: list[dt.date]
    totals: list[StatusMonthOut] = Field(description="revenue over 365 days by month-end status")
    migration_from: dt.date | None
    migration_to: dt.date | None
    migration: list[MigrationOut]


class MondayReviewOut(Schema):
    since: dt.date
    status_change_counts: list[StatusChangeCountOut]
    status_changes_total: int
    status_changes: list[StatusChangeOut] = Field(description="the first 50, by name")
    plan: PlanReviewOut
    accuracy: list[AccuracyOut]
    stagnation: list[StagnationSpanOut]
    workload: list[PersonLoadOut] = Field(description="the workload board's managers")
    waiting_total: int
    waiting: list[WaitingRequestOut] = Field(description="the requests waiting longest")
    status_history: StatusHistoryOut


class GroupOut(Schema):
    name: str
    clients: int
    revenue_365: Money


class CompanyViewOut(Schema):
    since: dt.date
    status_change_counts: list[StatusChangeCountOut]
    by_status: list[GroupOut] = Field(description="the status's code as the name")
    by_region: list[GroupOut]
    by_segment: list[GroupOut]
    plan: PlanReviewOut
    stagnation: list[StagnationSpanOut]
    managers: int
    managers_over_capacity: int
    waiting_total: int
    status_history: StatusHistoryOut
