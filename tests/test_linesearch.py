"""Line searches: evaluation bounds, convergence order, the conditions of the step rules, counts, failures."""

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zeroopt as zo
from zeroopt import linesearch as ls

XSTAR = 0.37  # the minimiser of PHI, exactly: PHI(XSTAR) = 0 and PHI > 0 elsewhere


def PHI(a):
    """Convex, not quadratic, with f* = 0 at XSTAR, computed without cancellation (expm1): comparisons
    resolve x* far below the sqrt(machine eps) that a minimum value f* != 0 would allow."""
    t = a - XSTAR
    return math.expm1(t) - t + 0.1 * t ** 4


class Counted:
    def __init__(self, f):
        self.f, self.calls, self.points = f, 0, []

    def __call__(self, a):
        self.calls += 1
        self.points.append(a)
        return self.f(a)


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
@pytest.mark.parametrize("a, b", [(-1.0, 2.0), (0.3, 0.45), (-10.0, 10.0)])
def test_golden_within_its_bound(a, b, tol):
    phi = Counted(PHI)
    r = ls.golden(phi, a, b, tol=tol)
    assert r.success and phi.calls == r.nfev
    assert abs(r.x - XSTAR) <= tol + 1e-9
    # the width after N evaluations is 0.618^(N - 2) (b - a): N = ceil(log(tol / (b - a)) / log 0.618) + 2
    assert r.nfev <= math.ceil(math.log(tol / (b - a)) / math.log(ls.INVPHI)) + 2


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
@pytest.mark.parametrize("a, b", [(-1.0, 2.0), (0.3, 0.45), (-10.0, 10.0)])
def test_dichotomy_within_its_bound(a, b, tol):
    phi = Counted(PHI)
    r = ls.dichotomy(phi, a, b, tol=tol)
    assert r.success and phi.calls == r.nfev
    assert abs(r.x - XSTAR) <= tol + 1e-9
    # |x - x*| <= 0.707^N (b - a) / 2 after N evaluations: tol needs N <= log(2 tol / (b - a)) / log 0.707 (+2)
    assert r.nfev <= math.log(2 * tol / (b - a)) / math.log(math.sqrt(0.5)) + 2


def test_parabolic_converges_superlinearly_near_a_minimum():
    phi = Counted(PHI)
    r = ls.parabolic(phi, 0.2, 0.33, 0.6, tol=1e-10)
    errors = np.abs(np.array(phi.points[3:]) - XSTAR)
    assert r.success and abs(r.x - XSTAR) < 1e-8 and r.nfev == phi.calls
    big = errors[errors > 1e-8]
    assert len(big) >= 3
    assert np.all(big[1:] <= big[:-1] ** 1.2)                     # each error below the previous to the 1.2
    assert r.nfev < ls.golden(PHI, 0.2, 0.6, tol=1e-8).nfev / 2   # far fewer evaluations than golden section


def test_brent_is_fast_on_smooth_and_robust_on_kinks_and_holes():
    def stop_bound(x, tol):  # Brent stops within 2 (sqrt(eps) |x| + tol / 3) of the interval's middle
        return 2 * (1.5e-8 * abs(x) + tol / 3)

    r = ls.brent(PHI, -1, 2, tol=1e-10)
    assert r.success and abs(r.x - XSTAR) <= stop_bound(XSTAR, 1e-10) and r.nfev < 20
    kink = ls.brent(lambda a: abs(a - 0.7), 0, 3, tol=1e-10)
    assert kink.success and abs(kink.x - 0.7) <= stop_bound(0.7, 1e-10)
    hole = ls.brent(lambda a: (a - 0.4) ** 2 if a < 2 else math.nan, 0, 3, tol=1e-10)  # never probed
    assert hole.success and abs(hole.x - 0.4) <= stop_bound(0.4, 1e-10)
    # a starting point in the hole is reported, not stepped around
    deep = ls.brent(lambda a: (a - 0.4) ** 2 if a < 1 else math.nan, 0, 3, tol=1e-10)
    assert deep.status == zo.Status.NONFINITE and math.isnan(deep.x) and "phi(1.14589" in deep.message


