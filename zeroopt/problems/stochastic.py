r"""Stochastic test problems, ``fun(x, xi, *args)`` (see :class:`zeroopt.Xi`): the sample-mean problem, on
which ZO-SGD's expected error is known exactly (:func:`zeroopt.theory.zo_sgd_sample_mean`).

Objectives are plain numpy functions, jitted with ``cache=True``; the noiseless f is plain numpy too, so
:mod:`zeroopt.ad` differentiates it for histories.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .. import _checks
from ..problem import Problem
from ..xi import Xi

_jit = numba.njit(cache=True, error_model="numpy")


@_jit
def sample_mean_fun(x, xi, A, a_bar, s2):
    r"""The sampled loss of :func:`sample_mean`, compiled by numba: the sample ``xi[0]`` picks.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    xi : numpy.ndarray, shape (1,)
        The sample index :math:`i`, a float (``zo.Xi("index", count=M)``).
    A : numpy.ndarray, shape (M, n)
        The samples, one per row.
    a_bar : numpy.ndarray, shape (n,)
        Their mean (not used here; the noiseless f uses it).
    s2 : float
        Their spread (not used here).

    Returns
    -------
    float
        :math:`F(x, i) = \tfrac12\|x - a_i\|^2`.

    See Also
    --------
    sample_mean : The problem.
    sample_mean_noiseless : Its mean over the samples.

    Notes
    -----
    .. math::

        F(x, i) = \tfrac12\|x - a_i\|^2

    ([GL13]_'s setting: a loss whose sample :math:`\xi` picks).

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> A = np.array([[0.0, 0.0], [2.0, 0.0]])
    >>> f = zo.problems.sample_mean_fun
    >>> float(f(np.ones(2), np.array([1.0]), A, A.mean(0), 1.0))
    1.0
    """
    d = x - A[int(xi[0])]
    return 0.5 * np.sum(d * d)


def sample_mean_noiseless(x, A, a_bar, s2):
    r"""The noiseless objective of :func:`sample_mean`: the mean of the sampled loss over the samples.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        The point.
    A : numpy.ndarray, shape (M, n)
        The samples (not used: the closed form needs only their mean and spread).
    a_bar : numpy.ndarray, shape (n,)
        Their mean :math:`\bar a`.
    s2 : float
        Their spread :math:`s^2 = \frac1M\sum_i\|a_i - \bar a\|^2`.

    Returns
    -------
    float
        :math:`f(x) = \tfrac12\|x - \bar a\|^2 + \tfrac12 s^2`.

    See Also
    --------
    sample_mean : The problem.

    Notes
    -----
    .. math::

        f(x) = \frac1M\sum_i \tfrac12\|x - a_i\|^2 = \tfrac12\|x - \bar a\|^2 + \tfrac12 s^2.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> A = np.array([[0.0, 0.0], [2.0, 0.0]])
    >>> float(zo.problems.sample_mean_noiseless(np.ones(2), A, A.mean(0), 1.0))
    1.0
    """
    e = x - a_bar
    return 0.5 * np.sum(e * e) + 0.5 * s2


def sample_mean(n, samples=1000, s=1.0, seed=0):
    r"""The sample-mean problem: :math:`f(x) = \frac1M\sum_i \tfrac12\|x - a_i\|^2`, one sample per
    evaluation.

    A stochastic :class:`~zeroopt.Problem`, ``fun(x, xi, A, a_bar, s2)`` with ``xi`` the index of the
    sample (``zo.Xi("index", count=M)``, common random numbers): its noise depends on :math:`x`, so
    it survives common random numbers, and ZO-SGD's expected error on it is known exactly
    (:func:`zeroopt.theory.zo_sgd_sample_mean`).

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    samples : int, default 1000
        :math:`M`, the number of samples, at least 2.
    s : float, default 1
        The spread :math:`s` of the samples about their mean, > 0.
    seed : int, SeedSequence or Generator, default 0
        The samples' seed (and the problem's own stream of ``xi``).

    Returns
    -------
    Problem
        With ``x_star`` :math:`= \bar a`, ``f_star`` :math:`= s^2/2`, ``mu = L = 1`` and the noiseless
        f (:func:`sample_mean_noiseless`).

    Raises
    ------
    TypeError, ValueError
        A bad argument, named.

    See Also
    --------
    zeroopt.Xi : How ``xi`` is drawn.
    zeroopt.theory.zo_sgd_sample_mean : ZO-SGD's exact expected error on it.

    Notes
    -----
    The samples are :math:`a_i = \bar a + d_i`, the :math:`d_i` standard normal, centred and scaled so
    that :math:`\frac1M\sum_i\|d_i\|^2 = s^2` (to rounding; ``s2`` in ``args`` is the spread of the
    stored samples, computed from them). With :math:`F(x, i) = \tfrac12\|x - a_i\|^2`,

    .. math::

        f(x) &= \tfrac12\|x - \bar a\|^2 + \tfrac12 s^2, \\
        \mathbb E_i\|\nabla F(x, i) - \nabla f(x)\|^2 &= s^2,

    so :math:`\sigma = s` and :math:`L = 1` in [GL13]_'s assumptions.

    References
    ----------
    .. [GL13] S. Ghadimi, G. Lan. Stochastic first- and zeroth-order methods for nonconvex stochastic
       programming. *SIAM Journal on Optimization* 23(4):2341–2368, 2013.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.sample_mean(4, samples=100, seed=0)
    >>> p.stochastic, p.f_star == p.value(p.x_star, count=False)
    (True, True)
    >>> round(2 * p.f_star, 12)                    # the spread s^2
    1.0
    """
    n = _checks.positive_int(n, "n")
    samples = _checks.positive_int(samples, "samples")
    if samples < 2:
        raise ValueError(f"samples must be at least 2 (one sample has no spread), got {samples}")
    s = _checks.positive_float(s, "s")
    rng = _checks.generator(seed, "seed")
    centre = rng.standard_normal(n)
    d = rng.standard_normal((samples, n))
    d -= d.mean(axis=0)
    d *= s / math.sqrt(np.mean(np.sum(d * d, axis=1)))
    A = centre + d
    a_bar = A.mean(axis=0)
    s2 = float(np.mean(np.sum((A - a_bar) ** 2, axis=1)))
    return Problem(sample_mean_fun, n, args=(A, a_bar, s2), x_star=a_bar, f_star=0.5 * s2, mu=1.0, L=1.0,
                   name=f"sample_mean_n{n}_M{samples}", xi=Xi("index", count=samples),
                   noiseless=sample_mean_noiseless, seed=seed)
