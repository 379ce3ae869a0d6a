"""From fairy tale to money: what became of a manager's forecast for a month.

Five steps, per manager and month, each a part of the one before it except the first two:

1. **Forecast**: the manager's forecast for the month as it stood when the month was locked, or
   its live cells while the month is not locked yet (``upsell.forecasts.committed``), counted
   for the manager the cells name.
2. **In deals**: the amounts of the manager's deals expected in that month, except those lost.
   Deals may hold more than the forecast (a deal opened by hand, or for more than its cell), so
   this step may pass 100 % of the forecast.
3. **Ordered**: those of the deals that reached the order (stage Order or Won) or are linked to
   the client's request.
4. **Shipped**: per client, what the client was shipped in the month (the shipments app's one
   answer to "shipped per client and month"), up to the amount its ordered deals hold: a
   shipment beyond the deals is not the deals' doing, and the step stays a part of the one
   before.
5. **Paid**: of that shipped amount, the part the client's payments (up to today) have settled,
   payments settling the client's oldest shipments first.

Each step shows as money and as a percent of the forecast; the drop from the step before it as
money and as a percent of that step. The team is the sum of its managers. The drops are honest
from the third step on; from the forecast to the deals the "drop" is negative where deals exceed
the forecast.

Who sees what: a manager its own rows; the head of sales and top management every manager's
and the team's; nobody else the report at all.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from upsell.accounts.models import Role, User
from upsell.core.months import month_add
from upsell.deals.access import deals_visible_to
from upsell.deals.models import Deal, DealStage
from upsell.forecasts.committed import forecast_per_manager_month
from upsell.payments.selectors import paid_per_client
from upsell.shipments.selectors import shipped_per_client, shipped_per_month

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
PERCENT_QUANTUM = Decimal("0.1")
# How many months the report shows unless asked: the three before the current one and it.
DEFAULT_MONTHS_BACK = 3
# The widest span one report takes: two years of months.
MAX_MONTHS = 24

STEP_LABELS: dict[str, StrOrPromise] = {
    "forecast": _("Forecast"),
    "in_deals": _("In deals"),
    "ordered": _("Ordered"),
    "shipped": _("Shipped"),
    "paid": _("Paid"),
}
STEP_DEFINITIONS: dict[str, StrOrPromise] = {
    "forecast": _(
        "The manager's forecast for the month as locked at the month's start (while the month "
        "is not locked, the forecast as it stands)."
    ),
    "in_deals": _(
        "The amounts of the manager's deals expected in the month, lost deals left out. Deals "
        "opened by hand or for more than the forecast can take this step past 100 %."
    ),
    "ordered": _("Those deals that reached the order (Order or Won) or are linked to a request."),
    "shipped": _(
        "What the deals' clients were shipped in the month, per client no more than its "
        "ordered deals hold."
    ),
    "paid": _(
        "The part of that shipped amount the client's payments have settled, payments "
        "settling the oldest shipments first."
    ),
}
STEPS = tuple(STEP_LABELS)
# A deal counts as ordered at these stages, or at any stage once linked to a request.
ORDERED_STAGES = frozenset({DealStage.ORDER, DealStage.WON})


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole * HUNDRED).quantize(PERCENT_QUANTUM)


@dataclass(frozen=True, kw_only=True)
class FunnelStep:
    key: str
    amount: Decimal
    of_forecast: Decimal | None  # percent of the forecast; None without a forecast
    drop: Decimal | None  # the step before it less this one; None for the forecast
    drop_percent: Decimal | None  # the drop as a percent of the step before it

    @property
    def label(self) -> StrOrPromise:
        return STEP_LABELS[self.key]

    @property
    def rises(self) -> bool:
        """More than the step before (deals beyond the forecast): a negative drop."""
        return self.drop is not None and self.drop < 0

    @property
    def drop_size(self) -> Decimal | None:
        return None if self.drop is None else abs(self.drop)

    @property
    def drop_size_percent(self) -> Decimal | None:
        return None if self.drop_percent is None else abs(self.drop_percent)


@dataclass(frozen=True, kw_only=True)
class Funnel:
    forecast: Decimal = ZERO
    in_deals: Decimal = ZERO
    ordered: Decimal = ZERO
    shipped: Decimal = ZERO
    paid: Decimal = ZERO

    def __add__(self, other: "Funnel") -> "Funnel":
        return Funnel(**{key: getattr(self, key) + getattr(other, key) for key in STEPS})

    @classmethod
    def total(cls, funnels: Iterable["Funnel"]) -> "Funnel":
        return sum(funnels, cls())

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, key) == 0 for key in STEPS)

    @property
    def steps(self) -> list[FunnelStep]:
        steps: list[FunnelStep] = []
        before: Decimal | None = None
        for key in STEPS:
            amount: Decimal = getattr(self, key)
            drop = None if before is None else before - amount
            steps.append(
                FunnelStep(
                    key=key,
                    amount=amount,
                    of_forecast=_percent(amount, self.forecast),
                    drop=drop,
                    drop_percent=None if drop is None or before is None else _percent(drop, before),
                )
            )
            before = amount
        return steps


@dataclass(frozen=True, kw_only=True)
class ConversionRow:
    """One manager's funnel for one month; ``manager`` None is the team, ``month`` None every
    month of the report."""

    manager: User | None
    month: dt.date | None
    funnel: Funnel


@dataclass(frozen=True, kw_only=True)
class ConversionSection:
    """A month (or, with ``month`` None, the whole report) with a row per manager and the
    team's total."""

    month: dt.date | None
    rows: list[ConversionRow]
    team: ConversionRow


