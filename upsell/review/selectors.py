"""The figures of the head of sales' Monday review and of top management's company view.

Each figure is read from the app that owns its rule: statuses and their history from reporting,
plans and the committed forecast from forecasts, what was shipped from shipments, the workload
from portfolios, the waiting requests from requests, the sales programs' figures from programs,
the pipeline and the stuck deals from deals. This module only puts them side by side; the
database sums, nothing here walks every client or deal.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client, ClientStatus
from upsell.core.months import month_add, month_start, year_months
from upsell.deals.selectors.pipeline import (
    ClosedSince,
    StageTotal,
    deals_closed_since,
    pipeline_by_stage,
)
from upsell.deals.stuck import ManagerStuck, stuck_after_days, stuck_per_manager
from upsell.forecasts.committed import forecast_per_manager_month
from upsell.forecasts.selectors import AccuracyLine, forecast_accuracy, team_rollup
from upsell.portfolios.selectors import PersonLoad, workload_board
from upsell.programs.selectors import ProgramFigures, programs_active_figures
from upsell.reporting.selectors import (
    GroupTotal,
    Migration,
    StatusMonthTotal,
    StatusTotal,
    clients_counted_once,
    history_months_available,
    status_changes_since,
    status_migration_matrix,
    status_totals,
    status_totals_by_month,
    totals_by_client_field,
)
from upsell.requests.models import OrderRequest
from upsell.requests.selectors import request_queue
from upsell.shipments.selectors import shipped_two_periods, shipped_two_periods_total

ZERO = Decimal("0.00")
# The spans over which shipments are compared with the same span before.
STAGNATION_MONTHS = (3, 6, 12)
# Growth under this share of the span before counts as none: the shipments stopped growing.
FLAT_GROWTH = Decimal("0.02")
STAGNANT_CLIENTS = 10
OLDEST_REQUESTS = 10
STATUS_CHANGES_SHOWN = 50
# The regions and segments the company view lists, the biggest revenue first.
GROUPS_SHOWN = 12
# The months the status charts look back over.
HISTORY_MONTHS = 12


def status_order(status: str) -> int:
    """A status's place in the method's order; no status first."""
    order = ["", *ClientStatus.values]
    return order.index(status) if status in order else len(order)


# Who changed status


@dataclass(frozen=True, kw_only=True)
class StatusChangeFilters:
    since: dt.date
    change: tuple[str, str] | None = None
    manager_id: int | None = None


def status_changes(*, user: User, filters: StatusChangeFilters) -> QuerySet[Client]:
    """The clients whose status changed since ``filters.since``, narrowed to one change (from,
    to) and one manager where asked, by name."""
    clients = status_changes_since(user=user, since=filters.since)
    if filters.change is not None:
        clients = clients.filter(Q(status_before=filters.change[0]), status=filters.change[1])
    if filters.manager_id is not None:
        clients = clients.filter(manager_id=filters.manager_id)
    return clients.select_related("manager").order_by("name", "id")


@dataclass(frozen=True, kw_only=True)
class StatusChangeCount:
    from_status: str
    to_status: str
    clients: int


def status_change_counts(*, user: User, since: dt.date) -> list[StatusChangeCount]:
    """How many clients made each change (from, to) since ``since``, in the statuses' order;
    each buyer the latest audit read once (``clients_counted_once``), as the status charts
    beside them count."""
    rows = (
        status_changes_since(user=user, since=since)
        .filter(pk__in=clients_counted_once(user=user))
        .order_by()
        .values(from_status=F("status_before"), to_status=F("status"))
        .annotate(clients=Count("id"))
    )
    counts = [
        StatusChangeCount(
            from_status=row["from_status"], to_status=row["to_status"], clients=row["clients"]
        )
        for row in rows
    ]
    return sorted(
        counts, key=lambda count: (status_order(count.from_status), status_order(count.to_status))
    )


# Plan, forecast and fact


@dataclass(frozen=True, kw_only=True)
class PlanFigures:
    """A month's plan (None: none set), committed forecast and shipments (None: to come)."""

    plan: Decimal | None
    forecast: Decimal
    fact: Decimal | None

    @property
    def fact_percent(self) -> Decimal | None:
        if not self.plan or self.fact is None:
            return None
        return self.fact / self.plan * 100

    @property
    def forecast_percent(self) -> Decimal | None:
        return self.forecast / self.plan * 100 if self.plan else None


