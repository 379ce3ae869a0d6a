import dataclasses

import numpy as np
import pytest

from upsell.analytics.btyd import (
    GammaGammaParams,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    gamma_gamma_log_likelihood,
    gamma_gamma_log_likelihood_gradient,
)
from upsell.analytics.btyd.summary import transactions_summarize
from upsell.analytics.tests.btyd.data import (
    CDNOW_CALIBRATION_END,
    cdnow_summary_with_spend,
    cdnow_transactions,
)


@pytest.fixture(scope="module")
def repeat_buyers():
    table = cdnow_summary_with_spend()
    x = table["x"].to_numpy().astype(float)
    spend = table["zbar"].to_numpy()
    return {"frequency": x[x > 0], "monetary_value": spend[x > 0]}


def test_fit_on_the_cdnow_transactions_reproduces_the_published_estimates():
    # given the average repeat spend of the 946 CDNOW customers with repeat purchases,
    # computed from their transactions in the 39-week calibration period
    summary = transactions_summarize(
        transactions=cdnow_transactions(), calibration_end=CDNOW_CALIBRATION_END, freq="D"
    )
    repeat = summary.frequency > 0

    # when the Gamma-Gamma model is fitted
    fit = gamma_gamma_fit(
        frequency=summary.frequency[repeat], monetary_value=summary.monetary_value[repeat]
    )

    # then it finds Fader, Hardie & Lee's (2005) p, q and gamma
    assert fit.customers == 946
    assert round(fit.params.p, 2) == 6.25
    assert round(fit.params.q, 2) == 3.74
    assert round(fit.params.gamma, 2) == 15.44
    assert fit.identifiable


def test_fit_on_the_shipped_summary_with_rounded_averages(repeat_buyers):
    # given the same customers with averages rounded to cents, as the wheel ships them
    # when fitted
    fit = gamma_gamma_fit(**repeat_buyers)

    # then the rounding moves gamma by less than 0.01 from the published 15.44
    assert round(fit.params.p, 2) == 6.25
    assert round(fit.params.q, 2) == 3.74
    assert round(fit.params.gamma, 3) == 15.448


def test_gradient_matches_central_differences(repeat_buyers):
    # given the published parameters and each customer's gradient
    params = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    gradient = gamma_gamma_log_likelihood_gradient(params=params, **repeat_buyers)

    # when each parameter is nudged by a relative 1e-5
    for column, name in enumerate(("p", "q", "gamma")):
        value = getattr(params, name)
        step = 1e-5 * value
        upper = gamma_gamma_log_likelihood(
            params=dataclasses.replace(params, **{name: value + step}), **repeat_buyers
        )
        lower = gamma_gamma_log_likelihood(
            params=dataclasses.replace(params, **{name: value - step}), **repeat_buyers
        )

        # then the derivative matches the central difference
        np.testing.assert_allclose(
            gradient[:, column], (upper - lower) / (2 * step), rtol=1e-6, atol=1e-6
        )


def test_expected_spend_shrinks_a_customers_average_towards_the_population_mean():
    # given the published parameters (population mean p gamma / (q - 1) = 35.22)
    params = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)

    # when a one-time buyer, a customer with 2 and one with 20 purchases averaging 100
    expected = gamma_gamma_expected_spend(
        params=params,
        frequency=np.array([0.0, 2.0, 20.0]),
        monetary_value=np.array([0.0, 100.0, 100.0]),
    )

    # then the more purchases, the closer the expectation to the customer's own average
    assert [round(float(value), 2) for value in expected] == [35.22, 88.35, 98.61]


def test_expected_spend_is_refused_without_a_finite_mean():
    with pytest.raises(ValueError, match="no finite mean when q <= 1"):
        gamma_gamma_expected_spend(
            params=GammaGammaParams(p=2.0, q=0.9, gamma=10.0),
            frequency=np.array([1.0]),
            monetary_value=np.array([5.0]),
        )


def test_the_fit_needs_repeat_buyers_with_positive_spend():
    with pytest.raises(ValueError, match="repeat purchases and positive spend"):
        gamma_gamma_fit(frequency=np.array([0.0, 2.0]), monetary_value=np.array([0.0, 10.0]))
