"""The measured effect of a sales program: how much more a member buys a month because of it.

The method, in words. A client's revenue in a month is what was shipped to it that month, net of
returns; a month without shipments counts as a month of nothing, not as a month missing. For each
client we take its mean monthly revenue over the program's months (from the program's first month
to the last complete month measured) and over the months just before the program (six by
default); the difference is the client's own change. A member's change holds what the program did
together with what would have happened anyway (the season, the market, prices); a comparable
client outside the program shows only the latter. The program's effect, its uplift per member per
month, is the members' mean change less the controls' mean change: a difference in differences.

The controls are the random hold-out where the head of sales kept one: eligible clients drawn by
lot and left out of the program, so that they differ from the members by the program alone.
Where there is none, each member is compared with the non-member most like it: of the same
status, ABC class and segment, the one whose monthly revenue before the program was nearest the
member's (on a tie, the one with the smaller client id). One non-member may stand for several
members; a member without any such non-member is left out of the measure and counted as
unmatched. Matching removes only the differences it can see, so a matched effect is weaker
evidence than a random one.

How sure the figure is comes from the bootstrap: the members' changes and the controls' changes
(in a matched design, a control's change once for every member it stands for) are each drawn
again at random with replacement, as many as there are, and the effect computed again, a
thousand times by default; the middle 90 % of those effects is the interval. The draws start
from a fixed seed, so the same data always give the same interval. The answer is "too little
data" when either side has fewer than five clients, or when the interval's half-width exceeds
the effect's size: then the measure cannot tell the effect from chance.

Money comes in as the contract's decimals and is counted in whole kopecks, so the effect and the
four monthly means are exact before they are rounded to the kopeck (half away from zero); only
the interval's ends come from floating-point draws.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import cents_from_money, month_number, months_from_dates
from upsell.analytics.contracts import MONEY_SUM, table_conform

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Net shipped per client and month; a month without a row shipped nothing.
REVENUE_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("amount", MONEY_SUM, nullable=False),
    ]
)

MEMBER, CONTROL = "member", "control"
# The random design: each eligible client drawn into the program or held out of it.
GROUPS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("group", pa.string(), nullable=False),
    ]
)

# Every client a member may be compared with, the members included. An empty status, class or
# segment is a value like any other: a client without a segment matches clients without one.
CANDIDATES_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("status", pa.string()),
        pa.field("abc_class", pa.string()),
        pa.field("segment", pa.string()),
        pa.field("is_member", pa.bool_(), nullable=False),
    ]
)

# Each matched member with the non-member it is compared with.
PAIRS_SCHEMA = pa.schema(
    [
        pa.field("member_id", pa.int64(), nullable=False),
        pa.field("control_id", pa.int64(), nullable=False),
    ]
)

DEFAULT_PRE_MONTHS = 6
DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.9
DEFAULT_MIN_CLIENTS = 5
# Draws per bootstrap batch: a few megabytes of indices, however many members a program has.
BOOTSTRAP_BATCH_DRAWS = 1_000_000
# Joins a client's status, class and segment into one matching key; no name holds it.
KEY_SEPARATOR = "\x1f"

Method = Literal["random", "matched"]


@dataclass(frozen=True, kw_only=True)
class ProgramEffect:
    """A program's uplift per member per month with its interval, and what it was measured on.

    Money is in the contract's currency, to the kopeck. ``uplift``, ``low`` and ``high`` are None
    when a side has no client at all; a side's two means are None when it has none.
    """

    method: Method
    members: int  # the members measured (in a matched design: those matched)
    controls: int  # the distinct control clients
    unmatched: int  # members without a non-member of their status, class and segment
    months_during: int
    pre_months: int
    confidence: float
    uplift: Decimal | None
    low: Decimal | None
    high: Decimal | None
    too_little_data: bool
    member_before: Decimal | None
    member_during: Decimal | None
    control_before: Decimal | None
    control_during: Decimal | None


@dataclass(frozen=True, kw_only=True)
class _Period:
    """The measured months as month numbers (``upsell.analytics.arrow.month_number``)."""

    first_before: int
    start: int
    end: int

    @property
    def pre_months(self) -> int:
        return self.start - self.first_before

    @property
    def months_during(self) -> int:
        return self.end - self.start + 1


def _period_make(*, start: dt.date, end: dt.date, pre_months: int) -> _Period:
    if start.day != 1 or end.day != 1:
        raise ValueError(f"the program's months are first days of months, not {start}, {end}")
    if end < start:
        raise ValueError(f"the last month measured, {end}, is before the first, {start}")
    if pre_months < 1:
        raise ValueError(f"the months before the program must be at least one, not {pre_months}")
    first = month_number(day=start)
    return _Period(first_before=first - pre_months, start=first, end=month_number(day=end))


@dataclass(frozen=True, kw_only=True, eq=False)
class _Side:
    """One side's clients, as many entries as it counts (a control matched twice is twice):
    their revenue in kopecks over the months before the program and over its months."""

    before: IntArray
    during: IntArray

    @property
    def size(self) -> int:
        return int(self.before.size)

    def changes(self, *, period: _Period) -> FloatArray:
        """Each client's mean monthly revenue during the program less before it, in kopecks."""
        change: FloatArray = (
            self.during / period.months_during - self.before / period.pre_months
        ).astype(np.float64)
        return change

    def means(self, *, period: _Period) -> tuple[Fraction, Fraction] | None:
        """The side's exact mean monthly revenue before and during the program, in kopecks."""
        if not self.size:
            return None
        # Python integers: a large program's total kopecks may outgrow int64.
        before, during = sum(self.before.tolist()), sum(self.during.tolist())
        return (
            Fraction(before, self.size * period.pre_months),
            Fraction(during, self.size * period.months_during),
        )


