"""The 22 least-squares functions of the Moré–Wild set, and its four objectives built on them.

Functions 1-18 are Moré, Garbow & Hillstrom's (1981); 19-22 (Bdqrtic, Cube, Mancino, Heart8) are the
CUTEr problems Moré & Wild (2009) added, in their least-squares form. Each ``F(x, ...)`` returns the
residual vector (F_1, ..., F_m), written in plain numpy without assignment into arrays, so that the same
code is compiled by numba (``register_jitable``: a plain Python function that jitted code can call) and
traced by :mod:`zeroopt.ad`. Data vectors and sizes arrive as arguments, never as globals.

:func:`more_wild_residuals` dispatches on the function number; the four objectives
(:func:`more_wild_smooth_fun` and its siblings) are jitted with ``cache=True`` and live in this module
with everything they call, so that numba's cache, which watches only the file of the function it
caches, is invalidated whenever any of this code changes. :func:`zeroopt.problems.more_wild` builds the
problems; its docstring states the formulas, the sources and the decisions taken where the reference
codes disagree.
"""

from __future__ import annotations

import numba
import numpy as np
from numba.extending import register_jitable

__all__ = ["more_wild_residuals", "more_wild_smooth_fun", "more_wild_nondiff_fun", "more_wild_wild3_fun",
           "more_wild_noisy3_fun", "wild3_phi"]

_jit = numba.njit(cache=True, error_model="numpy")
_TWO_PI = 2.0 * np.pi


# --- MGH 1981, functions 1-18 (MGH's own numbers in brackets) --------------------------------------
@register_jitable
def linear_full_rank(x, m):
    """[32] F_i = x_i - (2/m) sum_j x_j - 1 (i <= n), -(2/m) sum_j x_j - 1 (n < i <= m)."""
    t = 2.0 * np.sum(x) / m + 1.0
    return np.concatenate((x - t, -t * np.ones(m - x.shape[0])))


@register_jitable
def linear_rank1(x, m):
    """[33] F_i = i (sum_j j x_j) - 1."""
    n = x.shape[0]
    return np.arange(1.0, m + 1.0) * (np.arange(1.0, n + 1.0) @ x) - 1.0


@register_jitable
def linear_rank1_zero(x, m):
    """[34] F_1 = F_m = -1, F_i = (i - 1) (sum_{j=2}^{n-1} j x_j) - 1 for 1 < i < m."""
    n = x.shape[0]
    t = np.arange(2.0, n) @ x[1:n - 1]
    return np.concatenate((np.arange(0.0, m - 1.0) * t - 1.0, np.array([-1.0])))


@register_jitable
def rosenbrock(x):
    """[1] F = (10 (x_2 - x_1^2), 1 - x_1)."""
    return np.array([10.0 * (x[1] - x[0] * x[0]), 1.0 - x[0]])


@register_jitable
def helical_theta(x1, x2):
    """theta(x1, x2) of the helical valley: arctan(x2/x1)/(2 pi), + 1/2 for x1 < 0 (MGH 1981).

    At x1 = 0, where MGH leave it undefined: 0.25 sign(x2), and 0.25 at the origin (the Fortran
    dfovec.f: sign(0.25, x2)). For x2 != 0 the branch adds -arctan(x1/x2)/(2 pi), which is 0 there, so
    that AD gets the derivative of the x1 > 0 formula (arctan(x2/x1) = sign(x2) pi/2 - arctan(x1/x2)).
    """
    if x1 > 0.0:
        return np.arctan(x2 / x1) / _TWO_PI
    if x1 < 0.0:
        return np.arctan(x2 / x1) / _TWO_PI + 0.5
    if x2 > 0.0:
        return 0.25 - np.arctan(x1 / x2) / _TWO_PI
    if x2 < 0.0:
        return -0.25 - np.arctan(x1 / x2) / _TWO_PI
    return 0.25


