"""The models that score what to offer each client, fitted on a clients × items matrix of what
each client bought (numpy/scipy; ALS on Spark is in ``als``).

- popularity: an item's score is the number of clients who bought it;
- item-kNN: the cosine similarity of two items' columns (their buyers); a client's score for an
  item is the sum of its similarities to the client's items among the item's ``neighbours``
  most similar items;
- EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", 2019): the item × item
  weights B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, whose diagonal is 0; a client's
  scores are its row of X·B. The dense item × item matrix limits it to ``EASE_MAX_ITEMS``.
"""

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from upsell.analytics.recommend.lines import FloatArray, IntArray
from upsell.analytics.recommend.ranking import Scorer

type ModelName = Literal["popular", "itemknn", "ease", "als"]
# From the simplest to the most complex: a tie in the backtest goes to the simpler model.
MODEL_NAMES: tuple[ModelName, ...] = ("popular", "itemknn", "ease", "als")

ITEMKNN_NEIGHBOURS = 50
# λ is tried in the backtest from this grid; the best nDCG wins, a tie the smaller λ.
EASE_LAMBDAS: tuple[float, ...] = (10.0, 100.0, 1000.0)
# EASE holds three dense item × item float64 matrices while it inverts: 10 000 items take
# 2.4 GB and about a minute on two cores; beyond, ALS on Spark serves the catalogue.
EASE_MAX_ITEMS = 10_000


class ModelRefusedError(ValueError):
    """The model cannot be fitted on this data (the reason is the message)."""


@dataclass(frozen=True, eq=False)
class Fitted:
    """A fitted model: its name, the parameters it was fitted with and its scores."""

    model: ModelName
    scorer: Scorer
    params: dict[str, float] = field(default_factory=dict)


def item_buyers(matrix: sp.csr_matrix) -> FloatArray:
    """Per item, the number of clients whose row holds it."""
    return np.asarray(matrix.getnnz(axis=0), dtype=np.float64)


def popular_fit(*, matrix: sp.csr_matrix) -> Fitted:
    buyers = item_buyers(matrix)

    def scores(clients: IntArray) -> FloatArray:
        return np.broadcast_to(buyers, (clients.size, buyers.size))

    return Fitted("popular", scores)


def item_similarities(*, matrix: sp.csr_matrix, neighbours: int) -> sp.csr_matrix:
    """Items × items: the cosine similarity of item i's column to item j's, kept for the
    ``neighbours`` items i most similar to each item j (ties to the smaller code), 0 on the
    diagonal."""
    x = sp.csr_matrix(matrix, dtype=np.float64)
    gram = (x.T @ x).tocoo()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
    row, col = gram.row.astype(np.int64), gram.col.astype(np.int64)
    off_diagonal = (row != col) & (gram.data > 0)
    row, col = row[off_diagonal], col[off_diagonal]
    similarity = gram.data[off_diagonal] / (norms[row] * norms[col])
    order = np.lexsort((row, -similarity, col))
    row, col, similarity = row[order], col[order], similarity[order]
    rank = np.arange(col.size) - np.searchsorted(col, col, side="left")
    keep = rank < neighbours
    size = x.shape[1]
    return sp.csr_matrix((similarity[keep], (row[keep], col[keep])), shape=(size, size))


def itemknn_fit(*, matrix: sp.csr_matrix, neighbours: int = ITEMKNN_NEIGHBOURS) -> Fitted:
    x = sp.csr_matrix(matrix, dtype=np.float64)
    similarities = item_similarities(matrix=x, neighbours=neighbours)

    def scores(clients: IntArray) -> FloatArray:
        return np.asarray((x[clients] @ similarities).toarray())

    return Fitted("itemknn", scores, {"neighbours": float(neighbours)})


def ease_weights(*, matrix: sp.csr_matrix, regularization: float) -> FloatArray:
    """EASE's item × item weights B for the clients × items ``matrix`` X and λ."""
    size = matrix.shape[1]
    if size > EASE_MAX_ITEMS:
        raise ModelRefusedError(
            f"{size} items are too many for EASE's dense item × item matrix "
            f"(at most {EASE_MAX_ITEMS}); ALS on Spark serves large catalogues"
        )
    x = sp.csr_matrix(matrix, dtype=np.float64)
    gram = np.asarray((x.T @ x).toarray(), dtype=np.float64)
    gram[np.diag_indices(size)] += regularization
    # XᵀX + λI is symmetric positive definite: its Cholesky factor gives the inverse in half
    # the work of a general inverse. LAPACK fills the upper triangle only.
    factor, info = lapack.dpotrf(gram, lower=False, overwrite_a=True, clean=True)
    if info != 0:
        raise ModelRefusedError(f"XᵀX + λI is not positive definite for λ = {regularization:g}")
    upper, info = lapack.dpotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise ModelRefusedError(f"XᵀX + λI cannot be inverted for λ = {regularization:g}")
    inverse = np.triu(upper)
    inverse += np.triu(upper, 1).T
    weights: FloatArray = inverse / -np.diag(inverse)[None, :]
    weights[np.diag_indices(size)] = 0.0
    return weights


def ease_fit(*, matrix: sp.csr_matrix, regularization: float) -> Fitted:
    x = sp.csr_matrix(matrix, dtype=np.float64)
    weights = ease_weights(matrix=x, regularization=regularization)

    def scores(clients: IntArray) -> FloatArray:
        return np.asarray(x[clients] @ weights)

    return Fitted("ease", scores, {"lambda": regularization})
