"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); right after
each repeat purchase it dies with probability p ~ Beta(a, b). The per-customer likelihood of a
summary (x repeat purchases, the last at t_x, observed for T) is equation (6) of the paper:

    L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))
      + δ(x > 0) · B(a + 1, b + x - 1)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + t_x)^(r + x))

computed in logs as A1 + A2 + logaddexp(A3, A4) (section 7 of the paper).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, expit, gammaln, hyp2f1

from upsell.analytics.btyd._fitting import fit_run, summary_validate
from upsell.analytics.btyd.types import BgNbdParams, FitResult, FloatArray

NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True, eq=False)
class _Rows:
    """Summary rows ordered with the one-time buyers (x = 0) first, each row with a weight.

    Half of a repeat buyer's likelihood depends on x alone, so it is evaluated once per
    distinct frequency (``x_index`` maps the repeat rows to ``distinct_x``); a one-time
    buyer's depends on T alone, so for fitting they are merged into one row per distinct T.
    """

    x: FloatArray
    t_x: FloatArray
    t: FloatArray
    weight: FloatArray
    one_time: int
    distinct_x: FloatArray
    x_index: npt.NDArray[np.intp]

    def rescaled(self, scale: float) -> "_Rows":
        return _Rows(
            self.x,
            self.t_x / scale,
            self.t / scale,
            self.weight,
            self.one_time,
            self.distinct_x,
            self.x_index,
        )


def _rows(x: FloatArray, t_x: FloatArray, t: FloatArray, *, merge: bool) -> _Rows:
    """Rows for the likelihood; without ``merge`` the one-time buyers must already be first."""
    repeat = x > 0
    if merge:
        distinct_t, counts = np.unique(t[~repeat], return_counts=True)
        zeros = np.zeros(distinct_t.size)
        x = np.concatenate([zeros, x[repeat]])
        t_x = np.concatenate([zeros, t_x[repeat]])
        t = np.concatenate([distinct_t, t[repeat]])
        weight = np.concatenate([counts.astype(np.float64), np.ones(int(repeat.sum()))])
        one_time = distinct_t.size
    else:
        weight = np.ones(x.size)
        one_time = int((~repeat).sum())
    distinct_x, x_index = np.unique(x[one_time:], return_inverse=True)
    return _Rows(x, t_x, t, weight, one_time, distinct_x, x_index)


