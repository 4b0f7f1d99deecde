"""Step rules along a descent direction: ``rule(phi, phi0, dphi0, **params) -> LineSearchResult``."""

from __future__ import annotations

import inspect
import math

from .. import _checks
from ..status import Status
from . import _algorithms as alg
from ._core import LineSearchResult, budget, result, search

def _descent(phi0, dphi0):
    phi0, dphi0 = _checks.real(phi0, "phi0"), _checks.real(dphi0, "dphi0")
    if not math.isfinite(phi0):
        raise ValueError(f"phi0 = phi(0) must be finite, got {phi0}")
    if not math.isfinite(dphi0):
        raise ValueError(f"dphi0 = phi'(0) must be finite, got {dphi0}")
    return phi0, dphi0


def _not_descent(phi0, dphi0):
    return LineSearchResult(0.0, phi0, 0, 0, 0, Status.LINESEARCH_FAILED, Status.LINESEARCH_FAILED.message(
        what=f"not a descent direction: phi'(0) = {dphi0:.6g} >= 0"))


def _alpha0(phi, alpha0):
    """alpha0 as given, else the Line's suggested first step, else 1."""
    if alpha0 is None:
        alpha0 = getattr(phi, "alpha0", None) or 1.0
    return _checks.positive_float(alpha0, "alpha0")


def _unit(value, name, upper=1.0):
    value = _checks.positive_float(value, name)
    if not value < upper:
        raise ValueError(f"{name} must lie in (0, {upper:g}); got {value}")
    return value


def armijo(phi, phi0, dphi0, alpha0=None, c1=1e-4, beta=0.5, maxfev=60, beta_lo=0.1):
    """Backtracking line search to the Armijo (sufficient decrease) condition
    phi(alpha) <= phi(0) + c1 alpha phi'(0), with safeguarded quadratic and cubic interpolation
    (lecture notes 001; Nocedal & Wright 2006, section 3.5). Non-finite trial values mean "too far".

    The first trial is alpha0. After each rejected trial alpha, the next one is the minimiser of a model
    of phi, kept inside ``[beta_lo alpha, beta alpha]``: the quadratic through phi(0), phi'(0) and
    phi(alpha0) after the first rejection, the cubic through phi(0), phi'(0) and the last two trials
    after later ones. Where there is no model (a non-finite trial value, or a model without a minimiser)
    the next trial is ``beta alpha``. So ``beta`` is no longer the factor of every step back but the
    largest one: each trial is at most ``beta`` times the one before (at least ``beta_lo`` times), and
    ``beta_lo = beta`` gives the lecture's plain backtracking alpha0, alpha0 beta, alpha0 beta^2, ...

    Parameters
    ----------
    phi : callable or Line
    phi0, dphi0 : float
        phi(0) and phi'(0) (< 0 for a descent direction).
    alpha0 : float > 0 or None
        The first trial step; None: the Line's own suggestion (an optimizer's theory step) or 1.
    c1 : float in (0, 1)
    beta : float in (0, 1)
        The upper safeguard: a new trial is at most ``beta`` times the rejected one (default 1/2).
    maxfev : int >= 1
    beta_lo : float in (0, beta]
        The lower safeguard: a new trial is at least ``beta_lo`` times the rejected one (default 1/10,
        as in Dennis & Schnabel's Algorithm A6.3.1), so that a poor model cannot throw the step away.

    Returns
    -------
    LineSearchResult
        LINESEARCH_FAILED if phi'(0) >= 0 (no evaluation made); MAXFEV after ``maxfev`` trials (``x``
        the last trial).

    Raises
    ------
    ValueError, TypeError
        A bad parameter (named), or an unknown keyword (TypeError naming it).

    See Also
    --------
    goldstein : sufficient decrease, and not too little.
    wolfe : sufficient decrease and curvature (needs phi').

    Notes
    -----
    With r(t) = phi(t) - phi(0) - phi'(0) t, the quadratic step after a rejected alpha0 is
    ``alpha1 = -phi'(0) alpha0^2 / (2 r(alpha0))``; after rejected a0 > a1 the cubic
    ``phi(0) + phi'(0) t + B t^2 + A t^3`` through both has
    ``[A, B] = [[a0^2, -a1^2], [-a0^3, a1^3]] [r(a1), r(a0)] / (a0^2 a1^2 (a1 - a0))`` and its minimiser
    ``(-B + sqrt(B^2 - 3 A phi'(0))) / (3 A)`` (Nocedal & Wright 2006, eqs. 3.57-3.58). On a quadratic
    phi the first model is exact. If f is L-smooth the search stops after at most
    ``1 + ceil(log_{1/beta}(alpha0 / alpha_bar))`` trials with alpha >= min(alpha0, beta_lo alpha_bar),
    ``alpha_bar = 2 (1 - c1) |phi'(0)| / (L ||d||^2)`` (docs: math/linesearch).

    References
    ----------
    J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., Springer, 2006, sec. 3.5.
    J. E. Dennis and R. B. Schnabel, Numerical Methods for Unconstrained Optimization and Nonlinear
    Equations, SIAM, 1996, sec. 6.3.2.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.armijo(lambda t: (t - 1.0) ** 2, 1.0, -2.0, alpha0=4.0)   # the quadratic model is exact
    >>> r.success, r.x, r.nfev
    (True, 1.0, 2)
    >>> ls.armijo(lambda t: (t - 1.0) ** 2, 1.0, -2.0, alpha0=4.0, beta_lo=0.5).nfev  # halving: 4, 2, 1
    3
    """
    phi0, dphi0 = _descent(phi0, dphi0)
    c1, beta = _unit(c1, "c1"), _unit(beta, "beta")
    beta_lo = _checks.positive_float(beta_lo, "beta_lo")
    if not beta_lo <= beta:
        raise ValueError(f"armijo needs 0 < beta_lo <= beta < 1; got beta_lo={beta_lo}, beta={beta}")
    alpha0, maxfev = _alpha0(phi, alpha0), budget(maxfev)
    if not dphi0 < 0.0:
        return _not_descent(phi0, dphi0)
    out = search(alg.armijo, phi, phi0, dphi0, alpha0, c1, beta_lo, beta, maxfev)
    return result(out, f"phi(alpha) <= phi(0) + c1 alpha phi'(0) with c1 = {c1:g}", maxfev)


