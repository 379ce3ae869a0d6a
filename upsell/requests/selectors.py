"""Reads of order requests: the complex rules in force, queues with waiting times, history."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientAudit
from upsell.products.models import Product
from upsell.requests.access import requests_visible_to
from upsell.requests.models import (
    WAITING_STATUSES,
    ComplexOrderRules,
    OrderRequest,
    OrderRequestChange,
    OrderRequestLine,
    OrderRequestStatusChange,
    RequestStatus,
)
from upsell.shipments.models import ShipmentLine


@dataclass(frozen=True, kw_only=True)
class ComplexRules:
    """What makes a spontaneous client's request complex; None switches a threshold off."""

    amount_above: Decimal | None = Decimal(500_000)
    lines_above: int | None = 20
    product_groups: tuple[str, ...] = field(default_factory=tuple)
    standard_discount_percent: Decimal | None = Decimal(5)
    standard_payment_delay_days: int | None = 30
    overdue_debt: bool = True


def complex_rules_current() -> ComplexRules:
    """The rules as the head of sales last set them, else the defaults."""
    rules = ComplexOrderRules.objects.order_by("-changed_at", "-id").first()
    if rules is None:
        return ComplexRules()
    return ComplexRules(
        amount_above=rules.amount_above,
        lines_above=rules.lines_above,
        product_groups=tuple(rules.product_groups),
        standard_discount_percent=rules.standard_discount_percent,
        standard_payment_delay_days=rules.standard_payment_delay_days,
        overdue_debt=rules.overdue_debt,
    )


def client_overdue_debt(*, client: Client) -> Decimal:
    """The client's debt past its payment terms, as the latest audit measured it."""
    debt = ClientAudit.objects.filter(client=client).values_list("overdue_debt", flat=True).first()
    return debt if debt is not None else Decimal(0)


def product_prices(*, products: list[Product]) -> dict[int, Decimal]:
    """Each product's price as it was last sold (the latest shipment that sold it; a return
    tells no price): the catalogue keeps no price list of its own. A product never sold has
    none."""
    latest = (
        ShipmentLine.objects.filter(product=OuterRef("pk"), quantity__gt=0)
        .order_by("-shipment__date", "-shipment_id", "-line_no")
        .values("price")[:1]
    )
    rows = (
        Product.objects.filter(pk__in=[product.pk for product in products])
        .annotate(last_price=Subquery(latest))
        .values_list("pk", "last_price")
    )
    return {pk: Decimal(price) for pk, price in rows if price is not None}


def request_queue(
    *, user: User, assignee_id: int | None = None, client: Client | None = None
) -> QuerySet[OrderRequest]:
    """The waiting requests ``user`` may see, oldest first (``assignee_id``'s alone, or
    ``client``'s alone, if given)."""
    requests = requests_visible_to(user).filter(status__in=WAITING_STATUSES)
    if assignee_id is not None:
        requests = requests.filter(assignee_id=assignee_id)
    if client is not None:
        requests = requests.filter(client=client)
    return requests.select_related("client", "assignee").order_by("waiting_since", "id")


def requests_done_today(*, user: User) -> QuerySet[OrderRequest]:
    """The requests ``user`` may see that were done today (in the site's time zone), the latest
    first: they stay in view the day they are done."""
    midnight = dt.datetime.combine(timezone.localdate(), dt.time(), timezone.get_current_timezone())
    return (
        requests_visible_to(user)
        .filter(status=RequestStatus.DONE, finished_at__gte=midnight)
        .select_related("client", "assignee")
        .order_by("-finished_at", "-id")
    )


def waiting_for(user: User) -> int:
    """How many requests wait in ``user``'s own queue (the count beside the menu's Requests)."""
    if not user.is_authenticated or not (user.is_manager or user.is_assistant):
        return 0
    return request_queue(user=user, assignee_id=user.pk).count()


def request_lines(*, request: OrderRequest) -> QuerySet[OrderRequestLine]:
    return request.lines.select_related("product").order_by("line_number")


@dataclass(frozen=True, kw_only=True)
class HistoryEntry:
    """One row of a request's history: a hand-over or a change of its status."""

    changed_at: dt.datetime
    previous: str
    new: str
    what: str
    why: str
    changed_by: User | None


_STATUS_WHAT = {
    RequestStatus.IN_WORK: lambda: _("Taken into work"),
    RequestStatus.OPEN: lambda: _("Put back in the queue"),
    RequestStatus.DONE: lambda: pgettext("request status", "Done"),
    RequestStatus.CANCELLED: lambda: _("Cancelled"),
}


def request_history(*, request: OrderRequest) -> list[HistoryEntry]:
    """Who held the request and who took it into work, finished or cancelled it, when and why;
    the latest first."""
    hand_overs: list[OrderRequestChange] = list(
        request.changes.select_related("previous", "new", "changed_by")
    )
    status_changes: list[OrderRequestStatusChange] = list(
        request.status_changes.select_related("changed_by")
    )
    # Both are newest first; at the same moment a status change follows the hand-over.
    entries = [
        HistoryEntry(
            changed_at=change.changed_at,
            previous=str(change.get_previous_display()),
            new=str(change.get_new_display()),
            what=_STATUS_WHAT[RequestStatus(change.new)](),
            why=change.reason,
            changed_by=change.changed_by,
        )
        for change in status_changes
    ] + [
        HistoryEntry(
            changed_at=change.changed_at,
            previous=str(change.previous or "—"),
            new=str(change.new or "—"),
            what=str(change.get_rule_display()),
            why=change.reason_text,
            changed_by=change.changed_by,
        )
        for change in hand_overs
    ]
    return sorted(entries, key=lambda entry: entry.changed_at, reverse=True)


def request_status_changes(*, request: OrderRequest) -> dict[str, OrderRequestStatusChange]:
    """The latest change of the request into each status: who took it into work, who finished it."""
    latest: dict[str, OrderRequestStatusChange] = {}
    for change in request.status_changes.select_related("changed_by").order_by("changed_at", "id"):
        latest[change.new] = change
    return latest