def _customer_rows(
    frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> tuple[_Rows, npt.NDArray[np.intp]]:
    """Unmerged rows and the permutation that puts them back in the customers' order."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    order = np.argsort(x > 0, kind="stable")
    restore = np.empty_like(order)
    restore[order] = np.arange(order.size)
    return _rows(x[order], t_x[order], t[order], merge=False), restore


def _terms(params: tuple[float, float, float, float], rows: _Rows) -> tuple[FloatArray, FloatArray]:
    """Per-row log-likelihood and its gradient in (r, alpha, a, b), shape (4, rows)."""
    r, alpha, a, b = params
    size = rows.x.size
    log_likelihood = np.empty(size)
    gradient = np.empty((4, size))
    log_alpha = np.log(alpha)

    # One-time buyers (x = 0) cannot have died yet (dropout follows a repeat purchase), so
    # their likelihood is (α / (α + T))^r and does not involve a or b.
    one = slice(0, rows.one_time)
    t_one = rows.t[one]
    log_alpha_t_one = np.log(alpha + t_one)
    log_likelihood[one] = r * (log_alpha - log_alpha_t_one)
    gradient[0, one] = log_alpha - log_alpha_t_one
    gradient[1, one] = r / alpha - r / (alpha + t_one)
    gradient[2:, one] = 0.0

    # Repeat buyers: A1 + A2 + log(e^A3 + e^A4), the terms in x alone once per distinct x.
    ux, idx = rows.distinct_x, rows.x_index
    a1_a2 = (
        gammaln(r + ux)
        - gammaln(r)
        + r * log_alpha
        + gammaln(a + b)
        + gammaln(b + ux)
        - gammaln(b)
        - gammaln(a + b + ux)
    )
    psi_r = digamma(r + ux) - digamma(r) + log_alpha
    psi_a = digamma(a + b) - digamma(a + b + ux)
    psi_b = psi_a + digamma(b + ux) - digamma(b)
    log_b_x = np.log(b + ux - 1.0)

    rep = slice(rows.one_time, None)
    x, t, t_x = rows.x[rep], rows.t[rep], rows.t_x[rep]
    rx = r + x
    log_alpha_t = np.log(alpha + t)
    log_alpha_tx = np.log(alpha + t_x)
    # d = A4 - A3; the "died after the last purchase" branch has weight w4 = sigmoid(d).
    d = np.log(a) - log_b_x[idx] - rx * (log_alpha_tx - log_alpha_t)
    softplus = np.maximum(d, 0.0) + np.log1p(np.exp(-np.abs(d)))
    w4 = np.exp(d - softplus)
    log_likelihood[rep] = a1_a2[idx] - rx * log_alpha_t + softplus
    gradient[0, rep] = psi_r[idx] - log_alpha_t + w4 * (log_alpha_t - log_alpha_tx)
    gradient[1, rep] = r / alpha - rx * ((1.0 - w4) / (alpha + t) + w4 / (alpha + t_x))
    gradient[2, rep] = psi_a[idx] + w4 / a
    gradient[3, rep] = psi_b[idx] - w4 / (b + x - 1.0)
    return log_likelihood, gradient


def _as_tuple(params: BgNbdParams) -> tuple[float, float, float, float]:
    return params.r, params.alpha, params.a, params.b


def bgnbd_log_likelihood(
    *, params: BgNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """Log-likelihood of each customer's (x, t_x, T)."""
    rows, restore = _customer_rows(frequency, recency, age)
    return _terms(_as_tuple(params), rows)[0][restore]


def bgnbd_log_likelihood_gradient(
    *, params: BgNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """Analytic gradient of each customer's log-likelihood in (r, alpha, a, b): shape (n, 4)."""
    rows, restore = _customer_rows(frequency, recency, age)
    return _terms(_as_tuple(params), rows)[1].T[restore]


def bgnbd_fit(
    *, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FitResult[BgNbdParams]:
    """Maximum-likelihood BG/NBD fit with an identifiability verdict (see ``FitResult``)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    # Time is rescaled to a mean age of 1 so that every log-parameter starts near 0 whatever
    # the unit (days, weeks); alpha is scaled back afterwards.
    scale = float(t.mean()) if t.mean() > 0 else 1.0
    rows = _rows(x, t_x, t, merge=True)
    scaled = rows.rescaled(scale)
    count = x.size

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        values = np.exp(log_params)
        log_likelihood, gradient = _terms((values[0], values[1], values[2], values[3]), scaled)
        # Plain reductions rather than BLAS products: with four parameters a threaded gemv
        # costs more in thread wake-ups than it saves.
        return (
            -float((scaled.weight * log_likelihood).sum()) / count,
            -(gradient * scaled.weight).sum(axis=1) * values / count,
        )

    # Mean purchase rate of the population, in rescaled time: alpha ≈ r / rate.
    rate = max(float(x.mean()), 0.05) / max(float(t.mean()) / scale, 1e-9)
    starts = [
        np.log([1.0, 1.0 / rate, 1.0, 1.0]),
        np.log([0.3, 0.3 / rate, 0.5, 3.0]),
        np.log([3.0, 3.0 / rate, 0.2, 10.0]),
    ]

    def to_params(log_params: FloatArray) -> BgNbdParams:
        r, alpha, a, b = np.exp(log_params)
        return BgNbdParams(r=float(r), alpha=float(alpha) * scale, a=float(a), b=float(b))

    def total(params: BgNbdParams) -> float:
        return float((rows.weight * _terms(_as_tuple(params), rows)[0]).sum())

    return fit_run(
        model="bgnbd",
        names=NAMES,
        objective=objective,
        starts=starts,
        customers=count,
        to_params=to_params,
        log_likelihood=total,
    )


def bgnbd_probability_alive(
    *, params: BgNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """P(alive at T | x, t_x, T) (Fader, Hardie & Lee 2008 note, "Computing P(alive)")."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    r, alpha, a, b = _as_tuple(params)
    log_odds_dead = np.log(a / (b + np.maximum(x, 1.0) - 1.0)) + (r + x) * np.log(
        (alpha + t) / (alpha + t_x)
    )
    return np.where(x > 0, expit(-log_odds_dead), 1.0)


def bgnbd_expected_transactions(
    *,
    params: BgNbdParams,
    horizon: float,
    frequency: FloatArray,
    recency: FloatArray,
    age: FloatArray,
) -> FloatArray:
    """E[transactions in (T, T + horizon] | x, t_x, T], equation (10) of the paper."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    r, alpha, a, b = _as_tuple(params)
    if horizon <= 0:
        return np.zeros_like(x)
    # At a = 1 the expression is 0/0; it is smooth in a, so step just off the singularity.
    if abs(a - 1.0) < 1e-7:
        a = 1.0 + 1e-7
    hyp_a, hyp_b, hyp_c = r + x, b + x, a + b + x - 1.0
    z = horizon / (alpha + t + horizon)
    with np.errstate(all="ignore"):
        log_hyp = np.log(hyp2f1(hyp_a, hyp_b, hyp_c, z))
        # Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z) where the
        # direct series overflows.
        euler = np.log(hyp2f1(hyp_c - hyp_a, hyp_c - hyp_b, hyp_c, z)) + (
            hyp_c - hyp_a - hyp_b
        ) * np.log1p(-z)
    log_hyp = np.where(np.isfinite(log_hyp), log_hyp, euler)
    log_discount = (r + x) * np.log((alpha + t) / (alpha + t + horizon))
    numerator = (hyp_c / (a - 1.0)) * -np.expm1(log_hyp + log_discount)
    dead_odds = np.where(
        x > 0,
        a / (b + np.maximum(x, 1.0) - 1.0) * ((alpha + t) / (alpha + t_x)) ** (r + x),
        0.0,
    )
    expected: FloatArray = numerator / (1.0 + dead_odds)
    return expected
