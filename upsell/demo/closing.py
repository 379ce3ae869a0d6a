"""The demo company's closing: seven months of deals from the forecast, their objections, calls,
meetings and joint visits, and one coached manager with a planted effect.

Each manager opens ``DEALS_PER_MONTH`` deals a month from its forecast's client-months (the
amount and month of the cell), from six months before today's month to today's. A deal moves
through the stages a few days apart; one that has not reached its close by today stays open. A
deal is won with its manager's own chance (``WIN_RATE`` give or take a little), lost otherwise
at the offer, the objections or the terms, for one of ``LOST_REASONS``. Most deals that pass
the objections stage log one or two objections answered from the library.

Each deal has a call when it opens and, often, a meeting or a visit before it closes. The head
of sales goes to some of the managers' meetings (joint visits), and coaches one manager for three
months starting three months before today's month: it joins that manager's meetings within the
period and writes notes. From the period's first day on, that manager's deals are won
``PLANTED_WIN_POINTS`` percentage points more often: the nightly measure must find that effect.

Pure Python without Django: it takes plain ids and gives plain records that
``upsell closing_load`` writes.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

DEALS_PER_MONTH = 60
MONTHS_BACK = 6
WIN_RATE = 0.45
SKILL_SPREAD = 0.04
PLANTED_WIN_POINTS = 15
COACHED_MONTHS = 3
JOINT_SHARE = 0.08

LOST_REASONS = (
    "Цена выше, чем у конкурента",
    "Нет бюджета",
    "Выбрали другого поставщика",
    "Не устроили сроки поставки",
    "Отложили закупку",
)
# The answers library: category, answer.
ANSWERS = (
    ("price", "Покажите расчёт полной стоимости владения: доставка и отсрочка уже в цене."),
    ("price", "Предложите объёмную скидку при заказе на квартал вперёд."),
    ("competitor", "Сравните условия построчно: сроки, гарантия, возвраты."),
    ("payment_terms", "Предложите кредитную линию с отсрочкой платежа."),
    ("delivery", "Зафиксируйте гарантированный запас на нашем складе."),
    ("quality", "Пришлите сертификаты и отзывы клиентов той же отрасли."),
    ("no_budget", "Разбейте поставку на два месяца, чтобы уложиться в бюджет."),
)
CLIENT_WORDS = {
    "price": "У вас дороже, чем у других поставщиков.",
    "competitor": "Конкурент предлагает лучшие условия.",
    "payment_terms": "Нам нужна отсрочка платежа.",
    "delivery": "Вы не успеете привезти к нужной дате.",
    "quality": "В прошлый раз были претензии к качеству.",
    "no_budget": "В этом месяце нет бюджета на закупку.",
}
GOALS = (
    "Презентовать предложение и выяснить потребность",
    "Согласовать условия поставки",
    "Обсудить возражения по цене",
)
NOTES = (
    "Хорошо выясняет потребность, но рано переходит к цене.",
    "Возражение по цене отработал расчётом полной стоимости — клиент согласился.",
    "Договорились: на каждой встрече фиксировать следующий шаг с датой.",
)


@dataclass(frozen=True)
class ClientMonth:
    """A forecast cell a deal may come from."""

    cell_id: int
    client_id: int
    manager_id: int
    month: dt.date
    amount: Decimal


@dataclass
class PlannedActivity:
    kind: str
    state: str
    starts_at: dt.datetime
    minutes: int
    goal: str
    outcome: str
    joint: bool = False
    coached: bool = False


@dataclass
class PlannedDeal:
    source: ClientMonth
    opened: dt.datetime
    # Each stage reached with the time it was reached; the last is where the deal is.
    stages: list[tuple[str, dt.datetime]]
    lost_reason: int | None
    objections: list[tuple[str, int, str]] = field(
        default_factory=list
    )  # category, answer, outcome
    activities: list[PlannedActivity] = field(default_factory=list)

    @property
    def stage(self) -> str:
        return self.stages[-1][0]

    @property
    def closed_at(self) -> dt.datetime | None:
        return self.stages[-1][1] if self.stage in ("won", "lost") else None


@dataclass(frozen=True)
class PlannedCoaching:
    manager_id: int
    starts_on: dt.date
    ends_on: dt.date
    goals: str
    notes: tuple[tuple[dt.datetime, str], ...]


@dataclass(frozen=True)
class ClosingPlan:
    deals: list[PlannedDeal]
    coaching: PlannedCoaching
    truth: dict[str, object]


def _month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _at(day: dt.date, hour: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def _deal_plan(
    *,
    source: ClientMonth,
    chance: float,
    rng: np.random.Generator,
    today: dt.date,
    tz: dt.tzinfo,
) -> PlannedDeal:
    day = source.month + dt.timedelta(days=int(rng.integers(0, 14)))
    opened = _at(day, 10, tz)
    won = bool(rng.random() < chance)
    path = ["preparation", "offer"]
    if rng.random() < 0.6:
        path.append("objections")
    last_open = [*path, "terms_agreed", "order"]
    if won:
        path = [*last_open, "won"]
    else:
        stop = int(rng.integers(2, len(last_open) - 1))
        path = [*last_open[:stop], "lost"]
    stages: list[tuple[str, dt.datetime]] = []
    moment = opened
    for stage in path:
        stages.append((stage, moment))
        moment += dt.timedelta(days=int(rng.integers(2, 6)))
    # What has not happened by today has not happened: the deal stays open where it is.
    cutoff = _at(today, 0, tz)
    stages = [(stage, at) for stage, at in stages if at < cutoff] or [("preparation", opened)]
    deal = PlannedDeal(
        source=source,
        opened=opened,
        stages=stages,
        lost_reason=int(rng.integers(0, len(LOST_REASONS))) if stages[-1][0] == "lost" else None,
    )
    reached = {stage for stage, _ in stages}
    if "objections" in reached:
        for _ in range(int(rng.integers(1, 3))):
            answer = int(rng.integers(0, len(ANSWERS)))
            outcome = "overcome" if won or rng.random() < 0.3 else "not_overcome"
            if deal.stage == "objections":
                outcome = "open"
            deal.objections.append((ANSWERS[answer][0], answer, outcome))
    deal.activities.append(
        PlannedActivity(
            kind="call",
            state="held",
            starts_at=opened + dt.timedelta(hours=1),
            minutes=20,
            goal=GOALS[0],
            outcome="Клиент ждёт предложение",
        )
    )
    if rng.random() < 0.6:
        meeting_at = _at(opened.date() + dt.timedelta(days=int(rng.integers(2, 8))), 14, tz)
        held = meeting_at < cutoff
        deal.activities.append(
            PlannedActivity(
                kind="meeting" if rng.random() < 0.6 else "visit",
                state="held" if held else "planned",
                starts_at=meeting_at,
                minutes=60,
                goal=GOALS[int(rng.integers(1, len(GOALS)))],
                outcome="Договорились о следующем шаге" if held else "",
                joint=bool(rng.random() < JOINT_SHARE),
            )
        )
    return deal


def closing_build(
    *,
    managers: Sequence[int],
    cells: Sequence[ClientMonth],
    today: dt.date,
    tz: dt.tzinfo,
    seed: int,
) -> ClosingPlan:
    """Seven months of deals for ``managers`` from their forecast ``cells``, and the coaching
    of one of them; the same arguments always give the same plan."""
    rng = np.random.default_rng([seed, 11])
    this_month = today.replace(day=1)
    first = _month_add(this_month, -MONTHS_BACK)
    ordered = sorted(managers)
    coached = ordered[int(rng.integers(0, len(ordered)))]
    starts_on = _month_add(this_month, -3)
    ends_on = _month_add(starts_on, COACHED_MONTHS) - dt.timedelta(days=1)
    skill = {manager: float(rng.normal(0, SKILL_SPREAD)) for manager in ordered}
    by_manager_month: dict[tuple[int, dt.date], list[ClientMonth]] = {}
    for cell in sorted(cells, key=lambda cell: cell.cell_id):
        if cell.manager_id in skill and first <= cell.month <= this_month:
            by_manager_month.setdefault((cell.manager_id, cell.month), []).append(cell)
    deals = []
    for manager in ordered:
        month = first
        while month <= this_month:
            pool = by_manager_month.get((manager, month), [])
            if pool:
                picked = rng.choice(len(pool), size=min(DEALS_PER_MONTH, len(pool)), replace=False)
                for index in sorted(picked.tolist()):
                    source = pool[index]
                    deal = _deal_plan(
                        source=source, chance=WIN_RATE + skill[manager], rng=rng, today=today,
                        tz=tz,
                    )  # fmt: skip
                    closed = deal.closed_at
                    # The planted effect: from the start the coached manager wins some of the
                    # deals it would have lost, PLANTED_WIN_POINTS more in a hundred.
                    converted = PLANTED_WIN_POINTS / 100 / (1 - WIN_RATE - skill[manager])
                    if (
                        manager == coached
                        and closed is not None
                        and closed.date() >= starts_on
                        and deal.stage == "lost"
                        and rng.random() < converted
                    ):
                        deal = _won_instead(deal)
                    for activity in deal.activities:
                        inside = starts_on <= activity.starts_at.date() <= ends_on
                        if manager == coached and activity.kind != "call" and inside:
                            activity.joint = activity.coached = True
                    deals.append(deal)
            month = _month_add(month, 1)
    notes = tuple(
        (_at(starts_on + dt.timedelta(days=10 + 14 * number), 18, tz), text)
        for number, text in enumerate(NOTES)
    )
    coaching = PlannedCoaching(
        manager_id=coached,
        starts_on=starts_on,
        ends_on=ends_on,
        goals="Поднять долю выигранных сделок: отрабатывать возражения по цене и фиксировать "
        "следующий шаг на каждой встрече.",
        notes=notes,
    )
    truth = {
        "coached_manager_id": coached,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "months": COACHED_MONTHS,
        "planted_win_rate_points": PLANTED_WIN_POINTS,
        "deals": len(deals),
    }
    return ClosingPlan(deals=deals, coaching=coaching, truth=truth)


def _won_instead(deal: PlannedDeal) -> PlannedDeal:
    """The lost deal as it went with the coach: through the terms and the order to won, on
    the same closing day."""
    closed = deal.stages[-1][1]
    kept = [(stage, at) for stage, at in deal.stages[:-1]]
    reached = {stage for stage, _ in kept}
    for stage in ("terms_agreed", "order"):
        if stage not in reached:
            kept.append((stage, closed - dt.timedelta(days=1)))
    kept.append(("won", closed))
    objections = [(category, answer, "overcome") for category, answer, _ in deal.objections]
    return PlannedDeal(
        source=deal.source,
        opened=deal.opened,
        stages=kept,
        lost_reason=None,
        objections=objections,
        activities=deal.activities,
    )
