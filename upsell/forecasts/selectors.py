"""Reads of forecasts for the grid, the team roll-up, accuracy, exports and the API.

A grid is read in a fixed number of queries whatever its size: the manager's motivated
clients with their audit, their cells of the year, the shipments per client and month, the
plans and the locks.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum, prefetch_related_objects

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.months import month_add, month_start, year_months
from upsell.forecasts.access import forecast_clients_visible_to
from upsell.forecasts.locks import cell_editable, months_locked
from upsell.forecasts.models import ForecastCell, ForecastSnapshot, SalesPlan, cell_forecast
from upsell.shipments.selectors import shipped_per_month

ZERO = Decimal("0.00")


class CellFigures(NamedTuple):
    """What the grid shows of a stored cell.

    A grid reads thousands of cells; building a model instance for each cost more than the
    whole query, so the grid reads these few fields alone, each row straight into one of these.
    """

    baseline: Decimal
    amount: Decimal | None
    confidence: str
    comment: str
    version: int

    @classmethod
    def of(cls, cell: ForecastCell) -> "CellFigures":
        return cls(cell.baseline, cell.amount, cell.confidence, cell.comment, cell.version)

    @property
    def forecast(self) -> Decimal:
        """The amount the cell counts with: the manager's when set, else the baseline."""
        return self.baseline if self.amount is None else self.amount


CELL_FIGURES = ("baseline", "amount", "confidence", "comment", "version")


@dataclass(slots=True, kw_only=True)
class GridCell:
    client: Client
    month: dt.date
    cell: CellFigures | None
    actual: Decimal | None  # shipped, for months that have begun
    is_past: bool
    locked: bool
    editable: bool

    @property
    def key(self) -> str:
        """The cell's address under the cells URL: ``<client id>/<YYYY-MM>``."""
        return f"{self.client.pk}/{self.month:%Y-%m}"

    @property
    def dom_id(self) -> str:
        return f"cell-{self.client.pk}-{self.month:%Y-%m}"

    @property
    def version(self) -> int:
        return 0 if self.cell is None else self.cell.version

    @property
    def baseline(self) -> Decimal:
        return ZERO if self.cell is None else self.cell.baseline

    @property
    def forecast(self) -> Decimal:
        return ZERO if self.cell is None else self.cell.forecast

    @property
    def compared(self) -> bool:
        """Whether the cell has both a forecast and a fact (its month has begun): only such
        cells are added up where forecast and fact are set side by side."""
        return self.cell is not None and self.actual is not None

    @property
    def deviation(self) -> Decimal | None:
        """Shipped minus forecast, once the month is over; None where there was no forecast
        (a month's shipments are no gain over a forecast nobody made)."""
        if not self.is_past or self.actual is None or self.cell is None:
            return None
        return self.actual - self.forecast


@dataclass(frozen=True, kw_only=True)
class RowTotal:
    """One client's figures over the year, as its row's last column shows them: the year's
    forecast, and the fact beside the forecast of the months that have both."""

    client_id: int
    forecast: Decimal
    compared_forecast: Decimal
    compared_actual: Decimal


