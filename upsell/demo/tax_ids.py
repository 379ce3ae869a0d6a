"""Russian taxpayer numbers (ИНН) with valid check digits, unique by construction.

An organisation's ИНН has ten digits: region (2), tax office (2), serial (5) and one check
digit; an individual entrepreneur's has twelve: region (2), tax office (2), serial (6) and two
check digits, which python-stdnum computes.
"""

import numpy as np
from numpy.typing import NDArray
from stdnum.ru import inn

# The digits after the region code come from an affine map i -> (a*i + b) mod span, which is a
# bijection on [0, span) because a is coprime with span: distinct clients never share an ИНН.
ORGANISATION_SPAN = 9_000_000  # seven digits from 1 000 000: tax offices 10-99
ORGANISATION_MULTIPLIER = 7_654_321
ENTREPRENEUR_SPAN = 90_000_000  # eight digits from 10 000 000
ENTREPRENEUR_MULTIPLIER = 48_271_109


def organisation_tax_ids(
    *, ordinals: NDArray[np.int64], regions: NDArray[np.int64], offset: int
) -> list[str]:
    """Ten-digit ИНН for the organisations numbered ``ordinals`` (unique per ordinal)."""
    if ordinals.size and int(ordinals.max()) >= ORGANISATION_SPAN:
        raise ValueError(f"at most {ORGANISATION_SPAN} organisations")
    body = 1_000_000 + (ORGANISATION_MULTIPLIER * ordinals + offset) % ORGANISATION_SPAN
    heads = [f"{head:09d}" for head in (regions * 10_000_000 + body).tolist()]
    return [head + inn.calc_company_check_digit(head) for head in heads]


def entrepreneur_tax_ids(
    *, ordinals: NDArray[np.int64], regions: NDArray[np.int64], offset: int
) -> list[str]:
    """Twelve-digit ИНН for the individual entrepreneurs numbered ``ordinals``."""
    if ordinals.size and int(ordinals.max()) >= ENTREPRENEUR_SPAN:
        raise ValueError(f"at most {ENTREPRENEUR_SPAN} individual entrepreneurs")
    body = 10_000_000 + (ENTREPRENEUR_MULTIPLIER * ordinals + offset) % ENTREPRENEUR_SPAN
    heads = [f"{head:010d}" for head in (regions * 100_000_000 + body).tolist()]
    return [head + inn.calc_personal_check_digits(head) for head in heads]
