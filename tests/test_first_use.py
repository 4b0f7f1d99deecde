"""What a first user trips over, each checked: what an outside evaluation counter sees, a measurement the AD
cannot make, an objective that returns an array, a complex start, and a quasi-Newton method fooled by a
random oracle (the numbers as_jac's docstring states)."""

import warnings

import numba
import numpy as np
import pytest

import zeroopt as zo


def counting(x, A, b, calls):
    calls[0] += 1
    return 0.5 * x @ (A @ x) - b @ x + 0.25 * np.sum(x ** 4)


counting_jitted = numba.njit(counting)   # one dispatcher: compiled once for every test below
CASES = [("gd", zo.TwoPoint(seed=0), {}, False), ("gd", zo.CoordinateFD(), {}, False), ("coordinate", None, {}, False),
         ("gd", zo.ExactAD(), {}, True), ("gd", zo.ExactAD(), {"step": zo.linesearch.armijo}, True),
         ("steepest", zo.ExactAD(), {}, True), ("newton", None, {}, True), ("newton", zo.CoordinateFD(), {}, True)]


def _id(case):
    method, oracle, kw = case[:3]
    return f"{method}-{type(oracle).__name__ if oracle is not None else 'default'}{'-armijo' if kw else ''}"


@pytest.mark.parametrize("method, oracle, kw, traced, jit", [pytest.param(*c, False, id=_id(c)) for c in CASES] + [
    pytest.param(*c, True, id="jit-" + _id(c), marks=pytest.mark.slow)   # the jitted loop (it compiles)
    for c in CASES if c[0] == "gd" and not c[2]])
def test_an_outside_counter_sees_nfev_plus_the_ad_traces(method, oracle, kw, traced, jit):
    """README: with record="none" an objective that counts its own calls sees nfev + ngev + n nhev calls
    (each ExactAD gradient runs it once, traced; each Newton Hessian n times, one pass per coordinate), and
    exactly nfev with a zero-order oracle."""
    n = 4
    A, b, calls = np.diag(np.arange(1.0, n + 1)), np.ones(n), np.zeros(1)
    p = zo.Problem(counting_jitted if jit else counting, n, args=(A, b, calls), jit=jit)
    args = (p, np.full(n, 0.5)) + (() if oracle is None else (oracle,))
    r = zo.minimize(*args, method=method, maxiter=6, record="none", **kw)
    assert r.nit > 0 and calls[0] == r.nfev + r.ngev + n * r.nhev
    if traced:
        assert r.ngev + r.nhev > 0 and calls[0] > r.nfev            # the traces are outside nfev
    else:
        assert r.ngev == r.nhev == 0 and calls[0] == r.nfev


def untraceable(x):
    return float(sum(v * v for v in x.tolist()))     # Python floats: zeroopt.ad cannot trace it


def test_a_measurement_the_ad_cannot_make_warns_once():
    p = zo.Problem(untraceable, 3, jit=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = zo.minimize(p, np.ones(3), zo.TwoPoint(seed=0), maxiter=40, record="all", measure=("f", "grad_norm2"))
    mine = [w for w in caught if "grad_norm2" in str(w.message)]
    assert len(mine) == 1 and mine[0].category is RuntimeWarning and mine[0].filename == __file__
    assert "cannot trace" in str(mine[0].message) and "untraceable" in str(mine[0].message)
    assert len(r.history["nit"]) == 41 and np.isnan(r.history["grad_norm2"]).all()
    assert np.isfinite(r.history["f"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")                               # no grad_norm2 asked: no warning
        zo.minimize(p, np.ones(3), zo.TwoPoint(seed=0), maxiter=5, measure=("f",))


def zero_d(x):
    return np.asarray(x @ x)


def one_element(x):
    return x[:1] ** 2 + x[1:2]


def one_element_indexed(x):
    return (x[:1] ** 2 + x[1:2])[0]


@pytest.mark.parametrize("fun", [zero_d, one_element])
@pytest.mark.parametrize("jit", [True, False])
def test_an_objective_returning_an_array_is_refused_in_both_modes(fun, jit):
    with pytest.raises(TypeError, match=r"fun must return a real scalar.*a\[0\]"):
        zo.Problem(fun, 3, jit=jit).value(np.ones(3))


@pytest.mark.parametrize("jit", [True, False])
def test_the_fix_the_message_names_works_in_both_modes(jit):
    p = zo.Problem(one_element_indexed, 3, jit=jit)
    assert p.value(np.array([2.0, 1.0, 0.0])) == 5.0 and p.mode == ("jit" if jit else "python")


@pytest.mark.parametrize("call, name", [
    (lambda p, x: zo.minimize(p, x, zo.TwoPoint(seed=0), maxiter=3), "x0"),
    (lambda p, x: zo.TwoPoint(seed=0)(p, x), "x"), (lambda p, x: zo.CoordinateFD()(p, x), "x"),
    (lambda p, x: zo.ExactAD()(p, x), "x"), (lambda p, x: p.value(x), "x")])
@pytest.mark.parametrize("x", [np.ones(3) + 1j, np.ones(3, dtype=np.complex64), [1.0, 2j, 3.0]],
                         ids=["complex128", "complex64-zero-imag", "list"])
def test_a_complex_point_is_refused_naming_the_argument(call, name, x):
    p = zo.problems.quadratic(3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                               # not numpy's ComplexWarning first
        with pytest.raises(TypeError, match=rf"^{name} must be real; it is complex"):
            call(p, x)
    assert p.nfev == 0


@pytest.mark.slow
def test_lbfgsb_reports_success_far_from_the_minimum_with_a_random_oracle():
    """as_jac's docstring: L-BFGS-B on rosenbrock(200) from 0 with TwoPoint(directions=10) (seed 0) reports
    success after 33 iterations at f = 198.07 with ||grad f|| = 20.9 (f(x0) = 199, f* = 0)."""
    scipy_optimize = pytest.importorskip("scipy.optimize")
    p = zo.problems.rosenbrock(200)
    x0 = np.zeros(200)
    r = scipy_optimize.minimize(p.value, x0, jac=zo.as_jac(zo.TwoPoint(directions=10), p, seed=0), method="L-BFGS-B")
    g = zo.grad(p.py_fun)(r.x)
    assert r.success and r.fun > 150 and np.linalg.norm(g) > 10      # "converged", but nowhere near x* = 1
    import scipy

    if scipy.__version__.startswith("1.17."):   # the version the docstring states
        assert (r.nit, round(float(r.fun), 2), round(float(np.linalg.norm(g)), 1)) == (33, 198.07, 20.9)
    assert p.value(x0, count=False) == 199.0
