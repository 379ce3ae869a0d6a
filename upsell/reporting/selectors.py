"""Reads of the stored audit for pages, exports and the API. No engine runs here."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from upsell.accounts.models import User
from upsell.analytics.contracts import AUDIT_SCHEMA
from upsell.clients.access import clients_visible_to
from upsell.clients.models import (
    Client,
    ClientAudit,
    ClientStatus,
    ClientStatusMonth,
    ClientStatusOverride,
)
from upsell.clients.services import status_overrides_in_force
from upsell.core.months import month_add, month_start
from upsell.reporting.definitions import METRIC_DEFINITIONS, MetricDefinition
from upsell.reporting.models import AuditRun, AuditUnit, RunStatus
from upsell.reporting.reasons import status_reason

# The metrics an export carries, in the analytics package's order.
EXPORTED_METRICS = tuple(
    name
    for name in AUDIT_SCHEMA.names
    if name not in {"client_id", "status", "status_rule", "perspective", "is_partner"}
)
ZERO = Decimal("0.00")
ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")


def audit_run_latest() -> AuditRun | None:
    return AuditRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at").first()


def audit_thresholds_latest() -> dict[str, object]:
    run = audit_run_latest()
    return run.thresholds if run else {}


def audit_read_per_organisation(*, run: AuditRun | None = None) -> bool:
    """Whether the latest audit (or ``run``, when the caller has it at hand) read each
    organisation with its branches, so that a branch carries its head organisation's
    figures."""
    run = run or audit_run_latest()
    return run is not None and run.unit == AuditUnit.ORGANISATION


def clients_counted_once(*, user: User) -> QuerySet[Client]:
    """The clients ``user`` may see whose audit figures a sum or a count adds up, so that each
    buyer the latest audit read counts once.

    Read per branch, every client. Read per organisation, a branch carries a copy of its head
    organisation's figures (status, revenue over 365 days, classes, history): a branch counts
    only while its head and every earlier branch of the same head are out of ``user``'s sight,
    standing in for the organisation. Lists of clients still show each branch."""
    visible = clients_visible_to(user)
    if not audit_read_per_organisation():
        return visible
    stands_in = visible.filter(
        Q(pk=OuterRef("head_id")) | Q(head_id=OuterRef("head_id"), pk__lt=OuterRef("pk"))
    )
    return visible.filter(Q(head__isnull=True) | ~Exists(stands_in))


@dataclass(frozen=True, kw_only=True)
class StatusExportRow:
    tax_id: str
    client: str
    status: str
    computed_status: str
    reason: str
    perspective: int | None
    metrics: dict[str, object]


def status_export_rows(*, user: User) -> Iterator[StatusExportRow]:
    """One row per client ``user`` may see: the status in force, the computed one, why, and
    every metric of the latest audit."""
    thresholds = audit_thresholds_latest()
    audits = (
        ClientAudit.objects.filter(client__in=clients_visible_to(user))
        .select_related("client")
        .order_by("client__name", "client_id")
    )
    for audit in audits.iterator(chunk_size=2000):
        metrics = dict(audit.metrics)
        metrics.update(
            abc_class=audit.abc_class,
            xyz_class=audit.xyz_class,
            revenue_365=audit.revenue_365,
            last_order_date=audit.last_order_date,
            as_of=audit.as_of,
        )
        yield StatusExportRow(
            tax_id=audit.client.tax_id,
            client=audit.client.name,
            status=audit.client.status,
            computed_status=audit.computed_status,
            reason=status_reason(rule=audit.status_rule, metrics=metrics, thresholds=thresholds),
            perspective=audit.perspective,
            metrics=metrics,
        )


@dataclass(frozen=True, kw_only=True)
class StatusTotal:
    status: str
    label: str
    clients: int
    revenue_365: Decimal


def status_totals(*, user: User) -> list[StatusTotal]:
    """Clients and their revenue over 365 days by the status in force: every status in the
    method's order, those no client has included, then the clients without a status if any.
    Each buyer the audit read counts once (``clients_counted_once``)."""
    rows = {
        row["status"]: row
        for row in clients_counted_once(user=user)
        .values("status")
        .annotate(clients=Count("id"), revenue=Sum("audit__revenue_365"))
        .order_by()
    }
    totals = []
    for status, label in [*ClientStatus.choices, ("", "—")]:
        row = rows.get(status)
        if row is None and status == "":
            continue
        totals.append(
            StatusTotal(
                status=status,
                label=str(label),
                clients=row["clients"] if row else 0,
                revenue_365=(row["revenue"] if row else None) or Decimal("0.00"),
            )
        )
    return totals


def abc_xyz_matrix(*, user: User) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """(ABC, XYZ) → (clients, revenue over 365 days) of the latest audit, each buyer the audit
    read once."""
    rows = (
        ClientAudit.objects.filter(client__in=clients_counted_once(user=user))
        .exclude(abc_class="")
        .values("abc_class", "xyz_class")
        .annotate(clients=Count("client_id"), revenue=Sum("revenue_365"))
    )
    return {
        (row["abc_class"], row["xyz_class"]): (row["clients"], row["revenue"] or Decimal("0.00"))
        for row in rows
    }


@dataclass(frozen=True, kw_only=True)
class Migration:
    from_status: str
    to_status: str
    clients: int
    revenue_from: Decimal
    revenue_to: Decimal


def status_migration_matrix(
    *, user: User, month_from: dt.date, month_to: dt.date
) -> list[Migration]:
    """How many clients moved from each status at the end of ``month_from`` to each status at
    the end of ``month_to``, with the revenue over 365 days they carried at each end. A client
    not yet buying at ``month_from`` counts as coming from no status. Each buyer the latest
    audit read counts once."""
    month_from, month_to = month_start(month_from), month_start(month_to)
    # Each client's row at the later month joined to its row at the earlier one (none when it
    # was not yet buying): one pass over the later month, grouped in the database.
    earlier = FilteredRelation(
        "client__status_months", condition=Q(client__status_months__month=month_from)
    )
    rows = (
        ClientStatusMonth.objects.filter(client__in=clients_counted_once(user=user), month=month_to)
        .annotate(earlier=earlier)
        .values(from_status=F("earlier__status"), to_status=F("status"))
        .annotate(
            clients=Count("id"),
            revenue_from=Sum("earlier__revenue_365"),
            revenue_to=Sum("revenue_365"),
        )
        .order_by(F("from_status").asc(nulls_first=True), "to_status")
    )
    return [
        Migration(
            from_status=row["from_status"] or "",
            to_status=row["to_status"],
            clients=row["clients"],
            revenue_from=row["revenue_from"] or Decimal("0.00"),
            revenue_to=row["revenue_to"] or Decimal("0.00"),
        )
        for row in rows
    ]


def history_months_available() -> list[dt.date]:
    return list(
        ClientStatusMonth.objects.order_by("month").values_list("month", flat=True).distinct()
    )


@dataclass(frozen=True, kw_only=True)
class BudgetCapture:
    client: Client
    budget: Decimal
    bought: Decimal
    share_of_wallet: float | None
    to_competitors: Decimal


def budget_captures(*, user: User, limit: int | None = None) -> list[BudgetCapture]:
    """Clients that plan a purchase budget: what they bought from us this budget year against
    the budget, the biggest amount still going to competitors first (the first ``limit``).
    The database sorts and cuts, so a page of twenty reads twenty clients."""
    clients = (
        clients_visible_to(user)
        .filter(plans_budget=True, audit__isnull=False)
        .annotate(to_competitors=Coalesce("audit__competitors_amount", Value(ZERO)))
        .select_related("audit", "manager")
        .order_by("-to_competitors", "name", "pk")
    )
    if limit is not None:
        clients = clients[:limit]
    captures = []
    for client in clients.iterator(chunk_size=2000):
        audit = client.audit
        captures.append(
            BudgetCapture(
                client=client,
                budget=audit.annual_budget or ZERO,
                bought=audit.bought_budget_year or ZERO,
                share_of_wallet=audit.share_of_wallet,
                to_competitors=audit.competitors_amount or ZERO,
            )
        )
    return captures


def client_status_timeline(*, client: Client) -> list[tuple[dt.date, str, str]]:
    """The months where ``client``'s month-end status changed: (month, from, to), blank for no
    status. The history starts from no status, so its first entry is the first status the
    client had, and months without a status before it are not changes."""
    changes = []
    previous = ""
    for month, status in client.status_months.order_by("month").values_list("month", "status"):
        if status != previous:
            changes.append((month, previous, status))
            previous = status
    return changes


@dataclass(frozen=True, kw_only=True)
class ClientStatusSection:
    """A client's status as its card shows it: the audit's, the one set by hand if any is in
    force, why the audit chose its status, and the changes at month ends."""

    audit: ClientAudit | None
    reason: str
    override: ClientStatusOverride | None
    timeline: list[tuple[dt.date, str, str]]
    # The head organisation whose figures a branch carries when the audit read per organisation.
    read_with: Client | None = None


def client_status_section(*, client: Client, today: dt.date) -> ClientStatusSection:
    """``client``'s status section on ``today`` (the caller checked access)."""
    audit = ClientAudit.objects.filter(client=client).first()
    override = (
        status_overrides_in_force(today=today)
        .filter(client=client)
        .select_related("created_by")
        .order_by("-created_at", "-id")
        .first()
    )
    run = audit_run_latest()
    reason = ""
    if audit is not None:
        reason = status_reason(
            rule=audit.status_rule,
            metrics=audit.metrics,
            thresholds=run.thresholds if run is not None else {},
        )
    per_organisation = audit_read_per_organisation(run=run)
    return ClientStatusSection(
        audit=audit,
        reason=reason,
        override=override,
        timeline=client_status_timeline(client=client),
        read_with=client.head if audit is not None and per_organisation else None,
    )


