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
    """FGM's gradient step h and parameter theta: (1/L, 1/L).

    Parameters
    ----------
    L : float
        Smoothness constant.

    Returns
    -------
    (h, theta) : tuple of float

    Raises
    ------
    ValueError
        If L is not a finite positive number.

    Examples
    --------
    >>> fgm_constants(4.0)
    (0.25, 0.25)
    """
    L = _checks.positive_float(L, "L")
    return 1.0 / L, 1.0 / L


def zo_accelerated_constants(n, L):
    """Nesterov & Spokoiny's constants for the accelerated random method with forward Gaussian
    differences (2017, §6): the gradient step h = 1/(4(n+4)L) and theta = 1/(16(n+4)^2 L), written in
    n + 4 as in the paper (not in an oracle's second-moment factor).

    Parameters
    ----------
    n : int
        Dimension.
    L : float
        Smoothness constant.

    Returns
    -------
    (h, theta) : tuple of float

    Raises
    ------
    ValueError
        If n < 1 or L is not a finite positive number.

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
    """The iterations the accelerated random method needs per iteration of FGM at the same bound,
    sqrt(theta_FGM / theta_ZO) = 4 (n + 4).

    Parameters
    ----------
    n : int
        Dimension.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If n < 1.

    Examples
    --------
    >>> [accelerated_slowdown(n) for n in (16, 64, 256)]
    [80.0, 272.0, 1040.0]
    """
    return 4.0 * (_checks.positive_int(n, "n") + 4)


def accelerated_bound(k, theta, gamma0, start, mu=0.0):
    """The bound's factor on f(x_k) - f*: min{(1 - sqrt(mu theta))^k, (1 + (k/2) sqrt(gamma0 theta))^-2}
    times ``start`` = f(x_0) - f* + (gamma0 / 2) ||x_0 - x*||^2 (Nesterov 2004, §2.2.1, for FGM; in
    expectation, up to the smoothing term, for FG_mu: Nesterov & Spokoiny 2017, §6).

    Parameters
    ----------
    k : array_like
        Iterations, >= 0.
    theta, gamma0 : float
        The scheme's parameters (theta > 0, gamma0 > 0).
    start : float
        f(x_0) - f* + (gamma0 / 2) ||x_0 - x*||^2, >= 0.
    mu : float
        The strong-convexity constant the scheme uses (0: the convex variant).

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        A negative k or start, theta or gamma0 not positive, mu negative or mu theta > 1.

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
