"""ExactAD(compiled=True) inside gd's jitted loop (zeroopt.kernels.exact): the same iterates, history and
counts as the Python path; gradients counted as ngev and never as nfev; a retrace inside the loop; the
entry points keyed by the compiled program itself; max_nfev with a gradient that costs no evaluation;
non-finite values named as on the Python path; the fallback. Each test compiles the loop for a new
program (seconds on a loaded machine): marked slow where it does."""

import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import kernels
from zeroopt._compiled import new_tally
from zeroopt.ad import compiler as cp
from zeroopt.kernels.exact import GUARD


def _both(problem, x0, **kw):
    """minimize with ExactAD(compiled=True) on the Python path and on the jitted path, each on a fresh
    count; returns the two results and the problem's ngev after each."""
    out = []
    for jit in (False, True):
        problem.reset_counts()
        r = zo.minimize(problem, x0, zo.ExactAD(compiled=True), jit=jit, **kw)
        out.append((r, problem.nfev, problem.ngev))
    return out


def _same(a, b):
    assert np.array_equal(a.x, b.x)
    assert a.status == b.status and a.message == b.message and a.nit == b.nit
    assert (a.nfev, a.ngev, a.nhev) == (b.nfev, b.ngev, b.nhev)
    assert a.fun == b.fun or (np.isnan(a.fun) and np.isnan(b.fun))
    for k in a.history:
        assert np.array_equal(a.history[k], b.history[k], equal_nan=True), k


@pytest.mark.slow
def test_the_jitted_loop_runs_the_compiled_gradient_and_counts_it_as_ngev():
    p = zo.problems.rosenbrock(6)
    x0 = np.zeros(6)
    (a, nfev_a, ngev_a), (b, nfev_b, ngev_b) = _both(p, x0, step=1e-3, maxiter=300)
    _same(a, b)
    assert b.status == zo.Status.MAXITER
    # one gradient per iteration, no function evaluation (the history's f(x_k) is not counted)
    assert (b.nfev, b.ngev) == (0, 300) and (nfev_b, ngev_b) == (0, 300) and (nfev_a, ngev_a) == (0, 300)
    # the loop ran: its kernel was compiled for the gradient program, and the oracle's path is that kernel
    path = zo.ExactAD(compiled=True).fast_path(p, x0)
    assert path.kernel is kernels.exact.exact and path.kernel.jit.signatures
    # the traced gradient (the default) has no path: it stays on the Python path, the reference
    assert zo.ExactAD().fast_path(p, x0) is None
    with pytest.raises(ValueError, match="ExactAD\\(compiled=True\\)"):
        zo.minimize(p, x0, zo.ExactAD(), step=1e-3, maxiter=5, jit=True)


@pytest.mark.slow
def test_convergence_and_max_nfev_with_a_gradient_that_costs_no_evaluation():
    p = zo.problems.quadratic(5, seed=3)
    x0 = np.ones(5)
    # tol: the test holds at the iterate after k updates, whose gradient is the (k+1)-th
    (a, *_), (b, _, ngev) = _both(p, x0, tol=1e-8, maxiter=2000)
    _same(a, b)
    assert b.status == zo.Status.CONVERGED and b.ngev == b.nit + 1 == ngev and b.nfev == 0
    # max_nfev: the loop's cost per iteration is 0, so the budget never cuts a chunk (no division by it);
    # record="none" keeps one evaluation for the final f(x), the only one the run makes
    for record in ("log", "none"):
        (a, *_), (b, nfev, _) = _both(p, x0, max_nfev=3, maxiter=40, record=record)
        _same(a, b)
        assert b.status == zo.Status.MAXITER and b.nit == 40 and b.ngev == 40
        assert b.nfev == nfev == (1 if record == "none" else 0)


def _branchy_np(x):
    # a branch on x[0]: gd from x0 = 0 crosses x[0] = 0.5 on its way to 1
    s = np.sum((x - 1.0) ** 2)
    return s if x[0] < 0.5 else 2.0 * s


def _fresh_branchy():
    """A new function object with _branchy_np's code (a derivative of its own, no program yet)."""
    return type(_branchy_np)(_branchy_np.__code__, _branchy_np.__globals__)


