"""The line-search drivers the optimizers call: a minimisation along a ray (:func:`exact_step`) or along a
whole line (:func:`line_minimum`), built from :func:`bracket` and a scalar search, within a budget of
evaluations; and :func:`capped`, which keeps a step rule's trials inside a run's budget.

They take a :class:`Line` (or any ``phi``) and return ``(alpha, phi(alpha))``, the best point seen: a
method decides what a failure means for its run.
"""

from __future__ import annotations

import inspect
import math
from typing import NamedTuple

from ..status import Status
from ._core import INVPHI, INVPHI2
from .scalar import bracket, brent

__all__ = ["exact_step", "line_minimum", "LineMinimum", "capped", "GROW", "RESOLUTION"]

#: a trial step whose value of phi does not differ from phi(0) by more than RESOLUTION machine epsilons of
#: |phi(0)| is too short to tell anything: exact_step multiplies it by GROW until phi changes
RESOLUTION = 16.0
GROW = 4.0
_MAX_GROW = 40   # 4^40 ~ 1e24: from a step of 1e-12 to 1e12
_EPS = 2.0 ** -52


def exact_step(line, phi0, dphi0, alpha0, search=brent, kind="interval", tol=1e-10, budget=None):
    """The minimiser of phi(alpha) = f(x + alpha d) over alpha > 0 along a descent direction.

    The trial step grows, as scipy's searches grow theirs: a trial alpha0 whose phi(alpha0) is within the
    rounding of phi(0) (``RESOLUTION`` machine epsilons of |phi(0)|) tells nothing - the step is too short
    for f to change - and is multiplied by ``GROW`` until phi changes. (A search that only shrinks steps
    never recovers from one tiny accepted step: the next trial starts from it, f does not change there,
    and every later iteration backtracks to a step of 0.) Then a bracket (0, mid, hi) with phi(mid) <
    phi(0) - downhill from alpha0 if phi(alpha0) < phi(0), else backtracking by the golden ratio
    (non-finite values count as too far) until phi decreases, or until even the first-order decrease
    |phi'(0)| alpha is below the rounding of phi(0) (no shorter step can show a decrease) - then ``search`` on it:
    ``search(line, lo, hi, tol=tol * hi, maxfev=...)`` (interval searches; ``x0=mid`` if it takes one),
    ``search(line, lo, mid, hi, ...)`` (parabolic), or ``search(line, phi0, dphi0)`` (a step rule).
    ``budget``: the evaluations it may spend (None: no limit but the searches' own 100 + 500). Returns
    (alpha, phi(alpha)), the best point seen; (0, phi0) if no decrease was found.
    """
    if budget is not None and budget < 1:
        return 0.0, phi0
    if kind == "rule":
        r = search(line, phi0, dphi0, **capped(search, budget))
        return (r.x, r.fun) if r.success and r.fun < phi0 else (0.0, phi0)
    budget = 10**9 if budget is None else budget
    spent0 = line.nfev
    resolution = RESOLUTION * _EPS * abs(phi0)
    f_a0 = line(alpha0)
    for _ in range(_MAX_GROW):  # a trial too short to change phi: grow it
        if not (math.isfinite(f_a0) and abs(f_a0 - phi0) <= resolution) or line.nfev - spent0 >= budget:
            break
        alpha0 *= GROW
        f_a0 = line(alpha0)
    if math.isfinite(f_a0) and f_a0 < phi0:
        if budget - (line.nfev - spent0) < 3:
            return alpha0, f_a0
        br = bracket(line, 0.0, alpha0, maxfev=min(100, budget - (line.nfev - spent0)))
        if not br.success:
            return (br.mid, br.fun) if br.fun < f_a0 else (alpha0, f_a0)
        lo, mid, hi, fmid = max(br.lo, 0.0), br.mid, br.hi, br.fun
    else:
        hi, mid = alpha0, alpha0 * INVPHI
        for _ in range(80):
            if line.nfev - spent0 >= budget or abs(dphi0) * mid <= resolution:
                return 0.0, phi0
            fmid = line(mid)
            if math.isfinite(fmid) and fmid < phi0:
                break
            hi, mid = mid, mid * INVPHI
        else:
            return 0.0, phi0
        lo = 0.0
    left = budget - (line.nfev - spent0)  # (values the line remembers cost no evaluation)
    if left < 3:
        return mid, fmid
    line.remember(mid, fmid)
    if kind == "bracket":
        r = search(line, lo, mid, hi, tol=tol * hi, maxfev=min(500, left))
    else:
        extra = {"x0": mid} if "x0" in _parameters(search) else {}
        r = search(line, lo, hi, tol=tol * hi, maxfev=min(500, left), **extra)
    return (r.x, r.fun) if r.fun < fmid else (mid, fmid)


