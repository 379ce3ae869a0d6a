import numpy as np

from upsell.analytics.btyd._fitting import Optimum, identifiability_assess

NAMES = ("r", "alpha", "a", "b")
INTERIOR = np.log([0.24, 0.11, 0.79, 2.43])


def _optimum(log_params, *, converged=True, message="CONVERGENCE"):
    return Optimum(np.asarray(log_params, dtype=float), 2.3, converged, message, 20)


def test_a_well_curved_interior_maximum_is_identifiable():
    # given an interior optimum with curvature 100 along each log-parameter
    verdict = identifiability_assess(
        names=NAMES, optimum=_optimum(INTERIOR), hessian=np.diag([100.0, 100.0, 400.0, 25.0])
    )

    # then it is trusted, with standard errors 1 / sqrt(curvature)
    assert verdict.identifiable
    assert verdict.log_standard_errors == (0.1, 0.1, 0.05, 0.2)


def test_a_run_that_did_not_converge_is_not_identifiable():
    verdict = identifiability_assess(
        names=NAMES,
        optimum=_optimum(INTERIOR, converged=False, message="STOP: TOTAL NO. OF ITERATIONS"),
        hessian=np.eye(4),
    )
    assert not verdict.identifiable
    assert verdict.reason == "the optimiser did not converge: STOP: TOTAL NO. OF ITERATIONS"


def test_a_flat_direction_is_named():
    # given a Hessian that is singular along a and b moving together
    direction = np.array([0.0, 0.0, 1.0, 1.0]) / np.sqrt(2)
    other = np.array([0.0, 0.0, 1.0, -1.0]) / np.sqrt(2)
    hessian = np.diag([50.0, 50.0, 0.0, 0.0]) + 80.0 * np.outer(other, other)
    hessian += 1e-12 * np.outer(direction, direction)

    # when judged
    verdict = identifiability_assess(names=NAMES, optimum=_optimum(INTERIOR), hessian=hessian)

    # then the fit is refused and the flat direction is named
    assert not verdict.identifiable
    assert verdict.reason.startswith("the likelihood is flat along a direction moving a and b")


def test_loose_parameters_are_named_with_their_standard_error():
    # given a curvature of 0.25 along log b: a standard error of 2
    verdict = identifiability_assess(
        names=NAMES, optimum=_optimum(INTERIOR), hessian=np.diag([100.0, 100.0, 100.0, 0.25])
    )
    assert not verdict.identifiable
    assert verdict.reason == "the likelihood is too flat to pin down log b ± 2.00 (standard errors)"
    assert verdict.log_standard_errors == (0.1, 0.1, 0.1, 2.0)


def test_a_parameter_at_the_edge_of_its_range_is_a_boundary_fit():
    verdict = identifiability_assess(
        names=NAMES, optimum=_optimum([-1.4, -2.2, -8.9, 8.7]), hessian=np.eye(4)
    )
    assert not verdict.identifiable
    assert verdict.reason == "the fit ran to the boundary: a → 0, b → ∞"
