"""Which clients are motivated: the statuses the head of sales marks as managed, and every
client that plans a purchase budget. The access funnel and the selectors both ask it."""

from collections.abc import Iterable

from django.db.models import Q

from upsell.clients.models import Client, ClientStatus, PortfolioRules

DEFAULT_MANAGED_STATUSES = (
    ClientStatus.REGULAR,
    ClientStatus.VIP,
    ClientStatus.PARTNER,
    ClientStatus.REANIMATED,
    ClientStatus.NEW,
)


def managed_statuses_current() -> tuple[str, ...]:
    """The statuses whose clients are motivated, as the head of sales last set them."""
    rules = PortfolioRules.objects.order_by("-changed_at", "-id").first()
    if rules is None:
        return tuple(DEFAULT_MANAGED_STATUSES)
    return tuple(rules.managed_statuses)


def motivated_q() -> Q:
    """The condition of a motivated client: a managed status, or a purchase budget planned."""
    return Q(status__in=managed_statuses_current()) | Q(plans_budget=True)


def client_is_motivated(*, client: Client, managed_statuses: Iterable[str]) -> bool:
    """``motivated_q`` for one client in hand, with the managed statuses already read."""
    return client.plans_budget or client.status in managed_statuses