@pytest.mark.slow
def test_a_guard_that_fails_inside_the_loop_retraces_and_the_loop_goes_on(monkeypatch):
    paths = []
    real = zo.ExactAD.fast_path

    def spy(self, problem, x=None):
        paths.append(None if x is None else x.copy())
        return real(self, problem, x)
    monkeypatch.setattr(zo.ExactAD, "fast_path", spy)
    results = []
    for jit in (True, False):       # the jitted run first: the retrace happens inside its loop
        p = zo.Problem(_fresh_branchy(), 3, L=4.0)
        r = zo.minimize(p, np.zeros(3), zo.ExactAD(compiled=True), step=0.05, maxiter=80, jit=jit)
        d = cp.shared(p.py_fun)
        assert d.stats["retraces"] == 1 and len(d.versions()) == 2
        results.append((r, p.ngev))
    (b, ngev_b), (a, ngev_a) = results
    _same(a, b)
    # the jitted run asked for a path at x0 and again where the guard failed, after the branch
    assert len(paths) == 2 and paths[0][0] == 0.0 and paths[1][0] >= 0.5
    assert b.ngev == ngev_b == ngev_a == 80 and b.nfev == 0  # the call whose guard failed is made once
    assert abs(b.x[0] - 1.0) < 1e-3               # it went on past the branch to the minimiser


def test_the_entry_points_are_keyed_by_the_program_not_its_class():
    # two programs of one derivative (the two sides of a branch) have the same Python class and the same
    # argument types; problem.compiled.estimate must never run the first one's code for the second
    p = zo.Problem(_branchy_np, 2, L=4.0)
    d = cp.CompiledDerivative(p.py_fun)
    lo, hi = np.array([0.0, 3.0]), np.array([2.0, 3.0])
    prog_lo, prog_hi = d.program(lo, ()), d.program(hi, ())
    assert prog_lo[0] is not prog_hi[0] and type(prog_lo[0]) is type(prog_hi[0])
    for x, prog, factor in ((lo, prog_lo, 1.0), (hi, prog_hi, 2.0), (lo, prog_lo, 1.0)):
        path = kernels.exact.exact_path(*prog)
        G = np.zeros(2)
        r = p.compiled.estimate(path.kernel, x, path.fixed_draw, path.params, G, np.empty(0), new_tally(1))
        assert r[0] == kernels.OK, r
        assert np.array_equal(G, factor * 2.0 * (x - 1.0)) and r[4] == _branchy_np(x)
        assert kernels.exact.gradients(path) == 1 and p.nfev == 0
    # the kernel itself reports the failed guard (the loop then retraces): the low program at the high x
    path = kernels.exact.exact_path(*prog_lo)
    r = p.compiled.estimate(path.kernel, hi, path.fixed_draw, path.params, np.zeros(2), np.empty(0), new_tally(1))
    assert r[0] == GUARD and r[1] >= 1 and kernels.exact.gradients(path) == 0


@pytest.mark.slow
def test_a_non_finite_value_in_the_loop_is_reported_as_on_the_python_path():
    # x <- x - 4 x^3 from 10: -3990, 2.5e11, ... until x^4 overflows while x is still finite
    p = zo.Problem(lambda x: np.sum(x ** 4), 2, L=1.0)
    (a, *_), (b, *_) = _both(p, np.array([10.0, 1.0]), step=1.0, maxiter=10,
                               record="none")   # (no checkpoint: its divergence test would stop it first)
    _same(a, b)
    assert b.status == zo.Status.NONFINITE and "f = inf at x" in b.message


@pytest.mark.slow
def test_a_gradient_that_does_not_compile_runs_on_the_python_path():
    def loopy(x):       # a Python loop over x: one recorded operation per entry, above the node limit
        s = 0.0
        for i in range(x.shape[0]):
            s = s + x[i] * x[i]
        return s
    p = zo.Problem(loopy, 800, L=2.0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = zo.minimize(p, np.ones(800), zo.ExactAD(compiled=True), maxiter=3)
        with pytest.raises(ValueError, match="jit=True"):
            zo.minimize(p, np.ones(800), zo.ExactAD(compiled=True), maxiter=3, jit=True)
    assert [str(x.message).count("node limit") for x in w if x.category is cp.CompileWarning] == [1]
    assert r.status == zo.Status.CONVERGED and (r.nfev, r.ngev) == (0, r.nit + 1)
