"""Roots at zero, the package's convention (docs/math/ad_rules.md, "Roots at zero"): where the derivative
of sqrt (cbrt, x ** p with 0 < p < 1) is infinite, at 0, it is taken as 0, and so for everything built on
it - hypot at (0, 0), the 2-norm at 0, std at zero spread. Checked in both modes, with broadcasting and
size-1 axes, to second order, without a warning; away from 0 nothing changes.

Before, std of one number (constant 0, derivative 0) gave NaN in both modes after a divide-by-zero
warning, and so did sqrt(x @ x) at 0, while np.linalg.norm gave 0."""

import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import check_grads


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def both_modes(f, x, v=None):
    """(gradient by reverse mode, the forward-mode derivative along v) of the scalar f at x."""
    v = np.ones_like(np.asarray(x, dtype=float)) if v is None else v
    return zo.grad(f)(x), zo.jvp(f, x, v)[1]


@pytest.mark.parametrize("f", [np.sqrt, np.cbrt, lambda x: x ** 0.5, lambda x: x ** (1 / 3), lambda x: np.power(x, 0.25)],
                         ids=["sqrt", "cbrt", "x**0.5", "x**(1/3)", "power 0.25"])
def test_roots_have_derivative_zero_at_zero_and_theirs_elsewhere(f):
    x = np.array([0.0, 0.25, 4.0, 0.0])
    g, t = both_modes(lambda x: np.sum(f(x)), x)
    h, inside = 1e-7, x > 0
    want = np.zeros_like(x)
    want[inside] = (f(x[inside] + h) - f(x[inside] - h)) / (2 * h)
    np.testing.assert_allclose(g, want, rtol=1e-6)
    assert t == pytest.approx(np.sum(want), rel=1e-6)
    H = zo.hessian(lambda x: np.sum(f(x)))(x)              # every higher derivative at 0 is 0 too
    assert H[0, 0] == 0.0 and H[3, 3] == 0.0 and np.all(np.isfinite(H))
    assert zo.grad(lambda s: f(s))(0.0) == 0.0


def test_power_with_exponents_in_an_array_broadcast():
    x, p = np.array([[0.0], [2.0]]), np.array([0.5, 1.5, 2.0, 0.25])     # (2, 1) ** (4,)
    g, t = both_modes(lambda x: np.sum(x ** p), x, np.array([[1.0], [0.0]]))
    assert g[0, 0] == 0.0 and t == 0.0                        # 0.5, 0.25 -> 0 (convention), 1.5, 2 -> 0 (exact)
    assert g[1, 0] == pytest.approx(np.sum(p * 2.0 ** (p - 1)), rel=1e-14)
    assert np.all(np.isfinite(zo.hessian(lambda x: np.sum(x ** p))(x)))
    gp = zo.grad(lambda p: np.sum(x ** p))(p)                 # d/dp x^p = x^p log x, 0 at x = 0
    np.testing.assert_allclose(gp, 2.0 ** p * np.log(2.0), rtol=1e-14)


def test_hypot_at_the_origin_and_broadcast():
    for x, y in ((0.0, 0.0), (np.zeros(3), 0.0), (np.zeros((2, 1)), np.zeros(3))):
        gx = zo.grad(lambda x: np.sum(np.hypot(x, y)))(x)
        gy = zo.grad(lambda y: np.sum(np.hypot(x, y)))(y)
        assert np.all(gx == 0.0) and np.all(gy == 0.0) and np.shape(gx) == np.shape(x) and np.shape(gy) == np.shape(y)
    g, t = both_modes(lambda z: np.hypot(z[0], z[1]), np.array([0.0, -2.0]), np.array([1.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, -1.0])
    assert t == -1.0
    check_grads(lambda z: np.hypot(z[:2], z[2]), np.array([0.3, -1.2, 0.7]))


@pytest.mark.parametrize("f", [np.linalg.norm, lambda x: np.sqrt(x @ x), lambda x: np.hypot(x[0], x[1]),
                               lambda x: np.std(np.concatenate([x, -x])) * np.sqrt(x.size)],
                         ids=["norm", "sqrt(x@x)", "hypot", "std of (x, -x)"])
def test_the_norms_agree_at_zero_in_both_modes_to_second_order(f):
    """Each is ||x|| (for hypot, of two entries): gradient 0, Hessian 0 at x = 0; x / ||x|| elsewhere."""
    zero, x = np.zeros(2), np.array([3.0, -4.0])
    g, t = both_modes(f, zero, np.array([1.0, 2.0]))
    assert np.all(g == 0.0) and t == 0.0
    assert np.all(zo.hessian(f)(zero) == 0.0)
    np.testing.assert_allclose(zo.grad(f)(x), x / 5.0, rtol=1e-14)
    check_grads(f, zero, order=1)          # the central difference of |e| at 0 is 0: it agrees
    check_grads(f, x, order=2)


@pytest.mark.parametrize("kw", [dict(axis=1), dict(axis=1, keepdims=True), dict(axis=0), dict(), dict(ord="fro")])
def test_norm_of_rows_some_zero(kw):
    X = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    g = zo.grad(lambda X: np.sum(np.linalg.norm(X, **kw)))(X)
    _, t = zo.jvp(lambda X: np.linalg.norm(X, **kw), X, np.ones_like(X))
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(t))
    if kw.get("axis") == 1:
        np.testing.assert_array_equal(g[0], 0.0)
        np.testing.assert_allclose(g[1], X[1] / 3.0, rtol=1e-15)
        np.testing.assert_allclose(np.ravel(t), [0.0, 1.0 / 3.0], rtol=1e-15)     # (1 - 2 + 2) / 3
    check_grads(lambda X: np.linalg.norm(X, **kw), X, order=1)


@pytest.mark.parametrize("shape, kw", [((), {}), ((3, 1), dict(axis=1)), ((3, 1), dict(axis=-1, keepdims=True)),
                                       ((4,), {}), ((2, 3), dict(axis=1)), ((2, 2), dict(ddof=1)),
                                       ((2, 3), dict(axis=0, ddof=1))])
def test_var_and_std_at_zero_spread_both_modes(shape, kw):
    """var is smooth there (derivative 2 (x - mean) / (N - ddof) = 0); std is |.|-like for N >= 2 (the
    convention gives 0, which the central difference also gives) and constant 0 for one number."""
    x = np.full(shape, 2.5)               # the mean is exact: the spread is exactly 0
    v = np.linspace(-1.0, 1.0, x.size).reshape(shape) if shape else 0.7
    for f in (lambda x: np.std(x, **kw), lambda x: np.var(x, **kw), lambda x: x.std(**kw)):
        y, t = zo.jvp(f, x, v)
        _, back = zo.vjp(f, x)
        assert np.all(np.asarray(y) == 0.0) and np.all(t == 0.0)
        assert np.all(back(np.ones(np.shape(y))) == 0.0)
        check_grads(f, x, order=1)
    if x.size == 1 or kw.get("axis") in (1, -1) and shape[-1] == 1:   # constant 0: every order
        check_grads(lambda x: np.std(x, **kw), x, order=2)
        assert np.all(zo.hessian(lambda x: np.sum(np.std(x, **kw)))(x) == 0.0)


def test_std_of_one_number_is_constant():
    """The issue's case: zo.grad(np.std)(x) is 0 for every x (it was NaN)."""
    for x in (-3.0, 0.0, 1.5, np.float32(2.0)):
        assert zo.grad(np.std)(x) == 0.0 and zo.jvp(np.std, x, 1.0)[1] == 0.0
    check_grads(np.std, 1.5, order=3)
