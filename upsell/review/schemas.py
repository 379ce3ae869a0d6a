import datetime as dt

from ninja import Field, Schema

from upsell.accounts.schemas import Money, PageOut, UserRef
from upsell.clients.schemas import ClientRef
from upsell.deals.models import DealStage
from upsell.portfolios.schemas import PersonLoadOut
from upsell.programs.models import EffectMethod, ProgramKind


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


class ProgramRef(Schema):
    id: int
    name: str
    kind: ProgramKind
    period_start: dt.date
    period_end: dt.date


class ProgramEffectOut(Schema):
    as_of: dt.date = Field(description="the night that measured it")
    method: EffectMethod = Field(
        description="random: against the control group held out at random; matched: against "
        "the non-members most like the members"
    )
    members: int
    controls: int
    months: int = Field(description="the program's months measured")
    uplift: Money = Field(description="revenue uplift per member per month")
    low: Money = Field(description="the 90 % interval's lower end")
    high: Money = Field(description="the 90 % interval's upper end")
    too_little_data: bool = Field(description="too little data yet to tell it from chance")
    cost: Money = Field(description="the discounts and bonuses accrued")
    net: Money = Field(description="the uplift of every member in every month, less the cost")


class ProgramFiguresOut(Schema):
    program: ProgramRef
    members: int = Field(description="members in force")
    within_reach: int = Field(description="members whose next tier is within reach")
    accrued: Money = Field(description="discounts and bonuses the members accrued so far")
    effect: ProgramEffectOut | None = Field(description="null: not measured yet")


class StageTotalOut(Schema):
    stage: DealStage
    deals: int
    amount: Money


class LostReasonTotalOut(Schema):
    id: int
    name: str
    deals: int
    amount: Money


class ClosedSinceOut(Schema):
    since: dt.date
    won: int
    won_amount: Money
    lost: int
    lost_amount: Money
    lost_reasons: list[LostReasonTotalOut] = Field(
        description="the reasons most often given for the deals lost, at most 3"
    )


class ManagerStuckOut(Schema):
    manager: UserRef
    deals: int
    amount: Money


class CompanyDealsOut(Schema):
    pipeline: list[StageTotalOut] = Field(description="the open deals by stage")
    pipeline_deals: int
    pipeline_amount: Money
    closed: ClosedSinceOut = Field(description="the deals won and lost since `since`")
    stuck_after_days: int = Field(description="an open deal without activity for longer is stuck")
    stuck_total: int


class DealsOut(CompanyDealsOut):
    stuck: list[ManagerStuckOut] = Field(description="the stuck deals of each manager")


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
    programs: list[ProgramFiguresOut] = Field(description="the active sales programs")
    deals: DealsOut


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
    programs: list[ProgramFiguresOut] = Field(description="the active sales programs")
    deals: CompanyDealsOut
