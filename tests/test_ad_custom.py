"""Rules of one's own (zeroopt.ad.defvjp / defjvp): a library function made differentiable in both modes
and to second order from one kind of rule, numpy functions without a rule made differentiable under
their own name, and zeroopt.ad.check_grads catching a wrong rule (a wrong VJP, a wrong JVP, and a pair
of rules that disagree with each other only - the adjoint identity)."""

import numpy as np
import pytest
import scipy.special

import zeroopt as zo
from zeroopt.ad import check_grads, custom, defjvp, defvjp
from zeroopt.ad.tracer import FUNCTIONS, UFUNCS

RNG = np.random.default_rng(3)


@pytest.fixture
def forget():
    """Rules given to numpy's own functions are process-wide: take them back after the test."""
    given = []
    yield given.append
    for fun in given:
        custom.DEFINED.pop(fun, None)
        FUNCTIONS.pop(fun, None)
        UFUNCS.pop(fun, None)
    zo.ad.arraylike.rebuild()


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def test_a_library_function_with_a_vjp_rule_in_both_modes_and_second_order():
    lse = defvjp(scipy.special.logsumexp, lambda g, ans, x: g * np.exp(x - ans))
    x = RNG.standard_normal(4)
    assert lse(x) == scipy.special.logsumexp(x) and lse.__name__ == "logsumexp"
    np.testing.assert_allclose(zo.grad(lse)(x), softmax(x), rtol=1e-14)
    np.testing.assert_allclose(zo.jvp(lse, x, np.eye(4)[1])[1], softmax(x)[1], rtol=1e-14)   # transposed VJP
    s = softmax(x)
    np.testing.assert_allclose(zo.hessian(lse)(x), np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)
    check_grads(lse, x, order=2)
    check_grads(lambda x: lse(x) * np.sum(x ** 2), x)             # composed with built-in rules
    assert defvjp(lse, lambda g, ans, x: g * np.exp(x - ans)) is lse     # the same primitive again


