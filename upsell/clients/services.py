"""Use-cases that change clients. Pages, the API and tasks all call these."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import chain

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import (
    Client,
    ClientAudit,
    ClientBudgetMonth,
    ClientStatus,
    ClientStatusMonth,
    ClientStatusOverride,
    PortfolioRules,
)
from upsell.core.bulk import column_set_where_in, rows_insert, rows_update
from upsell.core.money import money_problem, money_round
from upsell.core.months import EARLIEST, date_problem, years_after
from upsell.core.tax_ids import tax_id_problem
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import FieldChange, changes_record, fields_changed

# A purchase budget is planned for this year or a few ahead; an override lasts at most so long.
BUDGET_YEARS_AHEAD = 5
OVERRIDE_YEARS_AHEAD = 10


@dataclass(frozen=True, kw_only=True)
class ClientDetails:
    """The fields of a client its manager or the head of sales edits (not who serves it)."""

    name: str
    tax_id: str = ""
    region: str = ""
    segment: str = ""
    is_partner: bool = False
    plans_budget: bool = False
    annual_budget: Decimal | None = None
    budget_year: int | None = None


DETAIL_FIELDS = tuple(field.name for field in fields(ClientDetails))


def _validate_details(details: ClientDetails, *, client: Client | None) -> None:
    errors: dict[str, str] = {}
    if not details.name.strip():
        errors["name"] = _("A client needs a name.")
    if details.tax_id:
        problem = tax_id_problem(details.tax_id)
        if problem is not None:
            errors["tax_id"] = _("Tax id %(tax_id)s: %(problem)s.") % {
                "tax_id": details.tax_id,
                "problem": _(problem),
            }
        else:
            # A branch shares its organisation's ИНН under a КПП of its own.
            taken = Client.objects.filter(
                tax_id=details.tax_id, kpp="" if client is None else client.kpp
            )
            if client is not None:
                taken = taken.exclude(pk=client.pk)
            if taken.exists():
                errors["tax_id"] = _("Another client has tax id %(tax_id)s.") % {
                    "tax_id": details.tax_id
                }
    if details.annual_budget is not None and details.annual_budget < 0:
        errors["annual_budget"] = _("A budget cannot be negative.")
    elif details.annual_budget is not None and (problem := money_problem(details.annual_budget)):
        errors["annual_budget"] = problem
    if (details.annual_budget is None) != (details.budget_year is None):
        errors["budget_year"] = _("A budget needs its year, and a year needs a budget.")
    elif details.budget_year is not None and not (
        EARLIEST.year <= details.budget_year <= timezone.localdate().year + BUDGET_YEARS_AHEAD
    ):
        errors["budget_year"] = _("Give a year from %(first)s to %(last)s.") % {
            "first": EARLIEST.year,
            "last": timezone.localdate().year + BUDGET_YEARS_AHEAD,
        }
    if client is not None and not errors and details.budget_year is not None:
        planned = budget_months_total(client_id=client.pk, year=details.budget_year)
        if planned is not None and money_round(details.annual_budget or Decimal(0)) != planned:
            errors["annual_budget"] = _(
                "The budget of %(year)s is the sum of its months, %(total)s: change the months."
            ) % {"year": details.budget_year, "total": planned}
    if errors:
        raise ValidationError(errors)


def client_insert(*, details: ClientDetails) -> Client:
    """A new client that nobody serves yet: ``portfolios`` gives it its people."""
    _validate_details(details, client=None)
    return Client.objects.create(
        **{field.name: getattr(details, field.name) for field in fields(details)}
    )


def client_update(
    *, client: Client, details: ClientDetails, changed_by: User | None, source: ChangeSource
) -> Client:
    """Store ``client``'s new details; each field that moved is kept in its history with who
    changed it, through what and when."""
    _validate_details(details, client=client)
    wanted = {field.name: _detail_value(field.name, getattr(details, field.name))
              for field in fields(details)}  # fmt: skip
    changed = [name for name, value in wanted.items() if getattr(client, name) != value]
    if not changed:
        return client
    before = {name: _detail_value(name, getattr(client, name)) for name in changed}
    for name in changed:
        setattr(client, name, wanted[name])
    with transaction.atomic():
        client.save(update_fields=[*changed, "updated_at"])
        changes_record(
            changes=fields_changed(
                subject=Subject.CLIENT,
                object_id=client.pk,
                before=before,
                after={name: getattr(client, name) for name in changed},
            ),
            by=changed_by,
            source=source,
        )
    return client


def clients_details_store(
    *,
    frame: pl.DataFrame,
    stored: pl.DataFrame,
    changed_by: User | None,
    source: ChangeSource,
) -> int:
    """Store the details of many clients at once, with the history of each field that moved.

    ``frame`` has the clients' ``id`` and the new value of each field it stores; ``stored``
    the same columns as they are now. Values are the database's (an amount as its decimal
    text). Returns the clients written.
    """
    names = [name for name in frame.columns if name != "id"]
    compared = frame.join(
        stored.rename({name: f"stored_{name}" for name in names}),
        on="id",
        how="left",
        maintain_order="left",
    )
    changes = [
        FieldChange(
            subject=Subject.CLIENT,
            object_id=row["id"],
            field=name,
            before=_detail_value(name, row[f"stored_{name}"]),
            after=_detail_value(name, row[name]),
        )
        for row in compared.iter_rows(named=True)
        for name in names
        if _detail_value(name, row[name]) != _detail_value(name, row[f"stored_{name}"])
    ]
    with transaction.atomic():
        rows_update(model=Client, frame=frame)
        changes_record(changes=changes, by=changed_by, source=source)
    return frame.height


def _detail_value(name: str, value: object) -> object:
    """A detail as ``client_update`` keeps it: an amount to the kopeck, text never None."""
    if name == "annual_budget" and value is not None:
        return money_round(Decimal(str(value)))
    if name in {"tax_id", "name", "region", "segment"} and value is None:
        return ""
    return value


# The history keeps a month's budget under this field, with the month.
BUDGET_MONTH_FIELD = "budget_month"
# The details a client's budget months decide.
_BUDGET_DETAILS = ("plans_budget", "annual_budget", "budget_year")


def budget_months_total(*, client_id: int, year: int) -> Decimal | None:
    """The sum of the client's budget months of ``year``; None when that year has none."""
    total: Decimal | None = ClientBudgetMonth.objects.filter(
        client_id=client_id, month__year=year
    ).aggregate(total=Sum("amount"))["total"]
    return None if total is None else money_round(total)


