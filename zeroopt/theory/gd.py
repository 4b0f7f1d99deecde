"""Gradient descent with an oracle of second-moment factor m and the step 1/(m L): the contraction,
the predicted slowdown of zero-order GD against GD, and the O(1/k) bounds of lecture notes 000."""

from __future__ import annotations

import math

from .. import _checks
from ._common import _constants, _factor, _over_k

def contraction(mu, L, m=1.0):
    """The per-iteration contraction 1 - mu/(m L) of the strongly convex rate (lecture notes 000).

    Parameters
    ----------
    mu, L : float
        Strong-convexity and smoothness constants, 0 < mu <= L.
    m : float
        The oracle's second-moment factor (1 for exact gradients); the step is 1/(m L).

    Returns
    -------
    float
        1 - mu / (m L), in [0, 1).

    Raises
    ------
    ValueError
        If mu > L or m < 1, or an argument is not a finite positive number.

    Examples
    --------
    >>> contraction(1.0, 10.0, m=10)
    0.99
    """
    mu, L, m = _constants(mu, L, m)
    return 1.0 - mu / (m * L)


def linear_slowdown(m, mu_over_L):
    """The predicted ratio of iterations, zero-order GD over GD, in the strongly convex case:
    ln(1 - mu/L) / ln(1 - mu/(m L)), the ratio of the two rates of lecture notes 000 (about 1.054 m at
    L/mu = 10; tends to m as mu/L -> 0).

    Parameters
    ----------
    m : float
        The oracle's second-moment factor, >= 1.
    mu_over_L : float
        The inverse condition number, in (0, 1).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If m < 1 or mu_over_L is not in (0, 1).

    Examples
    --------
    >>> round(linear_slowdown(100, 0.1) / 100, 2)
    1.05
    """
    m = _factor(m)
    r = _checks.positive_float(mu_over_L, "mu_over_L")
    if r >= 1:
        raise ValueError(f"mu_over_L must be < 1 (gradient descent with step 1/L solves mu = L in one step), got {r}")
    return math.log1p(-r) / math.log1p(-r / m)


def gd_convex_bound(k, L, dist0_sq):
    """The bound f(x_k) - f* <= L ||x_0 - x*||^2 / (2k) of gradient descent with step 1/L on a convex
    L-smooth function (Nesterov, Lectures on Convex Optimization, Cor. 2.1.2 gives the same order; this
    constant is Beck, First-Order Methods in Optimization, Thm. 10.21).

    Parameters
    ----------
    k : array_like
        Iteration numbers, >= 1.
    L : float
        Smoothness constant.
    dist0_sq : float
        ||x_0 - x*||^2.

    Returns
    -------
    numpy.ndarray
        The bound at each k.

    Raises
    ------
    ValueError
        If some k < 1 or L, dist0_sq are not positive.

    Examples
    --------
    >>> gd_convex_bound([1, 10], 1.0, 2.0)
    array([1. , 0.1])
    """
    return _over_k(k, 0.5 * _checks.positive_float(L, "L") * _checks.positive_float(dist0_sq, "dist0_sq"))


def gd_nonconvex_bound(k, L, f_gap0):
    """The bound min_{i<k} ||grad f(x_i)||^2 <= 2L (f(x_0) - f*) / k of gradient descent with step 1/L on
    an L-smooth function (lecture notes 000): each step decreases f by at least ||grad f(x_i)||^2 / (2L),
    and the decreases add up to at most f(x_0) - f*.

    Parameters
    ----------
    k : array_like
        Iteration numbers, >= 1.
    L : float
        Smoothness constant (on the region the iterates stay in).
    f_gap0 : float
        f(x_0) - f*.

    Returns
    -------
    numpy.ndarray
        The bound at each k.

    Raises
    ------
    ValueError
        If some k < 1 or L, f_gap0 are not positive.

    Examples
    --------
    >>> gd_nonconvex_bound([1, 4], 2.0, 1.0)
    array([4., 1.])
    """
    return _over_k(k, 2.0 * _checks.positive_float(L, "L") * _checks.positive_float(f_gap0, "f_gap0"))
