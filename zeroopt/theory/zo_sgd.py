r"""ZO-SGD (Ghadimi & Lan 2013, their randomized stochastic gradient-free method): the horizon step, the
smoothing radius, the convex-case bound and, on the sample-mean problem, the exact expected error.

The method estimates the gradient of :math:`f(x) = \mathbb E_\xi F(x, \xi)` with forward Gaussian
differences at common random numbers, :math:`G = (F(x + \varepsilon u, \xi) - F(x, \xi))/\varepsilon\,u`,
takes :math:`N` steps :math:`x_{k+1} = x_k - \gamma G_k` with the constant step
:math:`\gamma = c/\sqrt{(n+4)N}` and returns :math:`x_R`, :math:`R` uniform on :math:`\{0, \dots, N-1\}`.
Both the convex bound (:func:`zo_sgd_bound`) and the exact error on the sample-mean problem
(:func:`zo_sgd_sample_mean`) are :math:`\sqrt{(n+4)/N}` times a constant, to leading order; the
derivations are on the math page "ZO-SGD".
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks


def _horizons(N):
    N = np.asarray(N, dtype=float)
    if np.any(~np.isfinite(N)) or np.any(N < 1) or np.any(N != np.floor(N)):
        raise ValueError("N must be horizons (iteration counts), integers >= 1")
    return N


def _nonnegative(value, name):
    value = _checks.real(value, name)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def zo_sgd_step(n, N, c=1.0):
    r"""The constant step of ZO-SGD over a horizon of :math:`N` iterations.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    N : int
        The horizon: the number of iterations the step is made for, at least 1.
    c : float, default 1
        The constant; :math:`c = D/\sigma` balances the two terms of :func:`zo_sgd_bound`.

    Returns
    -------
    float
        :math:`\gamma = c/\sqrt{(n+4)N}`.

    Raises
    ------
    ValueError
        If ``n`` or ``N`` is below 1, or ``c`` is not a finite positive number.

    See Also
    --------
    zo_sgd_bound : The bound this step gives.
    zo_sgd_radius : The smoothing radius of the same horizon.

    Notes
    -----
    [GL13]_ (Corollary 3.3) take, when the noise term dominates,

    .. math::

        \gamma = \frac{1}{\sqrt{n+4}}\,\frac{\tilde D}{\sigma\sqrt N}
        = \frac{c}{\sqrt{(n+4)N}},

    with :math:`c = \tilde D/\sigma`.

    A step :math:`c/\sqrt{(n+4)k}` that decreases with the iteration :math:`k` instead carries a
    :math:`\log N` factor in the same bound; the constant step over a known horizon does not.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> zo_sgd_step(12, 100)
    0.025
    """
    n = _checks.positive_int(n, "n")
    N = _checks.positive_int(N, "N")
    return _checks.positive_float(c, "c") / math.sqrt((n + 4) * N)


def zo_sgd_radius(n, N, D=1.0):
    r"""ZO-SGD's default smoothing radius :math:`\varepsilon` (the paper's :math:`\mu`) for a horizon.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    N : int
        The horizon, at least 1.
    D : float, default 1
        The scale of :math:`\|x_0 - x^*\|`, unknown in general: 1 by default.

    Returns
    -------
    float
        :math:`\varepsilon = D/((n+4)\sqrt N)`.

    Raises
    ------
    ValueError
        If ``n`` or ``N`` is below 1, or ``D`` is not a finite positive number.

    See Also
    --------
    zo_sgd_step : The step of the same horizon.
    zo_sgd_bound : Where the radius enters.

    Notes
    -----
    With this radius the terms of :func:`zo_sgd_bound` that carry :math:`\varepsilon` are at most
    :math:`\gamma L D^2 (1 + \gamma L (n+6)^3/(2n))\, n/(n+4)^2` against :math:`D^2`: negligible.
    [GL13]_ (Corollary 3.3) choose the radius of the same order, :math:`D/((n+4)\sqrt{N})` up to a
    constant factor.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> zo_sgd_radius(6, 100)
    0.01
    """
    n = _checks.positive_int(n, "n")
    N = _checks.positive_int(N, "N")
    return _checks.positive_float(D, "D") / ((n + 4) * math.sqrt(N))


def zo_sgd_bound(N, n, c, D, sigma, L, eps=0.0):
    r"""The bound on :math:`\mathbb E f(x_R) - f^*` of ZO-SGD on a convex problem.

    Parameters
    ----------
    N : int or array_like of int
        Horizons, at least 1.
    n : int
        Dimension, at least 1.
    c : float
        The step's constant, :math:`\gamma = c/\sqrt{(n+4)N}`.
    D : float
        :math:`\|x_0 - x^*\|`, at least 0.
    sigma : float
        The noise of the sampled gradients,
        :math:`\mathbb E_\xi\|\nabla F(x, \xi) - \nabla f(x)\|^2 \le \sigma^2`, at least 0.
    L : float
        The smoothness constant of every :math:`F(\cdot, \xi)`.
    eps : float, default 0
        The smoothing radius :math:`\varepsilon`.

    Returns
    -------
    float or ndarray
        The bound (below); ``inf`` where the step is too long for it,
        :math:`2(n+4)L\gamma \ge 1`.

    Raises
    ------
    ValueError
        A bad argument (named).

    See Also
    --------
    zo_sgd_sample_mean : The exact expectation on the sample-mean problem.
    zo_sgd_step : The step.

    Notes
    -----
    For convex :math:`f = \mathbb E_\xi F(\cdot, \xi)` with every :math:`F(\cdot, \xi)` :math:`L`-smooth,
    the estimate :math:`G` has :math:`\mathbb E G = \nabla f_\varepsilon(x)` (the Gaussian smoothing of
    :math:`f`) and [NS17]_ (Theorem 4, applied to each :math:`F(\cdot, \xi)`)

    .. math::

        \mathbb E\|G\|^2 \le{}& 4(n+4)L\,(f(x) - f^*) \\
        &+ 2(n+4)\sigma^2 + \frac{\varepsilon^2}{2}L^2(n+6)^3.

    Expanding :math:`\|x_{k+1} - x^*\|^2` with
    :math:`\langle\nabla f_\varepsilon(x), x - x^*\rangle \ge f(x) - f^* - \varepsilon^2 L n/2` and
    summing over :math:`k < N` gives, for the constant step :math:`\gamma` and :math:`R` uniform on
    :math:`\{0, \dots, N-1\}` (the argument of [GL13]_, Theorem 3.2(b)),

    .. math::

        \mathbb E f(x_R) - f^* \le
        \frac{D^2 + N\gamma\varepsilon^2 L n + N\gamma^2 A}{2N\gamma\,(1 - 2(n+4)L\gamma)},

    .. math::

        A = 2(n+4)\sigma^2 + \varepsilon^2 L^2 (n+6)^3/2.

    With :math:`\gamma = c/\sqrt{(n+4)N}` and :math:`\varepsilon = 0` it is

    .. math::

        \sqrt{\frac{n+4}{N}}\;
        \frac{D^2/(2c) + c\,\sigma^2}{1 - 2Lc\sqrt{(n+4)/N}}.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    >>> round(float(zo_sgd_bound(10_000, 96, c=1.0, D=1.0, sigma=1.0, L=1.0)), 4)
    0.1875
    """
    N = _horizons(N)
    n = _checks.positive_int(n, "n")
    c = _checks.positive_float(c, "c")
    D, sigma, eps = _nonnegative(D, "D"), _nonnegative(sigma, "sigma"), _nonnegative(eps, "eps")
    L = _checks.positive_float(L, "L")
    gamma = c / np.sqrt((n + 4) * N)
    A = 2.0 * (n + 4) * sigma ** 2 + 0.5 * eps ** 2 * L ** 2 * (n + 6) ** 3
    shrink = 1.0 - 2.0 * (n + 4) * L * gamma
    with np.errstate(divide="ignore"):
        out = np.where(shrink > 0, (D ** 2 + N * gamma * eps ** 2 * L * n + N * gamma ** 2 * A)
                       / (2.0 * N * gamma * np.where(shrink > 0, shrink, 1.0)), np.inf)
    return out if out.ndim else float(out)


def zo_sgd_sample_mean(N, n, c, D, s, eps=0.0):
    r"""The exact :math:`\mathbb E f(x_R) - f^*` of ZO-SGD on the sample-mean problem.

    The problem: samples :math:`a_1, \dots, a_M \in \mathbb R^n` with mean :math:`\bar a` and
    :math:`\frac1M\sum_i\|a_i - \bar a\|^2 = s^2`, :math:`F(x, \xi) = \frac12\|x - a_\xi\|^2` with
    :math:`\xi` uniform on :math:`\{1, \dots, M\}`, so
    :math:`f(x) = \frac12\|x - \bar a\|^2 + \frac12 s^2` (``zeroopt.problems.sample_mean``).

    Parameters
    ----------
    N : int or array_like of int
        Horizons, at least 1.
    n : int
        Dimension, at least 1.
    c : float
        The step's constant, :math:`\gamma = c/\sqrt{(n+4)N}`.
    D : float
        :math:`\|x_0 - \bar a\|`, at least 0.
    s : float
        The samples' spread, at least 0 (:math:`\sigma = s` in :func:`zo_sgd_bound`, :math:`L = 1`).
    eps : float, default 0
        The smoothing radius :math:`\varepsilon`.

    Returns
    -------
    float or ndarray
        The expectation (below); ``inf`` where the iteration diverges in mean square,
        :math:`(n+2)\gamma \ge 2`.

    Raises
    ------
    ValueError
        A bad argument (named).

    See Also
    --------
    zo_sgd_bound : The bound, of the same shape.

    Notes
    -----
    With :math:`e = x - \bar a`, :math:`d = a_\xi - \bar a` and :math:`u \sim N(0, I_n)`, the estimate
    at common random numbers is
    :math:`G = (u^\top(e - d) + \tfrac{\varepsilon}{2}\|u\|^2)\,u`, so :math:`\mathbb E G = e` and, from
    :math:`\mathbb E[(u^\top w)^2\|u\|^2] = (n+2)\|w\|^2` and
    :math:`\mathbb E\|u\|^6 = n(n+2)(n+4)`,

    .. math::

        \mathbb E\|e_{k+1}\|^2 = \rho\,\mathbb E\|e_k\|^2 + b,

    .. math::

        \rho = 1 - 2\gamma + (n+2)\gamma^2,

    .. math::

        b = \gamma^2\big((n+2)s^2 + \tfrac{\varepsilon^2}{4}n(n+2)(n+4)\big).

    With :math:`e_\infty = b/(1-\rho)` and :math:`R` uniform on :math:`\{0, \dots, N-1\}`,

    .. math::

        \mathbb E f(x_R) - f^* = \frac12\Big(e_\infty + (D^2 - e_\infty)
        \frac{1 - \rho^N}{N(1-\rho)}\Big).

    For :math:`\gamma = c/\sqrt{(n+4)N}`, :math:`\varepsilon \to 0` and :math:`\rho^N \to 0`, to leading
    order in :math:`\gamma` it is

    .. math::

        \frac14\sqrt{\frac{n+4}{N}}\Big(c\,s^2\,\frac{n+2}{n+4} + \frac{D^2}{c}\Big),

    the shape :math:`\sqrt{(n+4)/N}` of :func:`zo_sgd_bound` ([GL13]_), itself and not only as a bound;
    the relative corrections are of order :math:`c\sqrt{(n+4)/N}` and :math:`\rho^N`.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> round(float(zo_sgd_sample_mean(10_000, 96, c=1.0, D=1.0, s=1.0)), 4)
    0.0507
    """
    N = _horizons(N)
    n = _checks.positive_int(n, "n")
    c = _checks.positive_float(c, "c")
    D, s, eps = _nonnegative(D, "D"), _nonnegative(s, "s"), _nonnegative(eps, "eps")
    gamma = c / np.sqrt((n + 4) * N)
    rho = 1.0 - 2.0 * gamma + (n + 2) * gamma ** 2
    b = gamma ** 2 * ((n + 2) * s ** 2 + 0.25 * eps ** 2 * n * (n + 2) * (n + 4))
    ok = rho < 1.0
    one_minus = np.where(ok, 1.0 - rho, 1.0)
    e_inf = b / one_minus
    tail = -np.expm1(N * np.log(np.where(ok, rho, 0.5))) / (N * one_minus)
    out = np.where(ok, 0.5 * (e_inf + (D ** 2 - e_inf) * tail), np.inf)
    return out if out.ndim else float(out)
