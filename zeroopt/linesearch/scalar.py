"""Scalar searches: minimise phi on an interval (dichotomy, golden, brent), from a bracket
(parabolic), and find a bracket (bracket)."""

from __future__ import annotations

import math

from .. import _checks
from ..status import Status
from . import _algorithms as alg
from ._core import INVPHI2, Bracket, Line, LineSearchResult, budget, interval, result, search

def dichotomy(phi, a, b, tol=1e-8, maxfev=500):
    """Minimise a unimodal ``phi`` on [a, b] by dichotomy (lecture notes 001).

    The middle c of [a, b] is kept; the middle y of [a, c] is compared with c (and if needed the middle z
    of [c, b]), so each halving costs at most 2 evaluations: after N evaluations
    ``|c - x*| <= 0.707^(N-1) (b - a) / 2``. Stops when (b_N - a_N) / 2 <= tol (CONVERGED), when the next halving
    would exceed ``maxfev`` (MAXFEV), or at a non-finite value (NONFINITE, naming the alpha).

    Parameters
    ----------
    phi : callable or Line
        phi(alpha) -> float.
    a, b : float
        The interval, a < b.
    tol : float > 0
    maxfev : int >= 1

    Returns
    -------
    LineSearchResult

    Raises
    ------
    ValueError, TypeError
        A bad interval, tol or maxfev (named).

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.dichotomy(lambda t: (t - 0.3) ** 2, 0.0, 1.0, tol=1e-6)
    >>> r.success, round(r.x, 5)
    (True, 0.3)
    """
    a, b = interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    maxfev = budget(maxfev)
    out = search(alg.dichotomy, phi, a, b, tol, maxfev)
    return result(out, f"the interval's half width is <= tol = {tol:g}", maxfev)


def golden(phi, a, b, tol=1e-8, maxfev=500):
    """Minimise a unimodal ``phi`` on [a, b] by golden section (lecture notes 001).

    One new evaluation per step shrinks the interval by 1/tau = 0.618 (tau the golden ratio), so after N
    evaluations its width is (1/tau)^(N-1) (b - a) (the first two evaluations together shrink it once).
    Returns the better of the two inner points once the width is <= tol (CONVERGED); MAXFEV after
    ``maxfev`` evaluations; NONFINITE at a non-finite value.

    Parameters
    ----------
    phi : callable or Line
    a, b : float
    tol : float > 0
    maxfev : int >= 2
        Every evaluation counts, the two at the first inner points included; fewer than 2 is refused
        (one value cannot be compared with anything, so it shrinks nothing).

    Returns
    -------
    LineSearchResult

    Raises
    ------
    ValueError, TypeError
        A bad interval, tol or maxfev (named).

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.golden(lambda t: (t - 0.3) ** 2, 0.0, 1.0, tol=1e-6)
    >>> r.success, round(r.x, 5)
    (True, 0.3)
    """
    a, b = interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    maxfev = budget(maxfev)
    if maxfev < 2:
        raise ValueError(f"golden needs maxfev >= 2 (its first two inner points); got {maxfev}")
    return result(search(alg.golden, phi, a, b, tol, maxfev), f"the interval's width is <= tol = {tol:g}", maxfev)


def _values(phi, *alphas, finite=True):
    """phi at ``alphas`` from Python, the evaluations that took (a Line answers values it already has
    without evaluating), and a NONFINITE result if one is not finite (and ``finite``)."""
    before = phi.nfev if isinstance(phi, Line) else 0
    vals = [float(phi(a)) for a in alphas]
    made = phi.nfev - before if isinstance(phi, Line) else len(alphas)
    for a, v in zip(alphas, vals):
        if finite and not math.isfinite(v):
            return vals, made, LineSearchResult(math.nan, math.nan, made, 0, 0, Status.NONFINITE,
                                                Status.NONFINITE.message(what=f"phi({a:.17g}) = {v}"))
    return vals, made, None


def parabolic(phi, x1, x2, x3, tol=1e-8, maxfev=100):
    """Successive parabolic interpolation (lecture notes 001) from a bracket x1 < x2 < x3 with
    phi(x2) <= phi(x1), phi(x3).

    Each step moves to the vertex of the parabola through the three best points so far. Converges
    superlinearly (order ~1.3) near a smooth minimum, but only locally: use :func:`brent` for robustness.
    Costs 3 evaluations for the triple (counted in ``maxfev``), then 1 per step.

    Returns
    -------
    LineSearchResult

    Raises
    ------
    ValueError
        Not x1 < x2 < x3, or not a bracket.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.parabolic(lambda t: (t - 0.3) ** 2 + t ** 4, 0.0, 0.2, 1.0)
    >>> r.success
    True
    """
    x1, x2, x3 = _checks.real(x1, "x1"), _checks.real(x2, "x2"), _checks.real(x3, "x3")
    if not x1 < x2 < x3:
        raise ValueError(f"parabolic needs x1 < x2 < x3; got {x1}, {x2}, {x3}")
    tol = _checks.positive_float(tol, "tol")
    maxfev = budget(maxfev)
    if maxfev < 3:
        raise ValueError(f"parabolic needs maxfev >= 3 (3 evaluations for the triple); got {maxfev}")
    (f1, f2, f3), made, bad = _values(phi, x1, x2, x3)
    if bad is not None:
        return bad
    if not (f2 <= f1 and f2 <= f3):
        raise ValueError(f"parabolic needs phi(x2) <= phi(x1), phi(x3) (a bracket); got {f1}, {f2}, {f3}")
    out = search(alg.parabolic, phi, x1, x2, x3, f1, f2, f3, tol, maxfev - made)
    return result(out, f"the parabola's step is <= tol = {tol:g}", maxfev, extra_nfev=made,
                   failed="the parabola through the three best points is not convex")


