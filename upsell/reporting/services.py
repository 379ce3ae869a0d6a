"""Use-cases of the client audit (its rules, and running it) and of the forecast baselines'
refresh: from a page, a command or the nightly task."""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import cast

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.analytics.audit.clients import audit_clients, audit_clients_store
from upsell.analytics.audit.history import audit_history, audit_history_store, history_months
from upsell.analytics.audit.organisations import branches_drop, branches_pool, branches_spread
from upsell.analytics.contracts import HISTORY_SCHEMA
from upsell.analytics.engines import POSTGRESQL_JDBC_JAR, Engine, JdbcDatabase, engine_connect
from upsell.analytics.settings import AuditSettings
from upsell.clients.models import AUDIT_METRICS, ClientStatusMonth
from upsell.clients.motivation import managed_statuses_current
from upsell.clients.services import (
    client_audits_replace,
    client_audits_replace_from_query,
    client_status_months_append,
    client_status_months_replace,
    client_status_months_replace_from_query,
    client_statuses_refresh,
    portfolio_rules_update,
)
from upsell.core.months import date_problem, month_add, month_end, month_start
from upsell.forecasts.locks import lock_day_before, months_locked
from upsell.forecasts.models import ForecastLock
from upsell.forecasts.services import forecast_snapshot_take
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import changes_record, fields_changed
from upsell.portfolios.services import portfolio_routing_apply
from upsell.reporting.forecasting import BASELINE_MODELS, BaselineModel, forecast_baselines_refresh
from upsell.reporting.history import documents_fingerprint
from upsell.reporting.jdbc import (
    audit_inputs_database,
    audit_query,
    audit_staging,
    history_query,
    jdbc_database_current,
)
from upsell.reporting.models import (
    AuditEngine,
    AuditRules,
    AuditRun,
    AuditUnit,
    ForecastRun,
    HistoryMode,
    Run,
    RunStatus,
)
from upsell.reporting.rules import (
    audit_settings_current,
    audit_unit_current,
    thresholds_changed_from_defaults,
)
from upsell.reporting.snapshots import (
    branches_snapshot,
    clients_snapshot,
    orders_snapshot,
    payments_snapshot,
)
from upsell.shipments.models import Shipment
from upsell.worker.heartbeat import worker_id_current

Progress = Callable[[str, int], None]


def status_rules_update(
    *,
    thresholds: dict[str, object],
    managed_statuses: list[str],
    unit: str,
    changed_by: User,
    source: ChangeSource,
) -> AuditRules:
    """Put new status thresholds, the statuses that make a client motivated and what the audit
    reads as one buyer (``unit``: a branch on its own, or an organisation with its branches) in
    force; the earlier rules stay as history, and each rule that moved is kept in the rules'
    history of changes. The thresholds and the unit apply from the next audit, which computes
    every status and the whole month-end history again."""
    try:
        audit_settings = AuditSettings(**thresholds)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ValidationError({"thresholds": str(error)}) from error
    if unit not in AuditUnit.values:
        raise ValidationError({"unit": _("Choose what the audit reads as one buyer.")})
    with transaction.atomic():
        before = {
            **asdict(audit_settings_current()),
            "managed_statuses": sorted(managed_statuses_current()),
            "unit": audit_unit_current().value,
        }
        portfolio_rules_update(managed_statuses=managed_statuses, changed_by=changed_by)
        rules = AuditRules.objects.create(
            thresholds=thresholds_changed_from_defaults(audit_settings),
            unit=unit,
            changed_by=changed_by,
        )
        changes_record(
            changes=fields_changed(
                subject=Subject.STATUS_RULES,
                object_id=None,
                before=before,
                after={
                    **asdict(audit_settings),
                    "managed_statuses": sorted(managed_statuses),
                    "unit": unit,
                },
            ),
            by=changed_by,
            source=source,
        )
        # Which statuses are managed decides who serves each client: at once, not at the
        # next audit.
        portfolio_routing_apply(changed_by=changed_by)
        return rules


