"""zeroopt.ad.checkpoint: the same derivatives (every mode, second order), the inside run once more in
the backward pass, and a tape whose peak memory follows n / s + s intermediates for s segments of a chain
of n layers (O(sqrt(n)) at s = sqrt(n)) instead of n."""

import tracemalloc

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import check_grads

WIDTH = 128
rng = np.random.default_rng(0)
W = rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)
B = rng.standard_normal(WIDTH) * 0.1


def layers(x, k, W, b):
    for _ in range(k):
        x = np.tanh(W @ x + b)
    return x


def chain(x, n, segments, W, b):
    """n layers in ``segments`` checkpointed segments (0: no checkpointing)."""
    if not segments:
        return np.sum(layers(x, n, W, b) ** 2)
    step = zo.ad.checkpoint(layers)
    for k in np.diff(np.linspace(0, n, segments + 1).round().astype(int)):
        x = step(x, int(k), W, b)
    return np.sum(x ** 2)


def test_checkpointed_gradient_is_the_plain_one_bit_for_bit():
    x = rng.standard_normal(WIDTH)
    plain = zo.grad(chain)(x, 60, 0, W, B)
    for s in (1, 3, 8, 60):
        np.testing.assert_array_equal(zo.grad(chain)(x, 60, s, W, B), plain)
    # derivative with respect to every input of a checkpointed call (W and b too), one recomputation
    calls = []

    def counted(x, W, b):
        calls.append(1)
        return layers(x, 5, W, b)
    step = zo.ad.checkpoint(counted)

    def f(z):
        x, Wz, b = z[:WIDTH], z[WIDTH:-WIDTH].reshape(WIDTH, WIDTH), z[-WIDTH:]
        return np.sum(step(x, Wz, b) ** 2) + np.sum(step(x * 0.5, Wz, b))
    z = np.concatenate([x, W.ravel(), B])
    g = zo.grad(f)(z)
    assert len(calls) == 4                              # two calls, each run again once in the backward pass
    np.testing.assert_array_equal(g, zo.grad(lambda z: np.sum(layers(z[:WIDTH], 5, z[WIDTH:-WIDTH].reshape(WIDTH, WIDTH),
                                                                     z[-WIDTH:]) ** 2) + np.sum(layers(
        z[:WIDTH] * 0.5, 5, z[WIDTH:-WIDTH].reshape(WIDTH, WIDTH), z[-WIDTH:])))(z))


def test_checkpoint_in_both_modes_to_second_order():
    small = np.array([[0.5, -0.3], [0.2, 0.8]])
    step = zo.ad.checkpoint(lambda x, A, scale=1.0: np.tanh(A @ x) * scale + np.sin(x))

    def f(z):
        return step(step(z[:2], z[2:].reshape(2, 2), scale=2.0), small) * z[0]
    check_grads(f, np.array([0.3, -0.4, 0.5, -0.3, 0.2, 0.8]), order=2)
    H = zo.hessian(lambda z: np.sum(f(z) ** 2))(np.array([0.3, -0.4, 0.5, -0.3, 0.2, 0.8]))
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-14)
    assert step(np.ones(2), small).shape == (2,)          # outside differentiation: the function itself


def test_checkpoint_refuses_several_outputs():
    step = zo.ad.checkpoint(lambda x: (x, x))
    with pytest.raises(TypeError, match="must return one array"):
        zo.grad(lambda x: np.sum(step(x)[0]))(np.ones(2))


def peak_bytes(fun, *args):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fun(*args)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_tape_memory_is_linear_without_checkpoints_and_sqrt_with_sqrt_n_segments():
    """Peak memory of one gradient (tracemalloc: arrays and tape nodes) of a chain of n tanh layers: n / s + s
    segments' worth with s segments, so quadrupling n doubles it at s = sqrt(n) and quadruples it without
    checkpoints. Memory is counted exactly, so the bounds are about the schedule, not noise: 2 and 4 up
    to the constant parts (a few kB)."""
    x = rng.standard_normal(WIDTH)
    grad = zo.grad(chain)
    plain = [peak_bytes(grad, x, n, 0, W, B) for n in (256, 1024)]
    sqrt = [peak_bytes(grad, x, n, int(np.sqrt(n)), W, B) for n in (256, 1024)]
    assert 3.6 < plain[1] / plain[0] < 4.4
    assert 1.6 < sqrt[1] / sqrt[0] < 2.4
    assert sqrt[1] < plain[1] / 10
