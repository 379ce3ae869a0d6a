import dataclasses

import numpy as np
import pytest

from upsell.analytics.btyd import (
    BgNbdParams,
    bgnbd_expected_transactions,
    bgnbd_fit,
    bgnbd_log_likelihood,
    bgnbd_log_likelihood_gradient,
    bgnbd_probability_alive,
    bgnbd_simulate,
)
from upsell.analytics.tests.btyd.data import cdnow_summary


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
    # when BG/NBD is fitted
    fit = bgnbd_fit(**cdnow)

    # then it finds Fader, Hardie & Lee's (2005) estimates and log-likelihood
    assert round(fit.params.r, 3) == 0.243
    assert round(fit.params.alpha, 3) == 4.414
    assert round(fit.params.a, 3) == 0.793
    assert round(fit.params.b, 3) == 2.426
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.converged
    assert fit.identifiable
    assert fit.reason == "interior maximum with a well-conditioned Hessian"
    assert fit.customers == 2357
    assert {name: round(error, 2) for name, error in fit.log_standard_errors.items()} == {
        "r": 0.05,
        "alpha": 0.09,
        "a": 0.23,
        "b": 0.29,
    }


def test_predictions_for_the_papers_example_customer(cdnow):
    # given the published parameters and customer 1 (x = 2, t_x = 30.43, T = 38.86 weeks)
    params = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, t_x, t = np.array([2.0, 0.0]), np.array([30.43, 0.0]), np.array([38.86, 38.86])

    # when the next 39 weeks are forecast
    expected = bgnbd_expected_transactions(
        params=params, horizon=39.0, frequency=x, recency=t_x, age=t
    )
    alive = bgnbd_probability_alive(params=params, frequency=x, recency=t_x, age=t)

    # then the expected count is the paper's 1.226, and a customer who never came back is
    # alive by the model's assumption (dropout only happens after a repeat purchase)
    assert round(float(expected[0]), 3) == 1.226
    assert round(float(expected[1]), 4) == 0.1951
    assert round(float(alive[0]), 4) == 0.7266
    assert alive[1] == 1.0


def test_predictions_agree_with_lifetimes(cdnow):
    from lifetimes import BetaGeoFitter

    # given lifetimes' fitter holding our CDNOW estimates
    fit = bgnbd_fit(**cdnow)
    peer = BetaGeoFitter()
    peer.params_ = fit.params.as_dict()

    # when both forecast the 39-week holdout
    ours = bgnbd_expected_transactions(params=fit.params, horizon=39.0, **cdnow)
    theirs = peer.conditional_expected_number_of_purchases_up_to_time(
        39.0, cdnow["frequency"], cdnow["recency"], cdnow["age"]
    )
    alive = bgnbd_probability_alive(params=fit.params, **cdnow)
    their_alive = peer.conditional_probability_alive(
        cdnow["frequency"], cdnow["recency"], cdnow["age"]
    )

    # then they agree customer by customer
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)
    np.testing.assert_allclose(alive, their_alive, rtol=1e-12)
    assert round(float(ours.sum()), 1) == 1653.4


@pytest.mark.parametrize(
    "params",
    [
        BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426),
        BgNbdParams(r=2.5, alpha=0.7, a=0.05, b=40.0),
        BgNbdParams(r=0.02, alpha=90.0, a=8.0, b=0.3),
    ],
)
def test_gradient_matches_central_differences(cdnow, params):
    # given each customer's analytic gradient
    gradient = bgnbd_log_likelihood_gradient(params=params, **cdnow)

    # when each parameter is nudged up and down by a relative 1e-5
    for column, name in enumerate(("r", "alpha", "a", "b")):
        value = getattr(params, name)
        step = 1e-5 * value
        upper = bgnbd_log_likelihood(
            params=dataclasses.replace(params, **{name: value + step}), **cdnow
        )
        lower = bgnbd_log_likelihood(
            params=dataclasses.replace(params, **{name: value - step}), **cdnow
        )

        # then the analytic derivative matches the central difference for every customer
        np.testing.assert_allclose(
            gradient[:, column], (upper - lower) / (2 * step), rtol=1e-6, atol=1e-6
        )


