"""Reads of payments for the client card, exports and the API."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from upsell.accounts.models import User
from upsell.payments.access import payments_visible_to
from upsell.payments.models import Payment


@dataclass(frozen=True, kw_only=True)
class PaymentFilters:
    client_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def payment_list(*, user: User, filters: PaymentFilters | None = None) -> QuerySet[Payment]:
    """Payments ``user`` may see, newest first, with the client joined."""
    filters = filters or PaymentFilters()
    payments = payments_visible_to(user).select_related("client")
    if filters.client_id is not None:
        payments = payments.filter(client_id=filters.client_id)
    if filters.date_from is not None:
        payments = payments.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        payments = payments.filter(date__lte=filters.date_to)
    return payments.order_by("-date", "-id")


def paid_per_client(*, clients: Collection[int], end: dt.date) -> dict[int, Decimal]:
    """What each of ``clients`` paid before ``end``, all its payments added up (a refund is a
    negative payment); clients that paid nothing are left out."""
    return dict(
        Payment.objects.filter(client_id__in=list(clients), date__lt=end)
        .order_by()
        .values_list("client_id")
        .annotate(total=Sum("amount"))
        .values_list("client_id", "total")
    )