@register_jitable
def helical_valley(x):
    """[7] F = (10 (x_3 - 10 theta(x_1, x_2)), 10 (||(x_1, x_2)|| - 1), x_3)."""
    th = helical_theta(x[0], x[1])
    r = np.sqrt(x[0] * x[0] + x[1] * x[1])
    return np.array([10.0 * (x[2] - 10.0 * th), 10.0 * (r - 1.0), x[2]])


@register_jitable
def powell_singular(x):
    """[13] F = (x_1 + 10 x_2, sqrt(5) (x_3 - x_4), (x_2 - 2 x_3)^2, sqrt(10) (x_1 - x_4)^2)."""
    return np.array([x[0] + 10.0 * x[1], np.sqrt(5.0) * (x[2] - x[3]), (x[1] - 2.0 * x[2]) ** 2,
                     np.sqrt(10.0) * (x[0] - x[3]) ** 2])


@register_jitable
def freudenstein_roth(x):
    """[2] F = (-13 + x_1 + ((5 - x_2) x_2 - 2) x_2, -29 + x_1 + ((1 + x_2) x_2 - 14) x_2)."""
    return np.array([-13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1],
                     -29.0 + x[0] + ((1.0 + x[1]) * x[1] - 14.0) * x[1]])


@register_jitable
def bard(x, y):
    """[8] F_i = y_i - (x_1 + u_i / (v_i x_2 + w_i x_3)), u_i = i, v_i = 16 - i, w_i = min(u_i, v_i)."""
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    return y - (x[0] + u / (v * x[1] + np.minimum(u, v) * x[2]))


@register_jitable
def kowalik_osborne(x, data):
    """[15] F_i = y_i - x_1 (u_i^2 + u_i x_2) / (u_i^2 + u_i x_3 + x_4); data = (u, y), 11 each."""
    u = data[:11]
    y = data[11:]
    return y - x[0] * (u * (u + x[1])) / (u * (u + x[2]) + x[3])


@register_jitable
def meyer(x, y):
    """[10] F_i = x_1 exp(x_2 / (t_i + x_3)) - y_i, t_i = 45 + 5 i."""
    t = 45.0 + 5.0 * np.arange(1.0, 17.0)
    return x[0] * np.exp(x[1] / (t + x[2])) - y


@register_jitable
def watson(x):
    """[20] F_i = sum_{j>=2} (j-1) x_j t_i^{j-2} - (sum_j x_j t_i^{j-1})^2 - 1, t_i = i/29 (i <= 29);
    F_30 = x_1, F_31 = x_2 - x_1^2 - 1."""
    t = np.arange(1.0, 30.0) / 29.0
    s1 = np.zeros(29)
    s2 = np.zeros(29)
    prev = np.zeros(29)                                      # t^(j-1), then t^j
    power = np.ones(29)
    for j in range(x.shape[0]):
        s1 = s1 + (j * x[j]) * prev
        s2 = s2 + x[j] * power
        prev, power = power, power * t
    return np.concatenate((s1 - s2 * s2 - 1.0, np.array([x[0], x[1] - x[0] * x[0] - 1.0])))


@register_jitable
def box3d(x, m):
    """[12] F_i = exp(-t_i x_1) - exp(-t_i x_2) - x_3 (exp(-t_i) - exp(-10 t_i)), t_i = i/10."""
    i = np.arange(1.0, m + 1.0)
    t = i / 10.0
    return np.exp(-t * x[0]) - np.exp(-t * x[1]) + (np.exp(-i) - np.exp(-t)) * x[2]


@register_jitable
def jennrich_sampson(x, m):
    """[6] F_i = 2 + 2 i - (exp(i x_1) + exp(i x_2))."""
    i = np.arange(1.0, m + 1.0)
    return 2.0 + 2.0 * i - np.exp(i * x[0]) - np.exp(i * x[1])