def _client_sums(
    *, revenue: pa.Table, clients: IntArray, period: _Period
) -> tuple[IntArray, IntArray]:
    """The revenue in kopecks of each of ``clients`` (sorted) over the months before the
    program and over its months; a client without rows bought nothing."""
    revenue = table_conform(table=revenue, schema=REVENUE_SCHEMA, name="revenue")
    ids = revenue.column("client_id").to_numpy()
    months = months_from_dates(column=revenue.column("month")).to_numpy()
    cents = cents_from_money(column=revenue.column("amount")).to_numpy()
    rows = np.searchsorted(clients, ids)
    known = rows < clients.size
    known[known] = clients[rows[known]] == ids[known]
    before_rows = known & (months >= period.first_before) & (months < period.start)
    during_rows = known & (months >= period.start) & (months <= period.end)
    before = np.zeros(clients.size, dtype=np.int64)
    during = np.zeros(clients.size, dtype=np.int64)
    np.add.at(before, rows[before_rows], cents[before_rows])
    np.add.at(during, rows[during_rows], cents[during_rows])
    return before, during


def _unique_clients(*, ids: IntArray, name: str) -> None:
    values, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{name}: client {int(values[counts > 1][0])} is listed more than once")


def _random_sides(*, groups: pa.Table, revenue: pa.Table, period: _Period) -> tuple[_Side, _Side]:
    """The members and the held-out controls of the random design."""
    groups = table_conform(table=groups, schema=GROUPS_SCHEMA, name="groups").sort_by("client_id")
    unknown = set(pc.unique(groups.column("group")).to_pylist()) - {MEMBER, CONTROL}
    if unknown:
        raise ValueError(f"groups: a group is {MEMBER!r} or {CONTROL!r}, not {sorted(unknown)}")
    clients = groups.column("client_id").to_numpy()
    _unique_clients(ids=clients, name="groups")
    before, during = _client_sums(revenue=revenue, clients=clients, period=period)
    is_member = pc.equal(groups.column("group"), MEMBER).to_numpy(zero_copy_only=False)
    return (
        _Side(before=before[is_member], during=during[is_member]),
        _Side(before=before[~is_member], during=during[~is_member]),
    )


@dataclass(frozen=True, kw_only=True, eq=False)
class _Matching:
    """The candidates (sorted by client id) with their sums, and the rows of each matched
    member and of its control."""

    clients: IntArray
    before: IntArray
    during: IntArray
    member_rows: IntArray
    control_rows: IntArray
    unmatched: int


