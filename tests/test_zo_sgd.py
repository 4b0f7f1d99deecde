"""ZO-SGD (method="zo_sgd", zeroopt.optimize.stochastic) and its theory (zeroopt.theory.zo_sgd): the scheme
against gradient descent with the same step and stream, the output x_R, the counts, the options, and the
exact expectation on quadratics against Monte-Carlo runs."""

import math

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.optimize import METHODS
from zeroopt.theory.zo_sgd import zo_sgd_bound, zo_sgd_radius, zo_sgd_sample_mean, zo_sgd_step


def half_norm2(x):
    return 0.5 * (x @ x)


def sphere(n):
    return zo.Problem(half_norm2, n, x_star=np.zeros(n), f_star=0.0, mu=1.0, L=1.0)


# --- the method --------------------------------------------------------------------------------------------
def test_the_trajectory_is_gd_with_the_horizon_step_after_the_draw_of_R():
    """zo_sgd draws R = floor(N u) first, then is gradient descent with gamma = c/sqrt((n + 4) N): the same
    iterates bit for bit as gd with that step on the stream advanced by one random()."""
    n, N, c = 5, 60, 0.7
    p = sphere(n)
    x0 = np.linspace(1.0, 2.0, n)
    oracle = METHODS["zo_sgd"].default_oracle(n, N)
    r = zo.minimize(p, x0, oracle, method="zo_sgd", maxiter=N, seed=3, record="all", options={"c": c})
    rng = np.random.default_rng(3)
    R = min(int(N * rng.random()), N - 1)
    g = zo.minimize(p, x0, oracle, method="gd", step=zo_sgd_step(n, N, c), maxiter=N, seed=rng, record="all",
                    jit=False)
    np.testing.assert_array_equal(r.history["f"], g.history["f"])
    assert r.nit == g.nit == N and r.nfev == g.nfev == 2 * N   # forward differences: 2 evaluations a step
    assert r.fun == r.history["f"][R] == half_norm2(r.x)      # the result is x_R, not x_N
    assert f"R = {R} drawn uniformly from 0..{N - 1}" in r.message
    assert r.status is zo.Status.MAXITER and not r.success    # no convergence test held


def test_the_default_oracle_is_forward_gaussian_with_the_horizon_radius():
    o = METHODS["zo_sgd"].default_oracle(12, 400)
    assert (o.dist, o.scheme, o.q) == ("gaussian", "forward", 1)
    assert o.eps == zo_sgd_radius(12, 400) == 1.0 / (16 * 20)


def test_a_horizon_below_maxiter_ends_the_run_there():
    p = sphere(3)
    r = zo.minimize(p, np.ones(3), method="zo_sgd", maxiter=50, seed=1, options={"horizon": 20})
    assert r.nit == 20 and r.nfev == 40 and r.history["nit"][-1] == 20
    assert "the horizon N = 20 iterations" in r.message


def test_a_budget_before_the_horizon_returns_the_last_iterate_and_says_so():
    p = sphere(3)
    r = zo.minimize(p, np.ones(3), method="zo_sgd", maxiter=50, max_nfev=30, seed=1, record="all")
    assert r.status is zo.Status.MAXFEV and r.nit == 15 and r.nfev == 30
    assert r.fun == r.history["f"][-1]                        # the last iterate: x_R is a draw over the horizon


def test_options_are_checked_and_an_unknown_one_is_named():
    p = sphere(3)
    with pytest.raises(ValueError, match=r"unknown option 'gamma' for method='zo_sgd'; its options: c .*horizon"):
        zo.minimize(p, np.ones(3), method="zo_sgd", options={"gamma": 0.1})
    with pytest.raises(ValueError, match=r"options\['horizon'\] = 100 is more than maxiter = 10"):
        zo.minimize(p, np.ones(3), method="zo_sgd", maxiter=10, options={"horizon": 100})
    with pytest.raises(ValueError, match=r"options\['c'\]"):
        zo.minimize(p, np.ones(3), method="zo_sgd", options={"c": -1.0})
    with pytest.raises(TypeError, match=r"options\['horizon'\]"):
        zo.minimize(p, np.ones(3), method="zo_sgd", options={"horizon": 2.5})
    with pytest.raises(ValueError, match="step is not used by method='zo_sgd'"):
        zo.minimize(p, np.ones(3), method="zo_sgd", step=0.1)


@pytest.mark.slow
def test_the_expected_error_on_a_quadratic_matches_the_exact_recursion():
    """s = 0 (a deterministic f = ||x||^2 / 2): E f(x_R) - f* = E mean_{k<N} f(x_k) (R uniform, drawn apart
    from the trajectory) equals zo_sgd_sample_mean within 4 standard errors of 200 seeds."""
    n, N, c, D = 4, 200, 2.0, 1.0
    p = sphere(n)
    x0 = np.full(n, D / math.sqrt(n))
    eps = zo_sgd_radius(n, N)
    means = []
    for seed in range(200):
        r = zo.minimize(p, x0, method="zo_sgd", maxiter=N, seed=seed, record="all", measure=("f",),
                        options={"c": c})
        means.append(r.history["f"][:N].mean())
    means = np.array(means)
    exact = zo_sgd_sample_mean(N, n, c, D, 0.0, eps)
    assert abs(means.mean() - exact) < 4 * means.std(ddof=1) / math.sqrt(len(means)), (means.mean(), exact)


# --- the theory ----------------------------------------------------------------------------------------------
def test_the_exact_expectation_is_the_recursion_summed():
    n, N, c, D, s, eps = 7, 150, 1.3, 2.0, 0.5, 0.01
    g = c / math.sqrt((n + 4) * N)
    e2, total = D * D, 0.0
    for _ in range(N):
        total += 0.5 * e2
        e2 = (1 - 2 * g + (n + 2) * g * g) * e2 + g * g * ((n + 2) * s * s + eps * eps * n * (n + 2) * (n + 4) / 4)
    assert zo_sgd_sample_mean(N, n, c, D, s, eps) == pytest.approx(total / N, rel=1e-12)


def test_the_exact_expectation_lies_below_the_bound_and_has_its_shape():
    Ns = np.array([1e3, 1e4, 1e5, 1e6])
    for n in (10, 40, 160):
        for c in (0.5, 1.0, 2.0):
            exact = zo_sgd_sample_mean(Ns, n, c, 1.0, 1.0)
            bound = zo_sgd_bound(Ns, n, c, 1.0, 1.0, 1.0)
            assert np.all(exact <= bound)
            lead = 0.25 * np.sqrt((n + 4) / Ns) * (c * (n + 2) / (n + 4) + 1 / c)
            rel = c * math.sqrt((n + 4) / Ns[-1])
            assert exact[-1] == pytest.approx(lead[-1], rel=2 * rel)   # corrections of order c sqrt((n+4)/N)
    assert zo_sgd_bound(10, 100, 1.0, 1.0, 1.0, 1.0) == math.inf      # 2 (n + 4) L gamma >= 1: no bound
    assert zo_sgd_sample_mean(1, 100, 1.0, 1.0, 1.0) == math.inf      # (n + 2) gamma >= 2: diverges


def test_the_theory_refuses_bad_input():
    with pytest.raises(ValueError, match="N must be"):
        zo_sgd_sample_mean(0, 3, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        zo_sgd_bound(10, 3, 1.0, 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="c"):
        zo_sgd_step(3, 10, 0.0)
    with pytest.raises(ValueError, match="n"):
        zo_sgd_radius(0, 10)
