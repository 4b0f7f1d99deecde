"""Scalar searches: minimise phi on an interval (dichotomy, golden, brent), from a bracket
(parabolic), and find a bracket (bracket)."""

from __future__ import annotations

import math

from .. import _checks
from ..status import Status
from . import _algorithms as alg
from ._core import INVPHI2, Bracket, Line, LineSearchResult, budget, interval, result, search

def dichotomy(phi, a, b, tol=1e-8, maxfev=500):
    r"""Minimise a unimodal function on an interval by dichotomy.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha)`, a float for a float; a :class:`Line` runs the search compiled along a
        jitted problem's line.
    a, b : float
        The interval, finite, with ``a < b``.
    tol : float, default 1e-8
        The search stops once the interval's half width is at most ``tol``.
    maxfev : int, default 500
        The evaluations of ``phi`` it may make, at least 1.

    Returns
    -------
    LineSearchResult
        ``x`` the middle of the last interval. Status CONVERGED once its half width is at most ``tol``,
        MAXFEV when the next halving would exceed ``maxfev``, NONFINITE at the first inf or NaN (naming
        the :math:`\alpha` where it happened).

    Raises
    ------
    ValueError
        If the ends are not finite with ``a < b``, or ``tol`` or ``maxfev`` is not positive (named).
    TypeError
        If ``phi`` is not callable, or an argument is not a number (named).

    See Also
    --------
    golden : The same guarantee with fewer evaluations.
    brent : Superlinear near a smooth minimum.

    Notes
    -----
    The middle :math:`c` of :math:`[a, b]` is kept with its value. The middle :math:`y` of :math:`[a, c]`
    is compared with :math:`c` and, if needed, the middle :math:`z` of :math:`[c, b]`; each case halves
    the interval and keeps the minimiser :math:`x^*` of a unimodal :math:`\varphi` inside, for at most two
    evaluations. After :math:`N` evaluations (the first, at the initial middle, halves nothing)

    .. math::

        |c - x^*| \le 0.707^{\,N-1}\,\frac{b - a}{2}

    ([M001]_, which counts :math:`N` from the second evaluation).

    References
    ----------
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).

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
    r"""Minimise a unimodal function on an interval by golden-section search.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha)`, a float for a float; a :class:`Line` runs the search compiled along a
        jitted problem's line.
    a, b : float
        The interval, finite, with ``a < b``.
    tol : float, default 1e-8
        The search stops once the interval's width is at most ``tol``.
    maxfev : int, default 500
        The evaluations of ``phi`` it may make, the two at the first inner points included: at least 2
        (one value cannot be compared with anything, so it shrinks nothing).

    Returns
    -------
    LineSearchResult
        ``x`` the better of the two inner points. Status CONVERGED once the width is at most ``tol``,
        MAXFEV after ``maxfev`` evaluations, NONFINITE at the first inf or NaN (naming the :math:`\alpha`).

    Raises
    ------
    ValueError
        If the ends are not finite with ``a < b``, ``tol`` is not positive, or ``maxfev < 2`` (named).
    TypeError
        If ``phi`` is not callable, or an argument is not a number (named).

    See Also
    --------
    dichotomy : Halves the interval, for up to two evaluations.
    brent : Golden sections where parabolic steps are not safe.
    INVPHI : The fraction of the interval each evaluation keeps.

    Notes
    -----
    Two inner points at the golden ratios of :math:`[a, b]`, :math:`y = a + \tau^{-2}(b - a)` and
    :math:`z = a + \tau^{-1}(b - a)` with :math:`\tau = (1 + \sqrt5)/2`, are compared; the loser's outer part
    is dropped and the surviving point is an inner golden point of the new interval [K53]_. One evaluation
    per step shrinks the interval by :math:`\tau^{-1} \approx 0.618`, so after :math:`N \ge 2` evaluations
    the returned point is within

    .. math::

        |x - x^*| \le \tau^{-(N-1)}\,(b - a) \approx 0.618^{\,N-1}\,(b - a)

    of the minimiser of a unimodal :math:`\varphi` (the first two evaluations together shrink it once)
    [M001]_.

    References
    ----------
    .. [K53] J. Kiefer. Sequential minimax search for a maximum. *Proceedings of the American
       Mathematical Society* 4(3):502–506, 1953.
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).

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
    r"""Minimise a function by successive parabolic interpolation from a bracket.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha)`, a float for a float; a :class:`Line` runs the search compiled along a
        jitted problem's line.
    x1, x2, x3 : float
        A bracket: :math:`x_1 < x_2 < x_3` with :math:`\varphi(x_2) \le \varphi(x_1)` and
        :math:`\varphi(x_2) \le \varphi(x_3)` (:func:`bracket` finds one).
    tol : float, default 1e-8
        The search stops once a step is at most ``tol`` (plus the rounding level, see Notes).
    maxfev : int, default 100
        The evaluations of ``phi`` it may make, the three at the bracket included: at least 3.

    Returns
    -------
    LineSearchResult
        ``x`` the best point seen. Status CONVERGED once the step is small, LINESEARCH_FAILED if the
        parabola through the three best points is not convex while they are more than ``tol`` apart,
        MAXFEV after ``maxfev`` evaluations, NONFINITE at the first inf or NaN (naming the :math:`\alpha`).

    Raises
    ------
    ValueError
        If not ``x1 < x2 < x3``, the three points are not a bracket, ``tol`` is not positive or
        ``maxfev < 3`` (named).
    TypeError
        If ``phi`` is not callable, or an argument is not a number (named).

    See Also
    --------
    brent : Parabolic steps where they are safe, golden sections otherwise: robust.
    bracket : Finds a bracket.

    Notes
    -----
    Each step moves to the vertex of the parabola through the three best points so far,

    .. math::

        u &= \frac{x_1 + x_2}{2} - \frac{s_{12}}{2\,s_{123}}, \\
        s_{12} &= \frac{\varphi(x_2) - \varphi(x_1)}{x_2 - x_1}, \quad
        s_{123} = \frac{s_{23} - s_{12}}{x_3 - x_1},

    and drops the worst of the four points [M001]_. Near a smooth minimum it converges superlinearly, of
    order about 1.32 (the real root of :math:`t^3 = t + 1`) [B73]_, but only locally. It stops when
    :math:`|u - x_{\mathrm{best}}| \le \mathrm{tol} + \sqrt{\varepsilon_{\mathrm{mach}}}\,|x_{\mathrm{best}}|`.
    It costs 3 evaluations for the bracket, then 1 per step.

    References
    ----------
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).
    .. [B73] R. P. Brent. *Algorithms for Minimization without Derivatives.* Prentice-Hall, 1973.
       Chapter 5.

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
    r"""Minimise a function on an interval by Brent's method, parabolic steps guarded by golden sections.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha)`, a float for a float; a :class:`Line` runs the search compiled along a
        jitted problem's line.
    a, b : float
        The interval, finite, with ``a < b``.
    tol : float, default 1e-8
        The absolute tolerance on the minimiser (see Notes).
    maxfev : int, default 500
        The evaluations of ``phi`` it may make, the first at ``x0`` included.
    x0 : float, optional
        The starting point, inside :math:`(a, b)`; default the golden point
        :math:`a + \tau^{-2}(b - a) \approx a + 0.382\,(b - a)`.

    Returns
    -------
    LineSearchResult
        ``x`` the best point. Status CONVERGED once ``x`` is within the tolerance of the minimiser, MAXFEV
        after ``maxfev`` evaluations, NONFINITE at the first inf or NaN (naming the :math:`\alpha`).

    Raises
    ------
    ValueError
        If the ends are not finite with ``a < b``, ``x0`` is not inside, or ``tol`` or ``maxfev`` is not
        positive (named).
    TypeError
        If ``phi`` is not callable, or an argument is not a number (named).

    See Also
    --------
    golden : The robust part alone.
    parabolic : The fast part alone.
    bracket : Finds an interval first.

    Notes
    -----
    Brent's ``localmin`` [B73]_: parabolic steps through the three best points, accepted only when they
    fall inside the interval and shrink fast enough, golden sections otherwise. It is as robust as golden
    section and superlinear near a smooth minimum. It stops when :math:`x` is within

    .. math::

        2\big(\sqrt{\varepsilon_{\mathrm{mach}}}\,|x| + \mathrm{tol}/3\big)

    of both ends of the interval, which holds the minimiser.

    References
    ----------
    .. [B73] R. P. Brent. *Algorithms for Minimization without Derivatives.* Prentice-Hall, 1973.
       Chapter 5.

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
    r"""Find three points that bracket a minimum, walking downhill with steps that grow by the golden ratio.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha)`, a float for a float; a :class:`Line` runs the search compiled along a
        jitted problem's line.
    a, b : float, default 0 and 1
        Two distinct finite starting points; the walk goes downhill from the higher to the lower.
    maxfev : int, default 100
        The evaluations of ``phi`` it may make, the two at ``a`` and ``b`` included: at least 3.

    Returns
    -------
    Bracket
        ``lo < mid < hi`` with :math:`\varphi(\mathrm{mid}) < \varphi(\mathrm{lo})` and
        :math:`\varphi(\mathrm{mid}) < \varphi(\mathrm{hi})` (strictly), and ``fun`` the value at ``mid``.
        Status CONVERGED once the three points are found; MAXFEV if ``phi`` did not rise within ``maxfev``
        evaluations (unbounded below, or flat); LINESEARCH_FAILED if :math:`\varphi(a) = \varphi(b)` and
        ``phi`` rose right after (no point strictly below both ends), or if the next step overflowed with
        ``phi`` still falling (reported with that end at :math:`\pm\infty`).

    Raises
    ------
    ValueError
        If ``a == b``, ``a`` or ``b`` is not finite, or ``maxfev < 3`` (named).
    TypeError
        If ``phi`` is not callable, or an argument is not a number (named).

    See Also
    --------
    brent : Minimises inside the bracket.
    parabolic : Starts from one.

    Notes
    -----
    From the lower of the two points each step goes :math:`\tau = (1 + \sqrt5)/2` times as far as the one
    before, :math:`c = b + \tau\,(b - a)`, until :math:`\varphi(c) > \varphi(b)`. A non-finite value counts
    as :math:`+\infty` (a rise); a flat stretch is walked over. This is the bracketing of [NR07]_
    without its parabolic extrapolation.

    References
    ----------
    .. [NR07] W. H. Press, S. A. Teukolsky, W. T. Vetterling, B. P. Flannery. *Numerical Recipes: The Art
       of Scientific Computing*, 3rd ed. Cambridge University Press, 2007. §10.1.

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
