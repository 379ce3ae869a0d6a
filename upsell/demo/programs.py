"""The demo company's sales programs: one of every kind, who is in each, and one planted effect.

Top management runs a retro-bonus for the current quarter, a year-long cumulative discount, a
volume discount, an advance-payment discount, a credit line, a client-return offer and a
guaranteed-stock program; most started six months ago or earlier, so that their months can be
measured against the months before. Tiers and limits are sized to the members' own orders.
The head of sales drew a control group for each program: eligible clients held out of it.

One program has a known effect: the cumulative discount that started six months before today.
Up to 2 × ``PLANTED_SIDE`` clients of the steadiest regular behaviours are drawn and split half
and half into its members and its control group; every order a member places from the program's
first day is ``PLANTED_UPLIFT`` larger than it would have been. No other program changes anyone's
orders, so measuring the planted program against its control group must find that uplift.

The guaranteed-stock program keeps two or three products for each member: the ones it bought
most of since the program started, each kept at about what it takes a month. Two members in
three keep about what they take; the rest keep more than they take, as a member that
overestimated its needs does.
"""

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from upsell.demo.behaviours import Behaviour, code_of
from upsell.demo.calendar import Calendar
from upsell.demo.lines import Lines
from upsell.demo.plan import OrderPlan
from upsell.demo.roster import Roster

PLANTED_UPLIFT = 0.15
PLANTED_SIDE = 150
# The members and controls of each other program, at most.
PROGRAM_SIZE = 60
# The share of another program's drawn clients that join it; the rest are its control group.
MEMBER_SHARE = 2 / 3
MEMBER, CONTROL = "участник", "контроль"
MEMBERSHIPS_HEADER = (
    "Программа", "ИНН", "Контрагент", "Группа", "Дата вступления", "Артикул",
    "Количество в месяц",
)  # fmt: skip
# How many products a guaranteed-stock member keeps, from and to.
STOCK_PRODUCTS = (2, 3)
# What is kept a month over what the member takes: about as much, or more than it takes.
STOCK_ABOUT, STOCK_MORE = (0.95, 1.1), (1.3, 1.8)
STOCK_MORE_SHARE = 1 / 3
DAYS_A_MONTH = 365.25 / 12

# The steadiest regular clients: neither their growth nor their decline is a rule of the demo
# that a planted uplift could break.
PLANTED_POOL = (Behaviour.STEADY, Behaviour.SEASONAL, Behaviour.BUDGETING)


@dataclass(frozen=True)
class Tier:
    threshold: int  # roubles
    rate: str  # percent, "2.50"


@dataclass(frozen=True)
class DemoProgram:
    name: str
    kind: str
    description: str
    start: date
    end: date  # the period's last day
    statuses: tuple[str, ...]
    members: NDArray[np.int64]  # roster indices
    controls: NDArray[np.int64]
    tiers: tuple[Tier, ...] = ()
    credit_limit: int | None = None  # roubles
    payment_delay_days: int | None = None

    def terms(self) -> dict[str, object]:
        """As programs.json writes it: the program's terms, field by field."""
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            "tiers": [
                {"threshold": f"{tier.threshold}.00", "rate": tier.rate} for tier in self.tiers
            ],
            "eligible_statuses": list(self.statuses),
            "credit_limit": None if self.credit_limit is None else f"{self.credit_limit}.00",
            "payment_delay_days": self.payment_delay_days,
        }


@dataclass(frozen=True)
class Programs:
    programs: tuple[DemoProgram, ...]
    planted: DemoProgram
    # Per roster client: what its orders from ``planted_from`` on are multiplied by.
    uplift: NDArray[np.float64]
    planted_from: int  # days before today of the planted program's first day
    stock: DemoProgram
    # Per member of ``stock``: how many products it keeps, and what is kept over what it takes.
    stock_products: NDArray[np.int64]
    stock_headroom: NDArray[np.float64]


