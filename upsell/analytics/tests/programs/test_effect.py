import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from upsell.analytics.arrow import money_from_cents
from upsell.analytics.programs.effect import (
    CANDIDATES_SCHEMA,
    GROUPS_SCHEMA,
    REVENUE_SCHEMA,
    matched_pairs,
    program_effect,
)

# The program runs from July to December 2025; the six months before it are January to June.
START, END = dt.date(2025, 7, 1), dt.date(2025, 12, 1)
MONTHS = [dt.date(2025, month, 1) for month in range(1, 13)]
PLANTED = Decimal("15000.00")
# The hand-built cases measure a program from July to September 2025.
JULY, SEPTEMBER = dt.date(2025, 7, 1), dt.date(2025, 9, 1)


def revenue_table(rows):
    """(client_id, month, amount) rows."""
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "amount": Decimal(amount)}
            for client_id, month, amount in rows
        ],
        schema=REVENUE_SCHEMA,
    )


def groups_table(*, members, controls):
    return pa.Table.from_pylist(
        [{"client_id": client_id, "group": "member"} for client_id in members]
        + [{"client_id": client_id, "group": "control"} for client_id in controls],
        schema=GROUPS_SCHEMA,
    )


def candidates_table(rows):
    """(client_id, status, abc_class, segment, is_member) rows."""
    return pa.Table.from_pylist(
        [
            {
                "client_id": client_id,
                "status": status,
                "abc_class": abc_class,
                "segment": segment,
                "is_member": is_member,
            }
            for client_id, status, abc_class, segment, is_member in rows
        ],
        schema=CANDIDATES_SCHEMA,
    )


def panel(*, members, controls, uplift, seed, noise=0.25):
    """Clients 1.. are members, then the controls; each buys every month of 2025 around its own
    log-normal level (median 100 000), the whole market grows 10 % from July, and the members
    buy ``uplift`` more in each month of the program."""
    rng = np.random.default_rng(seed)
    clients = members + controls
    level = rng.lognormal(mean=np.log(100_000), sigma=0.8, size=(clients, 1))
    market = np.where(np.arange(12) >= 6, 1.1, 1.0)
    amounts = level * market * rng.lognormal(mean=0.0, sigma=noise, size=(clients, 12))
    amounts[:members, 6:] += float(uplift)
    cents = np.round(amounts * 100).astype(np.int64)
    revenue = pa.table(
        {
            "client_id": np.repeat(np.arange(1, clients + 1, dtype=np.int64), 12),
            "month": pa.array(MONTHS * clients, pa.date32()),
            "amount": money_from_cents(
                column=pa.array(cents.ravel()), money_type=REVENUE_SCHEMA.field("amount").type
            ),
        },
        schema=REVENUE_SCHEMA,
    )
    groups = groups_table(members=range(1, members + 1), controls=range(members + 1, clients + 1))
    return revenue, groups


def test_a_planted_uplift_is_recovered_within_an_interval_that_excludes_nothing_happening():
    # given 400 members and 400 held-out controls, a market that grows 10 % in the program's
    # months, and members who buy 15 000.00 more in each of them
    revenue, groups = panel(members=400, controls=400, uplift=PLANTED, seed=7)

    effect = program_effect(revenue=revenue, groups=groups, start=START, end=END)

    assert (effect.method, effect.members, effect.controls, effect.unmatched) == (
        "random",
        400,
        400,
        0,
    )
    assert (effect.months_during, effect.pre_months, effect.confidence) == (6, 6, 0.9)
    assert effect.low is not None
    assert effect.high is not None
    assert effect.uplift is not None
    assert effect.low < PLANTED < effect.high
    assert effect.low > 0
    assert abs(effect.uplift - PLANTED) < (effect.high - effect.low) / 2
    assert not effect.too_little_data
    # The members' own growth holds the market's too; the difference in differences takes it
    # out again (to the kopeck of the four rounded means).
    assert effect.member_during is not None
    assert effect.member_before is not None
    assert effect.control_during is not None
    assert effect.control_before is not None
    member_growth = effect.member_during - effect.member_before
    control_growth = effect.control_during - effect.control_before
    assert member_growth > PLANTED + 5000
    assert control_growth > 5000
    assert abs(member_growth - control_growth - effect.uplift) <= Decimal("0.02")


def test_no_effect_gives_an_interval_around_zero_and_too_little_data():
    revenue, groups = panel(members=400, controls=400, uplift=0, seed=11)

    effect = program_effect(revenue=revenue, groups=groups, start=START, end=END)

    assert effect.low is not None
    assert effect.high is not None
    assert effect.uplift is not None
    assert effect.low < 0 < effect.high
    assert (effect.high - effect.low) / 2 > abs(effect.uplift)
    assert effect.too_little_data


