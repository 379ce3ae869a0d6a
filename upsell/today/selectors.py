"""The Today list: every source's actions, less those decided, weighed and ranked.

An action is hidden while a decision on its key holds: done or dismissed for good (its key
changes when the situation is new, next period), postponed until its day comes.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from upsell.accounts.models import User
from upsell.today.actions import Action, action_score
from upsell.today.models import ActionDecision, ActionKind, Decision, TodaySettings
from upsell.today.sources import SOURCES, scope_of

# The list shows this many actions, the best first.
SHOWN = 30
DEFAULT_WEIGHT = Decimal(1)


def today_settings_latest() -> TodaySettings | None:
    return TodaySettings.objects.select_related("changed_by").first()


def weights_current() -> dict[ActionKind, Decimal]:
    """Each kind's weight in force: the head of sales' latest, 1 for a kind never set."""
    latest = today_settings_latest()
    stored = {} if latest is None else latest.weights
    return {
        kind: Decimal(str(stored[kind.value])) if kind.value in stored else DEFAULT_WEIGHT
        for kind in ActionKind
    }


def hidden_keys(*, keys: list[str], today: dt.date) -> set[str]:
    """The keys among ``keys`` that a decision keeps off the list on ``today``."""
    return set(
        ActionDecision.objects.filter(key__in=keys)
        .filter(
            Q(decision__in=[Decision.DONE, Decision.DISMISSED])
            | Q(decision=Decision.POSTPONED, until__gt=today)
        )
        .values_list("key", flat=True)
    )


def _ranked(
    *, user: User, manager: User | None, today: dt.date, now: dt.datetime
) -> tuple[list[Action], dict[ActionKind, Decimal]]:
    """Every undecided action, best first, as its sources made it (unweighed), and the weights
    it is ranked by."""
    scope = scope_of(user=user, manager=manager, today=today, now=now)
    candidates = [action for source in SOURCES for action in source(scope)]
    hidden = hidden_keys(keys=[action.key for action in candidates], today=today)
    weights = weights_current()
    order = {kind: index for index, kind in enumerate(ActionKind)}

    def rank(action: Action) -> tuple[Decimal, int, str, int, str]:
        score = action_score(stake=action.stake, weight=weights[action.kind])
        return (-score, order[action.kind], action.client.name, action.client.pk, action.key)

    return sorted((a for a in candidates if a.key not in hidden), key=rank), weights


def _weighed(actions: list[Action], weights: dict[ActionKind, Decimal]) -> list[Action]:
    return [replace(action, weight=weights[action.kind]) for action in actions]


def actions_open(
    *, user: User, manager: User | None, today: dt.date, now: dt.datetime
) -> list[Action]:
    """Every undecided action of ``manager``'s clients (the team's when None) as ``user`` may
    see them, weighed, best first: by score, then by kind, client and key."""
    return _weighed(*_ranked(user=user, manager=manager, today=today, now=now))


@dataclass(frozen=True, kw_only=True)
class TodayList:
    actions: list[Action]
    # Every open action's count per kind, before the kind filter and the limit.
    counts: dict[ActionKind, int]
    total: int
    stake: Decimal


def today_list(
    *,
    user: User,
    manager: User | None,
    today: dt.date,
    now: dt.datetime,
    kind: ActionKind | None = None,
) -> TodayList:
    """The top ``SHOWN`` actions (of ``kind`` alone, if given), with the counts per kind."""
    actions, weights = _ranked(user=user, manager=manager, today=today, now=now)
    counts = Counter(action.kind for action in actions)
    chosen = [action for action in actions if kind is None or action.kind == kind]
    # Only the shown ones carry their weight: the rest are counted, not shown.
    shown = _weighed(chosen[:SHOWN], weights)
    return TodayList(
        actions=shown,
        counts={kind_: counts[kind_] for kind_ in ActionKind if counts[kind_]},
        total=len(chosen),
        stake=sum((action.stake for action in shown), Decimal("0.00")),
    )
