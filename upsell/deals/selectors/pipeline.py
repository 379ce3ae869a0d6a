"""The closing figures a review reads at a glance: the open pipeline by stage, and the deals
won and lost since a day with the reasons most often lost for. The database groups and sums;
nothing here walks the deals."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from upsell.accounts.models import User
from upsell.deals.access import deals_visible_to
from upsell.deals.models import OPEN_STAGES, DealStage
from upsell.deals.selectors.deals import closed_since_q

ZERO = Decimal("0.00")
# The reasons a deal was lost that a review names, the most frequent first.
LOST_REASONS_SHOWN = 3


@dataclass(frozen=True, kw_only=True)
class StageTotal:
    stage: str
    label: str
    deals: int
    amount: Decimal


def pipeline_by_stage(*, user: User) -> list[StageTotal]:
    """The open deals ``user`` may see, counted and summed per stage, every open stage in the
    board's order (a stage without deals at zero)."""
    rows = {
        row["stage"]: row
        for row in deals_visible_to(user)
        .filter(stage__in=OPEN_STAGES)
        .order_by()
        .values("stage")
        .annotate(deals=Count("id"), amount=Sum("amount", default=ZERO))
    }
    return [
        StageTotal(
            stage=stage.value,
            label=str(stage.label),
            deals=rows[stage.value]["deals"] if stage.value in rows else 0,
            amount=rows[stage.value]["amount"] if stage.value in rows else ZERO,
        )
        for stage in OPEN_STAGES
    ]


@dataclass(frozen=True, kw_only=True)
class LostReasonTotal:
    reason_id: int
    name: str
    deals: int
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class ClosedSince:
    """The deals closed from ``since`` on: how many were won and lost, for how much, and the
    reasons most often given for the lost ones."""

    since: dt.date
    won: int
    won_amount: Decimal
    lost: int
    lost_amount: Decimal
    lost_reasons: list[LostReasonTotal]


def deals_closed_since(*, user: User, since: dt.date) -> ClosedSince:
    """The deals ``user`` may see that were won or lost from the start of ``since`` on."""
    closed = deals_visible_to(user).filter(closed_since_q(since))
    won, lost = Q(stage=DealStage.WON), Q(stage=DealStage.LOST)
    totals = closed.aggregate(
        won=Count("id", filter=won),
        won_amount=Sum("amount", filter=won, default=ZERO),
        lost=Count("id", filter=lost),
        lost_amount=Sum("amount", filter=lost, default=ZERO),
    )
    reasons = (
        closed.filter(lost)
        .order_by()
        .values("lost_reason_id", "lost_reason__name")
        .annotate(deals=Count("id"), amount=Sum("amount", default=ZERO))
        .order_by("-deals", "-amount", "lost_reason__name")[:LOST_REASONS_SHOWN]
    )
    return ClosedSince(
        since=since,
        won=totals["won"],
        won_amount=totals["won_amount"],
        lost=totals["lost"],
        lost_amount=totals["lost_amount"],
        lost_reasons=[
            LostReasonTotal(
                reason_id=row["lost_reason_id"],
                name=row["lost_reason__name"],
                deals=row["deals"],
                amount=row["amount"],
            )
            for row in reasons
        ],
    )
