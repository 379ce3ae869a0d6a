"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the formulation of Fader & Hardie's
2005 note "A note on deriving the Pareto/NBD model and related expressions".

While alive a customer buys at Poisson rate λ ~ Gamma(r, α) and dies at exponential rate
μ ~ Gamma(s, β). Integrating λ and μ out of the individual likelihood gives

    L = Γ(r + x) α^r β^s / Γ(r) · [ 1 / ((α + T)^(r + x) (β + T)^s) + s · I ]
    I = ∫ from t_x to T of (α + τ)^-(r + x) (β + τ)^-(s + 1) dτ

and the note writes s · I = s / (r + s + x) · A0 with A0 a difference of two Gauss
hypergeometric functions whose argument lies in [0, 1) (the branch follows whether α ≥ β).
The likelihood uses that closed form. Its derivatives in α and β are again hypergeometric,
but those in r and s are derivatives of 2F1 in its parameters, which have no closed form; the
gradient therefore integrates the analytic derivative of the integrand with Gauss-Legendre
quadrature after a change of variable that makes the integrand smooth, which is accurate to
about 1e-12 relative (the tests compare it with the closed form).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from upsell.analytics.btyd._fitting import fit_run, summary_validate
from upsell.analytics.btyd.types import FitResult, FloatArray, ParetoNbdParams

NAMES = ("r", "alpha", "s", "beta")
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)
# The quadrature stops where the integrand has fallen below e^-40 of its peak.
_TAIL = 40.0


@dataclass(frozen=True)
class _Integral:
    """log I and the expectations under the normalised integrand that its gradient needs."""

    log_value: FloatArray
    mean_log_alpha: FloatArray  # E[log(α + τ)]
    mean_log_beta: FloatArray  # E[log(β + τ)]
    mean_inv_alpha: FloatArray  # E[1 / (α + τ)]
    mean_inv_beta: FloatArray  # E[1 / (β + τ)]


def _integral(
    params: tuple[float, float, float, float], x: FloatArray, t_x: FloatArray, t: FloatArray
) -> _Integral:
    """I = ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ by Gauss-Legendre quadrature.

    With θ0 = min(α, β), θ1 = max(α, β), u = 1 / (θ0 + τ) and u = u(t_x) e^-y,

        I = u(t_x)^c ∫_0^Y exp(φ(y)) dy,   φ(y) = -c y - e1 log(1 + κ e^-y),

    c = r + x + s, e1 the exponent of the θ1 factor, κ = (θ1 - θ0) / (θ0 + t_x) and
    Y = log((θ0 + T) / (θ0 + t_x)). φ is concave and analytic in a strip of half-width π
    around the real axis, so Legendre nodes on [0, y_end] (where φ has fallen by e^-40 from
    its peak) integrate it to near machine precision.
    """
    r, alpha, s, beta = params
    p = r + x  # exponent of (α + τ)
    q = s + 1.0  # exponent of (β + τ)
    alpha_is_base = alpha <= beta
    base, gap = (alpha, beta - alpha) if alpha_is_base else (beta, alpha - beta)
    e1 = q if alpha_is_base else p
    c = r + x + s
    log_base_tx = np.log(base + t_x)
    span = np.log(base + t) - log_base_tx
    kappa = gap / (base + t_x)

    # φ and its slope take y of shape (n, k), one row per customer.
    c_col = np.broadcast_to(c, x.shape)[:, None]
    e1_col = np.broadcast_to(e1, x.shape)[:, None]
    kappa_col = kappa[:, None]

    def phi(y: FloatArray) -> FloatArray:
        value: FloatArray = -c_col * y - e1_col * np.log1p(kappa_col * np.exp(-y))
        return value

    def slope(y: FloatArray) -> FloatArray:
        share = kappa_col * np.exp(-y)
        value: FloatArray = -c_col + e1_col * share / (1.0 + share)
        return value

    with np.errstate(divide="ignore", invalid="ignore"):
        rising = slope(np.zeros((x.size, 1))) > 0
        peak = np.where(rising, np.log(kappa_col * (e1_col - c_col) / c_col), 0.0)
    peak = np.clip(np.nan_to_num(peak), 0.0, span[:, None])
    target = phi(peak) - _TAIL
    # Newton from the right end on the concave φ stays right of the root, so y_end never
    # cuts off more than the e^-40 tail.
    end = span[:, None].copy()
    for _ in range(4):
        value = phi(end)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = (value - target) / slope(end)
        end = np.where(value < target, np.maximum(end - step, peak), end)

    y = end * (_NODES + 1.0) / 2.0
    log_f = phi(y)
    f = np.exp(log_f - log_f.max(axis=1, keepdims=True)) * (_WEIGHTS * end / 2.0)
    total = f.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = f / total[:, None]
    share = np.where(span[:, None] > 0, share, 0.0)

    log_base = log_base_tx[:, None] + y  # log(θ0 + τ) at the nodes
    log_other = log_base + np.log1p(kappa_col * np.exp(-y))  # log(θ1 + τ)
    mean_log_base = (share * log_base).sum(axis=1)
    mean_log_other = (share * log_other).sum(axis=1)
    mean_inv_base = (share * np.exp(-log_base)).sum(axis=1)
    mean_inv_other = (share * np.exp(-log_other)).sum(axis=1)
    with np.errstate(divide="ignore"):
        log_value = c * -log_base_tx + log_f.max(axis=1) + np.log(total)
    log_value = np.where(span > 0, log_value, -np.inf)
    if alpha_is_base:
        return _Integral(log_value, mean_log_base, mean_log_other, mean_inv_base, mean_inv_other)
    return _Integral(log_value, mean_log_other, mean_log_base, mean_inv_other, mean_inv_base)


