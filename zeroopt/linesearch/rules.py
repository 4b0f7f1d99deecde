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
    r"""Backtrack to a step of sufficient decrease (the Armijo condition) with safeguarded interpolation.

    The first trial is ``alpha0``. After each rejected trial :math:`\alpha` the next one is the minimiser of
    a model of :math:`\varphi` kept inside :math:`[\beta_{lo}\alpha, \beta\alpha]`: the quadratic through
    :math:`\varphi(0)`, :math:`\varphi'(0)` and :math:`\varphi(\alpha_0)` after the first rejection, the cubic
    through :math:`\varphi(0)`, :math:`\varphi'(0)` and the last two trials after later ones. Where there is
    no model (a non-finite trial value, or a model without a minimiser) the next trial is
    :math:`\beta\alpha`. So ``beta`` is not the factor of every step back but the largest one, and
    ``beta_lo = beta`` gives the lecture's plain backtracking :math:`\alpha_0, \alpha_0\beta,
    \alpha_0\beta^2, \dots` Non-finite trial values mean "too far".

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha) = f(x + \alpha d)`, a float for a float; a :class:`Line` runs the rule
        compiled along a jitted problem's line.
    phi0, dphi0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0)`, finite; :math:`\varphi'(0) < 0` for a descent direction.
    alpha0 : float, optional
        The first trial step, positive; None: the Line's own suggestion (an optimizer's theory step), or 1.
    c1 : float, default 1e-4
        The sufficient-decrease constant, in :math:`(0, 1)`.
    beta : float, default 0.5
        The upper safeguard, in :math:`(0, 1)`: a new trial is at most ``beta`` times the rejected one.
    maxfev : int, default 60
        The trials it may make, at least 1.
    beta_lo : float, default 0.1
        The lower safeguard, in :math:`(0, \beta]`: a new trial is at least ``beta_lo`` times the rejected
        one, so that a poor model cannot throw the step away (1/10 as in [DS96]_).

    Returns
    -------
    LineSearchResult
        ``x`` the accepted step. Status CONVERGED once the condition holds; LINESEARCH_FAILED if
        :math:`\varphi'(0) \ge 0` (no evaluation made); MAXFEV after ``maxfev`` trials (``x`` the last
        trial).

    Raises
    ------
    ValueError
        A parameter out of its range, or a non-finite ``phi0`` or ``dphi0`` (named).
    TypeError
        A parameter that is not a number, or an unknown keyword (named).

    See Also
    --------
    goldstein : Sufficient decrease, and not too little.
    wolfe : Sufficient decrease and curvature (needs the derivative).
    exact_quadratic : The exact step on a quadratic.

    Notes
    -----
    The condition ([NW06]_ eq. 3.4; [M001]_) is

    .. math::

        \varphi(\alpha) \le \varphi(0) + c_1\,\alpha\,\varphi'(0).

    With :math:`r(t) = \varphi(t) - \varphi(0) - \varphi'(0)\,t`, the quadratic step after a rejected
    :math:`\alpha_0` is :math:`\alpha_1 = -\varphi'(0)\,\alpha_0^2 / (2\,r(\alpha_0))`; after rejected
    :math:`a_0 > a_1` the cubic :math:`\varphi(0) + \varphi'(0)\,t + B t^2 + A t^3` through both has

    .. math::

        \begin{bmatrix} A \\ B \end{bmatrix} &= \frac{1}{a_0^2 a_1^2 (a_1 - a_0)}
        \begin{bmatrix} a_0^2 & -a_1^2 \\ -a_0^3 & a_1^3 \end{bmatrix}
        \begin{bmatrix} r(a_1) \\ r(a_0) \end{bmatrix}, \\
        t^* &= \frac{-B + \sqrt{B^2 - 3A\,\varphi'(0)}}{3A}

    ([NW06]_ eqs. 3.57-3.58). On a quadratic :math:`\varphi` the first model is exact. If :math:`f` is
    :math:`L`-smooth the search stops after at most
    :math:`1 + \lceil \log_{1/\beta}(\alpha_0/\bar\alpha) \rceil` trials with
    :math:`\alpha \ge \min(\alpha_0, \beta_{lo}\,\bar\alpha)`, where
    :math:`\bar\alpha = 2(1 - c_1)\,|\varphi'(0)| / (L\|d\|^2)` is the largest step the condition is sure
    to accept.

    References
    ----------
    .. [NW06] J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed. Springer, 2006. §3.1, §3.5.
    .. [DS96] J. E. Dennis, R. B. Schnabel. *Numerical Methods for Unconstrained Optimization and
       Nonlinear Equations.* SIAM, 1996. §6.3.2, Algorithm A6.3.1.
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).

    Examples
    --------
    The quadratic model is exact on a quadratic; with ``beta_lo = beta`` it halves 4, 2, 1:

    >>> from zeroopt import linesearch as ls
    >>> r = ls.armijo(lambda t: (t - 1.0) ** 2, 1.0, -2.0, alpha0=4.0)
    >>> r.success, r.x, r.nfev
    (True, 1.0, 2)
    >>> phi = lambda t: (t - 1.0) ** 2
    >>> ls.armijo(phi, 1.0, -2.0, alpha0=4.0, beta_lo=0.5).nfev
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
    r"""Find a step that satisfies the Goldstein conditions, by doubling and bisection.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha) = f(x + \alpha d)`, a float for a float; a :class:`Line` runs the rule
        compiled along a jitted problem's line.
    phi0, dphi0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0)`, finite; :math:`\varphi'(0) < 0` for a descent direction.
    alpha0 : float, optional
        The first trial step, positive; None: the Line's own suggestion (an optimizer's theory step), or 1.
    c : float, default 0.25
        The constant of the conditions, in :math:`(0, 1/2)`.
    maxfev : int, default 60
        The trials it may make, at least 1.

    Returns
    -------
    LineSearchResult
        ``x`` the accepted step. Status CONVERGED once the conditions hold; LINESEARCH_FAILED if
        :math:`\varphi'(0) \ge 0` (no evaluation made); MAXFEV after ``maxfev`` trials.

    Raises
    ------
    ValueError
        A parameter out of its range, or a non-finite ``phi0`` or ``dphi0`` (named).
    TypeError
        A parameter that is not a number, or an unknown keyword (named).

    See Also
    --------
    armijo : Sufficient decrease alone.
    wolfe : Sufficient decrease and curvature.

    Notes
    -----
    The Goldstein conditions ([NW06]_ eq. 3.11; [M001]_) keep the decrease between the fractions
    :math:`c` and :math:`1 - c` of the linear model's:

    .. math::

        \varphi(\alpha) &\le \varphi(0) + c\,\alpha\,\varphi'(0), \\
        \varphi(\alpha) &\ge \varphi(0) + (1 - c)\,\alpha\,\varphi'(0), \qquad 0 < c < \tfrac12.

    The step doubles while it is too short (the left inequality fails) and bisects between the longest
    too-short and the shortest too-long step once one was too long (the right one fails, or the value is
    not finite).

    References
    ----------
    .. [NW06] J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed. Springer, 2006. §3.1.
    .. [M001] D. Merkulov. *Line search. Matrix calculus. Automatic differentiation.* Lecture notes
       of the course Optimization for ML, Faculty of Computer Science, HSE University (lecture notes 001 of
       this documentation's lectures page).

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
    r"""Take the step to the vertex of the parabola through the values at 0 and alpha0 and the slope at 0.

    Parameters
    ----------
    phi : callable or Line
        :math:`\varphi(\alpha) = f(x + \alpha d)`, a float for a float; a :class:`Line` runs the rule
        compiled along a jitted problem's line.
    phi0, dphi0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0)`, finite; :math:`\varphi'(0) < 0` for a descent direction.
    alpha0 : float, optional
        The first trial step, positive; None: the Line's own suggestion (an optimizer's theory step), or 1.

    Returns
    -------
    LineSearchResult
        ``x`` the vertex :math:`\alpha^*`, after two evaluations (at :math:`\alpha_0` and at
        :math:`\alpha^*`). Status CONVERGED; LINESEARCH_FAILED if the parabola is not convex (or
        :math:`\varphi'(0) \ge 0`); NONFINITE if :math:`\varphi(\alpha_0)` or :math:`\varphi(\alpha^*)` is
        not finite.

    Raises
    ------
    ValueError
        A non-finite ``phi0`` or ``dphi0``, or a non-positive ``alpha0`` (named).
    TypeError
        A parameter that is not a number (named).

    See Also
    --------
    armijo : Its first interpolation is this step, checked for sufficient decrease.
    brent : The exact step on any function, at more evaluations.

    Notes
    -----
    The parabola through :math:`\varphi(0)`, :math:`\varphi'(0)` and :math:`\varphi(\alpha_0)` has its
    vertex at ([NW06]_ eq. 3.57)

    .. math::

        \alpha^* = -\frac{\varphi'(0)\,\alpha_0^2}{2\,\big(\varphi(\alpha_0) - \varphi(0) - \varphi'(0)\,\alpha_0\big)},

    the exact line-search step when the objective is quadratic.

    References
    ----------
    .. [NW06] J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed. Springer, 2006. §3.5.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> phi = lambda t: 3 * (t - 1.7) ** 2
    >>> r = ls.exact_quadratic(phi, phi(0.0), -6 * 1.7, alpha0=0.2)
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


RULE_PARAMETERS = ("phi", "phi0", "dphi0")
INTERVAL_PARAMETERS = ("phi", "a", "b")
BRACKET_PARAMETERS = ("phi", "x1", "x2", "x3")


def kind_of(step):
    """Say what kind of line-search callable a step is, from its signature.

    Parameters
    ----------
    step : callable
        One of this module's functions, a ``functools.partial`` of one, or a function of your own.

    Returns
    -------
    {"rule", "interval", "bracket", "schedule"} or None
        "rule" if its parameters start with ``phi, phi0, dphi0`` (a step rule), "interval" with
        ``phi, a, b`` (a scalar search on an interval), "bracket" with ``phi, x1, x2, x3``. Otherwise by
        its required positional parameters: one is a "schedule" ``step(k)``, three a step rule of your own
        with other names; anything else (or no signature) is None.

    See Also
    --------
    zeroopt.minimize : Takes any of these as its ``step``.

    Examples
    --------
    >>> import functools
    >>> from zeroopt import linesearch as ls
    >>> ls.kind_of(ls.brent), ls.kind_of(functools.partial(ls.armijo, c1=0.1))
    ('interval', 'rule')
    >>> ls.kind_of(lambda k: 0.1), ls.kind_of(print)
    ('schedule', None)
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