def _month_start(day: date, months: int = 0) -> date:
    """The first day of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day(start: date, months: int) -> date:
    return _month_start(start, months) - timedelta(days=1)


def _rounded(amount: float, step: int = 10_000) -> int:
    return max(step, round(amount / step) * step)


def _tiers(
    amounts: NDArray[np.float64], quantiles: Sequence[float], rates: Sequence[str]
) -> tuple[Tier, ...]:
    """Thresholds at the ``quantiles`` of ``amounts``, in round sums, each above the one before."""
    thresholds: list[int] = []
    for quantile in quantiles:
        threshold = _rounded(float(np.quantile(amounts, quantile))) if amounts.size else 10_000
        thresholds.append(max(threshold, thresholds[-1] + 10_000) if thresholds else threshold)
    return tuple(Tier(threshold=t, rate=rate) for t, rate in zip(thresholds, rates, strict=True))


def _split(drawn: NDArray[np.int64], members: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    return np.sort(drawn[:members]), np.sort(drawn[members:])


def programs_build(*, roster: Roster, today: date, rng: np.random.Generator) -> Programs:
    """The programs, their members and control groups, and the planted uplift."""
    behaviour = roster.behaviour

    def pool(*behaviours: Behaviour) -> NDArray[np.int64]:
        return np.flatnonzero(np.isin(behaviour, [code_of(item) for item in behaviours]))

    planted_pool = rng.permutation(pool(*PLANTED_POOL))
    side = min(PLANTED_SIDE, planted_pool.size // 2)
    planted_members, planted_controls = _split(planted_pool[: 2 * side], side)
    rest = planted_pool[2 * side :]
    used = set(planted_pool[: 2 * side].tolist())

    def drawn(candidates: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Up to PROGRAM_SIZE of the candidates not in the planted program, split by lot."""
        free = np.array([c for c in candidates.tolist() if c not in used], dtype=np.int64)
        chosen = rng.permutation(free)[:PROGRAM_SIZE]
        members = max(1, round(chosen.size * MEMBER_SHARE)) if chosen.size else 0
        return _split(chosen, members)

    # A regular client orders about once a month: a year's purchases are a dozen orders.
    yearly = roster.order_value * 12
    start = _month_start(today, -6)
    planted = DemoProgram(
        name="Накопительная скидка постоянным клиентам",
        kind="cumulative_discount",
        description="Чем больше закупки с начала программы, тем выше скидка на следующие заказы.",
        start=start,
        end=_last_day(start, 12),
        statuses=("regular",),
        tiers=_tiers(yearly[planted_members], (0.25, 0.5, 0.75), ("1.00", "2.00", "3.00")),
        members=planted_members,
        controls=planted_controls,
    )
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    members, controls = drawn(np.concatenate([pool(Behaviour.GROWING, Behaviour.VIP), rest]))
    retro_bonus = DemoProgram(
        name=f"Ретро-бонус {(today.month - 1) // 3 + 1} квартала {today.year}",
        kind="retro_bonus",
        description="Бонус с закупок квартала по его итогам.",
        start=quarter,
        end=_last_day(quarter, 3),
        statuses=("regular", "vip"),
        tiers=_tiers(yearly[members] / 4, (0.5, 0.75, 0.9), ("1.00", "2.00", "3.00")),
        members=members,
        controls=controls,
    )
    members, controls = drawn(np.concatenate([pool(Behaviour.PARTNER), rest]))
    start = _month_start(today, -9)
    volume = DemoProgram(
        name="Скидка за объём заказа",
        kind="volume_discount",
        description="Скидка на заказ от суммы заказа.",
        start=start,
        end=_last_day(start, 12),
        statuses=("regular", "partner"),
        tiers=_tiers(roster.order_value[members], (0.5, 0.9), ("2.00", "4.00")),
        members=members,
        controls=controls,
    )
    members, controls = drawn(pool(Behaviour.STAGNATING))
    start = _month_start(today, -8)
    advance = DemoProgram(
        name="Скидка за предоплату",
        kind="advance_discount",
        description="Скидка на заказ, оплаченный до отгрузки.",
        start=start,
        end=_last_day(start, 12),
        statuses=("regular",),
        tiers=(Tier(threshold=0, rate="2.00"),),
        members=members,
        controls=controls,
    )
    members, controls = drawn(pool(Behaviour.BUDGETING, Behaviour.VIP))
    start = _month_start(today, -12)
    credit = DemoProgram(
        name="Кредитная линия",
        kind="credit_line",
        description="Отгрузка в пределах лимита с отсрочкой платежа.",
        start=start,
        end=_last_day(start, 24),
        # The smallest VIPs fall below the 80 % line of revenue and are only regular.
        statuses=("regular", "vip"),
        credit_limit=_rounded(float(np.median(roster.order_value[members])) * 3)
        if members.size
        else 100_000,
        payment_delay_days=30,
        members=members,
        controls=controls,
    )
    members, controls = drawn(pool(Behaviour.LOST))
    start = _month_start(today, -6)
    client_return = DemoProgram(
        name="Возвращение клиентов",
        kind="client_return",
        description="Особые условия клиентам, которые перестали заказывать.",
        start=start,
        end=_last_day(start, 12),
        statuses=("lapsing", "lost"),
        members=members,
        controls=controls,
    )
    members, controls = drawn(pool(Behaviour.VIP, Behaviour.PARTNER))
    start = _month_start(today, -7)
    stock = DemoProgram(
        name="Гарантированный запас",
        kind="guaranteed_stock",
        description="Склад держит для клиента товар под его ежемесячный заказ.",
        start=start,
        end=_last_day(start, 12),
        # The smallest VIPs fall below the 80 % line of revenue and are only regular.
        statuses=("regular", "vip", "partner"),
        members=members,
        controls=controls,
    )
    uplift = np.ones(len(roster))
    uplift[planted_members] = 1 + PLANTED_UPLIFT
    more = rng.random(members.size) < STOCK_MORE_SHARE
    headroom = np.where(
        more, rng.uniform(*STOCK_MORE, members.size), rng.uniform(*STOCK_ABOUT, members.size)
    )
    return Programs(
        programs=(planted, retro_bonus, volume, advance, credit, client_return, stock),
        planted=planted,
        uplift=uplift,
        planted_from=(today - planted.start).days,
        stock=stock,
        stock_products=rng.integers(STOCK_PRODUCTS[0], STOCK_PRODUCTS[1] + 1, members.size),
        stock_headroom=headroom,
    )


