import numpy as np
import pytest

from upsell.analytics.recommend.als import als_fit
from upsell.analytics.recommend.backtest import recommendations_make
from upsell.analytics.tests.recommend.data import matrix_of

pytestmark = pytest.mark.spark

# Two clusters of ten clients: clients 0–9 buy items 0–4, clients 10–19 items 5–9, each client
# all of its cluster's items but one (client c lacks item c mod 5 of its cluster).
PLANTED = tuple(
    tuple(base + item for item in range(5) if item != client % 5)
    for client in range(20)
    for base in ((0,) if client < 10 else (5,))
)


def test_als_offers_each_client_the_missing_item_of_its_cluster(spark_session):
    matrix = matrix_of(PLANTED, 10)

    fitted = als_fit(matrix=matrix, spark=spark_session.spark, rank=4)
    ranked = recommendations_make(fitted=fitted, matrix=matrix, clients=np.arange(20), k=1)

    assert ranked.client_code.tolist() == list(range(20))
    assert ranked.item_code.tolist() == [
        (0 if client < 10 else 5) + client % 5 for client in range(20)
    ]
    assert fitted.params == {"rank": 4.0, "iterations": 10.0, "regularization": 0.1, "alpha": 10.0}
