"""Line searches (lecture notes 001): scalar searches on phi(alpha) and step rules along a direction.

Scalar minimisers of a unimodal phi on an interval: :func:`dichotomy` (at most 2 evaluations per halving,
``|x - x*| <= 0.707^(N-1) (b - a)/2`` after N evaluations), :func:`golden` (1 evaluation per step, the interval
shrinks by 1/tau = 0.618 per evaluation), :func:`parabolic` (successive parabolic interpolation:
superlinear, order ~1.32, but only local) and :func:`brent` (Brent 1973: parabolic steps guarded by
golden sections - the robust combination), and :func:`bracket` to find an interval first.

Step rules along a descent direction (phi(0) and phi'(0) < 0 known): :func:`armijo` (backtracking to
sufficient decrease, c1 ~ 1e-4), :func:`goldstein` (decrease between c and 1 - c of the linear model),
:func:`wolfe` (weak or strong Wolfe, bracketing + zoom with cubic interpolation, Nocedal & Wright
Algorithms 3.5-3.6, c2 ~ 0.9) and :func:`exact_quadratic` (the minimiser of the parabola through
phi(0), phi'(0), phi(alpha0): exact for quadratic objectives). A step rule is any callable
``rule(phi, phi0, dphi0, **params) -> LineSearchResult``; :func:`zeroopt.minimize` calls these public
functions (or a ``functools.partial`` of one, or a rule of your own) exactly as a user does.

Every function returns a :class:`LineSearchResult` (the step or minimiser ``x``, ``fun`` = phi(x), the
evaluations ``nfev`` of phi and ``ngev`` of phi', ``nit``, a :class:`zeroopt.Status` and a message);
failure is a status, never an exception raised deep inside. Non-finite values:

* the scalar searches (dichotomy, golden, parabolic, brent) stop at the first inf or NaN with status
  NONFINITE, naming the alpha where it happened: a minimiser of a function with holes is not a
  plausible number to return;
* the step rules and :func:`bracket` treat an inf or NaN trial value as "too far" and back off from it,
  as backtracking is meant to.

Each algorithm is written once and runs twice (:class:`zeroopt._twice.Twice`): as Python on a Python
``phi``, and compiled along ``phi(alpha) = f(x + alpha d)`` of a jitted problem (a :class:`Line`), so the
search loop and its evaluations run without Python in between.
"""

from __future__ import annotations

from ._core import INVPHI, INVPHI2, Bracket, Line, LineSearchResult
from .rules import armijo, exact_quadratic, goldstein, kind_of, wolfe
from .scalar import bracket, brent, dichotomy, golden, parabolic

__all__ = ["dichotomy", "golden", "parabolic", "brent", "bracket", "armijo", "goldstein", "wolfe",
           "exact_quadratic", "Line", "LineSearchResult", "Bracket", "kind_of", "INVPHI", "INVPHI2"]
