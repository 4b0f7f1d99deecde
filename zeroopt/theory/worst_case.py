"""Nesterov's worst-case function (``zeroopt.problems.nesterov``): its spectrum, and where gradient
descent on it leaves the O(1/k) regime."""

from __future__ import annotations

import math

import numpy as np

from .. import _checks

def nesterov_eigenvalues(n, L=1.0):
    r"""The Hessian spectrum of Nesterov's worst-case function in dimension n.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    L : float, default 1
        Smoothness constant.

    Returns
    -------
    numpy.ndarray
        The :math:`n` eigenvalues in increasing order.

    Raises
    ------
    ValueError
        If ``n < 1`` or ``L`` is not a finite positive number.

    See Also
    --------
    nesterov_linear_after : Where gradient descent on the function turns linear.
    zeroopt.problems.nesterov : The function as a problem.

    Notes
    -----
    The function :math:`f(x) = \frac L8 (x^\top T x - 2x_1)` of :func:`zeroopt.problems.nesterov`
    ([N04]_ §2.1.2) has the constant Hessian :math:`\frac L4 T`, :math:`T = \operatorname{tridiag}(-1, 2, -1)`,
    whose eigenvalues are

    .. math::

        \lambda_j = L \sin^2\frac{j\pi}{2(n+1)}, \qquad j = 1, \dots, n.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. §2.1.2.

    Examples
    --------
    >>> nesterov_eigenvalues(3, 2.0).round(4)
    array([0.2929, 1.    , 1.7071])
    """
    n = _checks.positive_int(n, "n")
    j = np.arange(1, n + 1)
    return _checks.positive_float(L, "L") * np.sin(j * math.pi / (2.0 * (n + 1))) ** 2


def nesterov_linear_after(n):
    r"""The iteration after which gradient descent on Nesterov's function in dimension n converges linearly.

    Parameters
    ----------
    n : int
        Dimension, at least 1.

    Returns
    -------
    float
        :math:`L/(2\lambda_{\min})`, about :math:`2(n+1)^2/\pi^2` (see Notes).

    Raises
    ------
    ValueError
        If ``n < 1``.

    See Also
    --------
    nesterov_eigenvalues : The spectrum.
    gd_convex_bound : The O(1/k) bound that holds before.

    Notes
    -----
    In finite dimension the function is strongly convex with :math:`\mu = \lambda_{\min} > 0`
    (:func:`nesterov_eigenvalues`). Gradient descent with step :math:`1/L` from :math:`x_0` has the error

    .. math::

        f(x_k) - f^* = \frac12 \sum_j \lambda_j c_j^2 \Big(1 - \frac{\lambda_j}{L}\Big)^{2k},

    :math:`c_j` the coordinates of :math:`x_0 - x^*` in the eigenbasis, which follows :math:`O(1/k)`
    while :math:`2k\lambda_{\min}/L < 1` and decays like :math:`(1 - \lambda_{\min}/L)^{2k}` after:
    the turn is at

    .. math::

        k = \frac{L}{2\lambda_{\min}} = \frac{1}{2\sin^2\big(\pi/(2(n+1))\big)} \approx \frac{2(n+1)^2}{\pi^2}.

    The function's :math:`O(1/k)` lower bound holds only for :math:`k \le (n-1)/2` ([N04]_ Theorem 2.1.7).

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. §2.1.2, Theorem 2.1.7.

    Examples
    --------
    >>> round(nesterov_linear_after(10), 1)
    24.7
    """
    n = _checks.positive_int(n, "n")
    return 1.0 / (2.0 * math.sin(math.pi / (2.0 * (n + 1))) ** 2)
