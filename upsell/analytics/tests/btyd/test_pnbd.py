import dataclasses

import numpy as np
import pytest

from upsell.analytics.btyd import (
    ParetoNbdParams,
    pnbd_expected_transactions,
    pnbd_fit,
    pnbd_log_integral,
    pnbd_log_likelihood,
    pnbd_log_likelihood_gradient,
    pnbd_probability_alive,
)
from upsell.analytics.tests.btyd.data import cdnow_summary

PUBLISHED = ParetoNbdParams(r=0.553, alpha=10.578, s=0.606, beta=11.669)


@pytest.fixture(scope="module")
def cdnow():
    table = cdnow_summary()
    return {
        "frequency": table["frequency"].to_numpy().astype(float),
        "recency": table["recency"].to_numpy(),
        "age": table["T"].to_numpy(),
    }


def test_fit_reproduces_the_published_cdnow_estimates(cdnow):
    # given the 2 357 CDNOW customers over the 39-week calibration period
    # when Pareto/NBD is fitted
    fit = pnbd_fit(**cdnow)

    # then it finds the estimates of Fader & Hardie's note and its log-likelihood; beta's
    # maximum is 11.668, the published 11.669 stops 1e-4 short of it in log-likelihood
    assert round(fit.params.r, 3) == 0.553
    assert round(fit.params.alpha, 3) == 10.578
    assert round(fit.params.s, 3) == 0.606
    assert round(fit.params.beta, 3) == 11.668
    assert round(fit.log_likelihood, 1) == -9595.0
    published = pnbd_log_likelihood(params=PUBLISHED, **cdnow).sum()
    assert round(published, 1) == -9595.0
    assert 0 < fit.log_likelihood - published < 1e-4
    assert fit.identifiable
    assert fit.reason == "interior maximum with a well-conditioned Hessian"


def test_quadrature_integral_matches_the_hypergeometric_closed_form():
    # given customers from one-time buyers to very frequent ones, and parameters on both
    # sides of alpha = beta, far apart and nearly equal
    rng = np.random.default_rng(3)
    age = rng.uniform(1.0, 200.0, size=400)
    recency = age * rng.uniform(0.0, 0.999, size=400)
    frequency = np.floor(rng.exponential(15.0, size=400))
    recency[frequency == 0] = 0.0
    grid = [
        ParetoNbdParams(r=0.553, alpha=10.578, s=0.606, beta=11.669),
        ParetoNbdParams(r=2.0, alpha=40.0, s=0.3, beta=1.5),
        ParetoNbdParams(r=0.1, alpha=0.5, s=3.0, beta=300.0),
        ParetoNbdParams(r=5.0, alpha=7.0, s=0.05, beta=7.0000001),
    ]
    for params in grid:
        # when log I is computed both ways
        closed, quadrature = pnbd_log_integral(
            params=params, frequency=frequency, recency=recency, age=age
        )

        # then they agree to 1e-11 wherever the closed form is not lost to cancellation
        np.testing.assert_allclose(quadrature, closed, rtol=0, atol=1e-11)


@pytest.mark.parametrize(
    "params",
    [
        PUBLISHED,
        ParetoNbdParams(r=2.0, alpha=40.0, s=0.3, beta=1.5),
        ParetoNbdParams(r=0.1, alpha=0.5, s=3.0, beta=300.0),
    ],
)
def test_gradient_matches_central_differences(cdnow, params):
    # given each customer's gradient
    gradient = pnbd_log_likelihood_gradient(params=params, **cdnow)

    # when each parameter is nudged up and down by a relative 1e-5
    for column, name in enumerate(("r", "alpha", "s", "beta")):
        value = getattr(params, name)
        step = 1e-5 * value
        upper = pnbd_log_likelihood(
            params=dataclasses.replace(params, **{name: value + step}), **cdnow
        )
        lower = pnbd_log_likelihood(
            params=dataclasses.replace(params, **{name: value - step}), **cdnow
        )

        # then the derivative matches the central difference for every customer
        np.testing.assert_allclose(
            gradient[:, column], (upper - lower) / (2 * step), rtol=1e-6, atol=1e-6
        )


