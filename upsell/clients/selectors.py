"""Reads of clients for pages, exports and the API. Scoping comes from the access funnel."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import (
    Case,
    F,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import ExtractYear, Lower
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import (
    Client,
    ClientAssignmentChange,
    ClientAudit,
    ClientBudgetMonth,
    ClientStatus,
)
from upsell.clients.services import BUDGET_MONTH_FIELD, DETAIL_FIELDS
from upsell.core.money import money_round
from upsell.history.presenters import (
    FieldShape,
    ValueText,
    money_text,
    plain_text,
    yes_no_text,
)

ClientSort = Literal[
    "name", "-name", "tax_id", "-tax_id", "region", "-region", "segment", "-segment",
    "manager", "-manager", "status", "-status", "perspective", "-perspective",
    "last_order", "-last_order",
]  # fmt: skip
CLIENT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "tax_id": ("tax_id", "id"),
    "region": ("region", "name", "id"),
    "segment": ("segment", "name", "id"),
    "manager": ("manager__full_name", "name", "id"),
    "status": ("status_rank", "name", "id"),
    "perspective": ("audit__perspective", "name", "id"),
    "last_order": ("last_order_date", "name", "id"),
}

# The method's order of the statuses (as ``ClientStatus`` lists them), not their codes' alphabet.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(ClientStatus.values)),
    default=None,
    output_field=IntegerField(),
)


@dataclass(frozen=True, kw_only=True)
class ClientFilters:
    """What a client list is narrowed to; every field empty means every visible client."""

    search: str = ""
    manager_id: int | None = None
    segment: str = ""
    region: str = ""
    status: str = ""
    # Members of a sales program whose next tier the nightly run found within reach.
    next_tier_within_reach: bool = False
    sort: str = "name"


def _ordering(sort: str) -> list[OrderBy]:
    descending = sort.startswith("-")
    columns = CLIENT_SORTS.get(sort.removeprefix("-"), CLIENT_SORTS["name"])
    # Clients the audit has not reached sort after the others either way.
    return [
        (
            _column(column).desc(nulls_last=True)
            if descending
            else _column(column).asc(nulls_last=True)
        )
        for column in columns
    ]


def _column(column: str) -> F | Case:
    return STATUS_RANK if column == "status_rank" else F(column)


def days_since(day: dt.date | None, *, today: dt.date) -> int | None:
    """Whole days from ``day`` (a client's last order) to ``today``; None without a day."""
    return None if day is None else (today - day).days


def client_list(*, user: User, filters: ClientFilters | None = None) -> QuerySet[Client]:
    """The clients ``user`` may see, narrowed by ``filters``, with manager and assistant joined,
    and the audit's perspective and last order date.

    A search of digits matches the start of the tax id; any search matches within the name.
    """
    filters = filters or ClientFilters()
    # The audit's figures as subqueries, not a join: the page's count then reads the clients
    # alone. The last order is the audit's, as of its date, like the status and perspective.
    audit = ClientAudit.objects.filter(client=OuterRef("pk"))
    clients = (
        clients_visible_to(user)
        .select_related("manager", "assistant")
        .annotate(
            perspective=Subquery(audit.values("perspective")[:1]),
            last_order_date=Subquery(audit.values("last_order_date")[:1]),
        )
    )
    search = filters.search.strip()
    if search:
        # Lower() on both sides folds Cyrillic on SQLite too (see upsell.core.sqlite).
        condition = Q(name_folded__contains=search.lower())
        if search.isdigit():
            condition |= Q(tax_id__startswith=search)
        clients = clients.alias(name_folded=Lower("name")).filter(condition)
    if filters.manager_id is not None:
        clients = clients.filter(manager_id=filters.manager_id)
    if filters.segment:
        clients = clients.filter(segment=filters.segment)
    if filters.region:
        clients = clients.filter(region=filters.region)
    if filters.status:
        clients = clients.filter(status=filters.status)
    if filters.next_tier_within_reach:
        # Only a program's active members have progress; a subquery keeps one row per client.
        clients = clients.filter(
            pk__in=Client.objects.filter(program_memberships__progress__within_reach=True).values(
                "pk"
            )
        )
    return clients.order_by(*_ordering(filters.sort))


def client_filter_choices(*, user: User) -> dict[str, list[str]]:
    """The distinct segments and regions among the clients ``user`` may see, for filter menus."""
    visible = clients_visible_to(user)
    return {
        "segments": list(
            visible.exclude(segment="")
            .order_by("segment")
            .values_list("segment", flat=True)
            .distinct()
        ),
        "regions": list(
            visible.exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        ),
    }


def client_assignment_history(*, client: Client) -> QuerySet[ClientAssignmentChange]:
    return client.assignment_changes.select_related("previous", "new", "changed_by")


def client_budget_months(*, client: Client, year: int) -> dict[dt.date, Decimal]:
    """The client's budget of each month of ``year`` it planned, by the month's first day."""
    return dict(
        ClientBudgetMonth.objects.filter(client=client, month__year=year).values_list(
            "month", "amount"
        )
    )


def clients_budget_month(*, clients: list[int], month: dt.date) -> dict[int, Decimal]:
    """The budget of ``month`` (its first day) of each of ``clients`` that planned it, by client
    id."""
    return dict(
        ClientBudgetMonth.objects.filter(client_id__in=clients, month=month).values_list(
            "client_id", "amount"
        )
    )


def budget_year_totals() -> list[tuple[int, int, Decimal]]:
    """(client, year, sum of its months) for every year some client planned by month."""
    return [
        (client_id, year, money_round(total))
        for client_id, year, total in ClientBudgetMonth.objects.values_list("client_id")
        .annotate(year=ExtractYear("month"), total=Sum("amount"))
        .values_list("client_id", "year", "total")
        .order_by("client_id", "year")
    ]


def client_detail_shapes() -> dict[str, FieldShape]:
    """How each detail a client's history keeps reads: by its field's name, in its kind."""
    texts: dict[str, ValueText] = {
        "is_partner": yes_no_text,
        "plans_budget": yes_no_text,
        "annual_budget": money_text,
    }
    shapes = {}
    for name in DETAIL_FIELDS:
        field = Client._meta.get_field(name)
        assert isinstance(field, Field)  # noqa: S101 - the details are the client's own columns
        shapes[name] = FieldShape(capfirst(field.verbose_name), texts.get(name, plain_text))
    shapes[BUDGET_MONTH_FIELD] = FieldShape(_("Budget of the month"), money_text)
    return shapes