def _nearest(*, values: IntArray, ids: IntArray, targets: IntArray) -> IntArray:
    """For each target, the index of the nearest of ``values`` (sorted ascending, equal values
    by ascending ``ids``; not empty); at equal distance, the smaller id."""
    first_not_below = np.searchsorted(values, targets, side="left")
    has_above = first_not_below < values.size
    has_below = first_not_below > 0
    above = np.minimum(first_not_below, values.size - 1)
    # The first of the run of equal values just below the target holds the smallest id.
    below = np.searchsorted(values, values[np.maximum(first_not_below - 1, 0)], side="left")
    below_gap = targets - values[below]
    above_gap = values[above] - targets
    take_above = has_above & (
        ~has_below
        | (above_gap < below_gap)
        | ((above_gap == below_gap) & (ids[above] < ids[below]))
    )
    nearest: IntArray = np.where(take_above, above, below)
    return nearest


def _candidates_matched(*, candidates: pa.Table, revenue: pa.Table, period: _Period) -> _Matching:
    """Each member's nearest non-member of its status, class and segment by revenue before the
    program (the sum over the same months orders clients as their monthly mean does)."""
    candidates = table_conform(
        table=candidates, schema=CANDIDATES_SCHEMA, name="candidates"
    ).sort_by("client_id")
    clients = candidates.column("client_id").to_numpy()
    _unique_clients(ids=clients, name="candidates")
    before, during = _client_sums(revenue=revenue, clients=clients, period=period)
    keys = pc.binary_join_element_wise(
        *(
            pc.fill_null(candidates.column(name), "").combine_chunks()
            for name in ("status", "abc_class", "segment")
        ),
        KEY_SEPARATOR,
    )
    codes = pc.dictionary_encode(keys).indices.to_numpy().astype(np.int64)
    is_member = candidates.column("is_member").to_numpy(zero_copy_only=False)
    pool = np.flatnonzero(~is_member)
    pool = pool[np.lexsort((clients[pool], before[pool], codes[pool]))]
    pool_codes = codes[pool]
    members = np.flatnonzero(is_member)
    member_codes = codes[members]
    member_rows, control_rows = [], []
    for code in np.unique(member_codes).tolist():
        these = members[member_codes == code]
        first, last = np.searchsorted(pool_codes, [code, code + 1], side="left").tolist()
        if first == last:
            continue
        block = pool[first:last]
        nearest = _nearest(values=before[block], ids=clients[block], targets=before[these])
        member_rows.append(these)
        control_rows.append(block[nearest])
    matched = np.concatenate(member_rows) if member_rows else np.zeros(0, dtype=np.int64)
    controls = np.concatenate(control_rows) if control_rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(matched, kind="stable")
    return _Matching(
        clients=clients,
        before=before,
        during=during,
        member_rows=matched[order],
        control_rows=controls[order],
        unmatched=int(members.size - matched.size),
    )


def matched_pairs(
    *,
    revenue: pa.Table,
    candidates: pa.Table,
    start: dt.date,
    end: dt.date,
    pre_months: int = DEFAULT_PRE_MONTHS,
) -> pa.Table:
    """Each matched member with the non-member it is compared with (``PAIRS_SCHEMA``, by
    member): what the matched measure of ``program_effect`` stands on, for the page to show."""
    matching = _candidates_matched(
        candidates=candidates,
        revenue=revenue,
        period=_period_make(start=start, end=end, pre_months=pre_months),
    )
    return pa.table(
        {
            "member_id": matching.clients[matching.member_rows],
            "control_id": matching.clients[matching.control_rows],
        },
        schema=PAIRS_SCHEMA,
    )


