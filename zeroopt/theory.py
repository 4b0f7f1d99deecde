"""Rate theory of gradient descent with exact and zero-order gradients: contraction factors, predicted
slowdowns, and exact expectations on quadratics.

The rates of lecture notes 000 (the table "GD vs zero-order GD"), for an oracle whose second-moment
factor is m = E||G||^2 / ||grad f||^2 (``oracle.second_moment_factor(n)``) and the step 1/(m L):

=================  =========================================  ==========================================
setting            gradient descent, step 1/L                 zero-order GD, step 1/(m L)
=================  =========================================  ==========================================
smooth nonconvex   min_{i<=k} ||grad f(x_i)||^2 <= 2L(f0-f*)/k  m times that
smooth convex      f(x_k) - f* <= L ||x_0 - x*||^2 / (2k)     O(m L ||x_0 - x*||^2 / k)
strongly convex    ||x_k - x*||^2, f(x_k) - f* ~ (1 - mu/L)^k   ~ (1 - mu/(m L))^k
=================  =========================================  ==========================================

So zero-order GD needs about m times the iterations (m = n for one random direction, n/q for q
orthogonal ones). Nesterov & Spokoiny (2017, Theorems 4 and 8) give, for forward Gaussian differences,
the step 1/(4(n+4)L) and the rate 1 - mu/(8(n+4)L): worst-case bounds, which :func:`forward_gaussian_moments`
replaces on quadratics by the exact expected recursion.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks


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


def _over_k(k, c):
    k = np.asarray(k, dtype=float)
    if np.any(~np.isfinite(k)) or np.any(k < 1):
        raise ValueError("k must be iteration numbers >= 1")
    return c / k


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


def _factor(m):
    m = _checks.positive_float(m, "m")
    if m < 1:
        raise ValueError(f"m = E||G||^2 / ||grad f||^2 is at least 1 for an unbiased estimate, got {m}")
    return m


def _constants(mu, L, m):
    mu = _checks.positive_float(mu, "mu")
    L = _checks.positive_float(L, "L")
    if mu > L:
        raise ValueError(f"mu must not exceed L; got mu={mu}, L={L}")
    return mu, L, _factor(m)
