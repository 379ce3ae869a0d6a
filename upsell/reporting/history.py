"""What the stored month-end status history was computed from, so that the next audit knows
whether it may add the new month ends to it or must compute every month again."""

import datetime as dt

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import cents_from_money
from upsell.core.digests import SEEDS, rows_chained


def _rows_digest(columns: list[npt.NDArray[np.uint64]]) -> str:
    """A 128-bit digest of a set of rows, whatever their order: each row's fields chained, the
    rows summed in two differently seeded lanes."""
    lanes = [int(rows_chained(columns, seed=seed).sum(dtype=np.uint64)) for seed in SEEDS]
    return f"{lanes[0]:016x}{lanes[1]:016x}"


def _integers(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.uint64]:
    values: npt.NDArray[np.uint64] = (
        pc.fill_null(column.cast(pa.int64()), -1).to_numpy().astype(np.uint64)
    )
    return values


def documents_fingerprint(*, orders: pa.Table, through: dt.date, branches: pa.Table | None) -> str:
    """A digest of the documents (``ORDERS_SCHEMA``: one row per shipment or return, as the
    audit reads them) dated on or before ``through``: their count, then a digest of each one's
    id, client, date and amount. A document added, deleted, moved to another client or
    corrected in amount changes it. Per organisation (``branches`` given) it also covers which
    branch belongs to which head organisation."""
    dated = orders.filter(pc.less_equal(orders.column("date"), pa.scalar(through, pa.date32())))
    digest = "0" * 32
    if dated.num_rows:
        digest = _rows_digest(
            [
                _integers(dated.column("order_id")),
                _integers(dated.column("client_id")),
                _integers(dated.column("date").cast(pa.int32())),
                _integers(cents_from_money(column=dated.column("amount"))),
            ]
        )
    if branches is None:
        return f"{dated.num_rows}:{digest}"
    branch_digest = "0" * 32
    if branches.num_rows:
        branch_digest = _rows_digest(
            [_integers(branches.column("client_id")), _integers(branches.column("head_id"))]
        )
    return f"{dated.num_rows}:{digest}:{branches.num_rows}:{branch_digest}"