@dataclass(frozen=True, kw_only=True)
class ConversionReport:
    first: dt.date
    last: dt.date
    months: list[dt.date]
    managers: list[User]
    funnels: dict[tuple[int, dt.date], Funnel]  # per (manager id, month)

    def funnel(self, manager: User, month: dt.date) -> Funnel:
        return self.funnels.get((manager.pk, month), Funnel())

    def _section(self, month: dt.date | None, rows: list[ConversionRow]) -> ConversionSection:
        return ConversionSection(
            month=month,
            rows=rows,
            team=ConversionRow(
                manager=None, month=month, funnel=Funnel.total(row.funnel for row in rows)
            ),
        )

    @property
    def rows(self) -> list[ConversionRow]:
        """A row per manager and month, month by month."""
        return [
            ConversionRow(manager=manager, month=month, funnel=self.funnel(manager, month))
            for month in self.months
            for manager in self.managers
        ]

    @property
    def sections(self) -> list[ConversionSection]:
        """Each month with its managers and team, then the whole report's."""
        sections = [
            self._section(
                month,
                [
                    ConversionRow(manager=manager, month=month, funnel=self.funnel(manager, month))
                    for manager in self.managers
                ],
            )
            for month in self.months
        ]
        totals = [
            ConversionRow(
                manager=manager,
                month=None,
                funnel=Funnel.total(self.funnel(manager, month) for month in self.months),
            )
            for manager in self.managers
        ]
        return [*sections, self._section(None, totals)]

    @property
    def total(self) -> Funnel:
        return Funnel.total(self.funnels.values())


def conversion_managers(*, user: User, manager_id: int | None) -> list[User] | None:
    """Whose rows ``user`` reads: a manager its own (another's id answers 404); the head of
    sales and top management the manager chosen, or every manager (None). Anyone else: 404."""
    if not user.is_active:
        raise Http404("No such report")
    if user.role == Role.MANAGER:
        if manager_id is not None and manager_id != user.pk:
            raise Http404("No such manager")
        return [user]
    if user.role not in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT):
        raise Http404("No such report")
    if manager_id is None:
        return None
    try:
        return [User.objects.get(pk=manager_id, role=Role.MANAGER)]
    except User.DoesNotExist:
        raise Http404("No such manager") from None


