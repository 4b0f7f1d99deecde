"""The classic test problems: quadratic, Rosenbrock, logistic regression, Nesterov's worst case, mds.

Each function returns a :class:`zeroopt.Problem` with what is known about it. Objectives are plain numpy
functions, jitted here with ``cache=True`` so their compiled code is reused across sessions;
:mod:`zeroopt.ad` differentiates their ``py_func``.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .. import _checks
from ..problem import Problem

_jit = numba.njit(cache=True, error_model="numpy")


# --- strongly convex quadratic -------------------------------------------------------------------
@_jit
def quadratic_fun(x, A, c):
    r"""The quadratic objective of :func:`quadratic`, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    A : numpy.ndarray, shape (n, n)
        The Hessian, symmetric.
    c : numpy.ndarray, shape (n,)
        The centre.

    Returns
    -------
    float
        :math:`\tfrac12 (x - c)^\top A (x - c)`.

    See Also
    --------
    quadratic : The problem built on it.
    quadratic_batch : The same at many points.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> zo.problems.quadratic_fun(np.ones(2), np.diag([1.0, 3.0]), np.zeros(2))
    2.0
    """
    d = x - c
    return 0.5 * (d @ (A @ d))


def quadratic_batch(X, A, c):
    """The quadratic objective at each row of a matrix, as one matrix-matrix product.

    Parameters
    ----------
    X : numpy.ndarray, shape (k, n)
        The points, one per row.
    A : numpy.ndarray, shape (n, n)
        The Hessian, symmetric.
    c : numpy.ndarray, shape (n,)
        The centre.

    Returns
    -------
    numpy.ndarray, shape (k,)
        :func:`quadratic_fun` at each row.

    See Also
    --------
    quadratic_fun : One point.
    zeroopt.Problem : Takes it as ``batch_fun``.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> zo.problems.quadratic_batch(X, np.diag([1.0, 3.0]), np.zeros(2))
    array([0.5, 2. ])
    """
    D = X - c
    return 0.5 * np.einsum("ij,ij->i", D @ A, D)


def _eigenvalues(n, mu, L):
    """n eigenvalues evenly spread over [mu, L], both ends included."""
    if n == 1:
        if mu != L:
            raise ValueError(f"a 1-dimensional quadratic has one eigenvalue: mu must equal L (got {mu}, {L})")
        return np.array([L])
    return np.linspace(mu, L, n)


def random_rotation(n, rng):
    r"""Draw a Haar-distributed random orthogonal matrix.

    Parameters
    ----------
    n : int
        The size.
    rng : numpy.random.Generator
        The source of the draw.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        An orthogonal matrix :math:`Q`, distributed uniformly on the orthogonal group.

    See Also
    --------
    quadratic : Rotates its eigenbasis by one.

    Notes
    -----
    With the QR decomposition :math:`G = QR` of a Gaussian matrix, :math:`G_{ij} \sim N(0, 1)`, the
    matrix :math:`Q\,\operatorname{diag}(\operatorname{sign} R_{ii})` is Haar-distributed: fixing the
    signs removes the bias of the QR routine's sign convention [M07]_.

    References
    ----------
    .. [M07] F. Mezzadri. How to generate random matrices from the classical compact groups. *Notices
       of the AMS* 54(5):592–604, 2007.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> Q = zo.problems.random_rotation(3, np.random.default_rng(0))
    >>> bool(np.allclose(Q @ Q.T, np.eye(3)))
    True
    """
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.where(np.diag(R) >= 0, 1.0, -1.0)


def quadratic(n, mu=1.0, L=10.0, seed=0):
    r"""Build a strongly convex quadratic with known constants.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    mu, L : float, default 1 and 10
        The smallest and largest eigenvalues of :math:`A`, :math:`0 < \mu \le L`
        (:math:`\mu = L` needed for :math:`n = 1`).
    seed : int, default 0
        Seed of the rotation and of :math:`x^*`.

    Returns
    -------
    Problem
        :func:`quadratic_fun` with ``args = (A, x_star)``, ``x_star``, ``f_star = 0``, ``mu``, ``L`` and
        a ``batch_fun`` (:func:`quadratic_batch`: one matrix-matrix product for many points).

    Raises
    ------
    ValueError
        If ``n < 1``, ``mu > L``, ``mu != L`` for ``n = 1``, or ``mu`` or ``L`` is not a finite positive
        number (named).
    TypeError
        If an argument is not a number (named).

    See Also
    --------
    zeroopt.theory.contraction : The rate of gradient descent on it.
    rosenbrock, logistic, nesterov, mds : The other test problems.

    Notes
    -----
    .. math::

        f(x) &= \tfrac12 (x - x^*)^\top A (x - x^*), \\
        A &= Q \operatorname{diag}(\lambda) Q^\top,

    with :math:`\lambda` evenly spread over :math:`[\mu, L]` (both ends included), :math:`Q` a
    Haar-random rotation (:func:`random_rotation`, [M07]_) and :math:`x^* \sim N(0, I/n)`, so that
    :math:`\|x^*\|` is about 1; :math:`f^* = 0`.

    References
    ----------
    .. [M07] F. Mezzadri. How to generate random matrices from the classical compact groups. *Notices
       of the AMS* 54(5):592–604, 2007.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(5, mu=1.0, L=10.0, seed=0)
    >>> np.linalg.eigvalsh(p.args[0])[[0, -1]].round(12), p.value(p.x_star)
    (array([ 1., 10.]), 0.0)
    """
    n = _checks.positive_int(n, "n")
    mu = _checks.positive_float(mu, "mu")
    L = _checks.positive_float(L, "L")
    if mu > L:
        raise ValueError(f"mu must not exceed L; got mu={mu}, L={L}")
    rng = np.random.default_rng(seed)
    Q = random_rotation(n, rng)
    A = (Q * _eigenvalues(n, mu, L)) @ Q.T
    A = 0.5 * (A + A.T)
    x_star = rng.standard_normal(n) / math.sqrt(n)
    return Problem(quadratic_fun, n, args=(A, x_star), x_star=x_star, f_star=0.0, mu=mu, L=L,
                   name=f"quadratic(n={n}, mu={mu:g}, L={L:g}, seed={seed})", batch_fun=quadratic_batch)


# --- Rosenbrock ----------------------------------------------------------------------------------
@_jit
def rosenbrock_fun(x):
    r"""The chained Rosenbrock function, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point, :math:`n \ge 2`.

    Returns
    -------
    float
        The value (see :func:`rosenbrock`).

    See Also
    --------
    rosenbrock : The problem built on it.

    Notes
    -----
    .. math::

        f(x) = \sum_{i=1}^{n-1} 100\,(x_{i+1} - x_i^2)^2 + (1 - x_i)^2

    [R60]_ (the chained form in :math:`n` dimensions).

    References
    ----------
    .. [R60] H. H. Rosenbrock. An automatic method for finding the greatest or least value of a
       function. *The Computer Journal* 3(3):175–184, 1960.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> f = zo.problems.rosenbrock_fun
    >>> f(np.ones(3)), f(np.zeros(3))
    (0.0, 2.0)
    """
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock(n):
    r"""Build the n-dimensional Rosenbrock function in its chained form.

    Parameters
    ----------
    n : int
        Dimension, at least 2.

    Returns
    -------
    Problem
        :func:`rosenbrock_fun` with ``x_star`` :math:`= (1, \dots, 1)` and ``f_star = 0``; ``L`` and ``mu``
        are unknown (None): it is not globally smooth, and ``step=None`` in :func:`zeroopt.minimize` then
        uses the adaptive rule.

    Raises
    ------
    ValueError
        If ``n < 2``.
    TypeError
        If ``n`` is not an integer.

    See Also
    --------
    rosenbrock_fun : The objective.
    zeroopt.problems.more_wild : Its two-dimensional form in the Moré–Wild set (row 7).

    Notes
    -----
    .. math::

        f(x) &= \sum_{i=1}^{n-1} 100\,(x_{i+1} - x_i^2)^2 + (1 - x_i)^2, \\
        x^* &= (1, \dots, 1), \quad f^* = 0

    [R60]_.

    References
    ----------
    .. [R60] H. H. Rosenbrock. An automatic method for finding the greatest or least value of a
       function. *The Computer Journal* 3(3):175–184, 1960.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> zo.problems.rosenbrock(3).value(np.ones(3))
    0.0
    """
    n = _checks.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"rosenbrock needs n >= 2, got n={n}")
    return Problem(rosenbrock_fun, n, x_star=np.ones(n), f_star=0.0, name=f"rosenbrock(n={n})")


# --- logistic regression -------------------------------------------------------------------------
@_jit
def logistic_fun(x, A, y, reg):
    r"""The regularised logistic loss, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The weights.
    A : numpy.ndarray, shape (m, n)
        The features :math:`a_i`, one sample per row.
    y : numpy.ndarray, shape (m,)
        The labels, in :math:`\{-1, 1\}`.
    reg : float
        The weight of the :math:`\ell_2` penalty.

    Returns
    -------
    float
        The value (see :func:`logistic`), computed with ``numpy.logaddexp`` (no overflow).

    See Also
    --------
    logistic : The problem built on it.

    Notes
    -----
    .. math::

        f(x) = \frac1m \sum_{i=1}^m \log\big(1 + e^{-y_i \langle a_i, x\rangle}\big)
        + \frac{\mathrm{reg}}{2}\|x\|^2

    (the loss whose gradient and Hessian lecture notes 000 derive [M000]_).

    References
    ----------
    .. [M000] D. Merkulov. Lecture notes 000 of the course *Optimization for ML* (in Russian): matrix
       calculus, automatic differentiation, zero-order methods. Faculty of Computer Science, HSE University.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> A, y = np.eye(2), np.array([1.0, -1.0])
    >>> f0 = zo.problems.logistic_fun(np.zeros(2), A, y, 0.0)     # log 2 at 0
    >>> bool(np.isclose(f0, np.log(2)))
    True
    """
    return np.mean(np.logaddexp(0.0, -y * (A @ x))) + 0.5 * reg * (x @ x)


def logistic_batch(X, A, y, reg):
    r"""Evaluate :func:`logistic_fun` at each row of X, the margins of all points in one matrix product.

    Parameters
    ----------
    X : numpy.ndarray, shape (k, n)
        The points, one per row (for a two-point estimate with :math:`q` directions, its :math:`2q`
        points).
    A : numpy.ndarray, shape (m, n)
        The features, one sample per row (``problem.args[0]`` of :func:`logistic`).
    y : numpy.ndarray, shape (m,)
        The labels, in :math:`\{-1, 1\}`.
    reg : float
        The weight of the :math:`\ell_2` penalty.

    Returns
    -------
    numpy.ndarray, shape (k,)
        The loss at each row of ``X``.

    See Also
    --------
    logistic_fun : The loss at one point.
    logistic_along : The points of a two-point estimate, from the directions (half the product).
    logistic : The problem whose ``batch_fun`` this is.

    Notes
    -----
    The margins of all :math:`k` points come from one matrix-matrix product, :math:`Z = X A^\top`
    (:math:`k \times m`); then each row gets the reduction of :func:`logistic_fun`,

    .. math::

        f(X_j) = \frac1m \sum_{i=1}^m \log\big(1 + e^{-y_i Z_{ji}}\big)
        + \frac{\mathrm{reg}}{2}\|X_j\|^2,

    row by row on numba's threads, each sum in index order (the same bits on any thread count). The
    values agree with :func:`logistic_fun`'s to rounding: the product adds a margin's terms in another
    order than the matrix-vector product does, and either differs from the exact margin by at most
    :math:`\gamma_n \sum_t |a_{it} X_{jt}|`, :math:`\gamma_n = nu/(1 - nu)` with :math:`u` the unit
    roundoff [H02]_.

    References
    ----------
    .. [H02] N. J. Higham. *Accuracy and Stability of Numerical Algorithms*, 2nd ed. SIAM, 2002. §3.1
       (the error of an inner product).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.logistic(50, 4, seed=0)
    >>> X = np.random.default_rng(0).standard_normal((3, 4))
    >>> batched = zo.problems.logistic_batch(X, *p.args)
    >>> serial = [p.value(x, count=False) for x in X]
    >>> bool(np.allclose(batched, serial, rtol=1e-13, atol=0))
    True
    """
    return logistic_rows(X @ A.T, X, y, reg)


def logistic_along(x, V, eps, forward, A, y, reg):
    r"""Evaluate :func:`logistic_fun` at the points of a two-point estimate, from its directions.

    This is ``logistic_batch.along``, which ``TwoPoint`` calls with :math:`x` and the directions
    instead of building the points.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point the estimate is taken at.
    V : numpy.ndarray, shape (q, n)
        The directions :math:`v_j`, one per row.
    eps : float
        The step :math:`\varepsilon`.
    forward : bool
        Forward differences (the points :math:`x` and :math:`x + \varepsilon v_j`) or central ones
        (:math:`x \pm \varepsilon v_j`).
    A : numpy.ndarray, shape (m, n)
        The features, one sample per row (``problem.args[0]`` of :func:`logistic`).
    y : numpy.ndarray, shape (m,)
        The labels, in :math:`\{-1, 1\}`.
    reg : float
        The weight of the :math:`\ell_2` penalty.

    Returns
    -------
    numpy.ndarray, shape (2q,) or (q + 1,)
        The losses in point-code order: central, :math:`x + \varepsilon v_j` at :math:`2j` and
        :math:`x - \varepsilon v_j` at :math:`2j + 1`; forward, :math:`x` at 0 and
        :math:`x + \varepsilon v_j` at :math:`1 + j`.

    See Also
    --------
    logistic_batch : The losses at points given whole.
    logistic_fun : The loss at one point.

    Notes
    -----
    The margins of all points come from one matrix-vector product and one matrix-matrix product of
    half the size of :func:`logistic_batch`'s (:math:`V A^\top` is :math:`q \times m`):

    .. math::

        A (x \pm \varepsilon v_j) = A x \pm \varepsilon A v_j;

    then each point gets the reduction of :func:`logistic_fun`, with the penalty's
    :math:`\|w\|^2` summed over the point :math:`w = x \pm \varepsilon v_j` itself. The values agree
    with :func:`logistic_fun`'s to rounding: a margin differs by at most about
    :math:`\gamma_n \big(\sum_t |a_{it} x_t| + \varepsilon \sum_t |a_{it} v_{jt}|\big)` plus
    :math:`u` times its size, :math:`\gamma_n = nu/(1 - nu)` with :math:`u` the unit roundoff [H02]_.

    References
    ----------
    .. [H02] N. J. Higham. *Accuracy and Stability of Numerical Algorithms*, 2nd ed. SIAM, 2002. §3.1
       (the error of an inner product).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.logistic(50, 4, seed=0)
    >>> x, V = np.zeros(4), np.eye(4)[:2]
    >>> vals = zo.problems.logistic_along(x, V, 1e-3, False, *p.args)
    >>> points = [x + s * 1e-3 * v for v in V for s in (1, -1)]
    >>> serial = [p.value(w, count=False) for w in points]
    >>> bool(np.allclose(vals, serial, rtol=1e-13, atol=0))
    True
    """
    return logistic_along_rows(A @ x, V @ A.T, x, V, eps, forward, y, reg)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _softplus(t):
    """log(1 + e^t) as max(t, 0) + log1p(e^-|t|): np.logaddexp(0, t) without its general case's checks
    (the same formula, so the same value to rounding; NaN stays NaN, +-inf give inf and 0)."""
    if t > 0.0:
        return t + np.log1p(np.exp(-t))
    return np.log1p(np.exp(t))


@numba.njit(cache=True, error_model="numpy", parallel=True)
def logistic_along_rows(Ax, AV, x, V, eps, forward, y, reg):
    """The reduction of :func:`logistic_along`: each point's loss from ``Ax +- eps AV[j]`` (rows on
    numba's threads, each sum in index order)."""
    q, m = AV.shape
    n = x.shape[0]
    out = np.empty(q + 1 if forward else 2 * q)
    if forward:
        s = 0.0
        for i in range(m):
            s += np.logaddexp(0.0, -y[i] * Ax[i])
        r = 0.0
        for t in range(n):
            r += x[t] * x[t]
        out[0] = s / m + 0.5 * reg * r
    for j in numba.prange(q):
        for side in range(1 if forward else 2):
            sign = 1.0 if side == 0 else -1.0
            s = 0.0
            for i in range(m):
                s += _softplus(-y[i] * (Ax[i] + sign * (eps * AV[j, i])))
            r = 0.0
            for t in range(n):
                w = x[t] + sign * (eps * V[j, t])
                r += w * w
            out[1 + j if forward else 2 * j + side] = s / m + 0.5 * reg * r
    return out


