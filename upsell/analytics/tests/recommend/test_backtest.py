import datetime as dt

import pytest

from upsell.analytics.recommend import models
from upsell.analytics.recommend.backtest import (
    NO_SPARK,
    CandidateScore,
    model_choose,
    models_backtest,
    split_make,
)
from upsell.analytics.recommend.lines import lines_from_table
from upsell.analytics.recommend.simulate import lines_as_text, lines_simulate


@pytest.fixture(scope="module")
def planted_split():
    """300 clients in 4 clusters, each buying 90 % of its assortment from its cluster's items:
    a structure co-purchases reveal and popularity does not."""
    table = lines_simulate(
        clients=300,
        items=40,
        clusters=4,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        seed=5,
        mean_basket=8,
        share_in_cluster=0.9,
    )
    lines = lines_from_table(
        table=lines_as_text(table),
        client_column="customer",
        item_column="item",
        date_column="date",
        quantity_column="quantity",
        amount_column="amount",
    )
    return split_make(
        lines=lines, calibration_end=dt.date(2024, 9, 30), holdout_end=dt.date(2024, 12, 31)
    )


def test_the_split_counts_the_clients_scored_and_left_out(planted_split):
    assert planted_split.scored.size == 209
    assert planted_split.without_new_items == 87
    assert planted_split.new_in_holdout == 4


def test_the_backtest_prefers_the_models_that_see_the_clusters(planted_split):
    scores = models_backtest(split=planted_split, k=5)

    by_model = {score.model: score for score in scores}
    rounded = {
        model: (round(score.recall, 6), round(score.ndcg, 6))
        for model, score in by_model.items()
        if score.eligible
    }
    assert rounded == {
        "popular": (0.317464, 0.223726),
        "itemknn": (0.751356, 0.592496),
        "ease": (0.738596, 0.597714),
    }
    assert [(value, round(ndcg, 6)) for value, _, ndcg in by_model["ease"].grid] == [
        (10.0, 0.571192),
        (100.0, 0.596186),
        (1000.0, 0.597714),
    ]
    assert by_model["als"].eligible is False
    assert by_model["als"].reason == NO_SPARK

    chosen = model_choose(scores=scores)
    assert (chosen.model, chosen.params) == ("ease", {"lambda": 1000.0})


def test_a_tie_goes_to_the_simpler_model():
    scores = (
        CandidateScore("ease", True, "scored", 0.5, 0.4, {"lambda": 10.0}),
        CandidateScore("itemknn", True, "scored", 0.6, 0.4),
        CandidateScore("popular", True, "scored", 0.2, 0.1),
        CandidateScore("als", False, NO_SPARK),
    )

    assert model_choose(scores=scores).model == "itemknn"


def test_no_model_that_could_be_fitted_is_an_error():
    scores = (CandidateScore("als", False, NO_SPARK),)

    with pytest.raises(ValueError, match=r".") as refused:
        model_choose(scores=scores)

    assert str(refused.value) == f"no model could be fitted (als: {NO_SPARK})"


def test_ease_refused_for_a_large_catalogue_leaves_the_choice_to_the_others(
    planted_split, monkeypatch
):
    monkeypatch.setattr(models, "EASE_MAX_ITEMS", 39)

    scores = models_backtest(split=planted_split, k=5, models=("popular", "itemknn", "ease"))

    assert scores[2].eligible is False
    assert scores[2].reason == (
        "40 items are too many for EASE's dense item × item matrix (at most 39); "
        "ALS on Spark serves large catalogues"
    )
    assert model_choose(scores=scores).model == "itemknn"
