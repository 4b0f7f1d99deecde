"""Line searches (lecture notes 001): scalar searches on phi(alpha) and step rules along a direction.

Scalar minimisers of a unimodal phi on an interval: :func:`dichotomy` (at most 2 evaluations per halving,
|x - x*| <= 0.707^N (b - a)/2 after N evaluations), :func:`golden` (1 evaluation per step, 0.618^N),
:func:`parabolic` (successive parabolic interpolation: superlinear, order ~1.32, but only local) and
:func:`brent` (Brent 1973: parabolic steps guarded by golden sections - the robust combination), and
:func:`bracket` to find an interval first.

Step rules along a descent direction (phi(0) and phi'(0) < 0 known): :func:`armijo` (backtracking to
sufficient decrease, c1 ~ 1e-4), :func:`goldstein` (decrease between c and 1 - c of the linear model),
:func:`wolfe` (weak or strong Wolfe, bracketing + zoom with cubic interpolation, Nocedal & Wright
Algorithms 3.5-3.6, c2 ~ 0.9) and :func:`exact_quadratic` (the minimiser of the parabola through
phi(0), phi'(0), phi(alpha0): exact for quadratic objectives).

Every function returns a :class:`LineSearchResult` (the step or minimiser ``x``, ``fun`` = phi(x), the
evaluations ``nfev`` of phi and ``ngev`` of phi', ``nit``, an integer ``status`` and a ``message``);
failure is a status, never an exception raised deep inside. An infinite or NaN trial value means "too
far": it counts as +inf, so the searches back off from it.

Each algorithm is written once as a plain function calling ``phi(alpha, fun, *phi_args)``. Called on a
Python ``phi`` it runs as Python; the optimizers call the numba-compiled version on
``phi(alpha) = f(x + alpha d)`` of a jitted problem (:func:`line_value`), so the search loop and its
evaluations run without Python in between (see :class:`Line`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np

from . import _checks

INVPHI = 0.6180339887498949      # 1 / golden ratio
INVPHI2 = 0.3819660112501051     # 1 - INVPHI = INVPHI^2
_SQRT_EPS = 1.4901161193847656e-08

CONVERGED, BUDGET, FAILED = 0, 1, 2
MESSAGES = {
    CONVERGED: "converged",
    BUDGET: "stopped: the evaluation budget (maxfev) was used up before reaching the tolerance",
    FAILED: "failed",
}


class LineSearchResult(NamedTuple):
    """Result of a line search: ``x`` is the step (step rules) or the minimiser (scalar searches)."""

    x: float
    fun: float
    nfev: int
    ngev: int
    nit: int
    status: int
    message: str

    @property
    def success(self):
        return self.status == CONVERGED

    @property
    def step(self):
        return self.x


# --- the algorithms (plain functions; numba compiles them for the jitted path) -----------------
def _dichotomy(phi, fun, a, b, tol, maxfev, phi_args):
    """The seed's dichotomy: halve [a, b] keeping the middle point c; <= 2 evaluations per halving."""
    c = 0.5 * (a + b)
    fc = phi(c, fun, *phi_args)
    if not math.isfinite(fc):
        fc = math.inf
    nfev, nit, status = 1, 0, CONVERGED
    while 0.5 * (b - a) > tol:
        if nfev + 2 > maxfev:
            status = BUDGET
            break
        y = 0.5 * (a + c)
        fy = phi(y, fun, *phi_args)
        nfev += 1
        if not math.isfinite(fy):
            fy = math.inf
        if fy <= fc:
            b, c, fc = c, y, fy
        else:
            z = 0.5 * (b + c)
            fz = phi(z, fun, *phi_args)
            nfev += 1
            if not math.isfinite(fz):
                fz = math.inf
            if fc <= fz:
                a, b = y, z
            else:
                a, c, fc = c, z, fz
        nit += 1
    return c, fc, nfev, nit, status


def _golden(phi, fun, a, b, tol, maxfev, phi_args):
    """Golden section: the surviving inner point is reused, 1 evaluation per step, width x 0.618."""
    y = a + INVPHI2 * (b - a)
    z = a + INVPHI * (b - a)
    fy = phi(y, fun, *phi_args)
    fz = phi(z, fun, *phi_args)
    if not math.isfinite(fy):
        fy = math.inf
    if not math.isfinite(fz):
        fz = math.inf
    nfev, nit, status = 2, 0, CONVERGED
    while b - a > tol:
        if nfev >= maxfev:
            status = BUDGET
            break
        if fy <= fz:
            b, z, fz = z, y, fy
            y = a + INVPHI2 * (b - a)
            fy = phi(y, fun, *phi_args)
            if not math.isfinite(fy):
                fy = math.inf
        else:
            a, y, fy = y, z, fz
            z = a + INVPHI * (b - a)
            fz = phi(z, fun, *phi_args)
            if not math.isfinite(fz):
                fz = math.inf
        nfev += 1
        nit += 1
    if fy <= fz:
        return y, fy, nfev, nit, status
    return z, fz, nfev, nit, status


