"""Reads of deals: the board's columns and a deal's page."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from upsell.core.months import month_add
from upsell.deals.models import CLOSED_STAGES, OPEN_STAGES, Deal, DealStage


@dataclass(frozen=True, kw_only=True)
class BoardColumn:
    stage: str
    label: str
    deals: list[Deal]
    total: Decimal
    closed: bool
    # The deals as the board's cards, once a presenter has written them.
    cards: tuple[SafeString, ...] = ()

    @property
    def count(self) -> int:
        return len(self.deals)


def closed_since_q(since: dt.date) -> Q:
    """The deals won or lost from the start of the day ``since`` on."""
    return Q(
        stage__in=CLOSED_STAGES,
        closed_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
    )


def board_deals(
    *,
    deals: QuerySet[Deal],
    month: dt.date | None,
    closed_in: dt.date,
    closed_since: dt.date | None = None,
) -> QuerySet[Deal]:
    """The deals a board shows, in one query: the open ones (of ``month`` when given), and the
    won and lost ones: those closed from ``closed_since`` on when given, else of ``month`` when
    given, else those closed in the month ``closed_in``."""
    if closed_since is not None:
        open_deals = Q(stage__in=OPEN_STAGES) & (Q() if month is None else Q(month=month))
        shown = open_deals | closed_since_q(closed_since)
    elif month is not None:
        shown = Q(month=month)
    else:
        closed_from = timezone.make_aware(dt.datetime.combine(closed_in, dt.time.min))
        closed_to = timezone.make_aware(dt.datetime.combine(month_add(closed_in, 1), dt.time.min))
        shown = Q(stage__in=OPEN_STAGES) | Q(
            stage__in=CLOSED_STAGES, closed_at__gte=closed_from, closed_at__lt=closed_to
        )
    return (
        deals.filter(shown)
        .select_related("client", "manager", "lost_reason")
        .order_by("month", "-amount", "pk")
    )


def board_columns(
    deals: QuerySet[Deal] | list[Deal], *, stages: tuple[str, ...] | None = None
) -> list[BoardColumn]:
    """The deals by stage, in the board's order (``stages`` alone when given)."""
    by_stage: dict[str, list[Deal]] = {stage: [] for stage in DealStage.values}
    for deal in deals:
        by_stage[deal.stage].append(deal)
    return [
        BoardColumn(
            stage=stage.value,
            label=str(stage.label),
            deals=by_stage[stage.value],
            total=sum((deal.amount for deal in by_stage[stage.value]), Decimal(0)),
            closed=stage in CLOSED_STAGES,
        )
        for stage in DealStage
        if stages is None or stage.value in stages
    ]


def days_without_activity(deal: Deal, *, now: dt.datetime) -> int:
    return max(0, (now - deal.last_activity_at).days)
