r"""Line searches (lecture notes 001): scalar searches on :math:`\varphi(\alpha)` and step rules along a direction.

Scalar minimisers of a unimodal :math:`\varphi` on an interval: :func:`dichotomy` (at most 2
evaluations per halving, :math:`|x - x^*| \le 0.707^{N-1}(b - a)/2` after :math:`N` evaluations),
:func:`golden` (1 evaluation per step, the interval shrinks by :math:`1/\tau \approx 0.618` per
evaluation), :func:`parabolic` (successive parabolic interpolation: superlinear, of order about 1.32,
but only local) and :func:`brent` (Brent 1973: parabolic steps guarded by golden sections, the robust
combination), and :func:`bracket` to find an interval first.

Step rules along a descent direction (:math:`\varphi(0)` and :math:`\varphi'(0) < 0` known):
:func:`armijo` (backtracking to sufficient decrease, :math:`c_1 \approx 10^{-4}`), :func:`goldstein`
(a decrease between the fractions :math:`c` and :math:`1 - c` of the linear model's), :func:`wolfe`
(weak or strong Wolfe, bracketing and zoom, Nocedal & Wright Algorithms 3.5-3.6: the zoom interpolates
with the cubic through both ends' values and slopes when the upper end's slope is known, otherwise the
quadratic through the lower end's value and slope and the upper end's value; :math:`c_2 \approx 0.9`) and :func:`exact_quadratic` (the vertex of the parabola through
:math:`\varphi(0)`, :math:`\varphi'(0)` and :math:`\varphi(\alpha_0)`: exact for quadratic objectives).
A step rule is any callable ``rule(phi, phi0, dphi0, **params) -> LineSearchResult``;
:func:`zeroopt.minimize` calls these public functions (or a ``functools.partial`` of one, or a rule
of your own) exactly as a user does.

Every function returns a :class:`LineSearchResult` (the step or minimiser ``x``, its value ``fun``, the
evaluations ``nfev`` of :math:`\varphi` and ``ngev`` of :math:`\varphi'`, ``nit``, a
:class:`zeroopt.Status` and a message); failure is a status, never an exception raised deep inside.
Non-finite values:

* the scalar searches (dichotomy, golden, parabolic, brent) stop at the first inf or NaN with status
  NONFINITE, naming the :math:`\alpha` where it happened: a minimiser of a function with holes is not
  a plausible number to return;
* the step rules and :func:`bracket` treat an inf or NaN trial value as "too far" and back off from
  it, as backtracking is meant to.

Each algorithm is written once and runs twice: as Python on a Python ``phi``, and compiled along
:math:`\varphi(\alpha) = f(x + \alpha d)` of a jitted problem (a :class:`Line`), so the search loop
and its evaluations run without Python in between.
"""

from __future__ import annotations

from ._core import INVPHI, INVPHI2, Bracket, Line, LineSearchResult
from .rules import armijo, exact_quadratic, goldstein, kind_of
from .wolfe import wolfe
from .scalar import bracket, brent, dichotomy, golden, parabolic

__all__ = ["dichotomy", "golden", "parabolic", "brent", "bracket", "armijo", "goldstein", "wolfe",
           "exact_quadratic", "Line", "LineSearchResult", "Bracket", "kind_of", "INVPHI", "INVPHI2"]
