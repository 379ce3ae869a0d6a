"""Buy-till-you-die models for the statistical forecast baseline (numpy/scipy only)."""

from upsell.analytics.btyd.bgnbd import (
    bgnbd_expected_transactions,
    bgnbd_fit,
    bgnbd_log_likelihood,
    bgnbd_log_likelihood_gradient,
    bgnbd_probability_alive,
)
from upsell.analytics.btyd.gamma_gamma import (
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    gamma_gamma_log_likelihood,
    gamma_gamma_log_likelihood_gradient,
)
from upsell.analytics.btyd.pnbd import (
    pnbd_expected_transactions,
    pnbd_fit,
    pnbd_log_integral,
    pnbd_log_likelihood,
    pnbd_log_likelihood_gradient,
    pnbd_probability_alive,
)
from upsell.analytics.btyd.simulate import bgnbd_simulate
from upsell.analytics.btyd.types import (
    BgNbdParams,
    FitResult,
    GammaGammaParams,
    ParetoNbdParams,
)

__all__ = [
    "BgNbdParams",
    "FitResult",
    "GammaGammaParams",
    "ParetoNbdParams",
    "bgnbd_expected_transactions",
    "bgnbd_fit",
    "bgnbd_log_likelihood",
    "bgnbd_log_likelihood_gradient",
    "bgnbd_probability_alive",
    "bgnbd_simulate",
    "gamma_gamma_expected_spend",
    "gamma_gamma_fit",
    "gamma_gamma_log_likelihood",
    "gamma_gamma_log_likelihood_gradient",
    "pnbd_expected_transactions",
    "pnbd_fit",
    "pnbd_log_integral",
    "pnbd_log_likelihood",
    "pnbd_log_likelihood_gradient",
    "pnbd_probability_alive",
]
