"""Digests of integer columns, a million rows at a time with numpy: each row's fields chained
through SplitMix64's finaliser.

Not cryptographic, and needing not be: a digest is only compared with an earlier digest of the
same data, to tell whether it changed (an imported document, the documents an audit's history
was computed from). It is written here because it must stay the same across library upgrades
(a stored digest is compared with next night's), which polars' and pyarrow's row hashes do not
promise.
"""

import numpy as np
import numpy.typing as npt

# The seed of a chain, and of a second, independent 64-bit lane.
SEEDS = (0x9E3779B97F4A7C15, 0xD1B54A32D192ED03)

type Column = npt.NDArray[np.uint64]


def mix(values: Column) -> Column:
    """SplitMix64's finaliser: every input bit spreads over every output bit."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: Column = values ^ (values >> np.uint64(31))
    return mixed


def rows_chained(columns: list[Column], *, seed: int) -> Column:
    """Each row's fields (one array per field, all of a length) chained from ``seed``."""
    row = np.full(len(columns[0]), seed, dtype=np.uint64)
    for column in columns:
        row = mix(row ^ column)
    return row


def digests_hex(lanes: list[Column]) -> npt.NDArray[np.bytes_]:
    """Each row's lanes as one hexadecimal text (ASCII bytes), 16 digits a lane in order: the
    digests of a whole import formatted at once, not one Python string at a time."""
    rows = np.stack(lanes, axis=1).astype(">u8").tobytes().hex().encode("ascii")
    return np.frombuffer(rows, dtype=f"S{16 * len(lanes)}")