@dataclass(frozen=True, kw_only=True)
class ManagerPlan:
    manager: User
    figures: PlanFigures


@dataclass(frozen=True, kw_only=True)
class MonthPlan:
    month: dt.date
    figures: PlanFigures


@dataclass(frozen=True, kw_only=True)
class PlanReview:
    month: dt.date
    managers: list[ManagerPlan]
    team: PlanFigures
    months: list[MonthPlan]  # the team's, every month of the year


def _sum_or_none(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, ZERO) if present else None


def plan_review(*, today: dt.date) -> PlanReview:
    """Every manager's plan, committed forecast and shipments for this month, the team's
    totals, and the team's figures for every month of this year. Plans and shipments are the
    forecast grid's team roll-up; the forecast of a locked month is the one committed at the
    lock."""
    current = month_start(today)
    months = year_months(current.year)
    rows = team_rollup(year=current.year, today=today)
    committed = forecast_per_manager_month(
        first=months[0], end=month_add(months[-1], 1), managers=[row.manager.pk for row in rows]
    )
    per_month: dict[dt.date, list[PlanFigures]] = {month: [] for month in months}
    for row in rows:
        for total in row.totals:
            per_month[total.month].append(
                PlanFigures(
                    plan=total.plan,
                    forecast=committed.get((row.manager.pk, total.month), ZERO),
                    fact=total.actual,
                )
            )
    team_months = [
        MonthPlan(
            month=month,
            figures=PlanFigures(
                plan=_sum_or_none([figures.plan for figures in per_month[month]]),
                forecast=sum((figures.forecast for figures in per_month[month]), ZERO),
                fact=None
                if month > current
                else sum((figures.fact or ZERO for figures in per_month[month]), ZERO),
            ),
        )
        for month in months
    ]
    index = months.index(current)
    return PlanReview(
        month=current,
        managers=[
            ManagerPlan(manager=row.manager, figures=per_month[current][position])
            for position, row in enumerate(rows)
        ],
        team=team_months[index].figures,
        months=team_months,
    )


# Forecast accuracy


@dataclass(frozen=True, kw_only=True)
class ManagerAccuracy:
    manager: User
    year: int
    line: AccuracyLine


def accuracy_year(today: dt.date) -> int:
    """Accuracy is measured on finished months: in January, the year just over."""
    return month_add(month_start(today), -1).year


def accuracy_per_manager(*, managers: list[User], today: dt.date) -> list[ManagerAccuracy]:
    """Each manager's locked forecasts against shipments over the finished months of the year,
    as the accuracy page measures them."""
    year = accuracy_year(today)
    return [
        ManagerAccuracy(
            manager=manager,
            year=year,
            line=forecast_accuracy(manager=manager, year=year, today=today).total,
        )
        for manager in managers
    ]


# Where growth stopped


@dataclass(frozen=True, kw_only=True)
class Stagnation:
    """Shipments of the last ``months`` whole months against the same span before."""

    months: int
    owner_id: int | None  # the manager or client; None for the company
    name: str
    before: Decimal
    after: Decimal

    @property
    def change_percent(self) -> Decimal | None:
        return (self.after - self.before) / self.before * 100 if self.before > 0 else None

    @property
    def stopped(self) -> bool:
        return self.before > 0 and self.after < self.before * (1 + FLAT_GROWTH)

    @property
    def flat(self) -> bool:
        """Within the flat band either way: "the same as before"."""
        return self.before > 0 and abs(self.after - self.before) < self.before * FLAT_GROWTH


