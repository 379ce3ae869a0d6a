import math

import numpy as np
import pytest

from upsell.analytics.recommend.metrics import per_client, scores_mean
from upsell.analytics.recommend.ranking import Ranked
from upsell.analytics.tests.recommend.data import matrix_of

# Client 0 then bought items 0, 1 and 2 for the first time, client 1 item 5, client 2 item 7.
RELEVANT = matrix_of(((0, 1, 2), (5,), (7,)), 8)
# Client 0 was offered 0, 3, 1; client 1 was offered 4, 5, 6; client 2 nothing.
RANKED = Ranked(
    client_code=np.array([0, 0, 0, 1, 1, 1]),
    item_code=np.array([0, 3, 1, 4, 5, 6]),
    rank=np.array([1, 2, 3, 1, 2, 3]),
    score=np.array([3.0, 2.0, 1.0, 3.0, 2.0, 1.0]),
)


def test_recall_and_ndcg_at_3_by_hand():
    recall, ndcg = per_client(ranked=RANKED, relevant=RELEVANT, clients=np.arange(3), k=3)

    # client 0: hits at 1 and 3 of min(3, 3) wanted; DCG 1 + 1/log2 4, IDCG 1 + 1/log2 3 + 1/2
    # client 1: the one wanted item at 2: recall 1, nDCG 1/log2 3; client 2: no list, 0
    assert recall.tolist() == [2 / 3, 1.0, 0.0]
    assert ndcg.tolist() == pytest.approx(
        [1.5 / (1 + 1 / math.log2(3) + 0.5), 1 / math.log2(3), 0.0], rel=1e-15
    )


def test_only_the_first_k_places_count():
    recall, ndcg = per_client(ranked=RANKED, relevant=RELEVANT, clients=np.arange(2), k=2)

    # client 0: one hit in 2 places of min(2, 3) wanted; DCG 1, IDCG 1 + 1/log2 3
    assert recall.tolist() == [0.5, 1.0]
    assert ndcg.tolist() == pytest.approx([1 / (1 + 1 / math.log2(3)), 1 / math.log2(3)])


def test_the_means_weigh_each_client_the_same():
    scores = scores_mean(ranked=RANKED, relevant=RELEVANT, clients=np.arange(3), k=3)

    assert scores.clients == 3
    assert scores.recall == pytest.approx((2 / 3 + 1) / 3)
    assert scores.ndcg == pytest.approx((0.7039180890341347 + 0.6309297535714574) / 3)


def test_a_client_without_a_relevant_item_cannot_be_scored():
    relevant = matrix_of(((0,), ()), 8)

    with pytest.raises(ValueError, match="every client scored needs at least one relevant item"):
        per_client(ranked=RANKED, relevant=relevant, clients=np.arange(2), k=3)
