"""Every change to forecasts: a manager's cell, the statistical baselines, plans, locks and
snapshots, moving a client's future cells to a new manager.

Callers check access (``upsell.forecasts.access``) before calling; the services keep the
rules that hold whoever calls: a locked month does not change, an edit made on a stale version
is refused and reported, amounts are kopecks and never negative.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import money_problem, money_round
from upsell.core.months import date_problem, month_add, month_start, years_after
from upsell.forecasts.locks import (
    cells_editable_q,
    locked_months_query,
    month_closed_problem,
    month_lock_due,
    months_locked,
)
from upsell.forecasts.models import (
    Confidence,
    ForecastCell,
    ForecastLock,
    ForecastSnapshot,
    SalesPlan,
)
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import changes_record, fields_changed

BULK_BATCH = 2000


class ForecastConflictError(Exception):
    """The cell changed since the editor loaded it; ``current`` is the cell as it is now."""

    def __init__(self, current: ForecastCell) -> None:
        super().__init__(f"{current} is at version {current.version}")
        self.current = current


def _money(value: Decimal, field: str) -> Decimal:
    """``value`` to the kopeck, refused (by ``field``) where money cannot be it."""
    try:
        amount = money_round(value)
    except InvalidOperation:
        raise ValidationError({field: _("Enter an amount.")}) from None
    problem = money_problem(amount)
    if problem is not None:
        raise ValidationError({field: problem})
    return amount


# How far ahead a forecast or a plan may be written: the grid shows this year and the next.
YEARS_AHEAD = 2


def _month_check(month: dt.date) -> None:
    if month.day != 1:
        raise ValidationError({"month": _("A forecast month is the first day of a month.")})
    problem = date_problem(month, latest=years_after(timezone.localdate(), YEARS_AHEAD))
    if problem is not None:
        raise ValidationError({"month": problem})


def confidence_typed(*, amount: Decimal | None, confidence: str, current: str) -> str:
    """The confidence a cell takes with the figure typed into it, on the grid as in a workbook:
    the one chosen; for a figure typed without one, the cell's own, or probable; none for an
    empty amount, which clears the manager's figure."""
    if amount is None:
        return ""
    return confidence or current or Confidence.PROBABLE


def forecast_cell_save(
    *,
    client: Client,
    month: dt.date,
    amount: Decimal | None,
    confidence: str,
    comment: str,
    expected_version: int,
    user: User,
    source: ChangeSource,
) -> ForecastCell:
    """Set the manager's amount, confidence and comment of ``client``'s cell for ``month``.

    ``expected_version`` is the version the editor saw (0 for a cell not yet written). If the
    cell moved on meanwhile nothing is written and ``ForecastConflictError`` carries the cell
    as it is now. An empty amount clears the manager's figure (the baseline counts again).
    Each of the three that moved is kept in the cell's history, with ``user`` and ``source``.
    """
    _month_check(month)
    if amount is None:
        if confidence:
            raise ValidationError({"amount": _("Enter the amount you are confident of.")})
    else:
        amount = _money(amount, "amount")
        if confidence not in Confidence.values:
            raise ValidationError({"confidence": _("Choose how confident you are.")})
    with transaction.atomic():
        # Holding the row while the lock is checked: a snapshot taken at the same moment
        # either copies this save or makes it fail, never copies the value before it.
        cell, _created = ForecastCell.objects.select_for_update().get_or_create(
            client=client, month=month, defaults={"manager_id": client.manager_id}
        )
        before = {field: getattr(cell, field) for field in _CELL_EDITED}
        closed = month_closed_problem(
            month=month, today=timezone.localdate(), locked=bool(months_locked([month]))
        )
        if closed is not None:
            raise ValidationError({"month": closed})
        after = {"amount": amount, "confidence": confidence, "comment": comment.strip()}
        updated = ForecastCell.objects.filter(pk=cell.pk, version=expected_version).update(
            **after,
            manager_id=client.manager_id,
            version=F("version") + 1,
            updated_by=user,
            updated_at=timezone.now(),
        )
        if updated:
            changes_record(
                changes=fields_changed(
                    subject=Subject.FORECAST_CELL,
                    object_id=client.pk,
                    month=month,
                    before=before,
                    after=after,
                ),
                by=user,
                source=source,
            )
    cell.refresh_from_db()
    if not updated:
        raise ForecastConflictError(cell)
    return cell