def _parabolic(phi, fun, x1, x2, x3, f1, f2, f3, tol, maxfev, phi_args):
    """Successive parabolic interpolation (seed 001): move to the vertex u of the parabola through the
    three best points so far, then drop the worst of the three. Keeping the best three (rather than a
    bracket, whose far end can stay put and make convergence linear) lets all three points close in, so
    convergence is superlinear near a smooth minimum. Stops when the step |u - x_best| falls below
    tol + sqrt(eps) |x_best| (below that, f is flat to rounding). Fails if the parabola is not convex."""
    nfev, nit, status = 0, 0, CONVERGED
    for _ in range(maxfev + 1):
        # sort the triple by x
        if x1 > x2:
            x1, x2, f1, f2 = x2, x1, f2, f1
        if x2 > x3:
            x2, x3, f2, f3 = x3, x2, f3, f2
        if x1 > x2:
            x1, x2, f1, f2 = x2, x1, f2, f1
        xb, fb = x1, f1
        if f2 < fb:
            xb, fb = x2, f2
        if f3 < fb:
            xb, fb = x3, f3
        s1 = (f2 - f1) / (x2 - x1)
        s2 = (f3 - f2) / (x3 - x2)
        curv = (s2 - s1) / (x3 - x1)             # the parabola's leading coefficient
        if not (curv > 0.0 and math.isfinite(curv)):
            status = FAILED if x3 - x1 > tol else CONVERGED
            break
        u = 0.5 * (x1 + x2) - 0.5 * s1 / curv     # its vertex
        if abs(u - xb) <= tol + _SQRT_EPS * abs(xb):
            break
        if nfev >= maxfev:
            status = BUDGET
            break
        fu = phi(u, fun, *phi_args)
        nfev += 1
        nit += 1
        if not math.isfinite(fu):
            fu = math.inf
        # replace the worst of the three
        if f1 >= f2 and f1 >= f3:
            if fu >= f1:
                break
            x1, f1 = u, fu
        elif f2 >= f3:
            if fu >= f2:
                break
            x2, f2 = u, fu
        else:
            if fu >= f3:
                break
            x3, f3 = u, fu
    xb, fb = x1, f1
    if f2 < fb:
        xb, fb = x2, f2
    if f3 < fb:
        xb, fb = x3, f3
    return xb, fb, nfev, nit, status


def _brent(phi, fun, a, b, x, fx, tol, maxfev, phi_args):
    """Brent's localmin (Brent 1973, ch. 5): parabolic steps through the three best points, accepted
    only when they fall inside the interval and shrink fast enough; golden sections otherwise.
    Stops when x is within 2 (sqrt(eps) |x| + tol / 3) of the interval's middle. (x, fx) is an
    interior starting point (the middle point of a bracket)."""
    if not math.isfinite(fx):
        fx = math.inf
    w = v = x
    fw = fv = fx
    d = e = 0.0
    nfev, nit, status = 0, 0, CONVERGED
    while True:
        m = 0.5 * (a + b)
        tol1 = _SQRT_EPS * abs(x) + tol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - m) <= tol2 - 0.5 * (b - a):
            break
        if nfev >= maxfev:
            status = BUDGET
            break
        take_golden = True
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            etemp = e
            e = d
            if abs(p) < abs(0.5 * q * etemp) and p > q * (a - x) and p < q * (b - x):
                d = p / q
                u = x + d
                if u - a < tol2 or b - u < tol2:
                    d = tol1 if x < m else -tol1
                take_golden = False
        if take_golden:
            e = (b - x) if x < m else (a - x)
            d = INVPHI2 * e
        u = x + (d if abs(d) >= tol1 else (tol1 if d > 0 else -tol1))
        fu = phi(u, fun, *phi_args)
        nfev += 1
        nit += 1
        if not math.isfinite(fu):
            fu = math.inf
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    return x, fx, nfev, nit, status


