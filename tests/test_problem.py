import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.problem import PythonModeWarning


def plain_quadratic(x, A):
    return 0.5 * (x @ (A @ x))


def uncompilable(x):
    # numba has no ndarray.tolist: forces Python mode
    return float(np.sum(np.array(x.tolist()) ** 2))


class Simulator:
    """A callable object, like a simulator: valid objective, no numba."""

    def __init__(self):
        self.calls = 0

    def __call__(self, x, scale):
        self.calls += 1
        return scale * float(np.sum(np.cos(x)))


def test_problem_attributes_and_counting():
    A = np.diag([1.0, 2.0, 3.0])
    p = zo.Problem(plain_quadratic, 3, args=(A,), x_star=np.zeros(3), f_star=0.0, mu=1.0, L=3.0)
    assert p.fun is plain_quadratic and p.dim == 3 and p.args == (A,)
    assert (p.mu, p.L, p.f_star, p.name) == (1.0, 3.0, 0.0, "plain_quadratic")
    assert p.nfev == 0 and p.ngev == 0
    assert p.value(np.ones(3)) == pytest.approx(3.0)
    assert p.value([1.0, 0.0, 0.0]) == pytest.approx(0.5)
    assert p.nfev == 2
    p.value(np.ones(3), count=False)
    assert p.nfev == 2
    assert p.mode == "jit"
    assert p.py_fun is plain_quadratic


def test_problem_batch_value_counts_points():
    p = zo.problems.quadratic(4, seed=0)
    X = np.random.default_rng(0).standard_normal((5, 4))
    vals = p.batch_value(X)
    assert p.nfev == 5
    np.testing.assert_allclose(vals, [p.value(r, count=False) for r in X], rtol=1e-13)
    p.nfev = 0
    q = zo.Problem(p.fun, 4, args=p.args)  # no batch_fun: falls back to one call per row
    np.testing.assert_allclose(q.batch_value(X), vals, rtol=1e-13)
    assert q.nfev == 5


@pytest.mark.parametrize("kwargs, match", [
    (dict(dim=0), "dim"), (dict(dim=2.5), "dim"), (dict(args=np.ones(2)), "args"),
    (dict(mu=-1.0), "mu"), (dict(L=0.0), "L"), (dict(mu=2.0, L=1.0), "mu must not exceed L"),
    (dict(x_star=np.ones(3)), "x_star"), (dict(f_star=np.inf), "f_star"),
])
def test_problem_bad_arguments(kwargs, match):
    base = dict(fun=plain_quadratic, dim=2, args=(np.eye(2),))
    base.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        zo.Problem(**base)


def test_problem_fun_not_callable():
    with pytest.raises(TypeError, match="fun must be callable"):
        zo.Problem(3.0, 2)


@pytest.mark.parametrize("x, err, match", [
    (np.ones(3), ValueError, r"shape \(2,\)"), (np.ones((2, 1)), ValueError, "shape"),
    ([1.0, np.nan], ValueError, "finite"), ("ab", TypeError, "1-D array"),
])
def test_value_rejects_bad_points(x, err, match):
    p = zo.Problem(plain_quadratic, 2, args=(np.eye(2),))
    with pytest.raises(err, match=match):
        p.value(x)
    assert p.nfev == 0


def test_python_mode_warns_exactly_once_with_numbas_reason():
    p = zo.Problem(uncompilable, 3)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        v = p.value(np.ones(3))
        zo.CoordinateFD()(p, np.ones(3))
        zo.TwoPoint(directions=2)(p, np.ones(3))
        p.value(np.zeros(3))
    mode_warnings = [w for w in rec if issubclass(w.category, PythonModeWarning)]
    assert len(mode_warnings) == 1
    msg = str(mode_warnings[0].message)
    assert "uncompilable" in msg and "numba said" in msg and "tolist" in msg
    assert v == 3.0 and p.mode == "python"
    assert p.nfev == 1 + 6 + 4 + 1


def test_callable_object_takes_python_path_and_is_counted():
    sim = Simulator()
    p = zo.Problem(sim, 4, args=(2.0,), jit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # jit=False: no warning
        G = zo.CoordinateFD()(p, np.zeros(4))
    np.testing.assert_allclose(G, -2.0 * np.sin(np.zeros(4)), atol=1e-9)
    assert p.nfev == sim.calls == 8
    assert p.mode == "python"
    with pytest.warns(PythonModeWarning, match="Simulator"):
        zo.Problem(Simulator(), 2, args=(1.0,)).value(np.zeros(2))


def test_objective_returning_an_array_is_a_type_error():
    def vec(x):
        return x * 2.0

    with pytest.raises(TypeError, match="real scalar"):
        zo.Problem(vec, 3).value(np.ones(3))
    with pytest.raises(TypeError, match="real scalar"):
        zo.Problem(vec, 3, jit=False).value(np.ones(3))


def test_prejitted_function_is_used_as_is():
    import numba

    jf = numba.njit(plain_quadratic)
    p = zo.Problem(jf, 2, args=(np.eye(2),))
    assert p.jitted is jf and p.py_fun is plain_quadratic
    assert p.value(np.ones(2)) == 1.0


def test_problems_library_knows_its_constants():
    p = zo.problems.quadratic(8, mu=0.5, L=4.0, seed=1)
    A, c = p.args
    lam = np.linalg.eigvalsh(A)
    assert lam[0] == pytest.approx(0.5, rel=1e-12) and lam[-1] == pytest.approx(4.0, rel=1e-12)
    np.testing.assert_allclose(A, A.T, rtol=0, atol=0)
    assert p.value(p.x_star) == 0.0 and p.f_star == 0.0
    r = zo.problems.rosenbrock(5)
    assert r.value(np.ones(5)) == 0.0 and r.value(np.zeros(5)) == 4.0
    lg = zo.problems.logistic(80, 6, seed=2, reg=0.1)
    A, y, reg = lg.args
    s = 1.0 / (1.0 + np.exp(y * (A @ lg.x_star)))
    grad = A.T @ (-y * s) / 80 + reg * lg.x_star
    assert np.linalg.norm(grad) < 1e-13
    H = A.T @ A / (4 * 80) + reg * np.eye(6)
    assert lg.L == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-12) and lg.mu == 0.1
    assert lg.value(lg.x_star) == pytest.approx(lg.f_star, rel=1e-15)
    for bad in (lambda: zo.problems.quadratic(3, mu=2, L=1), lambda: zo.problems.rosenbrock(1),
                lambda: zo.problems.logistic(10, 3, reg=-1.0), lambda: zo.problems.quadratic(1, 1, 2)):
        with pytest.raises(ValueError):
            bad()
