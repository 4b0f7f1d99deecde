"""Every primitive: dot-product checks of its VJP and JVP against central differences, over shapes with
scalars and broadcasting, to second order where the rule is smooth (zeroopt.ad.check_grads)."""

import numpy as np
import pytest

import zeroopt.ad as ad
from zeroopt.ad import check_grads
from zeroopt.ad.core import Primitive
from zeroopt.ad.rules import PRIMITIVES, UFUNCS

rng = np.random.default_rng(0)
#: every rule is checked with the tape's default release threshold and with every unneeded value released
#: (conftest.tape_release): derivatives must not change when the tape keeps only what the rules read
pytestmark = pytest.mark.usefixtures("tape_release")


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws the same inputs whatever ran before it."""
    global rng
    rng = np.random.default_rng(0)


def rand(shape, low=-1.5, high=1.5):
    return rng.uniform(low, high, size=shape)


def with_spectrum(shape, values, seed=3):
    """A matrix with the given, well separated singular values (random singular vectors)."""
    r = np.random.default_rng(seed)
    m, n = shape
    U = np.linalg.qr(r.standard_normal((m, m)))[0][:, : min(m, n)]
    V = np.linalg.qr(r.standard_normal((n, n)))[0][:, : min(m, n)]
    return (U * np.asarray(values, dtype=float)) @ V.T


POS = dict(low=0.5, high=2.0)     # domains of log, sqrt, reciprocal, ...
UNIT = dict(low=-0.8, high=0.8)   # domains of arcsin, arccos, arctanh
UNARY = [
    (np.negative, {}), (np.reciprocal, POS), (np.square, {}), (np.sqrt, POS), (np.cbrt, POS), (np.exp, {}),
    (np.exp2, {}), (np.expm1, {}), (np.log, POS), (np.log2, POS), (np.log10, POS), (np.log1p, POS),
    (np.abs, {}), (np.sin, {}), (np.cos, {}), (np.tan, UNIT), (np.tanh, {}), (np.sinh, {}), (np.cosh, {}),
    (np.arctan, {}), (np.arcsin, UNIT), (np.arccos, UNIT), (np.arcsinh, {}), (np.arctanh, UNIT),
]


@pytest.mark.parametrize("ufunc, dom", UNARY, ids=[u.__name__ for u, _ in UNARY])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_unary(ufunc, dom, shape):
    x = rand(shape, **dom)
    if ufunc is np.abs:
        x = np.where(np.abs(x) < 0.2, 0.5, x)  # away from the kink
    check_grads(lambda x: ufunc(x), x, order=2)


BIN_SHAPES = [((), ()), ((3,), ()), ((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((2, 3), (2, 3))]
BINARY = [
    (np.add, {}, {}), (np.subtract, {}, {}), (np.multiply, {}, {}), (np.divide, {}, POS),
    (np.power, POS, dict(low=0.5, high=2.5)), (np.logaddexp, {}, {}), (np.maximum, {}, {}), (np.minimum, {}, {}),
]


@pytest.mark.parametrize("ufunc, dx, dy", BINARY, ids=[u.__name__ for u, _, _ in BINARY])
@pytest.mark.parametrize("sx, sy", BIN_SHAPES)
def test_binary_each_argument_and_both(ufunc, dx, dy, sx, sy):
    x, y = rand(sx, **dx), rand(sy, **dy)
    if ufunc in (np.maximum, np.minimum):
        y = y + 0.05  # no ties
    check_grads(lambda x: ufunc(x, y), x, order=2)
    check_grads(lambda y: ufunc(x, y), y, order=2)
    nx = int(np.prod(sx))

    def both(z):
        return ufunc(z[:nx].reshape(sx), z[nx:].reshape(sy))
    check_grads(both, np.concatenate([np.ravel(x), np.ravel(y)]), order=2)


def test_operators_and_scalar_exponents():
    x = rand((3,), **POS)
    check_grads(lambda x: x ** 2 + 2.0 ** x - 3 / x + x * 4 - (1 - x) + (-x) + abs(x) + x / 2, x)
    check_grads(lambda x: x ** 0.5 + x ** 3 + x ** 0, x)
    check_grads(lambda x: np.float64(2.0) * x + np.ones(3) @ x + x @ np.ones(3), x)


def test_ties_share_the_derivative_equally():
    x = np.array([3.0, 1.0, 3.0, 3.0])
    np.testing.assert_allclose(ad.grad(lambda x: np.max(x))(x), [1 / 3, 0, 1 / 3, 1 / 3])
    np.testing.assert_allclose(ad.grad(lambda x: np.min(-x))(x), [-1 / 3, 0, -1 / 3, -1 / 3])
    np.testing.assert_allclose(ad.grad(lambda x: np.sum(np.maximum(x, 3.0)))(x), [0.5, 0, 0.5, 0.5])
    np.testing.assert_allclose(ad.grad(lambda x: np.sum(np.minimum(x, x[::-1])))(np.array([1.0, 2.0, 1.0])),
                               [1.0, 1.0, 1.0])
    M = np.array([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]])
    np.testing.assert_allclose(ad.grad(lambda m: np.sum(np.max(m, axis=1)))(M), [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    np.testing.assert_allclose(ad.jvp(lambda x: np.max(x), x, np.array([3.0, 0, 0, 0]))[1], 1.0)


REDUCE_AXES = [None, 0, 1, -1, (0, 2)]


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min"])
@pytest.mark.parametrize("axis", REDUCE_AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    f = getattr(np, name)
    x = rand((2, 3, 4), low=0.5, high=2.0) if name == "prod" else rand((2, 3, 4))
    check_grads(lambda x: f(x, axis=axis, keepdims=keepdims), x, order=2)
    method = getattr(ad.Tracer, name)
    check_grads(lambda x: method(x, axis=axis, keepdims=keepdims), x, order=1)


def test_reductions_of_scalars_and_ufunc_reduce():
    check_grads(lambda x: np.sum(x) * np.prod(x) + np.mean(x), np.array(1.3))
    check_grads(lambda x: np.add.reduce(x, axis=1) + np.multiply.reduce(x, axis=0)[0], rand((2, 2)))


def test_prod_with_zeros():
    for x in ([2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [2.0, 4.0, 3.0]):
        x = np.array(x)
        expected = [np.prod(np.delete(x, i)) for i in range(3)]
        np.testing.assert_allclose(ad.grad(np.prod)(x), expected)
        np.testing.assert_allclose(ad.jvp(np.prod, x, np.ones(3))[1], sum(expected))
    # second derivative through the zero: d2 prod / dx0 dx2 = x1
    H = ad.hessian(np.prod)(np.array([0.0, 5.0, 0.0]))
    np.testing.assert_allclose(H, [[0, 0, 5.0], [0, 0, 0], [5.0, 0, 0]])


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)), ((3,), (4, 3, 2)), ((4, 2, 3), (3,))]


@pytest.mark.parametrize("sa, sb", MATMUL_SHAPES)
def test_matmul(sa, sb):
    a, b = rand(sa), rand(sb)
    check_grads(lambda a: np.matmul(a, b), a)
    check_grads(lambda b: a @ b, b)
    na = a.size
    check_grads(lambda z: z[:na].reshape(sa) @ z[na:].reshape(sb), np.concatenate([a.ravel(), b.ravel()]))


@pytest.mark.parametrize("f, sa, sb", [
    (np.dot, (3,), (3,)), (np.dot, (2, 3), (3,)), (np.dot, (2, 3), (3, 4)), (np.dot, (), (3,)), (np.dot, (2, 3), ()),
    (np.inner, (3,), (3,)), (np.inner, (2, 3), (4, 3)), (np.inner, (2, 3), (3,)), (np.inner, (), (2,)),
    (np.outer, (3,), (2,)), (np.outer, (2, 2), (3,)), (np.vdot, (2, 3), (2, 3)),
])
def test_products(f, sa, sb):
    a, b = rand(sa), rand(sb)
    check_grads(lambda a: f(a, b), a)
    check_grads(lambda b: f(a, b), b)
    check_grads(lambda a: f(a, a) if sa == sb else f(a, b) * 2.0, a)
    if f is np.dot and len(sa) >= 1:
        check_grads(lambda a: ad.Tracer.dot(a, b) if isinstance(a, ad.Tracer) else a.dot(b), a)


@pytest.mark.parametrize("f, x", [
    (lambda x: np.trace(x), rand((3, 3))), (lambda x: np.trace(x, 1), rand((3, 4))),
    (lambda x: np.diag(x), rand((4,))), (lambda x: np.diag(x, -1), rand((3,))), (lambda x: np.diag(x, 2), rand((3,))),
    (lambda x: np.diag(x), rand((3, 4))), (lambda x: np.diag(x, 1), rand((4, 3))), (lambda x: np.diagonal(x, -1), rand((4, 4))),
    (lambda x: x.diagonal(), rand((2, 3))), (lambda x: x.trace(), rand((3, 3))),
    (lambda x: np.tril(x), rand((3, 3))), (lambda x: np.triu(x, 1), rand((3, 4))),
    (lambda x: np.transpose(x), rand((2, 3, 4))), (lambda x: np.transpose(x, (1, 2, 0)), rand((2, 3, 4))),
    (lambda x: x.T, rand((2, 3))), (lambda x: x.transpose(2, 0, 1), rand((2, 3, 4))),
    (lambda x: np.swapaxes(x, 0, 2), rand((2, 3, 4))), (lambda x: x.swapaxes(-1, 0), rand((2, 3))),
    (lambda x: np.reshape(x, (3, 2)), rand((6,))), (lambda x: x.reshape(2, -1), rand((6,))),
    (lambda x: x.reshape((1, 6, 1)), rand((2, 3))), (lambda x: np.ravel(x), rand((2, 3))),
    (lambda x: x.flatten(), rand((2, 3))), (lambda x: np.squeeze(x), rand((1, 3, 1))),
    (lambda x: np.squeeze(x, axis=0), rand((1, 3, 1))), (lambda x: np.expand_dims(x, 1), rand((2, 3))),
    (lambda x: np.expand_dims(x, (0, -1)), rand((3,))), (lambda x: np.broadcast_to(x, (4, 2, 3)), rand((2, 3))),
    (lambda x: np.broadcast_to(x, (3, 2)), rand((1, 2))), (lambda x: np.broadcast_to(x, (3,)), rand(())),
    (lambda x: np.atleast_2d(x), rand((3,))), (lambda x: np.atleast_1d(x), rand(())),
    (lambda x: np.copy(x) * x.copy(), rand((3,))), (lambda x: x.astype(float), rand((3,))),
])
def test_linear_and_shape_operations(f, x):
    check_grads(f, x)


@pytest.mark.parametrize("index", [
    1, -1, slice(1, None), slice(None, None, -1), slice(0, 4, 2), (1, slice(None)), (Ellipsis, 0), (None, 1),
    np.array([0, 2, 2, 1]), [0, 0, 3], (np.array([0, 1]), np.array([2, 2])), np.array([True, False, True, True]),
    (slice(None), np.array([1, 1])),
])
def test_indexing(index):
    x = rand((4, 3)) if isinstance(index, tuple) and len(index) == 2 and index[0] is not None else rand((4,))
    if isinstance(index, tuple) and index[0] is Ellipsis:
        x = rand((4, 3))
    check_grads(lambda x: x[index] * x[index], x)


@pytest.mark.parametrize("f, shapes", [
    (lambda a, b: np.concatenate([a, b]), [(2,), (3,)]), (lambda a, b: np.concatenate([a, b], axis=1), [(2, 2), (2, 3)]),
    (lambda a, b: np.concatenate((a, b), axis=None), [(2, 2), (3,)]), (lambda a, b: np.stack([a, b]), [(3,), (3,)]),
    (lambda a, b: np.stack([a, b, a], axis=-1), [(2, 3), (2, 3)]), (lambda a, b: np.hstack([a, b]), [(2,), (3,)]),
    (lambda a, b: np.hstack([a, b]), [(2, 1), (2, 3)]), (lambda a, b: np.vstack([a, b]), [(3,), (3,)]),
    (lambda a, b: np.vstack([a, b]), [(1, 3), (2, 3)]),
])
def test_concatenation(f, shapes):
    a, b = (rand(s) for s in shapes)
    check_grads(lambda a: f(a, b), a)
    check_grads(lambda b: f(a, b), b)
    na = a.size
    check_grads(lambda z: f(z[:na].reshape(a.shape), z[na:].reshape(b.shape)), np.concatenate([a.ravel(), b.ravel()]))


def test_where_and_clip():
    x, y = rand((2, 3)), rand((3,))
    c = np.array([True, False, True])
    check_grads(lambda x: np.where(c, x, y), x)
    check_grads(lambda y: np.where(c, x, y), y)
    check_grads(lambda x: np.where(x > 0, x ** 2, -x), x)
    check_grads(lambda x: np.where(c, x, 0.0), x)
    x = np.array([-2.0, -0.5, 0.3, 1.7, 3.0])
    check_grads(lambda x: np.clip(x, -1.0, 1.5), x)
    check_grads(lambda x: np.clip(x, None, 1.5) + x.clip(min=-1.0), x)
    check_grads(lambda lo: np.clip(x, lo, 2.0), np.array(0.5))
    check_grads(lambda hi: np.clip(x, -1.0, hi), np.array([0.0, 0.0, 0.0, 0.5, 2.0]))
    np.testing.assert_allclose(ad.grad(lambda x: np.sum(np.clip(x, -1.0, 1.0)))(np.array([-1.0, 0.0, 1.0, 2.0])),
                               [1, 1, 1, 0])


def spd(n, seed=1):
    r = np.random.default_rng(seed)
    B = r.standard_normal((n, n))
    return B @ B.T + n * np.eye(n)


@pytest.mark.parametrize("f, x", [
    (lambda A: np.linalg.inv(A), rand((3, 3)) + 3 * np.eye(3)),
    (lambda A: np.linalg.det(A), rand((3, 3)) + 3 * np.eye(3)),
    (lambda A: np.linalg.slogdet(A)[1], rand((3, 3)) - 3 * np.eye(3)),
    (lambda A: np.linalg.slogdet(A).logabsdet * np.linalg.slogdet(A).sign, rand((3, 3)) + 3 * np.eye(3)),
    (lambda A: np.linalg.solve(A, np.arange(1.0, 4.0)), rand((3, 3)) + 3 * np.eye(3)),
    (lambda b: np.linalg.solve(spd(3), b), rand((3,))),
    (lambda b: np.linalg.solve(spd(3), b), rand((3, 2))),
    (lambda A: np.linalg.solve(A, np.ones((3, 2))), rand((3, 3)) + 3 * np.eye(3)),
    (lambda z: np.linalg.solve(z[:9].reshape(3, 3), z[9:]), np.concatenate([(rand((3, 3)) + 3 * np.eye(3)).ravel(), rand((3,))])),
    (lambda x: np.linalg.norm(x), rand((4,))), (lambda x: np.linalg.norm(x, 1), rand((4,))),
    (lambda x: np.linalg.norm(x, np.inf), rand((4,))), (lambda x: np.linalg.norm(x, -np.inf), rand((4,))),
    (lambda x: np.linalg.norm(x, 3), rand((4,))), (lambda x: np.linalg.norm(x, 2, keepdims=True), rand((4,))),
    (lambda x: np.linalg.norm(x), rand((3, 4))), (lambda x: np.linalg.norm(x, "fro"), rand((3, 4))),
    (lambda x: np.linalg.norm(x, "nuc"), rand((3, 4))), (lambda x: np.linalg.norm(x, 2), rand((4, 3))),
    (lambda x: np.linalg.norm(x, -2), rand((3, 3))), (lambda x: np.linalg.norm(x, 1), rand((3, 4))),
    (lambda x: np.linalg.norm(x, np.inf), rand((3, 4))), (lambda x: np.linalg.norm(x, axis=1), rand((3, 4))),
    (lambda x: np.linalg.norm(x, 1, axis=0, keepdims=True), rand((3, 4))),
    (lambda x: np.linalg.norm(x, axis=(0, 2)), rand((2, 3, 4))), (lambda x: np.linalg.norm(x, keepdims=True), rand((2, 3))),
    (lambda x: np.linalg.svd(x, compute_uv=False), rand((3, 4))),
    (lambda x: np.linalg.svd(x, compute_uv=False), rand((4, 3))),
    (lambda A: np.linalg.eigvalsh(A), spd(4) + rand((4, 4))),
    (lambda A: np.linalg.eigvalsh(A, UPLO="U"), spd(4) + rand((4, 4))),
    (lambda A: np.linalg.eigh(A)[0], spd(4) + rand((4, 4))),
    (lambda A: np.linalg.cholesky(A), spd(4) + rand((4, 4))),
    (lambda A: np.linalg.cholesky(A, upper=True), spd(3) + rand((3, 3))),
])
def test_linalg(f, x):
    check_grads(f, x, order=2)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
def test_svd_vectors(shape):
    """Full SVD: smooth functions of U, s and Vt (with distinct singular values, the derivative of each
    factor is unique up to sign flips, which the functions below do not see)."""
    x = with_spectrum(shape, np.arange(min(shape), 0, -1) + 0.5)

    def f(x):
        U, s, Vt = np.linalg.svd(x, full_matrices=False)
        return np.sum((U * s) @ np.abs(Vt) ** 2) + np.sum(U ** 2 * np.arange(U.shape[0])[:, None]) + np.sum(s ** 3)
    check_grads(f, x, order=2)
    if shape[0] == shape[1]:  # (columns of U have unit norm: weight the rows, or the function is constant)
        check_grads(lambda x: np.sum(np.linalg.svd(x)[0] ** 2 * np.arange(4.0)[:, None]), x, order=1)


def test_eigh_vectors():
    Q = np.linalg.qr(np.random.default_rng(5).standard_normal((4, 4)))[0]
    A = (Q * np.array([1.0, 2.5, 4.0, 5.5])) @ Q.T + np.triu(rand((4, 4)), 1)  # numpy reads the lower triangle

    def f(A):
        w, V = np.linalg.eigh(A)
        return np.sum(V ** 2 * np.arange(1.0, 5.0)[:, None]) + np.sum(w * np.sum(V ** 4, axis=0))
    check_grads(f, A, order=2)
    check_grads(lambda A: np.sum(np.linalg.eigh(A, UPLO="U").eigenvectors ** 2 * np.arange(4.0)[:, None]), A, order=1)


def test_numpy_reads_one_triangle_and_so_does_the_gradient():
    A = spd(3)
    for f in (lambda A: np.sum(np.linalg.cholesky(A)), lambda A: np.sum(np.linalg.eigvalsh(A) ** 2)):
        G = ad.grad(f)(A)
        assert np.all(G[np.triu_indices(3, 1)] == 0)      # the strict upper triangle is never read
    G = ad.grad(lambda A: np.sum(np.linalg.eigvalsh(A, UPLO="U") ** 2))(A)
    assert np.all(G[np.tril_indices(3, -1)] == 0)


def test_comparisons_are_plain_and_control_flow_works():
    seen = {}

    def f(x):
        seen["type"] = type(x > 0)
        return x[0] ** 2 if x[0] > 0 else -x[1] * 3
    assert ad.grad(f)(np.array([2.0, 1.0]))[0] == 4.0
    assert ad.grad(f)(np.array([-2.0, 1.0]))[1] == -3.0
    assert seen["type"] is np.ndarray
    g = ad.grad(lambda x: np.sum(x * (x >= 0) + np.sign(x) + np.floor(x)))(np.array([-1.5, 2.5]))
    np.testing.assert_array_equal(g, [0.0, 1.0])


def test_every_primitive_has_both_rules():
    for name, p in PRIMITIVES.items():
        assert p.vjps and p.jvps, name
    assert len(UFUNCS) >= 30


# --- the checker itself --------------------------------------------------------------------------
def _sin_with(vjp_deriv, jvp_deriv):
    p = Primitive("bad_sin", np.sin)
    p.vjps[0] = lambda g, ans, x: g * vjp_deriv(x)
    p.jvps[0] = lambda t, ans, x: t * jvp_deriv(x)
    return p


def test_checker_fails_on_a_wrong_rule():
    good = _sin_with(np.cos, np.cos)
    check_grads(lambda x: good(x) * 2.0, rand((3,)), order=1)  # the honest rule passes
    wrong_vjp = _sin_with(np.sin, np.cos)
    with pytest.raises(AssertionError, match="VJP"):
        check_grads(lambda x: wrong_vjp(x), rand((3,)), order=1)
    wrong_jvp = _sin_with(np.cos, lambda x: 1.01 * np.cos(x))
    with pytest.raises(AssertionError, match="JVP"):
        check_grads(lambda x: wrong_jvp(x), rand((3,)), order=1)
    # right to first order, wrong to second: d/dx of the derivative must be -sin, not 0
    first_only = _sin_with(lambda x: np.cos(ad.core.raw(x)), lambda x: np.cos(ad.core.raw(x)))
    check_grads(lambda x: first_only(x), rand((3,)), order=1)
    with pytest.raises(AssertionError):
        check_grads(lambda x: first_only(x), rand((3,)), order=2)
