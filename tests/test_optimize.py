"""Optimizers: the rate bounds, exact counts, jitted = Python, stopping, the step rules, bad input."""

import functools

import numpy as np
import pytest
from conftest import counting_problem, nan_beyond

import zeroopt as zo
from zeroopt.problems import quadratic_fun


def quad(n=8, seed=0, **kw):
    p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=seed)
    return zo.Problem(quadratic_fun, n, args=p.args, x_star=p.x_star, f_star=0.0, mu=1.0, L=10.0, **kw)


def gaps(r, p):
    return r.history["f"] - p.f_star


# --- rates --------------------------------------------------------------------------------------
def test_gd_with_exact_gradients_stays_under_its_bound():
    p = quad(10)
    r = zo.minimize(p, np.zeros(10), zo.ExactAD(), maxiter=150, record="all")
    k, gap = r.history["nit"], gaps(r, p)
    bound = (1 - p.mu / p.L) ** k * gap[0]
    assert np.all(gap <= bound * (1 + 1e-12) + 1e-300)
    assert gap[-1] < 1e-12 * gap[0] and r.ngev == 150 and r.nfev == 0
    assert not r.success and r.status == zo.Status.MAXITER  # no tol: no convergence test was stated


ZO = [("sphere", lambda s: zo.TwoPoint(seed=s)), ("gaussian", lambda s: zo.TwoPoint(dist="gaussian", seed=s)),
      ("rademacher", lambda s: zo.TwoPoint(dist="rademacher", seed=s)), ("coordinate", lambda s: zo.RandomCoordinate(seed=s)),
      ("sphere-q4", lambda s: zo.TwoPoint(directions=4, seed=s)),
      ("orthogonal-q4", lambda s: zo.TwoPoint(directions=4, orthogonal=True, seed=s))]


@pytest.mark.parametrize("name, make", ZO, ids=[z[0] for z in ZO])
def test_zero_order_gd_with_the_theory_step_stays_under_its_bound_on_average(name, make):
    """E[f_k - f*] <= (1 - mu/(mL))^k (f_0 - f*) for an unbiased oracle with E||G||^2 = m ||g||^2 and step
    1/(mL): the mean over 30 seeds must not exceed the bound by more than 4 standard errors."""
    n, seeds = 8, 30
    p = quad(n)
    m = make(0).second_moment_factor(n)
    maxiter = int(30 * m)
    runs = [zo.minimize(p, np.zeros(n), make(s), maxiter=maxiter) for s in range(seeds)]
    k = runs[0].history["nit"]
    G = np.array([gaps(r, p) for r in runs])
    mean, se = G.mean(axis=0), G.std(axis=0, ddof=1) / np.sqrt(seeds)
    bound = (1 - p.mu / (m * p.L)) ** k * G[0, 0]
    assert np.all(mean - 4 * se <= bound)
    assert mean[-1] < 0.2 * G[0, 0]  # and it does converge


def test_newton_solves_a_quadratic_in_one_step():
    p = quad(6)
    r = zo.minimize(p, np.ones(6), method="newton")
    assert r.success and r.nit == 1 and r.nhev == 1
    np.testing.assert_allclose(r.x, p.x_star, atol=1e-12)


@pytest.mark.slow
def test_newton_on_rosenbrock():
    p = zo.problems.rosenbrock(2)
    r = zo.minimize(p, np.array([-1.2, 1.0]), method="newton", maxiter=100)
    assert r.success and np.allclose(r.x, [1.0, 1.0], atol=1e-8) and r.nit < 40


def test_steepest_descent_zigzags_and_meets_kantorovich():
    """Exact line search: successive gradients are orthogonal, and f - f* falls by at least
    ((kappa - 1) / (kappa + 1))^2 per step on a quadratic."""
    p = quad(2)
    xs = []
    r = zo.minimize(p, np.array([3.0, -1.0]), zo.ExactAD(), method="steepest", maxiter=15, record="all",
                    callback=lambda it: xs.append(it.x))
    xs = [np.array([3.0, -1.0])] + xs
    grads = [zo.grad(p.py_fun)(x, *p.args) for x in xs]
    # (later steps hit the floor of f's own rounding near x*, ~1e-11 relative: the line search can
    # resolve alpha only to ~sqrt(2 err_f / d'Ad) there, so the check covers the first three steps)
    for x0, x1, a, b in list(zip(xs[:-1], xs[1:], grads[:-1], grads[1:]))[:3]:
        # Brent finds alpha to within d = 2 (sqrt(eps) alpha + xtol), xtol = 1e-10 hi <= 1e-10 * 4 alpha;
        # an error d in alpha leaves g_k . g_{k+1} = d g_k'A g_k <= d L ||g_k||^2
        alpha = np.linalg.norm(x1 - x0) / np.linalg.norm(a)
        d = 2 * (1.5e-8 * alpha + 4e-10 * alpha)
        assert abs(a @ b) <= d * p.L * (a @ a) + 1e-15 * np.linalg.norm(a) * np.linalg.norm(b)
    gap = gaps(r, p)
    rate = ((10 - 1) / (10 + 1)) ** 2
    assert np.all(gap[1:] <= rate * gap[:-1] * (1 + 1e-6) + 1e-25)