logistic_batch.along = logistic_along


@numba.njit(cache=True, error_model="numpy", parallel=True)
def logistic_rows(Z, X, y, reg):
    """The losses of the rows of X from their margins Z = X A' (the reduction of :func:`logistic_batch`):
    row by row on numba's threads, each row's sums in index order (the same bits on any thread count)."""
    k, m = Z.shape
    out = np.empty(k)
    for j in numba.prange(k):
        s = 0.0
        for i in range(m):
            s += np.logaddexp(0.0, -y[i] * Z[j, i])
        r = 0.0
        for t in range(X.shape[1]):
            r += X[j, t] * X[j, t]
        out[j] = s / m + 0.5 * reg * r
    return out


def _logistic_newton(A, y, reg, iters=100):
    """The minimiser of logistic_fun by damped Newton in numpy, to machine precision."""
    m, n = A.shape
    x = np.zeros(n)

    def f(x):
        return np.mean(np.logaddexp(0.0, -y * (A @ x))) + 0.5 * reg * (x @ x)

    for _ in range(iters):
        z = -y * (A @ x)
        s = 0.5 * (1.0 + np.tanh(0.5 * z))          # sigma(z), stable
        g = A.T @ (-y * s) / m + reg * x
        if np.linalg.norm(g) <= 1e-15 * max(1.0, np.linalg.norm(A.T @ y) / m):
            break
        H = (A.T * (s * (1.0 - s))) @ A / m + reg * np.eye(n)
        d = np.linalg.solve(H, g)
        t, f0 = 1.0, f(x)
        while f(x - t * d) > f0 - 0.25 * t * (g @ d) and t > 1e-12:
            t *= 0.5
        x = x - t * d
    return x


