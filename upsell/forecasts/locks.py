"""Which forecast months can still change: the one place that answers it.

A month's forecast is final once its month is locked (the lock day snapshot) or over. Every
reader and writer — the grid, a cell's editor and its save, the workbook, the card, a client's
hand-over, the baselines, the nightly locks — asks here.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastLock


def lock_day() -> int:
    """The day of each month from which the next month's forecast is locked."""
    day: int = settings.UPSELL_FORECAST_LOCK_DAY
    return min(max(day, 1), 28)


def month_lock_due(today: dt.date) -> dt.date:
    """The last month whose forecast is due to be locked by ``today``: from the lock day on,
    the next month; before it, the current one."""
    current = month_start(today)
    return month_add(current, 1) if today.day >= lock_day() else current


def lock_day_before(month: dt.date) -> dt.date:
    """The day ``month``'s forecast is locked: the lock day of the month before it."""
    return month_add(month, -1).replace(day=lock_day())


def months_locked(months: Iterable[dt.date]) -> set[dt.date]:
    """The months among ``months`` whose forecast is locked."""
    return set(ForecastLock.objects.filter(month__in=list(months)).values_list("month", flat=True))


def month_first_editable(today: dt.date) -> dt.date:
    """The first month whose forecast can still change: this month, or the first after it that
    is not locked (in December after the lock day, next January or later)."""
    month = month_start(today)
    locked = set(ForecastLock.objects.filter(month__gte=month).values_list("month", flat=True))
    while month in locked:
        month = month_add(month, 1)
    return month


def locked_months_query() -> QuerySet[ForecastLock, dt.date]:
    """Every locked month, as a subquery for a statement that must leave them alone."""
    return ForecastLock.objects.values_list("month", flat=True)


def month_closed_problem(*, month: dt.date, today: dt.date, locked: bool) -> str | None:
    """Why a forecast of ``month`` can no longer change (locked, or over), or None."""
    if locked:
        return _("This month is locked; its forecast is final.")
    if month < month_start(today):
        return _("This month is over; its forecast is final.")
    return None


def cell_editable(*, month: dt.date, today: dt.date, locked: bool) -> bool:
    """A cell takes a new forecast while its month is neither locked nor over."""
    return month_closed_problem(month=month, today=today, locked=locked) is None


def cells_editable_q(today: dt.date) -> Q:
    """The cells that take a new forecast (as ``cell_editable`` says), as a filter."""
    return Q(month__gte=month_start(today)) & ~Q(month__in=locked_months_query())