def goldstein(phi, phi0, dphi0, alpha0=None, c=0.25, maxfev=60):
    """A step satisfying the Goldstein conditions (lecture notes 001)
    phi(0) + (1 - c) alpha phi'(0) <= phi(alpha) <= phi(0) + c alpha phi'(0), with 0 < c < 1/2,
    by doubling while the step is too short and bisecting once it has been too long.

    Parameters are those of :func:`armijo`, with ``c`` in (0, 1/2).

    Returns
    -------
    LineSearchResult

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> ls.goldstein(lambda t: (t - 1.0) ** 2, 1.0, -2.0, alpha0=0.1).success
    True
    """
    phi0, dphi0 = _descent(phi0, dphi0)
    c = _unit(c, "c", 0.5)
    alpha0, maxfev = _alpha0(phi, alpha0), budget(maxfev)
    if not dphi0 < 0.0:
        return _not_descent(phi0, dphi0)
    out = search(alg.goldstein, phi, phi0, dphi0, alpha0, c, maxfev)
    return result(out, f"the Goldstein conditions hold with c = {c:g}", maxfev)


def exact_quadratic(phi, phi0, dphi0, alpha0=None):
    """The minimiser of the parabola through phi(0), phi'(0) and phi(alpha0):
    alpha* = -phi'(0) alpha0^2 / (2 (phi(alpha0) - phi(0) - phi'(0) alpha0)) - the exact line-search step
    when the objective is quadratic. Two evaluations (phi(alpha0) and phi(alpha*)).

    Returns
    -------
    LineSearchResult
        LINESEARCH_FAILED if the parabola is not convex (or phi'(0) >= 0); NONFINITE if phi(alpha0) or
        phi(alpha*) is not finite.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.exact_quadratic(lambda t: 3 * (t - 1.7) ** 2, 3 * 1.7 ** 2, -6 * 1.7, alpha0=0.2)
    >>> r.success, round(r.x, 12)
    (True, 1.7)
    """
    phi0, dphi0 = _descent(phi0, dphi0)
    alpha0 = _alpha0(phi, alpha0)
    if not dphi0 < 0.0:
        return _not_descent(phi0, dphi0)
    v = float(phi(alpha0))
    if not math.isfinite(v):
        return LineSearchResult(alpha0, v, 1, 0, 0, Status.NONFINITE, Status.NONFINITE.message(what=f"phi({alpha0:.17g}) = {v}"))
    curv = 2.0 * (v - phi0 - dphi0 * alpha0) / (alpha0 * alpha0)
    if not (math.isfinite(curv) and curv > 0):
        return LineSearchResult(alpha0, v, 1, 0, 0, Status.LINESEARCH_FAILED, Status.LINESEARCH_FAILED.message(
            what=f"the parabola is not convex along this direction (curvature {curv:.6g})"))
    alpha = -dphi0 / curv
    fa = float(phi(alpha))
    if not math.isfinite(fa):
        return LineSearchResult(alpha, fa, 2, 0, 1, Status.NONFINITE, Status.NONFINITE.message(what=f"phi({alpha:.17g}) = {fa}"))
    return LineSearchResult(alpha, fa, 2, 0, 1, Status.CONVERGED,
                            Status.CONVERGED.message(what="the vertex of the parabola through phi(0), phi'(0), phi(alpha0)"))


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