@register_jitable
def brown_dennis(x, m):
    """[16] F_i = (x_1 + t_i x_2 - exp(t_i))^2 + (x_3 + x_4 sin t_i - cos t_i)^2, t_i = i/5."""
    t = np.arange(1.0, m + 1.0) / 5.0
    a = x[0] + t * x[1] - np.exp(t)
    b = x[2] + np.sin(t) * x[3] - np.cos(t)
    return a * a + b * b


@register_jitable
def chebyquad(x, c):
    """[35] F_i = (1/n) sum_j T_i(2 x_j - 1) + c_i, T_i the Chebyshev polynomials, c_i = 1/(i^2 - 1) for
    even i and 0 for odd i (minus the integral of T_i over [0, 1] in x); m = len(c)."""
    n = x.shape[0]
    y = 2.0 * x - 1.0
    prev = np.ones(n)
    cur = y
    means = []
    for _ in range(c.shape[0]):
        means.append(np.sum(cur) / n)
        prev, cur = cur, 2.0 * y * cur - prev
    return np.array(means) + c


@register_jitable
def brown_almost_linear(x):
    """[27] F_i = x_i + sum_j x_j - (n + 1) (i < n), F_n = prod_j x_j - 1."""
    n = x.shape[0]
    s = np.sum(x) - (n + 1.0)
    return np.concatenate((x[:n - 1] + s, np.array([np.prod(x) - 1.0])))


@register_jitable
def osborne1(x, y):
    """[17] F_i = y_i - (x_1 + x_2 exp(-t_i x_4) + x_3 exp(-t_i x_5)), t_i = 10 (i - 1)."""
    t = 10.0 * np.arange(0.0, 33.0)
    return y - (x[0] + x[1] * np.exp(-x[3] * t) + x[2] * np.exp(-x[4] * t))


@register_jitable
def osborne2(x, y):
    """[19] F_i = y_i - (x_1 e^{-t_i x_5} + x_2 e^{-(t_i - x_9)^2 x_6} + x_3 e^{-(t_i - x_10)^2 x_7}
    + x_4 e^{-(t_i - x_11)^2 x_8}), t_i = (i - 1)/10."""
    t = np.arange(0.0, 65.0) / 10.0
    return y - (x[0] * np.exp(-x[4] * t) + x[1] * np.exp(-x[5] * (t - x[8]) ** 2)
                + x[2] * np.exp(-x[6] * (t - x[9]) ** 2) + x[3] * np.exp(-x[7] * (t - x[10]) ** 2))


# --- CUTEr, functions 19-22 -----------------------------------------------------------------------------
@register_jitable
def bdqrtic(x):
    """BDQRTIC: F_i = 3 - 4 x_i and F_{n-4+i} = x_i^2 + 2 x_{i+1}^2 + 3 x_{i+2}^2 + 4 x_{i+3}^2 + 5 x_n^2,
    i = 1..n-4 (m = 2 (n - 4))."""
    k = x.shape[0] - 4
    q = x * x
    quartic = q[:k] + 2.0 * q[1:k + 1] + 3.0 * q[2:k + 2] + 4.0 * q[3:k + 3] + 5.0 * q[k + 3]
    return np.concatenate((-4.0 * x[:k] + 3.0, quartic))


@register_jitable
def cube(x):
    """CUBE, extended to n variables: F_1 = x_1 - 1, F_i = 10 (x_i - x_{i-1}^3)."""
    return np.concatenate((np.array([x[0] - 1.0]), 10.0 * (x[1:] - x[:-1] ** 3)))


@register_jitable
def mancino(x):
    """MANCINO: F_i = 1400 x_i + (i - 50)^3 + sum_j v_ij (sin^5(log v_ij) + cos^5(log v_ij)),
    v_ij = sqrt(x_i^2 + i/j)."""
    n = x.shape[0]
    j = np.arange(1.0, n + 1.0)
    out = []
    for i in range(n):
        v = np.sqrt(x[i] * x[i] + (i + 1.0) / j)
        lv = np.log(v)
        out.append(1400.0 * x[i] + (i - 49.0) ** 3 + np.sum(v * (np.sin(lv) ** 5 + np.cos(lv) ** 5)))
    return np.array(out)


