"""The product lines of planned documents, and of their returns.

A document's intended amount is shared among its lines (Dirichlet weights); each line's
quantity is what that share buys at the client's price of the day, rounded to the unit
(whole pieces and packs, tenths of a kilogram or metre). Amounts are integer kopecks:
Сумма = Цена × Количество, rounded half up, exactly.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from upsell.demo.calendar import Calendar
from upsell.demo.catalogue import Catalogue
from upsell.demo.plan import OrderPlan
from upsell.demo.roster import Roster

MIN_UNITS_PER_LINE = 3
MAX_REDRAWS = 12
RETURNED_LINE_CHANCE = 0.35
WHOLE_LINE_RETURN_CHANCE = 0.6
RETURN_AT_MOST = 0.25  # of the returned document's amount


@dataclass(frozen=True)
class Lines:
    # Per shipment line, documents in plan order, lines in their order within a document.
    document: NDArray[np.int64]
    product: NDArray[np.int64]
    quantity: NDArray[np.int64]  # thousandths of the unit
    price: NDArray[np.int64]  # kopecks
    amount: NDArray[np.int64]  # kopecks
    total: NDArray[np.int64]  # per document, kopecks
    # Per returned line, returns in plan order; quantities and amounts are positive here.
    return_index: NDArray[np.int64]
    return_product: NDArray[np.int64]
    return_quantity: NDArray[np.int64]
    return_price: NDArray[np.int64]
    return_amount: NDArray[np.int64]
    returned_total: NDArray[np.int64]  # per document, kopecks (0 when nothing came back)


def _amount(price: NDArray[np.int64], quantity: NDArray[np.int64]) -> NDArray[np.int64]:
    """Price × quantity (thousandths) in kopecks, rounded half up."""
    result: NDArray[np.int64] = (price * quantity + 500) // 1000
    return result


def _distinct_products(
    *,
    document: NDArray[np.int64],
    product: NDArray[np.int64],
    products: int,
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """``product`` with any product repeated within a document replaced by another one."""
    product = product.copy()
    while True:
        key = document * products + product
        order = np.argsort(key, kind="stable")
        repeated = order[1:][key[order][1:] == key[order][:-1]]
        if repeated.size == 0:
            return product
        product[repeated] = (
            product[repeated] + rng.integers(1, products, repeated.size)
        ) % products


def lines_build(
    *,
    plan: OrderPlan,
    roster: Roster,
    catalogue: Catalogue,
    calendar: Calendar,
    prices: NDArray[np.int64],
    rng: np.random.Generator,
) -> Lines:
    documents = plan.client.size
    document = np.repeat(np.arange(documents), plan.lines)
    first_line = np.cumsum(plan.lines) - plan.lines
    client = plan.client[document]

    segment = roster.segment[client]
    category = roster.price_category[client]
    quarter = calendar.quarters_back[plan.day[document]]
    weight = rng.gamma(1.5, 1.0, document.size)
    share = weight / np.add.reduceat(weight, first_line)[document]
    target = plan.value[document] * share * 100  # kopecks

    # A line buys at least a few of the product's smallest steps (pieces, tenths of a metre):
    # a product dearer than that is swapped for another, so rounding quantities keeps each
    # document close to its intended amount.
    product = np.zeros(document.size, dtype=np.int64)
    redraw = np.ones(document.size, dtype=bool)
    for _ in range(MAX_REDRAWS):
        draw = rng.random(document.size)
        for number, cdf in enumerate(catalogue.segment_cdf):
            buying = redraw & (segment == number)
            product[buying] = np.searchsorted(cdf, draw[buying], side="right")
        product = np.minimum(product, len(catalogue) - 1)
        unit_price = prices[category, quarter, product]
        redraw = target < MIN_UNITS_PER_LINE * unit_price * 10.0 ** -catalogue.decimals[product]
        if not redraw.any():
            break
    product = _distinct_products(
        document=document, product=product, products=len(catalogue), rng=rng
    )
    price = prices[category, quarter, product]
    step = 10 ** (3 - catalogue.decimals[product])
    wanted = target * 1000 / price  # thousandths of the unit
    quantity = np.maximum(step, np.rint(wanted / step).astype(np.int64) * step)
    amount = _amount(price, quantity)
    total = np.add.reduceat(amount, first_line)

    # Returns take back some lines (never all) of a document, wholly or in part.
    returns = plan.returned.size
    line_count = plan.lines[plan.returned]
    owner = np.repeat(np.arange(returns), line_count)
    owner_start = np.cumsum(line_count) - line_count
    line = first_line[plan.returned][owner] + np.arange(owner.size) - owner_start[owner]
    picked = rng.random(owner.size) < RETURNED_LINE_CHANCE
    toggled = owner_start + np.floor(rng.random(returns) * line_count).astype(np.int64)
    picked_count = np.bincount(owner, picked, minlength=returns)
    picked[toggled[picked_count == 0]] = True
    picked[toggled[picked_count == line_count]] = False
    owner, line = owner[picked], line[picked]
    step_back = step[line]
    whole = rng.random(line.size) < WHOLE_LINE_RETURN_CHANCE
    share_back = np.where(whole, 1.0, rng.uniform(0.2, 0.8, line.size))
    # A return stays a small part of its document: it never turns a client's trend around.
    wanted_back = _amount(price[line], quantity[line]) * share_back
    asked = np.bincount(owner, wanted_back, minlength=returns)
    allowed = RETURN_AT_MOST * total[plan.returned]
    share_back *= np.minimum(1.0, allowed / np.maximum(asked, 1.0))[owner]
    return_quantity = np.clip(
        np.floor(quantity[line] * share_back / step_back).astype(np.int64) * step_back,
        step_back,
        quantity[line],
    )
    return_amount = _amount(price[line], return_quantity)
    returned_total = np.zeros(documents, dtype=np.int64)
    np.add.at(returned_total, plan.returned[owner], return_amount)
    return Lines(
        document=document,
        product=product,
        quantity=quantity,
        price=price,
        amount=amount,
        total=total,
        return_index=owner,
        return_product=product[line],
        return_quantity=return_quantity,
        return_price=price[line],
        return_amount=return_amount,
        returned_total=returned_total,
    )