def _bracket(phi, fun, a, b, fa, fb, maxfev, phi_args):
    """Walk downhill from (a, b) with golden-ratio growing steps until phi rises: returns a triple
    (lo, mid, hi) with phi(mid) <= phi at both ends, as (lo, mid, hi, fmid, nfev, status).
    A non-finite value counts as +inf, i.e. as a rise. status FAILED: still decreasing after maxfev
    evaluations (phi may be unbounded below)."""
    if not math.isfinite(fa):
        fa = math.inf
    if not math.isfinite(fb):
        fb = math.inf
    if fb > fa:
        a, b, fa, fb = b, a, fb, fa
    c = b + (1.0 + INVPHI) * (b - a)
    fc = phi(c, fun, *phi_args)
    nfev = 1
    if not math.isfinite(fc):
        fc = math.inf
    status = CONVERGED
    while fc < fb:
        if nfev >= maxfev:
            status = FAILED
            break
        a, fa, b, fb = b, fb, c, fc
        c = b + (1.0 + INVPHI) * (b - a)
        fc = phi(c, fun, *phi_args)
        nfev += 1
        if not math.isfinite(fc):
            fc = math.inf
    lo, hi = (a, c) if a < c else (c, a)
    return lo, b, hi, fb, nfev, status


def _armijo(phi, fun, phi0, dphi0, alpha0, c1, beta, maxfev, phi_args):
    """Backtracking: the first alpha0 beta^k with phi(alpha) <= phi0 + c1 alpha phi'(0)."""
    if not dphi0 < 0.0:
        return 0.0, phi0, 0, 0, FAILED
    alpha = alpha0
    v = math.inf
    for k in range(maxfev):
        v = phi(alpha, fun, *phi_args)
        if math.isfinite(v) and v <= phi0 + c1 * alpha * dphi0:
            return alpha, v, k + 1, k, CONVERGED
        alpha *= beta
    return alpha / beta, v, maxfev, maxfev, FAILED


def _goldstein(phi, fun, phi0, dphi0, alpha0, c, maxfev, phi_args):
    """A step with phi0 + (1 - c) alpha phi'(0) <= phi(alpha) <= phi0 + c alpha phi'(0), 0 < c < 1/2,
    by doubling (too short) and bisection (too long)."""
    if not dphi0 < 0.0:
        return 0.0, phi0, 0, 0, FAILED
    lo, hi, alpha = 0.0, math.inf, alpha0
    v = math.inf
    for k in range(maxfev):
        v = phi(alpha, fun, *phi_args)
        if not math.isfinite(v) or v > phi0 + c * alpha * dphi0:
            hi = alpha
        elif v < phi0 + (1.0 - c) * alpha * dphi0:
            lo = alpha
        else:
            return alpha, v, k + 1, k, CONVERGED
        alpha = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * alpha
    return alpha, v, maxfev, maxfev, FAILED


def _scalar(alpha, f):
    """phi for a plain Python scalar function: the searches call phi(alpha, fun, *phi_args)."""
    return f(alpha)


@numba.njit(cache=True)
def line_value(alpha, fun, x, d, w, args):
    """phi(alpha) = f(x + alpha d), evaluated in the work vector w."""
    for i in range(x.shape[0]):
        w[i] = x[i] + alpha * d[i]
    return fun(w, *args)


def _line_value_py(alpha, fun, x, d, w, args):
    for i in range(x.shape[0]):
        w[i] = x[i] + alpha * d[i]
    return fun(w, *args)


_ALGORITHMS = {f.__name__.lstrip("_"): f for f in (_dichotomy, _golden, _parabolic, _brent, _bracket, _armijo,
                                                     _goldstein)}
_JIT = {name: numba.njit(f) for name, f in _ALGORITHMS.items()}


def _result(out, nit_index=3, ngev=0, message=None):
    x, fun, nfev, nit, status = out
    return LineSearchResult(float(x), float(fun), int(nfev), ngev, int(nit), int(status),
                            message or MESSAGES[int(status)])


def _interval(a, b):
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError(f"the interval must have finite ends a < b; got a={a}, b={b}")
    return a, b


def _budget(maxfev):
    return _checks.positive_int(maxfev, "maxfev")