@register_jitable
def heart8(x):
    """HEART8LS: the eight equations of the heart-dipole problem (Dennis, Gay & Vu 1985)."""
    a, b, c, d, t, u, v, w = x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
    return np.array([
        a + b + 0.69,
        c + d + 0.044,
        t * a + u * b - v * c - w * d + 1.57,
        v * a + w * b + t * c + u * d + 1.31,
        a * (t * t - v * v) - 2.0 * c * t * v + b * (u * u - w * w) - 2.0 * d * u * w + 2.65,
        c * (t * t - v * v) + 2.0 * a * t * v + d * (u * u - w * w) + 2.0 * b * u * w - 2.0,
        a * t * (t * t - 3.0 * v * v) + c * v * (v * v - 3.0 * t * t)
        + b * u * (u * u - 3.0 * w * w) + d * w * (w * w - 3.0 * u * u) + 12.6,
        c * t * (t * t - 3.0 * v * v) - a * v * (v * v - 3.0 * t * t)
        + d * u * (u * u - 3.0 * w * w) - b * w * (w * w - 3.0 * u * u) - 9.48,
    ])


@register_jitable
def more_wild_residuals(x, nprob, m, data):
    r"""Compute the residual vector of one of the 22 functions of the Moré–Wild set.

    A plain Python function that jitted code can call (numba's ``register_jitable``), written without
    assignment into arrays so that :mod:`zeroopt.ad` differentiates it. It does not check its arguments:
    :func:`zeroopt.problems.more_wild` builds consistent ones (``problem.args[:3]``).

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    nprob : int
        The function's number in Moré & Wild (2009), their ``dfovec``, 1 to 22; see
        :func:`zeroopt.problems.more_wild_table` for the names.
    m : int
        The number of residuals.
    data : numpy.ndarray
        The function's data: Bard, Meyer, Osborne 1 and 2 their :math:`y`; Kowalik-Osborne :math:`(u, y)`
        concatenated; Chebyquad the constants :math:`c_i`; empty otherwise.

    Returns
    -------
    numpy.ndarray, shape (m,)
        The residuals :math:`F_1(x), \dots, F_m(x)`.

    See Also
    --------
    more_wild : The problems built on them.
    more_wild_smooth_fun : Their sum of squares.

    Notes
    -----
    Functions 1-18 are Moré, Garbow & Hillstrom's [MGH81]_ (problems 32, 33, 34, 1, 7, 13, 2, 8, 15, 10,
    20, 12, 6, 16, 35, 27, 17 and 19 there); 19-22 (Bdqrtic, Cube, Mancino, Heart8) are the CUTEr problems
    Moré & Wild [MW09]_ added, in their least-squares form. For example function 4, Rosenbrock's, has

    .. math::

        F(x) = \big(10\,(x_2 - x_1^2),\; 1 - x_1\big).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.
    .. [MGH81] J. J. Moré, B. S. Garbow, K. E. Hillstrom. Testing unconstrained optimization software.
       *ACM Transactions on Mathematical Software* 7(1):17–41, 1981.

    Examples
    --------
    >>> import zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7)            # Rosenbrock at (-1.2, 1)
    >>> zo.problems.more_wild_residuals(x0, *p.args)
    array([-4.4,  2.2])
    """
    if nprob == 1:
        return linear_full_rank(x, m)
    if nprob == 2:
        return linear_rank1(x, m)
    if nprob == 3:
        return linear_rank1_zero(x, m)
    if nprob == 4:
        return rosenbrock(x)
    if nprob == 5:
        return helical_valley(x)
    if nprob == 6:
        return powell_singular(x)
    if nprob == 7:
        return freudenstein_roth(x)
    if nprob == 8:
        return bard(x, data)
    if nprob == 9:
        return kowalik_osborne(x, data)
    if nprob == 10:
        return meyer(x, data)
    if nprob == 11:
        return watson(x)
    if nprob == 12:
        return box3d(x, m)
    if nprob == 13:
        return jennrich_sampson(x, m)
    if nprob == 14:
        return brown_dennis(x, m)
    if nprob == 15:
        return chebyquad(x, data)
    if nprob == 16:
        return brown_almost_linear(x)
    if nprob == 17:
        return osborne1(x, data)
    if nprob == 18:
        return osborne2(x, data)
    if nprob == 19:
        return bdqrtic(x)
    if nprob == 20:
        return cube(x)
    if nprob == 21:
        return mancino(x)
    return heart8(x)


