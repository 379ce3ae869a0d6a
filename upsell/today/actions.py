"""An action of the Today list: what to do, for which client, why in words and the revenue at
stake. The sources make them; ``selectors`` weighs, ranks and hides the decided ones."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import format_money, money_round
from upsell.today.models import ActionKind


@dataclass(frozen=True, kw_only=True)
class Reason:
    """Why, in words: a translated sentence and the figures it names, put into words only when
    the action is shown (the list weighs about a thousand candidates and shows thirty).

    ``sentence`` is ``%``-formatted with ``facts`` as they are and ``money`` as amounts; a
    sentence without either is said as it stands. A fact may be another reason."""

    sentence: str
    facts: Mapping[str, "str | int | Reason"] = field(default_factory=dict)
    money: Mapping[str, Decimal] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.facts and not self.money:
            return self.sentence
        amounts = {name: format_money(value) for name, value in self.money.items()}
        return self.sentence % {**self.facts, **amounts}


def action_score(*, stake: Decimal, weight: Decimal) -> Decimal:
    """What ranks an action: the revenue at stake times its kind's weight."""
    return money_round(stake * weight)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionClient:
    """The client an action is for, as the list names it and ranks it: its name, ИНН and who
    serves it, read as figures rather than as the whole client."""

    id: int
    name: str
    tax_id: str
    manager: User | None
    plans_budget: bool = False
    # The head organisation it is a branch of.
    head_id: int | None = None

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, client: Client) -> "ActionClient":
        return cls(
            id=client.pk, name=client.name, tax_id=client.tax_id, manager=client.manager,
            plans_budget=client.plans_budget, head_id=client.head_id,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Action:
    kind: ActionKind
    # Stable while the situation lasts: the kind, the object and its period.
    key: str
    client: ActionClient
    title: str
    why: Reason
    stake: Decimal
    weight: Decimal = Decimal(1)
    # The deal the action is about (a stuck deal, a meeting on a deal): what is done on it
    # counts as the deal's activity.
    deal_id: int | None = None
    # The planned meeting the action is: done holds it rather than logging another.
    activity_id: int | None = None

    @property
    def score(self) -> Decimal:
        return action_score(stake=self.stake, weight=self.weight)

    @property
    def reason(self) -> str:
        return str(self.why)

    @property
    def manager(self) -> User | None:
        return self.client.manager

    @property
    def dom_id(self) -> str:
        return "action-" + self.key.replace(":", "-")


def action_key(kind: ActionKind, object_id: int, period: dt.date | str = "") -> str:
    """``kind:object[:period]``: a month as ``YYYY-MM``, a day as ``YYYY-MM-DD``."""
    parts = [str(kind), str(object_id)]
    if isinstance(period, dt.date):
        parts.append(period.isoformat())
    elif period:
        parts.append(period)
    return ":".join(parts)