# --- scalar searches (public, Python) ------------------------------------------------------------
def dichotomy(phi, a, b, tol=1e-8, maxfev=500):
    """Minimise a unimodal ``phi`` on [a, b] by dichotomy (seed 001): the middle c of [a, b] is kept; the
    middle y of [a, c] is compared with c (and if needed the middle z of [c, b]), so each halving costs
    at most 2 evaluations. Returns c with |c - x*| <= (b_N - a_N)/2 <= tol; after N evaluations
    |c - x*| <= 0.707^N (b - a) / 2."""
    a, b = _interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    return _result(_dichotomy(_scalar, phi, a, b, tol, _budget(maxfev), ()))


def golden(phi, a, b, tol=1e-8, maxfev=500):
    """Minimise a unimodal ``phi`` on [a, b] by golden section (seed 001): one new evaluation per step
    shrinks the interval by 1/tau = 0.618, so after N evaluations it has width 0.618^(N - 2) (b - a).
    Returns the better of the two inner points, within tol of the minimiser."""
    a, b = _interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    return _result(_golden(_scalar, phi, a, b, tol, _budget(maxfev), ()))


def parabolic(phi, x1, x2, x3, tol=1e-8, maxfev=100):
    """Successive parabolic interpolation (seed 001) from three points x1 < x2 < x3 with
    phi(x2) <= phi(x1), phi(x3): each step moves to the vertex of the parabola through the three best
    points so far. Converges superlinearly (order ~1.3) near a smooth minimum, but only locally: use
    :func:`brent` for robustness. Costs 3 evaluations for the triple, then 1 per step."""
    x1, x2, x3 = float(x1), float(x2), float(x3)
    if not x1 < x2 < x3:
        raise ValueError(f"parabolic needs x1 < x2 < x3; got {x1}, {x2}, {x3}")
    tol = _checks.positive_float(tol, "tol")
    f1, f2, f3 = phi(x1), phi(x2), phi(x3)
    if not (f2 <= f1 and f2 <= f3):
        raise ValueError(f"parabolic needs phi(x2) <= phi(x1), phi(x3) (a bracket); got {f1}, {f2}, {f3}")
    x, fx, nfev, nit, status = _parabolic(_scalar, phi, x1, x2, x3, f1, f2, f3, tol, _budget(maxfev), ())
    return _result((x, fx, nfev + 3, nit, status))


def brent(phi, a, b, tol=1e-8, maxfev=500, x0=None):
    """Brent's method on [a, b]: parabolic interpolation where it is safe, golden section where it is
    not; as robust as golden section, superlinear near a smooth minimum. ``x0`` (in (a, b)) is the
    starting point (default the golden point of [a, b]); the first evaluation is there. If phi(x0) is
    not finite there is no point to interpolate around: golden section (which backs off from
    non-finite values) takes over on [a, b]. Stops within 2 (sqrt(eps) |x| + tol / 3) of the minimiser."""
    a, b = _interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    maxfev = _budget(maxfev)
    x = a + INVPHI2 * (b - a) if x0 is None else float(x0)
    if not a < x < b:
        raise ValueError(f"x0 must lie strictly inside (a, b) = ({a}, {b}); got {x}")
    fx = phi(x)
    if not math.isfinite(fx):
        x, fx, nfev, nit, status = _golden(_scalar, phi, a, b, tol, max(maxfev - 1, 2), ())
        return _result((x, fx, nfev + 1, nit, status))
    x, fx, nfev, nit, status = _brent(_scalar, phi, a, b, x, fx, tol, maxfev, ())
    return _result((x, fx, nfev + 1, nit, status))


def bracket(phi, a=0.0, b=1.0, maxfev=100):
    """Find lo < mid < hi with phi(mid) <= phi(lo), phi(hi), walking downhill from a, b with steps that
    grow by the golden ratio. Returns (lo, mid, hi, phi(mid), nfev, status)."""
    a, b = float(a), float(b)
    if a == b:
        raise ValueError("bracket needs two distinct starting points a != b")
    fa, fb = phi(a), phi(b)
    lo, mid, hi, fmid, nfev, status = _bracket(_scalar, phi, a, b, fa, fb, _budget(maxfev), ())
    return lo, mid, hi, fmid, nfev + 2, status


# --- step rules (public, Python) -----------------------------------------------------------------
def _descent(phi0, dphi0):
    phi0, dphi0 = float(phi0), float(dphi0)
    if not math.isfinite(phi0):
        raise ValueError(f"phi0 = phi(0) must be finite, got {phi0}")
    return phi0, dphi0