@pytest.mark.parametrize("order", ["cyclic", "random"])
def test_coordinate_minimisation(order):
    A = np.diag(np.arange(1.0, 6.0))
    c = np.linspace(-1, 1, 5)
    p = zo.Problem(quadratic_fun, 5, args=(A, c), x_star=c, f_star=0.0)
    r = zo.minimize(p, np.zeros(5), method="coordinate", maxiter=5 if order == "cyclic" else 200, order=order, seed=1)
    if order == "cyclic":  # axis-aligned: one exact sweep solves it
        np.testing.assert_allclose(r.x, c, atol=1e-7)
    assert r.history["dist2"][-1] < 1e-12
    rot = quad(5)
    r = zo.minimize(rot, np.zeros(5), method="coordinate", maxiter=3000, order=order, tol=1e-9, seed=2)
    assert r.success and r.history["dist2"][-1] < 1e-10


# --- counts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [
    dict(oracle=zo.TwoPoint(seed=1)), dict(oracle=zo.TwoPoint(directions=3, scheme="forward", seed=1)),
    dict(oracle=zo.RandomCoordinate(seed=1)), dict(oracle=zo.CoordinateFD()), dict(oracle=zo.CoordinateFD(), jit=False),
    dict(oracle=zo.TwoPoint(seed=1), jit=False), dict(oracle=zo.TwoPoint(seed=1), step=None, unknown_L=True),
    dict(oracle=zo.CoordinateFD(), step=zo.linesearch.armijo), dict(oracle=zo.ExactAD(), step=zo.linesearch.wolfe),
    dict(oracle=zo.CoordinateFD(), step=functools.partial(zo.linesearch.goldstein, c=0.2)),
    dict(oracle=zo.CoordinateFD(), step=zo.linesearch.exact_quadratic), dict(oracle=zo.CoordinateFD(), method="steepest"),
    dict(method="coordinate"), dict(method="newton"), dict(oracle=zo.TwoPoint(seed=2), max_nfev=333, maxiter=10_000),
    dict(oracle=zo.TwoPoint(seed=2), max_nfev=333, maxiter=10_000, jit=False),
])
@pytest.mark.slow
def test_nfev_is_every_evaluation_the_method_made(kw):
    base, counts = counting_problem(quad(6))
    kw = dict(kw)
    if kw.pop("unknown_L", False):
        base.L = None
    kw.setdefault("maxiter", 60)
    r = zo.minimize(base, np.full(6, 0.5), record="log", measure=("f", "grad_norm2"), **kw)
    # every checkpoint measures f once and ||grad f||^2 once (AD runs the function once): not counted
    measured = 2 * len(r.history["nit"])
    hess = 6 * r.nhev  # each Hessian is 6 forward-over-reverse passes of the function
    assert base.nfev == r.nfev
    assert counts.sum() == r.nfev + r.ngev + hess + measured
    if "max_nfev" in kw:
        assert r.nfev <= kw["max_nfev"] and r.status == zo.Status.MAXFEV and "max_nfev = 333" in r.message


# --- the jitted path equals the Python path --------------------------------------------------------
JIT_CASES = [
    lambda: zo.TwoPoint(seed=3), lambda: zo.TwoPoint(dist="gaussian", seed=3), lambda: zo.TwoPoint(dist="rademacher", seed=3),
    lambda: zo.TwoPoint(directions=3, orthogonal=True, seed=3), lambda: zo.TwoPoint(directions=2, scheme="forward", seed=3),
    lambda: zo.TwoPoint(directions=4, parallel=True, seed=3), lambda: zo.RandomCoordinate(seed=3),
    lambda: zo.CoordinateFD(), lambda: zo.CoordinateFD(scheme="forward", eps=1e-6),
]