@dataclass(frozen=True, kw_only=True)
class MetricValue:
    definition: MetricDefinition
    value: object


def client_metrics(*, audit: ClientAudit) -> list[MetricValue]:
    """The audit's metrics of a client with what each means, those the audit could compute."""
    metrics = []
    for definition in METRIC_DEFINITIONS:
        value = getattr(audit, definition.name)
        if value is None or value == "":
            continue
        if definition.kind == "ratio":
            value *= 100
        metrics.append(MetricValue(definition=definition, value=value))
    return metrics


def status_month_before(day: dt.date) -> dt.date:
    """The month of the history whose end is the last month end before ``day``."""
    return month_add(month_start(day), -1)


def status_changes_since(*, user: User, since: dt.date) -> QuerySet[Client]:
    """The clients ``user`` may see whose status in force differs from their status at the last
    month end before ``since``, each with ``status_before`` (blank: it had none yet). Empty when
    the monthly history does not reach that month."""
    month = status_month_before(since)
    before = ClientStatusMonth.objects.filter(client=OuterRef("pk"), month=month)
    changed = (
        clients_visible_to(user)
        .annotate(status_before=Coalesce(Subquery(before.values("status")[:1]), Value("")))
        .exclude(status=F("status_before"))
    )
    if not ClientStatusMonth.objects.filter(month=month).exists():
        return changed.none()
    return changed


