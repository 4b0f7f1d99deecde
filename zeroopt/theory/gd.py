"""Gradient descent with an oracle of second-moment factor m and the step 1/(m L): the contraction,
the predicted slowdown of zero-order GD against GD, and the O(1/k) bounds of lecture notes 000."""

from __future__ import annotations

import math

from .. import _checks
from ._common import _constants, _factor, _over_k

def contraction(mu, L, m=1.0):
    r"""The contraction per iteration of gradient descent with the theory step on a strongly convex function.

    Parameters
    ----------
    mu, L : float
        Strong-convexity and smoothness constants, :math:`0 < \mu \le L`.
    m : float, default 1
        The oracle's second-moment factor (1 for exact gradients, :math:`n` for one random direction:
        ``oracle.second_moment_factor(n)``); the step is :math:`1/(mL)`.

    Returns
    -------
    float
        :math:`1 - \mu/(mL)`, in :math:`[0, 1)`.

    Raises
    ------
    ValueError
        If ``mu > L`` or ``m < 1``, or an argument is not a finite positive number (named).

    See Also
    --------
    linear_slowdown : How many more iterations the contraction costs than gradient descent's.
    ns_forward_contraction : Nesterov and Spokoiny's bound for forward Gaussian differences.
    forward_gaussian_rate : The exact expected contraction on a quadratic.

    Notes
    -----
    With an unbiased oracle of second moment :math:`\mathbb E\|G\|^2 = m\|\nabla f\|^2`, the descent
    lemma [N04]_ at the step :math:`1/(mL)` and strong convexity,
    :math:`\|\nabla f(x)\|^2 \ge 2\mu (f(x) - f^*)`, give (lecture notes 000; the derivation is on the
    math page "Rates and theory steps")

    .. math::

        \mathbb E f(x_k) - f^* \le \Big(1 - \frac{\mu}{mL}\Big)^k \big(f(x_0) - f^*\big).

    For exact gradients (:math:`m = 1`) it is the classical rate of gradient descent with step
    :math:`1/L`.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. Lemma 1.2.3 (the descent lemma).

    Examples
    --------
    >>> contraction(1.0, 10.0, m=10)
    0.99
    """
    mu, L, m = _constants(mu, L, m)
    return 1.0 - mu / (m * L)


def linear_slowdown(m, mu_over_L):
    r"""The predicted ratio of iterations, zero-order gradient descent over gradient descent, when strongly convex.

    Parameters
    ----------
    m : float
        The oracle's second-moment factor, at least 1.
    mu_over_L : float
        The inverse condition number :math:`\mu/L`, in :math:`(0, 1)`.

    Returns
    -------
    float
        The ratio of the iteration counts of the two contractions (see Notes): about :math:`1.054\,m`
        at :math:`L/\mu = 10`, and tending to :math:`m` as :math:`\mu/L \to 0`.

    Raises
    ------
    ValueError
        If ``m < 1`` or ``mu_over_L`` is not in (0, 1).

    See Also
    --------
    contraction : The contraction per iteration.

    Notes
    -----
    Gradient descent contracts by :math:`1 - \mu/L` per iteration, zero-order gradient descent with the
    step :math:`1/(mL)` by :math:`1 - \mu/(mL)` (:func:`contraction`), so to reach the same target the
    second needs

    .. math::

        \frac{\ln(1 - \mu/L)}{\ln(1 - \mu/(mL))}

    times the iterations of the first, the ratio of the two rates of lecture notes 000 ("GD vs
    zero-order GD"), which follow from the descent lemma [N04]_.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. Lemma 1.2.3 (the descent lemma).

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
    r"""The bound on the optimality gap of gradient descent with step 1/L on a convex smooth function.

    Parameters
    ----------
    k : array_like
        Iteration numbers, at least 1.
    L : float
        Smoothness constant.
    dist0_sq : float
        :math:`\|x_0 - x^*\|^2`.

    Returns
    -------
    numpy.ndarray
        The bound at each ``k``.

    Raises
    ------
    ValueError
        If some ``k < 1``, or ``L`` or ``dist0_sq`` is not a finite positive number.

    See Also
    --------
    gd_nonconvex_bound : The bound on the gradient without convexity.

    Notes
    -----
    On a convex :math:`L`-smooth function gradient descent with step :math:`1/L` satisfies

    .. math::

        f(x_k) - f^* \le \frac{L\,\|x_0 - x^*\|^2}{2k}

    ([B17]_ Theorem 10.21; [N04]_ Corollary 2.1.2 gives the same order,
    :math:`2L\|x_0 - x^*\|^2/(k + 4)`). A zero-order oracle of second-moment factor :math:`m` with the
    step :math:`1/(mL)` has a bound of the order :math:`mL\|x_0 - x^*\|^2/k` (lecture notes 000).

    References
    ----------
    .. [B17] A. Beck. *First-Order Methods in Optimization.* SIAM, 2017. Theorem 10.21.
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. §2.1.5, Corollary 2.1.2.

    Examples
    --------
    >>> gd_convex_bound([1, 10], 1.0, 2.0)
    array([1. , 0.1])
    """
    return _over_k(k, 0.5 * _checks.positive_float(L, "L") * _checks.positive_float(dist0_sq, "dist0_sq"))


def gd_nonconvex_bound(k, L, f_gap0):
    r"""The bound on the smallest squared gradient norm of gradient descent with step 1/L on a smooth function.

    Parameters
    ----------
    k : array_like
        Iteration numbers, at least 1.
    L : float
        Smoothness constant (on the region the iterates stay in).
    f_gap0 : float
        :math:`f(x_0) - f^*`.

    Returns
    -------
    numpy.ndarray
        The bound at each ``k``.

    Raises
    ------
    ValueError
        If some ``k < 1``, or ``L`` or ``f_gap0`` is not a finite positive number.

    See Also
    --------
    gd_convex_bound : The bound on the optimality gap under convexity.

    Notes
    -----
    By the descent lemma [N04]_ each step of gradient descent with step :math:`1/L` decreases :math:`f`
    by at least :math:`\|\nabla f(x_i)\|^2/(2L)`, and the decreases add up to at most
    :math:`f(x_0) - f^*`, so (lecture notes 000)

    .. math::

        \min_{i<k} \|\nabla f(x_i)\|^2 \le \frac{2L\,(f(x_0) - f^*)}{k}.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. Lemma 1.2.3 (the descent lemma), §1.2.3.

    Examples
    --------
    >>> gd_nonconvex_bound([1, 4], 2.0, 1.0)
    array([4., 1.])
    """
    return _over_k(k, 2.0 * _checks.positive_float(L, "L") * _checks.positive_float(f_gap0, "f_gap0"))