@pytest.mark.parametrize("make", JIT_CASES)
@pytest.mark.parametrize("stop", [dict(maxiter=700), dict(maxiter=700, max_nfev=1111), dict(maxiter=5000, tol=1e-3)])
def test_jitted_and_python_paths_agree_bit_for_bit(make, stop):
    results = []
    for jit in (True, False):
        p = quad(6)
        o = make()
        r = zo.minimize(p, np.ones(6), o, jit=jit, **stop)
        state = o.rng.bit_generator.state["state"] if o.random else None
        results.append((r, p.nfev, state))
    (a, na, sa), (b, nb, sb) = results
    assert np.array_equal(a.x, b.x) and a.nit == b.nit and a.nfev == b.nfev == na == nb
    assert a.status == b.status and a.message.split(" at ")[0] == b.message.split(" at ")[0]
    for key in ("nit", "nfev", "f", "grad_norm2", "dist2"):
        assert np.array_equal(a.history[key], b.history[key], equal_nan=True), key
    assert sa == sb  # the oracle's stream ends in the same state (unused block draws are rewound)


def test_jit_true_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="jit=True"):
        zo.minimize(quad(4), np.zeros(4), zo.ExactAD(), jit=True, maxiter=3)
    with pytest.raises(ValueError, match="jit=True"):
        zo.minimize(quad(4), np.zeros(4), zo.TwoPoint(), step=lambda k: 0.01, jit=True, maxiter=3)


def test_seed_gives_a_run_its_own_stream():
    o = zo.TwoPoint(seed=5)
    a = zo.minimize(quad(5), np.ones(5), o, seed=11, maxiter=50)
    b = zo.minimize(quad(5), np.ones(5), zo.TwoPoint(seed=0), seed=11, maxiter=50)
    assert np.array_equal(a.x, b.x)
    assert np.array_equal(o(quad(5), np.ones(5)), zo.TwoPoint(seed=5)(quad(5), np.ones(5)))  # untouched
    c = zo.minimize(quad(5), np.ones(5), zo.TwoPoint(seed=5), maxiter=50)
    assert not np.array_equal(a.x, c.x)


# --- stopping -------------------------------------------------------------------------------------
@pytest.mark.parametrize("jit", [True, False])
def test_divergence_stops_with_a_message(jit):
    r = zo.minimize(quad(5), np.ones(5), zo.CoordinateFD(), step=0.5, maxiter=10_000, jit=jit)
    assert not r.success and r.status == zo.Status.DIVERGED
    assert "iteration" in r.message and "smaller step" in r.message and r.nit < 10_000


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.slow
def test_non_finite_values_stop_the_run(jit):
    p0 = quad(5)
    A, c = p0.args
    p = zo.Problem(nan_beyond, 5, args=(A, c, 3.0), mu=1.0, L=10.0)
    r = zo.minimize(p, np.ones(5), zo.TwoPoint(seed=1), step=0.3, maxiter=10_000, jit=jit)
    assert r.status == zo.Status.NONFINITE and "smaller step" in r.message and np.all(np.isfinite(r.x))
    assert "x = [" in r.message  # the iterate entered the hole: the checkpoint names it


@pytest.mark.parametrize("jit", [True, False])
def test_a_non_finite_trial_point_is_named_on_both_paths(jit):
    A, c = quad(5).args
    p = zo.Problem(nan_beyond, 5, args=(A, c, 3.0), mu=1.0, L=10.0)
    x0 = np.zeros(5)
    x0[0] = 2.5
    r = zo.minimize(p, x0, zo.CoordinateFD(eps=1.0), maxiter=100, jit=jit)
    assert not r.success and r.nit == 0 and r.nfev == 1
    assert "f = nan at x + h e_0 (coordinate 0, h = 1)" in r.message and "the point is [3.5," in r.message


def test_tol_for_random_oracles_uses_the_second_moment():
    r = zo.minimize(quad(6), np.ones(6), zo.TwoPoint(seed=2), tol=1e-4, maxiter=100_000, measure=("f", "grad_norm2"))
    assert r.success and r.nit < 100_000 and r.history["grad_norm2"][-1] < 1e-6 and r.nit % 20 == 0


def test_a_spent_budget_is_never_success():
    for kw in (dict(), dict(tol=1e-12)):
        r = zo.minimize(quad(4), np.ones(4), maxiter=5, **kw)
        assert not r.success and r.status == zo.Status.MAXITER and "maxiter = 5" in r.message
    r = zo.minimize(quad(4), np.ones(4), maxiter=100, max_nfev=7)
    assert not r.success and r.status == zo.Status.MAXFEV and r.nfev == 6


# --- the step ---------------------------------------------------------------------------------------
def test_adaptive_step_when_L_is_unknown():
    p = quad(8)
    p.L = None
    r = zo.minimize(p, np.ones(8), zo.TwoPoint(seed=4), maxiter=3000)
    f = r.history["f"]
    assert np.all(np.diff(f) <= 0)                 # every accepted step decreased f
    assert f[-1] < 1e-8 * f[0]
    r2 = zo.minimize(p, np.ones(8), zo.ExactAD(), maxiter=300)
    assert r2.history["f"][-1] < 1e-10 * f[0]


