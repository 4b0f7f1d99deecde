"""Random Pursuit (Stich, Mueller & Gaertner 2013): each step is the exact minimum along a direction drawn
from the run's stream, and the measured iterations to each target stay within the bound (1 - mu/(nL))^k."""

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import fits
from zeroopt import theory as zt

TARGETS = (1e-1, 1e-2, 1e-3, 1e-4)


def test_each_step_minimises_f_along_a_direction_of_the_runs_stream():
    """On a quadratic the minimum along u is t* = -<g, u> / (u'Au): the run's steps are those, along the
    normalised Gaussian directions of default_rng(seed) (Brent's tolerance 1e-10 of the bracket)."""
    n = 5
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=2)
    A, c = p.args
    xs = [np.ones(n)]
    zo.minimize(p, np.ones(n), method="random_pursuit", maxiter=12, seed=3, callback=lambda it: xs.append(it.x))
    rng = np.random.default_rng(3)
    for x, x_next in zip(xs[:-1], xs[1:]):
        u = rng.standard_normal(n)
        u /= np.linalg.norm(u)
        t = -(A @ (x - c)) @ u / (u @ A @ u)
        np.testing.assert_allclose(x_next, x + t * u, rtol=0, atol=1e-8 * (1 + abs(t)))


@pytest.mark.slow
def test_the_measured_iterations_stay_within_the_bound():
    """The slowdown ratio (iterations to each target over the bound's, ln t / ln(1 - mu/(nL))), geometric
    mean over targets and 10 seeds: at most 1, the bound being on the expectation."""
    n = 10
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=0)
    k_bound = zt.random_pursuit_iterations(TARGETS, n, 1.0, 10.0)
    ratios = []
    for s in range(10):
        r = zo.minimize(p, np.ones(n), method="random_pursuit", maxiter=int(k_bound[-1]), seed=s, record="all",
                        measure=("f",))
        k = fits.crossings(r.history["nit"], r.history["f"] - p.f_star, TARGETS)
        assert np.all(np.isfinite(k))
        ratios.append(fits.geometric_mean(k / k_bound))
    assert fits.geometric_mean(ratios) <= 1.0


def test_reproducible_from_the_seed_and_function_values_only():
    p = zo.problems.rosenbrock(4)
    a, b = (zo.minimize(p, np.zeros(4), method="random_pursuit", maxiter=30, seed=s) for s in (1, 1))
    c = zo.minimize(p, np.zeros(4), method="random_pursuit", maxiter=30, seed=2)
    assert np.array_equal(a.x, b.x) and a.nfev == b.nfev and not np.array_equal(a.x, c.x)
    assert a.ngev == 0 and a.fun < p.value(np.zeros(4), count=False)
    with pytest.raises(ValueError, match="uses function values only"):
        zo.minimize(p, np.zeros(4), zo.TwoPoint(), method="random_pursuit")


def test_theory():
    assert zt.random_pursuit_rate(10, 1.0, 10.0) == pytest.approx(0.99)
    assert zt.random_pursuit_iterations(1.0, 10, 1.0, 10.0) == 0.0
    np.testing.assert_allclose(zt.random_pursuit_iterations([1e-2], 4, 1.0, 1.0), [np.log(1e-2) / np.log(0.75)])
    with pytest.raises(ValueError):
        zt.random_pursuit_iterations(0.0, 4, 1.0, 1.0)
    with pytest.raises(ValueError):
        zt.random_pursuit_rate(4, 2.0, 1.0)
