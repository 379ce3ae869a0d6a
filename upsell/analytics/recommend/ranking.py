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


def _top_in_rows(
    values: FloatArray, k: int, order: IntArray, standing: IntArray
) -> tuple[IntArray, IntArray]:
    """Per row, the items of the k largest values in rank order, ties to the item that comes
    first in ``order`` (``standing`` is each item's place in it): (row, item) of each pick."""
    rows, width = values.shape
    item = np.argpartition(values, width - k, axis=1)[:, width - k :]
    kth = np.take_along_axis(values, item, axis=1).min(axis=1)
    needed = k - np.count_nonzero(values > kth[:, None], axis=1)
    # Where more values equal the k-th than places are left, the partition chose among them
    # at random: the first ones in ``order`` take the places instead. They are mostly found
    # among the first items of the order: the rest of a row is read only when they are not.
    crowded = np.flatnonzero(np.count_nonzero(values == kth[:, None], axis=1) > needed)
    prefix = min(width, 4 * k + 256)
    for head in (order[:prefix], order):
        if crowded.size == 0:
            break
        part = values[crowded]
        limit = kth[crowded, None]
        in_order = part[:, head] == limit
        first = in_order & (np.cumsum(in_order, axis=1) <= needed[crowded, None])
        enough = np.count_nonzero(first, axis=1) == needed[crowded]
        chosen = part[enough] > limit[enough]
        chosen[:, head] |= first[enough]
        item[crowded[enough]] = np.nonzero(chosen)[1].reshape(-1, k)
        crowded = crowded[~enough]
    picked = np.take_along_axis(values, item, axis=1)
    ranked = np.lexsort((standing[item], -picked), axis=1)
    return np.repeat(np.arange(rows), k), np.take_along_axis(item, ranked, axis=1).ravel()


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
    standing = np.empty_like(order)
    standing[order] = np.arange(order.size)
    barred = ~np.asarray(candidates, dtype=bool)
    width = order.size
    take = min(k, width)
    batch = max(1, BATCH_CELLS // max(width, 1))
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    exclude = sp.csr_matrix(exclude)
    for start in range(0, clients.size, batch):
        chunk = clients[start : start + batch]
        scores = np.array(scorer(chunk), dtype=np.float64)
        if barred.any():
            scores[:, barred] = -np.inf
        held = exclude[chunk].tocoo()
        scores[held.row, held.col] = -np.inf
        row, item = _top_in_rows(scores, take, order, standing)
        picked = scores[row, item]
        keep = np.isfinite(picked)
        parts.append((chunk[row[keep]], item[keep], picked[keep]))
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