def armijo(phi, phi0, dphi0, alpha0=1.0, c1=1e-4, beta=0.5, maxfev=60):
    """Backtracking line search to the Armijo (sufficient decrease) condition
    phi(alpha) <= phi(0) + c1 alpha phi'(0): alpha = alpha0, alpha0 beta, alpha0 beta^2, ...
    Fails (status 2) if phi'(0) >= 0 (not a descent direction) or after ``maxfev`` trials."""
    phi0, dphi0 = _descent(phi0, dphi0)
    c1 = _checks.positive_float(c1, "c1")
    beta = _checks.positive_float(beta, "beta")
    if not (c1 < 1 and beta < 1):
        raise ValueError(f"armijo needs 0 < c1 < 1 and 0 < beta < 1; got c1={c1}, beta={beta}")
    out = _armijo(_scalar, phi, phi0, dphi0, _checks.positive_float(alpha0, "alpha0"), c1, beta, _budget(maxfev), ())
    msg = "not a descent direction: phi'(0) >= 0" if not dphi0 < 0 else None
    return _result(out, message=msg)


def goldstein(phi, phi0, dphi0, alpha0=1.0, c=0.25, maxfev=60):
    """A step satisfying the Goldstein conditions
    phi(0) + (1 - c) alpha phi'(0) <= phi(alpha) <= phi(0) + c alpha phi'(0), with 0 < c < 1/2,
    by doubling while the step is too short and bisecting once it has been too long."""
    phi0, dphi0 = _descent(phi0, dphi0)
    c = _checks.positive_float(c, "c")
    if not c < 0.5:
        raise ValueError(f"goldstein needs 0 < c < 1/2, got c={c}")
    out = _goldstein(_scalar, phi, phi0, dphi0, _checks.positive_float(alpha0, "alpha0"), c, _budget(maxfev), ())
    msg = "not a descent direction: phi'(0) >= 0" if not dphi0 < 0 else None
    return _result(out, message=msg)


def exact_quadratic(phi, phi0, dphi0, alpha0=1.0):
    """The minimiser of the parabola through phi(0), phi'(0) and phi(alpha0):
    alpha* = -phi'(0) alpha0^2 / (2 (phi(alpha0) - phi(0) - phi'(0) alpha0)) - the exact line-search step
    when the objective is quadratic. Two evaluations (phi(alpha0) and phi(alpha*)); fails if the parabola
    is not convex."""
    phi0, dphi0 = _descent(phi0, dphi0)
    alpha0 = _checks.positive_float(alpha0, "alpha0")
    v = phi(alpha0)
    curv = 2.0 * (v - phi0 - dphi0 * alpha0) / (alpha0 * alpha0)
    if not (math.isfinite(curv) and curv > 0):
        return LineSearchResult(alpha0, float(v), 1, 0, 0, FAILED, "the parabola is not convex along this direction")
    alpha = -dphi0 / curv
    return LineSearchResult(alpha, float(phi(alpha)), 2, 0, 1, CONVERGED, MESSAGES[CONVERGED])


def _cubic_min(a, fa, ga, b, fb, gb):
    """Minimiser of the cubic matching f and f' at a and b (Nocedal & Wright eq. 3.59), or NaN."""
    d1 = ga + gb - 3.0 * (fa - fb) / (a - b)
    disc = d1 * d1 - ga * gb
    if disc < 0 or not math.isfinite(disc):
        return math.nan
    d2 = math.copysign(math.sqrt(disc), b - a)
    den = gb - ga + 2.0 * d2
    if den == 0:
        return math.nan
    return b - (b - a) * (gb + d2 - d1) / den