@dataclass(slots=True, kw_only=True)
class GridRow:
    client: Client
    cells: list[GridCell]

    @property
    def perspective(self) -> int | None:
        audit = getattr(self.client, "audit", None)
        return None if audit is None else audit.perspective

    @property
    def share_of_wallet(self) -> float | None:
        """Bought from us this budget year as a percent of the client's purchase budget."""
        audit = getattr(self.client, "audit", None)
        share = None if audit is None else audit.share_of_wallet
        return None if share is None else float(share) * 100

    def total(self) -> RowTotal:
        """The row's figures over the year, added up in one pass over its cells."""
        forecast = compared_forecast = compared_actual = ZERO
        for cell in self.cells:
            cell_forecast = cell.forecast
            forecast += cell_forecast
            if cell.compared:
                compared_forecast += cell_forecast
                compared_actual += cell.actual or ZERO
        return RowTotal(
            client_id=self.client.pk,
            forecast=forecast,
            compared_forecast=compared_forecast,
            compared_actual=compared_actual,
        )

    @property
    def forecast(self) -> Decimal:
        return self.total().forecast

    @property
    def baseline(self) -> Decimal:
        return sum((cell.baseline for cell in self.cells), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((cell.actual or ZERO for cell in self.cells), ZERO)

    @property
    def compared_forecast(self) -> Decimal:
        """The forecast of the months that have both a forecast and a fact."""
        return self.total().compared_forecast

    @property
    def compared_actual(self) -> Decimal:
        """The fact of the months that have both a forecast and a fact."""
        return self.total().compared_actual


@dataclass(kw_only=True)
class MonthTotal:
    month: dt.date
    baseline: Decimal = ZERO
    forecast: Decimal = ZERO
    actual: Decimal | None = None
    plan: Decimal | None = None
    locked: bool = False
    # Forecast and fact of the cells that have both (see ``GridCell.compared``).
    compared_forecast: Decimal = ZERO
    compared_actual: Decimal = ZERO

    @property
    def key(self) -> str:
        """The month as the page's element ids name it: ``YYYY-MM``."""
        return f"{self.month:%Y-%m}"

    def count_in(self, cell: GridCell) -> None:
        """Add ``cell`` of this month to the totals (``actual`` starts at zero in a month
        begun, None in one to come)."""
        figures, actual = cell.cell, cell.actual
        if actual is not None:
            self.actual = (self.actual or ZERO) + actual
        if figures is None:  # no baseline, no forecast, nothing compared
            return
        forecast = figures.forecast
        self.baseline += figures.baseline
        self.forecast += forecast
        if cell.compared:
            self.compared_forecast += forecast
            self.compared_actual += actual or ZERO

    @property
    def plan_gap(self) -> Decimal | None:
        """Forecast minus plan: what the forecast still lacks (negative) to reach the plan."""
        return None if self.plan is None else self.forecast - self.plan

    @property
    def fact_gap(self) -> Decimal | None:
        """Fact minus forecast over the cells that have both; None before the month begins."""
        if self.actual is None:
            return None
        return self.compared_actual - self.compared_forecast


@dataclass(frozen=True, kw_only=True)
class YearTotal:
    """A grid's months added up; shipments count as nothing in months not yet begun. The
    fact is set beside the forecast of the same cells (``compared_forecast``), not beside the
    forecast of the whole year."""

    baseline: Decimal
    forecast: Decimal
    actual: Decimal
    plan: Decimal
    compared_forecast: Decimal
    compared_actual: Decimal
    key: str = "year"

    @classmethod
    def of(cls, totals: list[MonthTotal]) -> "YearTotal":
        return cls(
            baseline=sum((total.baseline for total in totals), ZERO),
            forecast=sum((total.forecast for total in totals), ZERO),
            actual=sum((total.actual or ZERO for total in totals), ZERO),
            plan=sum((total.plan or ZERO for total in totals), ZERO),
            compared_forecast=sum((total.compared_forecast for total in totals), ZERO),
            compared_actual=sum((total.compared_actual for total in totals), ZERO),
        )

    @property
    def fact_gap(self) -> Decimal:
        """Fact minus forecast over the cells that have both."""
        return self.compared_actual - self.compared_forecast


@dataclass(kw_only=True)
class Grid:
    manager: User
    year: int
    rows: list[GridRow]
    totals: list[MonthTotal]
    can_edit: bool
    months: list[dt.date] = field(default_factory=list)

    @cached_property
    def year_total(self) -> YearTotal:
        return YearTotal.of(self.totals)

    @property
    def forecast(self) -> Decimal:
        return self.year_total.forecast

    @property
    def baseline(self) -> Decimal:
        return self.year_total.baseline

    @property
    def actual(self) -> Decimal:
        return self.year_total.actual

    @property
    def plan(self) -> Decimal:
        return self.year_total.plan


# What the grid and its workbook show of a client, and the client's manager; the programs'
# levers ask for more themselves.
GRID_CLIENT_FIELDS = (
    "name",
    "status",
    "manager",
    "plans_budget",
    "annual_budget",
    "audit__perspective",
    "audit__share_of_wallet",
)


def motivated_clients_of(*, user: User, manager: User) -> QuerySet[Client]:
    """``manager``'s motivated clients as ``user`` may see them, with their audit, by name."""
    return (
        forecast_clients_visible_to(user)
        .filter(manager=manager)
        .filter(motivated_q())
        .select_related("audit")
        .order_by("name", "id")
    )


def clients_in_programs(clients: list[Client]) -> set[int]:
    """The ids of those of ``clients`` in a sales program, whose memberships and progress this
    prefetches for the levers the grid names under them (the programs app writes them in
    words). The others, most clients of a grid, ask nothing more."""
    members = set(
        Client.objects.filter(
            pk__in=[client.pk for client in clients], program_memberships__isnull=False
        ).values_list("pk", flat=True)
    )
    prefetch_related_objects(
        [client for client in clients if client.pk in members],
        "program_memberships__program",
        "program_memberships__progress",
    )
    return members


def _cells_of(manager: User) -> Q:
    # A cell written while the client had no manager counts in its current manager's grid.
    return Q(manager=manager) | Q(manager__isnull=True)


def _shipped_until(*, year: int, current: dt.date) -> dt.date:
    """The end of the months of ``year`` whose shipments count: those begun by ``current``."""
    return month_add(min(current, dt.date(year, 12, 1)), 1)


def _shipped_in_year(
    *, clients: list[int] | QuerySet[Client], year: int, current: dt.date
) -> dict[tuple[int, dt.date], Decimal]:
    """What ``clients`` were shipped per month of ``year`` begun by ``current``; a year still
    to come asks the database nothing."""
    first, end = dt.date(year, 1, 1), _shipped_until(year=year, current=current)
    if first >= end:
        return {}
    return shipped_per_month(clients=clients, first=first, end=end)


@dataclass(frozen=True, slots=True)
class _GridColumn:
    """What every cell of a month shares, worked out once per grid rather than once per cell."""

    month: dt.date
    begun: bool
    is_past: bool
    locked: bool
    editable: bool


def forecast_grid(*, user: User, manager: User, year: int, today: dt.date, can_edit: bool) -> Grid:
    """``manager``'s grid for ``year`` as ``user`` sees it."""
    months = year_months(year)
    current = month_start(today)
    clients = list(motivated_clients_of(user=user, manager=manager).only(*GRID_CLIENT_FIELDS))
    client_ids = [client.pk for client in clients]
    rows_of_cells = (
        ForecastCell.objects.filter(_cells_of(manager), client_id__in=client_ids, month__year=year)
        .order_by()
        .values_list("client_id", "month", *CELL_FIGURES)
    )
    # Each client's cells by month, so that a row looks its months up without a key per cell.
    cells: dict[int, dict[dt.date, CellFigures]] = defaultdict(dict)
    for client_id, month, baseline, amount, confidence, comment, version in rows_of_cells:
        cells[client_id][month] = CellFigures(baseline, amount, confidence, comment, version)
    actuals = _shipped_in_year(clients=client_ids, year=year, current=current)
    plans = dict(
        SalesPlan.objects.filter(manager=manager, month__year=year).values_list("month", "amount")
    )
    locked = months_locked(months)
    columns = [
        _GridColumn(
            month=month,
            begun=month <= current,
            is_past=month < current,
            locked=month in locked,
            editable=can_edit and cell_editable(month=month, today=today, locked=month in locked),
        )
        for month in months
    ]
    totals = [
        MonthTotal(
            month=column.month,
            actual=ZERO if column.begun else None,
            plan=plans.get(column.month),
            locked=column.locked,
        )
        for column in columns
    ]
    rows = []
    no_cells: dict[dt.date, CellFigures] = {}
    for client in clients:
        client_id = client.pk
        client_cells = cells.get(client_id, no_cells)
        row_cells = []
        for column, total in zip(columns, totals, strict=True):
            month = column.month
            cell = GridCell(
                client=client,
                month=month,
                cell=client_cells.get(month),
                actual=actuals.get((client_id, month), ZERO) if column.begun else None,
                is_past=column.is_past,
                locked=column.locked,
                editable=column.editable,
            )
            row_cells.append(cell)
            total.count_in(cell)
        rows.append(GridRow(client=client, cells=row_cells))
    return Grid(
        manager=manager, year=year, rows=rows, totals=totals, can_edit=can_edit, months=months
    )


@dataclass(frozen=True, kw_only=True)
class GridTotals:
    """A grid's totals without its cells: every month's, the year's, and one row's."""

    months: list[MonthTotal]
    row: RowTotal | None

    @cached_property
    def year(self) -> YearTotal:
        return YearTotal.of(self.months)

    def month(self, month: dt.date) -> MonthTotal:
        return self.months[month.month - 1]


def forecast_grid_totals(
    *, user: User, manager: User, year: int, today: dt.date, client: Client | None = None
) -> GridTotals:
    """The totals ``forecast_grid`` would show, added up by the database: what a saved cell or
    plan sends back so that the page's totals follow it without reading the whole grid again.

    With ``client``, also that client's row total (None when the client is not in the grid).
    At most six queries: the managed statuses, the cells per month, which cells of the months
    begun exist and the shipments (for a year begun), the plans, and whether the client is in
    the grid (when none of the grid's cells is the client's).
    """
    months = year_months(year)
    current = month_start(today)
    clients = motivated_clients_of(user=user, manager=manager)
    in_row = Q() if client is None else Q(client_id=client.pk)
    forecast = cell_forecast()
    cells_of_grid = ForecastCell.objects.filter(
        _cells_of(manager), client__in=clients.values("pk"), month__year=year
    ).order_by()
    cells = {}
    client_cells = 0  # of ``client``, in the grid's cells of the year
    for month, baseline, forecast_total, row_forecast, row_cells in (
        cells_of_grid.values_list("month")
        .annotate(
            baseline_total=Sum("baseline"),
            forecast_total=Sum(forecast),
            row_forecast=Sum(forecast, filter=in_row),
            row_cells=Count("pk", filter=in_row),
        )
        .values_list("month", "baseline_total", "forecast_total", "row_forecast", "row_cells")
    ):
        cells[month] = (baseline, forecast_total, row_forecast or ZERO)
        client_cells += row_cells
    # A month begun compares its forecast with the shipments of the clients that have a cell.
    begun_cells = (
        set(cells_of_grid.filter(month__lte=current).values_list("client_id", "month"))
        if months[0] <= current
        else set()
    )
    shipped: dict[dt.date, tuple[Decimal, Decimal]] = {}
    compared_shipped: dict[dt.date, tuple[Decimal, Decimal]] = {}
    for (client_id, month), total in _shipped_in_year(
        clients=clients, year=year, current=current
    ).items():
        in_this_row = client is not None and client_id == client.pk
        for sums, counts in (
            (shipped, True),
            (compared_shipped, (client_id, month) in begun_cells),
        ):
            if counts:
                month_total, row_total = sums.get(month, (ZERO, ZERO))
                sums[month] = (month_total + total, row_total + (total if in_this_row else ZERO))
    plans = dict(
        SalesPlan.objects.filter(manager=manager, month__year=year).values_list("month", "amount")
    )
    no_cells, no_shipments = (ZERO, ZERO, ZERO), (ZERO, ZERO)
    totals = [
        MonthTotal(
            month=month,
            baseline=cells.get(month, no_cells)[0],
            forecast=cells.get(month, no_cells)[1],
            actual=shipped.get(month, no_shipments)[0] if month <= current else None,
            plan=plans.get(month),
            compared_forecast=cells.get(month, no_cells)[1] if month <= current else ZERO,
            compared_actual=compared_shipped.get(month, no_shipments)[0],
        )
        for month in months
    ]
    row = None
    # A client with cells among the grid's is in the grid; one without is asked about.
    if client is not None and (client_cells or clients.filter(pk=client.pk).exists()):
        row = RowTotal(
            client_id=client.pk,
            forecast=sum((figures[2] for figures in cells.values()), ZERO),
            compared_forecast=sum(
                (figures[2] for month, figures in cells.items() if month <= current), ZERO
            ),
            compared_actual=sum((figures[1] for figures in compared_shipped.values()), ZERO),
        )
    return GridTotals(months=totals, row=row)


@dataclass(kw_only=True)
class TeamRow:
    manager: User
    totals: list[MonthTotal]

    @property
    def forecast(self) -> Decimal:
        return sum((total.forecast for total in self.totals), ZERO)

    @property
    def plan(self) -> Decimal:
        return sum((total.plan or ZERO for total in self.totals), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((total.actual or ZERO for total in self.totals), ZERO)


def plan_managers() -> QuerySet[User]:
    """Whom the head of sales sets plans for: the managers."""
    return User.objects.filter(role=Role.MANAGER)


def team_managers() -> QuerySet[User]:
    """The managers the team views list, by name: the active ones."""
    return User.objects.filter(role=Role.MANAGER, is_active=True).order_by("full_name", "username")


def team_rollup(*, year: int, today: dt.date) -> list[TeamRow]:
    """Every manager's plan, forecast and shipments per month of ``year``: the team view of
    the head of sales and top management."""
    months = year_months(year)
    current = month_start(today)
    managers = list(team_managers())
    forecast = {
        (manager_id, month): total
        for manager_id, month, total in ForecastCell.objects.filter(
            month__year=year, manager__isnull=False
        )
        .values_list("manager_id", "month")
        .annotate(total=Sum(cell_forecast()))
        .values_list("manager_id", "month", "total")
    }
    plans = {
        (manager_id, month): amount
        for manager_id, month, amount in SalesPlan.objects.filter(month__year=year).values_list(
            "manager_id", "month", "amount"
        )
    }
    shipped = shipped_per_month(
        clients=Client.objects.filter(motivated_q()),
        first=months[0],
        end=_shipped_until(year=year, current=current),
        per="manager",
    )
    locked = months_locked(months)
    return [
        TeamRow(
            manager=manager,
            totals=[
                MonthTotal(
                    month=month,
                    forecast=forecast.get((manager.pk, month), ZERO),
                    plan=plans.get((manager.pk, month)),
                    actual=shipped.get((manager.pk, month), ZERO) if month <= current else None,
                    locked=month in locked,
                )
                for month in months
            ],
        )
        for manager in managers
    ]


def forecast_grid_cell(
    *, client: Client, month: dt.date, today: dt.date, can_edit: bool
) -> GridCell:
    """One cell of ``client``'s row, as the grid shows it (the caller checked access)."""
    current = month_start(today)
    figures = (
        ForecastCell.objects.filter(client=client, month=month).values_list(*CELL_FIGURES).first()
    )
    actual = None
    if month <= current:
        actual = shipped_per_month(clients=[client.pk], first=month, end=month_add(month, 1)).get(
            (client.pk, month), ZERO
        )
    locked = bool(months_locked([month]))
    return GridCell(
        client=client,
        month=month,
        cell=None if figures is None else CellFigures(*figures),
        actual=actual,
        is_past=month < current,
        locked=locked,
        editable=can_edit and cell_editable(month=month, today=today, locked=locked),
    )


@dataclass(frozen=True, kw_only=True)
class YearPlan:
    """A manager's plan of each month of a year (None: no plan set)."""

    manager: User
    year: int
    months: dict[dt.date, Decimal | None]

    @property
    def total(self) -> Decimal:
        return sum((amount for amount in self.months.values() if amount is not None), ZERO)


def sales_plans_of(*, managers: list[User], year: int) -> list[YearPlan]:
    """The plans of ``managers`` for every month of ``year``, in one query."""
    amounts = {
        (manager_id, month): amount
        for manager_id, month, amount in SalesPlan.objects.filter(
            manager__in=managers, month__year=year
        ).values_list("manager_id", "month", "amount")
    }
    return [
        YearPlan(
            manager=manager,
            year=year,
            months={month: amounts.get((manager.pk, month)) for month in year_months(year)},
        )
        for manager in managers
    ]


@dataclass(frozen=True, kw_only=True)
class AccuracyLine:
    """How a locked forecast compared with what was shipped.

    WAPE is the sum of absolute errors over the sum shipped; bias is the sum of (forecast −
    shipped) over the sum shipped: positive when the forecast promised more than came. Both
    are None when nothing was shipped (they would divide by zero).
    """

    label: str
    forecast: Decimal
    actual: Decimal
    absolute_error: Decimal
    # What the line is of: a month's line names its month, a client's its client.
    month: dt.date | None = None
    client: Client | None = None

    @property
    def wape(self) -> Decimal | None:
        return None if self.actual <= 0 else self.absolute_error / self.actual * 100

    @property
    def bias(self) -> Decimal | None:
        return None if self.actual <= 0 else (self.forecast - self.actual) / self.actual * 100


@dataclass(frozen=True, kw_only=True)
class Accuracy:
    total: AccuracyLine
    by_month: list[AccuracyLine]
    by_client: list[AccuracyLine]


def _line(
    label: str,
    pairs: list[tuple[Decimal, Decimal]],
    *,
    month: dt.date | None = None,
    client: Client | None = None,
) -> AccuracyLine:
    return AccuracyLine(
        label=label,
        month=month,
        client=client,
        forecast=sum((forecast for forecast, _ in pairs), ZERO),
        actual=sum((actual for _, actual in pairs), ZERO),
        absolute_error=sum((abs(forecast - actual) for forecast, actual in pairs), ZERO),
    )


def accuracy_year_default(today: dt.date) -> int:
    """The year accuracy opens on: that of the last finished month (in January, the year just
    over), since accuracy is measured on finished months."""
    return month_add(month_start(today), -1).year


def forecast_accuracy(*, manager: User, year: int, today: dt.date) -> Accuracy:
    """The locked forecasts of ``manager`` for the finished months of ``year`` against what its
    clients were shipped in those months, per month, per client and in total."""
    current = month_start(today)
    snapshots = list(
        ForecastSnapshot.objects.filter(manager=manager, month__year=year, month__lt=current)
        .select_related("client")
        .order_by("month", "client__name", "client_id")
    )
    client_ids = sorted({snapshot.client_id for snapshot in snapshots})
    actuals = shipped_per_month(clients=client_ids, first=dt.date(year, 1, 1), end=current)
    by_month: dict[dt.date, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    by_client: dict[Client, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for snapshot in snapshots:
        pair = (snapshot.forecast, actuals.get((snapshot.client_id, snapshot.month), ZERO))
        by_month[snapshot.month].append(pair)
        by_client[snapshot.client].append(pair)
    clients = sorted(by_client, key=lambda client: (client.name, client.pk))
    return Accuracy(
        total=_line("", [pair for pairs in by_month.values() for pair in pairs]),
        by_month=[
            _line(f"{month:%m.%Y}", by_month[month], month=month) for month in sorted(by_month)
        ],
        by_client=[_line(client.name, by_client[client], client=client) for client in clients],
    )


def forecast_accuracies(
    *, manager: User | None, year: int, today: dt.date
) -> list[tuple[User, Accuracy]]:
    """The accuracy of ``manager``, or without one of every manager by name (those who left
    too: their finished months were forecast all the same)."""
    managers = (
        [manager]
        if manager is not None
        else User.objects.filter(role=Role.MANAGER).order_by("full_name", "username")
    )
    return [(each, forecast_accuracy(manager=each, year=year, today=today)) for each in managers]


@dataclass(frozen=True, kw_only=True)
class ClientMonth:
    """One month of a client's forecast as its card shows it."""

    month: dt.date
    cell: ForecastCell | None
    locked: bool

    @property
    def forecast(self) -> Decimal | None:
        return None if self.cell is None else self.cell.forecast


def client_forecast_months(*, client: Client, today: dt.date, count: int) -> list[ClientMonth]:
    """``client``'s forecast for the current month and the ones after it (the caller checked
    access), in two queries."""
    first = month_start(today)
    months = [month_add(first, index) for index in range(count)]
    cells = {
        cell.month: cell
        for cell in ForecastCell.objects.filter(client=client, month__in=months).select_related(
            "manager"
        )
    }
    locked = months_locked(months)
    return [
        ClientMonth(month=month, cell=cells.get(month), locked=month in locked) for month in months
    ]
