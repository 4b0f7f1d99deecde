"""The AD API: shapes, modes agreeing with each other, nesting, counts, and clear errors."""

import numpy as np
import pytest

import zeroopt as zo


def f_vec(x, A):
    return np.tanh(A @ x) * np.sum(x ** 2)


def test_forward_and_reverse_jacobians_agree():
    r = np.random.default_rng(0)
    A, x = r.standard_normal((4, 3)), r.standard_normal(3)
    Jr = zo.jacobian(f_vec, mode="rev")(x, A)
    Jf = zo.jacobian(f_vec, mode="fwd")(x, A)
    assert Jr.shape == (4, 3)
    np.testing.assert_allclose(Jr, Jf, rtol=1e-13, atol=1e-14)
    X = r.standard_normal((2, 3))
    J = zo.jacobian(lambda X: np.exp(X) @ np.ones(3), mode="rev")(X)
    assert J.shape == (2, 2, 3)
    np.testing.assert_allclose(J, zo.jacobian(lambda X: np.exp(X) @ np.ones(3), mode="fwd")(X), rtol=1e-14)


def test_hvp_equals_hessian_times_v_and_hessian_is_symmetric():
    r = np.random.default_rng(1)
    A, x, v = r.standard_normal((5, 5)), r.standard_normal(5), r.standard_normal(5)

    def f(x, A):
        return np.sum(np.logaddexp(0.0, A @ x)) + 0.25 * np.sum(x ** 4)

    H = zo.hessian(f)(x, A)
    np.testing.assert_allclose(zo.hvp(f)(x, v, A), H @ v, rtol=1e-12)
    np.testing.assert_allclose(H, H.T, rtol=1e-12)
    s = 1 / (1 + np.exp(-(A @ x)))
    np.testing.assert_allclose(H, A.T @ np.diag(s * (1 - s)) @ A + np.diag(3 * x ** 2), rtol=1e-12)


def test_gradients_have_the_shape_of_x_and_args_are_constants():
    X = np.arange(6.0).reshape(2, 3) / 10
    W = np.ones((3, 2))
    g = zo.grad(lambda X, W: np.sum((X @ W) ** 2))(X, W)
    assert g.shape == (2, 3)
    np.testing.assert_allclose(g, 2 * (X @ W) @ W.T)
    assert zo.grad(lambda x: x ** 3)(2.0) == 12.0 and zo.grad(lambda x: x ** 3)(np.array(2.0)).shape == ()
    val, g = zo.value_and_grad(lambda x, c: c * x @ x)(np.ones(3), 2.0)
    assert val == 6.0 and np.array_equal(g, [4.0, 4.0, 4.0])
    assert g.flags.c_contiguous and g.flags.writeable


def test_constant_and_partly_constant_outputs():
    np.testing.assert_array_equal(zo.grad(lambda x: 3.0)(np.ones(2)), [0.0, 0.0])
    np.testing.assert_array_equal(zo.grad(lambda x: np.sum(np.sign(x)))(np.ones(2)), [0.0, 0.0])
    y, Jv = zo.jvp(lambda x: np.ones(3), np.ones(2), np.ones(2))
    assert np.array_equal(Jv, np.zeros(3))
    g = zo.grad(lambda x: np.sum(np.broadcast_to(x[0], (4,))))(np.ones(2))
    np.testing.assert_array_equal(g, [4.0, 0.0])


def test_vjp_fn_reuses_the_tape():
    y, vjp_fn = zo.vjp(lambda x: np.sin(x) * 2.0, np.array([0.0, 1.0]))
    np.testing.assert_allclose(vjp_fn(np.array([1.0, 0.0])), [2.0, 0.0])
    np.testing.assert_allclose(vjp_fn(np.array([0.0, 1.0])), [0.0, 2 * np.cos(1.0)])
    with pytest.raises(ValueError, match="cotangent"):
        vjp_fn(np.ones(3))


def test_nested_derivatives():
    f = lambda x: np.sum(np.sin(x) * x ** 2)  # noqa: E731
    x = np.array([0.3, -1.2])
    d3 = zo.grad(lambda x: zo.grad(lambda y: zo.grad(f)(y)[0])(x)[0])(x)  # d3f / dx0^3, d3f / dx0^2 dx1 ...
    t = x[0]
    exact = -np.cos(t) * t ** 2 - 6 * t * np.sin(t) + 6 * np.cos(t)
    assert d3[0] == pytest.approx(exact, rel=1e-12) and d3[1] == 0.0
    # reverse-over-reverse agrees with forward-over-reverse
    H_rr = zo.jacobian(zo.grad(f), mode="rev")(x)
    np.testing.assert_allclose(H_rr, zo.hessian(f)(x), rtol=1e-13)


# --- errors ---------------------------------------------------------------------------------------
def test_grad_of_a_vector_names_the_shape():
    with pytest.raises(TypeError, match=r"scalar.*shape \(3,\)"):
        zo.grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="one array"):
        zo.grad(lambda x: (x[0], x[1]))(np.ones(3))


@pytest.mark.parametrize("fun, name", [
    (lambda x: np.sum(np.convolve(x, x)), "numpy.convolve"), (lambda x: np.sum(np.interp(x, x, x)), "numpy.interp"),
    (lambda x: np.sum(np.linalg.qr(x.reshape(2, 2))[1]), "numpy.linalg.qr"),
    (lambda x: np.sum(np.heaviside(x, 1.0) * x), "numpy.heaviside"),
    (lambda x: np.sum(np.maximum.accumulate(x)), "numpy.maximum.accumulate"),
])
def test_functions_without_rules_are_named_with_how_to_add_one(fun, name):
    """The error is a TypeError (ExactAD and the optimizers' history catch it), names the operation and
    says how to add a rule (zeroopt.ad.defvjp, not an edit of the package)."""
    with pytest.raises(TypeError, match=rf"{name} has no derivative rule.*zeroopt\.ad\.defvjp\({name}, vjp\)"):
        zo.grad(fun)(np.ones(4))
    with pytest.raises(TypeError, match=rf"ExactAD cannot differentiate 'p': zeroopt.ad: {name} has no derivative rule"):
        zo.ExactAD()(zo.Problem(fun, 4, name="p", jit=False), np.ones(4))