def forecast_baselines_accept(
    *, clients: Iterable[Client], year: int, user: User, source: ChangeSource
) -> int:
    """Take the baseline as the manager's figure, as probable, in every cell of ``clients`` for
    ``year`` that has no figure yet and can still change; the number of cells filled. A cell
    with a figure keeps it; a month without a baseline cell stays empty. Each filled cell's
    history says who accepted its baseline, and through ``source``."""
    today = timezone.localdate()
    managers = {client.pk: client.manager_id for client in clients}
    with transaction.atomic():
        cells = list(
            ForecastCell.objects.select_for_update()
            .filter(cells_editable_q(today), client_id__in=list(managers), month__year=year)
            .filter(amount__isnull=True)
            .order_by("client_id", "month")
            .values_list("pk", "client_id", "month", "baseline", "confidence")
        )
        now = timezone.now()
        for start in range(0, len(cells), BULK_BATCH):
            batch = cells[start : start + BULK_BATCH]
            by_manager: dict[int | None, list[int]] = {}
            for pk, client_id, *_figures in batch:
                by_manager.setdefault(managers[client_id], []).append(pk)
            for manager_id, pks in by_manager.items():
                ForecastCell.objects.filter(pk__in=pks).update(
                    amount=F("baseline"),
                    confidence=Confidence.PROBABLE,
                    manager_id=manager_id,
                    version=F("version") + 1,
                    updated_by=user,
                    updated_at=now,
                )
        changes_record(
            changes=(
                change
                for _pk, client_id, month, baseline, confidence in cells
                for change in fields_changed(
                    subject=Subject.FORECAST_CELL,
                    object_id=client_id,
                    month=month,
                    before={"amount": None, "confidence": confidence},
                    after={"amount": baseline, "confidence": Confidence.PROBABLE},
                )
            ),
            by=user,
            source=source,
        )
    return len(cells)


# What a person sets on a cell; the baseline is the statistical job's, explained by its run.
_CELL_EDITED = ("amount", "confidence", "comment")


@dataclass(frozen=True, kw_only=True)
class BaselineRow:
    """The statistical expectation of one client in one month."""

    client_id: int
    month: dt.date
    expected_orders: Decimal
    amount: Decimal
    low: Decimal
    high: Decimal


def forecast_baselines_replace(
    *, rows: Iterable[BaselineRow], months: Sequence[dt.date], model: str
) -> int:
    """Put a new baseline run in force for ``months``: every row's cell gets its baseline (a
    new cell goes to the client's current manager); cells of those months the run left out
    fall back to no baseline. Locked months keep what was locked. Returns the cells written.

    Safe to run twice: the same rows give the same cells.
    """
    open_months = sorted(set(months) - months_locked(months))
    computed_at = timezone.now()
    managers = dict(Client.objects.filter(manager__isnull=False).values_list("id", "manager_id"))
    # One transaction: pages never see half a run, and SQLite writes it in one go.
    with transaction.atomic():
        written = _baselines_write(rows, open_months, managers, computed_at, model)
        ForecastCell.objects.filter(month__in=open_months).exclude(baseline_at=computed_at).update(
            expected_orders=0,
            baseline=0,
            baseline_low=0,
            baseline_high=0,
            baseline_model="",
            baseline_at=computed_at,
        )
    return written


def _baselines_write(
    rows: Iterable[BaselineRow],
    open_months: Sequence[dt.date],
    managers: dict[int, int],
    computed_at: dt.datetime,
    model: str,
) -> int:
    ops = connection.ops
    months = {month: ops.adapt_datefield_value(month) for month in open_months}
    stamp = ops.adapt_datetimefield_value(computed_at)
    written = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        if row.month not in months:
            continue
        batch.append(
            (
                row.client_id,
                months[row.month],
                managers.get(row.client_id),
                ops.adapt_decimalfield_value(row.expected_orders, 10, 3),
                ops.adapt_decimalfield_value(row.amount, 16, 2),
                ops.adapt_decimalfield_value(row.low, 16, 2),
                ops.adapt_decimalfield_value(row.high, 16, 2),
                model,
                stamp,
                None,
                "",
                "",
                0,
            )
        )
        if len(batch) >= BULK_BATCH:
            written += _baselines_upsert(batch)
            batch = []
    return written + _baselines_upsert(batch)


_BASELINE_COLUMNS = (
    "expected_orders",
    "baseline",
    "baseline_low",
    "baseline_high",
    "baseline_model",
    "baseline_at",
)
_NEW_CELL_DEFAULTS = ("amount", "confidence", "comment", "version")


def _baselines_upsert(batch: list[tuple[Any, ...]]) -> int:
    """Insert or update the baseline columns of a batch of rows.

    Written as SQL because the ORM builds each row in Python: for the 720 000 cells of a large
    company that costs minutes, the plain statement seconds. ``ON CONFLICT … DO UPDATE`` reads
    the same on SQLite and PostgreSQL; a new cell starts without the manager's figures.
    """
    if not batch:
        return 0
    ops = connection.ops
    table = ops.quote_name(ForecastCell._meta.db_table)
    columns = ["client_id", "month", "manager_id", *_BASELINE_COLUMNS, *_NEW_CELL_DEFAULTS]
    quoted = ", ".join(ops.quote_name(column) for column in columns)
    updates = ", ".join(
        f"{ops.quote_name(column)} = excluded.{ops.quote_name(column)}"
        for column in _BASELINE_COLUMNS
    )
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders}) "  # noqa: S608 - model's own names
        f"ON CONFLICT ({ops.quote_name('client_id')}, {ops.quote_name('month')}) "
        f"DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, batch)
    return len(batch)


