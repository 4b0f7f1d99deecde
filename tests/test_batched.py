"""problems.logistic's batched objective: its values against the serial ones, and the multi-point estimate
it gives against the kernel's along the same directions, within the rounding bounds derived below."""

import numpy as np
import pytest

import zeroopt as zo

U = np.finfo(np.float64).eps / 2


def value_tolerance(X, A, y, reg):
    """|batched - serial| per row: both margins a_i . x carry at most n u sum_t |a_it x_t| (any summation
    order), logaddexp(0, .) is 1-Lipschitz, and each sum of m terms (and of the n squares of ||x||^2) adds
    at most (m + 2) u (and (n + 2) u) times its terms' sum - first order in u, twice (one per side)."""
    m, n = A.shape
    margins = np.abs(X) @ np.abs(A).T                        # (k, m): sum_t |a_it x_t|
    loss = np.logaddexp(0.0, -y * (X @ A.T))
    return (2 * n * U * margins.mean(axis=1) + 2 * (m + 2) * U * loss.mean(axis=1)
            + 2 * (n + 2) * U * 0.5 * reg * np.sum(X * X, axis=1))


@pytest.mark.parametrize("m, n, k", [(50, 4, 7), (500, 300, 12), (7, 1, 1)])
def test_batched_values_equal_the_serial_ones_to_rounding(m, n, k):
    p = zo.problems.logistic(m, n, seed=1)
    X = np.random.default_rng(2).standard_normal((k, n))
    batched = zo.problems.logistic_batch(X, *p.args)
    serial = np.array([p.value(x, count=False) for x in X])
    assert batched.shape == (k,)
    assert np.all(np.abs(batched - serial) <= value_tolerance(X, *p.args))
    assert p.batch_fun is zo.problems.logistic_batch


def test_a_multipoint_estimate_goes_batched_and_agrees_with_the_kernel():
    """TwoPoint(directions=q) on logistic: one batch_fun call for the 2q points (counted 2q), and the
    estimate the kernel makes from serial values along the same V, up to the values' rounding divided by
    2 eps: |G_b - G_s| <= coef sum_j |dD_j| |v_j| with |dD_j| <= (tol+_j + tol-_j) / (2 eps)."""
    m, n, q = 200, 30, 8
    p = zo.problems.logistic(m, n, seed=0)
    calls = []

    def counting_batch(X, *args):
        calls.append(X.shape[0])
        return zo.problems.logistic_batch(X, *args)

    batched = zo.Problem(p.fun, n, args=p.args, batch_fun=counting_batch)
    serial = zo.Problem(p.fun, n, args=p.args)
    o = zo.TwoPoint(directions=q, dist="gaussian", seed=3)
    V = o.draw(np.random.default_rng(4), n)
    x = np.random.default_rng(5).standard_normal(n) * 0.3
    gb = o.estimate_along(batched, x, V)
    gs = o.estimate_along(serial, x, V)
    assert calls == [2 * q] and batched.nfev == serial.nfev == 2 * q
    eps, coef = o.eps, o.coef(n)
    tol_plus = value_tolerance(x + eps * V, *p.args)
    tol_minus = value_tolerance(x - eps * V, *p.args)
    dD = (tol_plus + tol_minus) / (2 * eps) * (1 + 1e-9)
    bound = coef * (dD[:, None] * np.abs(V)).sum(axis=0) + 4 * U * np.abs(gs.grad)
    assert np.all(np.abs(gb.grad - gs.grad) <= bound)


def test_the_batched_logistic_runs_minimize():
    p = zo.problems.logistic(100, 10, seed=0)
    r = zo.minimize(p, np.zeros(10), zo.TwoPoint(directions=4, orthogonal=True, seed=0), maxiter=3000, tol=1e-4)
    assert r.success and np.linalg.norm(r.x - p.x_star) < 1e-2


def along_tolerance(x, V, eps, A, y, reg, sign):
    """|along - serial| at the points x + sign eps v_j: the margins differ by the two matrix products'
    orders (n u sum_t |a_it| (|x_t| + eps |v_jt|) each), by the serial point's own rounding
    (u sum_t |a_it| (|x_t| + 2 eps |v_jt|)) and by the final additions (2 u |z|); then as value_tolerance."""
    m, n = A.shape
    absA = np.abs(A)
    W = x + sign * eps * V
    spread = np.abs(x) + eps * np.abs(V)                      # (q, n)
    dz = (2 * n + 1) * U * spread @ absA.T + U * eps * np.abs(V) @ absA.T + 2 * U * np.abs(W @ A.T)
    loss = np.logaddexp(0.0, -y * (W @ A.T))
    return dz.mean(axis=1) + 2 * (m + 2) * U * loss.mean(axis=1) + 2 * (n + 2) * U * 0.5 * reg * np.sum(W * W, axis=1)


@pytest.mark.parametrize("forward", [False, True])
def test_along_values_equal_the_serial_ones_to_rounding(forward):
    """logistic_along's margins are A x +- eps A v_j (one GEMM V A'): its values at the 2q points (forward:
    x and the q points x + eps v_j) against logistic_fun at each point."""
    m, n, q, eps = 300, 40, 6, 1e-3
    p = zo.problems.logistic(m, n, seed=2)
    A, y, reg = p.args
    rng = np.random.default_rng(3)
    x, V = rng.standard_normal(n), rng.standard_normal((q, n))
    vals = zo.problems.logistic_along(x, V, eps, forward, *p.args)
    if forward:
        assert vals.shape == (q + 1,)
        assert abs(vals[0] - p.value(x, count=False)) <= value_tolerance(x[None], *p.args)[0]
        serial = np.array([p.value(x + eps * v, count=False) for v in V])
        assert np.all(np.abs(vals[1:] - serial) <= along_tolerance(x, V, eps, *p.args, 1.0))
    else:
        assert vals.shape == (2 * q,)
        for side, sign in ((0, 1.0), (1, -1.0)):
            serial = np.array([p.value(x + sign * eps * v, count=False) for v in V])
            assert np.all(np.abs(vals[side::2] - serial) <= along_tolerance(x, V, eps, *p.args, sign))
    assert zo.problems.logistic_batch.along is zo.problems.logistic_along


def test_twopoint_uses_along_and_counts_its_points():
    m, n, q = 200, 30, 8
    p = zo.problems.logistic(m, n, seed=0)
    serial = zo.Problem(p.fun, n, args=p.args)
    for scheme in ("central", "forward"):
        o = zo.TwoPoint(directions=q, dist="gaussian", scheme=scheme, seed=1)
        V = o.draw(np.random.default_rng(4), n)
        x = np.random.default_rng(5).standard_normal(n) * 0.3
        before = p.nfev
        ga = o.estimate_along(p, x, V)
        gs = o.estimate_along(serial, x, V)
        assert p.nfev - before == o.evals_per_call(n)
        tol_plus = along_tolerance(x, V, o.eps, *p.args, 1.0)
        tol_minus = (value_tolerance(x[None], *p.args)[0] * np.ones(q) if scheme == "forward"
                     else along_tolerance(x, V, o.eps, *p.args, -1.0))
        dD = (tol_plus + tol_minus) / ((1 if scheme == "forward" else 2) * o.eps) * (1 + 1e-9)
        bound = o.coef(n) * (dD[:, None] * np.abs(V)).sum(axis=0) + 4 * U * np.abs(gs.grad)
        assert np.all(np.abs(ga.grad - gs.grad) <= bound)