def test_a_clear_effect_on_too_few_clients_is_too_little_data():
    # given three members and three controls whose months barely vary: the interval is narrow
    revenue, groups = panel(members=3, controls=3, uplift=PLANTED, seed=3, noise=0.01)

    effect = program_effect(revenue=revenue, groups=groups, start=START, end=END)

    assert effect.low is not None
    assert effect.low > 0
    assert effect.too_little_data
    # the same measure with a minimum of three clients a side is an answer
    answer = program_effect(revenue=revenue, groups=groups, start=START, end=END, min_clients=3)
    assert answer.uplift == effect.uplift
    assert not answer.too_little_data


def test_the_same_seed_gives_the_same_interval_and_another_seed_another():
    revenue, groups = panel(members=50, controls=60, uplift=PLANTED, seed=5)

    first = program_effect(revenue=revenue, groups=groups, start=START, end=END, seed=1)
    again = program_effect(revenue=revenue, groups=groups, start=START, end=END, seed=1)
    other = program_effect(revenue=revenue, groups=groups, start=START, end=END, seed=2)

    assert first == again
    assert other.uplift == first.uplift
    assert (other.low, other.high) != (first.low, first.high)


def test_months_without_shipments_count_as_nothing_shipped():
    # given the program's months July to September and the six months before them
    revenue = revenue_table(
        [
            (1, dt.date(2024, 12, 1), "9999.00"),  # before the six months: not counted
            (1, dt.date(2025, 3, 1), "600.00"),  # the only month of six it bought in
            (1, dt.date(2025, 8, 1), "100.00"),  # the only month of three
            (1, dt.date(2025, 10, 1), "9999.00"),  # after the last month measured
            (3, dt.date(2025, 8, 1), "5000.00"),  # in neither group
        ]
    )
    groups = groups_table(members=[1], controls=[2])  # the control bought nothing at all

    effect = program_effect(
        revenue=revenue,
        groups=groups,
        start=JULY,
        end=SEPTEMBER,
        min_clients=1,
    )

    assert (effect.members, effect.controls, effect.months_during) == (1, 1, 3)
    assert effect.member_before == Decimal("100.00")  # 600.00 over six months
    assert effect.member_during == Decimal("33.33")  # 100.00 over three
    assert (effect.control_before, effect.control_during) == (Decimal("0.00"), Decimal("0.00"))
    # 33.333… − 100 rounds half away from zero to the kopeck
    assert effect.uplift == Decimal("-66.67")
    # one client a side: every draw is the same pair
    assert effect.low == effect.high == Decimal("-66.67")
    assert not effect.too_little_data


def _flat(client_id, *, before, during):
    """A client buying ``before`` in each of January to June and ``during`` in July to
    September 2025 (the months of a program measured to September)."""
    return [(client_id, dt.date(2025, month, 1), before) for month in range(1, 7)] + [
        (client_id, dt.date(2025, month, 1), during) for month in range(7, 10)
    ]


def test_each_member_is_compared_with_the_nearest_non_member_of_its_kind():
    revenue = revenue_table(
        [
            *_flat(1, before="100.00", during="160.00"),  # member: +60
            *_flat(2, before="50.00", during="50.00"),  # member: +0
            *_flat(3, before="90.00", during="100.00"),  # +10, nearest to 1 of its kind
            *_flat(4, before="130.00", during="200.00"),  # +70, of 1's kind but farther
            *_flat(5, before="100.00", during="0.00"),  # −100, 1's revenue, another class
            *_flat(6, before="20.00", during="35.00"),  # +15, the only one of 2's kind
        ]
    )
    candidates = candidates_table(
        [
            (1, "regular", "A", "retail", True),
            (2, "irregular", "C", "horeca", True),
            (3, "regular", "A", "retail", False),
            (4, "regular", "A", "retail", False),
            (5, "regular", "B", "retail", False),
            (6, "irregular", "C", "horeca", False),
        ]
    )
    pairs = matched_pairs(revenue=revenue, candidates=candidates, start=JULY, end=SEPTEMBER)
    effect = program_effect(revenue=revenue, candidates=candidates, start=JULY, end=SEPTEMBER)

    assert pairs.to_pylist() == [
        {"member_id": 1, "control_id": 3},
        {"member_id": 2, "control_id": 6},
    ]
    assert (effect.method, effect.members, effect.controls, effect.unmatched) == (
        "matched",
        2,
        2,
        0,
    )
    # (60 + 0) / 2 − (10 + 15) / 2
    assert effect.uplift == Decimal("17.50")
    assert (effect.member_before, effect.member_during) == (Decimal("75.00"), Decimal("105.00"))
    assert (effect.control_before, effect.control_during) == (Decimal("55.00"), Decimal("67.50"))
    assert effect.too_little_data  # two clients a side