def _side_draws(*, changes: FloatArray, resamples: int, rng: np.random.Generator) -> FloatArray:
    """The mean of ``changes`` drawn again with replacement, ``resamples`` times, in batches
    that keep the drawn indices to a few megabytes."""
    means = np.empty(resamples, dtype=np.float64)
    batch = max(1, BOOTSTRAP_BATCH_DRAWS // changes.size)
    for first in range(0, resamples, batch):
        rows = min(batch, resamples - first)
        drawn = rng.integers(0, changes.size, size=(rows, changes.size))
        means[first : first + rows] = changes[drawn].mean(axis=1)
    return means


def effect_bootstrap(
    *,
    member_changes: FloatArray,
    control_changes: FloatArray,
    resamples: int,
    seed: int,
    confidence: float,
) -> tuple[float, float]:
    """The percentile interval of the members' mean change less the controls', each side drawn
    again independently with replacement; the same seed gives the same interval."""
    rng = np.random.default_rng(seed)
    effects = _side_draws(changes=member_changes, resamples=resamples, rng=rng) - _side_draws(
        changes=control_changes, resamples=resamples, rng=rng
    )
    tail = (1 - confidence) / 2
    low, high = np.quantile(effects, [tail, 1 - tail]).tolist()
    return float(low), float(high)


def _money(cents: Fraction) -> Decimal:
    """Kopecks as money, to the kopeck, half away from zero as a bookkeeper rounds."""
    whole = math.floor(abs(cents) + Fraction(1, 2))
    return Decimal(whole if cents >= 0 else -whole).scaleb(-2)


def _effect_measure(
    *,
    method: Method,
    members: _Side,
    controls: _Side,
    control_clients: int,
    unmatched: int,
    period: _Period,
    resamples: int,
    seed: int,
    confidence: float,
    min_clients: int,
) -> ProgramEffect:
    member_means = members.means(period=period)
    control_means = controls.means(period=period)
    uplift = low = high = None
    if member_means is not None and control_means is not None:
        (member_before, member_during), (control_before, control_during) = (
            member_means,
            control_means,
        )
        uplift = _money((member_during - member_before) - (control_during - control_before))
        low_cents, high_cents = effect_bootstrap(
            member_changes=members.changes(period=period),
            control_changes=controls.changes(period=period),
            resamples=resamples,
            seed=seed,
            confidence=confidence,
        )
        low, high = _money(Fraction(low_cents)), _money(Fraction(high_cents))
    too_little_data = (
        uplift is None
        or low is None
        or high is None
        or members.size < min_clients
        or control_clients < min_clients
        or (high - low) / 2 > abs(uplift)
    )
    return ProgramEffect(
        method=method,
        members=members.size,
        controls=control_clients,
        unmatched=unmatched,
        months_during=period.months_during,
        pre_months=period.pre_months,
        confidence=confidence,
        uplift=uplift,
        low=low,
        high=high,
        too_little_data=too_little_data,
        member_before=None if member_means is None else _money(member_means[0]),
        member_during=None if member_means is None else _money(member_means[1]),
        control_before=None if control_means is None else _money(control_means[0]),
        control_during=None if control_means is None else _money(control_means[1]),
    )


def program_effect(
    *,
    revenue: pa.Table,
    groups: pa.Table | None = None,
    candidates: pa.Table | None = None,
    start: dt.date,
    end: dt.date,
    pre_months: int = DEFAULT_PRE_MONTHS,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    confidence: float = DEFAULT_CONFIDENCE,
    min_clients: int = DEFAULT_MIN_CLIENTS,
) -> ProgramEffect:
    """The program's uplift per member per month from ``start`` to ``end`` (first days of the
    program's first and last complete months) against the ``pre_months`` before it.

    Give ``groups`` (``GROUPS_SCHEMA``) when the head of sales kept a random hold-out: the
    controls are the clients held out. Else give ``candidates`` (``CANDIDATES_SCHEMA``): each
    member is compared with its nearest non-member of the same status, class and segment.
    ``revenue`` is ``REVENUE_SCHEMA``. Raises ValueError on inputs that cannot be measured.
    """
    if resamples < 1:
        raise ValueError(f"the bootstrap needs at least one resample, not {resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"the confidence is between 0 and 1, not {confidence}")
    if min_clients < 1:
        raise ValueError(f"the minimum of clients is at least one, not {min_clients}")
    period = _period_make(start=start, end=end, pre_months=pre_months)
    method: Method
    if groups is not None and candidates is None:
        method, unmatched = "random", 0
        members, controls = _random_sides(groups=groups, revenue=revenue, period=period)
        control_clients = controls.size
    elif candidates is not None and groups is None:
        method = "matched"
        matching = _candidates_matched(candidates=candidates, revenue=revenue, period=period)
        unmatched = matching.unmatched
        members = _Side(
            before=matching.before[matching.member_rows],
            during=matching.during[matching.member_rows],
        )
        controls = _Side(
            before=matching.before[matching.control_rows],
            during=matching.during[matching.control_rows],
        )
        control_clients = int(np.unique(matching.control_rows).size)
    else:
        raise ValueError("give either the random design's groups or the candidates to match")
    return _effect_measure(
        method=method,
        members=members,
        controls=controls,
        control_clients=control_clients,
        unmatched=unmatched,
        period=period,
        resamples=resamples,
        seed=seed,
        confidence=confidence,
        min_clients=min_clients,
    )