def test_predictions_agree_with_lifetimes(cdnow):
    from lifetimes import ParetoNBDFitter

    # given lifetimes' fitter holding the published parameters
    peer = ParetoNBDFitter()
    peer.params_ = PUBLISHED.as_dict()

    # when both forecast the 39-week holdout
    ours = pnbd_expected_transactions(params=PUBLISHED, horizon=39.0, **cdnow)
    theirs = peer.conditional_expected_number_of_purchases_up_to_time(
        39.0, cdnow["frequency"], cdnow["recency"], cdnow["age"]
    )
    alive = pnbd_probability_alive(params=PUBLISHED, **cdnow)
    their_alive = peer.conditional_probability_alive(
        cdnow["frequency"], cdnow["recency"], cdnow["age"]
    )

    # then they agree customer by customer
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)
    np.testing.assert_allclose(alive, their_alive, rtol=1e-9)
    assert round(float(ours[0]), 4) == 1.4551
    assert round(float(alive[0]), 4) == 0.8692


def test_expected_transactions_at_s_equal_to_one_take_the_limit():
    # given s = 1, where the general expression divides 0 by 0
    x, t_x, t = np.array([3.0]), np.array([20.0]), np.array([30.0])
    exact = ParetoNbdParams(r=1.0, alpha=10.0, s=1.0, beta=12.0)
    near = dataclasses.replace(exact, s=1.0 + 1e-7)

    # when both are forecast
    at_one = pnbd_expected_transactions(params=exact, horizon=26.0, frequency=x, recency=t_x, age=t)
    beside = pnbd_expected_transactions(params=near, horizon=26.0, frequency=x, recency=t_x, age=t)

    # then the limit continues the general formula
    np.testing.assert_allclose(at_one, beside, rtol=1e-6)


def test_short_history_without_dropout_is_reported_not_identifiable():
    # given 300 clients over at most a year who all keep ordering
    rng = np.random.default_rng(7)
    age = rng.uniform(100.0, 365.0, size=300)
    arrivals = rng.poisson(rng.gamma(2.0, 1 / 60.0, size=300) * age)
    recency = np.where(arrivals > 0, age * rng.beta(np.maximum(arrivals, 1), 1.0), 0.0)

    # when Pareto/NBD is fitted
    fit = pnbd_fit(frequency=arrivals.astype(float), recency=recency, age=age)

    # then the dropout rate runs to zero (beta to infinity) and the fit is flagged
    assert not fit.identifiable
    assert fit.reason == "the fit ran to the boundary: beta → ∞"


def test_a_frequent_buyer_where_scipys_hypergeometric_overflows_is_integrated():
    from scipy.integrate import quad

    # given a client with 109 repeat orders and a fit heading for beta >> alpha, where
    # 2F1(r+s+x, r+x; r+s+x+1; z) overflows at z close to 1
    params = ParetoNbdParams(r=2.03, alpha=60.7, s=0.000123, beta=5.2e6)
    x, t_x, t = np.array([109.0]), np.array([783.0]), np.array([787.0])
    closed, quadrature = pnbd_log_integral(params=params, frequency=x, recency=t_x, age=t)
    assert np.isnan(closed[0])

    # when the log-likelihood is computed
    log_likelihood = pnbd_log_likelihood(params=params, frequency=x, recency=t_x, age=t)

    # then the integral comes from the quadrature and matches adaptive integration
    p, q = params.r + 109.0, params.s + 1.0
    scaled, _ = quad(
        lambda tau: (
            ((params.alpha + 783.0) / (params.alpha + tau)) ** p
            * ((params.beta + 783.0) / (params.beta + tau)) ** q
        ),
        783.0,
        787.0,
        epsabs=0,
        epsrel=1e-13,
    )
    reference = np.log(scaled) - p * np.log(params.alpha + 783.0) - q * np.log(params.beta + 783.0)
    assert abs(quadrature[0] - reference) < 1e-11
    assert np.isfinite(log_likelihood[0])
