"""Forward Gaussian differences (Nesterov & Spokoiny 2017): their step and contraction bound, and, on
quadratics, the exact expected recursion, its rate and the level where it stalls."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ._common import _constants

def ns_forward_step(n, L):
    """Nesterov & Spokoiny's step for forward Gaussian differences, 1/(4(n+4)L) (2017, Theorem 8).

    Parameters
    ----------
    n : int
        Dimension.
    L : float
        Smoothness constant.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If n < 1 or L is not a finite positive number.

    Examples
    --------
    >>> ns_forward_step(6, 1.0)
    0.025
    """
    n = _checks.positive_int(n, "n")
    return 1.0 / (4.0 * (n + 4) * _checks.positive_float(L, "L"))


def ns_forward_contraction(n, mu, L):
    """Nesterov & Spokoiny's bound on the contraction per iteration, 1 - mu/(8(n+4)L) (2017, Theorem 8):
    E f(x_k) - f* <= (L/2) (1 - mu/(8(n+4)L))^k ||x_0 - x*||^2 with the step :func:`ns_forward_step`.

    Parameters
    ----------
    n : int
        Dimension.
    mu, L : float
        Strong-convexity and smoothness constants, 0 < mu <= L.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`contraction`.

    Examples
    --------
    >>> ns_forward_contraction(6, 1.0, 10.0)
    0.99875
    """
    n = _checks.positive_int(n, "n")
    mu, L, _ = _constants(mu, L, 1.0)
    return 1.0 - mu / (8.0 * (n + 4) * L)


def forward_gaussian_moments(eigenvalues, step, eps):
    """The exact expected recursion of gradient descent with forward Gaussian differences on a quadratic.

    On f(x) = (1/2) e' A e, e = x - x*, the estimate is G = ((f(x + eps u) - f(x)) / eps) u =
    (g'u + (eps/2) u'Au) u with u ~ N(0, I). In the eigenbasis of A (eigenvalues lambda_i) the diagonal
    s_i = E[e_i^2] of the second moment follows s' = M s + b exactly (Gaussian moments
    E[uu'Buu'] = 2B + tr(B) I and E[(u'Au)^2 uu'] = ((tr A)^2 + 2 tr A^2) I + 4 tr(A) A + 8 A^2; the
    cross terms are odd in u):
    M = diag(1 - 2 h lambda + 2 h^2 lambda^2) + h^2 1 lambda^2', b_i = (h eps / 2)^2 ((tr A)^2 +
    2 tr A^2 + 4 tr(A) lambda_i + 8 lambda_i^2). Then E f(x_k) - f* = lambda' s_k / 2 and
    E ||x_k - x*||^2 = sum(s_k).

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues, all > 0.
    step : float
        The step h.
    eps : float
        The forward-difference step.

    Returns
    -------
    M : numpy.ndarray, shape (n, n)
    b : numpy.ndarray, shape (n,)

    Raises
    ------
    ValueError
        If an eigenvalue is not positive or step, eps are not positive.

    Examples
    --------
    >>> M, b = forward_gaussian_moments([1.0], 0.1, 1e-3)
    >>> round(float(M[0, 0]), 12), round(float(b[0]), 20)   # 1 - 0.2 + 0.02 + 0.01, (0.1 * 1e-3 / 2)^2 * 15
    (0.83, 3.75e-08)
    """
    lam = np.asarray(eigenvalues, dtype=float)
    if lam.ndim != 1 or lam.size == 0 or not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        raise ValueError("eigenvalues must be a non-empty 1-D array of finite numbers > 0")
    h = _checks.positive_float(step, "step")
    eps = _checks.positive_float(eps, "eps")
    M = np.diag(1.0 - 2.0 * h * lam + 2.0 * h * h * lam ** 2) + h * h * np.outer(np.ones_like(lam), lam ** 2)
    tr, tr2 = lam.sum(), (lam ** 2).sum()
    b = (0.5 * h * eps) ** 2 * (tr * tr + 2.0 * tr2 + 4.0 * tr * lam + 8.0 * lam ** 2)
    return M, b


def forward_gaussian_floor(eigenvalues, step, eps):
    """The level where gradient descent with forward Gaussian differences stalls on a quadratic:
    the stationary E f(x) - f* and E ||x - x*||^2 of :func:`forward_gaussian_moments`,
    s = (I - M)^(-1) b. At x* the estimate is (eps/2)(u'Au) u, not 0: the O(eps) error of a forward
    difference keeps the iterates moving, and the fixed step balances it at this level.

    Parameters
    ----------
    eigenvalues, step, eps
        As :func:`forward_gaussian_moments`.

    Returns
    -------
    f_gap : float
        Stationary E f(x) - f*.
    dist2 : float
        Stationary E ||x - x*||^2.

    Raises
    ------
    ValueError
        As :func:`forward_gaussian_moments`, or if the recursion does not contract (step too large).

    Examples
    --------
    >>> f_gap, dist2 = forward_gaussian_floor([1.0, 2.0], 0.05, 1e-4)
    >>> 0 < f_gap < dist2 < 1e-8
    True
    """
    M, b = forward_gaussian_moments(eigenvalues, step, eps)
    if forward_gaussian_rate(eigenvalues, step) >= 1:
        raise ValueError(f"the expected recursion does not contract at step {step}: no stationary level")
    s = np.linalg.solve(np.eye(len(b)) - M, b)
    lam = np.asarray(eigenvalues, dtype=float)
    return float(0.5 * lam @ s), float(s.sum())


def forward_gaussian_rate(eigenvalues, step):
    """The asymptotic contraction per iteration of E f(x_k) - f* (and of E ||x_k - x*||^2) for gradient
    descent with forward Gaussian differences on a quadratic: the spectral radius of M in
    :func:`forward_gaussian_moments` (it does not depend on eps).

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues, all > 0.
    step : float
        The step h.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`forward_gaussian_moments`.

    Examples
    --------
    >>> round(forward_gaussian_rate([1.0], 0.1), 6)   # n = 1: 1 - 2h + 3h^2
    0.83
    """
    M, _ = forward_gaussian_moments(eigenvalues, step, 1.0)
    return float(np.max(np.abs(np.linalg.eigvals(M))))
