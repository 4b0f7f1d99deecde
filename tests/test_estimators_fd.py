"""Coordinate finite differences: errors against their derived bounds."""

import numba
import numpy as np
import pytest
from conftest import U, exact_grad, gamma

import zeroopt as zo
from zeroopt.estimators import CENTRAL_REL_STEP, FORWARD_REL_STEP


def rounding_scale(p, pts):
    """F = max over points of 0.5 |d|'|A||d| (d = x - c): with k = 2n + 3 roundings on the way,
    |fl(f) - f| <= gamma_k F (Higham, Accuracy and Stability, ch. 3: subtraction, matrix-vector and
    dot products)."""
    A, c = p.args
    return max(0.5 * np.abs(y - c) @ (np.abs(A) @ np.abs(y - c)) for y in pts)


def steps(x, rel, eps=None):
    h = np.full_like(x, eps) if eps is not None else rel * np.maximum(1.0, np.abs(x))
    return h


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_central_fd_on_quadratic_is_exact_up_to_rounding(scale):
    p = zo.problems.quadratic(6, mu=1.0, L=10.0, seed=3)
    A, c = p.args
    x = scale * np.random.default_rng(1).standard_normal(6)
    G = zo.CoordinateFD()(p, x)
    g = exact_grad(p, x)
    n = p.dim
    h = steps(x, CENTRAL_REL_STEP)
    xp, xm = x + h, x - h              # the points evaluated, as represented
    width = xp - xm
    F = rounding_scale(p, [x + np.diag(h)[i] for i in range(n)] + [x - np.diag(h)[i] for i in range(n)])
    # two values each off by <= gamma F, divided by the width; the difference quotient of a quadratic is
    # the derivative at the represented midpoint, off x_i by <= u(|x_i| + h_i); the division rounds once.
    bound = 2 * gamma(2 * n + 3) * F / width + np.abs(np.diag(A)) * U * (np.abs(x) + h) + 2 * U * np.abs(g)
    err = np.abs(G - g)
    assert np.all(err <= bound), (err, bound)
    assert np.all(bound <= 1e-7 * (np.linalg.norm(g) + 1.0))  # the bound is not vacuous
    assert p.nfev == 2 * n


def test_forward_fd_error_is_half_h_times_the_diagonal():
    p = zo.problems.quadratic(6, mu=1.0, L=10.0, seed=3)
    A, c = p.args
    n = p.dim
    x = np.random.default_rng(2).standard_normal(n)
    eps = 1e-3
    G = zo.CoordinateFD(eps=eps, scheme="forward")(p, x)
    g = exact_grad(p, x)
    hh = (x + eps) - x                  # the represented steps
    predicted = g + 0.5 * hh * np.diag(A)  # (f(x + h e_i) - f(x)) / h = g_i + (h/2) A_ii, exactly
    F = rounding_scale(p, [x] + [x + np.diag(hh)[i] for i in range(n)])
    bound = 2 * gamma(2 * n + 3) * F / hh + 2 * U * np.abs(predicted)
    assert np.all(np.abs(G - predicted) <= bound)
    assert np.all(np.abs((G - g) / (0.5 * hh * np.diag(A)) - 1.0) < 1e-6)  # the O(h) term is really there
    assert p.nfev == n + 1


def test_forward_fd_default_step_error_within_truncation_plus_rounding():
    p = zo.problems.quadratic(6, mu=1.0, L=10.0, seed=3)
    A, c = p.args
    x = np.random.default_rng(4).standard_normal(6)
    G = zo.CoordinateFD(scheme="forward")(p, x)
    g = exact_grad(p, x)
    h = steps(x, FORWARD_REL_STEP)
    F = rounding_scale(p, [x] + [x + np.diag(h)[i] for i in range(6)])
    bound = 0.5 * h * np.abs(np.diag(A)) * (1 + 1e-6) + 2 * gamma(15) * F / (h * (1 - 1e-15)) + 2 * U * np.abs(g)
    assert np.all(np.abs(G - g) <= bound)


@numba.njit
def smooth_separable(x):
    return np.sum(np.exp(x) + np.sin(2.0 * x))


@pytest.mark.parametrize("scheme, hs, order", [
    ("forward", np.logspace(-2, -5, 7), 1.0),
    ("central", np.logspace(-1, -3, 7), 2.0),
])
def test_error_order_is_the_schemes_order(scheme, hs, order):
    """Truncation error ~ C h^order: the fitted log-log slope of the error against h."""
    p = zo.Problem(smooth_separable, 4)
    x = np.array([0.3, -0.2, 0.7, 1.1])
    g = np.exp(x) + 2.0 * np.cos(2.0 * x)
    errs = [np.max(np.abs(zo.CoordinateFD(eps=h, scheme=scheme)(p, x) - g)) for h in hs]
    slope = np.polyfit(np.log(hs), np.log(errs), 1)[0]
    assert abs(slope - order) < 0.05, slope


def test_coordinate_fd_reports_counts_and_factors():
    for scheme, evals in (("central", 12), ("forward", 7)):
        o = zo.CoordinateFD(scheme=scheme)
        assert o.evals_per_call(6) == evals and o.second_moment_factor(6) == 1.0