def test_a_library_call_without_rules_is_named_with_the_users_line():
    """ExactAD on an objective that calls scipy.special.logsumexp used to fail with a message about
    numpy.result_type, Primitive and @implements: it names the user's call and line and what to do."""
    import scipy.linalg
    import scipy.special

    def objective(x):
        return scipy.special.logsumexp(x) + x @ x
    line = "return scipy.special.logsumexp(x) + x @ x"
    with pytest.raises(TypeError) as info:
        zo.ExactAD()(zo.Problem(objective, 3, name="p", jit=False), np.ones(3))
    message = str(info.value)
    assert message.startswith("ExactAD cannot differentiate 'p': zeroopt.ad cannot differentiate your call of "
                              "scipy.special.logsumexp (test_ad_api.py, line ")
    assert line in message and "numpy operations" in message
    assert "zeroopt.ad.defvjp(scipy.special.logsumexp, vjp)" in message
    assert "Primitive" not in message and "@implements" not in message and "result_type" not in message
    with pytest.raises(TypeError, match=r"your call of scipy\.linalg\.expm \(test_ad_api\.py, line \d+: "
                                        r"zo\.grad\(lambda A: np\.sum\(scipy\.linalg\.expm\(A\)\)\)"):
        zo.grad(lambda A: np.sum(scipy.linalg.expm(A)))(np.eye(2))
    with pytest.raises(TypeError, match=r"your call of scipy\.special\.logsumexp: inside it"):
        zo.grad(scipy.special.logsumexp)(np.ones(2))      # the library's function differentiated itself


def test_writing_traced_values_into_plain_arrays_is_refused():
    def writes(x):
        out = np.zeros(3)
        out[0] = x[0] * 2
        return np.sum(out)

    with pytest.raises(TypeError, match=r"(?s)written into an array, e\.g\. out\[i\].*np\.where"):
        zo.grad(writes)(np.ones(3))
    with pytest.raises(TypeError, match="float"):
        zo.grad(lambda x: float(x[0]) * x[1])(np.ones(3))
    with pytest.raises(TypeError, match="ufunc"):
        zo.grad(lambda x: np.sum(np.exp([x[0], x[1]])))(np.ones(3))
    with pytest.raises(TypeError, match="immutable"):
        def inplace(x):
            x[0] = 1.0
            return np.sum(x)
        zo.grad(inplace)(np.ones(3))
    with pytest.raises(TypeError, match="out="):
        zo.grad(lambda x: np.sum(np.exp(x, out=np.empty(3))))(np.ones(3))
    with pytest.raises(IndexError, match="only integers"):    # numpy's own error for a float index
        zo.grad(lambda x: x[x[0]])(np.ones(3))


def test_bad_api_arguments():
    with pytest.raises(ValueError, match="mode"):
        zo.jacobian(np.sin, mode="both")
    with pytest.raises(ValueError, match="tangent v"):
        zo.jvp(np.sin, np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="real array"):
        zo.grad(np.sum)("abc")


# --- the oracle ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: zo.problems.quadratic(6, seed=2), lambda: zo.problems.rosenbrock(5),
                                  lambda: zo.problems.logistic(40, 5, seed=1), lambda: zo.problems.nesterov(6, L=2.0),
                                  lambda: zo.problems.mds(4, 2, seed=1)])
@pytest.mark.slow
def test_exact_ad_matches_central_differences_on_every_problem(make):
    p = make()
    x = np.random.default_rng(3).standard_normal(p.dim) * 0.5
    g = zo.ExactAD()(p, x)
    G = zo.CoordinateFD()(p, x)
    # central FD: O(h^2) truncation (h = cbrt(eps) max(1, |x_i|) ~ 6e-6, third derivatives O(|f|)) plus
    # rounding ~ eps |f| / h ~ 4e-11 |f|: both far below 1e-8 (1 + |f|) per unit of |g|
    tol = 1e-8 * (1 + abs(p.value(x, count=False))) * (1 + np.abs(g))
    assert np.all(np.abs(g - G) <= tol)
    assert p.ngev == 1 and p.nfev == 2 * p.dim


def test_exact_ad_counts_gradients_not_evaluations_and_reports_problems():
    p = zo.problems.quadratic(4)
    o = zo.ExactAD()
    est = o.estimate(p, np.zeros(4))
    assert (p.nfev, p.ngev, o.evals_per_call(4), o.grads_per_call(4), o.second_moment_factor(4)) == (0, 1, 0, 1, 1.0)
    assert est.fx == p.value(np.zeros(4), count=False) and est.gdotG == pytest.approx(est.grad @ est.grad)

    class Simulator:
        def __call__(self, x):
            return float(np.sum(x ** 2))

    with pytest.raises(TypeError, match="ExactAD cannot differentiate 'sim'.*float"):
        o(zo.Problem(Simulator(), 3, name="sim", jit=False), np.ones(3))

    def log_of(x):
        return np.sum(np.log(x))

    with pytest.raises(FloatingPointError, match="log_of: f = -inf at x"):
        o(zo.Problem(log_of, 2), np.array([0.0, 1.0]))