def _run_claim(run: Run) -> bool:
    """Take a queued run for this worker: False when it is running or over already (a task
    delivered twice, a command run twice)."""
    runs = type(run)._default_manager.filter(pk=run.pk, status=RunStatus.QUEUED)
    return bool(
        runs.update(
            status=RunStatus.RUNNING, started_at=timezone.now(), worker_id=worker_id_current()
        )
    )


def _run_failed(run: Run, error: Exception) -> None:
    type(run)._default_manager.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(error)
    )


def _run_succeeded[RunT: Run](run: RunT, **results: object) -> RunT:
    type(run)._default_manager.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, finished_at=timezone.now(), **results
    )
    run.refresh_from_db()
    return run


def _as_of_check(as_of: dt.date) -> None:
    """An audit or a forecast looks back from a day that has come: not from the future, not from
    before any business history."""
    problem = date_problem(as_of, latest=timezone.localdate())
    if problem is not None:
        raise ValidationError({"as_of": problem})


def audit_run_create(
    *, as_of: dt.date, engine: str, started_by: User | None, enqueue: bool = True
) -> AuditRun:
    """A queued audit as of ``as_of``. With ``enqueue`` the task worker runs it after the
    commit; without, the caller runs it (the ``audit`` command, which shows its progress)."""
    from upsell.reporting.tasks import execute_audit_run  # the task module imports this one

    if engine not in AuditEngine.values:
        raise ValidationError({"engine": _("Unknown engine %(engine)s.") % {"engine": engine}})
    _as_of_check(as_of)
    run = AuditRun.objects.create(as_of=as_of, engine=engine, started_by=started_by)
    if enqueue:
        transaction.on_commit(lambda: execute_audit_run.enqueue(run.pk))
    return run


def _stage(run: AuditRun, stage: str, progress: int, report: Progress | None) -> None:
    AuditRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress)
    if report is not None:
        report(stage, progress)


def audit_run_execute(*, run: AuditRun, report: Progress | None = None) -> AuditRun:
    """Run a queued audit: every client's status and metrics, stored, and the month-end
    status history brought up to date.

    The history is appended: only the month ends since the last audit's are computed and
    added, the stored months kept as they are. It is computed again from the first document
    when it must be: no history is stored, the status rules or the unit differ from the last
    audit's, or a document dated on or before the last stored month end was added, corrected,
    moved or deleted since. The run records which it did (``history_mode``).

    Per organisation (the rules' ``unit``), a head organisation and its branches are audited
    as one buyer and each branch is given its head organisation's results.

    Safe to run twice: a run that is no longer queued is left as it is. A run that fails
    stores nothing.
    """
    if not _run_claim(run):
        run.refresh_from_db()
        return run
    settings = audit_settings_current()
    run.unit = audit_unit_current()
    AuditRun.objects.filter(pk=run.pk).update(thresholds=asdict(settings), unit=run.unit)
    # Spark reads the database itself branch by branch; per organisation the branches are
    # pooled in this process first, so the tables are handed to the engine.
    database = (
        jdbc_database_current()
        if run.engine == AuditEngine.SPARK and run.unit == AuditUnit.BRANCH
        else None
    )
    try:
        if database is not None:
            stored = _audit_over_jdbc(run=run, settings=settings, database=database, report=report)
        else:
            stored = _audit_in_process(run=run, settings=settings, report=report)
    except Exception as error:
        _run_failed(run, error)
        raise
    return _run_succeeded(
        run,
        stage="",
        progress=100,
        clients=stored.clients,
        history_rows=stored.history_rows,
        history_mode=stored.history.mode,
        history_months=len(history_months(months=stored.history.months)),
        history_through=stored.history.through,
        documents_fingerprint=stored.history.fingerprint,
    )


