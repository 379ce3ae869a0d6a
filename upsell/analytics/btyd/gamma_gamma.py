"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV", and Fader & Hardie's
2013 note "The Gamma-Gamma model of monetary value").

A customer's spend per transaction is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers. The
model is fitted on the customers with repeat purchases, from x (the number of transactions
averaged) and m (their average spend):

    log L = log Γ(p x + q) - log Γ(p x) - log Γ(q) + q log γ + (p x - 1) log m
          + p x log x - (p x + q) log(γ + m x)
"""

import numpy as np
from scipy.special import digamma, gammaln

from upsell.analytics.btyd._fitting import fit_run
from upsell.analytics.btyd.types import FitResult, FloatArray, GammaGammaParams

NAMES = ("p", "q", "gamma")


def _validate(frequency: FloatArray, monetary_value: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    if x.ndim != 1 or x.shape != m.shape:
        raise ValueError("frequency and monetary_value must be 1-d arrays of the same length")
    if not (np.isfinite(x).all() and np.isfinite(m).all()):
        raise ValueError("frequency and monetary_value must be finite")
    if (x <= 0).any() or (m <= 0).any():
        raise ValueError("the spend model needs customers with repeat purchases and positive spend")
    return x, m


def _terms(
    params: tuple[float, float, float], x: FloatArray, m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    p, q, gamma = params
    px = p * x
    log_gamma_mx = np.log(gamma + m * x)
    log_likelihood = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gamma_mx
    )
    gradient = np.empty((3, x.size))
    psi_total = digamma(px + q)
    gradient[0] = x * (psi_total - digamma(px) + np.log(m) + np.log(x) - log_gamma_mx)
    gradient[1] = psi_total - digamma(q) + np.log(gamma) - log_gamma_mx
    gradient[2] = q / gamma - (px + q) / (gamma + m * x)
    return log_likelihood, gradient


def _as_tuple(params: GammaGammaParams) -> tuple[float, float, float]:
    return params.p, params.q, params.gamma


def gamma_gamma_log_likelihood(
    *, params: GammaGammaParams, frequency: FloatArray, monetary_value: FloatArray
) -> FloatArray:
    """Log-likelihood of each customer's average spend m over x transactions."""
    x, m = _validate(frequency, monetary_value)
    return _terms(_as_tuple(params), x, m)[0]


def gamma_gamma_log_likelihood_gradient(
    *, params: GammaGammaParams, frequency: FloatArray, monetary_value: FloatArray
) -> FloatArray:
    """Analytic gradient of each customer's log-likelihood in (p, q, gamma): shape (n, 3)."""
    x, m = _validate(frequency, monetary_value)
    return _terms(_as_tuple(params), x, m)[1].T


def gamma_gamma_fit(
    *, frequency: FloatArray, monetary_value: FloatArray
) -> FitResult[GammaGammaParams]:
    """Maximum-likelihood fit on customers with repeat purchases (x > 0, m > 0)."""
    x, m = _validate(frequency, monetary_value)
    count = x.size
    # Money is rescaled to a mean spend of 1 so that gamma starts near 1 whatever the currency.
    scale = float(m.mean())
    scaled_m = m / scale

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        values = np.exp(log_params)
        params = (float(values[0]), float(values[1]), float(values[2]))
        log_likelihood, gradient = _terms(params, x, scaled_m)
        return -float(log_likelihood.sum()) / count, -gradient.sum(axis=1) * values / count

    starts = [np.log([1.0, 2.0, 1.0]), np.log([5.0, 3.0, 2.0]), np.log([0.5, 5.0, 10.0])]

    def to_params(log_params: FloatArray) -> GammaGammaParams:
        p, q, gamma = np.exp(log_params)
        return GammaGammaParams(p=float(p), q=float(q), gamma=float(gamma) * scale)

    def total(params: GammaGammaParams) -> float:
        return float(_terms(_as_tuple(params), x, m)[0].sum())

    return fit_run(
        model="gamma_gamma",
        names=NAMES,
        objective=objective,
        starts=starts,
        customers=count,
        to_params=to_params,
        log_likelihood=total,
    )


def gamma_gamma_expected_spend(
    *, params: GammaGammaParams, frequency: FloatArray, monetary_value: FloatArray
) -> FloatArray:
    """E[spend per transaction | x, m]: a weighted mean of the population mean p γ / (q - 1)
    and the customer's own average m (zero-frequency customers get the population mean).

    Only defined for q > 1; below that the population mean spend is infinite.
    """
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    p, q, gamma = _as_tuple(params)
    if q <= 1.0:
        raise ValueError("the spend model has no finite mean when q <= 1")
    own = np.where(x > 0, m, 0.0)
    expected: FloatArray = (p * gamma + p * x * own) / (p * x + q - 1.0)
    return expected
