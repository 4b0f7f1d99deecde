"""Nesterov's fast gradient method and the accelerated random gradient-free method of Nesterov &
Spokoiny (2017, §6): their constants, the bound on f(x_k) - f*, and the slowdown of one against the other.

Both run the same scheme (:mod:`zeroopt.optimize.accelerated`) with a gradient step h and the estimate
sequence's parameter theta:

===================================  ===================  ==========================
method                               h                    theta
===================================  ===================  ==========================
FGM (exact gradient)                 1 / L                1 / L
FG_mu (forward Gaussian, NS17 §6)    1 / (4 (n + 4) L)    1 / (16 (n + 4)^2 L)
===================================  ===================  ==========================

The bound has the form (f(x_0) - f* + (gamma_0 / 2) ||x_0 - x*||^2) min{(1 - sqrt(mu theta))^k,
(1 + (k / 2) sqrt(gamma_0 theta))^-2} (in expectation for FG_mu, plus a term in its smoothing radius), so
at a given accuracy the zero-order method needs sqrt(theta_FGM / theta_ZO) = 4 (n + 4) times the
iterations: :func:`accelerated_slowdown`.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks


def fgm_constants(L):
    r"""Nesterov's fast gradient method's gradient step and estimate-sequence parameter.

    Parameters
    ----------
    L : float
        Smoothness constant.

    Returns
    -------
    (h, theta) : tuple of float
        :math:`(1/L, 1/L)`.

    Raises
    ------
    ValueError
        If ``L`` is not a finite positive number.
    TypeError
        If ``L`` is not a number.

    See Also
    --------
    zo_accelerated_constants : The zero-order method's constants.
    accelerated_bound : The bound they give.

    Notes
    -----
    The scheme of :func:`zeroopt.minimize` with ``method="fgm"`` takes gradient steps with the step
    :math:`h` and updates its estimate sequence with :math:`\theta`; with the exact gradient of an
    :math:`L`-smooth function ([N04]_, [NS17]_)

    .. math::

        h = \theta = \frac1L.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. §2.2.1.
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017. §6.

    Examples
    --------
    >>> fgm_constants(4.0)
    (0.25, 0.25)
    """
    L = _checks.positive_float(L, "L")
    return 1.0 / L, 1.0 / L


def zo_accelerated_constants(n, L):
    r"""Nesterov and Spokoiny's constants for the accelerated random method with forward Gaussian differences.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    L : float
        Smoothness constant.

    Returns
    -------
    (h, theta) : tuple of float
        The gradient step and the estimate sequence's parameter (see Notes).

    Raises
    ------
    ValueError
        If ``n < 1`` or ``L`` is not a finite positive number.
    TypeError
        If an argument is not a number.

    See Also
    --------
    fgm_constants : The exact-gradient method's constants.
    accelerated_slowdown : What the smaller constants cost.

    Notes
    -----
    [NS17]_ (§6), written in :math:`n + 4` as in the paper (not in an oracle's second-moment factor):

    .. math::

        h = \frac{1}{4(n+4)L}, \qquad \theta = \frac{1}{16(n+4)^2 L}.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017. §6.

    Examples
    --------
    >>> h, theta = zo_accelerated_constants(4, 1.0)
    >>> h, theta * 16 * 64
    (0.03125, 1.0)
    """
    n = _checks.positive_int(n, "n")
    L = _checks.positive_float(L, "L")
    return 1.0 / (4.0 * (n + 4) * L), 1.0 / (16.0 * (n + 4) ** 2 * L)


def accelerated_slowdown(n):
    r"""The iterations the accelerated random method needs per iteration of the fast gradient method.

    Parameters
    ----------
    n : int
        Dimension, at least 1.

    Returns
    -------
    float
        :math:`4(n + 4)`.

    Raises
    ------
    ValueError
        If ``n < 1``.
    TypeError
        If ``n`` is not an integer.

    See Also
    --------
    accelerated_bound : The bound both methods follow.
    zeroopt.theory.linear_slowdown : The same ratio for gradient descent.

    Notes
    -----
    Both methods' bounds (:func:`accelerated_bound`) depend on :math:`k` through :math:`k\sqrt\theta`, so at
    the same bound the zero-order method [NS17]_ needs

    .. math::

        \sqrt{\theta_{\mathrm{FGM}} / \theta_{\mathrm{ZO}}} = \sqrt{\frac{16(n+4)^2 L}{L}} = 4(n + 4)

    times the iterations.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017. §6.

    Examples
    --------
    >>> [accelerated_slowdown(n) for n in (16, 64, 256)]
    [80.0, 272.0, 1040.0]
    """
    return 4.0 * (_checks.positive_int(n, "n") + 4)


def accelerated_bound(k, theta, gamma0, start, mu=0.0):
    r"""The bound on the optimality gap of the fast gradient method and the accelerated random method.

    Parameters
    ----------
    k : array_like
        Iterations, at least 0.
    theta, gamma0 : float
        The scheme's parameters, positive.
    start : float
        :math:`f(x_0) - f^* + \frac{\gamma_0}{2}\|x_0 - x^*\|^2`, at least 0.
    mu : float, default 0
        The strong-convexity constant the scheme uses (0: the convex variant), with :math:`\mu\theta \le 1`.

    Returns
    -------
    numpy.ndarray or float
        The bound at each ``k`` (a float for a scalar ``k``).

    Raises
    ------
    ValueError
        A negative ``k`` or ``start``, ``theta`` or ``gamma0`` not positive, ``mu`` negative or
        :math:`\mu\theta > 1`.

    See Also
    --------
    fgm_constants, zo_accelerated_constants : The parameters.
    accelerated_slowdown : The ratio of the two methods' iterations.

    Notes
    -----
    For the fast gradient method ([N04]_ §2.2.1), and in expectation, up to the smoothing term, for the
    accelerated random method ([NS17]_ §6):

    .. math::

        f(x_k) - f^* \le{}& \Big(f(x_0) - f^* + \frac{\gamma_0}{2}\|x_0 - x^*\|^2\Big) \\
        &\times \min\Big\{(1 - \sqrt{\mu\theta})^k, \\
        &\hphantom{\times \min\Big\{} \Big(1 + \frac k2\sqrt{\gamma_0\theta}\Big)^{-2}\Big\}.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. §2.2.1.
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017. §6.

    Examples
    --------
    >>> float(accelerated_bound(2, 1.0, 1.0, 1.0))
    0.25
    """
    theta = _checks.positive_float(theta, "theta")
    gamma0 = _checks.positive_float(gamma0, "gamma0")
    start, mu = float(start), float(mu)
    if not (start >= 0 and math.isfinite(start)):
        raise ValueError(f"start must be a finite number >= 0, got {start}")
    if not (0.0 <= mu and mu * theta <= 1.0):
        raise ValueError(f"mu must be >= 0 with mu theta <= 1; got mu={mu}, theta={theta}")
    k = np.asarray(k, dtype=float)
    if np.any(~np.isfinite(k)) or np.any(k < 0):
        raise ValueError("k must be iteration numbers >= 0")
    sublinear = (1.0 + 0.5 * k * math.sqrt(gamma0 * theta)) ** -2
    linear = (1.0 - math.sqrt(mu * theta)) ** k
    out = start * np.minimum(sublinear, linear)
    return out if out.ndim else float(out)