@dataclass(frozen=True, kw_only=True)
class StagnationSpan:
    months: int
    first: dt.date
    middle: dt.date
    end: dt.date
    company: Stagnation
    managers: list[Stagnation]  # every active manager that stopped growing, biggest fall first
    clients: list[Stagnation]  # the clients with the biggest fall, at most STAGNANT_CLIENTS


def stagnation(*, user: User, today: dt.date) -> list[StagnationSpan]:
    """For 3, 6 and 12 months: the company's shipments of the last whole months against the
    months before, the managers and the clients whose shipments stopped growing."""
    end = month_start(today)
    visible = clients_visible_to(user)
    managers = {
        manager.pk: manager for manager in User.objects.filter(role=Role.MANAGER, is_active=True)
    }
    spans = []
    for months in STAGNATION_MONTHS:
        middle, first = month_add(end, -months), month_add(end, -2 * months)
        before, after = shipped_two_periods_total(
            first=first, middle=middle, end=end, clients=visible
        )
        per_manager = [
            Stagnation(
                months=months,
                owner_id=row["owner"],
                name=str(managers[row["owner"]]),
                before=row["before"],
                after=row["after"],
            )
            for row in shipped_two_periods(
                first=first, middle=middle, end=end, per="manager", clients=visible
            )
            if row["owner"] in managers
        ]
        client_rows = list(
            shipped_two_periods(first=first, middle=middle, end=end, clients=visible)
            .filter(Q(before__gt=0), Q(after__lt=F("before") * (1 + FLAT_GROWTH)))
            .order_by(F("after") - F("before"), F("owner"))[:STAGNANT_CLIENTS]
        )
        names = dict(
            Client.objects.filter(pk__in=[row["owner"] for row in client_rows]).values_list(
                "pk", "name"
            )
        )
        spans.append(
            StagnationSpan(
                months=months,
                first=first,
                middle=middle,
                end=end,
                company=Stagnation(
                    months=months, owner_id=None, name="", before=before, after=after
                ),
                managers=sorted(
                    (line for line in per_manager if line.stopped),
                    key=lambda line: (line.after - line.before, line.name),
                ),
                clients=[
                    Stagnation(
                        months=months,
                        owner_id=row["owner"],
                        name=names[row["owner"]],
                        before=row["before"],
                        after=row["after"],
                    )
                    for row in client_rows
                ],
            )
        )
    return spans


# Workload and what waits


def manager_workload(*, today: dt.date) -> list[PersonLoad]:
    """The workload board's line of every active manager."""
    return [load for load in workload_board(today=today) if load.user.role == Role.MANAGER]


def oldest_waiting(*, user: User) -> list[OrderRequest]:
    """The requests that have waited longest."""
    return list(request_queue(user=user)[:OLDEST_REQUESTS])


def waiting_total(*, user: User) -> int:
    return request_queue(user=user).count()


# Statuses over time


@dataclass(frozen=True, kw_only=True)
class StatusHistory:
    months: list[dt.date]
    totals: list[StatusMonthTotal]
    migration_from: dt.date | None
    migration_to: dt.date | None
    migration: list[Migration]


def status_history(*, user: User) -> StatusHistory:
    """Revenue by month-end status over the last year of the history, and how clients moved
    between statuses over that year (or since the history begins, if it is shorter)."""
    available = history_months_available()
    if not available:
        return StatusHistory(
            months=[], totals=[], migration_from=None, migration_to=None, migration=[]
        )
    last = available[-1]
    first = max(month_add(last, -HISTORY_MONTHS), available[0])
    totals = status_totals_by_month(user=user, first=first)
    return StatusHistory(
        months=[month for month in available if month >= first],
        totals=totals,
        migration_from=first,
        migration_to=last,
        migration=sorted(
            status_migration_matrix(user=user, month_from=first, month_to=last),
            key=lambda move: (status_order(move.from_status), status_order(move.to_status)),
        )
        if first < last
        else [],
    )