# --- the four objectives ------------------------------------------------------------------------------
# Each passes the residuals a writable copy of x (nondiff: max(x, lower), also a new array): the residual
# code then compiles once per session for both the read-only x of Problem.value and the kernels' writable
# work vectors, instead of once for each (7 s of compile time saved, 21 s -> 14 s of CPU for the first kind).
@register_jitable
def wild3_phi(x):
    r"""Compute Moré and Wild's deterministic noise, a value in [-1, 1] that oscillates fast in x.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.

    Returns
    -------
    float
        :math:`\phi(x)` (see Notes).

    See Also
    --------
    more_wild_wild3_fun : The objective it perturbs.

    Notes
    -----
    [MW09]_:

    .. math::

        \phi(x) &= T_3(\phi_0(x)), \qquad T_3(a) = a\,(4a^2 - 3), \\
        \phi_0(x) &= 0.9 \sin(100\|x\|_1) \cos(100\|x\|_\infty) \\
        &\quad + 0.1 \cos(\|x\|_2).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.

    Examples
    --------
    At the origin :math:`\phi_0 = 0.1` and :math:`T_3(0.1) = 0.1\,(0.04 - 3)`:

    >>> import numpy as np, zeroopt as zo
    >>> float(zo.problems.wild3_phi(np.zeros(3)))
    -0.296
    """
    ax = np.abs(x)
    phi0 = 0.9 * np.sin(100.0 * np.sum(ax)) * np.cos(100.0 * np.max(ax)) + 0.1 * np.cos(np.sqrt(np.sum(x * x)))
    return phi0 * (4.0 * phi0 * phi0 - 3.0)


@_jit
def more_wild_smooth_fun(x, nprob, m, data):
    r"""The objective of the Moré–Wild problems of kind smooth, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    nprob : int
        The function's number in Moré & Wild's set, 1 to 22 (:func:`zeroopt.problems.more_wild_table`).
    m : int
        The number of residuals.
    data : numpy.ndarray
        The function's data (:func:`more_wild_residuals`).

    Returns
    -------
    float
        The value (see Notes).

    See Also
    --------
    more_wild : The problems built on it, and the formulas of the four kinds.
    more_wild_residuals : The residuals F.

    Notes
    -----
    .. math::

        f(x) = \sum_i F_i(x)^2

    ([MW09]_, their smooth problems).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.

    Examples
    --------
    >>> import zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7)
    >>> float(zo.problems.more_wild_smooth_fun(x0, *p.args))       # 4.4^2 + 2.2^2
    24.199999999999996
    """
    F = more_wild_residuals(x.copy(), nprob, m, data)
    return np.sum(F * F)


@_jit
def more_wild_nondiff_fun(x, nprob, m, data, lower):
    r"""The objective of the Moré–Wild problems of kind nondiff, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    nprob : int
        The function's number in Moré & Wild's set, 1 to 22 (:func:`zeroopt.problems.more_wild_table`).
    m : int
        The number of residuals.
    data : numpy.ndarray
        The function's data (:func:`more_wild_residuals`).
    lower : float
        0 for functions 8, 9, 13, 16, 17 and 18 (the reference codes' clip), :math:`-\infty`, which leaves
        :math:`x` as it is, for the others.

    Returns
    -------
    float
        The value (see Notes).

    See Also
    --------
    more_wild : The problems built on it, and why some functions are clipped.
    more_wild_residuals : The residuals F.

    Notes
    -----
    .. math::

        f(x) = \sum_i \big|F_i\big(\max(x, \mathrm{lower})\big)\big|

    ([MW09]_, their nondifferentiable problems, with the reference codes' clip).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.

    Examples
    --------
    >>> import zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7, "nondiff")
    >>> f = zo.problems.more_wild_nondiff_fun
    >>> round(float(f(x0, *p.args)), 12)       # 4.4 + 2.2
    6.6
    """
    F = more_wild_residuals(np.maximum(x, lower), nprob, m, data)
    return np.sum(np.abs(F))


