"""Regression tests for a fresh-eyes review's findings: a line search that meets NaN is not convergence,
coordinate minimisation in random order checks every coordinate, steepest descent passes phi' to a rule
that needs it, check_grads refuses options that would check nothing, defvjp's argnums."""

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import ad


def barrier(x):  # f* = 2 at (1, 1); NaN outside x > 0
    return float(np.sum(x - np.log(x))) if np.all(x > 0) else np.nan


@pytest.mark.parametrize("method", ["coordinate", "random_pursuit"])
def test_a_line_search_that_meets_nan_goes_on_to_the_true_minimum(method):
    """bracket walks into the NaN region and Brent stops at the first NaN: the golden fallback finishes
    the search (before: CONVERGED at f - f* = 1.29 for coordinate, 12.7 for random_pursuit)."""
    p = zo.Problem(barrier, 2, jit=False)
    r = zo.minimize(p, np.full(2, 30.0), method=method, tol=1e-6, seed=0)
    assert r.success and r.status is zo.Status.CONVERGED
    assert r.fun - 2.0 < 1e-9 and np.allclose(r.x, 1.0, atol=1e-4)
    assert r.nfev == p.nfev


@pytest.mark.parametrize("method", ["coordinate", "random_pursuit"])
def test_a_simulator_that_starts_failing_is_never_converged(method):
    calls = [0]

    def sim(x):
        calls[0] += 1
        return float(x @ x + 1.0) if calls[0] <= 40 else np.nan

    p = zo.Problem(sim, 3, jit=False)
    r = zo.minimize(p, np.full(3, 3.0), method=method, tol=1e-6, seed=0, record="none")
    assert not r.success and r.status is zo.Status.NONFINITE, r.message
    assert r.nfev == p.nfev == calls[0]


def test_line_minimum_certifies_its_answer_or_says_it_cannot():
    from zeroopt.linesearch.drivers import line_minimum

    class Phi:
        nfev = 0

        def __init__(self, f):
            self.f = f

        def __call__(self, t):
            self.nfev += 1
            return self.f(t)

        def remember(self, t, v):
            pass

    walled = Phi(lambda t: (t - 0.3) ** 2 if -1.0 < t < 1.0 else np.nan)
    t, f, bad = line_minimum(walled, 0.09, 5.0)
    assert abs(t - 0.3) < 1e-6 and not bad           # NaN far away: the minimum is certified
    blind = Phi(lambda t: 0.0 if t == 0.0 else np.nan)
    t, f, bad = line_minimum(blind, 0.0, 1.0)
    assert t == 0.0 and bad                          # NaN all around 0: no certificate


def test_coordinate_in_random_order_searches_every_coordinate_before_converging():
    """Before: seed 22 reported 'no coordinate moved more than tol in the last 3 steps' at ||grad|| = 0.85,
    reading an old zero move of a coordinate as current."""
    A = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.3], [0.0, 0.3, 1.0]])
    p = zo.Problem(lambda x: 0.5 * x @ A @ x, 3, jit=False)
    worst = 0.0
    for seed in range(40):
        r = zo.minimize(p, np.array([1.0, -2.0, 3.0]), method="coordinate", options={"order": "random"},
                        seed=seed, tol=1e-3, record="none")
        assert r.success, (seed, r.message)
        worst = max(worst, float(np.linalg.norm(A @ r.x)))
    assert worst < 5e-3


@pytest.mark.parametrize("oracle", [zo.ExactAD(), zo.CoordinateFD()])
def test_steepest_descent_takes_wolfe(oracle):
    p = zo.problems.rosenbrock(4)
    r = zo.minimize(p, np.zeros(4), oracle, method="steepest", step=zo.linesearch.wolfe, maxiter=30)
    assert r.status is zo.Status.MAXITER and r.fun < p.value(np.zeros(4), count=False)
    assert (r.nfev, r.ngev) == (p.nfev, p.ngev)


def _sin(x):
    return np.sin(x)


@pytest.mark.parametrize("modes", [("forward", "reverse"), "both", (), ["fwd", 1]])
def test_check_grads_refuses_modes_that_check_nothing(modes):
    wrong = ad.defvjp(_sin, lambda g, ans, x: g * np.sin(x))
    with pytest.raises(ValueError, match="modes"):
        ad.check_grads(wrong, np.array([0.3, 1.2]), modes=modes, order=1)


@pytest.mark.parametrize("order", [0, 1.5, True, "2"])
def test_check_grads_refuses_a_bad_order(order):
    with pytest.raises(ValueError, match="order"):
        ad.check_grads(np.sin, np.array([0.3]), order=order)


def test_check_grads_names_the_order_of_the_derivative_that_failed():
    def cube(x):
        return np.sum(x ** 3)

    def cube_vjp(g, ans, x):
        return g * 3 * x ** 2 + g * 1e-3 * x ** 3   # first derivatives off by 1e-3 x^3
    wrong = ad.defvjp(cube, cube_vjp)
    with pytest.raises(AssertionError, match=r"VJP of cube \(order 1\)"):
        ad.check_grads(wrong, np.array([0.3, -1.2]), modes=("rev",), order=2)


def test_defvjp_argnums_an_int_and_no_floats():
    def two(x, y):
        return x * y

    f = ad.defvjp(two, lambda g, ans, x, y: g * y, argnums=0)
    assert zo.grad(lambda x: f(x, 3.0))(np.array(2.0)) == 3.0
    with pytest.raises(TypeError, match="argnums"):
        ad.defvjp(lambda x: x * 2.0, lambda g, ans, x: 2 * g, argnums=[0.7])