def wolfe(phi, phi0, dphi0, dphi=None, alpha0=None, c1=1e-4, c2=0.9, strong=True, alpha_max=1e10, maxiter=40):
    """A step satisfying the (strong) Wolfe conditions (lecture notes 001; Nocedal & Wright Algorithms
    3.5, bracketing, and 3.6, zoom with safeguarded interpolation):
    sufficient decrease phi(alpha) <= phi(0) + c1 alpha phi'(0), and curvature
    ``phi'(alpha) >= c2 phi'(0)`` (weak) or ``|phi'(alpha)| <= c2 |phi'(0)|`` (strong), 0 < c1 < c2 < 1.

    Zoom keeps [lo, hi] around a Wolfe point and tries the minimiser of the cubic through phi and phi' at
    both ends (Nocedal & Wright eq. 3.59) when phi'(hi) is known, else of the quadratic through phi(lo),
    phi'(lo) and phi(hi) (eq. 3.57 moved to lo); a trial outside the middle 80% of [lo, hi], or a model
    without a minimiser, is replaced by the midpoint.

    Parameters
    ----------
    phi : callable or Line
    phi0, dphi0 : float
        phi(0) and phi'(0) < 0.
    dphi : callable, optional
        ``dphi(alpha) -> phi'(alpha)`` (each call counted in ``ngev``). None: ``phi.derivative`` (a
        :class:`Line` built by an optimizer carries the directional derivative of its oracle).
    alpha0 : float > 0 or None
        The first trial step; None: the Line's suggestion or 1.
    c1, c2 : float, 0 < c1 < c2 < 1
    strong : bool
    alpha_max : float > 0
    maxiter : int >= 1
        Trials in each of the two phases.

    Returns
    -------
    LineSearchResult
        LINESEARCH_FAILED if phi'(0) >= 0, if no Wolfe point is found within ``maxiter`` trials or below
        ``alpha_max``; NONFINITE if phi'(alpha) is not finite. Non-finite phi values mean "too far".

    Raises
    ------
    TypeError
        ``dphi`` is None and ``phi`` has no ``derivative``.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.wolfe(lambda t: (t - 2.0) ** 2, 4.0, -4.0, dphi=lambda t: 2 * (t - 2.0), alpha0=0.1)
    >>> r.success
    True
    """
    phi0, dphi0 = _descent(phi0, dphi0)
    c1, c2 = _unit(c1, "c1"), _unit(c2, "c2")
    if not c1 < c2:
        raise ValueError(f"wolfe needs 0 < c1 < c2 < 1; got c1={c1}, c2={c2}")
    strong = _checks.boolean(strong, "strong")
    alpha_max = _checks.positive_float(alpha_max, "alpha_max")
    maxiter = budget(maxiter)
    dphi = getattr(phi, "derivative", None) if dphi is None else dphi
    if not callable(dphi):
        raise TypeError("wolfe needs phi'(alpha): pass dphi=callable, or a phi with a .derivative")
    a = min(_alpha0(phi, alpha0), alpha_max)
    if not dphi0 < 0:
        return _not_descent(phi0, dphi0)
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

    def done(a, fa, nit, status=Status.CONVERGED, what=None):
        if what is None:
            what = f"the {'strong ' if strong else ''}Wolfe conditions hold with c1 = {c1:g}, c2 = {c2:g}"
        return LineSearchResult(a, fa, counts[0], counts[1], nit, status, status.message(what=what))

    def derivative(a, fa, nit):
        ga = g(a)
        if not math.isfinite(ga):
            return ga, done(a, fa, nit, Status.NONFINITE, f"phi'({a:.17g}) = {ga}")
        return ga, None

    def zoom(lo, flo, glo, hi, fhi, ghi, nit):
        for _ in range(maxiter):
            nit += 1
            width = hi - lo
            if not math.isfinite(fhi):
                a = math.nan
            elif math.isfinite(ghi):
                a = _cubic_min(lo, flo, glo, hi, fhi, ghi)
            else:  # phi'(hi) not known: the quadratic through phi(lo), phi'(lo), phi(hi)
                a = alg.quadratic_min(lo, flo, glo, hi, fhi)
            left, right = min(lo, hi), max(lo, hi)
            if not (math.isfinite(a) and left + 0.1 * abs(width) <= a <= right - 0.1 * abs(width)):
                a = 0.5 * (lo + hi)  # safeguard: bisection
            fa = f(a)
            if fa > phi0 + c1 * a * dphi0 or fa >= flo:
                hi, fhi, ghi = a, fa, math.nan
            else:
                ga, bad = derivative(a, fa, nit)
                if bad is not None:
                    return bad
                if curvature_ok(ga):
                    return done(a, fa, nit)
                if ga * (hi - lo) >= 0:
                    hi, fhi, ghi = lo, flo, glo
                lo, flo, glo = a, fa, ga
            if abs(hi - lo) <= 1e-14 * max(1.0, abs(lo)):
                break
        return done(lo, flo, nit, Status.LINESEARCH_FAILED,
                    "zoom did not find a Wolfe point (the interval collapsed, or maxiter trials)")

    a_prev, f_prev, g_prev = 0.0, phi0, dphi0
    for i in range(maxiter):
        fa = f(a)
        if fa > phi0 + c1 * a * dphi0 or (i > 0 and fa >= f_prev):
            return zoom(a_prev, f_prev, g_prev, a, fa, math.nan, i + 1)
        ga, bad = derivative(a, fa, i + 1)
        if bad is not None:
            return bad
        if curvature_ok(ga):
            return done(a, fa, i + 1)
        if ga >= 0:
            return zoom(a, fa, ga, a_prev, f_prev, g_prev, i + 1)
        a_prev, f_prev, g_prev = a, fa, ga
        if a >= alpha_max:
            return done(a, fa, i + 1, Status.LINESEARCH_FAILED,
                        f"reached alpha_max = {alpha_max:g} with phi still decreasing")
        a = min(2.0 * a, alpha_max)
    return done(a_prev, f_prev, maxiter, Status.LINESEARCH_FAILED, f"no Wolfe point within maxiter = {maxiter} trials")

