import numpy as np
import pytest
import scipy.sparse as sp

from upsell.analytics.recommend import models
from upsell.analytics.recommend.backtest import recommendations_make
from upsell.analytics.recommend.models import (
    ModelRefusedError,
    ease_fit,
    ease_weights,
    item_similarities,
    itemknn_fit,
    popular_fit,
)
from upsell.analytics.recommend.ranking import top_k
from upsell.analytics.tests.recommend.data import matrix_of, two_clusters

ALL = np.arange(8)


def _lists(ranked):
    """Each client's items in rank order."""
    lists: dict[int, list[int]] = {}
    for client, item in zip(ranked.client_code, ranked.item_code, strict=True):
        lists.setdefault(int(client), []).append(int(item))
    return lists


def test_popularity_offers_the_most_bought_items_ties_to_the_smaller_id():
    # given items bought by 3, 2, 2, 1 and 0 clients (item 4 by nobody)
    matrix = matrix_of(((0, 1), (0, 2), (0, 3), (1, 2)), 5)

    # when popularity ranks the top 2 of each client
    ranked = recommendations_make(
        fitted=popular_fit(matrix=matrix), matrix=matrix, clients=np.arange(4), k=2
    )

    # then each gets the most bought items it lacks; items 1 and 2 tie, 1 comes first; item 4,
    # bought by nobody, is never offered
    assert _lists(ranked) == {0: [2, 3], 1: [1, 3], 2: [1, 2], 3: [0, 3]}
    assert ranked.score.tolist() == [2.0, 1.0, 2.0, 1.0, 2.0, 2.0, 3.0, 1.0]
    assert ranked.rank.tolist() == [1, 2, 1, 2, 1, 2, 1, 2]


def test_item_similarities_are_cosines_of_the_buyers_kept_for_the_nearest_items():
    matrix = two_clusters()

    full = item_similarities(matrix=matrix, neighbours=5).toarray()
    nearest = item_similarities(matrix=matrix, neighbours=1).toarray()

    # two of an item's three buyers buy each other item of its cluster: 2 / (√3·√3)
    within = np.full((3, 3), 2 / 3)
    np.fill_diagonal(within, 0.0)
    expected = np.zeros((6, 6))
    expected[:3, :3] = within
    expected[3:, 3:] = within
    assert np.allclose(full, expected, rtol=0, atol=1e-15)
    # with one neighbour, each item keeps the smaller of its two equally similar items
    kept = [(int(i), int(j)) for i, j in zip(*np.nonzero(nearest), strict=True)]
    assert sorted(kept) == [(0, 1), (0, 2), (1, 0), (3, 4), (3, 5), (4, 3)]


def test_itemknn_offers_the_missing_item_of_the_clients_cluster():
    matrix = two_clusters()

    ranked = recommendations_make(
        fitted=itemknn_fit(matrix=matrix), matrix=matrix, clients=ALL, k=1
    )

    assert _lists(ranked) == {0: [2], 1: [1], 2: [0], 3: [3], 4: [5], 5: [4], 6: [3], 7: [0]}
    # the missing item is similar to both of the client's items (2/3 each); a client with its
    # whole cluster has nothing similar left and gets the most bought item, item 0 or 3
    assert ranked.score.round(12).tolist() == [1.333333333333, 1.333333333333, 1.333333333333,
                                              0.0, 1.333333333333, 1.333333333333,
                                              1.333333333333, 0.0]  # fmt: skip


def test_itemknn_on_log_quantities_weighs_what_a_client_buys_much():
    # given client 0 buying 9 of item 0 and 1 of item 1, weighted log(1 + quantity); client 1
    # buys items 0 and 2, client 2 items 1 and 3, one each (weight 1)
    matrix = sp.csr_matrix(
        ([np.log(10.0), np.log(2.0), 1.0, 1.0, 1.0, 1.0], ([0, 0, 1, 1, 2, 2], [0, 1, 0, 2, 1, 3])),
        shape=(3, 4),
    )

    scores = itemknn_fit(matrix=matrix).scorer(np.array([0]))

    # then item 2, bought with the item client 0 buys in bulk, outscores item 3:
    # log 10 · cos(item 0, item 2) = log 10 / √(log² 10 + 1), against log 2 / √(log² 2 + 1)
    assert scores[0, 2:].round(6).tolist() == [0.917234, 0.569676]


def test_ease_weights_are_its_closed_form():
    rng = np.random.default_rng(7)
    matrix = (rng.random((40, 12)) < 0.3).astype(np.float64)
    regularization = 5.0

    weights = ease_weights(
        matrix=matrix_of(tuple(tuple(np.flatnonzero(row)) for row in matrix), 12),
        regularization=regularization,
    )

    inverse = np.linalg.inv(matrix.T @ matrix + regularization * np.eye(12))
    expected = np.eye(12) - inverse @ np.diag(1 / np.diag(inverse))
    assert np.allclose(weights, expected, rtol=0, atol=1e-12)
    assert np.all(np.diag(weights) == 0.0)


def test_ease_offers_the_missing_item_of_the_clients_cluster():
    matrix = two_clusters()

    ranked = recommendations_make(
        fitted=ease_fit(matrix=matrix, regularization=1.0), matrix=matrix, clients=ALL, k=1
    )

    assert _lists(ranked) == {0: [2], 1: [1], 2: [0], 3: [3], 4: [5], 5: [4], 6: [3], 7: [0]}


def test_ease_refuses_a_catalogue_too_big_for_a_dense_matrix(monkeypatch):
    monkeypatch.setattr(models, "EASE_MAX_ITEMS", 5)

    with pytest.raises(ModelRefusedError) as refused:
        ease_fit(matrix=two_clusters(), regularization=1.0)

    assert str(refused.value) == (
        "6 items are too many for EASE's dense item × item matrix (at most 5); "
        "ALS on Spark serves large catalogues"
    )


def test_ties_beyond_the_first_items_of_the_popularity_order_go_to_the_more_popular():
    # given 400 items, item i bought by 400 − i clients but all by client 0, except items 300
    # and up; a model scoring 0 everywhere
    buyers = np.arange(400, 0, -1).astype(np.float64)
    exclude = sp.csr_matrix(
        (np.ones(300), (np.zeros(300, dtype=np.int64), np.arange(300))), shape=(1, 400)
    )

    ranked = top_k(
        scorer=lambda clients: np.zeros((clients.size, 400)),
        clients=np.array([0]),
        exclude=exclude,
        candidates=np.ones(400, dtype=bool),
        buyers=buyers,
        k=2,
    )

    # then the two most popular items it has not bought come first
    assert ranked.item_code.tolist() == [300, 301]
    assert ranked.score.tolist() == [0.0, 0.0]


def test_a_client_with_almost_everything_gets_what_is_left():
    matrix = matrix_of(((0, 1, 2), (0,)), 4)

    ranked = recommendations_make(
        fitted=popular_fit(matrix=matrix), matrix=matrix, clients=np.arange(2), k=3
    )

    # item 3, bought by nobody, is never offered: client 0 has nothing left
    assert _lists(ranked) == {1: [1, 2]}
