"""The worked examples of the lecture notes (000, 001, 002, 004) against their closed forms."""

import numpy as np

import zeroopt as zo

r = np.random.default_rng(7)
n = 4


def test_quadratic_form_gradient_and_hessian():
    """f = <x, Ax> - b'x + c: grad (A + A')x - b, Hessian A + A' (lecture notes 000)."""
    A, b, x = r.standard_normal((n, n)), r.standard_normal(n), r.standard_normal(n)
    f = lambda x, A, b: x @ (A @ x) - b @ x + 3.0  # noqa: E731
    np.testing.assert_allclose(zo.grad(f)(x, A, b), (A + A.T) @ x - b, rtol=1e-13)
    np.testing.assert_allclose(zo.hessian(f)(x, A, b), A + A.T, rtol=1e-13)


def test_log_quadratic_form():
    """f = ln <x, Ax>, A symmetric: grad 2Ax / <x, Ax> (lecture notes 000)."""
    B = r.standard_normal((n, n))
    A, x = B @ B.T + np.eye(n), r.standard_normal(n)
    np.testing.assert_allclose(zo.grad(lambda x: np.log(x @ A @ x))(x), 2 * A @ x / (x @ A @ x), rtol=1e-13)


def test_softplus_of_linear_form():
    """f = ln(1 + exp<a, x>): grad sigma(<a,x>) a, Hessian sigma(1 - sigma) a a' (lecture notes 000)."""
    a, x = r.standard_normal(n), r.standard_normal(n)
    s = 1 / (1 + np.exp(-(a @ x)))
    f = lambda x: np.log(1 + np.exp(a @ x))  # noqa: E731
    np.testing.assert_allclose(zo.grad(f)(x), s * a, rtol=1e-13)
    np.testing.assert_allclose(zo.hessian(f)(x), s * (1 - s) * np.outer(a, a), rtol=1e-12)


def test_cube_of_norm():
    """f = (1/3) ||x||^3: grad ||x|| x, Hessian ||x|| I + x x' / ||x|| (lecture notes 004)."""
    x = r.standard_normal(n)
    nx = np.linalg.norm(x)
    f = lambda x: np.linalg.norm(x) ** 3 / 3  # noqa: E731
    np.testing.assert_allclose(zo.grad(f)(x), nx * x, rtol=1e-13)
    np.testing.assert_allclose(zo.hessian(f)(x), nx * np.eye(n) + np.outer(x, x) / nx, rtol=1e-12)


def test_trace_of_A_Xinv_B():
    """f = tr(A X^-1 B): grad -X^-T A' B' X^-T (lecture notes 004)."""
    A, B = r.standard_normal((n, n)), r.standard_normal((n, n))
    X = r.standard_normal((n, n)) + n * np.eye(n)
    Xi = np.linalg.inv(X)
    g = zo.grad(lambda X: np.trace(A @ np.linalg.inv(X) @ B))(X)
    np.testing.assert_allclose(g, -Xi.T @ A.T @ B.T @ Xi.T, rtol=1e-12)


def test_inner_product_minus_log_det():
    """f = <S, X> - log det X: grad S - X^-T (lecture notes 004)."""
    S = r.standard_normal((n, n))
    B = r.standard_normal((n, n))
    X = B @ B.T + np.eye(n)
    for logdet in (lambda X: np.log(np.linalg.det(X)), lambda X: np.linalg.slogdet(X)[1]):
        g = zo.grad(lambda X: np.sum(S * X) - logdet(X))(X)
        np.testing.assert_allclose(g, S - np.linalg.inv(X).T, rtol=1e-12)


def test_derivative_through_a_linear_solve():
    """x = A^-1 b: dL/dA = -A^-T (dL/dx) x', dL/db = A^-T dL/dx, here for L(x) = sum(w * x^2) (lecture notes 004)."""
    A, b, w = r.standard_normal((n, n)) + n * np.eye(n), r.standard_normal(n), r.standard_normal(n)
    x = np.linalg.solve(A, b)
    dLdx = 2 * w * x
    L = lambda A, b: np.sum(w * np.linalg.solve(A, b) ** 2)  # noqa: E731
    np.testing.assert_allclose(zo.grad(L)(A, b), -np.linalg.solve(A.T, dLdx)[:, None] * x[None, :], rtol=1e-12)
    np.testing.assert_allclose(zo.grad(lambda b, A: L(A, b))(b, A), np.linalg.solve(A.T, dLdx), rtol=1e-12)


def test_nuclear_norm_gradient_is_U_Vt():
    """tr(Sigma) of W = U Sigma V': grad U V' (lecture notes 004)."""
    W = r.standard_normal((5, 3))
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    np.testing.assert_allclose(zo.grad(lambda W: np.sum(np.linalg.svd(W, compute_uv=False)))(W), U @ Vt, rtol=1e-12)
    np.testing.assert_allclose(zo.grad(lambda W: np.linalg.norm(W, "nuc"))(W), U @ Vt, rtol=1e-12)


def test_seed_001_forward_and_reverse():
    """L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (lecture notes 001), both modes against the closed form."""
    w = np.array([2.0, 3.0])
    L = lambda w: w[1] * np.log(w[0]) + np.sqrt(w[1] * np.log(w[0]))  # noqa: E731
    w1, w2 = w
    u = w2 * np.log(w1)
    exact = np.array([w2 / w1 + w2 / (w1 * 2 * np.sqrt(u)), np.log(w1) + np.log(w1) / (2 * np.sqrt(u))])
    np.testing.assert_allclose(zo.grad(L)(w), exact, rtol=1e-14)
    np.testing.assert_allclose([zo.jvp(L, w, e)[1] for e in np.eye(2)], exact, rtol=1e-14)
    np.testing.assert_allclose(zo.jacobian(L, mode="fwd")(w), exact, rtol=1e-14)


def test_d2l_example():
    """f = ((a + b)^2 + (a - b)^2)^2, a = (w+x+y+z)^2, b = (w+x-y-z)^2 at (-1, 0, -2, 1): f = 1024 and each
    partial derivative is -4096 (lecture notes 002)."""
    def f(v):
        w, x, y, z = v[0], v[1], v[2], v[3]
        a = (w + x + y + z) ** 2
        b = (w + x - y - z) ** 2
        return ((a + b) ** 2 + (a - b) ** 2) ** 2

    val, g = zo.value_and_grad(f)(np.array([-1.0, 0.0, -2.0, 1.0]))
    assert val == 1024.0
    np.testing.assert_array_equal(g, [-4096.0] * 4)
    assert zo.jacobian(f, mode="fwd")(np.array([-1.0, 0.0, -2.0, 1.0])).tolist() == [-4096.0] * 4


def test_one_layer_network_mse():
    """MSE of a one-layer network y = W x, L = ||W X - Y||^2 / m: grad 2 (W X - Y) X' / m (lecture notes 003)."""
    W, X, Y = r.standard_normal((2, 3)), r.standard_normal((3, 10)), r.standard_normal((2, 10))
    g = zo.grad(lambda W: np.mean(np.sum((W @ X - Y) ** 2, axis=0)))(W)
    np.testing.assert_allclose(g, 2 * (W @ X - Y) @ X.T / 10, rtol=1e-13)
