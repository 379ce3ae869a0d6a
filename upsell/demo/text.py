"""Numbers and fields as 1C writes them: "1 234,56" with a non-breaking space, in cp1251.

Millions of amounts are formatted per file, so the digits come from lookup tables of byte
strings joined by numpy over object arrays, not from a Python format call per number.
"""

import numpy as np
from numpy.typing import NDArray

NBSP = "\xa0"
_THOUSANDS = np.array([str(n).encode() for n in range(1000)], dtype=object)
_GROUPS = np.array([f"{NBSP}{n:03d}".encode("cp1251") for n in range(1000)], dtype=object)
_KOPECKS = np.array([f",{n:02d}".encode() for n in range(100)], dtype=object)
_TENTHS = np.array([b""] + [f",{n}".encode() for n in range(1, 10)], dtype=object)
_SIGNS = np.array([b"", b"-"], dtype=object)


def grouped_bytes(values: NDArray[np.int64]) -> NDArray[np.object_]:
    """Integers from 0 to 10**12 - 1 with a non-breaking space between groups of three digits."""
    result = np.empty(values.shape, dtype=object)
    remaining = np.ones(values.shape, dtype=bool)
    for power in (9, 6, 3):
        # The longest numbers first, each spelled group by group after its leading one.
        mask = remaining & (values >= 10**power)
        selected = values[mask]
        spelled = _THOUSANDS[selected // 10**power % 1000 if power < 9 else selected // 10**9]
        for lower in range(power - 3, -1, -3):
            spelled = spelled + _GROUPS[selected // 10**lower % 1000]
        result[mask] = spelled
        remaining &= ~mask
    result[remaining] = _THOUSANDS[values[remaining]]
    return result


def money_bytes(kopecks: NDArray[np.int64]) -> NDArray[np.object_]:
    """Amounts in kopecks as "-1 234,56"."""
    magnitude = np.abs(kopecks)
    spelled: NDArray[np.object_] = (
        _SIGNS[(kopecks < 0).astype(np.int64)]
        + grouped_bytes(magnitude // 100)
        + _KOPECKS[magnitude % 100]
    )
    return spelled


def quantity_bytes(
    thousandths: NDArray[np.int64], decimals: NDArray[np.int64]
) -> NDArray[np.object_]:
    """Quantities in thousandths of a unit as "12", "1 250" or "-12,5" (at most one decimal)."""
    if np.any((decimals > 1) | (thousandths % 100 != 0)):
        raise ValueError("quantities carry at most one decimal")
    magnitude = np.abs(thousandths)
    tenths = np.where(decimals > 0, magnitude // 100 % 10, 0)
    spelled: NDArray[np.object_] = (
        _SIGNS[(thousandths < 0).astype(np.int64)]
        + grouped_bytes(magnitude // 1000)
        + _TENTHS[tenths]
    )
    return spelled


def money_text(kopecks: int, *, separator: str = " ") -> str:
    """One amount as "1 250 000,00", with ``separator`` between digit groups."""
    sign = "-" if kopecks < 0 else ""
    roubles, rest = divmod(abs(kopecks), 100)
    return f"{sign}{roubles:,}".replace(",", separator) + f",{rest:02d}"


def csv_field(text: str, *, delimiter: str) -> str:
    """A field as a CSV writer quotes it: in double quotes, doubled inside, when it must be."""
    if '"' in text or delimiter in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