class PlantedLedger:
    """What the planted uplift added to each member's shipments, per month, in kopecks.

    A raised document holds its amount without the program times ``1 + PLANTED_UPLIFT``; what
    the program added is the rest, counted net of the part of the document returned.
    """

    def __init__(self, *, programs: Programs, calendar: Calendar) -> None:
        self.programs = programs
        self.calendar = calendar
        self.added: dict[tuple[int, int], int] = {}

    def add(self, *, plan: OrderPlan, lines: Lines) -> None:
        raised = np.flatnonzero(
            (self.programs.uplift[plan.client] != 1.0) & (plan.day <= self.programs.planted_from)
        )
        net = (lines.total - lines.returned_total)[raised]
        added = np.rint(net * PLANTED_UPLIFT / (1 + PLANTED_UPLIFT)).astype(np.int64)
        day = plan.day[raised]
        months = self.calendar.year[day] * 12 + self.calendar.month[day] - 1
        for client, month, kopecks in zip(
            plan.client[raised].tolist(), months.tolist(), added.tolist(), strict=True
        ):
            self.added[client, month] = self.added.get((client, month), 0) + kopecks


class StockLedger:
    """What each guaranteed-stock member took of each product since the program started, in
    thousandths of the unit, net of what came back."""

    def __init__(self, *, programs: Programs, today: date) -> None:
        self.members = np.zeros(len(programs.uplift), dtype=bool)
        self.members[programs.stock.members] = True
        self.since = (today - programs.stock.start).days
        self.taken: dict[tuple[int, int], int] = {}

    def add(self, *, plan: OrderPlan, lines: Lines) -> None:
        document = lines.document
        kept = self.members[plan.client[document]] & (plan.day[document] <= self.since)
        self._count(plan.client[document][kept], lines.product[kept], lines.quantity[kept])
        returned = plan.returned[lines.return_index]
        back = self.members[plan.client[returned]] & (
            plan.return_day[lines.return_index] <= self.since
        )
        self._count(
            plan.client[returned][back], lines.return_product[back], -lines.return_quantity[back]
        )

    def _count(
        self, clients: NDArray[np.int64], products: NDArray[np.int64], quantities: NDArray[np.int64]
    ) -> None:
        for client, product, quantity in zip(
            clients.tolist(), products.tolist(), quantities.tolist(), strict=True
        ):
            self.taken[client, product] = self.taken.get((client, product), 0) + quantity

    def kept(self, *, programs: Programs) -> dict[int, list[tuple[int, int]]]:
        """Per member: the products kept for it, most taken first, each with the whole units
        kept a month."""
        months = max(self.since / DAYS_A_MONTH, 1.0)
        by_member: dict[int, list[tuple[int, int]]] = {}
        for (client, product), quantity in sorted(self.taken.items()):
            if quantity > 0:
                by_member.setdefault(client, []).append((product, quantity))
        kept: dict[int, list[tuple[int, int]]] = {}
        for client, count, headroom in zip(
            programs.stock.members.tolist(),
            programs.stock_products.tolist(),
            programs.stock_headroom.tolist(),
            strict=True,
        ):
            most = sorted(by_member.get(client, []), key=lambda item: (-item[1], item[0]))[:count]
            kept[client] = [
                (product, max(1, round(quantity / 1000 / months * headroom)))
                for product, quantity in most
            ]
        return kept


