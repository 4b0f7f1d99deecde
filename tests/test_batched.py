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
