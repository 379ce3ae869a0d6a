"""How good a client's top-k list was, against the items it then bought for the first time.

For a client u with relevant items R(u) (non-empty) and a list of at most k items whose
position i (from 1) holds a relevant item when rel(i) = 1, else 0:

- recall@k(u) = Σᵢ rel(i) / min(k, |R(u)|): the share of what could have been hit in k places,
  so that a perfect list scores 1 however many new items the client bought;
- nDCG@k(u) = DCG(u) / IDCG(u), DCG(u) = Σᵢ rel(i) / log₂(i + 1) over the list, and
  IDCG(u) = Σ_{i=1}^{min(k, |R(u)|)} 1 / log₂(i + 1), the DCG of a perfect list.

Both are averaged over the clients with R(u) non-empty, each client weighing the same; a
client with no list (nothing left to offer) scores 0.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from upsell.analytics.recommend.lines import FloatArray, IntArray
from upsell.analytics.recommend.ranking import Ranked


@dataclass(frozen=True)
class Scores:
    """The means of recall@k and nDCG@k over ``clients`` clients."""

    recall: float
    ndcg: float
    clients: int


def hits(*, ranked: Ranked, relevant: sp.csr_matrix) -> FloatArray:
    """Per row of ``ranked``: 1 where the client's item is relevant to it, else 0."""
    if ranked.client_code.size == 0:
        return np.zeros(0)
    return np.asarray(relevant[ranked.client_code, ranked.item_code], dtype=np.float64).ravel()


def per_client(
    *, ranked: Ranked, relevant: sp.csr_matrix, clients: IntArray, k: int
) -> tuple[FloatArray, FloatArray]:
    """recall@k and nDCG@k of each of ``clients`` (each with at least one relevant item),
    counting only rows ranked within k."""
    relevant = sp.csr_matrix(relevant)
    within = ranked.rank <= k
    ranked = Ranked(
        ranked.client_code[within],
        ranked.item_code[within],
        ranked.rank[within],
        ranked.score[within],
    )
    hit = hits(ranked=ranked, relevant=relevant)
    size = relevant.shape[0]
    found = np.bincount(ranked.client_code, weights=hit, minlength=size)
    gain = np.bincount(ranked.client_code, weights=hit / np.log2(ranked.rank + 1.0), minlength=size)
    wanted = np.minimum(np.diff(relevant.indptr)[clients], k)
    if np.any(wanted == 0):
        raise ValueError("every client scored needs at least one relevant item")
    ideal = np.cumsum(1.0 / np.log2(np.arange(1, k + 1) + 1.0))
    return found[clients] / wanted, gain[clients] / ideal[wanted - 1]


def scores_mean(*, ranked: Ranked, relevant: sp.csr_matrix, clients: IntArray, k: int) -> Scores:
    recall, ndcg = per_client(ranked=ranked, relevant=relevant, clients=clients, k=k)
    if clients.size == 0:
        return Scores(recall=float("nan"), ndcg=float("nan"), clients=0)
    return Scores(recall=float(recall.mean()), ndcg=float(ndcg.mean()), clients=int(clients.size))
