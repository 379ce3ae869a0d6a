"""When each client orders, how much, and how it pays: the documents of a slice of clients.

Every behaviour is drawn so the default status rules (DESIGN.md) recognise it as of today,
with margins on every threshold:

- steady, seasonal, growing, stagnating, budgeting, VIP and partner clients order every few
  weeks (effective gaps of 0.4-1.9 × their mean interval, never 180 days), from 400 days
  back or earlier up to a last order 1-35 days ago: 4+ orders in 365 days, never lapsing
  (lapsing needs more than 45 days since the last order), never reanimated;
- growing clients buy at least 1.5 × in the last 365 days what they bought in the 365 before,
  stagnating clients at most 0.85 ×;
- VIPs together buy ``VIP_REVENUE_SHARE`` (85 %) of the last 365 days' revenue, each of them
  about as much as another (±8 %) and far more than any other client: every other client falls
  in ABC class B or C, and every VIP but the smallest few (those past the 80 % line) in A;
- irregular clients order every 125-175 days, last 5-60 days ago, from at least 560 days ago:
  2-3 orders in 365 days and some before, never a gap of 180 days, never lapsing (the last
  order is recent against twice their interval);
- one-time clients order once, 100-170 days ago (one-time, not yet lost at 180 days);
- new clients order one to three times, first 3-85 days ago;
- lost clients order every 20-60 days for a while, last 200-700 days ago;
- reanimated clients order for a while, stop for 200-380 days, and order again once or twice
  in the last 3-58 days.

Documents are computed in a vectorised way for many clients at once: each client's orders are
a renewal process drawn backwards from its last order, in the effective days of its pace.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from upsell.demo.behaviours import BEHAVIOURS, REGULAR_BEHAVIOURS, Behaviour, code_of
from upsell.demo.calendar import Calendar, Pace
from upsell.demo.roster import CHRONICALLY_LATE, OFTEN_LATE, PUNCTUAL, Roster

VIP_REVENUE_SHARE = 0.85
RETURN_SHARE = 0.02  # of all documents, returns included
YEAR = 365
PRICE_RISE = 1.075  # the average yearly rise of the price list
MAX_LINES = 12
VIP_MIN_LINES = 2
VIP_LINE_RATE = 2.5

# (low, high) per behaviour: the mean interval between orders in effective days.
MEAN_INTERVAL = {
    Behaviour.STEADY: (14, 42),
    Behaviour.SEASONAL: (18, 30),
    Behaviour.GROWING: (21, 42),
    Behaviour.STAGNATING: (21, 40),
    Behaviour.BUDGETING: (18, 40),
    Behaviour.VIP: (14, 24),
    Behaviour.PARTNER: (14, 35),
    Behaviour.IRREGULAR: (150, 150),
    Behaviour.LOST: (20, 60),
    Behaviour.REANIMATED: (20, 60),
}
# (low, high) per behaviour: how much its orders grow in volume a year.
VOLUME_TREND = {
    Behaviour.STEADY: (0.97, 1.08),
    Behaviour.SEASONAL: (0.97, 1.08),
    Behaviour.GROWING: (1.3, 1.6),
    Behaviour.STAGNATING: (0.7, 0.88),
    Behaviour.BUDGETING: (0.97, 1.1),
    Behaviour.VIP: (1.0, 1.12),
    Behaviour.PARTNER: (0.97, 1.2),
}
PACE = {
    Behaviour.SEASONAL: Pace.SEASONAL,
    Behaviour.GROWING: Pace.GROWING,
    Behaviour.STAGNATING: Pace.DECLINING,
}
GROWTH_AT_LEAST = 1.5
STAGNATION_AT_MOST = 0.85
# Regular gaps: from 0.4 to 1.9 × the mean, Beta(2, 3) in between (a mean of exactly 1).
REGULAR_GAP = (0.4, 1.9, 2.0, 3.0)
IRREGULAR_GAP = (125 / 150, 175 / 150, 1.0, 1.0)

# Per payment discipline (PUNCTUAL, OFTEN_LATE, CHRONICALLY_LATE).
LATE_CHANCE = (0.08, 0.35, 1.0)
UNPAID_CHANCE = (0.003, 0.02, 0.08)
PARTIAL_CHANCE = (0.05, 0.1, 0.15)


@dataclass(frozen=True)
class OrderPlan:
    """The documents of clients ``start``…``stop - 1``, by date, then client."""

    start: int
    stop: int
    client: NDArray[np.int64]  # per document: the client's index in the roster
    day: NDArray[np.int64]  # per document: days before today
    value: NDArray[np.float64]  # per document: the intended amount, roubles
    lines: NDArray[np.int64]  # per document: how many product lines
    # Per return, by its date: the document it partly returns and the day it comes back.
    returned: NDArray[np.int64]
    return_day: NDArray[np.int64]
    # Per payment, by date: the document it pays, its day, and the share of the document's
    # net amount it pays (NaN: the rest, after an earlier partial payment).
    payment_document: NDArray[np.int64]
    payment_day: NDArray[np.int64]
    payment_share: NDArray[np.float64]


def _between(
    rng: np.random.Generator, low: NDArray[np.int64], high: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Uniform integers in [low, high] per element (high >= low)."""
    result: NDArray[np.int64] = low + np.floor(rng.random(low.shape) * (high - low + 1)).astype(
        np.int64
    )
    return result