def _log_integral_closed_form(
    params: tuple[float, float, float, float], x: FloatArray, t_x: FloatArray, t: FloatArray
) -> FloatArray:
    """log I from the note's A0 (equations 22–23), with I = A0 / (r + s + x)."""
    r, alpha, s, beta = params
    rsx = r + s + x
    second: FloatArray | float
    if alpha >= beta:
        second, base, gap = s + 1.0, alpha, alpha - beta
    else:
        second, base, gap = r + x, beta, beta - alpha

    def log_term(time: FloatArray) -> FloatArray:
        with np.errstate(all="ignore"):
            value: FloatArray = np.log(
                hyp2f1(rsx, second, rsx + 1.0, gap / (base + time))
            ) - rsx * np.log(base + time)
        return value

    log_start, log_end = log_term(t_x), log_term(t)
    with np.errstate(all="ignore"):
        log_a0 = log_start + np.log1p(-np.exp(log_end - log_start))
    return np.where(t_x < t, log_a0 - np.log(rsx), -np.inf)


def _terms(
    params: tuple[float, float, float, float],
    x: FloatArray,
    t_x: FloatArray,
    t: FloatArray,
    *,
    with_gradient: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-customer log-likelihood, P(alive) and gradient in (r, alpha, s, beta), shape (4, n)."""
    r, alpha, s, beta = params
    log_alpha_t = np.log(alpha + t)
    log_beta_t = np.log(beta + t)
    constant = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive_branch = -(r + x) * log_alpha_t - s * log_beta_t
    # The gradient needs the quadrature, which gives the integral too: the fit takes it from
    # there, since scipy's 2F1 slows to seconds per call where s and beta grow large.
    integral = _integral(params, x, t_x, t) if with_gradient else None
    if integral is not None:
        log_integral = integral.log_value
    else:
        log_integral = _log_integral_closed_form(params, x, t_x, t)
        # scipy's 2F1 overflows in a few corners of its parameter space (argument near 1
        # with large parameters, as for frequent buyers when beta >> alpha); the quadrature
        # computes the same integral there.
        lost = np.isnan(log_integral) | np.isposinf(log_integral)
        if lost.any():
            log_integral[lost] = _integral(params, x[lost], t_x[lost], t[lost]).log_value
    dead_branch = np.log(s) + log_integral
    mixture = np.logaddexp(alive_branch, dead_branch)
    log_likelihood = constant + mixture
    alive = np.exp(alive_branch - mixture)
    if integral is None:
        return log_likelihood, alive, np.empty((4, 0))
    dead = 1.0 - alive
    gradient = np.empty((4, x.size))
    gradient[0] = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - alive * log_alpha_t
        - np.where(dead > 0, dead * integral.mean_log_alpha, 0.0)
    )
    gradient[1] = r / alpha - (r + x) * (
        alive / (alpha + t) + np.where(dead > 0, dead * integral.mean_inv_alpha, 0.0)
    )
    gradient[2] = (
        np.log(beta)
        - alive * log_beta_t
        + np.where(dead > 0, dead * (1.0 / s - integral.mean_log_beta), 0.0)
    )
    gradient[3] = s / beta - alive * s / (beta + t)
    gradient[3] -= np.where(dead > 0, dead * (s + 1.0) * integral.mean_inv_beta, 0.0)
    return log_likelihood, alive, gradient


def _as_tuple(params: ParetoNbdParams) -> tuple[float, float, float, float]:
    return params.r, params.alpha, params.s, params.beta


def pnbd_log_likelihood(
    *, params: ParetoNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """Log-likelihood of each customer's (x, t_x, T)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    return _terms(_as_tuple(params), x, t_x, t, with_gradient=False)[0]


def pnbd_log_likelihood_gradient(
    *, params: ParetoNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """Gradient of each customer's log-likelihood in (r, alpha, s, beta): shape (n, 4)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    return _terms(_as_tuple(params), x, t_x, t, with_gradient=True)[2].T


def pnbd_log_integral(
    *, params: ParetoNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """log I by the hypergeometric closed form and by quadrature, to check one on the other."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    values = _as_tuple(params)
    return _log_integral_closed_form(values, x, t_x, t), _integral(values, x, t_x, t).log_value


def pnbd_fit(
    *, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FitResult[ParetoNbdParams]:
    """Maximum-likelihood Pareto/NBD fit with an identifiability verdict (see ``FitResult``)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    count = x.size
    # Customers with the same (x, t_x, T) share a likelihood: fit on the distinct rows.
    rows, weight = np.unique(np.column_stack([x, t_x, t]), axis=0, return_counts=True)
    scale = float(t.mean()) if t.mean() > 0 else 1.0
    ux, ut_x, ut = rows[:, 0], rows[:, 1] / scale, rows[:, 2] / scale
    weights = weight.astype(np.float64)

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        values = np.exp(log_params)
        params = (float(values[0]), float(values[1]), float(values[2]), float(values[3]))
        log_likelihood, _, gradient = _terms(params, ux, ut_x, ut, with_gradient=True)
        return (
            -float((weights * log_likelihood).sum()) / count,
            -(gradient * weights).sum(axis=1) * values / count,
        )

    rate = max(float(x.mean()), 0.05) / max(float(t.mean()) / scale, 1e-9)
    starts = [
        np.log([1.0, 1.0 / rate, 1.0, 1.0]),
        np.log([0.5, 0.5 / rate, 0.5, 5.0]),
        np.log([3.0, 3.0 / rate, 2.0, 0.5]),
    ]

    def to_params(log_params: FloatArray) -> ParetoNbdParams:
        r, alpha, s, beta = np.exp(log_params)
        return ParetoNbdParams(
            r=float(r), alpha=float(alpha) * scale, s=float(s), beta=float(beta) * scale
        )

    def total(params: ParetoNbdParams) -> float:
        log_likelihood = _terms(_as_tuple(params), x, t_x, t, with_gradient=False)[0]
        return float(log_likelihood.sum())

    return fit_run(
        model="pnbd",
        names=NAMES,
        objective=objective,
        starts=starts,
        customers=count,
        to_params=to_params,
        log_likelihood=total,
    )


def pnbd_probability_alive(
    *, params: ParetoNbdParams, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> FloatArray:
    """P(alive at T | x, t_x, T) (equation 11 of the note)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    return _terms(_as_tuple(params), x, t_x, t, with_gradient=False)[1]


def pnbd_expected_transactions(
    *,
    params: ParetoNbdParams,
    horizon: float,
    frequency: FloatArray,
    recency: FloatArray,
    age: FloatArray,
) -> FloatArray:
    """E[transactions in (T, T + horizon] | x, t_x, T] (equation 12 of the note)."""
    x, t_x, t = summary_validate(frequency=frequency, recency=recency, age=age)
    r, alpha, s, beta = _as_tuple(params)
    alive = _terms((r, alpha, s, beta), x, t_x, t, with_gradient=False)[1]
    # (1 - ((β+T)/(β+T+t))^(s-1)) / (s-1), whose limit at s = 1 is log((β+T+t)/(β+T)).
    log_growth = np.log1p(horizon / (beta + t))
    shape = s - 1.0
    lifetime = -np.expm1(-shape * log_growth) / shape if abs(shape) > 1e-10 else log_growth
    expected: FloatArray = alive * (r + x) * (beta + t) / (alpha + t) * lifetime
    return expected
