"""No silent wrong answer: the fault audit of the status contract, one test (at least) per defect class.

Each test here failed before the status contract: a run reported success, or a number came back, where
the method had failed.
"""

import functools
import math
import subprocess
import sys
import textwrap
import threading
import warnings

import numba
import numpy as np
import pytest

import zeroopt as zo
from zeroopt.problems import quadratic_fun

S = zo.Status


def quad(n=6, seed=0, **kw):
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed)
    return zo.Problem(quadratic_fun, n, args=p.args, x_star=p.x_star, f_star=0.0, mu=1.0, L=10.0, **kw)


# --- 1. a random estimate is not a verdict on the run ----------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_random_pursuit_draws_again_after_a_miss(seed):
    """Steepest descent with a random oracle near the rounding floor draws directions along which no
    decrease is found: it keeps x, counts the evaluations and draws again (it used to stop the run)."""
    p = zo.problems.quadratic(2, seed=1)
    r = zo.minimize(p, np.ones(2), zo.TwoPoint(seed=seed), method="steepest", maxiter=400)
    assert r.status == S.MAXITER and r.nit == 400 and not r.success
    r = zo.minimize(p, np.ones(2), zo.TwoPoint(seed=seed), method="steepest", maxiter=100_000, tol=1e-8)
    assert r.status == S.CONVERGED and r.nit % 20 == 0 and "estimates" in r.message


@pytest.mark.slow
def test_a_zero_random_estimate_is_not_convergence():
    """RandomCoordinate draws a coordinate whose difference is exactly 0 at x0 = 0 of Rosenbrock(4): the
    run used to end there as CONVERGED, success=True, at f = 3 with nit = 0."""
    p = zo.problems.rosenbrock(4)
    r = zo.minimize(p, np.zeros(4), zo.RandomCoordinate(seed=4), method="steepest", maxiter=100)
    assert not r.success and r.status == S.MAXITER and r.nit == 100 and r.fun < 3.0


def test_a_random_oracle_converges_only_by_the_windowed_test():
    """The tol test for random oracles averages ||G||^2/m over 20 estimates; a single zero estimate (a
    coordinate with zero partial derivative) cannot end the run."""
    A = np.diag([1.0, 2.0, 3.0])
    c = np.array([0.0, 1.0, 1.0])  # x0 = 0 is optimal in coordinate 0: that draw gives G = 0 exactly
    p = zo.Problem(quadratic_fun, 3, args=(A, c), x_star=c, f_star=0.0, mu=1.0, L=3.0)
    for jit in (True, False):
        r = zo.minimize(p, np.zeros(3), zo.RandomCoordinate(seed=0), tol=1e-3, maxiter=50_000, jit=jit)
        assert r.success and r.nit % 20 == 0 and r.nit >= 20 and r.history["dist2"][-1] < 1e-4


@numba.njit
def sine(x):
    return np.sin(x[0])


def test_with_a_deterministic_oracle_no_decrease_is_a_failed_line_search():
    """Central differences with h = 3 pi / 2 at 0 give G = -2/(3 pi) < 0 while f'(0) = 1: no decrease
    along -G near 0, and a deterministic oracle will not give another direction."""
    p = zo.Problem(sine, 1)
    r = zo.minimize(p, np.zeros(1), zo.CoordinateFD(eps=1.5 * math.pi), method="steepest", maxiter=10)
    assert r.status == S.LINESEARCH_FAILED and not r.success and "no decrease" in r.message and r.nit == 0


# --- 2. norms and thresholds never overflow into a pass ---------------------------------------------------
@numba.njit
def quartic(x):
    return 0.25 * np.sum(x ** 4)


def test_newton_where_the_squared_gradient_norm_overflows():
    """f finite, g = x^3 ~ 1e228 so ||g||^2 = inf at x0: Newton used to report 'converged: ||g|| <= inf'."""
    p = zo.Problem(quartic, 2)
    x0 = np.array([1e76, -2e76])
    r = zo.minimize(p, x0, method="newton", maxiter=3)
    assert r.status == S.MAXITER and r.nit == 3 and not r.success
    np.testing.assert_allclose(r.x, x0 * (2 / 3) ** 3, rtol=1e-12)  # three exact Newton steps on x^4


@numba.njit
def root_abs(x):
    """Finite at x = (0, 1), its gradient not: d arcsin(t) / dt = 1 / sqrt(1 - t^2) is +inf at t = 1.
    (It was sqrt(|x|) at 0, whose derivative zeroopt.ad now takes as 0: a root at zero.)"""
    return np.sum(np.arcsin(x))