def test_matching_breaks_ties_by_client_id_reuses_controls_and_counts_the_unmatched():
    revenue = revenue_table(
        [
            *_flat(1, before="100.00", during="100.00"),
            *_flat(2, before="90.00", during="90.00"),
            *_flat(3, before="110.00", during="110.00"),
            *_flat(5, before="115.00", during="115.00"),
            *_flat(6, before="300.00", during="300.00"),
        ]
    )
    candidates = candidates_table(
        [
            (1, "regular", "A", "retail", True),  # 2 and 3 are both 10.00 away
            (2, "regular", "A", "retail", False),
            (3, "regular", "A", "retail", False),
            (4, "lost", "C", "retail", True),  # nobody else is lost
            (5, "regular", "A", "retail", True),
            (6, "regular", "A", "retail", True),  # above every non-member
            (8, "new", None, None, True),  # no class nor segment: matches its like
            (9, "new", "", "", False),
        ]
    )
    pairs = matched_pairs(revenue=revenue, candidates=candidates, start=JULY, end=SEPTEMBER)
    effect = program_effect(revenue=revenue, candidates=candidates, start=JULY, end=SEPTEMBER)

    assert [(row["member_id"], row["control_id"]) for row in pairs.to_pylist()] == [
        (1, 2),
        (5, 3),
        (6, 3),
        (8, 9),
    ]
    assert (effect.members, effect.controls, effect.unmatched) == (4, 3, 1)


def test_a_program_without_a_control_is_too_little_data_without_a_figure():
    revenue = revenue_table(_flat(1, before="100.00", during="150.00"))

    effect = program_effect(
        revenue=revenue,
        candidates=candidates_table([(1, "regular", "A", "retail", True)]),
        start=JULY,
        end=SEPTEMBER,
    )

    assert (effect.members, effect.controls, effect.unmatched) == (0, 0, 1)
    assert (effect.uplift, effect.low, effect.high) == (None, None, None)
    assert effect.member_before is None
    assert effect.control_during is None
    assert effect.too_little_data


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {
                "groups": groups_table(members=[1], controls=[2]),
                "candidates": candidates_table([(1, "regular", "A", "", True)]),
            },
            "either the random design's groups or the candidates",
        ),
        ({}, "either the random design's groups or the candidates"),
        (
            {
                "groups": pa.Table.from_pylist(
                    [{"client_id": 1, "group": "holdout"}], schema=GROUPS_SCHEMA
                )
            },
            "a group is 'member' or 'control', not ['holdout']",
        ),
        (
            {"groups": groups_table(members=[1, 2], controls=[2])},
            "groups: client 2 is listed more than once",
        ),
        (
            {"groups": groups_table(members=[1], controls=[2]), "start": dt.date(2025, 7, 15)},
            "first days of months",
        ),
        (
            {"groups": groups_table(members=[1], controls=[2]), "end": dt.date(2025, 6, 1)},
            "is before the first",
        ),
    ],
)
def test_inputs_that_cannot_be_measured_are_refused(arguments, message):
    period = {"start": START, "end": END}

    with pytest.raises(ValueError, match=re.escape(message)):
        program_effect(revenue=revenue_table([]), **(period | arguments))


def test_matching_on_revenue_before_takes_out_the_growth_of_bigger_clients():
    # given 1 600 clients of four kinds whose revenue grows 10 % with the market from July,
    # and a third of the bigger clients enrolled by hand, who buy 15 000.00 more a month
    revenue, _ = panel(members=0, controls=1600, uplift=0, seed=13)
    monthly = revenue.group_by("client_id").aggregate([("amount", "sum")])
    totals = dict(
        zip(
            monthly.column("client_id").to_pylist(),
            monthly.column("amount_sum").to_pylist(),
            strict=True,
        )
    )
    members = {
        client_id for client_id, total in totals.items() if client_id % 3 == 0 and total > 1_500_000
    }
    revenue = pa.Table.from_pylist(
        [
            row | {"amount": row["amount"] + PLANTED}
            if row["client_id"] in members and row["month"] >= START
            else row
            for row in revenue.to_pylist()
        ],
        schema=REVENUE_SCHEMA,
    )
    kinds = ("regular", "vip", "irregular", "new")
    candidates = candidates_table(
        [
            (client_id, kinds[client_id % 4], "A", "retail", client_id in members)
            for client_id in totals
        ]
    )

    matched = program_effect(revenue=revenue, candidates=candidates, start=START, end=END)
    # every non-member as a control, as if they had been held out at random
    naive = program_effect(
        revenue=revenue,
        groups=groups_table(members=sorted(members), controls=sorted(set(totals) - members)),
        start=START,
        end=END,
    )

    assert (matched.method, matched.members, matched.unmatched) == ("matched", len(members), 0)
    assert matched.low is not None
    assert matched.high is not None
    assert matched.low < PLANTED < matched.high
    assert matched.low > 0
    assert not matched.too_little_data
    # the bigger clients' 10 % is more money than the others': the naive figure credits it
    # to the program
    assert naive.low is not None
    assert naive.low > PLANTED