@dataclass(frozen=True, kw_only=True)
class _HistoryUpdate:
    """How an audit brings the month-end history up to date: appended or rebuilt, the months
    it computes, the last month the history covers afterwards (its first day; None: no
    history) and the digest of the documents dated up to that month's end (empty: the next
    audit rebuilds)."""

    mode: HistoryMode
    months: list[dt.date] | tuple[dt.date, dt.date]
    through: dt.date | None
    fingerprint: str


@dataclass(frozen=True, kw_only=True)
class _AuditStored:
    clients: int
    history_rows: int
    history: _HistoryUpdate


def _audit_in_process(
    *, run: AuditRun, settings: AuditSettings, report: Progress | None
) -> _AuditStored:
    """The audit over the tables this process reads and hands to the engine; what it stored."""
    clients, history, update = _audit_compute(run=run, settings=settings, report=report)
    _stage(run, _("Storing the results"), 80, report)
    store_history = (
        client_status_months_append
        if update.mode == HistoryMode.APPENDED
        else client_status_months_replace
    )
    with transaction.atomic():
        stored = client_audits_replace(frame=_audit_frame(clients, as_of=run.as_of))
        history_rows = store_history(history=_history_frame(history))
        _statuses_route()
    return _AuditStored(clients=stored, history_rows=history_rows, history=update)


def _audit_over_jdbc(
    *, run: AuditRun, settings: AuditSettings, database: JdbcDatabase, report: Progress | None
) -> _AuditStored:
    """The audit on Spark, which reads the order history from PostgreSQL and writes its results
    into staging tables there; they replace the stored audit in one transaction.

    This path always computes the whole month-end history again: the documents never pass
    through this process, so it cannot tell whether past ones changed. It records no digest of
    them, so the audit after it rebuilds the history too."""
    months = _history_months(
        first=Shipment.objects.aggregate(first=Min("date"))["first"], as_of=run.as_of
    )
    with audit_staging(database=database, run_id=run.pk) as staging:
        _stage(run, _("Starting the %(engine)s engine") % {"engine": run.engine}, 15, report)
        session = engine_connect(
            engine=Engine.SPARK,
            spark_master=django_settings.SPARK_MASTER or None,
            spark_jars=(POSTGRESQL_JDBC_JAR,),
        )
        try:
            inputs = audit_inputs_database(database=database)
            _stage(run, _("Auditing clients"), 25, report)
            audit_clients_store(
                inputs=inputs, as_of=run.as_of, settings=settings, session=session,
                table=staging.clients,
            )  # fmt: skip
            _stage(run, _("Computing the monthly status history"), 50, report)
            with_history = audit_history_store(
                inputs=inputs, months=months, settings=settings, session=session,
                table=staging.history,
            )  # fmt: skip
        finally:
            session.close()
        _stage(run, _("Storing the results"), 80, report)
        with transaction.atomic():
            stored = client_audits_replace_from_query(query=audit_query(staging=staging))
            history_rows = (
                client_status_months_replace_from_query(query=history_query(staging=staging))
                if with_history
                else client_status_months_replace(
                    history=_history_frame(HISTORY_SCHEMA.empty_table())
                )
            )
            _statuses_route()
    update = _HistoryUpdate(
        mode=HistoryMode.REBUILT,
        months=months,
        through=month_start(months[1]) if isinstance(months, tuple) else None,
        fingerprint="",
    )
    return _AuditStored(clients=stored, history_rows=history_rows, history=update)


def _statuses_route() -> None:
    """Put the stored audit's statuses in force and route each client to whoever now serves
    it."""
    client_statuses_refresh(today=timezone.localdate())
    portfolio_routing_apply()


