"""Choosing what-to-offer model by a time split of the company's own history.

Every candidate is fitted on what the clients bought up to the calibration end and offers each
client its top k among the items somebody had bought by then, leaving out the client's own.
A client's relevant items are those it bought in the holdout, after the calibration end up to
the holdout end, and had never bought before (net quantities, see ``lines``). The candidates
are scored by recall@k and nDCG@k (``metrics``) over the clients known by the calibration end
(a line on or before it) that have a relevant item; the others are counted and left out. The
best nDCG@k wins; a tie goes to the simpler model (``MODEL_NAMES`` order), and within EASE to
the smaller λ.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from upsell.analytics.recommend.als import als_fit
from upsell.analytics.recommend.lines import IntArray, Lines, bought, clients_known, date_to_day
from upsell.analytics.recommend.metrics import Scores, scores_mean
from upsell.analytics.recommend.models import (
    EASE_LAMBDAS,
    MODEL_NAMES,
    Fitted,
    ModelName,
    ModelRefusedError,
    ease_fit,
    item_buyers,
    itemknn_fit,
    popular_fit,
)
from upsell.analytics.recommend.ranking import Ranked, top_k

NO_SPARK = "needs a Spark session: run with --spark (a local session takes about 7 s to start)"


@dataclass(frozen=True, eq=False)
class Split:
    """The backtest's data: what each client had bought by the calibration end, what it then
    bought for the first time in the holdout, and the clients scored."""

    train: sp.csr_matrix
    relevant: sp.csr_matrix
    scored: IntArray
    without_new_items: int
    new_in_holdout: int


@dataclass(frozen=True)
class CandidateScore:
    """A candidate's recall@k and nDCG@k on the holdout, or why it was not scored."""

    model: ModelName
    eligible: bool
    reason: str
    recall: float = math.nan
    ndcg: float = math.nan
    params: dict[str, float] = field(default_factory=dict)
    # EASE: (λ, recall, nDCG) for each λ tried.
    grid: tuple[tuple[float, float, float], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the scores of a model that was not scored are None."""
        report: dict[str, object] = {
            "eligible": self.eligible,
            "reason": self.reason,
            "recall_at_k": self.recall if self.eligible else None,
            "ndcg_at_k": self.ndcg if self.eligible else None,
            "params": self.params,
        }
        if self.grid:
            report["lambda_grid"] = [
                {"lambda": value, "recall_at_k": recall, "ndcg_at_k": ndcg}
                for value, recall, ndcg in self.grid
            ]
        return report


def split_make(*, lines: Lines, calibration_end: dt.date, holdout_end: dt.date) -> Split:
    train = bought(lines=lines, start=None, end=calibration_end)
    holdout = bought(lines=lines, start=calibration_end, end=holdout_end)
    relevant = sp.csr_matrix(holdout - holdout.multiply(train))
    relevant.eliminate_zeros()
    known = clients_known(lines=lines, end=calibration_end)
    has_new = np.diff(relevant.indptr) > 0
    in_holdout = np.zeros(lines.clients.size, dtype=bool)
    window = (lines.day > date_to_day(calibration_end)) & (lines.day <= date_to_day(holdout_end))
    in_holdout[lines.client_code[window]] = True
    return Split(
        train=train,
        relevant=relevant,
        scored=np.flatnonzero(known & has_new).astype(np.int64),
        without_new_items=int((known & ~has_new).sum()),
        new_in_holdout=int((~known & in_holdout).sum()),
    )


def recommendations_make(
    *, fitted: Fitted, matrix: sp.csr_matrix, clients: IntArray, k: int
) -> Ranked:
    """Each client's top ``k`` of the items somebody in ``matrix`` bought, never its own."""
    buyers = item_buyers(matrix)
    return top_k(
        scorer=fitted.scorer,
        clients=clients,
        exclude=matrix,
        candidates=buyers > 0,
        buyers=buyers,
        k=k,
    )


def model_fit(
    *, model: ModelName, matrix: sp.csr_matrix, params: dict[str, float], spark: Any = None
) -> Fitted:
    """``model`` fitted on ``matrix`` with ``params`` (EASE's λ); raises ``ModelRefusedError``."""
    if model == "popular":
        return popular_fit(matrix=matrix)
    if model == "itemknn":
        return itemknn_fit(matrix=matrix)
    if model == "ease":
        return ease_fit(matrix=matrix, regularization=params.get("lambda", EASE_LAMBDAS[1]))
    if spark is None:
        raise ModelRefusedError(NO_SPARK)
    return als_fit(matrix=matrix, spark=spark)


def _scored(fitted: Fitted, split: Split, k: int) -> Scores:
    ranked = recommendations_make(fitted=fitted, matrix=split.train, clients=split.scored, k=k)
    return scores_mean(ranked=ranked, relevant=split.relevant, clients=split.scored, k=k)


def candidate_score(*, model: ModelName, split: Split, k: int, spark: Any = None) -> CandidateScore:
    if model != "ease":
        try:
            fitted = model_fit(model=model, matrix=split.train, params={}, spark=spark)
        except ModelRefusedError as refused:
            return CandidateScore(model, False, str(refused))
        scores = _scored(fitted, split, k)
        return CandidateScore(model, True, "scored", scores.recall, scores.ndcg, fitted.params)
    grid = []
    for value in EASE_LAMBDAS:
        try:
            fitted = ease_fit(matrix=split.train, regularization=value)
        except ModelRefusedError as refused:
            return CandidateScore(model, False, str(refused))
        scores = _scored(fitted, split, k)
        grid.append((value, scores.recall, scores.ndcg))
    # The first of the best: the smallest λ among equal nDCGs.
    value, recall, ndcg = max(grid, key=lambda entry: (entry[2], -entry[0]))
    return CandidateScore(model, True, "scored", recall, ndcg, {"lambda": value}, tuple(grid))


def models_backtest(
    *, split: Split, k: int, models: tuple[ModelName, ...] = MODEL_NAMES, spark: Any = None
) -> tuple[CandidateScore, ...]:
    if split.scored.size == 0:
        raise ValueError(
            "no client known by the calibration end bought a new item in the holdout: "
            "there is nothing to score the models on"
        )
    return tuple(candidate_score(model=model, split=split, k=k, spark=spark) for model in models)


def model_choose(*, scores: tuple[CandidateScore, ...]) -> CandidateScore:
    """The eligible candidate with the best nDCG@k, the simpler one on a tie."""
    eligible = [score for score in scores if score.eligible]
    if not eligible:
        reasons = "; ".join(f"{score.model}: {score.reason}" for score in scores)
        raise ValueError(f"no model could be fitted ({reasons})")
    return max(eligible, key=lambda score: (score.ndcg, -MODEL_NAMES.index(score.model)))