def logistic(m=500, n=100, seed=0, reg=1e-2):
    r"""Build L2-regularised logistic regression on m samples in dimension n, with its constants.

    Parameters
    ----------
    m, n : int, default 500 and 100
        Samples and dimension, at least 1.
    seed : int, default 0
        Seed of the features, the planted weights and the labels.
    reg : float, default 1e-2
        The weight of the :math:`\ell_2` penalty, at least 0.

    Returns
    -------
    Problem
        :func:`logistic_fun` with ``args = (A, y, reg)``, ``L``, and for ``reg > 0`` ``mu = reg``,
        ``x_star`` and ``f_star``, computed at construction by damped Newton to machine precision. Its
        ``batch_fun`` is :func:`logistic_batch`: a multi-point estimate (``TwoPoint(directions=q)``,
        :math:`q > 1`) evaluates its :math:`2q` points with one matrix-matrix product
        (:func:`logistic_along`).

    Raises
    ------
    ValueError
        If ``reg`` is negative or not finite, or ``m`` or ``n`` is below 1 (named).
    TypeError
        If ``m`` or ``n`` is not an integer (named).

    See Also
    --------
    logistic_fun : The objective.
    quadratic : A quadratic with known constants.

    Notes
    -----
    .. math::

        f(x) = \frac1m \sum_{i=1}^m \log\big(1 + e^{-y_i \langle a_i, x\rangle}\big)
        + \frac{\mathrm{reg}}{2}\|x\|^2,

    features :math:`a_i \sim N(0, I)`, labels :math:`y_i \in \{-1, 1\}` drawn from a planted logistic model
    (weights :math:`w \sim N(0, I/n)`, :math:`P(y_i = 1) = \sigma(\langle a_i, w\rangle)`). The Hessian is
    :math:`\frac1m A^\top \operatorname{diag}(s_i(1 - s_i)) A + \mathrm{reg}\,I` with
    :math:`s_i(1 - s_i) \le \tfrac14` [M000]_, so

    .. math::

        L = \frac{\lambda_{\max}(A^\top A)}{4m} + \mathrm{reg}, \qquad \mu = \mathrm{reg}.

    References
    ----------
    .. [M000] D. Merkulov. Lecture notes 000 of the course *Optimization for ML* (in Russian): matrix
       calculus, automatic differentiation, zero-order methods. Faculty of Computer Science, HSE University.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.logistic(50, 5, seed=0)
    >>> bool(np.linalg.norm(zo.grad(p.py_fun)(p.x_star, *p.args)) < 1e-12)
    True
    """
    m = _checks.positive_int(m, "m")
    n = _checks.positive_int(n, "n")
    if isinstance(reg, bool) or not isinstance(reg, (int, float)) or not math.isfinite(reg) or reg < 0:
        raise ValueError(f"reg must be a finite number >= 0, got {reg!r}")
    reg = float(reg)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    w = rng.standard_normal(n) / math.sqrt(n)
    p = 1.0 / (1.0 + np.exp(-(A @ w)))
    y = np.where(rng.random(m) < p, 1.0, -1.0)
    L = np.linalg.eigvalsh(A.T @ A)[-1] / (4.0 * m) + reg
    x_star = f_star = None
    if reg > 0:
        x_star = _logistic_newton(A, y, reg)
        f_star = float(np.mean(np.logaddexp(0.0, -y * (A @ x_star))) + 0.5 * reg * (x_star @ x_star))
    return Problem(logistic_fun, n, args=(A, y, reg), x_star=x_star, f_star=f_star, mu=reg if reg > 0 else None, L=L,
                   name=f"logistic(m={m}, n={n}, seed={seed}, reg={reg:g})", batch_fun=logistic_batch)


