"""Nesterov's worst-case function (``zeroopt.problems.nesterov``): its spectrum, and where gradient
descent on it leaves the O(1/k) regime."""

from __future__ import annotations

import math

import numpy as np

from .. import _checks

def nesterov_eigenvalues(n, L=1.0):
    """The Hessian spectrum of Nesterov's worst-case function in R^n (``zeroopt.problems.nesterov``):
    L sin^2(j pi / (2(n+1))), j = 1..n.

    Parameters
    ----------
    n : int
        Dimension, >= 2.
    L : float
        Smoothness constant.

    Returns
    -------
    numpy.ndarray
        The n eigenvalues in increasing order.

    Raises
    ------
    ValueError
        If n < 1 or L is not positive.

    Examples
    --------
    >>> nesterov_eigenvalues(3, 2.0).round(4)
    array([0.2929, 1.    , 1.7071])
    """
    n = _checks.positive_int(n, "n")
    j = np.arange(1, n + 1)
    return _checks.positive_float(L, "L") * np.sin(j * math.pi / (2.0 * (n + 1))) ** 2


def nesterov_linear_after(n):
    """The iteration beyond which gradient descent (step 1/L) on Nesterov's function in R^n leaves the
    O(1/k) regime and converges linearly: L / (2 lambda_min) = 1 / (2 sin^2(pi / (2(n+1)))), about
    2 (n+1)^2 / pi^2.

    In finite dimension the function is strongly convex with mu = lambda_min > 0: the error
    (f_k - f*) = sum_j lambda_j c_j^2 (1 - lambda_j/L)^(2k) / 2 follows O(1/k) while 2k lambda_min/L < 1
    and decays like (1 - lambda_min/L)^(2k) after. Its O(1/k) lower bound holds only for k <= (n-1)/2.

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
    >>> round(nesterov_linear_after(10), 1)
    24.7
    """
    n = _checks.positive_int(n, "n")
    return 1.0 / (2.0 * math.sin(math.pi / (2.0 * (n + 1))) ** 2)
