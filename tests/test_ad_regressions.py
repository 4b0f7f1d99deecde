"""Regression tests for bugs found in review of zeroopt.ad (checkpoint, rollaxis, pad, diff, shape_of)."""

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import check_grads, core, jvp

RNG = np.random.default_rng(0)
W = RNG.standard_normal((3, 3))


def test_checkpoint_first_argument_not_differentiated():
    step = zo.ad.checkpoint(lambda W, x: np.tanh(W @ x))
    x = RNG.standard_normal(3)
    got = zo.grad(lambda x: np.sum(step(W, x) ** 2))(x)
    want = zo.grad(lambda x: np.sum(np.tanh(W @ x) ** 2))(x)
    np.testing.assert_allclose(got, want, rtol=1e-14)
    check_grads(lambda x: step(W, x), x)


def test_checkpoint_first_argument_not_differentiated_list_user():
    step = zo.ad.checkpoint(zo.ad.accept_lists(lambda W, x: np.sum(np.array([x[0] * W[0, 0], x[1]]) ** 2)))
    x = RNG.standard_normal(3)
    got = zo.grad(lambda x: step(W, x))(x)
    np.testing.assert_allclose(got, [2 * W[0, 0] ** 2 * x[0], 2 * x[1], 0.0], rtol=1e-14)


def test_checkpoint_with_kwargs_and_lists_runs_its_inside_twice_per_gradient():
    calls = []

    def inside(x, s=1.0):
        calls.append(1)
        return np.sum(np.array([x[0] * s, x[1]]) ** 2)
    step = zo.ad.checkpoint(zo.ad.accept_lists(inside))
    f = zo.grad(lambda x: step(x, s=2.0))
    x = np.ones(3)
    for _ in range(3):
        np.testing.assert_allclose(f(x), [8.0, 2.0, 0.0])
    assert len(calls) == 6                  # the forward pass and its recomputation, never a rerun


@pytest.mark.parametrize("axis", range(-3, 3))
@pytest.mark.parametrize("start", range(-3, 4))
def test_rollaxis_negative_start(axis, start):
    x = RNG.standard_normal((2, 3, 4))
    want = np.rollaxis(x, axis, start)
    got = jvp(lambda x: np.rollaxis(x, axis, start), x, x)[0]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    check_grads(lambda x: np.rollaxis(x, axis, start), x)


def test_rollaxis_0_minus_1():
    x = RNG.standard_normal((2, 3, 4))
    u = RNG.standard_normal((3, 2, 4))
    g = zo.grad(lambda x: np.sum(np.rollaxis(x, 0, -1) * u))(x)
    np.testing.assert_array_equal(g, np.transpose(u, (1, 0, 2)))


@pytest.mark.parametrize("values", [1.5, (1.5, -2.0), [[1.0, 2.0], [3.0, 4.0]], (7.0,), ((1.0, 2.0),), [[5.0], [6.0]]])
@pytest.mark.parametrize("width", [1, (1, 2), ((1, 0), (2, 3))])
def test_pad_constant_values_2d(values, width):
    y = RNG.standard_normal((2, 3))
    want = np.pad(y, width, constant_values=values)
    got = jvp(lambda y: np.pad(y, width, constant_values=values), y, y)[0]
    np.testing.assert_array_equal(got, want)
    check_grads(lambda y: np.pad(y, width, constant_values=values), y)


@pytest.mark.parametrize("make", [lambda c: c, lambda c: (c, 2 * c), lambda c: [[c, 1.0], [3.0, c * c]],
                                  lambda c: [[c], [-c]]])
def test_pad_traced_constant_values_2d(make):
    y = RNG.standard_normal((2, 3))

    def f(c):
        return np.pad(y * c, ((1, 2), (2, 1)), constant_values=make(c))
    want = np.pad(y * 1.3, ((1, 2), (2, 1)), constant_values=make(1.3))
    np.testing.assert_allclose(jvp(f, 1.3, 1.0)[0], want, rtol=1e-15)
    check_grads(f, 1.3)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("n", [1, 2])
def test_diff_traced_scalar_prepend_append_2d(axis, n):
    y = RNG.standard_normal((2, 3))

    def f(c):
        return np.diff(y * c, n=n, axis=axis, prepend=c, append=2 * c)
    want = np.diff(y * 1.3, n=n, axis=axis, prepend=1.3, append=2.6)
    np.testing.assert_allclose(jvp(f, 1.3, 1.0)[0], want, rtol=1e-15)
    check_grads(f, 1.3)

    def g(y):
        return np.diff(y, n=n, axis=axis, prepend=np.sum(y), append=0.5)
    np.testing.assert_allclose(jvp(g, y, y)[0], np.diff(y, n=n, axis=axis, prepend=np.sum(y), append=0.5),
                               rtol=1e-15)
    check_grads(g, y)


def test_diff_plain_array_traced_prepend():
    y = np.arange(6.0).reshape(2, 3)
    assert zo.grad(lambda c: np.sum(np.diff(y, prepend=c, axis=1) ** 2))(2.0) == pytest.approx(2.0)


def test_shape_of_reads_shape_not_np_shape(monkeypatch):
    def refuse(x):
        raise AssertionError("np.shape called")
    monkeypatch.setattr(np, "shape", refuse)
    assert core.shape_of(np.ones((2, 3))) == (2, 3)
