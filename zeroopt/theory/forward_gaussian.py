"""Forward Gaussian differences (Nesterov & Spokoiny 2017): their step and contraction bound, and, on
quadratics, the exact expected recursion, its rate and the level where it stalls."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ._common import _constants


def ns_forward_step(n, L):
    r"""Nesterov and Spokoiny's step for gradient descent with forward Gaussian differences.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    L : float
        Smoothness constant.

    Returns
    -------
    float
        :math:`1/(4(n+4)L)`.

    Raises
    ------
    ValueError
        If ``n < 1`` or ``L`` is not a finite positive number.

    See Also
    --------
    ns_forward_contraction : The contraction they prove with this step.
    forward_gaussian_rate : The exact expected contraction on a quadratic at any step.

    Notes
    -----
    [NS17]_ (Theorem 8) run gradient descent with the forward Gaussian estimate
    :math:`G = \frac{f(x + \varepsilon u) - f(x)}{\varepsilon}\,u`, :math:`u \sim N(0, I_n)`, with the step

    .. math::

        h = \frac{1}{4(n+4)L},

    which their bound on the second moment (Theorem 4) allows:

    .. math::

        \mathbb E\|G\|^2 \le 2(n+4)\|\nabla f(x)\|^2 + \frac{\varepsilon^2}{2}L^2(n+6)^3.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    >>> ns_forward_step(6, 1.0)
    0.025
    """
    n = _checks.positive_int(n, "n")
    return 1.0 / (4.0 * (n + 4) * _checks.positive_float(L, "L"))


def ns_forward_contraction(n, mu, L):
    r"""Nesterov and Spokoiny's bound on the contraction per iteration with forward Gaussian differences.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    mu, L : float
        Strong-convexity and smoothness constants, :math:`0 < \mu \le L`.

    Returns
    -------
    float
        :math:`1 - \mu/(8(n+4)L)`.

    Raises
    ------
    ValueError
        As :func:`contraction`, or if ``n < 1``.

    See Also
    --------
    ns_forward_step : The step the bound holds for.
    contraction : The contraction of an oracle of second-moment factor m.
    forward_gaussian_rate : The exact expected contraction on a quadratic.

    Notes
    -----
    With the step :func:`ns_forward_step`, on a :math:`\mu`-strongly convex :math:`L`-smooth function,
    [NS17]_ (Theorem 8) prove

    .. math::

        \mathbb E f(x_k) - f^* \le{}& \frac L2 \Big(1 - \frac{\mu}{8(n+4)L}\Big)^k \|x_0 - x^*\|^2 \\
        &+ O(\varepsilon^2),

    the last term from the smoothing bias of the difference step :math:`\varepsilon`. A worst-case
    bound: :func:`forward_gaussian_rate` gives the exact expected rate on a quadratic, which is faster.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    >>> ns_forward_contraction(6, 1.0, 10.0)
    0.99875
    """
    n = _checks.positive_int(n, "n")
    mu, L, _ = _constants(mu, L, 1.0)
    return 1.0 - mu / (8.0 * (n + 4) * L)


def forward_gaussian_moments(eigenvalues, step, eps):
    r"""The exact expected recursion of gradient descent with forward Gaussian differences on a quadratic.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues :math:`\lambda_i`, all positive.
    step : float
        The step :math:`h`.
    eps : float
        The forward-difference step :math:`\varepsilon`.

    Returns
    -------
    M : numpy.ndarray, shape (n, n)
        The matrix of the recursion (see Notes).
    b : numpy.ndarray, shape (n,)
        Its constant term, the error of the forward difference.

    Raises
    ------
    ValueError
        If an eigenvalue is not positive, or ``step`` or ``eps`` is not a finite positive number.

    See Also
    --------
    forward_gaussian_rate : The contraction of the recursion, the spectral radius of M.
    forward_gaussian_floor : Its fixed point, where the iterates stall.
    ns_forward_contraction : Nesterov and Spokoiny's worst-case bound.

    Notes
    -----
    On :math:`f(x) = \frac12 e^\top A e`, :math:`e = x - x^*`, the forward Gaussian estimate [NS17]_ is

    .. math::

        G &= \frac{f(x + \varepsilon u) - f(x)}{\varepsilon}\,u \\
          &= \Big(g^\top u + \frac\varepsilon2\,u^\top A u\Big)\,u, \qquad u \sim N(0, I),

    and the step is :math:`e' = e - hG`. In the eigenbasis of :math:`A` the diagonal
    :math:`s_i = \mathbb E[e_i^2]` of the second moment follows :math:`s' = Ms + b` exactly, with

    .. math::

        M &= \operatorname{diag}\big(1 - 2h\lambda_i + 2h^2\lambda_i^2\big) \\
          &\quad + h^2\,\mathbf 1\,(\lambda^2)^\top, \\
        b_i &= \Big(\frac{h\varepsilon}{2}\Big)^2 \big((\operatorname{tr} A)^2 + 2\operatorname{tr} A^2 \\
          &\quad + 4\operatorname{tr}(A)\,\lambda_i + 8\lambda_i^2\big),

    from the Gaussian moments :math:`\mathbb E[uu^\top B uu^\top] = 2B + \operatorname{tr}(B) I` and
    :math:`\mathbb E[(u^\top A u)^2 uu^\top] = ((\operatorname{tr} A)^2 + 2\operatorname{tr} A^2) I
    + 4\operatorname{tr}(A) A + 8A^2` (the cross terms are odd in :math:`u`). Then
    :math:`\mathbb E f(x_k) - f^* = \frac12 \lambda^\top s_k` and
    :math:`\mathbb E\|x_k - x^*\|^2 = \sum_i s_{k,i}`.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    For :math:`n = 1`, :math:`M = 1 - 2h + 2h^2 + h^2` and :math:`b = (h\varepsilon/2)^2 \cdot 15`:

    >>> M, b = forward_gaussian_moments([1.0], 0.1, 1e-3)
    >>> round(float(M[0, 0]), 12), round(float(b[0]), 20)
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
    r"""The level where gradient descent with forward Gaussian differences stalls on a quadratic.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues, all positive.
    step : float
        The step :math:`h`.
    eps : float
        The forward-difference step :math:`\varepsilon`.

    Returns
    -------
    f_gap : float
        The stationary :math:`\mathbb E f(x) - f^*`.
    dist2 : float
        The stationary :math:`\mathbb E\|x - x^*\|^2`.

    Raises
    ------
    ValueError
        As :func:`forward_gaussian_moments`, or if the recursion does not contract (the step is too large).

    See Also
    --------
    forward_gaussian_moments : The recursion.
    forward_gaussian_rate : How fast the iterates approach the level.

    Notes
    -----
    The fixed point of the recursion :math:`s' = Ms + b` of :func:`forward_gaussian_moments`,

    .. math::

        s &= (I - M)^{-1} b, \\
        \mathbb E f(x) - f^* &= \tfrac12 \lambda^\top s, \\
        \mathbb E\|x - x^*\|^2 &= \textstyle\sum_i s_i.

    At :math:`x^*` the estimate is :math:`\frac\varepsilon2 (u^\top A u)\,u`, not 0: the
    :math:`O(\varepsilon)` error of a forward difference [NS17]_ keeps the iterates moving, and the fixed
    step balances it at this level.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

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
    r"""The asymptotic expected contraction per iteration of forward Gaussian differences on a quadratic.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues, all positive.
    step : float
        The step :math:`h`.

    Returns
    -------
    float
        The spectral radius :math:`\rho(M)` of the recursion's matrix; it does not depend on
        :math:`\varepsilon`.

    Raises
    ------
    ValueError
        As :func:`forward_gaussian_moments`.

    See Also
    --------
    forward_gaussian_moments : The recursion.
    ns_forward_contraction : Nesterov and Spokoiny's worst-case bound.
    contraction : The bound of an oracle of second-moment factor m.

    Notes
    -----
    Both :math:`\mathbb E f(x_k) - f^*` and :math:`\mathbb E\|x_k - x^*\|^2` of the recursion
    :math:`s' = Ms + b` (:func:`forward_gaussian_moments`, for the estimator of [NS17]_) approach their
    floor like :math:`\rho(M)^k`, with :math:`\rho(M) = \max |\operatorname{eig}(M)|`. In one dimension
    :math:`\rho = 1 - 2h\lambda + 3h^2\lambda^2`.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    >>> round(forward_gaussian_rate([1.0], 0.1), 6)   # one dimension
    0.83
    """
    M, _ = forward_gaussian_moments(eigenvalues, step, 1.0)
    return float(np.max(np.abs(np.linalg.eigvals(M))))
