"""The demo's closing plan: the same seed gives the same plan, nothing happens after today, and
the coached manager's meetings within the period are joint."""

import datetime as dt
from decimal import Decimal

from upsell.demo.closing import ClientMonth, closing_build

TODAY = dt.date(2026, 6, 30)
# The seven months the plan opens deals in, from December to June.
MONTHS = [dt.date(2025, 12, 1)] + [dt.date(2026, month, 1) for month in range(1, 7)]
CELLS = [
    ClientMonth(
        cell_id=number,
        client_id=100 * manager + client,
        manager_id=manager,
        month=month,
        amount=Decimal("50000.00"),
    )
    for number, (manager, client, month) in enumerate(
        (manager, client, month)
        for manager in (1, 2, 3)
        for client in range(80)
        for month in MONTHS
    )
]


def _plan(seed=3):
    return closing_build(managers=[1, 2, 3], cells=CELLS, today=TODAY, tz=dt.UTC, seed=seed)


def test_the_same_seed_gives_the_same_plan():
    first, second = _plan(), _plan()

    assert first.truth == second.truth
    assert [(d.source.cell_id, d.stages) for d in first.deals] == [
        (d.source.cell_id, d.stages) for d in second.deals
    ]
    assert first.truth["deals"] == len(first.deals) == 3 * 60 * 7  # three managers, sixty a month


def test_stages_move_forward_and_nothing_happens_after_today():
    cutoff = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
    for deal in _plan().deals:
        times = [at for _, at in deal.stages]
        assert times == sorted(times)
        assert times[-1] < cutoff
        assert (deal.lost_reason is not None) == (deal.stage == "lost")


def test_the_coached_managers_meetings_in_the_period_are_joint():
    plan = _plan()
    coaching = plan.coaching
    inside = [
        activity
        for deal in plan.deals
        if deal.source.manager_id == coaching.manager_id
        for activity in deal.activities
        if activity.kind != "call"
        and coaching.starts_on <= activity.starts_at.date() <= coaching.ends_on
    ]

    assert (coaching.starts_on, coaching.ends_on) == (dt.date(2026, 3, 1), dt.date(2026, 5, 31))
    assert inside
    assert all(activity.joint and activity.coached for activity in inside)
