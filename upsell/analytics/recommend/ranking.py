"""Each client's top k items by a model's scores, never an item it already bought.

Every model ranks the same way: by score, then, among equal scores, the more popular item first
(more buyers), then the smaller item code. A model with nothing to say about a client (a
client whose items nobody else buys scores 0 everywhere under item-kNN) thus falls back to
popularity instead of to an arbitrary order.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from upsell.analytics.recommend.lines import FloatArray, IntArray

# Clients scored at once: the dense scores of a batch of 2 000 clients over 5 000 items take
# 80 MB.
BATCH_CELLS = 10_000_000

# The scores of a batch of clients (codes) over every item: clients × items.
type Scorer = Callable[[IntArray], FloatArray]


@dataclass(frozen=True, eq=False)
class Ranked:
    """One row per recommendation: client and item codes, rank from 1, score; grouped by
    client in the order of the clients asked for, by rank within a client."""

    client_code: IntArray
    item_code: IntArray
    rank: IntArray
    score: FloatArray

    def to_arrow(self, *, clients: np.ndarray, items: np.ndarray) -> pa.Table:
        return pa.table(
            {
                "customer_id": clients[self.client_code],
                "item_id": items[self.item_code],
                "rank": self.rank,
                "score": self.score,
            }
        )


def popularity_order(*, buyers: FloatArray) -> IntArray:
    """Item codes by number of buyers (most first), then by code."""
    return np.lexsort((np.arange(buyers.size), -buyers)).astype(np.int64)


def _top_in_rows(values: FloatArray, k: int) -> tuple[IntArray, IntArray]:
    """Per row, the positions of the k largest values, ties to the smaller position, in rank
    order: (row of each pick, position of each pick)."""
    rows = values.shape[0]
    kth = -np.partition(-values, k - 1, axis=1)[:, k - 1]
    above = values > kth[:, None]
    tied = values == kth[:, None]
    needed = k - above.sum(axis=1)
    chosen = above | (tied & (np.cumsum(tied, axis=1) <= needed[:, None]))
    position = np.nonzero(chosen)[1]
    position = position.reshape(rows, k)
    picked = np.take_along_axis(values, position, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    return np.repeat(np.arange(rows), k), np.take_along_axis(position, order, axis=1).ravel()


def top_k(
    *,
    scorer: Scorer,
    clients: IntArray,
    exclude: sp.csr_matrix,
    candidates: np.ndarray,
    buyers: FloatArray,
    k: int,
) -> Ranked:
    """The top ``k`` of each client by ``scorer`` among the ``candidates`` (a mask over items),
    leaving out the items ``exclude`` (clients × items) holds for it; fewer than ``k`` when
    fewer are left."""
    order = popularity_order(buyers=buyers)
    allowed = np.asarray(candidates, dtype=bool)[order]
    width = order.size
    take = min(k, width)
    batch = max(1, BATCH_CELLS // max(width, 1))
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    exclude = sp.csr_matrix(exclude)
    # Each item's column position after the popularity reordering.
    position_of = np.empty(width, dtype=np.int64)
    position_of[order] = np.arange(width)
    for start in range(0, clients.size, batch):
        chunk = clients[start : start + batch]
        scores = np.asarray(scorer(chunk), dtype=np.float64)[:, order]
        scores[:, ~allowed] = -np.inf
        held = exclude[chunk].tocoo()
        scores[held.row, position_of[held.col]] = -np.inf
        row, position = _top_in_rows(scores, take)
        picked = scores[row, position]
        keep = np.isfinite(picked)
        parts.append((chunk[row[keep]], order[position[keep]], picked[keep]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Ranked(empty, empty, empty, np.zeros(0))
    client_code = np.concatenate([part[0] for part in parts])
    item_code = np.concatenate([part[1] for part in parts])
    score = np.concatenate([part[2] for part in parts])
    # Rows of one client are adjacent and in rank order: the rank counts from its first row.
    starts = np.r_[True, client_code[1:] != client_code[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(client_code.size), 0))
    rank = np.arange(client_code.size) - first + 1
    return Ranked(client_code, item_code, rank.astype(np.int64), score)