RULE_PARAMETERS = ("phi", "phi0", "dphi0")
INTERVAL_PARAMETERS = ("phi", "a", "b")
BRACKET_PARAMETERS = ("phi", "x1", "x2", "x3")


def kind_of(step):
    """What a line-search callable is, from its signature.

    "rule" (it takes phi, phi0, dphi0), "interval" (phi, a, b), "bracket" (phi, x1, x2, x3) - this
    module's functions, a ``functools.partial`` of one, or a function of your own with those parameter
    names. Otherwise, by its required positional parameters: one is a "schedule" ``step(k)``, three are a
    step rule of your own with other names; anything else is None.

    Examples
    --------
    >>> import functools
    >>> from zeroopt import linesearch as ls
    >>> ls.kind_of(ls.brent), ls.kind_of(functools.partial(ls.armijo, c1=0.1)), ls.kind_of(lambda k: 0.1)
    ('interval', 'rule', 'schedule')
    """
    try:
        params = inspect.signature(step).parameters
    except (TypeError, ValueError):
        return None
    names = tuple(params)
    for kind, expected in (("rule", RULE_PARAMETERS), ("bracket", BRACKET_PARAMETERS), ("interval", INTERVAL_PARAMETERS)):
        if names[:len(expected)] == expected:
            return kind
    required = [p for p in params.values() if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return {1: "schedule", 3: "rule"}.get(len(required))