def _table(values: Mapping[Behaviour, tuple[float, float]], default: float) -> NDArray[np.float64]:
    """Per behaviour code: [low, high] (both ``default`` where the behaviour has none)."""
    return np.array([values.get(item, (default, default)) for item in BEHAVIOURS])


def _renewals(
    *,
    calendar: Calendar,
    owner: NDArray[np.int64],
    last: NDArray[np.int64],
    limit: NDArray[np.int64],
    interval: NDArray[np.float64],
    gap: NDArray[np.float64],
    pace: NDArray[np.int64],
    rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Orders from ``last`` back to no earlier than ``limit`` days ago, one stream per owner.

    ``gap`` holds per stream (low, high, alpha, beta): each gap is ``interval`` × a Beta
    variate scaled to [low, high], in the effective days of the stream's pace.
    """
    effective = calendar.effective
    first = effective[pace, last]
    end = effective[pace, limit]
    low, high, alpha, beta = gap.T
    slots = np.floor((end - first) / (interval * low)).astype(np.int64) + 1
    stream = np.repeat(np.arange(owner.size), slots)
    steps = interval[stream] * (
        low[stream] + (high - low)[stream] * rng.beta(alpha[stream], beta[stream])
    )
    starts = np.cumsum(slots) - slots
    steps[starts] = 0.0
    running = np.cumsum(steps)
    position = first[stream] + running - running[starts][stream]
    kept = position <= end[stream] + 1e-9
    stream, position = stream[kept], position[kept]
    day = np.empty(stream.size, dtype=np.int64)
    for member in Pace:
        on_pace = pace[stream] == member
        day[on_pace] = np.rint(calendar.offsets_of(position[on_pace], member)).astype(np.int64)
    return owner[stream], day


def orders_plan(
    *,
    roster: Roster,
    calendar: Calendar,
    start: int,
    stop: int,
    vip_revenue: float,
    uplift: NDArray[np.float64],
    uplift_from: int,
    rng: np.random.Generator,
) -> OrderPlan:
    """The documents of clients ``start``…``stop - 1``.

    ``vip_revenue`` is what a VIP of weight 1 buys over the last 365 days. Every random draw
    is made whatever its value, so the plan differs only in VIP amounts when it changes.
    ``uplift`` (per roster client) multiplies the amounts of a client's orders from
    ``uplift_from`` days before today on: a program's planted effect, drawn after everything
    else, so that its members order on the same days with as many lines as without it.
    """
    count = stop - start
    days = calendar.days
    behaviour = roster.behaviour[start:stop]

    def of(*kinds: Behaviour) -> NDArray[np.bool_]:
        return np.isin(behaviour, [code_of(kind) for kind in kinds])

    regular = of(*REGULAR_BEHAVIOURS)
    interval_range = _table(MEAN_INTERVAL, 30.0)[behaviour]
    interval = interval_range[:, 0] + rng.random(count) * np.diff(interval_range, axis=1)[:, 0]
    pace = np.array([PACE.get(item, Pace.FLAT) for item in BEHAVIOURS], dtype=np.int64)[behaviour]
    gap = np.where(of(Behaviour.IRREGULAR)[:, None], IRREGULAR_GAP, REGULAR_GAP)

    ones = np.ones(count, dtype=np.int64)
    full_history = np.full(count, days, dtype=np.int64)
    last = np.select(
        [regular, of(Behaviour.IRREGULAR), of(Behaviour.LOST)],
        [
            _between(rng, ones, np.minimum(interval, 35).astype(np.int64)),
            _between(rng, 5 * ones, 60 * ones),
            _between(rng, 200 * ones, np.minimum(700, days - 150) * ones),
        ],
        default=0,
    )
    # Reanimated: the recent comeback, and the gap before it back to the old orders.
    comeback = _between(rng, 3 * ones, 58 * ones)
    second_comeback = comeback - _between(rng, 2 * ones, 40 * ones)
    second_comeback = np.where(rng.random(count) < 0.5, second_comeback, 0)
    last = np.where(
        of(Behaviour.REANIMATED), comeback + _between(rng, 200 * ones, 380 * ones), last
    )
    long_standing = rng.random(count)
    limit = np.select(
        [
            of(Behaviour.STEADY, Behaviour.SEASONAL, Behaviour.BUDGETING, Behaviour.PARTNER),
            of(Behaviour.VIP),
            of(Behaviour.GROWING),
            of(Behaviour.STAGNATING),
            of(Behaviour.IRREGULAR),
            of(Behaviour.LOST, Behaviour.REANIMATED),
        ],
        [
            np.where(long_standing < 0.3, days, _between(rng, 400 * ones, full_history)),
            np.where(long_standing < 0.6, days, _between(rng, 500 * ones, full_history)),
            _between(rng, 450 * ones, full_history),
            _between(rng, min(760, days) * ones, full_history),
            _between(rng, 560 * ones, full_history),
            np.minimum(days, last + _between(rng, 130 * ones, 500 * ones)),
        ],
        default=0,
    )
    streaming = ~of(Behaviour.NEW, Behaviour.ONE_TIME)
    owners = np.flatnonzero(streaming)
    stream_client, stream_day = _renewals(
        calendar=calendar,
        owner=owners,
        last=last[owners],
        limit=limit[owners],
        interval=interval[owners],
        gap=gap[owners],
        pace=pace[owners],
        rng=rng,
    )

    # Orders placed by hand: one-time, new, and the reanimated clients' comeback.
    first_order = _between(rng, 3 * ones, 85 * ones)
    repeat_orders = rng.choice(3, size=count, p=(0.4, 0.35, 0.25))
    # The repeat orders fall on distinct days between the first one and today.
    second_order = _between(rng, ones, first_order - 1)
    third_order = _between(rng, ones, first_order - 1)
    third_order = np.where(
        third_order == second_order,
        np.where(second_order > 1, second_order - 1, second_order + 1),
        third_order,
    )
    is_new = of(Behaviour.NEW)
    is_reanimated = of(Behaviour.REANIMATED)
    single = [
        (of(Behaviour.ONE_TIME), _between(rng, 100 * ones, 170 * ones)),
        (is_new, first_order),
        (is_new & (repeat_orders >= 1), second_order),
        (is_new & (repeat_orders >= 2), third_order),
        (is_reanimated, comeback),
        (is_reanimated & (second_comeback >= 1), second_comeback),
    ]
    local = np.concatenate([stream_client] + [np.flatnonzero(mask) for mask, _ in single])
    day = np.concatenate([stream_day] + [values[mask] for mask, values in single])
    key = np.sort(local * (days + 1) + day)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    local, day = key // (days + 1), key % (days + 1)
    order = np.lexsort((local, -day))
    local, day = local[order], day[order]

    value = _order_values(
        roster=roster,
        calendar=calendar,
        start=start,
        behaviour=behaviour,
        local=local,
        day=day,
        vip_revenue=vip_revenue,
        rng=rng,
    )
    is_vip_document = behaviour[local] == code_of(Behaviour.VIP)
    # Bigger orders have more lines; a VIP's are the longest.
    line_rate = np.where(
        is_vip_document,
        VIP_LINE_RATE,
        np.clip(0.5 * np.log(np.maximum(value, 1.0) / 25_000), 0.05, 4.0),
    )
    lines = np.minimum(
        MAX_LINES, np.where(is_vip_document, VIP_MIN_LINES, 1) + rng.poisson(line_rate)
    )

    value = np.where(day <= uplift_from, value * uplift[start + local], value)

    returned, return_day = _returns(local=local, day=day, lines=lines, regular=regular, rng=rng)
    payment_document, payment_day, payment_share = _payments(
        roster=roster, start=start, local=local, day=day, rng=rng
    )
    return OrderPlan(
        start=start,
        stop=stop,
        client=local + start,
        day=day,
        value=value,
        lines=lines.astype(np.int64),
        returned=returned,
        return_day=return_day,
        payment_document=payment_document,
        payment_day=payment_day,
        payment_share=payment_share,
    )


def _order_values(
    *,
    roster: Roster,
    calendar: Calendar,
    start: int,
    behaviour: NDArray[np.int64],
    local: NDArray[np.int64],
    day: NDArray[np.int64],
    vip_revenue: float,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    count = behaviour.size
    trend_range = _table(VOLUME_TREND, 1.0)[behaviour]
    trend = trend_range[:, 0] + rng.random(count) * np.diff(trend_range, axis=1)[:, 0]
    years_back = day / YEAR
    season = np.where(
        behaviour[local] == code_of(Behaviour.SEASONAL),
        np.sqrt(calendar.weight[Pace.SEASONAL, day]),
        1.0,
    )
    value = (
        roster.order_value[start + local]
        * trend[local] ** -years_back
        * PRICE_RISE**-years_back
        * season
        * rng.lognormal(0.0, 0.25, local.size)
    )
    recent = day < YEAR
    before = (day >= YEAR) & (day < 2 * YEAR)
    recent_revenue = np.bincount(local, value * recent, minlength=count)
    earlier_revenue = np.bincount(local, value * before, minlength=count)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Growth and stagnation are what the trend shows, whatever the noise drew.
        growth = np.where(
            recent_revenue < GROWTH_AT_LEAST * earlier_revenue,
            GROWTH_AT_LEAST * earlier_revenue / recent_revenue,
            1.0,
        )
        stagnation = np.where(
            recent_revenue > STAGNATION_AT_MOST * earlier_revenue,
            STAGNATION_AT_MOST * earlier_revenue / recent_revenue,
            1.0,
        )
        vip_scale = roster.vip_weight[start : start + count] * vip_revenue / recent_revenue
    scale = np.select(
        [
            behaviour == code_of(Behaviour.GROWING),
            behaviour == code_of(Behaviour.STAGNATING),
        ],
        [growth, stagnation],
        default=1.0,
    )
    value = np.where(recent, value * scale[local], value)
    is_vip = behaviour[local] == code_of(Behaviour.VIP)
    result: NDArray[np.float64] = np.where(is_vip, value * vip_scale[local], value)
    return result


def _returns(
    *,
    local: NDArray[np.int64],
    day: NDArray[np.int64],
    lines: NDArray[np.int64],
    regular: NDArray[np.bool_],
    rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Which documents are partly returned, and when: only regular clients with many orders,
    only documents of two lines or more, so a return never undoes a whole order."""
    orders = np.bincount(local, minlength=regular.size)
    eligible = np.flatnonzero(regular[local] & (orders[local] >= 8) & (lines >= 2) & (day >= 1))
    wanted = round(RETURN_SHARE / (1 - RETURN_SHARE) * local.size)
    chosen = np.sort(rng.choice(eligible, size=min(wanted, eligible.size), replace=False))
    back = _between(rng, np.ones(chosen.size, dtype=np.int64), np.minimum(21, day[chosen]))
    return_day = day[chosen] - back
    order = np.lexsort((chosen, -return_day))
    return chosen[order], return_day[order]


def _payments(
    *,
    roster: Roster,
    start: int,
    local: NDArray[np.int64],
    day: NDArray[np.int64],
    rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Payments of the documents: most on time, some late, a few in two parts or never."""
    count = local.size
    term = roster.payment_term[start + local]
    discipline = roster.discipline[start + local]
    ones = np.ones(count, dtype=np.int64)
    early = _between(rng, 0 * ones, np.minimum(term, 10) - 1)
    late = np.select(
        [discipline == PUNCTUAL, discipline == OFTEN_LATE, discipline == CHRONICALLY_LATE],
        [
            _between(rng, ones, 10 * ones),
            _between(rng, 3 * ones, 30 * ones),
            _between(rng, 10 * ones, 60 * ones),
        ],
    )
    is_late = rng.random(count) < np.array(LATE_CHANCE)[discipline]
    paid_after = np.where(is_late, term + late, term - early)
    unpaid = rng.random(count) < np.array(UNPAID_CHANCE)[discipline]
    partial = rng.random(count) < np.array(PARTIAL_CHANCE)[discipline]
    first_share = rng.uniform(0.3, 0.7, count)
    rest_after = paid_after + _between(rng, 10 * ones, 40 * ones)

    paid = np.flatnonzero(~unpaid)
    rests = np.flatnonzero(~unpaid & partial)
    document = np.concatenate([paid, rests])
    payment_day = np.concatenate([day[paid] - paid_after[paid], day[rests] - rest_after[rests]])
    share = np.concatenate(
        [np.where(partial[paid], first_share[paid], 1.0), np.full(rests.size, np.nan)]
    )
    # Payments due later than today have not come in yet.
    received = payment_day >= 0
    document, payment_day, share = document[received], payment_day[received], share[received]
    order = np.lexsort((document, -payment_day))
    return document[order], payment_day[order], share[order]
