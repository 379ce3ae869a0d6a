"""Choose the model by the backtest, refit it on the whole history and rank every client's top k
with its reasons: the one path of the analysts' command and of the nightly suggestions.

The backtest compares the candidates on calibration → holdout (``backtest``). The chosen model,
with the parameters the backtest chose, is then fitted on everything up to the holdout end, for
use after it: each client with a line by then gets its top k among the items somebody had bought
by then, never an item it had bought itself (net quantity positive) before the holdout end.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from upsell.analytics.recommend.backtest import (
    CandidateScore,
    Split,
    model_choose,
    model_fit,
    models_backtest,
    recommendations_make,
    split_make,
)
from upsell.analytics.recommend.lines import Lines, bought, date_to_day
from upsell.analytics.recommend.models import MODEL_NAMES, ModelName
from upsell.analytics.recommend.ranking import Ranked
from upsell.analytics.recommend.reasons import Reasons, reasons_make


@dataclass(frozen=True, eq=False)
class Recommended:
    """The backtest's split and scores, the model chosen, the purchases it was refitted on
    (clients × items up to the holdout end), the recommendations and their reasons."""

    split: Split
    scores: tuple[CandidateScore, ...]
    chosen: CandidateScore
    matrix: sp.csr_matrix
    ranked: Ranked
    reasons: Reasons


def data_refusal(*, lines: Lines, calibration_end: dt.date, holdout_end: dt.date) -> str | None:
    """Why these lines cannot choose a model, in words, or None when they can."""
    calibration_day, holdout_day = date_to_day(calibration_end), date_to_day(holdout_end)
    if not np.any(lines.day <= calibration_day):
        return f"no line on or before the calibration end {calibration_end}"
    if not np.any((lines.day > calibration_day) & (lines.day <= holdout_day)):
        return (
            f"no line in the holdout, after {calibration_end} up to {holdout_end}: "
            "the models cannot be compared"
        )
    if lines.clients.size < 2:
        return "there is one client only: recommendations compare a client with others"
    return None


def recommendations_run(
    *,
    lines: Lines,
    calibration_end: dt.date,
    holdout_end: dt.date,
    k: int,
    models: tuple[ModelName, ...] = MODEL_NAMES,
    spark: Any = None,
) -> Recommended:
    """Backtest ``models``, choose, refit on everything up to ``holdout_end`` and rank.

    Raises ``ValueError`` with the reason when the lines cannot choose a model
    (``data_refusal``, or no client to score the models on, or no model that could be fitted).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if holdout_end <= calibration_end:
        raise ValueError("the holdout end must come after the calibration end")
    refusal = data_refusal(lines=lines, calibration_end=calibration_end, holdout_end=holdout_end)
    if refusal is not None:
        raise ValueError(refusal)
    split = split_make(lines=lines, calibration_end=calibration_end, holdout_end=holdout_end)
    scores = models_backtest(split=split, k=k, models=models, spark=spark)
    chosen = model_choose(scores=scores)
    matrix = bought(lines=lines, start=None, end=holdout_end)
    fitted = model_fit(model=chosen.model, matrix=matrix, params=chosen.params, spark=spark)
    holdout_day = date_to_day(holdout_end)
    clients = np.flatnonzero(
        np.bincount(lines.client_code[lines.day <= holdout_day], minlength=lines.clients.size)
    ).astype(np.int64)
    ranked = recommendations_make(fitted=fitted, matrix=matrix, clients=clients, k=k)
    reasons = reasons_make(ranked=ranked, matrix=matrix, model=chosen.model)
    return Recommended(
        split=split,
        scores=scores,
        chosen=chosen,
        matrix=matrix,
        ranked=ranked,
        reasons=reasons,
    )
