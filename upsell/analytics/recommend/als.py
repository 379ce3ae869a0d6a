"""Alternating least squares with implicit feedback (Hu, Koren and Volinsky 2008) on Spark, for
catalogues too large for EASE's dense item × item matrix.

Spark's ``pyspark.ml.recommendation.ALS`` fits the client and item factors, spread over the
cluster; each client's scores are its factor's dot products with the items' factors. The
factors are small (clients + items rows of ``rank`` numbers), so they are collected and the
top k are taken here, the same way as for every other model. A client without a positive line
has no factor and scores 0 everywhere (popularity then orders its list).
"""

from typing import Any

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from upsell.analytics.recommend.lines import FloatArray, IntArray
from upsell.analytics.recommend.models import Fitted

ALS_RANK = 32
ALS_ITERATIONS = 10
ALS_REGULARIZATION = 0.1
# Confidence in a purchase is 1 + α·(matrix value).
ALS_ALPHA = 10.0
ALS_SEED = 20081215


def _factors(frame: Any, size: int, rank: int) -> FloatArray:
    table = frame.toArrow()
    factors = np.zeros((size, rank), dtype=np.float64)
    ids = np.asarray(table.column("id").to_numpy(), dtype=np.int64)
    if ids.size:
        values = table.column("features").combine_chunks()
        flat = np.asarray(values.values.to_numpy(zero_copy_only=False), dtype=np.float64)
        factors[ids] = flat.reshape(ids.size, rank)
    return factors


def als_fit(
    *,
    matrix: sp.csr_matrix,
    spark: Any,
    rank: int = ALS_RANK,
    iterations: int = ALS_ITERATIONS,
    regularization: float = ALS_REGULARIZATION,
    alpha: float = ALS_ALPHA,
    seed: int = ALS_SEED,
) -> Fitted:
    """ALS fitted on Spark (``spark`` a ``SparkSession``) on the clients × items ``matrix``."""
    from pyspark.ml.recommendation import ALS  # Spark is optional: imported on demand

    coo = sp.coo_matrix(matrix)
    ratings = spark.createDataFrame(
        pa.table(
            {
                "client": pa.array(coo.row, pa.int32()),
                "item": pa.array(coo.col, pa.int32()),
                "value": pa.array(coo.data, pa.float32()),
            }
        )
    )
    model = ALS(
        rank=rank,
        maxIter=iterations,
        regParam=regularization,
        alpha=alpha,
        implicitPrefs=True,
        userCol="client",
        itemCol="item",
        ratingCol="value",
        seed=seed,
    ).fit(ratings)
    client_factors = _factors(model.userFactors, matrix.shape[0], rank)
    item_factors = _factors(model.itemFactors, matrix.shape[1], rank)

    def scores(clients: IntArray) -> FloatArray:
        return client_factors[clients] @ item_factors.T

    return Fitted(
        "als",
        scores,
        {
            "rank": float(rank),
            "iterations": float(iterations),
            "regularization": regularization,
            "alpha": alpha,
        },
    )