def _audit_compute(
    *, run: AuditRun, settings: AuditSettings, report: Progress | None
) -> tuple[pa.Table, pa.Table, _HistoryUpdate]:
    _stage(run, _("Reading orders, clients and payments"), 5, report)
    orders = orders_snapshot()
    clients = clients_snapshot()
    payments = payments_snapshot()
    # Per organisation, the one place a branch's documents become its head organisation's:
    # whichever engine runs sees the organisation as one client.
    branches = branches_snapshot() if run.unit == AuditUnit.ORGANISATION else None
    if branches is not None:
        orders = branches_pool(table=orders, branches=branches)
        payments = branches_pool(table=payments, branches=branches)
        clients = branches_drop(clients=clients, branches=branches)
    update = _history_update(run=run, settings=settings, orders=orders, branches=branches)
    _stage(run, _("Starting the %(engine)s engine") % {"engine": run.engine}, 15, report)
    session = engine_connect(
        engine=Engine(run.engine), spark_master=django_settings.SPARK_MASTER or None
    )
    try:
        _stage(run, _("Auditing clients"), 25, report)
        audit = audit_clients(
            orders, clients, payments, as_of=run.as_of, settings=settings, engine=session
        )
        _stage(run, _("Computing the monthly status history"), 50, report)
        history = audit_history(
            orders, clients, months=update.months, settings=settings, engine=session
        )
    finally:
        session.close()
    if branches is not None:
        audit = branches_spread(table=audit, branches=branches, sort_keys=("client_id",))
        history = branches_spread(
            table=history, branches=branches, sort_keys=("client_id", "month")
        )
    return audit, history, update


def _history_update(
    *, run: AuditRun, settings: AuditSettings, orders: pa.Table, branches: pa.Table | None
) -> _HistoryUpdate:
    """Append the month ends since the stored history's last one when that history may be
    extended; otherwise every month from the first document's."""
    first = pc.min(orders.column("date")).as_py() if orders.num_rows else None
    months = _history_months(first=first, as_of=run.as_of)
    if not isinstance(months, tuple):
        return _HistoryUpdate(mode=HistoryMode.REBUILT, months=[], through=None, fingerprint="")
    last = months[1]
    through = month_start(last)
    fingerprint = documents_fingerprint(orders=orders, through=last, branches=branches)
    stored_through = _history_extendable_through(
        run=run, settings=settings, orders=orders, branches=branches
    )
    if stored_through is None or stored_through > through:
        return _HistoryUpdate(
            mode=HistoryMode.REBUILT, months=months, through=through, fingerprint=fingerprint
        )
    return _HistoryUpdate(
        mode=HistoryMode.APPENDED,
        months=(month_add(stored_through, 1), last) if stored_through < through else [],
        through=through,
        fingerprint=fingerprint,
    )