def test_bracket():
    phi = Counted(PHI)
    lo, mid, hi, fmid, nfev, status, message = ls.bracket(phi, 5.0, 5.1)
    assert status == zo.Status.CONVERGED and lo < mid < hi and fmid < PHI(lo) and fmid < PHI(hi) and nfev == phi.calls
    assert lo < XSTAR < hi
    unbounded = ls.bracket(lambda a: -a, 0.0, 1.0, maxfev=10)
    assert unbounded.status == zo.Status.MAXFEV and not unbounded.success and "unbounded" in unbounded.message


def test_bracket_refuses_a_flat_triple():
    """A flat stretch is not a bracket: phi(mid) must lie strictly below both ends."""
    flat = Counted(lambda a: 1.0)
    br = ls.bracket(flat, 0.0, 1.0, maxfev=20)
    assert not br.success and br.status == zo.Status.MAXFEV and br.nfev == flat.calls == 20  # maxfev counts all
    step = ls.bracket(lambda a: 0.0 if a <= 1.0 else 1.0, 0.0, 1.0)  # phi(a) = phi(b), then a rise
    assert not step.success and step.status == zo.Status.LINESEARCH_FAILED


@pytest.mark.parametrize("f", [lambda a: (a - 0.3) ** 2, lambda a: 1.0 / (1.0 + a)], ids=["parabola", "1/(1+a)"])
@pytest.mark.parametrize("b", [math.inf, -math.inf, math.nan])
def test_bracket_refuses_a_non_finite_end(f, b):
    """bracket(phi, 0, inf) returned success=True with an end at +-inf (the parabola), or evaluated phi(nan)
    (1/(1 + a)): now a ValueError naming b, before any evaluation."""
    phi = Counted(f)
    with pytest.raises(ValueError, match="finite starting points.*b="):
        ls.bracket(phi, 0.0, b)
    with pytest.raises(ValueError, match="finite starting points.*a="):
        ls.bracket(phi, b, 0.0)
    assert phi.calls == 0


def test_bracket_never_claims_an_end_at_infinity():
    """Walking downhill from finite ends can overflow: that is a failure with its reason, not a bracket
    [0, inf] (which the old walk reported as success, after phi(inf) = -inf counted as a rise)."""
    phi = Counted(lambda a: -a)
    br = ls.bracket(phi, 0.0, 1e308)
    assert not br.success and br.status == zo.Status.LINESEARCH_FAILED and "overflowed" in br.message
    assert br.hi == math.inf and br.nfev == phi.calls == 2 and all(math.isfinite(a) for a in phi.points)
    ok = ls.bracket(lambda a: (a - 0.3) ** 2, 0.0, 1e150)      # a real bracket with a huge finite end
    assert ok.success and all(math.isfinite(v) for v in ok[:3]) and ok.lo < 0.3 < ok.hi


def test_golden_refuses_a_budget_below_its_two_first_evaluations():
    """golden(..., maxfev=1) spent 2 evaluations: maxfev < 2 is refused (as parabolic and bracket refuse
    theirs), and maxfev = 2 spends exactly 2."""
    phi = Counted(PHI)
    with pytest.raises(ValueError, match="maxfev >= 2"):
        ls.golden(phi, -1.0, 2.0, maxfev=1)
    assert phi.calls == 0
    r = ls.golden(phi, -1.0, 2.0, maxfev=2)
    assert r.status == zo.Status.MAXFEV and r.nfev == phi.calls == 2


def smooth_1d():
    """Random smooth functions with phi'(0) < 0: a + b t + c t^2 + d sin(e t) with c > 0."""
    return st.tuples(st.floats(0.1, 5), st.floats(-0.5, 0.5), st.floats(0.5, 5)).map(
        lambda t: lambda a: t[2] * (a - t[0]) ** 2 + t[1] * math.sin(3 * a))