# Sales programs and closing


@dataclass(frozen=True, kw_only=True)
class ClosingFigures:
    """The open pipeline by stage, the deals won and lost since the review's date, and the
    stuck deals per manager (an open deal idle longer than ``stuck_after_days``)."""

    pipeline: list[StageTotal]
    closed: ClosedSince
    stuck_after_days: int
    stuck: list[ManagerStuck]

    @property
    def pipeline_deals(self) -> int:
        return sum(stage.deals for stage in self.pipeline)

    @property
    def pipeline_amount(self) -> Decimal:
        return sum((stage.amount for stage in self.pipeline), ZERO)

    @property
    def stuck_total(self) -> int:
        return sum(line.deals for line in self.stuck)


def closing_figures(*, user: User, since: dt.date, now: dt.datetime) -> ClosingFigures:
    """The deals app's answers: the pipeline, what was closed since ``since``, what is stuck."""
    after_days = stuck_after_days()
    return ClosingFigures(
        pipeline=pipeline_by_stage(user=user),
        closed=deals_closed_since(user=user, since=since),
        stuck_after_days=after_days,
        stuck=stuck_per_manager(user=user, now=now, after_days=after_days),
    )


# The two pages, each read once for its page and its API operation


@dataclass(frozen=True, kw_only=True)
class MondayReview:
    filters: StatusChangeFilters
    change_counts: list[StatusChangeCount]
    changes: QuerySet[Client]
    plans: PlanReview
    accuracy: list[ManagerAccuracy]
    stagnation: list[StagnationSpan]
    workload: list[PersonLoad]
    waiting: list[OrderRequest]
    waiting_total: int
    history: StatusHistory
    programs: list[ProgramFigures]
    closing: ClosingFigures


def monday_review(*, user: User, filters: StatusChangeFilters, today: dt.date) -> MondayReview:
    """The head of sales' questions of the week, answered."""
    plans = plan_review(today=today)
    return MondayReview(
        filters=filters,
        change_counts=status_change_counts(user=user, since=filters.since),
        changes=status_changes(user=user, filters=filters),
        plans=plans,
        accuracy=accuracy_per_manager(
            managers=[line.manager for line in plans.managers], today=today
        ),
        stagnation=stagnation(user=user, today=today),
        workload=manager_workload(today=today),
        waiting=oldest_waiting(user=user),
        waiting_total=waiting_total(user=user),
        history=status_history(user=user),
        programs=programs_active_figures(user=user),
        closing=closing_figures(user=user, since=filters.since, now=timezone.now()),
    )


@dataclass(frozen=True, kw_only=True)
class CompanyView:
    since: dt.date
    change_counts: list[StatusChangeCount]
    status_totals: list[StatusTotal]
    regions: list[GroupTotal]
    segments: list[GroupTotal]
    plans: PlanReview
    stagnation: list[StagnationSpan]
    workload: list[PersonLoad]
    waiting_total: int
    history: StatusHistory
    programs: list[ProgramFigures]
    closing: ClosingFigures

    @property
    def over_capacity(self) -> int:
        return sum(1 for load in self.workload if load.overloaded)


def company_view(*, user: User, since: dt.date, today: dt.date) -> CompanyView:
    """The same questions for the company as a whole: by status, region, segment and month,
    the sales programs, the pipeline and the deals closed and stuck."""
    return CompanyView(
        since=since,
        change_counts=status_change_counts(user=user, since=since),
        status_totals=status_totals(user=user),
        regions=totals_by_client_field(user=user, field="region", limit=GROUPS_SHOWN),
        segments=totals_by_client_field(user=user, field="segment", limit=GROUPS_SHOWN),
        plans=plan_review(today=today),
        stagnation=stagnation(user=user, today=today),
        workload=manager_workload(today=today),
        waiting_total=waiting_total(user=user),
        history=status_history(user=user),
        programs=programs_active_figures(user=user),
        closing=closing_figures(user=user, since=since, now=timezone.now()),
    )