def _month_key(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def _roubles(kopecks: int | float) -> str:
    return f"{kopecks / 100:.2f}"


def programs_write(
    *,
    programs: Programs,
    ledger: PlantedLedger,
    stock: StockLedger,
    skus: Sequence[str],
    today: date,
    tax_ids: dict[int, str],
    names: dict[int, str],
    programs_path: Path,
    memberships_path: Path,
    truth_path: Path,
) -> int:
    """Write programs.json, memberships.csv and programs_truth.json; the memberships written.

    ``tax_ids`` and ``names`` spell every client a program holds, by roster index; ``skus``
    every product, by catalogue index. A guaranteed-stock member is on a row per product kept.
    """
    terms = [program.terms() for program in programs.programs]
    programs_path.write_text(json.dumps(terms, ensure_ascii=False, indent=2) + "\n", "utf-8")
    written = 0
    kept = stock.kept(programs=programs)
    with memberships_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(MEMBERSHIPS_HEADER)
        for program in programs.programs:
            for group, clients in ((MEMBER, program.members), (CONTROL, program.controls)):
                for client in clients.tolist():
                    member = (
                        program.name,
                        tax_ids[client],
                        names[client],
                        group,
                        f"{program.start:%d.%m.%Y}",
                    )
                    products = kept.get(client, []) if program is programs.stock else []
                    stock_cells = [(skus[product], str(quantity)) for product, quantity in products]
                    for sku, quantity in stock_cells or [("", "")]:
                        writer.writerow((*member, sku, quantity))
                    written += 1

    planted = programs.planted
    first = planted.start.year * 12 + planted.start.month - 1
    # The months a measure as of today takes: from the first to the last complete one.
    measured = range(first, today.year * 12 + today.month - 1)
    members = planted.members.tolist()
    added: dict[int, dict[int, int]] = {client: {} for client in members}
    for (client, month), kopecks in sorted(ledger.added.items()):
        added[client][month] = kopecks
    in_measured = sum(
        kopecks
        for months in added.values()
        for month, kopecks in months.items()
        if month in measured
    )
    per_member_month = in_measured / (len(members) * len(measured)) if members and measured else 0
    truth = {
        "program": planted.name,
        "uplift": PLANTED_UPLIFT,
        "members": len(members),
        "controls": int(planted.controls.size),
        "months": [_month_key(month) for month in measured],
        # What the program added per member and month over those months, on average.
        "uplift_per_member_month": _roubles(per_member_month),
        "added": {
            tax_ids[client]: {
                _month_key(month): _roubles(kopecks) for month, kopecks in months.items()
            }
            for client, months in added.items()
        },
    }
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return written