def deriv(phi, a, h=1e-6):
    return (phi(a + h) - phi(a - h)) / (2 * h)


@settings(derandomize=True, database=None, max_examples=60, deadline=None)
@given(smooth_1d(), st.floats(0.01, 20))
def test_armijo_and_goldstein_satisfy_their_conditions(phi, alpha0):
    phi0, dphi0 = phi(0.0), deriv(phi, 0.0)
    if dphi0 >= 0:
        return
    counted = Counted(phi)
    r = ls.armijo(counted, phi0, dphi0, alpha0=alpha0, c1=1e-4, beta=0.5)
    assert r.success and r.fun <= phi0 + 1e-4 * r.x * dphi0 and r.fun == phi(r.x) and r.nfev == counted.calls
    # every trial after a rejected one lies in [beta_lo, beta] times it (the interpolation's safeguard)
    ratios = np.array(counted.points[1:]) / np.array(counted.points[:-1])
    assert np.all((ratios >= 0.1 * (1 - 1e-15)) & (ratios <= 0.5 * (1 + 1e-15))), ratios
    g = ls.goldstein(phi, phi0, dphi0, alpha0=alpha0, c=0.25)
    assert g.success and phi0 + 0.75 * g.x * dphi0 <= g.fun <= phi0 + 0.25 * g.x * dphi0


@settings(derandomize=True, database=None, max_examples=60, deadline=None)
@given(smooth_1d(), st.floats(0.01, 20), st.booleans())
def test_wolfe_satisfies_its_conditions(phi, alpha0, strong):
    dphi = lambda a: deriv(phi, a)  # noqa: E731
    phi0, dphi0 = phi(0.0), dphi(0.0)
    if dphi0 >= 0:
        return
    r = ls.wolfe(phi, phi0, dphi0, dphi=dphi, alpha0=alpha0, c1=1e-4, c2=0.9, strong=strong)
    assert r.success, r
    assert r.fun <= phi0 + 1e-4 * r.x * dphi0
    if strong:
        assert abs(dphi(r.x)) <= 0.9 * abs(dphi0) + 1e-7
    else:
        assert dphi(r.x) >= 0.9 * dphi0 - 1e-7


def test_wolfe_counts_both_kinds_of_evaluations():
    f, g = Counted(lambda a: (a - 2.0) ** 2), Counted(lambda a: 2 * (a - 2.0))
    r = ls.wolfe(f, 4.0, -4.0, dphi=g, alpha0=0.1)
    assert r.success and r.nfev == f.calls and r.ngev == g.calls


def test_interpolation_models_are_exact_on_their_own_kind():
    """quadratic_min is the vertex of the quadratic through (a, q(a), q'(a)) and (b, q(b)); cubic_min_values
    the local minimiser of the cubic through phi(0), phi'(0) and two values (Nocedal & Wright eqs. 3.57-3.58)."""
    from zeroopt.linesearch._algorithms import cubic_min_values, quadratic_min

    q = lambda t: 3.0 * (t - 0.7) ** 2 + 2.0  # noqa: E731
    for a, b in [(0.0, 4.0), (-1.0, 0.2), (2.0, -3.0)]:
        assert quadratic_min(a, q(a), 6.0 * (a - 0.7), b, q(b)) == pytest.approx(0.7, rel=1e-13)
    assert math.isnan(quadratic_min(0.0, 0.0, -1.0, 1.0, -5.0))           # concave: no minimiser
    assert math.isnan(quadratic_min(0.0, 0.0, -1.0, 1.0, math.inf))       # a non-finite value: no model
    for A, B in [(1.0, 0.5), (2.0, -1.0), (-0.2, 3.0), (0.0, 2.0)]:       # phi = A t^3 + B t^2 - t + 1
        c = lambda t: A * t ** 3 + B * t ** 2 - t + 1.0  # noqa: E731
        t_min = (-B + math.sqrt(B * B + 3 * A)) / (3 * A) if A else 1 / (2 * B)
        assert cubic_min_values(1.0, -1.0, 2.0, c(2.0), 0.5, c(0.5)) == pytest.approx(t_min, rel=1e-12)
    assert math.isnan(cubic_min_values(1.0, -1.0, 2.0, math.nan, 0.5, 1.0))


