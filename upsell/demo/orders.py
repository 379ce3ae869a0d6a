"""The demo company's open customer orders: the requests of the last week, one row per line.

A mix that shows every way a request is routed: simple orders of one-time and irregular clients
(their assistants take them), orders of motivated clients (their managers), and spontaneous
clients' orders that are complex by the default rules: many lines, a large amount, a discount
or a payment delay beyond the standard. Each client orders once; prices are today's price list
at the client's price category.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from upsell.demo.behaviours import Behaviour, code_of
from upsell.demo.catalogue import Catalogue
from upsell.demo.roster import Roster

# Orders of the last RECENT_DAYS days, today included.
RECENT_DAYS = 7
NUMBER_PREFIX = "ЗК"  # заказ клиента
MAX_DRAWS = 20
COMMENTS = (
    "Срочно, до конца недели",
    "Доставка на объект",
    "Самовывоз",
    "Счёт на почту бухгалтерии",
    "Согласовать замену, если нет в наличии",
)
COMMENT_CHANCE = 0.3


class OrderKind(StrEnum):
    SIMPLE = "simple"  # a spontaneous client's small order: its assistant takes it
    MOTIVATED = "motivated"  # a motivated client's order: its manager
    MANY_LINES = "many_lines"  # more lines than the default 20
    LARGE = "large"  # above the default 500 000
    DISCOUNT = "discount"  # beyond the default 5 %
    PAYMENT_DELAY = "payment_delay"  # beyond the default 30 days


@dataclass(frozen=True)
class KindPlan:
    orders: int
    behaviours: tuple[Behaviour, ...]
    lines: tuple[int, int]  # inclusive
    # The order's value: a share of the client's typical order, or roubles when ``in_roubles``.
    value: tuple[float, float]
    in_roubles: bool = False


SPONTANEOUS = (Behaviour.ONE_TIME, Behaviour.IRREGULAR)
MOTIVATED = (
    Behaviour.STEADY,
    Behaviour.SEASONAL,
    Behaviour.GROWING,
    Behaviour.BUDGETING,
    Behaviour.NEW,
    Behaviour.VIP,
    Behaviour.PARTNER,
)
PLANS = {
    OrderKind.SIMPLE: KindPlan(12, SPONTANEOUS, (1, 4), (0.3, 0.9)),
    OrderKind.MOTIVATED: KindPlan(10, MOTIVATED, (2, 8), (0.6, 1.4)),
    OrderKind.MANY_LINES: KindPlan(2, SPONTANEOUS, (22, 28), (150_000, 350_000), in_roubles=True),
    OrderKind.LARGE: KindPlan(2, SPONTANEOUS, (3, 6), (600_000, 900_000), in_roubles=True),
    OrderKind.DISCOUNT: KindPlan(2, SPONTANEOUS, (2, 4), (0.4, 0.9)),
    OrderKind.PAYMENT_DELAY: KindPlan(2, SPONTANEOUS, (2, 4), (0.4, 0.9)),
}
DISCOUNTS = (8, 10)  # percent, beyond the standard 5
PAYMENT_DELAYS = (45, 60)  # days, beyond the standard 30
MOTIVATED_DISCOUNT = 3  # percent, within the standard; some motivated clients ask for it
MOTIVATED_DISCOUNT_CHANCE = 0.3


@dataclass(frozen=True)
class OpenOrders:
    """Per order, in date order: the client, the day, the kind and what it asks beyond lines."""

    client: NDArray[np.int64]
    day: NDArray[np.int64]  # offset back from today
    kind: list[OrderKind]
    payment_delay: NDArray[np.int64]  # days; 0 when the order says nothing
    comment: list[str]
    # Per line, orders in order: which order, product, quantity (thousandths), price (kopecks),
    # discount (percent).
    order: NDArray[np.int64]
    product: NDArray[np.int64]
    quantity: NDArray[np.int64]
    price: NDArray[np.int64]
    discount: NDArray[np.int64]

    @property
    def numbers(self) -> list[str]:
        return [f"{NUMBER_PREFIX}-{index + 1:05d}" for index in range(self.client.size)]


def open_orders_build(
    *, roster: Roster, catalogue: Catalogue, prices: NDArray[np.int64], rng: np.random.Generator
) -> OpenOrders:
    """The open orders of the roster's clients, at most one per client; fewer than planned
    when a small company has too few clients of a behaviour."""
    behaviour = roster.behaviour
    taken = np.zeros(behaviour.size, dtype=bool)
    clients: list[int] = []
    kinds: list[OrderKind] = []
    for planned, plan in PLANS.items():
        codes = [code_of(item) for item in plan.behaviours]
        eligible = np.flatnonzero(np.isin(behaviour, codes) & ~taken)
        chosen = rng.choice(eligible, size=min(plan.orders, eligible.size), replace=False)
        taken[chosen] = True
        clients.extend(int(client) for client in chosen)
        kinds.extend([planned] * chosen.size)
    days = rng.integers(0, RECENT_DAYS, len(clients))
    # Oldest first; the client's number follows the date.
    order = np.lexsort((np.arange(len(clients)), -days))
    client = np.array(clients, dtype=np.int64)[order]
    day = days[order]
    kind = [kinds[index] for index in order]

    lines_of: list[NDArray[np.int64]] = []
    for index, (who, what) in enumerate(zip(client.tolist(), kind, strict=True)):
        plan = PLANS[what]
        count = int(rng.integers(plan.lines[0], plan.lines[1] + 1))
        low, high = plan.value
        value = rng.uniform(low, high) * (1.0 if plan.in_roubles else roster.order_value[who])
        lines_of.append(
            _lines(
                order=index, count=count, value_kopecks=value * 100,
                segment=int(roster.segment[who]), category=int(roster.price_category[who]),
                catalogue=catalogue, prices=prices, rng=rng,
            )
        )  # fmt: skip
    lines = np.concatenate(lines_of, axis=1) if lines_of else np.zeros((4, 0), dtype=np.int64)
    owner = lines[0]
    discount = np.zeros(owner.size, dtype=np.int64)
    payment_delay = np.zeros(client.size, dtype=np.int64)
    for index, what in enumerate(kind):
        if what == OrderKind.DISCOUNT:
            discount[owner == index] = DISCOUNTS[int(rng.integers(len(DISCOUNTS)))]
        elif what == OrderKind.PAYMENT_DELAY:
            payment_delay[index] = PAYMENT_DELAYS[int(rng.integers(len(PAYMENT_DELAYS)))]
        elif what == OrderKind.MOTIVATED:
            payment_delay[index] = roster.payment_term[client[index]]
            if rng.random() < MOTIVATED_DISCOUNT_CHANCE:
                discount[owner == index] = MOTIVATED_DISCOUNT
    comment = [
        COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < COMMENT_CHANCE else ""
        for _ in range(client.size)
    ]
    return OpenOrders(
        client=client,
        day=day,
        kind=kind,
        payment_delay=payment_delay,
        comment=comment,
        order=owner,
        product=lines[1],
        quantity=lines[2],
        price=lines[3],
        discount=discount,
    )


def _lines(
    *,
    order: int,
    count: int,
    value_kopecks: float,
    segment: int,
    category: int,
    catalogue: Catalogue,
    prices: NDArray[np.int64],
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Rows of (order, product, quantity in thousandths, price in kopecks): ``count`` distinct
    products the client's segment buys, the value shared among them by random weights.

    A product dearer than its share of the value is drawn again (a few times at most), so that
    rounding quantities to whole units keeps the order near its value.
    """
    cdf = catalogue.segment_cdf[segment]
    weight = rng.gamma(1.5, 1.0, count)
    target = value_kopecks * weight / weight.sum()
    drawn: list[int] = []
    for share in target:
        for _attempt in range(MAX_DRAWS):
            one = min(int(np.searchsorted(cdf, rng.random(), side="right")), len(catalogue) - 1)
            smallest = prices[category, 0, one] * 10.0 ** -catalogue.decimals[one]
            if one not in drawn and smallest <= share:
                break
        while one in drawn:
            one = (one + 1) % len(catalogue)
        drawn.append(one)
    product = np.array(drawn, dtype=np.int64)
    price = prices[category, 0, product]
    step = 10 ** (3 - catalogue.decimals[product])
    quantity = np.maximum(step, np.rint(target * 1000 / price / step).astype(np.int64) * step)
    return np.vstack([np.full(count, order, dtype=np.int64), product, quantity, price])
