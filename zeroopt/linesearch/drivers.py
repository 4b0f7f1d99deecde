"""The line-search drivers the optimizers call: a minimisation along a ray (:func:`exact_step`) or along a
whole line (:func:`line_minimum`), built from :func:`bracket` and a scalar search, within a budget of
evaluations; and :func:`capped`, which keeps a step rule's trials inside a run's budget.

They take a :class:`Line` (or any ``phi``) and return ``(alpha, phi(alpha))``, the best point seen: a
method decides what a failure means for its run.
"""

from __future__ import annotations

import inspect
import math

from ._core import INVPHI
from .scalar import bracket, brent

__all__ = ["exact_step", "line_minimum", "capped", "GROW", "RESOLUTION"]

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


def line_minimum(line, phi0, h, budget=None):
    """The minimiser of phi(t) = f(x + t e) over t in R (e.g. a coordinate line): bracket downhill from
    (0, h), then Brent, within ``budget`` evaluations (None: the searches' own 100 + 500). Returns
    (t, phi(t)), the best point seen."""
    budget = 600 if budget is None else min(budget, 600)
    if budget < 3:  # too few for a bracket: one trial step, if any
        f_h = line(h) if budget >= 1 else phi0
        return (h, f_h) if f_h < phi0 else (0.0, phi0)
    br = bracket(line, 0.0, h, maxfev=min(100, budget))
    left = budget - br.nfev
    if not br.success or left < 1:
        return br.mid, br.fun
    line.remember(br.mid, br.fun)
    r = brent(line, br.lo, br.hi, tol=1e-10 * max(abs(br.mid), abs(h)), maxfev=min(500, left), x0=br.mid)
    return (r.x, r.fun) if r.fun <= br.fun else (br.mid, br.fun)


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

