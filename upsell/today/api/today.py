"""The Today list and its decisions over the REST API: the same funnel, the same ranking and the
same one service as the page (``upsell.today.services``)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, UserRef, error_responses, text
from upsell.clients.access import get_client_for_user
from upsell.clients.schemas import ClientRef
from upsell.deals.models import ActivityKind
from upsell.today.access import require_decide, require_today, today_manager_for_user
from upsell.today.models import ActionDecision, ActionKind, Decision
from upsell.today.selectors import today_list
from upsell.today.services import action_decide

router = Router(tags=["today"])


class ActionOut(Schema):
    kind: ActionKind
    key: str = Field(description="the action while its situation lasts: kind, object, period")
    client: ClientRef
    manager: UserRef | None = Field(description="who serves the client")
    title: str
    reason: str = Field(description="why, in words, with the figures")
    stake: Decimal = Field(description="the revenue at stake")
    weight: Decimal = Field(description="the weight of the action's kind")
    score: Decimal = Field(description="stake × weight: the list's order")


class KindCount(Schema):
    kind: ActionKind
    count: int


class TodayOut(Schema):
    items: list[ActionOut] = Field(description="the best actions first, at most 30")
    counts: list[KindCount] = Field(description="every open action's count per kind")
    total: int = Field(description="open actions of the kind asked for")


class TodayQuery(Schema):
    manager: ObjectId | None = Field(
        None, description="this manager's list (the head of sales, top management)"
    )
    kind: ActionKind | None = None


class DecisionIn(Schema):
    client_id: ObjectId
    key: Annotated[str, text(120)]
    decision: Decision
    note: Annotated[str, text(5000)] = Field(
        description="what was done and how it went (done), why (dismissed; may be empty when "
        "postponed)"
    )
    activity_kind: ActivityKind = Field(
        ActivityKind.CALL, description="what was done is kept as this activity (done)"
    )
    until: dt.date | None = Field(None, description="the day it comes back (postponed)")


class DecisionOut(Schema):
    id: int
    key: str
    kind: ActionKind
    client_id: int
    decision: Decision
    text: str
    until: dt.date | None
    activity_id: int | None
    decided_at: dt.datetime


@router.get("/", response={200: TodayOut, **error_responses(401, 404, 422)})
def get_today(request: HttpRequest, filters: Query[TodayQuery]) -> dict[str, Any]:
    """The caller's actions for today, ranked as on the page: a manager its own, the head of
    sales and top management the team's or one manager's."""
    user = authenticated_user(request)
    manager = today_manager_for_user(user, filters.manager)
    listed = today_list(
        user=user, manager=manager, today=timezone.localdate(), now=timezone.now(),
        kind=filters.kind,
    )  # fmt: skip
    return {
        "items": [
            {
                "kind": action.kind,
                "key": action.key,
                "client": action.client,
                "manager": action.manager,
                "title": action.title,
                "reason": action.reason,
                "stake": action.stake,
                "weight": action.weight,
                "score": action.score,
            }
            for action in listed.actions
        ],
        "counts": [{"kind": kind, "count": count} for kind, count in listed.counts.items()],
        "total": listed.total,
    }


@router.post("/decisions", response={201: DecisionOut, **error_responses(400, 401, 403, 404, 422)})
def decide_action(request: HttpRequest, payload: DecisionIn) -> Status[ActionDecision]:
    """Done (kept as the client's activity), postponed to a day, or dismissed with a reason."""
    user = authenticated_user(request)
    require_today(user)
    client = get_client_for_user(user, payload.client_id)
    require_decide(user)
    decided = action_decide(
        user=user,
        client=client,
        key=payload.key,
        decision=payload.decision,
        note=payload.note,
        until=payload.until,
        activity_kind=payload.activity_kind,
        today=timezone.localdate(),
        now=timezone.now(),
    )
    return Status(201, decided)
