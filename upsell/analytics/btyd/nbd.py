"""NBD (Ehrenberg 1959): BTYD without dropout.

Every customer buys for ever as a Poisson process with rate λ ~ Gamma(r, α). It is the limit
of BG/NBD as the dropout probability vanishes (a → 0 or b → ∞) and of Pareto/NBD as the
dropout rate does (s → 0 or β → ∞), so a fit of either that runs to that boundary is this
model. Given x repeat purchases in an observed age T (the last one's time t_x tells nothing
once nobody leaves), the per-customer likelihood, with the same constants left out as in
BG/NBD, is

    L = Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))

and the posterior rate is Gamma(r + x, α + T), so a horizon h brings (r + x) h / (α + T)
purchases on average.
"""

import numpy as np
from scipy.special import digamma, gammaln

from upsell.analytics.btyd._fitting import fit_run, summary_validate
from upsell.analytics.btyd.types import FitResult, FloatArray, NbdParams

NAMES = ("r", "alpha")


def _terms(r: float, alpha: float, x: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per-customer log-likelihood and its gradient in (r, alpha), shape (2, n)."""
    log_alpha_t = np.log(alpha + t)
    log_likelihood = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * log_alpha_t
    gradient = np.stack(
        [
            digamma(r + x) - digamma(r) + np.log(alpha) - log_alpha_t,
            r / alpha - (r + x) / (alpha + t),
        ]
    )
    return log_likelihood, gradient


def nbd_log_likelihood(
    *, params: NbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """Log-likelihood of each customer's (x, T); ``recency`` is only checked."""
    x, _, t = summary_validate(frequency=frequency, recency=recency, age=age)
    return _terms(params.r, params.alpha, x, t)[0]


def nbd_fit(*, frequency: FloatArray, recency: FloatArray, age: FloatArray) -> FitResult[NbdParams]:
    """Maximum-likelihood NBD fit with an identifiability verdict (see ``FitResult``)."""
    x, _, t = summary_validate(frequency=frequency, recency=recency, age=age)
    scale = float(t.mean()) if t.mean() > 0 else 1.0
    # Customers with the same (x, T) share a likelihood: fit on the distinct rows.
    rows, weight = np.unique(np.column_stack([x, t / scale]), axis=0, return_counts=True)
    ux, ut = rows[:, 0], rows[:, 1]
    weights = weight.astype(np.float64)
    count = x.size

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        r, alpha = np.exp(log_params)
        log_likelihood, gradient = _terms(float(r), float(alpha), ux, ut)
        return (
            -float((weights * log_likelihood).sum()) / count,
            -(gradient * weights).sum(axis=1) * np.array([r, alpha]) / count,
        )

    rate = max(float(x.mean()), 0.05) / max(float(t.mean()) / scale, 1e-9)
    starts = [np.log([1.0, 1.0 / rate]), np.log([0.3, 0.3 / rate]), np.log([3.0, 3.0 / rate])]

    def to_params(log_params: FloatArray) -> NbdParams:
        r, alpha = np.exp(log_params)
        return NbdParams(r=float(r), alpha=float(alpha) * scale)

    def total(params: NbdParams) -> float:
        return float(_terms(params.r, params.alpha, x, t)[0].sum())

    return fit_run(
        model="nbd",
        names=NAMES,
        objective=objective,
        starts=starts,
        customers=count,
        to_params=to_params,
        log_likelihood=total,
    )


def nbd_expected_transactions(
    *,
    params: NbdParams,
    horizon: float,
    frequency: FloatArray,
    recency: FloatArray,
    age: FloatArray,
) -> FloatArray:
    """E[transactions in (T, T + horizon] | x, T] = (r + x) horizon / (alpha + T)."""
    x, _, t = summary_validate(frequency=frequency, recency=recency, age=age)
    expected: FloatArray = (params.r + x) * max(horizon, 0.0) / (params.alpha + t)
    return expected