@_jit
def more_wild_wild3_fun(x, nprob, m, data):
    r"""The objective of the Moré–Wild problems of kind wild3, compiled by numba.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    nprob : int
        The function's number in Moré & Wild's set, 1 to 22 (:func:`zeroopt.problems.more_wild_table`).
    m : int
        The number of residuals.
    data : numpy.ndarray
        The function's data (:func:`more_wild_residuals`).

    Returns
    -------
    float
        The value (see Notes).

    See Also
    --------
    more_wild : The problems built on it.
    wild3_phi : The noise.

    Notes
    -----
    With :math:`\phi` the deterministic noise :func:`wild3_phi`,

    .. math::

        f(x) = \big(1 + 10^{-3}\phi(x)\big) \sum_i F_i(x)^2

    ([MW09]_, their problems with deterministic noise).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.

    Examples
    --------
    >>> import zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7, "wild3")
    >>> q, _ = zo.problems.more_wild(7)
    >>> bool(abs(p.value(x0) / q.value(x0) - 1) <= 1e-3)
    True
    """
    F = more_wild_residuals(x.copy(), nprob, m, data)
    return (1.0 + 1e-3 * wild3_phi(x)) * np.sum(F * F)


@_jit
def more_wild_noisy3_fun(x, xi, nprob, m, data):
    r"""The objective of the Moré–Wild problems of kind noisy3, compiled by numba: a stochastic objective.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    xi : numpy.ndarray, shape (m,)
        The random input, uniform on :math:`[0, 1]`: one number per residual, drawn afresh at every
        evaluation (``zo.Xi("uniform", m)``).
    nprob : int
        The function's number in Moré & Wild's set, 1 to 22 (:func:`zeroopt.problems.more_wild_table`).
    m : int
        The number of residuals.
    data : numpy.ndarray
        The function's data (:func:`more_wild_residuals`).

    Returns
    -------
    float
        The value (see Notes).

    See Also
    --------
    more_wild : The problems built on it, and how the draws are reproduced.

    Notes
    -----
    .. math::

        F(x, \xi) &= \sum_i \big(F_i(x)\,(1 + u_i)\big)^2, \\
        u_i &= 10^{-3}(2\xi_i - 1) \sim U[-10^{-3}, 10^{-3}],

    the :math:`u_i` independent ([MW09]_, their problems with stochastic noise, as their Fortran code
    draws it: one factor per residual).

    References
    ----------
    .. [MW09] J. J. Moré, S. M. Wild. Benchmarking derivative-free optimization algorithms. *SIAM
       Journal on Optimization* 20(1):172–191, 2009. Their codes and ``dfo.dat``:
       https://github.com/POptUS/BenDFO.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p, x0 = zo.problems.more_wild(7, "noisy3", seed=0)
    >>> f = zo.problems.more_wild_noisy3_fun
    >>> a = f(x0, np.full(2, 0.5), *p.args)     # u = 0: the smooth value
    >>> b = f(x0, np.ones(2), *p.args)          # u = 1e-3 on both residuals
    >>> float(a), bool(abs(b / a - 1.001 ** 2) < 1e-15)
    (24.199999999999996, True)
    """
    F = more_wild_residuals(x.copy(), nprob, m, data)
    G = F * (1.0 + (-1e-3 + 2e-3 * xi))
    return np.sum(G * G)
