"""The contract of the BTYD package: parameters and fit results as frozen dataclasses."""

from dataclasses import asdict, dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD: purchase rates ~ Gamma(r, alpha), dropout probability per purchase ~ Beta(a, b).

    ``alpha`` is in the time unit of the summary it was fitted on.
    """

    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class ParetoNbdParams:
    """Pareto/NBD: purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta)."""

    r: float
    alpha: float
    s: float
    beta: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma: spend per transaction ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class NbdParams:
    """NBD: purchase rates ~ Gamma(r, alpha) and no dropout, the limit of BG/NBD as a → 0
    and of Pareto/NBD as s → 0."""

    r: float
    alpha: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


type Params = BgNbdParams | ParetoNbdParams | NbdParams | GammaGammaParams


@dataclass(frozen=True)
class FitResult[ParamsT: Params]:
    """A maximum-likelihood fit and whether it can be trusted.

    ``identifiable`` is False when the optimiser did not converge, a parameter ran to the
    boundary of its range, or the likelihood is (nearly) flat along some direction; then
    ``params`` are only the point where the optimiser stopped and ``reason`` says why.
    ``log_standard_errors`` estimate the standard errors of the log-parameters (NaN when the
    fit is not identifiable). ``edges`` names the parameters that ran to the boundary of their
    range, each with the edge it ran to ("0" or "∞").
    """

    model: str
    params: ParamsT
    log_likelihood: float
    converged: bool
    identifiable: bool
    reason: str
    customers: int
    iterations: int
    log_standard_errors: dict[str, float] = field(default_factory=dict)
    edges: dict[str, str] = field(default_factory=dict)
