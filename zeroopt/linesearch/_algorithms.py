"""The search algorithms, each written once and run twice: as Python on a Python phi, compiled along a
jitted problem's line (:class:`zeroopt._twice.Twice`). They call ``phi(alpha, fun, *phi_args)`` and
return a :data:`SearchOut` (as a plain tuple: see :mod:`zeroopt._twice`); the public functions in :mod:`.scalar` and :mod:`.rules` check their
arguments and turn that into a :class:`LineSearchResult`."""

from __future__ import annotations

import math

import numba

from .._twice import twice
from ._core import FAILED, MAXFEV, NONFINITE, OK, SQRT_EPS, INVPHI, INVPHI2, SearchOut


@numba.njit(cache=True)
def quadratic_min(a, fa, ga, b, fb):
    """The minimiser of the quadratic q with q(a) = fa, q'(a) = ga, q(b) = fb (Nocedal & Wright 2006,
    eq. 3.57 with a = 0): a - ga (b - a)^2 / (2 (fb - fa - ga (b - a))); NaN if q is not convex or a
    value is not finite."""
    w = b - a
    den = 2.0 * (fb - fa - ga * w)
    if not (den > 0.0 and math.isfinite(den) and math.isfinite(ga)):
        return math.nan
    return a - ga * w * (w / den)


@numba.njit(cache=True)
def cubic_min_values(phi0, dphi0, a0, f0, a1, f1):
    """The minimiser of the cubic c(t) = A t^3 + B t^2 + phi'(0) t + phi(0) with c(a0) = f0 and
    c(a1) = f1 (Nocedal & Wright 2006, eq. 3.58), or NaN if it has none (or a value is not finite).
    The root of c'(t) = 3 A t^2 + 2 B t + phi'(0) with c'' > 0 is taken in the form without cancellation."""
    r0 = f0 - phi0 - dphi0 * a0
    r1 = f1 - phi0 - dphi0 * a1
    den = a0 * a0 * a1 * a1 * (a1 - a0)
    if den == 0.0 or not math.isfinite(den):
        return math.nan
    A = (a0 * a0 * r1 - a1 * a1 * r0) / den
    B = (a1 * a1 * a1 * r0 - a0 * a0 * a0 * r1) / den
    if not (math.isfinite(A) and math.isfinite(B)):
        return math.nan
    if A == 0.0:                                  # a quadratic: its vertex if it is convex
        return -dphi0 / (2.0 * B) if B > 0.0 else math.nan
    disc = B * B - 3.0 * A * dphi0
    if not (disc >= 0.0 and math.isfinite(disc)):
        return math.nan
    root = math.sqrt(disc)
    if B > 0.0:
        return -dphi0 / (B + root)
    return (root - B) / (3.0 * A)

@twice(result=SearchOut)
def dichotomy(phi, fun, a, b, tol, maxfev, phi_args):
    """The lecture's dichotomy: halve [a, b] keeping the middle point c; <= 2 evaluations per halving."""
    c = 0.5 * (a + b)
    fc = phi(c, fun, *phi_args)
    if not math.isfinite(fc):
        return (math.nan, math.nan, 1, 0, NONFINITE, c, fc)
    nfev, nit = 1, 0
    while 0.5 * (b - a) > tol:
        if nfev + 2 > maxfev:
            return (c, fc, nfev, nit, MAXFEV, math.nan, math.nan)
        y = 0.5 * (a + c)
        fy = phi(y, fun, *phi_args)
        nfev += 1
        if not math.isfinite(fy):
            return (c, fc, nfev, nit, NONFINITE, y, fy)
        if fy <= fc:
            b, c, fc = c, y, fy
        else:
            z = 0.5 * (b + c)
            fz = phi(z, fun, *phi_args)
            nfev += 1
            if not math.isfinite(fz):
                return (c, fc, nfev, nit, NONFINITE, z, fz)
            if fc <= fz:
                a, b = y, z
            else:
                a, c, fc = c, z, fz
        nit += 1
    return (c, fc, nfev, nit, OK, math.nan, math.nan)


