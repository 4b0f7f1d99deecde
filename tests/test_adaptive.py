"""ZO-signSGD and ZO-AdaMM: the update rules against hand-computed references with the same draws, the
papers' defaults, exact counts and reproducibility."""

import math

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import theory as zt
from zeroopt.theory.adaptive import PAPER_Q
from zeroopt.optimize import METHODS


def quad(n=5, seed=0):
    return zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed)


def test_the_default_oracle_is_the_papers_estimate():
    for name in ("zo_signsgd", "zo_adamm"):
        o = METHODS[name].default_oracle(8, 200)
        assert isinstance(o, zo.TwoPoint) and o.dist == "sphere" and o.scheme == "forward"
        assert o.q == PAPER_Q == 10 and o.eps == 1.0 / math.sqrt(8 * 200) == zt.sign_step(8, 200)


def test_signsgd_update_against_a_reference():
    """x <- x - delta sign(G), delta = 1/sqrt(n T), G the default oracle's estimate along the run's draws."""
    n, T = 5, 40
    p = quad(n)
    r = zo.minimize(p, np.ones(n), method="zo_signsgd", maxiter=T, seed=4, record="none")
    o, rng, x = METHODS["zo_signsgd"].default_oracle(n, T), np.random.default_rng(4), np.ones(n)
    delta = 1.0 / math.sqrt(n * T)
    for _ in range(T):
        x = x - delta * np.sign(o.estimate_along(p, x, o.draw(rng, n)).grad)
    assert np.array_equal(r.x, x)
    # counts: q + 1 evaluations per estimate, and the final f(x) of record="none"
    assert r.nfev == (PAPER_Q + 1) * T + 1 and r.ngev == 0


def adamm_reference(grads, x0, alpha, beta1=0.9, beta2=0.999, amsgrad=True):
    """AMSGrad without epsilon, written out (Chen et al. 2019, Algorithm 1, unconstrained); amsgrad=False:
    Adam's v in place of the running maximum v_hat."""
    x, m, v, vhat = x0.copy(), 0 * x0, 0 * x0, 0 * x0
    for g in grads:
        g = g(x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        vhat = np.maximum(vhat, v) if amsgrad else v
        step = np.zeros_like(x)
        moved = vhat > 0
        step[moved] = m[moved] / np.sqrt(vhat[moved])
        x = x - alpha * step
    return x


def test_adamm_update_against_a_reference():
    n, T = 5, 40
    p = quad(n)
    r = zo.minimize(p, np.ones(n), method="zo_adamm", maxiter=T, seed=5, record="none")
    o, rng = METHODS["zo_adamm"].default_oracle(n, T), np.random.default_rng(5)
    ref = adamm_reference([lambda x: o.estimate_along(p, x, o.draw(rng, n)).grad] * T, np.ones(n),
                          1.0 / math.sqrt(n * T))
    np.testing.assert_allclose(r.x, ref, rtol=1e-13)
    r = zo.minimize(p, np.ones(n), zo.ExactAD(), method="zo_adamm", maxiter=T, step=0.05,
                    options={"beta1": 0.5, "beta2": 0.9}, record="none")
    A, c = p.args
    ref = adamm_reference([lambda x: A @ (x - c)] * T, np.ones(n), 0.05, 0.5, 0.9)
    np.testing.assert_allclose(r.x, ref, rtol=1e-13)
    # the running maximum matters here (the gradient shrinks, v decays): Adam's v would give another point
    adam = adamm_reference([lambda x: A @ (x - c)] * T, np.ones(n), 0.05, 0.5, 0.9, amsgrad=False)
    assert np.max(np.abs(adam - ref)) > 1e-3


def test_adamm_a_flat_coordinate_does_not_move():
    """f does not depend on x_0: G_0 = 0 at every step, so m_0 = v_hat_0 = 0 and x_0 stays (0/0 is not a
    NaN: no epsilon is needed)."""
    A = np.diag([0.0, 1.0, 2.0])
    c = np.array([0.0, 1.0, -1.0])
    p = zo.Problem(zo.problems.quadratic_fun, 3, args=(A, c), L=2.0)
    r = zo.minimize(p, np.array([3.0, 0.0, 0.0]), zo.ExactAD(), method="zo_adamm", maxiter=30, record="none")
    assert r.x[0] == 3.0 and np.all(np.isfinite(r.x))


def test_signsgd_sign_of_zero_is_zero():
    A = np.diag([0.0, 1.0])
    p = zo.Problem(zo.problems.quadratic_fun, 2, args=(A, np.array([0.0, 1.0])), L=1.0)
    r = zo.minimize(p, np.array([2.0, 0.0]), zo.ExactAD(), method="zo_signsgd", maxiter=3, step=0.25)
    assert np.array_equal(r.x, [2.0, 0.75])


@pytest.mark.parametrize("name", ["zo_signsgd", "zo_adamm"])
def test_reproducible_from_the_seed(name):
    p = quad()
    a, b, c = (zo.minimize(p, np.ones(5), method=name, maxiter=60, seed=s, record="none") for s in (1, 1, 2))
    assert np.array_equal(a.x, b.x) and a.nfev == b.nfev and not np.array_equal(a.x, c.x)
    assert a.fun < p.value(np.ones(5), count=False)


def test_bad_options_are_named():
    with pytest.raises(ValueError, match=r"options\['beta1'\] must be a number in \[0, 1\)"):
        zo.minimize(quad(), np.ones(5), method="zo_adamm", options={"beta1": 1.0})
    with pytest.raises(ValueError, match="unknown option 'beta1' for method='zo_signsgd'"):
        zo.minimize(quad(), np.ones(5), method="zo_signsgd", options={"beta1": 0.9})
    with pytest.raises(ValueError, match="schedule"):
        zo.minimize(quad(), np.ones(5), method="zo_signsgd", step=zo.linesearch.armijo)
