"""Reads of shipments for the client card, exports and the API."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from upsell.accounts.models import User
from upsell.clients.models import Client
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


def client_monthly_shipments(
    *, client: Client, first_month: dt.date, last_month: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """Net shipped amount per calendar month, every month from first to last (zero when none)."""
    totals = dict(
        Shipment.objects.filter(client=client, date__gte=first_month)
        .filter(date__lt=_next_month(last_month))
        .annotate(month=TruncMonth("date"))
        .values_list("month")
        .annotate(total=Sum("total"))
        .values_list("month", "total")
    )
    months = []
    month = first_month.replace(day=1)
    while month <= last_month:
        months.append((month, totals.get(month, Decimal("0.00"))))
        month = _next_month(month)
    return months


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