def test_fit_is_the_same_in_days_and_in_weeks(cdnow):
    # given the CDNOW summary in days instead of weeks
    in_days = {
        "frequency": cdnow["frequency"],
        "recency": cdnow["recency"] * 7,
        "age": cdnow["age"] * 7,
    }

    # when both are fitted
    weeks, days = bgnbd_fit(**cdnow), bgnbd_fit(**in_days)

    # then only alpha's unit changes, and the log-likelihood by the Jacobian sum(x) log 7
    assert round(days.params.alpha / weeks.params.alpha, 6) == 7.0
    assert round(days.params.b, 5) == round(weeks.params.b, 5)
    jacobian = -cdnow["frequency"].sum() * np.log(7)
    assert round(days.log_likelihood - weeks.log_likelihood - jacobian, 6) == 0.0


def test_fit_recovers_the_parameters_it_was_simulated_from():
    # given 20 000 customers simulated from known parameters
    truth = BgNbdParams(r=0.8, alpha=12.0, a=0.6, b=3.0)
    rng = np.random.default_rng(11)
    age = rng.uniform(30.0, 104.0, size=20_000)
    frequency, recency = bgnbd_simulate(params=truth, age=age, rng=rng)

    # when BG/NBD is fitted
    fit = bgnbd_fit(frequency=frequency, recency=recency, age=age)

    # then every estimate lies within two standard errors of the truth
    assert fit.identifiable
    for name, error in fit.log_standard_errors.items():
        gap = abs(np.log(getattr(fit.params, name)) - np.log(getattr(truth, name)))
        assert gap < 2 * error, name


def test_short_history_without_dropout_is_reported_not_identifiable():
    # given 300 B2B clients over at most a year who all keep ordering (nobody leaves)
    rng = np.random.default_rng(7)
    age = rng.uniform(100.0, 365.0, size=300)
    arrivals = rng.poisson(rng.gamma(2.0, 1 / 60.0, size=300) * age)
    frequency = arrivals.astype(float)
    recency = np.where(arrivals > 0, age * rng.beta(np.maximum(arrivals, 1), 1.0), 0.0)

    # when BG/NBD is fitted
    fit = bgnbd_fit(frequency=frequency, recency=recency, age=age)

    # then the dropout part runs to the boundary and the fit is flagged, not trusted
    assert fit.converged
    assert not fit.identifiable
    assert fit.reason == "the fit ran to the boundary: a → 0, b → ∞"
    assert all(np.isnan(error) for error in fit.log_standard_errors.values())


def test_a_recency_beyond_the_age_is_refused():
    with pytest.raises(ValueError, match="recency must lie between 0 and the customer's age"):
        bgnbd_fit(frequency=np.array([1.0]), recency=np.array([5.0]), age=np.array([4.0]))


def test_expected_transactions_at_a_equal_to_one_take_the_limit():
    # given a = 1, where the paper's expression divides 0 by 0
    x, t_x, t = np.array([0.0, 4.0]), np.array([0.0, 20.0]), np.array([30.0, 30.0])
    exact = BgNbdParams(r=0.5, alpha=6.0, a=1.0, b=3.0)

    # when forecast at a = 1 and on both sides of it
    at_one, below, above = (
        bgnbd_expected_transactions(
            params=dataclasses.replace(exact, a=a), horizon=26.0, frequency=x, recency=t_x, age=t
        )
        for a in (1.0, 1.0 - 1e-5, 1.0 + 1e-5)
    )

    # then the limit lies between its neighbours
    assert np.all(np.isfinite(at_one))
    np.testing.assert_allclose(at_one, (below + above) / 2, rtol=1e-6)