# --- convex, not strongly convex: Nesterov's worst-case function ----------------------------------
@_jit
def nesterov_fun(x, L):
    r"""Nesterov's worst-case smooth convex function, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point, :math:`n \ge 2`.
    L : float
        The smoothness constant.

    Returns
    -------
    float
        The value (see :func:`nesterov`).

    See Also
    --------
    nesterov : The problem built on it.

    Notes
    -----
    .. math::

        f(x) = \frac L8 \Big(x_1^2 + \sum_{i=1}^{n-1} (x_i - x_{i+1})^2 + x_n^2 - 2x_1\Big)

    ([N04]_ §2.1.2, with :math:`k = n`).

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> zo.problems.nesterov_fun(np.array([1.0, 0.0]), 8.0)
    0.0
    """
    return 0.125 * L * (x[0] * x[0] + np.sum((x[:-1] - x[1:]) ** 2) + x[-1] * x[-1] - 2.0 * x[0])


def nesterov(n, L=1.0):
    r"""Build Nesterov's worst-case smooth convex function in dimension n.

    Parameters
    ----------
    n : int
        Dimension, at least 2.
    L : float, default 1
        The smoothness constant.

    Returns
    -------
    Problem
        :func:`nesterov_fun` with ``args = (L,)``, ``L``, and the closed-form ``x_star`` and ``f_star``
        (see Notes); ``mu`` is None (convex, not uniformly strongly convex).

    Raises
    ------
    ValueError
        If ``n < 2`` or ``L`` is not a finite positive number (named).
    TypeError
        If an argument is not a number (named).

    See Also
    --------
    nesterov_fun : The objective.
    zeroopt.theory.nesterov_eigenvalues : Its Hessian spectrum.
    zeroopt.theory.nesterov_linear_after : Where gradient descent on it turns linear.

    Notes
    -----
    The function of [N04]_ §2.1.2 with :math:`k = n`,

    .. math::

        f(x) &= \frac L8 \big(x^\top T x - 2x_1\big), \\
        T &= \operatorname{tridiag}(-1, 2, -1).

    Its Hessian :math:`\frac L4 T` has the eigenvalues
    :math:`\frac L2 \big(1 - \cos\frac{j\pi}{n+1}\big)` in :math:`(0, L)`: it is :math:`L`-smooth, and the
    smallest, about :math:`L\pi^2/(4(n+1)^2)`, vanishes as :math:`n` grows. In closed form

    .. math::

        x^*_i = 1 - \frac{i}{n+1}, \qquad f^* = -\frac L8\,\frac{n}{n+1},

    and from :math:`x_0 = 0`, :math:`f(x_0) - f^* = \frac L8 \frac{n}{n+1}`.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.nesterov(4)
    >>> bool(np.isclose(p.value(p.x_star), p.f_star))
    True
    """
    n = _checks.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"nesterov needs n >= 2, got n={n}")
    L = _checks.positive_float(L, "L")
    x_star = 1.0 - np.arange(1, n + 1) / (n + 1.0)
    return Problem(nesterov_fun, n, args=(L,), x_star=x_star, f_star=-0.125 * L * n / (n + 1.0), L=L,
                   name=f"nesterov(n={n}, L={L:g})")