def _budget_months_validate(months: Mapping[dt.date, Decimal]) -> None:
    latest_year = timezone.localdate().year + BUDGET_YEARS_AHEAD
    errors: dict[str, str] = {}
    for month, amount in months.items():
        key = f"{month:%Y-%m}"
        if month.day != 1:
            errors[key] = _("A budget month is the first day of its month.")
        elif not EARLIEST.year <= month.year <= latest_year:
            errors[key] = _("Give a month from %(first)s to %(last)s.") % {
                "first": EARLIEST.year,
                "last": latest_year,
            }
        elif amount < 0:
            errors[key] = _("A budget cannot be negative.")
        elif problem := money_problem(amount):
            errors[key] = problem
    if errors:
        raise ValidationError(errors)


def client_budget_months_set(
    *,
    client: Client,
    months: Mapping[dt.date, Decimal],
    changed_by: User | None,
    source: ChangeSource,
) -> int:
    """Store the client's budget for each of ``months`` (other months stay as they are); the
    months that changed.

    The client's budget year becomes the latest year planned (its current one or the latest of
    ``months``), and where that year has months its annual budget is their sum: this is the one
    place that writes both, so the two never disagree. Every month and detail that moved is
    kept in the client's history.
    """
    _budget_months_validate(months)
    wanted = {month: money_round(amount) for month, amount in months.items()}
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        stored = dict(
            ClientBudgetMonth.objects.filter(client=locked, month__in=list(wanted)).values_list(
                "month", "amount"
            )
        )
        moved = {month: amount for month, amount in wanted.items() if stored.get(month) != amount}
        for month, amount in sorted(moved.items()):
            ClientBudgetMonth.objects.update_or_create(
                client=locked, month=month, defaults={"amount": amount}
            )
        year = max(locked.budget_year or 0, *(month.year for month in wanted))
        total = budget_months_total(client_id=locked.pk, year=year)
        before = {name: getattr(locked, name) for name in _BUDGET_DETAILS}
        if total is not None:
            locked.plans_budget, locked.annual_budget, locked.budget_year = True, total, year
        details = fields_changed(
            subject=Subject.CLIENT,
            object_id=locked.pk,
            before=before,
            after={name: getattr(locked, name) for name in _BUDGET_DETAILS},
        )
        if details:
            locked.save(update_fields=[*(change.field for change in details), "updated_at"])
        changes_record(
            changes=[
                *(
                    FieldChange(
                        subject=Subject.CLIENT,
                        object_id=locked.pk,
                        month=month,
                        field=BUDGET_MONTH_FIELD,
                        before=stored.get(month),
                        after=amount,
                    )
                    for month, amount in sorted(moved.items())
                ),
                *details,
            ],
            by=changed_by,
            source=source,
        )
    for name in _BUDGET_DETAILS:
        setattr(client, name, getattr(locked, name))
    return len(moved)


