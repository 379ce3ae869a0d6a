"""Reads of order requests: the complex rules in force, queues with waiting times, history."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientAudit
from upsell.requests.access import requests_visible_to
from upsell.requests.models import (
    WAITING_STATUSES,
    ComplexOrderRules,
    OrderRequest,
    OrderRequestChange,
    OrderRequestLine,
)


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
    audit = ClientAudit.objects.filter(client=client).values_list("metrics", flat=True).first()
    value = (audit or {}).get("overdue_debt")
    return Decimal(str(value)) if value is not None else Decimal(0)


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
    return requests.select_related("client", "assignee").order_by("created_at", "id")


def waiting_for(user: User) -> int:
    """How many requests wait in ``user``'s own queue (the count beside the menu's Requests)."""
    if not user.is_authenticated or not (user.is_manager or user.is_assistant):
        return 0
    return request_queue(user=user, assignee_id=user.pk).count()


def request_lines(*, request: OrderRequest) -> QuerySet[OrderRequestLine]:
    return request.lines.select_related("product").order_by("line_number")


def request_history(*, request: OrderRequest) -> QuerySet[OrderRequestChange]:
    return request.changes.select_related("previous", "new", "changed_by")