@pytest.mark.parametrize("jit", [True, False])
def test_armijo_interpolates_and_its_counts_are_exact(jit):
    """On a quadratic phi the first model is exact: alpha0 with the minimiser m in [0.1, 0.5] alpha0 costs 2
    evaluations (halving costs 1 + log2(alpha0 / m)); beta_lo = beta is the lecture's plain backtracking,
    alpha0 beta^k; along a Line (compiled or not) the count is the problem's own."""
    for alpha0 in (2.5, 4.0, 7.3, 9.9):
        phi = Counted(lambda t: 2.0 * (t - 1.0) ** 2)
        r = ls.armijo(phi, 2.0, -4.0, alpha0=alpha0)
        assert r.success and r.x == pytest.approx(1.0, rel=1e-14) and r.nfev == phi.calls == 2
    plain = Counted(lambda t: 2.0 * (t - 1.0) ** 2)
    r = ls.armijo(plain, 2.0, -4.0, alpha0=9.9, beta=0.5, beta_lo=0.5)
    assert r.success and plain.points == [9.9 * 0.5 ** k for k in range(r.nfev)] and r.nfev == plain.calls == 4
    p = zo.problems.rosenbrock(3)
    p = p if jit else zo.Problem(p.py_fun, 3, args=p.args, jit=False)
    x = np.full(3, -0.5)
    g = np.asarray(zo.ExactAD()(p, x), dtype=float)
    p.reset_counts()
    line = ls.Line(p, x, -g, phi0=p.fun(x, *p.args))
    r = ls.armijo(line, line(0.0), -float(g @ g), alpha0=10.0)   # far too long: several models, the cubic too
    assert r.success and r.nfev == p.nfev == line.nfev >= 3
    assert r.fun <= line(0.0) - 1e-4 * r.x * float(g @ g)


def test_armijo_falls_back_to_beta_where_there_is_no_model():
    """After a non-finite value the next trial is exactly beta times the rejected one; after a finite one
    the model's step is clipped into [beta_lo, beta] times it."""
    phi = Counted(lambda t: math.inf if t > 1.0 else (t - 0.1) ** 2)
    r = ls.armijo(phi, 0.01, -0.2, alpha0=8.0, beta=0.5, beta_lo=0.25)
    assert r.success and r.nfev == phi.calls and phi.points[:4] == [8.0, 4.0, 2.0, 1.0]  # inf, inf, inf: beta
    # phi(1) = 0.81 is finite: the quadratic's vertex 0.2 / (2 (0.81 - 0.01 + 0.2)) = 0.1 is clipped up to 0.25
    assert phi.points[4] == 0.25
    budget = Counted(lambda t: 1.0 - 1e-12 * t)                                # never sufficient decrease
    r = ls.armijo(budget, 1.0, -1.0, maxfev=6)
    assert r.status == zo.Status.MAXFEV and r.nfev == budget.calls == 6 and r.x == budget.points[-1]


