"""Stuck deals: the one place that says which open deal has waited too long.

A deal is stuck when it is open (not won, not lost) and nothing was done on it (a stage move,
an objection, a call, a meeting: ``Deal.last_activity_at``) for more than the number of days the
head of sales set in the closing settings (the latest ``ClosingSettings`` row; 14 days until
one is set). The list, the API and any mark of a stuck deal elsewhere ask here.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from upsell.accounts.models import User
from upsell.deals.access import deals_visible_to
from upsell.deals.models import OPEN_STAGES, ClosingSettings, Deal

# Until the head of sales sets it: the model's default.
DEFAULT_STUCK_AFTER_DAYS: int = ClosingSettings._meta.get_field("stuck_after_days").default


def closing_settings_latest() -> ClosingSettings | None:
    """The closing settings in force: the latest row, or None while none was ever set."""
    return ClosingSettings.objects.select_related("changed_by").first()


def stuck_after_days() -> int:
    """After how many days without activity an open deal is stuck."""
    latest = closing_settings_latest()
    return DEFAULT_STUCK_AFTER_DAYS if latest is None else latest.stuck_after_days


def stuck_cutoff(*, now: dt.datetime, after_days: int) -> dt.datetime:
    """An open deal whose last activity is before this moment is stuck."""
    return now - dt.timedelta(days=after_days)


def deal_is_stuck(deal: Deal, *, now: dt.datetime, after_days: int) -> bool:
    """Whether one deal is stuck: the same rule as the list's, for a deal already in hand."""
    return deal.is_open and deal.last_activity_at < stuck_cutoff(now=now, after_days=after_days)


@dataclass(frozen=True, kw_only=True)
class StuckDeal:
    deal: Deal
    days: int  # whole days since the last activity


def stuck_deals_query(
    *, user: User, now: dt.datetime, after_days: int, manager_id: int | None = None
) -> QuerySet[Deal]:
    """The stuck deals ``user`` may see (``manager_id``'s alone, if given), the longest
    waiting first, with their client and manager."""
    deals = deals_visible_to(user).filter(
        stage__in=OPEN_STAGES,
        last_activity_at__lt=stuck_cutoff(now=now, after_days=after_days),
    )
    if manager_id is not None:
        deals = deals.filter(manager_id=manager_id)
    return deals.select_related("client", "manager").order_by("last_activity_at", "id")


def stuck_deals(
    *, user: User, now: dt.datetime, after_days: int, manager_id: int | None = None
) -> list[StuckDeal]:
    """``stuck_deals_query`` with each deal's days without activity."""
    return [
        StuckDeal(deal=deal, days=(now - deal.last_activity_at).days)
        for deal in stuck_deals_query(
            user=user, now=now, after_days=after_days, manager_id=manager_id
        )
    ]


@dataclass(frozen=True, kw_only=True)
class ManagerStuck:
    manager: User
    deals: int
    amount: Decimal


def stuck_per_manager(*, user: User, now: dt.datetime, after_days: int) -> list[ManagerStuck]:
    """How many of the stuck deals ``user`` may see each manager holds, and for how much,
    counted by the database; the manager with the most first."""
    rows = list(
        stuck_deals_query(user=user, now=now, after_days=after_days)
        .order_by()
        .values("manager_id")
        .annotate(deals=Count("id"), amount=Sum("amount", default=Decimal("0.00")))
    )
    managers = User.objects.in_bulk([row["manager_id"] for row in rows])
    lines = [
        ManagerStuck(manager=managers[row["manager_id"]], deals=row["deals"], amount=row["amount"])
        for row in rows
    ]
    return sorted(lines, key=lambda line: (-line.deals, str(line.manager), line.manager.pk))
