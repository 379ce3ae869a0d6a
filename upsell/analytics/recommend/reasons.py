"""Why an item is offered to a client, in facts a manager can repeat to it.

The reason is a count from the same purchases the models were fitted on, true whatever model
scored the item: of the client's own items, the one whose buyers most often bought the offered
item too ("bought by 34 of the 40 clients who buy 1047"; on a tie the item with fewer buyers,
the stronger rule, then the smaller code). Item-kNN and EASE score from exactly these
co-purchases (XᵀX). When none of the client's items shares a buyer with the offered item, and
for the popularity model, the reason is the item's buyers among all clients who bought
anything ("bought by 1 234 of the 5 000 clients").
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from upsell.analytics.recommend.lines import IntArray
from upsell.analytics.recommend.models import ModelName
from upsell.analytics.recommend.ranking import Ranked

NO_ITEM = -1


@dataclass(frozen=True, eq=False)
class Reasons:
    """Per recommendation: ``buyers`` of the ``among`` clients who buy ``because_of`` (an item
    code, ``NO_ITEM`` when ``among`` counts every client who bought anything)."""

    buyers: IntArray
    among: IntArray
    because_of: IntArray


def _popularity_reasons(ranked: Ranked, matrix: sp.csr_matrix) -> Reasons:
    buyers = matrix.getnnz(axis=0).astype(np.int64)
    clients = int((matrix.getnnz(axis=1) > 0).sum())
    size = ranked.item_code.size
    return Reasons(
        buyers=buyers[ranked.item_code],
        among=np.full(size, clients, dtype=np.int64),
        because_of=np.full(size, NO_ITEM, dtype=np.int64),
    )


def reasons_make(*, ranked: Ranked, matrix: sp.csr_matrix, model: ModelName) -> Reasons:
    """The reason of each row of ``ranked`` from the clients × items ``matrix`` of purchases."""
    x = sp.csr_matrix(matrix)
    x.sort_indices()
    overall = _popularity_reasons(ranked, x)
    if model == "popular" or ranked.item_code.size == 0:
        return overall
    binary = sp.csr_matrix((np.ones(x.nnz), x.indices, x.indptr), shape=x.shape)
    co = sp.csr_matrix(binary.T @ binary, dtype=np.int64)
    co.sort_indices()
    size = co.shape[0]
    keys = np.repeat(np.arange(size, dtype=np.int64), np.diff(co.indptr)) * size + co.indices
    item_buyers = co.diagonal().astype(np.int64)
    clients = int(x.shape[0])

    # One entry per (recommendation, item of its client's basket).
    basket = np.diff(x.indptr)[ranked.client_code]
    pair = np.repeat(np.arange(ranked.item_code.size), basket)
    offset = np.arange(pair.size) - np.repeat(np.cumsum(basket) - basket, basket)
    own = x.indices[x.indptr[ranked.client_code][pair] + offset].astype(np.int64)
    offered = ranked.item_code[pair]
    wanted = own * size + offered
    found = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    together = (
        np.where(keys[found] == wanted, co.data[found], 0) if keys.size else np.zeros(pair.size)
    ).astype(np.int64)
    # The most co-buyers first, then the fewest buyers of the client's item, then its code:
    # one integer per entry, largest best.
    rule = (together * (clients + 1) + (clients - item_buyers[own])) * size + (size - 1 - own)
    best = np.full(ranked.item_code.size, -1, dtype=np.int64)
    starts = np.flatnonzero(basket)
    if starts.size:
        group_starts = np.cumsum(basket) - basket
        best[starts] = np.maximum.reduceat(rule, group_starts[starts])
    because_of = np.where(best >= 0, size - 1 - best % size, NO_ITEM)
    buyers = np.where(best >= 0, best // size // (clients + 1), 0)
    explained = buyers > 0
    return Reasons(
        buyers=np.where(explained, buyers, overall.buyers),
        among=np.where(explained, item_buyers[np.maximum(because_of, 0)], overall.among),
        because_of=np.where(explained, because_of, NO_ITEM),
    )
