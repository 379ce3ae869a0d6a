"""``upsell btyd --model auto``: the forecast chosen by an inner backtest on the calibration
period alone, among single models and blends of two.

The candidates are BG/NBD, Pareto/NBD, NBD (no dropout) and each customer's historic rate. A
BG/NBD or Pareto/NBD fit that runs to the boundary where nobody leaves (a → 0 or b → ∞,
s → 0 or β → ∞) is the NBD limit of its family and is scored as such, with the NBD's own
fitted r and alpha (so the three forecast alike, and a tie goes to the earlier candidate); one
whose dropout parameters both ran to infinity (one dropout probability or rate for everybody)
is scored at its boundary parameters; any other fit that cannot be trusted leaves its candidate
out. Besides the single models, every convex blend of two of them, and every model shrunk
towards no purchase at all, is a candidate, with weights in steps of 0.01.

The inner split: only purchases up to the calibration end are read. The inner horizon is the
forecast's horizon, but at most half of the time from the first purchase to the calibration
end; each fold fits on the purchases up to an origin and is scored on what each customer
bought from then to the calibration end, with origins 1, 3/4 and 1/2 of the inner horizon
before it. In each fold a candidate's mean absolute and root mean squared errors of each
customer's transactions are divided by the lowest of the single models; its score is the
larger of the two ratios, averaged over the folds. The lowest score wins (a single model
before a blend on a tie): a score below 1 means beating every single model on both errors.
The chosen models are then fitted on the whole calibration period and blended with the
chosen weights.
"""

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from upsell.analytics.btyd.bgnbd import (
    bgnbd_expected_transactions,
    bgnbd_fit,
    bgnbd_probability_alive,
)
from upsell.analytics.btyd.fallbacks import historic_rate_expected_transactions
from upsell.analytics.btyd.forecast import NotIdentifiableError, spend_per_transaction
from upsell.analytics.btyd.nbd import nbd_expected_transactions, nbd_fit
from upsell.analytics.btyd.pnbd import (
    pnbd_expected_transactions,
    pnbd_fit,
    pnbd_probability_alive,
)
from upsell.analytics.btyd.summary import (
    CustomerSummary,
    Freq,
    Transactions,
    date_to_day,
    period_length,
    transactions_summarize,
    transactions_window,
)
from upsell.analytics.btyd.types import (
    BgNbdParams,
    FitResult,
    FloatArray,
    GammaGammaParams,
    NbdParams,
    ParetoNbdParams,
)

CandidateName = Literal["bgnbd", "pnbd", "nbd", "historic_rate"]
CANDIDATES: tuple[CandidateName, ...] = get_args(CandidateName)
# The forecast of no purchase at all: never a candidate alone, only what a model is shrunk to.
NO_PURCHASE = "no_purchase"
WEIGHTS = tuple(k / 100 for k in range(1, 100))
# Each fold's origin, as a share of the inner horizon before the calibration end.
INNER_FOLDS = (1.0, 0.75, 0.5)
# Where a family's fit runs to these edges nobody leaves: the fit is the NBD limit.
NO_DROPOUT_EDGES: dict[str, frozenset[tuple[str, str]]] = {
    "bgnbd": frozenset({("a", "0"), ("b", "∞")}),
    "pnbd": frozenset({("s", "0"), ("beta", "∞")}),
}
DROPOUT_PARAMS = {"bgnbd": frozenset({"a", "b"}), "pnbd": frozenset({"s", "beta"})}

type AnyFit = FitResult[BgNbdParams] | FitResult[ParetoNbdParams] | FitResult[NbdParams] | None


@dataclass(frozen=True, eq=False)
class CandidateForecast:
    """What one candidate expects of each customer of a summary over a horizon.

    ``form`` is the model that made the numbers: the candidate itself, or ``nbd_limit`` for a
    BG/NBD or Pareto/NBD fit that ran to the no-dropout boundary (``note`` says which edge).
    """

    name: CandidateName
    form: str
    note: str
    expected_transactions: FloatArray
    probability_alive: FloatArray | None
    fit: AnyFit