# --- smooth nonconvex: distance-matrix recovery (lecture notes 000) -------------------------------
@_jit
def mds_fun(x, D, d):
    r"""The distance-matrix recovery loss, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (N d,)
        The points :math:`W_1, \dots, W_N`, one after the other.
    D : numpy.ndarray, shape (N, N)
        The squared distances to recover.
    d : int
        The points' dimension.

    Returns
    -------
    float
        The value (see :func:`mds`).

    See Also
    --------
    mds : The problem built on it.
    mds_hessian : Its Hessian in closed form.

    Notes
    -----
    With :math:`W = x` reshaped to :math:`N \times d`,

    .. math::

        f(W) = \sum_{i,j} \big(\|W_i - W_j\|^2 - D_{ij}\big)^2

    (lecture notes 000 [M000]_), the sum over all ordered pairs.

    References
    ----------
    .. [M000] D. Merkulov. Lecture notes 000 of the course *Optimization for ML* (in Russian): matrix
       calculus, automatic differentiation, zero-order methods. Faculty of Computer Science, HSE University.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> W = np.array([0.0, 0.0, 3.0, 4.0])           # two points in the plane
    >>> D = np.array([[0.0, 25.0], [25.0, 0.0]])
    >>> zo.problems.mds_fun(W, D, 2)
    0.0
    """
    W = x.reshape(-1, d)
    G = W @ W.T
    sq = np.diag(G).copy()
    R = sq[:, None] + sq[None, :] - 2.0 * G - D
    return np.sum(R * R)