def _history_extendable_through(
    *, run: AuditRun, settings: AuditSettings, orders: pa.Table, branches: pa.Table | None
) -> dt.date | None:
    """The last month of the stored history (its first day) when new month ends may be added
    to it: the last audit used this one's rules and unit, the history stored is the one it
    left, and the documents dated up to that month's end are exactly as they were then.
    None when the history must be computed again."""
    previous = (
        AuditRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if previous is None or previous.history_through is None or not previous.documents_fingerprint:
        return None
    if previous.unit != run.unit or _settings_of(previous) != settings:
        return None
    if ClientStatusMonth.objects.aggregate(last=Max("month"))["last"] != previous.history_through:
        return None
    fingerprint = documents_fingerprint(
        orders=orders, through=month_end(previous.history_through), branches=branches
    )
    return previous.history_through if fingerprint == previous.documents_fingerprint else None


def _settings_of(run: AuditRun) -> AuditSettings | None:
    """The thresholds ``run`` used; None when they no longer make settings."""
    try:
        return AuditSettings(**run.thresholds)
    except (TypeError, ValueError):
        return None


def _history_months(
    *, first: dt.date | None, as_of: dt.date
) -> list[dt.date] | tuple[dt.date, dt.date]:
    """Every complete month before the audit date's month, from the first document's on."""
    last_complete = month_end(month_add(month_start(as_of), -1))
    return (first, last_complete) if first is not None and first <= last_complete else []


def _audit_frame(audit: pa.Table, *, as_of: dt.date) -> pl.DataFrame:
    """The audit table in the columns client audits are stored in, built column by column: a
    ratio over nothing (a float that is not finite) is stored as no value."""
    frame = pl.from_arrow(audit)
    assert isinstance(frame, pl.DataFrame)  # noqa: S101 - a table converts to a frame
    metrics = []
    for name in AUDIT_METRICS:
        column = pl.col(name)
        if frame.schema[name].is_float():
            column = pl.when(column.is_finite()).then(column)
        elif frame.schema[name] == pl.String:
            column = column.fill_null("")
        metrics.append(column.alias(name))
    return frame.select(
        "client_id",
        pl.lit(as_of).alias("as_of"),
        pl.col("status").fill_null("").alias("computed_status"),
        "status_rule",
        "perspective",
        pl.col("abc_class").fill_null(""),
        pl.col("xyz_class").fill_null(""),
        "revenue_365",
        "last_order_date",
        *metrics,
    )


def _history_frame(history: pa.Table) -> pl.DataFrame:
    """The history table in the form the status-month rows are stored in."""
    frame = pl.from_arrow(history)
    assert isinstance(frame, pl.DataFrame)  # noqa: S101 - a table converts to a frame
    return frame.select(
        "client_id",
        "month",
        pl.col("status").fill_null(""),
        "status_rule",
        pl.col("revenue_365").cast(pl.String),
    )


def forecast_run_create(
    *, as_of: dt.date, model: str, started_by: User | None, enqueue: bool = True
) -> ForecastRun:
    """A queued refresh of the forecast baselines as of ``as_of``. With ``enqueue`` the task
    worker runs it after the commit; without, the caller runs it (the ``forecast`` command)."""
    from upsell.reporting.tasks import execute_forecast_run  # the task module imports this one

    if model not in BASELINE_MODELS:
        raise ValidationError({"model": _("Unknown model %(model)s.") % {"model": model}})
    _as_of_check(as_of)
    run = ForecastRun.objects.create(as_of=as_of, requested_model=model, started_by=started_by)
    if enqueue:
        transaction.on_commit(lambda: execute_forecast_run.enqueue(run.pk))
    return run


def forecast_run_execute(*, run: ForecastRun) -> ForecastRun:
    """Run a queued refresh: refit, choose the model, replace the baselines, and record how.

    Safe to run twice: a run that is no longer queued is left as it is.
    """
    if not _run_claim(run):
        run.refresh_from_db()
        return run
    try:
        refresh = forecast_baselines_refresh(
            as_of=run.as_of, model=cast(BaselineModel, run.requested_model)
        )
    except Exception as error:
        _run_failed(run, error)
        raise
    return _run_succeeded(
        run,
        model=refresh.model,
        fallback_reason=refresh.fallback_reason[:500],
        backtest={score.model: score.as_dict() for score in refresh.backtest},
        clients=refresh.clients,
        cells=refresh.cells,
        seasonal=refresh.seasonal,
        seasonal_segments=list(refresh.seasonal_segments),
    )


@dataclass(frozen=True, kw_only=True)
class BackfilledMonth:
    month: dt.date
    run: ForecastRun
    lock: ForecastLock


def forecast_backfill(*, months: int, today: dt.date, model: str = "auto") -> list[BackfilledMonth]:
    """Replay the forecast of the last ``months`` months as it would have run: on each month's
    lock day, refit on the history up to that day and lock the month ahead. The accuracy page
    then compares the statistical baseline with what was shipped from the first day Upsell is
    installed. Months already locked are left as they are."""
    current = month_start(today)
    replayed = [month_add(current, offset) for offset in range(1 - months, 1)]
    locked = months_locked(replayed)
    done = []
    for month in replayed:
        if month in locked:
            continue
        day = lock_day_before(month)
        run = forecast_run_execute(
            run=forecast_run_create(as_of=day, model=model, started_by=None, enqueue=False)
        )
        lock = forecast_snapshot_take(month=month)
        done.append(BackfilledMonth(month=month, run=run, lock=lock))
    return done