def brent(phi, a, b, tol=1e-8, maxfev=500, x0=None):
    """Brent's method on [a, b] (Brent 1973, ch. 5): parabolic interpolation where it is safe, golden
    section where it is not; as robust as golden section, superlinear near a smooth minimum.

    ``x0`` in (a, b) is the starting point (default the golden point a + 0.382 (b - a)); the first
    evaluation is there, and it counts in ``maxfev``. Stops within ``2 (sqrt(eps) |x| + tol / 3)`` of the
    minimiser (CONVERGED), after ``maxfev`` evaluations (MAXFEV), or at a non-finite value (NONFINITE).

    Returns
    -------
    LineSearchResult

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.brent(lambda t: (t - 0.3) ** 2, 0.0, 1.0, tol=1e-10)
    >>> r.success, round(r.x, 8)
    (True, 0.3)
    """
    a, b = interval(a, b)
    tol = _checks.positive_float(tol, "tol")
    maxfev = budget(maxfev)
    x = a + INVPHI2 * (b - a) if x0 is None else _checks.real(x0, "x0")
    if not a < x < b:
        raise ValueError(f"x0 must lie strictly inside (a, b) = ({a}, {b}); got {x}")
    (fx,), made, bad = _values(phi, x)
    if bad is not None:
        return bad
    out = search(alg.brent, phi, a, b, x, fx, tol, maxfev - made)
    return result(out, f"x is within 2 (sqrt(eps) |x| + tol/3) of the interval's middle, tol = {tol:g}",
                   maxfev, extra_nfev=made)


def bracket(phi, a=0.0, b=1.0, maxfev=100):
    """Find lo < mid < hi with phi(mid) < phi(lo) and phi(mid) < phi(hi) (strictly), walking downhill from
    a, b with steps that grow by the golden ratio. A non-finite value counts as +inf (a rise).
    ``maxfev`` (>= 3) counts every evaluation, the two at a and b included.

    Parameters
    ----------
    phi : callable or Line
    a, b : float
        Two distinct finite starting points.
    maxfev : int >= 3

    Returns
    -------
    Bracket
        ``(lo, mid, hi, fun, nfev, status, message)``, ``fun`` = phi(mid); status CONVERGED (the three
        points are finite), MAXFEV (phi did not rise within ``maxfev`` evaluations: unbounded below, or
        flat) or LINESEARCH_FAILED (phi(a) = phi(b) and phi rose right after: no point strictly below both
        ends; or the next step overflowed with phi still falling, reported with that end at +-inf).

    Raises
    ------
    ValueError, TypeError
        a = b, a non-finite a or b, or maxfev < 3 (named).

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> br = ls.bracket(lambda t: (t - 3.0) ** 2, 0.0, 1.0)
    >>> br.success and br.lo < 3.0 < br.hi
    True
    """
    a, b = _checks.real(a, "a"), _checks.real(b, "b")
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"bracket needs finite starting points a and b; got a={a}, b={b}")
    if a == b:
        raise ValueError("bracket needs two distinct starting points a != b")
    maxfev = budget(maxfev)
    if maxfev < 3:
        raise ValueError(f"bracket needs maxfev >= 3 (phi at a, at b, and one step); got {maxfev}")
    (fa, fb), made, _ = _values(phi, a, b, finite=False)
    out = search(alg.bracket, phi, a, b, fa, fb, maxfev - made)
    status = Status(int(out.status))
    lo, hi = float(out.bad_alpha), float(out.bad_value)
    what = {Status.CONVERGED: "phi(mid) is below phi at both ends",
            Status.MAXFEV: f"maxfev = {maxfev}: phi did not rise (unbounded below, or flat)",
            Status.LINESEARCH_FAILED: "phi(a) = phi(b) and phi rose right after b: no point strictly below both ends"}[status]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        what = (f"the next step overflowed (to {lo if not math.isfinite(lo) else hi}) with phi still falling, "
                f"at phi({float(out.x):.17g}) = {float(out.fun):.17g}")
    return Bracket(lo, float(out.x), hi, float(out.fun), int(out.nfev) + made, status, status.message(what=what))
