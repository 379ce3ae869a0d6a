import datetime as dt
from typing import Any, cast

import numpy as np
import pytest

from upsell.analytics.recommend.als import als_fit
from upsell.analytics.recommend.backtest import recommendations_make
from upsell.analytics.recommend.command import recommend_command_run
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


def test_the_command_scores_als_on_a_spark_session(spark_session, tmp_path):
    # given the planted clients' lines up to the calibration end, and in the holdout each
    # client buying the one item of its cluster it lacked
    rows = ["клиент,товар,дата,количество,сумма"]
    for client, basket in enumerate(PLANTED):
        rows += [f"{client},{item},2024-03-01,1,100" for item in basket]
        missing = (0 if client < 10 else 5) + client % 5
        rows.append(f"{client},{missing},2024-05-01,1,100")
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    report, table = recommend_command_run(
        lines_path=path,
        calibration_end=dt.date(2024, 3, 31),
        holdout_end=dt.date(2024, 6, 30),
        k=1,
        model="als",
        client_column="клиент",
        item_column="товар",
        date_column="дата",
        quantity_column="количество",
        amount_column="сумма",
        max_rows=1000,
        max_columns=10,
        spark=spark_session.spark,
    )

    # then ALS finds every client's missing item in the holdout
    assert report["model"] == "als"
    backtest = cast(dict[str, Any], report["backtest"])
    als = backtest["models"]["als"]
    assert (als["recall_at_k"], als["ndcg_at_k"]) == (1.0, 1.0)
    assert backtest["clients_scored"] == 20
    # and, fitted on everything, offers each client an item of the other cluster
    assert table.num_rows == 20
    offered = table.to_pylist()
    assert all((int(row["item_id"]) < 5) == (int(row["customer_id"]) >= 10) for row in offered)