def mds_hessian(x, D, d):
    r"""Compute the exact Hessian of the distance-matrix recovery loss in closed form.

    Parameters
    ----------
    x : array_like, shape (N d,)
        The points, one after the other.
    D : numpy.ndarray, shape (N, N)
        The squared distances.
    d : int
        The points' dimension.

    Returns
    -------
    numpy.ndarray, shape (N d, N d)
        The Hessian of :func:`mds_fun` at ``x``.

    See Also
    --------
    mds_fun : The loss.
    zeroopt.hessian : The same by automatic differentiation.

    Notes
    -----
    For each pair :math:`i \ne j`, with :math:`\delta = W_i - W_j` and :math:`r = \|\delta\|^2 - D_{ij}`, the
    block

    .. math::

        M_{ij} = 8r\,I + 16\,\delta\delta^\top

    enters :math:`H_{ij} = -M_{ij}` and :math:`H_{ii} \mathrel{+}= M_{ij}` (both orders of the pair
    count in the loss of [M000]_).

    References
    ----------
    .. [M000] D. Merkulov. Lecture notes 000 of the course *Optimization for ML* (in Russian): matrix
       calculus, automatic differentiation, zero-order methods. Faculty of Computer Science, HSE University.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.mds(3, 2, seed=0)
    >>> H = zo.problems.mds_hessian(p.x0, *p.args)
    >>> bool(np.allclose(H, zo.hessian(p.py_fun)(p.x0, *p.args)))
    True
    """
    W = np.asarray(x, dtype=float).reshape(-1, d)
    N = W.shape[0]
    delta = W[:, None, :] - W[None, :, :]
    r = np.sum(delta ** 2, axis=-1) - D
    M = 8.0 * r[:, :, None, None] * np.eye(d) + 16.0 * delta[:, :, :, None] * delta[:, :, None, :]
    M[np.arange(N), np.arange(N)] = 0.0
    H = -M
    H[np.arange(N), np.arange(N)] = M.sum(axis=1)
    return H.transpose(0, 2, 1, 3).reshape(N * d, N * d)


