"""The difference step from the noise (Moré & Wild 2012): the formulas, the derivative estimate, the
auto step against the grid of fixed steps, and its counts."""

import math

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.noise import step as nstep


def test_forward_step_minimises_the_forward_error_model():
    noise, d2 = 3e-7, 5.0
    h = zo.noise.forward_step(noise, d2)
    assert h == pytest.approx(8 ** 0.25 * math.sqrt(noise / d2))
    grid = h * np.logspace(-1, 1, 2001)
    model = (d2 * grid / 2) ** 2 + 2 * noise ** 2 / grid ** 2
    assert grid[np.argmin(model)] == pytest.approx(h, rel=2e-3)


def test_central_step_minimises_the_central_error_model():
    noise, d3 = 3e-7, 5.0
    h = zo.noise.central_step(noise, d3)
    assert h == pytest.approx((3 * noise / d3) ** (1 / 3))
    grid = h * np.logspace(-1, 1, 2001)
    model = (d3 * grid ** 2 / 6) ** 2 + noise ** 2 / (2 * grid ** 2)
    assert grid[np.argmin(model)] == pytest.approx(h, rel=2e-3)


def test_the_formulas_refuse_bad_values():
    with pytest.raises(ValueError, match="noise"):
        zo.noise.forward_step(-1.0, 1.0)
    with pytest.raises(ValueError, match="d2"):
        zo.noise.forward_step(1e-8, 0.0)
    with pytest.raises(ValueError, match="d3"):
        zo.noise.central_step(1e-8, -2.0)
    with pytest.raises(TypeError, match="noise"):
        zo.noise.central_step("a", 1.0)


def cubic(x):
    """f = sum_i c_i x_i^3 / 6 + sum x^2: f_ii = c_i x_i + 2, f_iii = c_i."""
    return float(np.sum(np.array([1.0, 4.0, 9.0]) * x ** 3) / 6 + np.sum(x ** 2))


def test_the_derivatives_along_the_coordinates_are_found_with_noise():
    """Relative noise 1e-8: Moré & Wild's test accepts each coordinate's second and third derivative;
    the estimates are within 5% (their error: noise 1e-8 |f| / h^k at h ~ 1e-2 and truncation)."""
    rng = np.random.default_rng(0)
    x = np.array([1.0, 1.0, 1.0])

    def f(y):
        return cubic(y) * (1 + 1e-8 * rng.standard_normal())
    c = np.array([1.0, 4.0, 9.0])
    fw = zo.noise.auto_step(f, x, "forward", seed=1)
    assert fw.passed.all() and np.allclose(fw.derivatives, c * x + 2, rtol=0.05)
    assert fw.derivative == pytest.approx(math.sqrt(np.mean(fw.derivatives ** 2)))
    assert fw.h == pytest.approx(zo.noise.forward_step(fw.noise.noise, fw.derivative))
    ce = zo.noise.auto_step(f, x, "central", seed=1)
    assert ce.passed.all() and np.allclose(ce.derivatives, c, rtol=0.05)


def test_counts_are_exact_and_the_noise_can_be_reused():
    p = zo.Problem(cubic, 3, jit=False)
    x = np.array([0.5, 0.2, -0.3])
    s = zo.noise.auto_step(p, x, "central")
    extra = s.nfev - s.noise.nfev - 4 * 3           # 4 per coordinate, 4 more per coordinate tried again
    assert p.nfev == s.nfev and extra % 4 == 0 and 0 <= extra <= 4 * 3
    before = p.nfev
    again = zo.noise.auto_step(p, x, "forward", noise=s.noise)
    extra = again.nfev - 2 * 3
    assert p.nfev - before == again.nfev and again.noise is s.noise and extra % 2 == 0 and 0 <= extra <= 2 * 3
    with pytest.raises(TypeError, match="noise"):
        zo.noise.auto_step(p, x, noise=1e-8)
    with pytest.raises(ValueError, match="scheme"):
        zo.noise.auto_step(p, x, "backward")


def test_a_derivative_that_never_passes_the_test_gives_its_bound():
    """f linear: its second differences are noise only, below 100 noise levels; the bound
    100 eps_f / h^2 is used, which makes the step smaller than any larger-curvature one."""
    rng = np.random.default_rng(3)

    def f(y):
        return float(2.0 + np.sum(y)) * (1 + 1e-6 * rng.standard_normal())
    s = zo.noise.auto_step(f, np.zeros(2), "forward")
    assert not s.passed.any() and "0 of 2 passed" in s.message
    assert np.all(s.derivatives > 0) and math.isfinite(s.h)


def fd(fun, x, h, scheme):
    G = np.empty(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        G[i] = (fun(x + e) - fun(x)) / h if scheme == "forward" else (fun(x + e) - fun(x - e)) / (2 * h)
    return G


@pytest.mark.parametrize("scheme", ["forward", "central"])
@pytest.mark.parametrize("rel", [1e-4, 1e-8])
def test_the_auto_step_is_within_2x_of_the_best_fixed_step(scheme, rel):
    """The issue's target at a test's size: the RMS gradient error over 20 noise draws with the auto
    step is at most twice the best of 41 fixed steps 1e-12..1e-1 (experiments.noise measures 200 draws
    and both noises: ratios 0.75-1.16)."""
    x = np.array([-1.2, 1.0, -1.2, 1.0])
    f = zo.problems.rosenbrock(4).value
    g = zo.ExactAD()(zo.problems.rosenbrock(4), x)
    grid = np.logspace(-12, -1, 41) * 1.2
    sq, sq_auto = np.zeros(grid.size), 0.0
    for d in range(20):
        rng = np.random.default_rng([d, 4])

        def noisy(y, rng=rng):
            return f(y, count=False) * (1 + rel * rng.standard_normal())
        for j, h in enumerate(grid):
            sq[j] += np.sum((fd(noisy, x, h, scheme) - g) ** 2)
        p = zo.Problem(noisy, 4, jit=False)
        s = zo.noise.auto_step(p, x, scheme, seed=d)
        sq_auto += np.sum((zo.CoordinateFD(eps=s.h, scheme=scheme)(p, x) - g) ** 2)
        assert p.nfev == s.nfev + (5 if scheme == "forward" else 8)
    assert math.sqrt(sq_auto / 20) <= 2 * math.sqrt(sq.min() / 20)


def test_tau_constants_are_moré_and_wild_s():
    assert nstep.TAU1 == 100.0 and nstep.TAU2 == 0.1
