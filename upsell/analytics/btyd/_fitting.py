"""Maximum likelihood on log-parameters with L-BFGS-B, and the identifiability verdict.

Every BTYD parameter is positive, so the optimiser works on their logarithms inside a box.
A fit that ends on the box, does not converge, or sits on a flat ridge of the likelihood is
returned with ``identifiable=False`` and the reason, never silently as a usable model.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from upsell.analytics.btyd.types import FitResult, FloatArray, Params

# Parameters are fitted in [e^-9, e^9] of their (rescaled) units: wide enough for any real
# population, and a fit that reaches the edge means the data do not pin the parameter down.
LOG_BOUND = 9.0
# Within this distance (in log units, a factor e^0.5 ≈ 1.65) of the box the fit counts as
# having run to the boundary.
BOUNDARY_MARGIN = 0.5
# A log-parameter whose standard error exceeds this is not identified: its 95 % interval
# spans more than a factor e^(2 * 1.96 * 1.5) ≈ 360.
MAX_LOG_STANDARD_ERROR = 1.5
# Eigenvalue ratio of the Hessian below which it counts as singular (a flat direction).
MIN_CURVATURE_RATIO = 1e-10

NegLogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]


@dataclass(frozen=True)
class Optimum:
    """The best of several L-BFGS-B runs, in log-parameters of the rescaled problem."""

    log_params: FloatArray
    neg_log_likelihood: float
    converged: bool
    message: str
    iterations: int


@dataclass(frozen=True)
class Verdict:
    identifiable: bool
    reason: str
    log_standard_errors: tuple[float, ...]
    # The parameters that ran to the edge of the box: name → "0" or "∞".
    edges: tuple[tuple[str, str], ...] = ()


def log_params_maximize(*, objective: NegLogLikelihood, starts: Sequence[FloatArray]) -> Optimum:
    """Minimise ``objective`` (value and gradient in log-parameters) from the starts in turn.

    The next start is tried only while no run has converged to an interior point and no two
    runs have converged to the same point (a boundary both ran to); the best finite optimum
    wins, and a converged run beats a non-converged one whatever its value,
    since a run stopped by the iteration limit says nothing about the maximum.
    """
    best: Optimum | None = None
    for start in starts:
        bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
        with np.errstate(all="ignore"):
            result = minimize(
                objective,
                np.clip(start, -LOG_BOUND, LOG_BOUND),
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
            )
        value = float(result.fun)
        if not np.isfinite(value):
            continue
        candidate = Optimum(
            log_params=np.asarray(result.x, dtype=np.float64),
            neg_log_likelihood=value,
            converged=bool(result.success),
            message=str(result.message),
            iterations=int(result.nit),
        )
        settled = (
            best is not None
            and best.converged
            and candidate.converged
            and np.allclose(best.log_params, candidate.log_params, atol=1e-2)
        )
        if best is None or (candidate.converged, -value) > (
            best.converged,
            -best.neg_log_likelihood,
        ):
            best = candidate
        if settled or (best.converged and not _near_boundary(best.log_params).any()):
            break
    if best is None:
        nan = np.full(len(starts[0]), np.nan)
        return Optimum(nan, np.inf, False, "the likelihood is not finite at any start", 0)
    return best


def _near_boundary(log_params: FloatArray) -> npt.NDArray[np.bool_]:
    return np.abs(log_params) >= LOG_BOUND - BOUNDARY_MARGIN


def hessian_estimate(*, objective: NegLogLikelihood, log_params: FloatArray) -> FloatArray:
    """Hessian of the objective by central differences of its analytic gradient."""
    size = len(log_params)
    step = 1e-4
    hessian = np.empty((size, size))
    for i in range(size):
        shift = np.zeros(size)
        shift[i] = step
        with np.errstate(all="ignore"):
            upper = objective(log_params + shift)[1]
            lower = objective(log_params - shift)[1]
        hessian[:, i] = (upper - lower) / (2 * step)
    return (hessian + hessian.T) / 2


def identifiability_assess(
    *,
    names: Sequence[str],
    optimum: Optimum,
    hessian: FloatArray,
) -> Verdict:
    """Judge whether the optimum is a well-defined interior maximum.

    ``hessian`` is the Hessian of the *total* negative log-likelihood in log-parameters, so
    its inverse estimates the variance of the log-parameters.
    """
    unknown = tuple(float("nan") for _ in names)
    if not np.all(np.isfinite(optimum.log_params)):
        return Verdict(False, optimum.message, unknown)
    if not optimum.converged:
        return Verdict(False, f"the optimiser did not converge: {optimum.message}", unknown)
    at_lower = optimum.log_params <= -LOG_BOUND + BOUNDARY_MARGIN
    at_upper = optimum.log_params >= LOG_BOUND - BOUNDARY_MARGIN
    if at_lower.any() or at_upper.any():
        edges = tuple(
            (name, "0" if low else "∞")
            for name, low, high in zip(names, at_lower, at_upper, strict=True)
            if low or high
        )
        return Verdict(
            False,
            "the fit ran to the boundary: " + ", ".join(f"{n} → {edge}" for n, edge in edges),
            unknown,
            edges,
        )
    if not np.all(np.isfinite(hessian)):
        return Verdict(False, "the curvature of the likelihood is not finite", unknown)
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    largest = float(eigenvalues[-1])
    if largest <= 0 or eigenvalues[0] <= MIN_CURVATURE_RATIO * largest:
        flat = eigenvectors[:, 0]
        direction = " and ".join(
            name for name, weight in zip(names, flat, strict=True) if abs(weight) >= 0.3
        )
        return Verdict(
            False,
            f"the likelihood is flat along a direction moving {direction} "
            f"(Hessian eigenvalues {eigenvalues[0]:.3g} … {largest:.3g})",
            unknown,
        )
    errors = tuple(float(e) for e in np.sqrt(np.diag(np.linalg.inv(hessian))))
    loose = [
        f"log {name} ± {error:.2f}"
        for name, error in zip(names, errors, strict=True)
        if error > MAX_LOG_STANDARD_ERROR
    ]
    if loose:
        return Verdict(
            False,
            "the likelihood is too flat to pin down " + ", ".join(loose) + " (standard errors)",
            errors,
        )
    return Verdict(True, "interior maximum with a well-conditioned Hessian", errors)


def fit_run[ParamsT: Params](
    *,
    model: str,
    names: Sequence[str],
    objective: NegLogLikelihood,
    starts: Sequence[FloatArray],
    customers: int,
    to_params: Callable[[FloatArray], ParamsT],
    log_likelihood: Callable[[ParamsT], float],
) -> FitResult[ParamsT]:
    """Fit, judge and package one model.

    ``objective`` is the *mean* negative log-likelihood of the rescaled problem (so the
    optimiser's tolerances do not depend on the number of customers); ``to_params`` maps its
    log-parameters back to the caller's units and ``log_likelihood`` evaluates the total
    log-likelihood there, which is what gets reported.
    """
    optimum = log_params_maximize(objective=objective, starts=starts)
    if np.all(np.isfinite(optimum.log_params)):
        hessian = customers * hessian_estimate(objective=objective, log_params=optimum.log_params)
    else:
        hessian = np.full((len(names), len(names)), np.nan)
    verdict = identifiability_assess(names=names, optimum=optimum, hessian=hessian)
    params = to_params(optimum.log_params)
    return FitResult(
        model=model,
        params=params,
        log_likelihood=log_likelihood(params)
        if np.isfinite(optimum.neg_log_likelihood)
        else -np.inf,
        converged=optimum.converged,
        identifiable=verdict.identifiable,
        reason=verdict.reason,
        customers=customers,
        iterations=optimum.iterations,
        log_standard_errors=dict(zip(names, verdict.log_standard_errors, strict=True)),
        edges=dict(verdict.edges),
    )


def summary_validate(
    *, frequency: FloatArray, recency: FloatArray, age: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check and convert the (x, t_x, T) summary every model takes."""
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    t = np.asarray(age, dtype=np.float64)
    if not (x.ndim == t_x.ndim == t.ndim == 1 and x.shape == t_x.shape == t.shape):
        raise ValueError("frequency, recency and age must be 1-d arrays of the same length")
    if x.size == 0:
        raise ValueError("the summary has no customers")
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(t).all()):
        raise ValueError("frequency, recency and age must be finite")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be a non-negative whole number of repeat purchases")
    if (t_x < 0).any() or (t_x > t).any():
        raise ValueError("recency must lie between 0 and the customer's age")
    return x, t_x, t
