"""Hand-made purchase matrices whose right answers are known."""

import numpy as np
import scipy.sparse as sp

# Two clusters of four clients: clients 0–3 buy among items 0–2, clients 4–7 among items 3–5;
# each client of a cluster lacks one of its cluster's items except the last, who has all three.
TWO_CLUSTERS = (
    (0, 1),
    (0, 2),
    (1, 2),
    (0, 1, 2),
    (3, 4),
    (3, 5),
    (4, 5),
    (3, 4, 5),
)


def matrix_of(baskets: tuple[tuple[int, ...], ...], items: int) -> sp.csr_matrix:
    rows = [client for client, basket in enumerate(baskets) for _ in basket]
    cols = [item for basket in baskets for item in basket]
    return sp.csr_matrix(
        (np.ones(len(cols)), (rows, cols)), shape=(len(baskets), items), dtype=np.float64
    )


def two_clusters() -> sp.csr_matrix:
    return matrix_of(TWO_CLUSTERS, 6)
