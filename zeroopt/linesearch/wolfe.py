"""The Wolfe line search: bracketing and zoom (Nocedal & Wright, Algorithms 3.5-3.6), a step rule
``wolfe(phi, phi0, dphi0, dphi=None, **params) -> LineSearchResult`` like those of :mod:`.rules`."""

from __future__ import annotations

import math

from .. import _checks
from ..status import Status
from . import _algorithms as alg
from ._core import LineSearchResult, budget
from .rules import _alpha0, _descent, _not_descent, _unit


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
    r"""Find a step that satisfies the strong or weak Wolfe conditions, by bracketing and zoom.

    Zoom keeps an interval around a Wolfe point and tries the minimiser of the cubic through the values
    and slopes at both ends when the slope at the far end is known, else of the quadratic through the
    values at both ends and the slope at the near one; a trial outside the middle 80% of the interval, or a
    model without a minimiser, is replaced by the midpoint.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha) = f(x + \alpha d)`, a float for a float; a :class:`Line` runs the rule
        compiled along a jitted problem's line.
    phi0, dphi0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0)`, finite; :math:`\varphi'(0) < 0` for a descent direction.
    dphi : callable, optional
        :math:`\varphi'(\alpha)` (each call counted in ``ngev``). None: ``phi.derivative`` (a :class:`Line`
        built by an optimizer carries the directional derivative of its oracle).
    alpha0 : float, optional
        The first trial step, positive; None: the Line's own suggestion (an optimizer's theory step), or 1.
    c1, c2 : float, default 1e-4 and 0.9
        The constants of the conditions, :math:`0 < c_1 < c_2 < 1`.
    strong : bool, default True
        The strong curvature condition (else the weak one).
    alpha_max : float, default 1e10
        The largest step tried.
    maxiter : int, default 40
        The trials in each of the two phases, at least 1.

    Returns
    -------
    LineSearchResult
        ``x`` the accepted step; ``nfev`` and ``ngev`` the evaluations of :math:`\varphi` and
        :math:`\varphi'`. Status CONVERGED once the conditions hold; LINESEARCH_FAILED if
        :math:`\varphi'(0) \ge 0`, or no Wolfe point is found within ``maxiter`` trials or below
        ``alpha_max``; NONFINITE if :math:`\varphi'(\alpha)` is not finite. Non-finite values of
        :math:`\varphi` mean "too far".

    Raises
    ------
    ValueError
        A parameter out of its range, ``c1 >= c2``, or a non-finite ``phi0`` or ``dphi0`` (named).
    TypeError
        If ``dphi`` is None and ``phi`` has no ``derivative``, or a parameter is not a number (named).

    See Also
    --------
    armijo : Sufficient decrease alone, without the derivative.
    goldstein : Sufficient decrease, and not too little, without the derivative.

    Notes
    -----
    The conditions ([NW06]_ eqs. 3.6-3.7; [M001]_): sufficient decrease and curvature,

    .. math::

        \varphi(\alpha) &\le \varphi(0) + c_1\,\alpha\,\varphi'(0), \\
        \varphi'(\alpha) &\ge c_2\,\varphi'(0) \quad \text{(weak), or} \\
        |\varphi'(\alpha)| &\le c_2\,|\varphi'(0)| \quad \text{(strong)}.

    Bracketing doubles the step ([NW06]_ Algorithm 3.5); zoom ([NW06]_ Algorithm 3.6) interpolates with
    the cubic of eq. 3.59,

    .. math::

        \alpha &= b - (b - a)\,\frac{\varphi'(b) + d_2 - d_1}{\varphi'(b) - \varphi'(a) + 2d_2}, \\
        d_1 &= \varphi'(a) + \varphi'(b) - 3\,\frac{\varphi(a) - \varphi(b)}{a - b}, \\
        d_2 &= \operatorname{sign}(b - a)\sqrt{d_1^2 - \varphi'(a)\,\varphi'(b)},

    or the quadratic of eq. 3.57 moved to the interval's near end.

    References
    ----------
    .. [NW06] J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed. Springer, 2006. §3.1, §3.5.
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> phi, dphi = lambda t: (t - 2.0) ** 2, lambda t: 2 * (t - 2.0)
    >>> ls.wolfe(phi, 4.0, -4.0, dphi=dphi, alpha0=0.1).success
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