def _boundary_limit(
    name: CandidateName,
    fit: FitResult[BgNbdParams] | FitResult[ParetoNbdParams],
    summary: CustomerSummary,
    horizon: float,
) -> CandidateForecast:
    """The limit a converged fit ran to when only its dropout parameters reached the edge,
    or ``NotIdentifiableError``: the NBD limit where nobody leaves; otherwise (a, b or s, β
    both → ∞: one dropout probability or rate for everybody) the boundary parameters
    themselves, as the forecast is continuous there."""
    edges = set(fit.edges.items())
    if not fit.converged or not edges or not {n for n, _ in edges} <= DROPOUT_PARAMS[name]:
        raise NotIdentifiableError(fit.reason)
    x, t_x, t = summary.frequency, summary.recency, summary.age
    if edges <= NO_DROPOUT_EDGES[name]:
        # The limit is the NBD model: its own maximum-likelihood fit, which the boundary fit's
        # r and alpha approach only to the optimizer's tolerance (on each processor a little
        # differently). BG/NBD's and Pareto/NBD's limits and the NBD then forecast alike.
        nbd = nbd_fit(frequency=x, recency=t_x, age=t)
        params = (
            nbd.params if nbd.identifiable else NbdParams(r=fit.params.r, alpha=fit.params.alpha)
        )
        expected = nbd_expected_transactions(
            params=params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        note = "the NBD limit (no dropout): " + fit.reason
        return CandidateForecast(name, "nbd_limit", note, expected, np.ones_like(expected), fit)
    if isinstance(fit.params, BgNbdParams):
        expected = bgnbd_expected_transactions(
            params=fit.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        alive = bgnbd_probability_alive(params=fit.params, frequency=x, recency=t_x, age=t)
    else:
        expected = pnbd_expected_transactions(
            params=fit.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        alive = pnbd_probability_alive(params=fit.params, frequency=x, recency=t_x, age=t)
    if not np.isfinite(expected).all():
        raise NotIdentifiableError(fit.reason)
    note = "the limit of one dropout for everybody: " + fit.reason
    return CandidateForecast(name, "homogeneous_dropout_limit", note, expected, alive, fit)


def candidate_forecast(
    *, name: CandidateName, summary: CustomerSummary, horizon: float
) -> CandidateForecast:
    """Fit ``name`` on ``summary`` and expect each customer's transactions over ``horizon``
    periods; raises ``NotIdentifiableError`` for a fit that cannot be used."""
    x, t_x, t = summary.frequency, summary.recency, summary.age
    if name == "historic_rate":
        expected = historic_rate_expected_transactions(frequency=x, age=t, horizon=horizon)
        return CandidateForecast(name, name, "", expected, None, None)
    if name == "nbd":
        nbd = nbd_fit(frequency=x, recency=t_x, age=t)
        if not nbd.identifiable:
            raise NotIdentifiableError(nbd.reason)
        expected = nbd_expected_transactions(
            params=nbd.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        return CandidateForecast(name, name, "", expected, np.ones_like(expected), nbd)
    if name == "bgnbd":
        bg = bgnbd_fit(frequency=x, recency=t_x, age=t)
        if not bg.identifiable:
            return _boundary_limit(name, bg, summary, horizon)
        expected = bgnbd_expected_transactions(
            params=bg.params, horizon=horizon, frequency=x, recency=t_x, age=t
        )
        alive = bgnbd_probability_alive(params=bg.params, frequency=x, recency=t_x, age=t)
        return CandidateForecast(name, name, "", expected, alive, bg)
    pareto = pnbd_fit(frequency=x, recency=t_x, age=t)
    if not pareto.identifiable:
        return _boundary_limit(name, pareto, summary, horizon)
    expected = pnbd_expected_transactions(
        params=pareto.params, horizon=horizon, frequency=x, recency=t_x, age=t
    )
    alive = pnbd_probability_alive(params=pareto.params, frequency=x, recency=t_x, age=t)
    return CandidateForecast(name, name, "", expected, alive, pareto)


@dataclass(frozen=True)
class Mix:
    """A single model (one part of weight 1) or a convex blend of two, the second part
    possibly ``no_purchase``."""

    parts: tuple[tuple[str, float], ...]

    @property
    def label(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0][0]
        return " + ".join(f"{weight:.2f} {name}" for name, weight in self.parts)

    def combine(self, predictions: Mapping[str, FloatArray]) -> FloatArray:
        size = next(iter(predictions.values())).size
        total: FloatArray = np.zeros(size)
        for name, weight in self.parts:
            if name != NO_PURCHASE:
                total = total + weight * predictions[name]
        return total


def _mixes(names: tuple[CandidateName, ...]) -> list[Mix]:
    """Every single model, then every blend of two and every model shrunk to no purchase."""
    mixes = [Mix(((name, 1.0),)) for name in names]
    pairs = [*itertools.combinations(names, 2), *((name, NO_PURCHASE) for name in names)]
    for first, second in pairs:
        mixes.extend(Mix(((first, weight), (second, round(1.0 - weight, 2)))) for weight in WEIGHTS)
    return mixes


@dataclass(frozen=True)
class InnerFold:
    """Fitted on the purchases up to ``origin``, scored on (origin, end]."""

    origin: dt.date
    end: dt.date


def inner_folds(
    *, first_day: dt.date, calibration_end: dt.date, horizon_days: int
) -> tuple[InnerFold, ...]:
    """The folds of the inner split (see the module's description), latest origin last."""
    inner = min(horizon_days, (calibration_end - first_day).days // 2)
    origins = sorted(
        {calibration_end - dt.timedelta(days=round(inner * share)) for share in INNER_FOLDS}
    )
    return tuple(
        InnerFold(origin=origin, end=calibration_end)
        for origin in origins
        if first_day <= origin < calibration_end
    )


@dataclass(frozen=True)
class SingleScore:
    """A single model's errors averaged over the folds, or why it could not be scored."""

    name: CandidateName
    eligible: bool
    reason: str
    mae: float
    rmse: float

    def as_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "reason": self.reason,
            "mae_transactions": self.mae if self.eligible else None,
            "rmse_transactions": self.rmse if self.eligible else None,
        }


@dataclass(frozen=True)
class InnerBacktest:
    """The inner split's folds, the single models' scores and the chosen mix with its score
    (NaN when nothing could be scored and the first usable model is taken)."""

    folds: tuple[InnerFold, ...]
    singles: tuple[SingleScore, ...]
    chosen: Mix | None
    score: float
    chosen_mae: float
    chosen_rmse: float


def _errors(predictions: FloatArray, actual: FloatArray) -> tuple[FloatArray, FloatArray]:
    """MAE and RMSE of each row of ``predictions`` (mixes × customers)."""
    difference = predictions - actual
    return np.abs(difference).mean(axis=1), np.sqrt((difference**2).mean(axis=1))


def _ratio(value: FloatArray, reference: float) -> FloatArray:
    if reference > 0:
        ratio: FloatArray = value / reference
        return ratio
    return np.where(value > 0, np.inf, 1.0)


def mix_scores(
    *, mixes: list[Mix], folds: list[tuple[Mapping[str, FloatArray], FloatArray]]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each mix's score (see the module's description), MAE and RMSE averaged over ``folds``,
    each fold given as the single models' predictions and the actual transactions."""
    scores = np.zeros(len(mixes))
    maes = np.zeros(len(mixes))
    rmses = np.zeros(len(mixes))
    for predictions, actual in folds:
        matrix = np.stack([mix.combine(predictions) for mix in mixes])
        mae, rmse = _errors(matrix, actual)
        singles = [i for i, mix in enumerate(mixes) if len(mix.parts) == 1]
        worst = np.maximum(
            _ratio(mae, float(mae[singles].min())), _ratio(rmse, float(rmse[singles].min()))
        )
        scores += worst / len(folds)
        maes += mae / len(folds)
        rmses += rmse / len(folds)
    return scores, maes, rmses


def inner_backtest(
    *, history: Transactions, calibration_end: dt.date, horizon_days: int, freq: Freq
) -> InnerBacktest:
    """Score every candidate on the inner split of ``history``, which must hold no purchase
    after ``calibration_end``, and choose."""
    if int(history.day.max()) > date_to_day(calibration_end):
        raise ValueError("the inner backtest reads only the purchases of the calibration period")
    first_day = dt.date(1970, 1, 1) + dt.timedelta(days=int(history.day.min()))
    folds = inner_folds(
        first_day=first_day, calibration_end=calibration_end, horizon_days=horizon_days
    )
    failures: dict[CandidateName, str] = {}
    scored: list[tuple[dict[str, FloatArray], FloatArray]] = []
    for fold in folds:
        summary = transactions_summarize(
            transactions=history, calibration_end=fold.origin, freq=freq
        )
        actual, _ = transactions_window(
            transactions=history,
            customer_code=summary.customer_code,
            start=fold.origin,
            end=fold.end,
            freq=freq,
        )
        horizon = period_length(start=fold.origin, end=fold.end, freq=freq)
        predictions: dict[str, FloatArray] = {}
        for name in CANDIDATES:
            if name in failures:
                continue
            try:
                candidate = candidate_forecast(name=name, summary=summary, horizon=horizon)
            except (NotIdentifiableError, ValueError) as error:
                failures[name] = f"fold {fold.origin.isoformat()}–{fold.end.isoformat()}: {error}"
                continue
            predictions[name] = candidate.expected_transactions
        scored.append((predictions, actual))
    eligible = tuple(name for name in CANDIDATES if name not in failures)
    if not folds or not eligible:
        reason = "the calibration period is too short for an inner split" if not folds else ""
        singles = tuple(
            SingleScore(name, False, failures.get(name, reason), np.nan, np.nan)
            for name in CANDIDATES
        )
        return InnerBacktest(folds, singles, None, np.nan, np.nan, np.nan)
    mixes = _mixes(eligible)
    scores, maes, rmses = mix_scores(
        mixes=mixes,
        folds=[({n: p[n] for n in eligible}, actual) for p, actual in scored],
    )
    # Scores equal to nine places are a tie: a blend that only ties a single model, or a BG/NBD
    # fit at its NBD limit against the NBD fit itself, differ by floating-point noise that
    # another processor's arithmetic turns the other way. The earlier candidate wins a tie.
    best = min(range(len(mixes)), key=lambda i: (round(float(scores[i]), 9), i))
    by_name = {mix.parts[0][0]: i for i, mix in enumerate(mixes) if len(mix.parts) == 1}
    singles = tuple(
        SingleScore(name, True, "scored", float(maes[by_name[name]]), float(rmses[by_name[name]]))
        if name in by_name
        else SingleScore(name, False, failures[name], np.nan, np.nan)
        for name in CANDIDATES
    )
    return InnerBacktest(
        folds,
        singles,
        mixes[best],
        float(scores[best]),
        float(maes[best]),
        float(rmses[best]),
    )


@dataclass(frozen=True, eq=False)
class AutoForecast:
    """The chosen mix refitted on the whole calibration period.

    ``parts`` are the candidates actually used with their weights (a part whose refit could
    not be used is replaced by the historic rate and ``fallback_reason`` says why).
    """

    summary: CustomerSummary
    mix: Mix
    parts: tuple[CandidateForecast, ...]
    fallback_reason: str
    expected_transactions: FloatArray
    expected_spend: FloatArray
    probability_alive: FloatArray | None
    spend_fit: FitResult[GammaGammaParams] | None
    backtest: InnerBacktest


def transactions_until(transactions: Transactions, day: dt.date) -> Transactions:
    """The purchases up to ``day`` (inclusive): all the inner backtest may read."""
    keep = transactions.day <= date_to_day(day)
    return Transactions(
        customers=transactions.customers,
        customer_code=transactions.customer_code[keep],
        day=transactions.day[keep],
        amount=transactions.amount[keep],
    )


def auto_forecast(
    *, transactions: Transactions, calibration_end: dt.date, horizon_end: dt.date, freq: Freq
) -> AutoForecast:
    """Choose by the inner backtest and forecast each customer to ``horizon_end``."""
    if horizon_end <= calibration_end:
        raise ValueError("the horizon must end after the calibration end")
    history = transactions_until(transactions, calibration_end)
    if history.day.size == 0:
        raise ValueError(f"no purchase on or before {calibration_end.isoformat()}")
    backtest = inner_backtest(
        history=history,
        calibration_end=calibration_end,
        horizon_days=(horizon_end - calibration_end).days,
        freq=freq,
    )
    summary = transactions_summarize(
        transactions=history, calibration_end=calibration_end, freq=freq
    )
    horizon = period_length(start=calibration_end, end=horizon_end, freq=freq)
    mix = backtest.chosen or Mix((("bgnbd", 1.0),))
    parts: list[CandidateForecast] = []
    used: list[tuple[str, float]] = []
    reasons = []
    for name, weight in mix.parts:
        if name == NO_PURCHASE:
            used.append((name, weight))
            continue
        try:
            part = candidate_forecast(name=name, summary=summary, horizon=horizon)  # type: ignore[arg-type]
        except NotIdentifiableError as error:
            reasons.append(f"{name}: {error}")
            part = candidate_forecast(name="historic_rate", summary=summary, horizon=horizon)
        parts.append(part)
        used.append((part.name, weight))
    spend, spend_fit = spend_per_transaction(summary)
    expected = np.zeros(summary.customer.size)
    expected_spend = np.zeros(summary.customer.size)
    for part, (_, weight) in zip(parts, [p for p in used if p[0] != NO_PURCHASE], strict=True):
        expected = expected + weight * part.expected_transactions
        own_spend = summary.average_spend if part.name == "historic_rate" else spend
        expected_spend = expected_spend + weight * part.expected_transactions * own_spend
    alive = parts[0].probability_alive if len(mix.parts) == 1 else None
    return AutoForecast(
        summary=summary,
        mix=Mix(tuple(used)),
        parts=tuple(parts),
        fallback_reason="; ".join(reasons),
        expected_transactions=expected,
        expected_spend=expected_spend,
        probability_alive=alive,
        spend_fit=spend_fit,
        backtest=backtest,
    )