def forecast_snapshot_take(*, month: dt.date, locked_by: User | None = None) -> ForecastLock:
    """Lock ``month``: copy each of its cells to a snapshot; from now on it does not change.

    Locking a month already locked returns the existing lock and copies nothing again.
    """
    _month_check(month)
    with transaction.atomic():
        lock, created = ForecastLock.objects.get_or_create(
            month=month, defaults={"locked_by": locked_by}
        )
        if not created:
            return lock
        # Lock the cells against a save racing the copy (a no-op on SQLite, which locks the
        # whole database for the write transaction anyway).
        cells = ForecastCell.objects.select_for_update().filter(month=month)
        snapshots = [
            ForecastSnapshot(
                lock=lock,
                client_id=cell.client_id,
                month=month,
                manager_id=cell.manager_id,
                baseline=cell.baseline,
                amount=cell.amount,
                confidence=cell.confidence,
                forecast=cell.forecast,
            )
            for cell in cells.only(
                "client_id", "manager_id", "baseline", "amount", "confidence"
            ).iterator(chunk_size=BULK_BATCH)
        ]
        ForecastSnapshot.objects.bulk_create(snapshots, batch_size=BULK_BATCH)
        lock.cells = len(snapshots)
        lock.save(update_fields=["cells"])
    return lock


def forecast_locks_due(*, today: dt.date) -> list[ForecastLock]:
    """Lock every month due by ``today``: from the lock day on, the next month; before it, the
    current one. Earlier months with cells that were never locked are locked too (late), so
    that no past month stays editable. Safe to run twice."""
    last_due = month_lock_due(today)
    pending = (
        ForecastCell.objects.filter(month__lte=last_due)
        .exclude(month__in=locked_months_query())
        .values_list("month", flat=True)
        .distinct()
    )
    months = sorted({*pending, last_due} - months_locked([last_due]))
    return [forecast_snapshot_take(month=month) for month in months]


def forecast_cells_reassign(*, client_ids: Iterable[int], manager: User | None) -> int:
    """Move the future cells (from next month on) of these clients to ``manager``; the past,
    the current month and a locked month stay with whoever forecast them: a locked month is
    final, and its accuracy is measured against the manager who forecast it. Returns the cells
    moved."""
    next_month = month_add(month_start(timezone.localdate()), 1)
    return (
        ForecastCell.objects.filter(client_id__any_of=list(client_ids), month__gte=next_month)
        .exclude(month__in=locked_months_query())
        .update(manager=manager)
    )


def _plan_locked_problem(month: dt.date) -> str:
    return _("The plan for %(month)s cannot change: the month is locked.") % {
        "month": f"{month:%m.%Y}"
    }


def sales_plan_set(
    *, manager: User, month: dt.date, amount: Decimal | None, set_by: User, source: ChangeSource
) -> SalesPlan | None:
    """Set ``manager``'s plan for ``month``; an empty amount removes the plan. A plan that
    moved is kept in the plan's history, with ``set_by`` and ``source``. A locked month's plan
    is final, as its forecast is: it is refused, naming the month."""
    _month_check(month)
    if months_locked([month]):
        raise ValidationError({"month": _plan_locked_problem(month)})
    if amount is not None:
        amount = _money(amount, "amount")
    with transaction.atomic():
        plans = SalesPlan.objects.select_for_update().filter(manager=manager, month=month)
        before = plans.values_list("amount", flat=True).first()
        plan = None
        if amount is None:
            plans.delete()
        else:
            plan, _created = SalesPlan.objects.update_or_create(
                manager=manager, month=month, defaults={"amount": amount, "set_by": set_by}
            )
        changes_record(
            changes=fields_changed(
                subject=Subject.SALES_PLAN,
                object_id=manager.pk,
                month=month,
                before={"amount": before},
                after={"amount": amount},
            ),
            by=set_by,
            source=source,
        )
    return plan


def sales_plans_set(
    *,
    manager: User,
    year: int,
    amounts: Mapping[int, Decimal | None],
    set_by: User,
    source: ChangeSource,
) -> None:
    """Set ``manager``'s plan for the months of ``year`` that ``amounts`` names by number (1 is
    January), all or none: each as ``sales_plan_set`` would, an empty amount removing the plan.
    A locked month among them refuses the whole change, each such month named by its number."""
    months = {number: dt.date(year, number, 1) for number in amounts if 1 <= number <= 12}
    locked = months_locked(months.values())
    if locked:
        raise ValidationError(
            {
                f"months.{number}": _plan_locked_problem(month)
                for number, month in sorted(months.items())
                if month in locked
            }
        )
    with transaction.atomic():
        for number, amount in sorted(amounts.items()):
            try:
                sales_plan_set(
                    manager=manager,
                    month=dt.date(year, number, 1),
                    amount=amount,
                    set_by=set_by,
                    source=source,
                )
            except ValidationError as error:
                # The caller names a year and months by number, not a month's date.
                fields = {"month": "year", "amount": "months"}
                problems = error.message_dict.items()
                raise ValidationError(
                    {fields.get(name, name): messages for name, messages in problems}
                ) from error