@pytest.mark.parametrize("step", [zo.linesearch.armijo, zo.linesearch.goldstein, zo.linesearch.wolfe,
                                  zo.linesearch.exact_quadratic, functools.partial(zo.linesearch.armijo, c1=0.3, beta=0.7)])
@pytest.mark.slow
def test_step_rules_along_minus_G(step):
    r = zo.minimize(zo.problems.rosenbrock(2), np.array([-1.2, 1.0]), zo.ExactAD(), step=step, maxiter=20_000, tol=1e-6)
    if step is zo.linesearch.exact_quadratic:
        assert r.status in (zo.Status.CONVERGED, zo.Status.LINESEARCH_FAILED)  # not quadratic: may fail
    else:
        assert r.success and np.allclose(r.x, [1, 1], atol=1e-4)


def test_callable_step_and_callback():
    seen = []

    def cb(it):
        seen.append(it.nit)
        if it.nit == 7:
            raise StopIteration

    r = zo.minimize(quad(4), np.ones(4), zo.ExactAD(), step=lambda k: 0.1 / (1 + k), maxiter=100, callback=cb)
    assert seen == list(range(1, 8)) and r.nit == 7 and r.status == zo.Status.CALLBACK and not r.success
    assert "callback" in r.message and "iteration 7" in r.message
    with pytest.raises(ValueError, match="step"):
        zo.minimize(quad(4), np.ones(4), zo.ExactAD(), step=lambda k: -1.0, maxiter=3)


# --- history ----------------------------------------------------------------------------------------
def test_history_is_log_spaced_and_nan_where_unknown():
    p = quad(4)
    r = zo.minimize(p, np.ones(4), zo.TwoPoint(seed=0), maxiter=100_000)
    k = r.history["nit"]
    assert k[0] == 0 and k[-1] == 100_000 and len(k) < 120 and np.all(np.diff(k) > 0)
    assert set(r.history) == {"nit", "nfev", "f", "grad_norm2", "dist2"}
    assert r.fun == r.history["f"][-1]
    no_star = zo.Problem(quadratic_fun, 4, args=p.args, L=10.0)
    assert np.all(np.isnan(zo.minimize(no_star, np.ones(4), maxiter=5).history["dist2"]))

    class Sim:
        def __call__(self, x):
            return float(np.sum(x ** 2))

    sim = zo.Problem(Sim(), 3, L=2.0, jit=False)
    h = zo.minimize(sim, np.ones(3), zo.CoordinateFD(), maxiter=5).history
    assert np.all(np.isnan(h["grad_norm2"])) and np.all(np.isfinite(h["f"]))


def test_checkpoints():
    assert list(zo.optimize.checkpoints(5, "all")) == [0, 1, 2, 3, 4, 5]
    assert list(zo.optimize.checkpoints(7, "none")) == []
    assert list(zo.optimize.checkpoints(10, 4)) == [0, 4, 8, 10]
    assert list(zo.optimize.checkpoints(10, [3, 7, 7, 12])) == [0, 3, 7, 10]
    log = zo.optimize.checkpoints(10**6, "log")
    assert log[0] == 0 and log[-1] == 10**6 and 100 < len(log) < 140


# --- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, err, match", [
    (dict(maxiter=0), ValueError, "maxiter"), (dict(method="bfgs"), ValueError, "method"),
    (dict(step=-0.1), ValueError, "step"), (dict(tol=0.0), ValueError, "tol"), (dict(record="sometimes"), ValueError, "record"),
    (dict(max_nfev=0), ValueError, "max_nfev"), (dict(oracle="sphere"), TypeError, "oracle"),
    (dict(x0=np.zeros(3)), ValueError, "x0"), (dict(order="zigzag", method="coordinate"), ValueError, "order"),
    (dict(jit="yes"), TypeError, "jit"), (dict(callback=3), TypeError, "callback"),
    (dict(method="steepest", step=lambda k: 0.1), ValueError, "steepest"), (dict(step="big"), TypeError, "step"),
])
def test_bad_arguments(kw, err, match):
    kw = {"x0": np.zeros(4), **kw}
    with pytest.raises(err, match=match):
        zo.minimize(quad(4), kw.pop("x0"), maxiter=kw.pop("maxiter", 5), **kw)
    with pytest.raises(TypeError, match="problem"):
        zo.minimize(lambda x: 0.0, np.zeros(4))