def report_months(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The months the report shows unless asked: the last three and the current one."""
    current = today.replace(day=1)
    return month_add(current, -DEFAULT_MONTHS_BACK), current


def _month_list(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = month_add(month, 1)
    return months


@dataclass
class _Allocation:
    """What is left of one client's month to share out among the managers' ordered deals."""

    shipped: Decimal
    paid: Decimal


def _paid_portion(*, shipped_before: Decimal, shipped: Decimal, paid: Decimal) -> Decimal:
    """The part of a month's ``shipped`` that payments settle when they settle the oldest
    shipments first: what the payments leave after the shipments before the month."""
    return min(max(paid - shipped_before, ZERO), max(shipped, ZERO))


def conversion_report(
    *, user: User, first: dt.date, last: dt.date, today: dt.date, manager_id: int | None = None
) -> ConversionReport:
    """The funnel of each manager ``user`` may see, per month from ``first`` to ``last`` (both
    first days of months), with payments counted up to ``today``. A fixed number of queries."""
    chosen = conversion_managers(user=user, manager_id=manager_id)
    months = _month_list(first, last)
    end = month_add(last, 1)
    deals = deals_visible_to(user).filter(month__gte=first, month__lt=end)
    if chosen is not None:
        deals = deals.filter(manager__in=[manager.pk for manager in chosen])
    deal_rows = _deal_figures(deals)
    forecast = forecast_per_manager_month(
        first=first, end=end, managers=None if chosen is None else [m.pk for m in chosen]
    )
    managers = chosen if chosen is not None else _managers_of(forecast, deal_rows)

    in_deals: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    ordered: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    ordered_per_client: dict[tuple[int, dt.date], dict[int, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    for manager_id_, client_id, month, amount, is_ordered in deal_rows:
        in_deals[(manager_id_, month)] += amount
        if is_ordered:
            ordered[(manager_id_, month)] += amount
            ordered_per_client[(client_id, month)][manager_id_] += amount

    shipped, paid = _shipped_and_paid(ordered_per_client, first=first, end=end, today=today)
    funnels = {
        (manager.pk, month): Funnel(
            forecast=forecast.get((manager.pk, month), ZERO),
            in_deals=in_deals[(manager.pk, month)],
            ordered=ordered[(manager.pk, month)],
            shipped=shipped[(manager.pk, month)],
            paid=paid[(manager.pk, month)],
        )
        for month in months
        for manager in managers
    }
    return ConversionReport(
        first=first, last=last, months=months, managers=managers, funnels=funnels
    )


def _deal_figures(deals: QuerySet[Deal]) -> list[tuple[int, int, dt.date, Decimal, bool]]:
    """Each deal not lost: its manager, client, month, amount and whether it is ordered."""
    return [
        (manager_id, client_id, month, amount, stage in ORDERED_STAGES or request_id is not None)
        for manager_id, client_id, month, amount, stage, request_id in deals.exclude(
            stage=DealStage.LOST
        )
        .order_by("manager_id", "month", "id")
        .values_list("manager_id", "client_id", "month", "amount", "stage", "request_id")
    ]


def _managers_of(
    forecast: dict[tuple[int, dt.date], Decimal],
    deal_rows: list[tuple[int, int, dt.date, Decimal, bool]],
) -> list[User]:
    """Every active manager, and anyone else who holds a forecast or a deal in the months."""
    ids = {manager_id for manager_id, _month in forecast} | {row[0] for row in deal_rows}
    return list(
        User.objects.filter(Q(role=Role.MANAGER, is_active=True) | Q(pk__in=ids)).order_by(
            "full_name", "username", "id"
        )
    )


def _shipped_and_paid(
    ordered_per_client: dict[tuple[int, dt.date], dict[int, Decimal]],
    *,
    first: dt.date,
    end: dt.date,
    today: dt.date,
) -> tuple[dict[tuple[int, dt.date], Decimal], dict[tuple[int, dt.date], Decimal]]:
    """Shipped and paid per (manager, month), from the clients' months its ordered deals hold.

    A client's month is shared out among the managers whose ordered deals name it (one, unless
    the client changed hands), in the order of their ids, each taking up to its deals' amount.
    """
    shipped: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    paid: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    clients = sorted({client_id for client_id, _month in ordered_per_client})
    if not clients:
        return shipped, paid
    per_month = shipped_per_month(first=first, end=end, clients=clients)
    before_first = shipped_per_client(first=None, end=first, clients=clients)
    payments = paid_per_client(clients=clients, end=today + dt.timedelta(days=1))
    for client_id in clients:
        shipped_before = before_first.get(client_id, ZERO)
        month = first
        while month < end:
            month_shipped = per_month.get((client_id, month), ZERO)
            if (client_id, month) in ordered_per_client:
                left = _Allocation(
                    shipped=max(month_shipped, ZERO),
                    paid=_paid_portion(
                        shipped_before=shipped_before,
                        shipped=month_shipped,
                        paid=payments.get(client_id, ZERO),
                    ),
                )
                for manager_id, amount in sorted(ordered_per_client[(client_id, month)].items()):
                    taken = min(amount, left.shipped)
                    settled = min(taken, left.paid)
                    shipped[(manager_id, month)] += taken
                    paid[(manager_id, month)] += settled
                    left.shipped -= taken
                    left.paid -= settled
            shipped_before += month_shipped
            month = month_add(month, 1)
    return shipped, paid
