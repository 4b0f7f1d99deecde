"""Heavy-ball momentum on gd, options={"momentum": beta}: the update against a hand-computed reference,
Polyak's rate on quadratics, any oracle, and the Python path (the jitted loop keeps no previous iterate)."""

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import theory as zt


def quad(n=6, mu=1.0, L=10.0, seed=0):
    return zo.problems.quadratic(n, mu=mu, L=L, seed=seed)


def test_heavy_ball_against_a_reference():
    p = quad()
    A, c = p.args
    r = zo.minimize(p, np.ones(6), zo.ExactAD(), step=0.05, options={"momentum": 0.7}, maxiter=40, record="none")
    x_prev = x = np.ones(6)
    for _ in range(40):
        x, x_prev = x - 0.05 * (A @ (x - c)) + 0.7 * (x - x_prev), x
    np.testing.assert_allclose(r.x, x, rtol=1e-13, atol=1e-15)


def test_polyaks_parameters_give_polyaks_rate():
    """With alpha = 4/(sqrt(L) + sqrt(mu))^2 and beta = rho^2 each eigen-component follows
    e_{k+1} = 2 rho cos(t) e_k - rho^2 e_{k-1}, so e_k = rho^k (U_k e_0 - rho U_{k-1} e_0) (Chebyshev U,
    |U_k| <= k + 1, e_{-1} = e_0): ||x_k - x*|| <= (2k + 1) rho^k ||x_0 - x*||, rho = (sqrt(kappa) - 1) /
    (sqrt(kappa) + 1). Gradient descent with step 1/L is far outside that bound."""
    p = quad(10, mu=1.0, L=100.0)
    alpha, beta, rho = zt.polyak_parameters(1.0, 100.0)
    r = zo.minimize(p, np.ones(10), zo.ExactAD(), step=alpha, options={"momentum": beta}, maxiter=150,
                    record="all", measure=("dist2",))
    k, d = r.history["nit"], np.sqrt(r.history["dist2"])
    assert np.all(d <= (2 * k + 1) * rho ** k * d[0] * (1 + 1e-9))
    assert d[-1] / d[0] > rho ** 150  # and not faster than rho^k (the bound is tight up to its factor)
    gd = zo.minimize(p, np.ones(10), zo.ExactAD(), maxiter=150, record="none")
    assert np.linalg.norm(gd.x - p.x_star) > 301 * rho ** 150 * d[0]


def test_momentum_with_a_random_oracle_counts_and_reproduces():
    p = quad()
    runs = [zo.minimize(p, np.ones(6), zo.TwoPoint(seed=0), options={"momentum": 0.5}, maxiter=50, seed=s,
                        record="none") for s in (3, 3, 4)]
    assert np.array_equal(runs[0].x, runs[1].x) and not np.array_equal(runs[0].x, runs[2].x)
    assert runs[0].nfev == 2 * 50 + 1 and runs[0].fun < p.value(np.ones(6), count=False)


def test_momentum_zero_is_plain_gd_and_keeps_the_jitted_path():
    p = quad()
    a = zo.minimize(p, np.ones(6), zo.TwoPoint(seed=0), maxiter=50, seed=1, jit=True)
    b = zo.minimize(p, np.ones(6), zo.TwoPoint(seed=0), maxiter=50, seed=1, options={"momentum": 0.0}, jit=True)
    assert np.array_equal(a.x, b.x) and a.nfev == b.nfev


def test_momentum_runs_in_python_and_says_why():
    p = quad()
    with pytest.raises(ValueError, match="jit=True, but gd with options\\['momentum'\\] runs in Python"):
        zo.minimize(p, np.ones(6), zo.TwoPoint(), options={"momentum": 0.5}, jit=True)
    with pytest.raises(ValueError, match="not a step rule"):
        zo.minimize(p, np.ones(6), zo.ExactAD(), step=zo.linesearch.armijo, options={"momentum": 0.5})
    no_L = zo.Problem(p.fun, 6, args=p.args)
    with pytest.raises(ValueError, match="needs a fixed step"):
        zo.minimize(no_L, np.ones(6), zo.ExactAD(), options={"momentum": 0.5})
    for bad in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match=r"options\['momentum'\] must be a number in \[0, 1\)"):
            zo.minimize(p, np.ones(6), options={"momentum": bad})
    with pytest.raises(TypeError, match=r"options\['momentum'\]"):
        zo.minimize(p, np.ones(6), options={"momentum": "0.5"})


def test_a_schedule_takes_momentum():
    p = quad()
    r = zo.minimize(p, np.ones(6), zo.ExactAD(), step=lambda k: 0.05, options={"momentum": 0.7}, maxiter=40)
    s = zo.minimize(p, np.ones(6), zo.ExactAD(), step=0.05, options={"momentum": 0.7}, maxiter=40)
    assert np.array_equal(r.x, s.x)