class LineMinimum(NamedTuple):
    """What :func:`line_minimum` found: the step, its value, and whether a non-finite value was met."""

    #: the best step seen (0.0 if no decrease)
    t: float
    #: phi(t)
    fun: float
    #: True if inf or NaN values kept the search from certifying its answer: it met them and either ran out
    #: of evaluations or found them right next to t on both sides or one side (f's domain may end there)
    nonfinite: bool


def line_minimum(line, phi0, h, budget=None):
    """The minimiser of phi(t) = f(x + t e) over t in R (e.g. a coordinate line): bracket downhill from
    (0, h), then Brent, within ``budget`` evaluations (None: the searches' own 100 + 500). Returns a
    :class:`LineMinimum` (t, phi(t), nonfinite), the best point seen.

    A non-finite value counts as too far (+inf): the bracket walks away from it, and when Brent meets one
    inside the bracket (it stops there, with status NONFINITE), a golden-section search that compares
    values only (inf and NaN as +inf) finishes the job on the same bracket, then evaluates phi at the two
    ends of its final interval. ``nonfinite`` is True when that certificate is missing (the budget ran out,
    or an end of the final interval is not finite): "no decrease" then does not mean that t is a minimiser
    along the line, and a caller must not read it as convergence."""
    budget = 600 if budget is None else min(budget, 600)
    if budget < 3:  # too few for a bracket: one trial step, if any
        f_h = line(h) if budget >= 1 else phi0
        bad = not math.isfinite(f_h)
        return LineMinimum(h, f_h, bad) if f_h < phi0 else LineMinimum(0.0, phi0, bad)
    br = bracket(line, 0.0, h, maxfev=min(100, budget))
    left = budget - br.nfev
    if not br.success or left < 1:
        return LineMinimum(br.mid, br.fun, br.status is Status.NONFINITE)
    line.remember(br.mid, br.fun)
    tol = 1e-10 * max(abs(br.mid), abs(h))
    r = brent(line, br.lo, br.hi, tol=tol, maxfev=min(500, left), x0=br.mid)
    best = (r.x, r.fun) if math.isfinite(r.fun) and r.fun <= br.fun else (br.mid, br.fun)
    if r.status is not Status.NONFINITE:
        return LineMinimum(*best, False)
    t, f, certified = _golden_finite(line, br.lo, br.hi, *best, tol, min(500, left) - r.nfev)
    return LineMinimum(t, f, not certified)


def _golden_finite(line, a, b, c, fc, tol, budget):
    """Golden-section search on [a, b] around the point c with phi(c) = fc below both ends, comparing values
    only: a non-finite value counts as +inf. Returns (t, phi(t), certified) within ``budget`` evaluations:
    certified when the interval shrank to ``tol`` and phi is finite at both of its ends (two more
    evaluations), so that t is a minimiser along the line and not a point walled in by inf or NaN."""
    a, b = min(a, b), max(a, b)
    for _ in range(max(0, budget)):
        if b - a <= tol:
            break
        x = c - INVPHI2 * (c - a) if c - a > b - c else c + INVPHI2 * (b - c)
        fx = line(x)
        if not math.isfinite(fx):
            fx = math.inf
        if fx < fc:
            a, b = (a, c) if x < c else (c, b)
            c, fc = x, fx
        else:
            a, b = (x, b) if x < c else (a, x)
        budget -= 1
    if b - a > tol or budget < 2:
        return c, fc, False
    return c, fc, math.isfinite(line(a)) and math.isfinite(line(b))


def _parameters(f):
    return inspect.signature(f).parameters


def capped(rule, left):
    """``{"maxfev": min(its default, left)}`` for a rule that counts its trials in ``maxfev`` (armijo,
    goldstein, or a partial of one), so that its trials stay inside the run's budget; {} otherwise (a rule
    without it, wolfe's maxiter of trials that also estimate gradients, or no budget: called as written)."""
    if left is None:
        return {}
    p = _parameters(rule).get("maxfev")
    if p is None or isinstance(p.default, bool) or not isinstance(p.default, int):
        return {}
    return {"maxfev": max(1, min(p.default, left))}