@twice(result=SearchOut)
def golden(phi, fun, a, b, tol, maxfev, phi_args):
    """Golden section: the surviving inner point is reused, 1 evaluation per step, width x 0.618."""
    y = a + INVPHI2 * (b - a)
    fy = phi(y, fun, *phi_args)
    if not math.isfinite(fy):
        return (math.nan, math.nan, 1, 0, NONFINITE, y, fy)
    z = a + INVPHI * (b - a)
    fz = phi(z, fun, *phi_args)
    if not math.isfinite(fz):
        return (y, fy, 2, 0, NONFINITE, z, fz)
    nfev, nit, status = 2, 0, OK
    while b - a > tol:
        if nfev >= maxfev:
            status = MAXFEV
            break
        if fy <= fz:
            b, z, fz = z, y, fy
            y = a + INVPHI2 * (b - a)
            fy = phi(y, fun, *phi_args)
            new, fnew = y, fy
        else:
            a, y, fy = y, z, fz
            z = a + INVPHI * (b - a)
            fz = phi(z, fun, *phi_args)
            new, fnew = z, fz
        nfev += 1
        nit += 1
        if not math.isfinite(fnew):
            best, fbest = (z, fz) if new == y else (y, fy)
            return (best, fbest, nfev, nit, NONFINITE, new, fnew)
    if fy <= fz:
        return (y, fy, nfev, nit, status, math.nan, math.nan)
    return (z, fz, nfev, nit, status, math.nan, math.nan)


@twice(result=SearchOut)
def parabolic(phi, fun, x1, x2, x3, f1, f2, f3, tol, maxfev, phi_args):
    """Successive parabolic interpolation (lecture notes 001): move to the vertex u of the parabola
    through the three best points so far, then drop the worst of the three. Keeping the best three
    (rather than a bracket, whose far end can stay put and make convergence linear) lets all three points
    close in, so convergence is superlinear near a smooth minimum. Stops when the step |u - x_best| falls
    below tol + sqrt(eps) |x_best| (below that, f is flat to rounding). Fails if the parabola is not
    convex while the points are more than tol apart."""
    nfev, nit, status = 0, 0, OK
    bad_alpha, bad_value = math.nan, math.nan
    for _ in range(maxfev + 1):
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
            status = FAILED if x3 - x1 > tol else OK
            break
        u = 0.5 * (x1 + x2) - 0.5 * s1 / curv     # its vertex
        if abs(u - xb) <= tol + SQRT_EPS * abs(xb):
            break
        if nfev >= maxfev:
            status = MAXFEV
            break
        fu = phi(u, fun, *phi_args)
        nfev += 1
        nit += 1
        if not math.isfinite(fu):
            status, bad_alpha, bad_value = NONFINITE, u, fu
            break
        if f1 >= f2 and f1 >= f3:                 # replace the worst of the three
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
    return (xb, fb, nfev, nit, status, bad_alpha, bad_value)


@twice(result=SearchOut)
def brent(phi, fun, a, b, x, fx, tol, maxfev, phi_args):
    """Brent's localmin (Brent 1973, ch. 5): parabolic steps through the three best points, accepted
    only when they fall inside the interval and shrink fast enough; golden sections otherwise.
    Stops when x is within 2 (sqrt(eps) |x| + tol / 3) of the interval's middle. (x, fx) is an
    interior starting point already evaluated (not counted here)."""
    w = v = x
    fw = fv = fx
    d = e = 0.0
    nfev, nit = 0, 0
    while True:
        m = 0.5 * (a + b)
        tol1 = SQRT_EPS * abs(x) + tol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - m) <= tol2 - 0.5 * (b - a):
            return (x, fx, nfev, nit, OK, math.nan, math.nan)
        if nfev >= maxfev:
            return (x, fx, nfev, nit, MAXFEV, math.nan, math.nan)
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
            return (x, fx, nfev, nit, NONFINITE, u, fu)
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