@dataclass(frozen=True, kw_only=True)
class StatusMonthTotal:
    month: dt.date
    status: str
    clients: int
    revenue_365: Decimal


def status_totals_by_month(*, user: User, first: dt.date) -> list[StatusMonthTotal]:
    """Clients and their revenue over 365 days by month-end status, every month of the history
    from ``first`` on, those with no status left out; each buyer the latest audit read once."""
    rows = (
        ClientStatusMonth.objects.filter(
            client__in=clients_counted_once(user=user), month__gte=month_start(first)
        )
        .exclude(status="")
        .values("month", "status")
        .annotate(clients=Count("id"), revenue=Sum("revenue_365"))
        .order_by("month", "status")
    )
    return [
        StatusMonthTotal(
            month=row["month"],
            status=row["status"],
            clients=row["clients"],
            revenue_365=row["revenue"] or Decimal("0.00"),
        )
        for row in rows
    ]


@dataclass(frozen=True, kw_only=True)
class GroupTotal:
    name: str
    clients: int
    revenue_365: Decimal


def totals_by_client_field(*, user: User, field: str, limit: int) -> list[GroupTotal]:
    """Clients and their revenue over 365 days by ``field`` (``region`` or ``segment``), the
    biggest revenue first, at most ``limit`` groups; each buyer the audit read once."""
    if field not in {"region", "segment"}:
        raise ValueError(field)
    rows = (
        clients_counted_once(user=user)
        .order_by()
        .values(field)
        .annotate(clients=Count("id"), revenue=Sum("audit__revenue_365", default=Decimal("0.00")))
        .order_by("-revenue", field)[:limit]
    )
    return [
        GroupTotal(name=row[field], clients=row["clients"], revenue_365=row["revenue"])
        for row in rows
    ]