def mds(N, d=2, seed=0, noise=0.3, samples=32):
    r"""Build distance-matrix recovery: recover N points in dimension d from their squared distances.

    The start :math:`x_0 = P + \mathrm{noise}\cdot Z` (:math:`Z \sim N(0, I)`, in ``problem.x0``) and
    :math:`L` is the largest Hessian eigenvalue (exact, closed form, :func:`mds_hessian`) over
    :math:`x_0` and ``samples`` - 1 random points at the same distance from the planted configuration
    :math:`P` as :math:`x_0`: a valid :math:`L` on the neighbourhood of :math:`P` the runs start in and,
    decreasing :math:`f`, stay in (a test checks it along runs).

    Parameters
    ----------
    N : int
        The number of points, at least 2.
    d : int, default 2
        Their dimension, at least 1.
    seed : int, default 0
        Seed of the planted points, the start and the sample points.
    noise : float, default 0.3
        Scale of the start's perturbation of :math:`P`.
    samples : int, default 32
        Points over which :math:`L` is taken.

    Returns
    -------
    Problem
        :func:`mds_fun` with ``args = (D, d)``, ``f_star = 0``, ``L``, and the extra attributes ``x0``
        (the start) and ``planted`` (:math:`P`, shape ``(N, d)``). ``x_star`` is None: the minimisers are
        all rigid motions of :math:`P` (``dist2`` in histories is NaN).

    Raises
    ------
    ValueError
        If ``N < 2`` or ``d < 1`` (named).
    TypeError
        If ``N`` or ``d`` is not an integer (named).

    See Also
    --------
    mds_fun : The loss.
    mds_hessian : Its Hessian.

    Notes
    -----
    The problem of lecture notes 000 [M000]_, :math:`n = Nd`:

    .. math::

        f(W) &= \sum_{i,j} \big(\|W_i - W_j\|^2 - D_{ij}\big)^2, \\
        D_{ij} &= \|P_i - P_j\|^2,

    with the planted configuration :math:`P \sim N(0, I)`, so :math:`f^* = 0`, attained on the rigid
    motions of :math:`P`. Nonconvex and quartic, so not globally smooth.

    References
    ----------
    .. [M000] D. Merkulov. Lecture notes 000 of the course *Optimization for ML* (in Russian): matrix
       calculus, automatic differentiation, zero-order methods. Faculty of Computer Science, HSE University.

    Examples
    --------
    >>> import zeroopt as zo
    >>> p = zo.problems.mds(5, 2, seed=0)
    >>> p.dim, p.value(p.planted.ravel()) < 1e-20
    (10, True)
    """
    N = _checks.positive_int(N, "N")
    d = _checks.positive_int(d, "d")
    if N < 2:
        raise ValueError(f"mds needs N >= 2 points, got N={N}")
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((N, d))
    sq = np.sum(P ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * P @ P.T
    D = 0.5 * (D + D.T)
    np.fill_diagonal(D, 0.0)
    x0 = (P + noise * rng.standard_normal((N, d))).ravel()
    radius = np.linalg.norm(x0 - P.ravel())
    points = [x0]
    for _ in range(samples - 1):
        z = rng.standard_normal(N * d)
        points.append(P.ravel() + radius * z / np.linalg.norm(z))
    L = max(np.linalg.eigvalsh(mds_hessian(p, D, d))[-1] for p in points)
    prob = Problem(mds_fun, N * d, args=(D, d), f_star=0.0, L=float(L), name=f"mds(N={N}, d={d}, seed={seed})")
    prob.x0 = x0
    prob.planted = P
    return prob
