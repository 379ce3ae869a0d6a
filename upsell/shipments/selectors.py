"""Reads of shipments for the client card, exports and the API."""

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import money_round
from upsell.core.months import month_add, month_start
from upsell.shipments.access import shipments_visible_to
from upsell.shipments.models import Shipment


@dataclass(frozen=True, kw_only=True)
class ShipmentFilters:
    client_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def shipment_list(*, user: User, filters: ShipmentFilters | None = None) -> QuerySet[Shipment]:
    """Shipment documents ``user`` may see, newest first, with client and manager joined."""
    filters = filters or ShipmentFilters()
    shipments = shipments_visible_to(user).select_related("client", "manager")
    if filters.client_id is not None:
        shipments = shipments.filter(client_id=filters.client_id)
    if filters.date_from is not None:
        shipments = shipments.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        shipments = shipments.filter(date__lte=filters.date_to)
    return shipments.order_by("-date", "-id")


# What a client was shipped in a period is one question with one answer: the net amount of its
# shipment documents (a return is a document with negative lines) dated within [first, end).
# The grid, its totals, the team's figures, accuracy, the workload and the card all ask here.

Clients = QuerySet[Client] | Collection[int]
ShippedPer = Literal["client", "manager"]
_PER_FIELD: dict[ShippedPer, str] = {"client": "client_id", "manager": "client__manager_id"}


def _shipped(
    *, clients: Clients | None, first: dt.date | None, end: dt.date | None
) -> QuerySet[Shipment]:
    shipments = Shipment.objects.all()
    if end is not None:
        shipments = shipments.filter(date__lt=end)
    if first is not None:
        shipments = shipments.filter(date__gte=first)
    if clients is not None:
        shipments = shipments.filter(
            client__in=clients if isinstance(clients, QuerySet) else list(clients)
        )
    return shipments


def shipped_per_client(
    *, first: dt.date | None, end: dt.date | None, clients: Clients | None = None
) -> dict[int, Decimal]:
    """Net shipped amount per client in [first, end) (None: no bound on that side), to the
    kopeck: SQLite adds its amounts as floats."""
    return {
        client_id: money_round(total)
        for client_id, total in _shipped(clients=clients, first=first, end=end)
        .order_by()
        .values_list("client_id")
        .annotate(total=Sum("total"))
        .values_list("client_id", "total")
    }


def shipped_per_client_fields(
    *, first: dt.date | None, end: dt.date | None, clients: QuerySet[Client], fields: Sequence[str]
) -> dict[tuple[Any, ...], Decimal]:
    """Net shipped amount in [first, end) of ``clients``, summed over the clients that share the
    values of ``fields`` (``("manager_id", "assistant_id")``: per the people who serve them).
    To the kopeck: SQLite adds its amounts as floats."""
    keys = [f"client__{name}" for name in fields]
    return {
        tuple(row[:-1]): money_round(row[-1])
        for row in _shipped(clients=clients, first=first, end=end)
        .order_by()
        .values_list(*keys)
        .annotate(total=Sum("total"))
        .values_list(*keys, "total")
    }


def shipped_of_each_client(*, first: dt.date | None, end: dt.date | None) -> Subquery:
    """Net shipped amount in [first, end) of the client a queryset of clients is on, as a
    subquery to annotate or order it by (None where nothing was shipped)."""
    return Subquery(
        _shipped(clients=None, first=first, end=end)
        .filter(client=OuterRef("pk"))
        .order_by()
        .values("client_id")
        .annotate(total=Sum("total"))
        .values("total")[:1]
    )


def shipped_per_month(
    *,
    first: dt.date,
    end: dt.date,
    clients: Clients | None = None,
    per: ShippedPer = "client",
) -> dict[tuple[int, dt.date], Decimal]:
    """Net shipped amount per (client, month) in [first, end); with ``per="manager"``, per the
    manager who serves the client now (clients without one are left out). To the kopeck."""
    shipments = _shipped(clients=clients, first=first, end=end)
    key = _PER_FIELD[per]
    if per == "manager":
        shipments = shipments.filter(client__manager__isnull=False)
    return {
        (owner, month): money_round(total)
        for owner, month, total in shipments.annotate(month=TruncMonth("date"))
        .order_by()
        .values_list(key, "month")
        .annotate(total=Sum("total"))
        .values_list(key, "month", "total")
    }


def client_monthly_shipments(
    *, client: Client, first_month: dt.date, last_month: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """Net shipped amount per calendar month, every month from first to last (zero when none)."""
    first, end = month_start(first_month), month_add(month_start(last_month), 1)
    totals = shipped_per_month(first=first, end=end, clients=[client.pk])
    months = []
    month = first
    while month < end:
        months.append((month, totals.get((client.pk, month), Decimal("0.00"))))
        month = month_add(month, 1)
    return months


def shipped_two_periods(
    *,
    first: dt.date,
    middle: dt.date,
    end: dt.date,
    per: ShippedPer = "client",
    clients: Clients | None = None,
) -> QuerySet[Any, Any]:
    """Net shipped amount per client (or per the manager who serves it now) in [first, middle)
    as ``before`` and in [middle, end) as ``after``, one row per ``owner``, summed by the
    database: the caller narrows, orders and cuts it there too."""
    shipments = _shipped(clients=clients, first=first, end=end)
    if per == "manager":
        shipments = shipments.filter(client__manager__isnull=False)
    zero = Decimal("0.00")
    return (
        shipments.order_by()
        .values(owner=F(_PER_FIELD[per]))
        .annotate(
            before=Sum("total", filter=Q(date__lt=middle), default=zero),
            after=Sum("total", filter=Q(date__gte=middle), default=zero),
        )
    )


def shipped_two_periods_total(
    *, first: dt.date, middle: dt.date, end: dt.date, clients: Clients | None = None
) -> tuple[Decimal, Decimal]:
    """Net shipped amount of every client (or of ``clients``) in [first, middle) and in
    [middle, end)."""
    zero = Decimal("0.00")
    totals = _shipped(clients=clients, first=first, end=end).aggregate(
        before=Sum("total", filter=Q(date__lt=middle), default=zero),
        after=Sum("total", filter=Q(date__gte=middle), default=zero),
    )
    return totals["before"], totals["after"]