def client_audits_replace(*, frame: pl.DataFrame) -> int:
    """Store a whole audit in place of the previous one; the clients stored. ``frame``'s
    columns are those of ``ClientAudit`` (``client_id``, ``as_of``, …, each metric of
    ``AUDIT_METRICS``)."""
    with transaction.atomic():
        ClientAudit.objects.all().delete()
        rows_insert(model=ClientAudit, frame=frame)
    return frame.height


def client_status_months_replace(*, history: pl.DataFrame) -> int:
    """Store the month-end status history in place of the previous one; the rows stored.

    ``history`` has the columns client_id, month (the month's first day), status, status_rule
    and revenue_365 (as decimal text).
    """
    with transaction.atomic():
        ClientStatusMonth.objects.all().delete()
        rows_insert(model=ClientStatusMonth, frame=history)
    return history.height


def client_status_months_append(*, history: pl.DataFrame) -> int:
    """Add the month ends of ``history`` to the stored month-end status history, the rows
    already stored kept as they are; the rows added. Same columns as
    `client_status_months_replace`; a (client, month) already stored is refused by the
    database, so the caller's transaction writes nothing."""
    rows_insert(model=ClientStatusMonth, frame=history)
    return history.height


def status_overrides_in_force(*, today: dt.date) -> QuerySet[ClientStatusOverride]:
    """The overrides that set their clients' statuses on ``today``: not lifted, not past their
    end date."""
    return ClientStatusOverride.objects.filter(lifted_at__isnull=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def client_audits_replace_from_query(*, query: str) -> int:
    """Store a whole audit in place of the previous one from the rows of an SQL query on the
    database (an audit a cluster engine wrote there); the clients stored. The query gives the
    columns of ``AUDIT_QUERY_COLUMNS`` in that order."""
    return _replace_from_query(model=ClientAudit, columns=AUDIT_QUERY_COLUMNS, query=query)


AUDIT_QUERY_COLUMNS = tuple(field.attname for field in ClientAudit._meta.concrete_fields)


def client_status_months_replace_from_query(*, query: str) -> int:
    """Store the month-end status history in place of the previous one from the rows of an SQL
    query on the database; the rows stored. The query gives the columns client_id, month,
    status, status_rule and revenue_365 in that order."""
    return _replace_from_query(
        model=ClientStatusMonth,
        columns=("client_id", "month", "status", "status_rule", "revenue_365"),
        query=query,
    )


def _replace_from_query(*, model: type[Model], columns: tuple[str, ...], query: str) -> int:
    names = ", ".join(
        connection.ops.quote_name(str(model._meta.get_field(name).column))  # type: ignore[union-attr]
        for name in columns
    )
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic():
        model._default_manager.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({names}) {query}")
            inserted: int = cursor.rowcount
    return inserted


def _active_override_status(*, today: dt.date) -> Subquery:
    active = status_overrides_in_force(today=today).filter(client=OuterRef("pk"))
    return Subquery(active.order_by("-created_at", "-id").values("status")[:1])


def client_statuses_refresh(*, today: dt.date, client_ids: Iterable[int] | None = None) -> int:
    """Set each client's status in force: its active override, else the audit's; the count of
    clients whose status changed.

    Only those clients are written: on a night when a few hundred of a million clients change
    status, rewriting every row would cost the database a new version of each. The clients
    without an override, nearly all of them, are compared with their audit by a join rather
    than a lookup per client. The changes are read first and then written by id, one
    statement per status: PostgreSQL reads a query with parallel workers but never the
    search of an ``UPDATE`` (at a million clients the join took 10 s inside an ``UPDATE``
    with nothing to change, 1.3 s read on its own).
    """
    clients = Client.objects.all()
    if client_ids is not None:
        clients = clients.filter(pk__in=list(client_ids))
    overridden = status_overrides_in_force(today=today).values("client_id")
    override = _active_override_status(today=today)
    changes = chain(
        clients.exclude(pk__in=overridden)
        .annotate(in_force=Coalesce("audit__computed_status", Value("")))
        .exclude(status=F("in_force"))
        .values_list("pk", "in_force"),
        clients.filter(pk__in=overridden)
        .annotate(in_force=override)
        .exclude(status=F("in_force"))
        .values_list("pk", "in_force"),
    )
    to_status: dict[str, list[int]] = defaultdict(list)
    for client_id, status in changes:
        to_status[status].append(client_id)
    return sum(
        column_set_where_in(model=Client, field="status", value=status, ids=ids)
        for status, ids in to_status.items()
    )


def client_status_override_set(
    *,
    client: Client,
    status: str,
    reason: str,
    expires_on: dt.date | None,
    set_by: User,
    today: dt.date,
) -> ClientStatusOverride:
    """Set ``client``'s status by hand until ``expires_on`` (or until lifted)."""
    errors: dict[str, str] = {}
    if status not in ClientStatus.values:
        errors["status"] = _("Choose a status.")
    if not reason.strip():
        errors["reason"] = _("Say why the status is set by hand.")
    if expires_on is not None and expires_on < today:
        errors["expires_on"] = _("The end date has passed already.")
    elif expires_on is not None and (
        problem := date_problem(expires_on, latest=years_after(today, OVERRIDE_YEARS_AHEAD))
    ):
        errors["expires_on"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ClientStatusOverride.objects.filter(client=client, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=set_by
        )
        override = ClientStatusOverride.objects.create(
            client=client, status=status, reason=reason.strip(), expires_on=expires_on,
            created_by=set_by,
        )  # fmt: skip
        client_statuses_refresh(today=today, client_ids=[client.pk])
    return override


def client_status_override_lift(*, client: Client, lifted_by: User, today: dt.date) -> int:
    """End ``client``'s override: the audit's status is in force again. The overrides ended."""
    with transaction.atomic():
        lifted = ClientStatusOverride.objects.filter(client=client, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=lifted_by
        )
        client_statuses_refresh(today=today, client_ids=[client.pk])
    return lifted


def portfolio_rules_update(*, managed_statuses: list[str], changed_by: User) -> PortfolioRules:
    """Put in force the statuses whose clients are motivated; earlier rules stay as history."""
    unknown = sorted(set(managed_statuses) - set(ClientStatus.values))
    if unknown:
        raise ValidationError(
            {"managed_statuses": _("Unknown statuses: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    return PortfolioRules.objects.create(
        managed_statuses=sorted(managed_statuses), changed_by=changed_by
    )
