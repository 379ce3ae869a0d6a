"""The forecast a manager committed to for a month: the one place that answers it.

A month's forecast is the one it had when its month was locked (the snapshots taken on the lock
day, ``ForecastSnapshot.forecast``); a month not locked yet counts its live cells, each with the
manager's amount where one is set and the baseline otherwise (``ForecastCell.forecast``). The
forecast is the manager's whose name the cell (or its snapshot) carries; a cell written while
its client had no manager counts for nobody. Whatever compares a forecast with what came of it
(the closing funnel, coaching's attainment) asks here, so a locked month is never re-read from
cells edited after the lock.
"""

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from django.db.models import Sum

from upsell.core.months import month_add
from upsell.forecasts.locks import months_locked
from upsell.forecasts.models import ForecastCell, ForecastSnapshot, cell_forecast


def _months(first: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], first
    while month < end:
        months.append(month)
        month = month_add(month, 1)
    return months


def forecast_per_manager_month(
    *, first: dt.date, end: dt.date, managers: Collection[int] | None = None
) -> dict[tuple[int, dt.date], Decimal]:
    """The forecast per (manager id, month) for the months in [first, end), both the first day
    of a month: the locked snapshots' where the month is locked, the live cells' otherwise.
    ``managers`` narrows it to those managers' ids."""
    months = _months(first, end)
    locked = months_locked(months)
    live = [month for month in months if month not in locked]
    snapshots = ForecastSnapshot.objects.filter(month__in=sorted(locked), manager__isnull=False)
    cells = ForecastCell.objects.filter(month__in=live, manager__isnull=False)
    if managers is not None:
        snapshots = snapshots.filter(manager_id__in=list(managers))
        cells = cells.filter(manager_id__in=list(managers))
    totals: dict[tuple[int, dt.date], Decimal] = {}
    for manager_id, month, total in (
        snapshots.order_by()
        .values_list("manager_id", "month")
        .annotate(total=Sum("forecast"))
        .values_list("manager_id", "month", "total")
    ):
        totals[(manager_id, month)] = total
    for manager_id, month, total in (
        cells.order_by()
        .values_list("manager_id", "month")
        .annotate(total=Sum(cell_forecast()))
        .values_list("manager_id", "month", "total")
    ):
        totals[(manager_id, month)] = total
    return totals