@twice(result=SearchOut)
def bracket(phi, fun, a, b, fa, fb, maxfev, phi_args):
    """Walk downhill from (a, b) with steps growing by the golden ratio until phi strictly rises: returns
    (lo, mid, hi) with phi(mid) < phi(lo) and phi(mid) < phi(hi), as a SearchOut whose ``x`` is mid,
    ``bad_alpha`` lo and ``bad_value`` hi. A non-finite value counts as +inf (a rise). A flat stretch
    (equal values) is walked over, not accepted. status MAXFEV: phi did not rise within maxfev evaluations
    (unbounded below, or flat); FAILED: phi(a) = phi(b) and the first rise came right after b (no point
    strictly below both ends was seen), or the next step overflows to +-inf (then that end is returned as
    it, unevaluated)."""
    if not math.isfinite(fa):
        fa = math.inf
    if not math.isfinite(fb):
        fb = math.inf
    if fb > fa:
        a, b, fa, fb = b, a, fb, fa
    nfev = 0
    while True:
        if nfev >= maxfev:
            status = MAXFEV
            break
        c = b + (1.0 + INVPHI) * (b - a)
        if not math.isfinite(c):      # the walk left the floats with phi still falling: no bracket
            status = FAILED
            break
        fc = phi(c, fun, *phi_args)
        nfev += 1
        if not math.isfinite(fc):
            fc = math.inf
        if fc > fb:
            status = OK if fb < fa else FAILED
            break
        a, fa, b, fb = b, fb, c, fc
    lo, hi = (a, c) if a < c else (c, a)
    return (b, fb, nfev, 0, status, lo, hi)


@twice(result=SearchOut)
def armijo(phi, fun, phi0, dphi0, alpha0, c1, beta_lo, beta, maxfev, phi_args):
    """Backtracking with safeguarded interpolation (Nocedal & Wright 2006, section 3.5) to the first trial
    with phi(alpha) <= phi0 + c1 alpha phi'(0). After a rejected alpha0, the minimiser of the quadratic
    through phi(0), phi'(0), phi(alpha0); after later rejections, that of the cubic through phi(0),
    phi'(0) and the last two trials. The next trial is kept in [beta_lo alpha, beta alpha] (alpha the
    rejected trial), and is beta alpha where there is no model (a non-finite value, a model without a
    minimiser): beta_lo = beta is plain backtracking alpha0 beta^k."""
    alpha = alpha0
    prev, fprev = math.nan, math.nan
    v = math.inf
    for k in range(maxfev):
        v = phi(alpha, fun, *phi_args)
        if not math.isfinite(v):
            new = math.nan
            prev = math.nan
        elif v <= phi0 + c1 * alpha * dphi0:
            return (alpha, v, k + 1, k, OK, math.nan, math.nan)
        else:
            if math.isfinite(prev):
                new = cubic_min_values(phi0, dphi0, prev, fprev, alpha, v)
            else:
                new = quadratic_min(0.0, phi0, dphi0, alpha, v)
            prev, fprev = alpha, v
        if k + 1 == maxfev:
            break
        if not math.isfinite(new):
            new = beta * alpha
        alpha = min(max(new, beta_lo * alpha), beta * alpha)
    return (alpha, v, maxfev, maxfev, MAXFEV, math.nan, math.nan)


@twice(result=SearchOut)
def goldstein(phi, fun, phi0, dphi0, alpha0, c, maxfev, phi_args):
    """A step with phi0 + (1 - c) alpha phi'(0) <= phi(alpha) <= phi0 + c alpha phi'(0), 0 < c < 1/2,
    by doubling (too short) and bisection (too long)."""
    lo, hi, alpha = 0.0, math.inf, alpha0
    v = math.inf
    for k in range(maxfev):
        v = phi(alpha, fun, *phi_args)
        if not math.isfinite(v) or v > phi0 + c * alpha * dphi0:
            hi = alpha
        elif v < phi0 + (1.0 - c) * alpha * dphi0:
            lo = alpha
        else:
            return (alpha, v, k + 1, k, OK, math.nan, math.nan)
        alpha = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * alpha
    return (alpha, v, maxfev, maxfev, MAXFEV, math.nan, math.nan)
