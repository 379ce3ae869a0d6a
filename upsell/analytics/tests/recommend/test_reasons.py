import numpy as np

from upsell.analytics.recommend.ranking import Ranked
from upsell.analytics.recommend.reasons import NO_ITEM, reasons_make
from upsell.analytics.tests.recommend.data import matrix_of, two_clusters


def _ranked(pairs):
    clients, items = zip(*pairs, strict=True)
    return Ranked(np.array(clients), np.array(items), np.ones(len(pairs), dtype=np.int64),
                  np.ones(len(pairs)))  # fmt: skip


def test_the_reason_is_the_clients_item_whose_buyers_most_often_buy_the_offer():
    # given client 0 with items 0 and 1 offered item 2, and client 3 with its whole cluster
    # offered item 3, which no buyer of its items buys
    ranked = _ranked([(0, 2), (3, 3)])

    reasons = reasons_make(ranked=ranked, matrix=two_clusters(), model="itemknn")

    # then item 2 is bought by 2 of the 3 buyers of item 0 (as of item 1: the smaller code
    # wins the tie), and item 3 by 3 of the 8 clients
    assert reasons.buyers.tolist() == [2, 3]
    assert reasons.among.tolist() == [3, 8]
    assert reasons.because_of.tolist() == [0, NO_ITEM]


def test_among_equal_co_buyers_the_item_with_fewer_buyers_is_the_reason():
    # items 0 (5 buyers) and 1 (3 buyers) are each bought with item 2 by two clients
    matrix = matrix_of(((0, 1), (0, 2), (0, 2), (0,), (0,), (1, 2), (1, 2)), 3)

    reasons = reasons_make(ranked=_ranked([(0, 2)]), matrix=matrix, model="ease")

    assert (reasons.buyers.tolist(), reasons.among.tolist()) == ([2], [3])
    assert reasons.because_of.tolist() == [1]


def test_popularity_gives_the_items_buyers_among_all_clients():
    reasons = reasons_make(ranked=_ranked([(0, 2)]), matrix=two_clusters(), model="popular")

    assert (reasons.buyers.tolist(), reasons.among.tolist()) == ([3], [8])
    assert reasons.because_of.tolist() == [NO_ITEM]