def test_a_jvp_rule_alone_gives_reverse_mode_too():
    def softplus(x):
        return np.logaddexp(0.0, x)
    sp = defjvp(softplus, lambda t, ans, x: t / (1.0 + np.exp(-x)))
    x = RNG.standard_normal((2, 3))
    np.testing.assert_allclose(zo.grad(lambda x: np.sum(sp(x)))(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-14)
    check_grads(sp, x, order=2)


def test_several_arguments_broadcast_keyword_constants_and_missing_rules():
    def scaled_sum(x, w, *, power=1.0):
        return np.sum(x * w) ** power
    f = defvjp(scaled_sum, lambda g, ans, x, w, power=1.0: g * power * ans ** ((power - 1) / power) * w,
               lambda g, ans, x, w, power=1.0: g * power * ans ** ((power - 1) / power) * x)
    x, w = RNG.uniform(0.5, 1.5, (2, 3)), RNG.uniform(0.5, 1.5, 3)      # w broadcast against x
    gw = zo.grad(lambda w: f(x, w, power=2.0))(w)
    assert gw.shape == (3,)                                            # the rule's (2, 3) summed back
    np.testing.assert_allclose(gw, 2 * np.sum(x * w) * x.sum(axis=0), rtol=1e-14)
    check_grads(lambda x: f(x, w, power=2.0), x)
    check_grads(lambda w: f(x, w, power=2.0), w)
    g = defvjp(lambda a, b: a * b, None, lambda g, ans, a, b: g * a)   # no rule for argument 0
    assert zo.grad(lambda b: g(2.0, b))(3.0) == 2.0
    with pytest.raises(TypeError, match="no VJP rule for its argument 0"):
        zo.grad(lambda a: g(a, 3.0))(2.0)
    h = defvjp(lambda a, b: a * b, lambda g, ans, a, b: g * b, argnums=(0,))
    assert zo.grad(lambda a: h(a, 3.0))(2.0) == 3.0


def test_numpy_functions_without_a_rule_differentiate_under_their_own_name(forget):
    x, k = RNG.standard_normal(5), RNG.standard_normal(3)
    with pytest.raises(TypeError, match="numpy.convolve has no derivative rule"):
        zo.grad(lambda x: np.sum(np.convolve(x, k) ** 2))(x)
    forget(np.convolve)             # full convolution; rules in plain numpy (np.correlate has no rule):
    defvjp(np.convolve, lambda g, ans, a, v: np.correlate(g, v, "valid"),     # first derivatives only
           lambda g, ans, a, v: np.correlate(g, a, "valid"))
    defjvp(np.convolve, lambda t, ans, a, v: np.convolve(t, v), lambda t, ans, a, v: np.convolve(a, t))
    f = lambda x: np.sum(np.convolve(x, k) ** 2)                       # noqa: E731
    np.testing.assert_allclose(zo.grad(f)(x), 2 * np.correlate(np.convolve(x, k), k, "valid"), rtol=1e-13)
    check_grads(lambda x: np.convolve(x, k), x, order=1)
    check_grads(lambda k: np.convolve(x, k), k, order=1)
    forget(np.copysign)                                                # a ufunc
    defvjp(np.copysign, lambda g, ans, a, b: g * np.sign(a) * np.sign(b))
    np.testing.assert_array_equal(zo.grad(lambda a: np.sum(np.copysign(a, -1.0)))(np.array([2.0, -3.0])), [-1.0, 1.0])


def test_what_defvjp_refuses():
    with pytest.raises(ValueError, match="already has a derivative rule for sin"):
        defvjp(np.sin, lambda g, ans, x: g)
    with pytest.raises(TypeError, match="need a function"):
        defvjp(3.0, lambda g, ans, x: g)
    with pytest.raises(ValueError, match="one rule per position"):
        defvjp(lambda a, b: a * b, lambda g, ans, a, b: g, argnums=(0, 1))
    with pytest.raises(ValueError, match="distinct non-negative"):
        defvjp(lambda a, b: a * b, lambda g, ans, a, b: g, lambda g, ans, a, b: g, argnums=(1, 1))
    with pytest.raises(TypeError, match="must be a function"):
        defvjp(lambda a: a, "not a rule")


# --- check_grads catches a wrong rule of one's own ---------------------------------------------------
def test_check_grads_catches_a_wrong_user_vjp():
    right = defvjp(lambda x: np.sin(x) * x, lambda g, ans, x: g * (np.cos(x) * x + np.sin(x)))
    x = RNG.standard_normal(3)
    check_grads(right, x)
    wrong = defvjp(lambda x: np.sin(x) * x, lambda g, ans, x: g * np.cos(x) * x)     # forgot a term
    with pytest.raises(AssertionError, match="VJP"):
        check_grads(wrong, x, modes=("rev",), order=1)
    with pytest.raises(AssertionError, match="JVP"):         # the JVP is its transpose: wrong too
        check_grads(wrong, x, modes=("fwd",), order=1)
    slightly = defvjp(lambda x: np.sin(x) * x, lambda g, ans, x: 1.001 * g * (np.cos(x) * x + np.sin(x)))
    with pytest.raises(AssertionError):                       # a 0.1 % error
        check_grads(slightly, x, order=1)


def test_check_grads_catches_a_jvp_and_a_vjp_that_disagree():
    """Each rule of the pair is checked against differences, within rtol = 1e-6 (the difference quotient's
    own error); the adjoint identity ties them to each other exactly up to rounding, so a 1e-7 relative
    error in one of them, which passes against differences, is caught there."""
    def cube(x):
        return x ** 3
    f = defvjp(cube, lambda g, ans, x: g * 3 * x ** 2)
    defjvp(cube, lambda t, ans, x: t * 3 * x ** 2 * (1 + 1e-7))
    x = RNG.uniform(0.5, 1.5, 3)
    check_grads(f, x, modes=("rev",))
    check_grads(f, x, modes=("fwd",), rtol=1e-6)                    # each alone is within the tolerance
    with pytest.raises(AssertionError, match="adjoint identity"):
        check_grads(f, x, order=1)
    defjvp(cube, lambda t, ans, x: t * 3 * x ** 2)                  # mended: the pair agrees
    check_grads(f, x, order=2)


def test_check_grads_message_names_the_order():
    first_only = defvjp(lambda x: np.sin(x), lambda g, ans, x: g * np.cos(zo.ad.core.raw(x)))
    x = RNG.standard_normal(3)
    check_grads(first_only, x, order=1)                     # right, but not differentiable itself
    # the first derivatives are right; the second (those of the derivative functions) are not: order 2
    with pytest.raises(AssertionError, match=r"derivative functions \(order 2\)"):
        check_grads(first_only, x, order=2)