@numba.njit
def fast_wave(x):
    """f = 1e-10 sin(1e160 x) and its gradient 1e150 cos(1e160 x) are finite, its Hessian -1e310 sin(1e160 x)
    is not. (It was x^1.5 at 0, whose second derivative zeroopt.ad now takes as 0: a root at zero.)"""
    return np.sum(1e-10 * np.sin(1e160 * x))


@pytest.mark.parametrize("fun, what", [(root_abs, "gradient"), (fast_wave, "Hessian")])
def test_newton_reports_a_non_finite_gradient_or_hessian_with_the_point(fun, what):
    p = zo.Problem(fun, 2)
    r = zo.minimize(p, np.array([0.0, 1.0]), method="newton", maxiter=5)
    assert r.status == S.NONFINITE and not r.success and what in r.message and "x = [0" in r.message


# --- 4. finite differences of finite values that overflow ----------------------------------------------
@numba.njit
def cliff(x):
    """f(x +- h e_i) = +-1e308 near 0: finite values whose difference is not."""
    return 1e308 * np.tanh(1e10 * np.sum(x))


def cliff_batch(X):
    return np.array([cliff(x) for x in X])


ORACLES = [lambda: zo.CoordinateFD(eps=1e-4), lambda: zo.CoordinateFD(eps=1e-4, scheme="forward"),
           lambda: zo.RandomCoordinate(eps=1e-4), lambda: zo.TwoPoint(), lambda: zo.TwoPoint(dist="gaussian"),
           lambda: zo.TwoPoint(dist="rademacher"), lambda: zo.TwoPoint(directions=3),
           lambda: zo.TwoPoint(directions=2, orthogonal=True), lambda: zo.TwoPoint(scheme="forward"),
           lambda: zo.TwoPoint(directions=3, parallel=True)]


@pytest.mark.parametrize("make", ORACLES)
@pytest.mark.parametrize("mode", ["jit", "python", "batched"])
@pytest.mark.slow
def test_an_overflowing_difference_is_reported_with_the_point(make, mode):
    oracle = make()
    kw = dict(jit=False) if mode == "python" else (dict(batch_fun=cliff_batch) if mode == "batched" else {})
    p = zo.Problem(cliff.py_func if mode == "python" else cliff, 3, **kw)
    with pytest.raises(FloatingPointError, match="overflowed") as info:
        oracle(p, np.zeros(3))
    assert "the point is" in str(info.value) and 2 <= p.nfev <= oracle.evals_per_call(3)
    r = zo.minimize(p, np.zeros(3), make(), step=1e-3, maxiter=5, jit=None if mode == "jit" else False)
    assert r.status == S.NONFINITE and not r.success and "overflowed" in r.message and r.nit == 0


# --- 5. an iterate that overflows mid-run ---------------------------------------------------------------
@numba.njit
def linear(x):
    return 3.0 * np.sum(x)  # f and its gradient are finite everywhere: only the step can blow x up


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize("record", ["log", "none"])
def test_an_overflowing_iterate_is_diverged_not_a_value_error(jit, record):
    p = zo.Problem(linear, 3)
    r = zo.minimize(p, np.full(3, 0.5), zo.CoordinateFD(), step=1e308, maxiter=100, jit=jit, record=record)
    assert r.status == S.DIVERGED and not r.success and "overflowed at iteration 1" in r.message and r.nit == 1
    assert not np.all(np.isfinite(r.x)) and math.isnan(r.fun)


# --- 6. the objective cannot corrupt the optimizer ---------------------------------------------------------
def writes_python(x):
    x[0] = 0.0
    return float(x @ x)


@numba.njit
def writes_jitted(x):
    x[0] = 0.0
    return x @ x


@pytest.mark.parametrize("fun", [writes_python, writes_jitted], ids=["python", "jit"])
def test_an_objective_that_writes_into_x_raises_naming_itself(fun):
    p = zo.Problem(fun, 3, jit=fun is writes_jitted)
    x = np.ones(3)
    with pytest.raises(ValueError, match=f"{fun.__name__}.*writes into its argument"):
        p.value(x)
    assert np.array_equal(x, np.ones(3))
    with pytest.raises(ValueError, match="writes into its argument"):
        zo.minimize(p, x, zo.CoordinateFD(), maxiter=3)
    assert np.array_equal(x, np.ones(3))


# --- 7. global arrays frozen by compilation ----------------------------------------------------------
A_GLOBAL = np.eye(3)


def reads_a_global(x):
    return x @ (A_GLOBAL @ x)