def test_wolfe_zoom_uses_the_quadratic_when_the_slope_at_hi_is_unknown():
    """phi = (t - 1)^2 from alpha0 = 8 (too long): zoom's quadratic through phi(0), phi'(0), phi(8) is phi
    itself, so its first trial t = 1 is the minimiser - 2 values and 1 slope (bisection took 4 values:
    8, 4, 2, 1)."""
    f, g = Counted(lambda a: (a - 1.0) ** 2), Counted(lambda a: 2 * (a - 1.0))
    r = ls.wolfe(f, 1.0, -2.0, dphi=g, alpha0=8.0)
    assert r.success and r.x == 1.0 and (r.nfev, r.ngev) == (f.calls, g.calls) == (2, 1)
    # and the safeguard: a model's step within 0.1 (hi - lo) of an end is replaced by bisection
    f = Counted(lambda a: (a - 0.05) ** 2)
    r = ls.wolfe(f, 0.0025, -0.1, dphi=lambda a: 2 * (a - 0.05), alpha0=10.0)
    assert r.success and f.points[1] == 5.0


def test_exact_quadratic_step_is_exact_on_a_parabola():
    r = ls.exact_quadratic(lambda a: 3 * (a - 1.7) ** 2 + 1, 3 * 1.7 ** 2 + 1, -6 * 1.7, alpha0=0.2)
    assert r.success and r.x == pytest.approx(1.7, rel=1e-14) and r.nfev == 2
    assert not ls.exact_quadratic(lambda a: -a * a - a, 0.0, -1.0).success   # concave: reported, not raised


def test_failures_are_statuses_not_exceptions():
    r = ls.armijo(lambda a: (a + 1) ** 2, 1.0, 2.0)                       # ascent direction
    assert not r.success and "descent" in r.message and r.nfev == 0
    r = ls.armijo(lambda a: 1.0 - 1e-12 * a, 1.0, -1.0, maxfev=5)          # never sufficient decrease
    assert not r.success and r.nfev == 5
    r = ls.golden(PHI, -1, 2, tol=1e-12, maxfev=10)  # the budget, not the tolerance, stops it
    assert r.status == zo.Status.MAXFEV and r.nfev == 10 and "maxfev = 10" in r.message
    assert not ls.wolfe(lambda a: -a, 0.0, -1.0, dphi=lambda a: -1.0, alpha_max=8.0).success


def test_step_rules_back_off_from_non_finite_trial_values():
    phi = lambda a: (a - 1.0) ** 2 if a < 1.5 else (math.inf if a < 3 else math.nan)  # noqa: E731
    r = ls.armijo(phi, 1.0, -2.0, alpha0=100.0)
    assert r.success and r.x < 1.5
    assert ls.goldstein(phi, 1.0, -2.0, alpha0=50.0).success
    assert ls.bracket(phi, 0.0, 0.5).success  # a non-finite value counts as a rise


HOLE = 0.9  # phi is NaN beyond it: every scalar search must report it, none may return a minimiser


def holed(a):
    return (a - 1.0) ** 2 if a < HOLE else math.nan


def hole_in_the_middle(a):
    return math.nan if 0.6 < a < 0.7 else (a - 0.65) ** 2


@pytest.mark.parametrize("search, f", [
    (lambda phi: ls.dichotomy(phi, 0.0, 10.0), holed), (lambda phi: ls.golden(phi, 0.0, 10.0), holed),
    (lambda phi: ls.brent(phi, 0.0, 10.0, x0=0.5), holed), (lambda phi: ls.parabolic(phi, 0.0, 0.5, 1.0), hole_in_the_middle),
], ids=["dichotomy", "golden", "brent", "parabolic"])
def test_scalar_searches_report_a_non_finite_probe_with_its_alpha(search, f):
    phi = Counted(f)
    r = search(phi)
    assert r.status == zo.Status.NONFINITE and not r.success and r.nfev == phi.calls
    bad = [a for a in phi.points if math.isnan(f(a))]
    assert bad and f"phi({bad[0]:.17g}) = nan" in r.message   # the first non-finite probe is named
    assert math.isnan(r.x) or not math.isnan(f(r.x))          # never a point in the hole


@pytest.mark.parametrize("maxfev", [1, 2, 3, 7, 20])
def test_brent_makes_at_most_maxfev_evaluations(maxfev):
    phi = Counted(PHI)
    r = ls.brent(phi, -1.0, 2.0, tol=1e-14, maxfev=maxfev)
    assert phi.calls == r.nfev <= maxfev and (r.success or r.status == zo.Status.MAXFEV)


