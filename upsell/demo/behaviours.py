"""The purchase behaviours of the demo company's clients, and how many clients get each.

Each behaviour is generated so that the default status rules of the audit (DESIGN.md) recognise
it as of the demo's "today"; ``EXPECTED_STATUS`` says which status that is.
"""

from enum import StrEnum

import numpy as np


class Behaviour(StrEnum):
    STEADY = "steady"
    SEASONAL = "seasonal"
    GROWING = "growing"
    STAGNATING = "stagnating"
    IRREGULAR = "irregular"
    ONE_TIME = "one_time"
    NEW = "new"
    LOST = "lost"
    REANIMATED = "reanimated"
    VIP = "vip"
    PARTNER = "partner"
    BUDGETING = "budgeting"


# The order of the members is the code stored in per-client arrays (int8).
BEHAVIOURS: tuple[Behaviour, ...] = tuple(Behaviour)

SHARES: dict[Behaviour, float] = {
    Behaviour.STEADY: 0.14,
    Behaviour.SEASONAL: 0.08,
    Behaviour.GROWING: 0.09,
    Behaviour.STAGNATING: 0.09,
    Behaviour.IRREGULAR: 0.15,
    Behaviour.ONE_TIME: 0.12,
    Behaviour.NEW: 0.05,
    Behaviour.LOST: 0.10,
    Behaviour.REANIMATED: 0.04,
    Behaviour.VIP: 0.03,
    Behaviour.PARTNER: 0.03,
    Behaviour.BUDGETING: 0.08,
}

# Clients that buy regularly: they order at least every few weeks up to the last month.
REGULAR_BEHAVIOURS = frozenset(
    {
        Behaviour.STEADY,
        Behaviour.SEASONAL,
        Behaviour.GROWING,
        Behaviour.STAGNATING,
        Behaviour.VIP,
        Behaviour.PARTNER,
        Behaviour.BUDGETING,
    }
)

EXPECTED_STATUS: dict[Behaviour, str] = {
    Behaviour.STEADY: "regular",
    Behaviour.SEASONAL: "regular",
    Behaviour.GROWING: "regular",
    Behaviour.STAGNATING: "regular",
    Behaviour.BUDGETING: "regular",
    Behaviour.IRREGULAR: "irregular",
    Behaviour.ONE_TIME: "one_time",
    Behaviour.NEW: "new",
    Behaviour.LOST: "lost",
    Behaviour.REANIMATED: "reanimated",
    Behaviour.VIP: "vip",
    Behaviour.PARTNER: "partner",
}


def code_of(behaviour: Behaviour) -> int:
    return BEHAVIOURS.index(behaviour)


def behaviour_counts(*, clients: int) -> dict[Behaviour, int]:
    """How many of ``clients`` get each behaviour: the shares, rounded by largest remainder.

    From twelve clients on, every behaviour gets at least one client, so even a tiny demo
    shows every status.
    """
    shares = np.array([SHARES[behaviour] for behaviour in BEHAVIOURS])
    exact = shares * clients
    counts = np.floor(exact).astype(np.int64)
    if clients >= len(BEHAVIOURS):
        counts = np.maximum(counts, 1)
    remainder = clients - int(counts.sum())
    # Stable order: ties go to the behaviour listed first.
    by_remainder = np.argsort(-(exact - np.floor(exact)), kind="stable")
    if remainder > 0:
        counts[by_remainder[:remainder]] += 1
    elif remainder < 0:
        # The minimum of one per behaviour overshot: take back from the largest groups.
        for index in np.argsort(-counts, kind="stable")[:-remainder]:
            counts[index] -= 1
    return {behaviour: int(count) for behaviour, count in zip(BEHAVIOURS, counts, strict=True)}
