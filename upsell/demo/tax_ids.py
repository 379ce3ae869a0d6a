"""Russian taxpayer numbers (ИНН) with valid check digits, unique by construction.

An organisation's ИНН has ten digits: region (2), tax office (2), serial (5) and one check
digit; an individual entrepreneur's has twelve: region (2), tax office (2), serial (6) and two
check digits. Each check digit is a weighted sum of the digits before it, modulo 11, modulo 10.
"""

import numpy as np
from numpy.typing import NDArray

WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
WEIGHTS_12_FIRST = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
WEIGHTS_12_SECOND = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

# The digits after the region code come from an affine map i -> (a*i + b) mod span, which is a
# bijection on [0, span) because a is coprime with span: distinct clients never share an ИНН.
ORGANISATION_SPAN = 9_000_000  # seven digits from 1 000 000: tax offices 10-99
ORGANISATION_MULTIPLIER = 7_654_321
ENTREPRENEUR_SPAN = 90_000_000  # eight digits from 10 000 000
ENTREPRENEUR_MULTIPLIER = 48_271_109


def _check_digit(digits: NDArray[np.int64], weights: tuple[int, ...]) -> NDArray[np.int64]:
    weighted = digits[:, : len(weights)] @ np.array(weights, dtype=np.int64)
    result: NDArray[np.int64] = weighted % 11 % 10
    return result


def _digits(numbers: NDArray[np.int64], width: int) -> NDArray[np.int64]:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    result: NDArray[np.int64] = numbers[:, None] // powers % 10
    return result


def organisation_tax_ids(
    *, ordinals: NDArray[np.int64], regions: NDArray[np.int64], offset: int
) -> list[str]:
    """Ten-digit ИНН for the organisations numbered ``ordinals`` (unique per ordinal)."""
    if ordinals.size and int(ordinals.max()) >= ORGANISATION_SPAN:
        raise ValueError(f"at most {ORGANISATION_SPAN} organisations")
    body = 1_000_000 + (ORGANISATION_MULTIPLIER * ordinals + offset) % ORGANISATION_SPAN
    digits = _digits(regions * 10_000_000 + body, 9)
    check = _check_digit(digits, WEIGHTS_10)
    numbers = (regions * 10_000_000 + body) * 10 + check
    return [f"{number:010d}" for number in numbers.tolist()]


def entrepreneur_tax_ids(
    *, ordinals: NDArray[np.int64], regions: NDArray[np.int64], offset: int
) -> list[str]:
    """Twelve-digit ИНН for the individual entrepreneurs numbered ``ordinals``."""
    if ordinals.size and int(ordinals.max()) >= ENTREPRENEUR_SPAN:
        raise ValueError(f"at most {ENTREPRENEUR_SPAN} individual entrepreneurs")
    body = 10_000_000 + (ENTREPRENEUR_MULTIPLIER * ordinals + offset) % ENTREPRENEUR_SPAN
    head = regions * 100_000_000 + body
    digits = _digits(head, 10)
    first = _check_digit(digits, WEIGHTS_12_FIRST)
    second = _check_digit(np.column_stack([digits, first]), WEIGHTS_12_SECOND)
    numbers = head * 100 + first * 10 + second
    return [f"{number:012d}" for number in numbers.tolist()]


def tax_id_is_valid(tax_id: str) -> bool:
    """Whether ``tax_id`` is a ten- or twelve-digit ИНН with correct check digits."""
    if not tax_id.isascii() or not tax_id.isdigit() or len(tax_id) not in (10, 12):
        return False
    digits = [int(char) for char in tax_id]

    def check(weights: tuple[int, ...]) -> int:
        return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10

    if len(digits) == 10:
        return check(WEIGHTS_10) == digits[9]
    return check(WEIGHTS_12_FIRST) == digits[10] and check(WEIGHTS_12_SECOND) == digits[11]