@pytest.mark.parametrize("call, err", [
    (lambda: ls.golden(PHI, 1.0, 0.0), "interval"), (lambda: ls.golden(PHI, 0.0, 1.0, tol=0), "tol"),
    (lambda: ls.parabolic(PHI, 0.0, -1.0, 1.0), "x1 < x2 < x3"), (lambda: ls.parabolic(PHI, -1.0, 1.9, 2.0), "bracket"),
    (lambda: ls.armijo(PHI, 0.0, -1.0, c1=1.5), "c1"), (lambda: ls.goldstein(PHI, 0.0, -1.0, c=0.6), "c"),
    (lambda: ls.wolfe(PHI, 0.0, -1.0, dphi=PHI, c1=0.5, c2=0.4), "c1 < c2"), (lambda: ls.brent(PHI, 0, 1, x0=2.0), "x0"),
    (lambda: ls.armijo(PHI, math.nan, -1.0), "phi0"), (lambda: ls.dichotomy(PHI, 0, 1, maxfev=0), "maxfev"),
    (lambda: ls.armijo(PHI, 0.0, -1.0, beta=0.3, beta_lo=0.4), "beta_lo <= beta"),
    (lambda: ls.armijo(PHI, 0.0, -1.0, beta_lo=0.0), "beta_lo"), (lambda: ls.golden(PHI, 0, 1, maxfev=1), "maxfev"),
])
def test_bad_arguments(call, err):
    with pytest.raises(ValueError, match=err):
        call()


@pytest.mark.slow
def test_jitted_line_equals_the_python_line_and_counts():
    """The public searches along a Line run compiled for a jitted problem, as Python otherwise: same
    results, and every evaluation counted once (values asked for twice at the Python level are not
    evaluated twice)."""
    p = zo.problems.quadratic(5, seed=1)
    py = zo.Problem(zo.problems.quadratic_fun.py_func, 5, args=p.args, jit=False)
    x, d = np.zeros(5), p.x_star.copy()
    searches = [  # (search, evaluations it makes beyond r.nfev: armijo's phi(0) is asked first)
        (lambda line: ls.golden(line, -1.0, 3.0, tol=1e-10), 0), (lambda line: ls.dichotomy(line, -1.0, 3.0, tol=1e-10), 0),
        (lambda line: ls.brent(line, -1.0, 3.0, tol=1e-10, x0=0.5), 0),
        (lambda line: ls.armijo(line, line(0.0), -1.0, alpha0=4.0), 1), (lambda line: ls.bracket(line, 0.0, 0.1), 0),
        (lambda line: ls.armijo(line, line(0.0), -0.3, alpha0=400.0), 1)]   # (several models: the cubic too)
    for search, extra in searches:
        outs = []
        for prob in (p, py):
            prob.reset_counts()
            r = search(ls.Line(prob, x, d))
            outs.append((r, prob.nfev))
        (a, na), (b, nb) = outs
        assert na == nb == a.nfev + extra and a.nfev == b.nfev
        np.testing.assert_allclose(a[:2], b[:2], rtol=1e-12, atol=1e-14)
        assert a.status == b.status


def test_a_line_counts_an_objective_that_raises():
    """The compiled search's evaluations reach nfev even when the objective raises inside it."""
    p = zo.Problem(raise_beyond, 3, args=(2.0,))
    line = ls.Line(p, np.zeros(3), np.ones(3))
    with pytest.raises(Exception, match="beyond"):
        ls.golden(line, 0.0, 10.0)
    assert p.nfev == 1  # the first probe 3.82 raised: it was an evaluation


@numba.njit
def raise_beyond(x, limit):
    if x[0] > limit:
        raise ValueError("x[0] beyond the limit")
    return x @ x
