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
    """f(x) = 0.5 (x - c)' A (x - c)."""
    d = x - c
    return 0.5 * (d @ (A @ d))


def quadratic_batch(X, A, c):
    """quadratic_fun at each row of X, as one matrix-matrix product."""
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
    """A Haar-distributed orthogonal n x n matrix (QR of a Gaussian matrix with the signs fixed)."""
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.where(np.diag(R) >= 0, 1.0, -1.0)


def quadratic(n, mu=1.0, L=10.0, seed=0):
    """A strongly convex quadratic with known constants.

    f(x) = 0.5 (x - x*)' A (x - x*), A = Q diag(lambda) Q', lambda evenly spread over [mu, L] (both ends
    included), Q a Haar-random rotation, x* ~ N(0, I/n) so ||x*|| is about 1; f* = 0.

    Parameters
    ----------
    n : int >= 1
    mu, L : float, 0 < mu <= L
        The smallest and largest eigenvalues of A (mu = L needed for n = 1).
    seed : int
        Seed of the rotation and of x*.

    Returns
    -------
    Problem
        With ``x_star``, ``f_star = 0``, ``mu``, ``L`` and a ``batch_fun`` (one matrix-matrix product for
        many points).

    Raises
    ------
    ValueError, TypeError
        A bad n, mu or L (named).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(5, mu=1.0, L=10.0, seed=0)
    >>> bool(np.isclose(np.linalg.eigvalsh(p.args[0])[[0, -1]], [1.0, 10.0]).all()), p.value(p.x_star)
    (True, 0.0)
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
    """sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock(n):
    """The n-dimensional Rosenbrock function (chained form).

    f(x) = sum_{i<n} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2; x* = (1, ..., 1), f* = 0. Not globally
    L-smooth, so L and mu are unknown (``step=None`` in :func:`zeroopt.minimize` uses the adaptive rule).

    Parameters
    ----------
    n : int >= 2

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        n < 2.

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
    """mean_i log(1 + exp(-y_i <a_i, x>)) + (reg / 2) ||x||^2."""
    return np.mean(np.logaddexp(0.0, -y * (A @ x))) + 0.5 * reg * (x @ x)


def logistic_batch(X, A, y, reg):
    """logistic_fun at each row of X (k x n), the margins of all k points in one matrix-matrix product.

    ``Z = X A'`` (k x m, one GEMM, the rows being the points: for a two-point estimate with q directions,
    the 2q points x +- eps v_j, i.e. ``A [x + eps V, x - eps V]``), then per row the same reduction as
    :func:`logistic_fun`: ``mean_i logaddexp(0, -y_i Z_ji) + (reg / 2) ||X_j||^2``. The values agree with
    :func:`logistic_fun`'s to rounding (the GEMM adds the products of a margin in another order than the
    matrix-vector product does: at most about n u sum_t abs(a_it x_t) per margin).

    Parameters
    ----------
    X : ndarray (k, n)
        The points, one per row.
    A, y, reg
        The data of :func:`logistic` (``problem.args``).

    Returns
    -------
    ndarray (k,)

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.logistic(50, 4, seed=0)
    >>> X = np.random.default_rng(0).standard_normal((3, 4))
    >>> batched = zo.problems.logistic_batch(X, *p.args)
    >>> bool(np.allclose(batched, [p.value(x, count=False) for x in X], rtol=1e-13, atol=0))
    True
    """
    return logistic_rows(X @ A.T, X, y, reg)


def logistic_along(x, V, eps, forward, A, y, reg):
    """logistic_fun at the points of a two-point estimate along the rows v_j of V (q x n), in point-code
    order - central: x + eps v_j at 2j, x - eps v_j at 2j + 1; forward: x at 0, x + eps v_j at 1 + j.

    ``A [x + eps V', x - eps V'] = [A x + eps A V', A x - eps A V']``: the margins of all 2q points from one
    matrix-matrix product ``V A'`` (q x m, half the work of ``X A'`` over the 2q points) and one
    matrix-vector product ``A x``; then per point the reduction of :func:`logistic_fun`, with the
    regularisation's ``||w||^2`` summed over the point ``w = x +- eps v_j`` itself. This is
    ``logistic_batch.along``, which ``TwoPoint`` calls instead of building the points. The values agree
    with :func:`logistic_fun`'s to rounding: a margin differs by at most about
    n u (sum_t abs(a_it x_t) + eps sum_t abs(a_it v_jt)) plus u times its size.

    Parameters
    ----------
    x : ndarray (n,)
    V : ndarray (q, n)
    eps : float
    forward : bool
    A, y, reg
        The data of :func:`logistic` (``problem.args``).

    Returns
    -------
    ndarray (2q,) (central) or (q + 1,) (forward)
    """
    return logistic_along_rows(A @ x, V @ A.T, x, V, eps, forward, y, reg)


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
                s += np.logaddexp(0.0, -y[i] * (Ax[i] + sign * (eps * AV[j, i])))
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
    """L2-regularised logistic regression on m samples in R^n.

    f(x) = mean_i log(1 + exp(-y_i <a_i, x>)) + (reg/2) ||x||^2, features a_i ~ N(0, I), labels
    y_i in {-1, 1} drawn from a planted logistic model. Known: L = lambda_max(A'A) / (4m) + reg (the
    Hessian is A' diag(s(1 - s)) A / m + reg I with s(1 - s) <= 1/4), mu = reg, and for reg > 0 x_star and
    f_star, computed at construction by damped Newton to machine precision. Its ``batch_fun`` is
    :func:`logistic_batch`: a multi-point estimate (``TwoPoint(directions=q)``, q > 1) evaluates its 2q
    points with one matrix-matrix product (:func:`logistic_along`).

    Parameters
    ----------
    m, n : int >= 1
        Samples and dimension.
    seed : int
    reg : float >= 0

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        A negative or non-finite reg, or a bad m or n.

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
    """(L/8) [x_1^2 + sum_{i<n} (x_i - x_{i+1})^2 + x_n^2 - 2 x_1]."""
    return 0.125 * L * (x[0] * x[0] + np.sum((x[:-1] - x[1:]) ** 2) + x[-1] * x[-1] - 2.0 * x[0])


def nesterov(n, L=1.0):
    """Nesterov's worst-case smooth convex function (Nesterov, Introductory Lectures on Convex
    Optimization, 2004, sec. 2.1.2, with k = n).

    f(x) = (L/8) (x' T x - 2 x_1) with T = tridiag(-1, 2, -1). Its Hessian (L/4) T has eigenvalues
    (L/2)(1 - cos(j pi / (n + 1))) in (0, L): L-smooth; the smallest, ~ L pi^2 / (4 (n + 1)^2), vanishes
    as n grows (convex, not uniformly strongly convex). Closed forms: x*_i = 1 - i / (n + 1),
    f* = -(L/8) n / (n + 1). From x0 = 0: f0 - f* = (L/8) n / (n + 1).

    Parameters
    ----------
    n : int >= 2
    L : float > 0

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        n < 2 or a bad L.

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
    """L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2 with W = x.reshape(N, d)."""
    W = x.reshape(-1, d)
    G = W @ W.T
    sq = np.diag(G).copy()
    R = sq[:, None] + sq[None, :] - 2.0 * G - D
    return np.sum(R * R)


def mds_hessian(x, D, d):
    """The exact Hessian of mds_fun (closed form): for each pair i != j, with delta = W_i - W_j and
    r = ||delta||^2 - D_ij, the block M = 8 r I + 16 delta delta' enters H_ij = -M and H_ii += M."""
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
    """Distance-matrix recovery (lecture notes 000): recover N points in R^d from their squared distances.

    L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2, n = N d. The planted configuration P ~ N(0, I) gives
    D_ij = ||P_i - P_j||^2, so f* = 0, attained on the set of rigid motions of P (x* is not unique:
    x_star is None, and dist2 in histories is NaN). Nonconvex and quartic, so not globally smooth.

    The start x0 = P + noise Z (Z ~ N(0, I), in ``problem.x0``) and L is the largest Hessian eigenvalue
    (exact, closed form, :func:`mds_hessian`) over x0 and ``samples`` - 1 random points at the same
    distance from P as x0: a valid L on the neighbourhood of P the runs start in and - decreasing f -
    stay in (a test checks it along runs).

    Parameters
    ----------
    N : int >= 2
        Points.
    d : int >= 1
        Their dimension.
    seed : int
    noise : float
        Scale of the start's perturbation of P.
    samples : int
        Points over which L is taken.

    Returns
    -------
    Problem
        With extra attributes ``x0`` (the start) and ``planted`` (P, shape (N, d)).

    Raises
    ------
    ValueError
        N < 2 or a bad d.

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