def test_an_objective_reading_a_global_or_closure_array_warns():
    with pytest.warns(zo.GlobalArrayWarning, match="A_GLOBAL.*args"):
        zo.Problem(reads_a_global, 3)
    B = np.eye(3)

    def reads_a_closure(x):
        return x @ (B @ x)

    with pytest.warns(zo.GlobalArrayWarning, match="closure array 'B'"):
        zo.Problem(reads_a_closure, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zo.Problem(quadratic_fun, 3, args=(np.eye(3), np.zeros(3)))   # data through args: no warning
        zo.Problem(reads_a_global, 3, jit=False)                       # nothing is compiled: no warning


@pytest.mark.slow
def test_the_frozen_array_is_the_reason():
    """What the warning prevents: the jitted objective keeps the array it was compiled with."""
    B = np.eye(2)

    def f(x):
        return x @ (B @ x)

    with pytest.warns(zo.GlobalArrayWarning):
        p = zo.Problem(f, 2)
    x = np.array([1.0, 0.0])
    p.value(x)
    B *= 2.0
    fd = zo.CoordinateFD()(p, x)[0]
    ad = zo.ExactAD()(p, x)[0]
    assert fd == pytest.approx(2.0, rel=1e-6) and ad == pytest.approx(4.0)


# --- 8. jitted loops stay honest when interrupted ------------------------------------------------------
@numba.njit
def raises_after(x, A, c, counts, limit):
    counts[0] += 1
    if counts[0] > limit:
        raise ValueError("the objective gave up")
    d = x - c
    return 0.5 * (d @ (A @ d))


@pytest.mark.parametrize("oracle", [lambda: zo.TwoPoint(seed=1), lambda: zo.CoordinateFD(), lambda: zo.RandomCoordinate(seed=1)])
@pytest.mark.slow
def test_nfev_is_exact_when_the_objective_raises_inside_the_jitted_loop(oracle):
    A, c = quad(5).args
    counts = np.zeros(1, dtype=np.int64)
    p = zo.Problem(raises_after, 5, args=(A, c, counts, 1234), L=10.0)
    with pytest.raises(ValueError, match="gave up"):
        zo.minimize(p, np.zeros(5), oracle(), maxiter=10_000, jit=True, record="none")
    assert p.nfev == counts[0] == 1235


INTERRUPT = textwrap.dedent("""
    import ctypes, json, signal, sys
    import numba, numpy as np
    import zeroopt as zo

    c_raise = ctypes.CDLL(None)["raise"]        # the C library's raise(): SIGINT from inside the compiled loop
    c_raise.argtypes, c_raise.restype = [ctypes.c_int], ctypes.c_int
    SIGINT = int(signal.SIGINT)
    # Ctrl-C as at a terminal: a shell's background job (cmd &, e.g. a CI runner's) starts with SIGINT ignored,
    # and Python then installs no KeyboardInterrupt handler, so the raise() below would be lost and the run go on
    signal.signal(signal.SIGINT, signal.default_int_handler)

    @numba.njit
    def slow(x, counts, trigger):
        counts[0] += 1
        if counts[0] == trigger[0]:
            c_raise(SIGINT)                     # Ctrl-C at exactly this call, whatever the machine's load
        s = 0.0
        for k in range(20000):
            s += np.sin(k * 1e-9 + x[0]) * 1e-12
        return 0.5 * (x @ x) + s

    counts, trigger = np.zeros(1, dtype=np.int64), np.array([-1], dtype=np.int64)
    p = zo.Problem(slow, 4, args=(counts, trigger), L=1.0)
    zo.minimize(p, np.ones(4), zo.TwoPoint(seed=0), maxiter=20, record="none")  # compile
    p.reset_counts(); counts[0] = 0
    trigger[0] = int(sys.argv[1])
    starts = []                                 # the calls made before each compiled chunk began
    run = p.compiled.run
    def chunk(*a, **kw):
        starts.append(int(counts[0]))
        return run(*a, **kw)
    p.compiled.run = chunk
    try:
        zo.minimize(p, np.ones(4), zo.TwoPoint(seed=0), maxiter=10**9, record="none")
    except KeyboardInterrupt:
        print(json.dumps({"nfev": p.nfev, "calls": int(counts[0]), "starts": starts}))
""")


@pytest.mark.slow
def test_ctrl_c_lands_within_a_chunk_and_counts_stay_exact():
    """The promise: an interrupt lands at the end of the compiled chunk it arrives in. The signal is raised by
    the objective itself at call 5000, so the check does not depend on the machine's load: no chunk starts
    after it, the evaluations made after it are fewer than one chunk's, and nfev counts every call."""
    import json

    trigger = 5000
    out = subprocess.run([sys.executable, "-c", INTERRUPT, str(trigger)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    starts, calls = got["starts"], got["calls"]
    assert got["nfev"] == calls and len(starts) >= 3          # exact counts; several chunks ran
    after, chunk = calls - trigger, calls - starts[-1]          # evaluations after the signal; in its chunk
    assert 0 <= after <= chunk                                  # the rest of one chunk, none started after it


# --- 9. arguments are checked, and errors name them --------------------------------------------------------
Q = quad(4)
X0 = np.zeros(4)
BAD = [
    (lambda: zo.TwoPoint(seed=-1), ValueError, "seed"), (lambda: zo.RandomCoordinate(seed=1.5), TypeError, "seed"),
    (lambda: zo.TwoPoint(seed="a"), TypeError, "seed"), (lambda: zo.TwoPoint(orthogonal="no"), TypeError, "orthogonal"),
    (lambda: zo.TwoPoint(parallel=1), TypeError, "parallel"), (lambda: zo.TwoPoint(eps=0), ValueError, "eps"),
    (lambda: zo.TwoPoint(directions=0), ValueError, "directions"), (lambda: zo.TwoPoint(dist="cauchy"), ValueError, "dist"),
    (lambda: zo.CoordinateFD(scheme="backward"), ValueError, "scheme"), (lambda: zo.as_jac(zo.TwoPoint(), "p"), TypeError, "problem"),
    (lambda: zo.as_jac("sphere", Q), TypeError, "oracle"), (lambda: zo.as_jac(zo.TwoPoint(), Q, seed=-3), ValueError, "seed"),
    (lambda: zo.TwoPoint()(Q, X0, rng=-1), ValueError, "rng"), (lambda: zo.TwoPoint()("p", X0), TypeError, "problem"),
    (lambda: zo.TwoPoint()(Q, np.zeros(3)), ValueError, "x"), (lambda: zo.TwoPoint().reseed(-2), ValueError, "seed"),
    (lambda: zo.minimize(Q, X0, seed=-1), ValueError, "seed"), (lambda: zo.minimize(Q, X0, measure=("f", "hessian")), ValueError, "measure"),
    (lambda: zo.minimize(Q, X0, maxiter=2.5), TypeError, "maxiter"), (lambda: zo.minimize(Q, X0, tol=-1.0), ValueError, "tol"),
    (lambda: zo.minimize(Q, X0, step=True), TypeError, "step"), (lambda: zo.minimize(Q, X0, step=0.0), ValueError, "step"),
    (lambda: zo.minimize(Q, X0, jit="yes"), TypeError, "jit"), (lambda: zo.minimize(Q, [0, 0, np.nan, 0]), ValueError, "x0"),
    (lambda: zo.minimize(Q, X0, zo.ExactAD(), step=lambda k: -1.0, maxiter=2), ValueError, "step"),
    (lambda: zo.minimize(Q, X0, zo.ExactAD(), step=lambda phi, phi0, dphi0: zo.linesearch.armijo(phi, phi0, dphi0, c1=2),
                         maxiter=2), ValueError, "c1"),
    (lambda: zo.linesearch.armijo(lambda a: a, 0.0, -1.0, c1=2), ValueError, "c1"),
    (lambda: zo.linesearch.armijo(lambda a: a, 0.0, -1.0, bogus=1), TypeError, "bogus"),
    (lambda: zo.linesearch.wolfe(lambda a: a, 0.0, -1.0), TypeError, "dphi"),
    (lambda: zo.linesearch.golden(lambda a: a, 0.0, "1"), TypeError, "b"),
    (lambda: zo.linesearch.brent(lambda a: a, 0.0, 1.0, maxfev=0), ValueError, "maxfev"),
    (lambda: zo.Problem(quadratic_fun, 0), ValueError, "dim"), (lambda: zo.Problem(quadratic_fun, 3, args=5), TypeError, "args"),
    (lambda: zo.Problem(quadratic_fun, 3, f_star="0"), TypeError, "f_star"),
    (lambda: zo.Problem(quadratic_fun, 3, mu=2.0, L=1.0), ValueError, "mu"),
]


@pytest.mark.parametrize("call, err, name", BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_input_names_its_argument(call, err, name):
    with pytest.raises(err, match=name):
        call()


def test_the_partial_of_a_public_rule_is_checked_on_every_call():
    import functools

    with pytest.raises(ValueError, match="c1"):
        zo.minimize(quad(4), X0, zo.ExactAD(), step=functools.partial(zo.linesearch.armijo, c1=2), maxiter=3)
    with pytest.raises(TypeError, match="bogus"):
        zo.minimize(quad(4), X0, zo.ExactAD(), step=functools.partial(zo.linesearch.goldstein, bogus=1), maxiter=3)


# --- 10. history costs what is asked for; record="none" costs nothing ----------------------------------------
@numba.njit
def counted(x, A, c, counts):
    counts[0] += 1
    d = x - c
    return 0.5 * (d @ (A @ d))


@pytest.mark.parametrize("kw", [dict(oracle=zo.TwoPoint(seed=0)), dict(oracle=zo.TwoPoint(seed=0), jit=False),
                                dict(oracle=zo.CoordinateFD(), step=zo.linesearch.armijo), dict(method="newton"),
                                dict(oracle=zo.ExactAD(), method="steepest"), dict(method="coordinate")])
@pytest.mark.slow
def test_record_none_makes_no_uncounted_evaluation(kw):
    A, c = quad(4).args
    counts = np.zeros(1, dtype=np.int64)
    p = zo.Problem(counted, 4, args=(A, c, counts), L=10.0, x_star=c)
    r = zo.minimize(p, np.ones(4), maxiter=30, record="none", **kw)
    hess = 4 * r.nhev  # forward-over-reverse: n passes per Hessian, each runs f once
    assert counts[0] == r.nfev + r.ngev + hess and len(r.history["nit"]) == 0
    assert r.fun == pytest.approx(0.5 * (r.x - c) @ A @ (r.x - c), rel=1e-12, abs=1e-300)


@pytest.mark.slow
def test_measure_chooses_what_a_checkpoint_costs():
    A, c = quad(4).args
    for measure, per_checkpoint in ((("f",), 1), (("dist2",), 0), (("f", "grad_norm2"), 2)):
        counts = np.zeros(1, dtype=np.int64)
        p = zo.Problem(counted, 4, args=(A, c, counts), L=10.0, x_star=c)
        r = zo.minimize(p, np.ones(4), zo.TwoPoint(seed=0), maxiter=200, measure=measure)
        assert counts[0] == r.nfev + per_checkpoint * len(r.history["nit"]) + (1 if "f" not in measure else 0)
        for key in ("f", "grad_norm2", "dist2"):
            assert np.all(np.isfinite(r.history[key])) == (key in measure)


# --- threads: a Problem shared by threads counts exactly ---------------------------------------------------
def test_a_problem_shared_by_threads_counts_exactly():
    A, c = quad(5).args
    shared = zo.Problem(quadratic_fun, 5, args=(A, c), L=10.0)
    alone = [zo.minimize(quad(5), np.ones(5), zo.TwoPoint(seed=s), maxiter=300 + 50 * s, record="none").nfev
             for s in range(6)]
    results = [None] * 6

    def work(s):
        results[s] = zo.minimize(shared, np.ones(5), zo.TwoPoint(seed=s), maxiter=300 + 50 * s, record="none", jit=s % 2 == 0)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.nfev for r in results] == alone
    assert shared.nfev == sum(alone)


# --- the status contract itself ----------------------------------------------------------------------------
def test_success_only_when_a_stated_test_held():
    rosen = zo.problems.rosenbrock(2)
    r = zo.minimize(rosen, np.array([-1.2, 1.0]), zo.ExactAD(), step=1e-3, maxiter=200)
    assert r.status == S.MAXITER and not r.success and r.fun > 1e-3   # used to say success=True
    for status in S:
        assert status.success == (status is S.CONVERGED) and "FIGURE" in status.message(what="FIGURE")


def test_one_status_enum_for_optimizers_and_searches():
    r = zo.linesearch.golden(lambda a: (a - 0.2) ** 2, 0.0, 1.0, maxfev=5)
    assert isinstance(r.status, zo.Status) and r.status == S.MAXFEV
    res = zo.minimize(quad(3), np.ones(3), maxiter=3)
    assert isinstance(res.status, zo.Status)
    assert not hasattr(zo.linesearch, "CONVERGED") and not hasattr(zo.optimize, "CONVERGED")



# --- found by review: the same classes, other paths --------------------------------------------------------
@numba.njit
def tiny_slope(x):
    return 1e-170 * np.sum(x)  # linear, unbounded below: ||g|| = 2e-170, whose square underflows to 0


@numba.njit
def huge_bowl(x):
    return 1e200 * (x @ x)  # ||g|| = 4e200 at x = 1: its square overflows


@pytest.mark.parametrize("jit", [None, False])
@pytest.mark.slow
def test_a_squared_norm_that_underflows_or_overflows_never_passes_a_test(jit):
    p = zo.Problem(tiny_slope, 4)
    r = zo.minimize(p, np.zeros(4), zo.CoordinateFD(), step=1.0, maxiter=20, jit=jit)
    assert r.status == S.MAXITER and not r.success
    r = zo.minimize(p, np.zeros(4), zo.ExactAD(), step=1.0, maxiter=20, tol=1e-200)
    assert r.status == S.MAXITER and not r.success
    q = zo.Problem(huge_bowl, 4)
    r = zo.minimize(q, np.ones(4), zo.CoordinateFD(eps=1e-3), step=1e-210, maxiter=5, tol=1e160, jit=jit)
    assert not r.success and r.nit == 5


def test_an_overflowing_slope_is_nonfinite_for_the_step_rules_and_the_adaptive_step():
    q = zo.Problem(huge_bowl, 4)
    for step in (zo.linesearch.armijo, None):
        r = zo.minimize(q, np.full(4, 1e-3), zo.CoordinateFD(eps=1e-6), step=step, maxiter=5)
        assert r.status == S.NONFINITE and "overflowed" in r.message


def test_newton_refuses_a_random_oracle_and_methods_refuse_what_they_ignore():
    with pytest.raises(ValueError, match="deterministic"):
        zo.minimize(zo.problems.rosenbrock(4), np.zeros(4), zo.RandomCoordinate(seed=4), method="newton")
    with pytest.raises(ValueError, match="step"):
        zo.minimize(quad(3), np.ones(3), method="newton", step=0.1)
    with pytest.raises(ValueError, match="oracle"):
        zo.minimize(quad(3), np.ones(3), zo.TwoPoint(), method="coordinate")
    for kw in (dict(method="steepest"), dict(method="newton"), dict(method="coordinate"), dict(step=zo.linesearch.armijo)):
        with pytest.raises(ValueError, match="jit=True"):
            zo.minimize(quad(3), np.ones(3), jit=True, maxiter=3, **kw)
    unknown = zo.Problem(quadratic_fun, 3, args=quad(3).args)  # L unknown: the adaptive step, in Python
    with pytest.raises(ValueError, match="jit=True"):
        zo.minimize(unknown, np.ones(3), zo.TwoPoint(), jit=True, maxiter=3)


@pytest.mark.parametrize("rule", [zo.linesearch.armijo, zo.linesearch.goldstein, zo.linesearch.exact_quadratic])
def test_a_step_rule_on_a_random_oracle_draws_again_after_a_miss(rule):
    """RandomCoordinate's first draw at x0 = 0 of Rosenbrock(4) has G = 0: no descent direction. The rule
    is not asked; the next draw decides (the run used to stop there, LINESEARCH_FAILED at f = 3)."""
    r = zo.minimize(zo.problems.rosenbrock(4), np.zeros(4), zo.RandomCoordinate(seed=4), step=rule, maxiter=60)
    assert r.status == S.MAXITER and r.nit == 60 and r.fun < 3.0
    assert r.message.count("line search failed") <= 1


@pytest.mark.parametrize("kw, cap", [(dict(method="coordinate"), 5), (dict(oracle=zo.ExactAD(), method="steepest"), 12),
                                     (dict(method="newton"), 3), (dict(oracle=zo.TwoPoint(), record="none"), 10),
                                     (dict(oracle=zo.TwoPoint(), record="none", jit=False), 10),
                                     (dict(oracle=zo.CoordinateFD(), method="steepest"), 40)])
@pytest.mark.slow
def test_max_nfev_is_a_hard_cap_for_the_methods_own_searches(kw, cap):
    A, c = quad(4).args
    counts = np.zeros(1, dtype=np.int64)
    p = zo.Problem(counted, 4, args=(A, c, counts), L=10.0, x_star=c)
    r = zo.minimize(p, np.ones(4), maxiter=10_000, max_nfev=cap, **kw)
    assert r.nfev <= cap and r.status in (S.MAXFEV, S.CONVERGED)   # (Newton solves the quadratic in 3)
    assert r.status == S.CONVERGED or f"max_nfev = {cap}" in r.message
    if kw.get("record") == "none":
        assert counts[0] == r.nfev  # the final f(x) is inside the budget too


def test_compiled_entry_points_are_kept_per_argument_types():
    """An oracle of one's own that gives the kernel other parameter types than a built-in oracle does
    must not run through the entry point compiled for the built-in one's types."""
    from zeroopt import kernels
    from zeroopt.oracle import FastPath, coordinate_failure

    class Doubled(zo.Oracle):  # central differences times 2, with an int scale and int32 indices
        def fast_path(self, problem):
            return FastPath(kernels.coord_central, (0.0, 1e-5, 2), kernels.dense_update,
                            np.arange(problem.dim, dtype=np.int32), 0, 1, coordinate_failure(1e-5, False, "coordinate", 0.0))

        def evals_per_call(self, n):
            return 2 * n

        def second_moment_factor(self, n):
            return 4.0

    x = np.ones(4)
    fresh = Doubled()(quad(4), x)
    p = quad(4)
    exact = zo.CoordinateFD()(p, x)
    np.testing.assert_allclose(Doubled()(p, x), fresh, rtol=0, atol=0)
    np.testing.assert_allclose(fresh, 2 * exact, rtol=1e-9)


@pytest.mark.slow
def test_the_stream_after_an_objective_raises_is_that_of_the_python_path():
    A, c = quad(5).args
    nxt = []
    for jit in (None, False):
        counts = np.zeros(1, dtype=np.int64)
        p = zo.Problem(raises_after, 5, args=(A, c, counts, 41), L=10.0)
        o = zo.TwoPoint(seed=1)
        with pytest.raises(ValueError, match="gave up"):
            zo.minimize(p, np.ones(5), o, maxiter=100, record="none", jit=jit)
        nxt.append((o.rng.random(), p.nfev))
    assert nxt[0] == nxt[1]


@numba.njit
def raises_per_thread(x, counts, limit):
    """Counts its calls per numba thread (race-free) and raises at a thread's limit-th call."""
    t = numba.get_thread_id()
    counts[t] += 1
    if counts[t] > limit:
        raise ValueError("the objective gave up")
    return x @ x


@pytest.mark.slow
def test_what_the_objective_raises_propagates_from_numbas_threads():
    counts = np.zeros(max(64, numba.config.NUMBA_NUM_THREADS + 1), dtype=np.int64)
    p = zo.Problem(raises_per_thread, 5, args=(counts, 1))
    with pytest.raises(ValueError, match="gave up"):  # each thread evaluates >= 2 points of the 8
        zo.TwoPoint(directions=4, parallel=True)(p, np.ones(5))
    assert p.nfev == counts.sum()


def test_search_counts_are_real_evaluations():
    phi_calls = []

    def phi(a):
        phi_calls.append(a)
        return (a - 3.0) ** 2

    br = zo.linesearch.bracket(phi, 0.0, 0.1, maxfev=5)
    assert br.nfev == len(phi_calls) <= 5
    p = quad(3)
    line = zo.linesearch.Line(p, np.zeros(3), p.x_star, phi0=p.value(np.zeros(3), count=False))
    r = zo.linesearch.brent(line, 0.0, 2.0, x0=0.5)
    line2 = zo.linesearch.Line(p, np.zeros(3), p.x_star)
    line2.remember(0.5, line(0.5))
    p.reset_counts()
    r2 = zo.linesearch.brent(line2, 0.0, 2.0, x0=0.5)
    assert r2.nfev == p.nfev == r.nfev - 1  # x0's value was remembered: one evaluation fewer, and said so


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize("make", [lambda: zo.CoordinateFD(eps=1e-17), lambda: zo.CoordinateFD(eps=1e-17, scheme="forward"),
                                  lambda: zo.RandomCoordinate(eps=1e-17)])
def test_a_step_that_does_not_move_x_is_reported(make, jit):
    """eps = 1e-17 at x = 1 is below half an ulp: x + h == x. It used to raise numba's bare
    ZeroDivisionError in jit mode and return NaN in Python mode."""
    p = zo.Problem(linear, 3, jit=jit)
    with pytest.raises(FloatingPointError, match=r"does not move x_\d = 1"):
        make()(p, np.ones(3))


# --- found by the second review -----------------------------------------------------------------------------
def test_an_oracle_pickles_after_use():
    import pickle

    p, x = quad(4), np.ones(4)
    for o in (zo.TwoPoint(seed=3), zo.CoordinateFD(), zo.RandomCoordinate(seed=3)):
        o(p, x)  # caches its fast path (which holds a weak reference to p)
        copy = pickle.loads(pickle.dumps(o))
        np.testing.assert_array_equal(copy(p, x), o(p, x))  # the same stream state: the same next estimate


def test_entry_points_are_kept_per_array_parameter_types():
    """Two oracles of one's own give the same kernel a weights array of other dtypes: each gets its own
    compiled entry point (the cached one does not check what it is given)."""
    from zeroopt import kernels
    from zeroopt._twice import Twice
    from zeroopt.oracle import FastPath, coordinate_failure

    def weighted(fun, x, draw, params, G, scratch, tally, args):
        w = params[0]
        for k in range(draw.shape[0]):
            i = draw[k]
            h = 1e-5
            xs = x.copy()
            xs[i] = x[i] + h
            tally[0, 0] += 1.0
            fp = fun(xs, *args)
            xs[i] = x[i] - h
            tally[0, 0] += 1.0
            fm = fun(xs, *args)
            G[i] = w[i] * (fp - fm) / (2.0 * h)
        return 0, -1, 0.0, 0.0, np.nan, 0.0, 0.0

    kernel = Twice(weighted, kernels.KernelResult)

    class Weighted(zo.Oracle):
        def __init__(self, w):
            self.w = w

        def fast_path(self, problem):
            return FastPath(kernel, (self.w,), kernels.dense_update, np.arange(problem.dim), 0, 1,
                            coordinate_failure(1e-5, False, "coordinate", 0.0))

        def evals_per_call(self, n):
            return 2 * n

        def second_moment_factor(self, n):
            return 1.0

    p, x = quad(3), np.ones(3)
    as_float = Weighted(np.full(3, 2.0))(p, x)
    as_int = Weighted(np.full(3, 2, dtype=np.int64))(p, x)
    np.testing.assert_allclose(as_int, as_float, rtol=1e-12)


@numba.njit
def raises_per_thread_at(x, counts, limit):
    t = numba.get_thread_id()
    counts[t] += 1
    if counts[t] > limit[0]:
        raise ValueError("the objective gave up")
    return x @ x


@pytest.mark.slow
def test_the_second_threaded_call_still_raises_what_the_objective_raised():
    """After a successful call the threaded kernel runs through its cached entry point: what the objective
    raises there must still come out as itself, not as numba's SystemError."""
    counts = np.zeros(max(64, numba.config.NUMBA_NUM_THREADS + 1), dtype=np.int64)
    limit = np.array([10**9])
    p = zo.Problem(raises_per_thread_at, 5, args=(counts, limit))
    o = zo.TwoPoint(directions=4, parallel=True)
    o(p, np.ones(5))  # succeeds: the entry point is kept
    limit[0] = 1
    for _ in range(2):
        counts[:] = 0
        with pytest.raises(ValueError, match="gave up"):
            o(p, np.ones(5))


@pytest.mark.parametrize("kw", [dict(oracle=zo.TwoPoint(seed=0), method="steepest"), dict(oracle=zo.CoordinateFD(), method="steepest"),
                                dict(oracle=zo.CoordinateFD(), method="newton"),
                                dict(oracle=zo.CoordinateFD(), step=zo.linesearch.armijo)])
@pytest.mark.parametrize("cap", [2, 8, 9, 20])
@pytest.mark.slow
def test_f_at_the_iterate_is_inside_max_nfev(kw, cap):
    A, c = quad(4).args
    counts = np.zeros(1, dtype=np.int64)
    p = zo.Problem(counted, 4, args=(A, c, counts), L=10.0, x_star=c)
    r = zo.minimize(p, np.ones(4), maxiter=10_000, max_nfev=cap, **kw)
    rule = "step" in kw  # a rule given as step= may pass the budget inside its own iteration (documented)
    assert r.nfev <= cap or (rule and "passed the budget" in r.message)


@pytest.mark.parametrize("step", [zo.linesearch.armijo, zo.linesearch.goldstein,
                                  functools.partial(zo.linesearch.armijo, c1=0.3, maxfev=3)])
@pytest.mark.parametrize("method", ["gd", "steepest"])
def test_a_rule_that_counts_its_trials_in_maxfev_stays_inside_max_nfev(step, method):
    """armijo and goldstein (and partials of them) get maxfev = min(their own, what the budget leaves): the
    run's nfev never passes max_nfev, and it equals the objective's own count."""
    A, c = quad(4).args
    for cap in range(1, 60, 3):
        counts = np.zeros(1, dtype=np.int64)
        p = zo.Problem(counted, 4, args=(A, c, counts), L=10.0, x_star=c)
        r = zo.minimize(p, np.full(4, 3.0), zo.CoordinateFD(), method=method, step=step, maxiter=10_000,
                        max_nfev=cap, record="none")   # (no uncounted history measurement)
        assert r.nfev <= cap and r.nfev == p.nfev == counts[0], (cap, r.nfev, r.message)
        assert "passed the budget" not in r.message