def wolfe(phi, dphi, phi0, dphi0, alpha0=1.0, c1=1e-4, c2=0.9, strong=True, alpha_max=1e10, maxiter=40):
    """A step satisfying the (strong) Wolfe conditions, Nocedal & Wright Algorithms 3.5 (bracketing) and
    3.6 (zoom, with safeguarded cubic interpolation):
    sufficient decrease phi(alpha) <= phi(0) + c1 alpha phi'(0), and curvature
    phi'(alpha) >= c2 phi'(0) (weak) or |phi'(alpha)| <= c2 |phi'(0)| (strong), 0 < c1 < c2 < 1.
    ``dphi(alpha)`` is phi'(alpha) (it needs a gradient: counted in ``ngev``)."""
    phi0, dphi0 = _descent(phi0, dphi0)
    c1 = _checks.positive_float(c1, "c1")
    c2 = _checks.positive_float(c2, "c2")
    if not c1 < c2 < 1:
        raise ValueError(f"wolfe needs 0 < c1 < c2 < 1; got c1={c1}, c2={c2}")
    if not dphi0 < 0:
        return LineSearchResult(0.0, phi0, 0, 0, 0, FAILED, "not a descent direction: phi'(0) >= 0")
    counts = [0, 0]

    def f(a):
        counts[0] += 1
        v = float(phi(a))
        return v if math.isfinite(v) else math.inf

    def g(a):
        counts[1] += 1
        return float(dphi(a))

    def curvature_ok(ga):
        return abs(ga) <= -c2 * dphi0 if strong else ga >= c2 * dphi0

    def done(a, fa, nit, status=CONVERGED, msg=None):
        return LineSearchResult(a, fa, counts[0], counts[1], nit, status, msg or MESSAGES[status])

    def zoom(lo, flo, glo, hi, fhi, ghi, nit):
        for _ in range(maxiter):
            nit += 1
            width = hi - lo
            a = _cubic_min(lo, flo, glo, hi, fhi, ghi) if math.isfinite(fhi) and math.isfinite(ghi) else math.nan
            left, right = min(lo, hi), max(lo, hi)
            if not (math.isfinite(a) and left + 0.1 * abs(width) <= a <= right - 0.1 * abs(width)):
                a = 0.5 * (lo + hi)  # safeguard: bisection
            fa = f(a)
            if fa > phi0 + c1 * a * dphi0 or fa >= flo:
                hi, fhi, ghi = a, fa, math.nan
            else:
                ga = g(a)
                if curvature_ok(ga):
                    return done(a, fa, nit)
                if ga * (hi - lo) >= 0:
                    hi, fhi, ghi = lo, flo, glo
                lo, flo, glo = a, fa, ga
            if abs(hi - lo) <= 1e-14 * max(1.0, abs(lo)):
                break
        return done(lo, flo, nit, FAILED, "zoom did not find a Wolfe point (interval collapsed or maxiter)")

    a_prev, f_prev, g_prev = 0.0, phi0, dphi0
    a = min(_checks.positive_float(alpha0, "alpha0"), alpha_max)
    for i in range(maxiter):
        fa = f(a)
        if fa > phi0 + c1 * a * dphi0 or (i > 0 and fa >= f_prev):
            return zoom(a_prev, f_prev, g_prev, a, fa, math.nan, i + 1)
        ga = g(a)
        if curvature_ok(ga):
            return done(a, fa, i + 1)
        if ga >= 0:
            return zoom(a, fa, ga, a_prev, f_prev, g_prev, i + 1)
        a_prev, f_prev, g_prev = a, fa, ga
        if a >= alpha_max:
            return done(a, fa, i + 1, FAILED, f"reached alpha_max={alpha_max} with phi still decreasing")
        a = min(2.0 * a, alpha_max)
    return done(a_prev, f_prev, maxiter, FAILED, f"no Wolfe point within maxiter={maxiter} trials")


# --- along a direction of a Problem (used by the optimizers) ------------------------------------
class Line:
    """phi(alpha) = f(x + alpha d) for a :class:`zeroopt.Problem`: runs a search's compiled version
    when the problem is jitted (the loop and its evaluations without Python), its Python version
    otherwise, and counts every evaluation in ``problem.nfev``."""

    def __init__(self, problem, x, d):
        self.problem = problem
        self.x = np.ascontiguousarray(x, dtype=np.float64)
        self.d = np.ascontiguousarray(d, dtype=np.float64)
        self.w = np.empty_like(self.x)

    def __call__(self, alpha):
        """phi(alpha), counted (once) in problem.nfev."""
        jf = self.problem.jitted
        if jf is not None:
            self.problem.nfev += 1
            return float(line_value(alpha, jf, self.x, self.d, self.w, self.problem.args))
        return self.problem.value(self.x + alpha * self.d)

    def run(self, name, *params):
        """Run the search ``name`` (dichotomy, golden, parabolic, brent, bracket, armijo, goldstein) with
        phi = this line; returns the algorithm's raw tuple and adds its evaluations to nfev."""
        p = self.problem
        jf = p.jitted
        if jf is not None:
            out = _JIT[name](line_value, jf, *params, (self.x, self.d, self.w, p.args))
            nfev = out[-2] if name == "bracket" else out[2]
            p.nfev += int(nfev)
            return out
        counter = [0]
        fun = p.python_counted(counter)
        try:
            return _ALGORITHMS[name](_line_value_py, fun, *params, (self.x, self.d, self.w, p.args))
        finally:
            p.nfev += counter[0]
