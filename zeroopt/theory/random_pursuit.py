"""Random Pursuit (Stich, Mueller & Gaertner 2013): its expected rate bound, and the slowdown ratio the
experiments report against it.

With an exact line search along u uniform on the unit sphere, an L-smooth mu-strongly convex f has
E[f(x_k) - f*] <= (1 - mu/(n L))^k (f(x_0) - f*): the rate of zero-order gradient descent with one
direction and step 1/(n L), obtained without a gradient estimate or a step size.

The **slowdown ratio** at a target t (a fraction of f(x_0) - f*) is the iterations Random Pursuit
measurably needed to bring f - f* below t (f(x_0) - f*), divided by the iterations the bound needs,
ln t / ln(1 - mu/(n L)) (:func:`random_pursuit_iterations`). The bound is an upper bound on the
expectation, so the ratio is expected to be at most 1; well below 1 means the bound is loose there.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks
from ._common import _constants


def random_pursuit_rate(n, mu, L):
    """The bound's contraction per iteration, 1 - mu/(n L).

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
        A bad n, mu or L.

    Examples
    --------
    >>> random_pursuit_rate(10, 1.0, 10.0)
    0.99
    """
    n = _checks.positive_int(n, "n")
    mu, L, _ = _constants(mu, L, 1.0)
    return 1.0 - mu / (n * L)


def random_pursuit_iterations(target, n, mu, L):
    """The iterations after which the bound reaches ``target`` (f - f* as a fraction of f(x_0) - f*):
    ln(target) / ln(1 - mu/(n L)).

    Parameters
    ----------
    target : array_like
        Fractions in (0, 1].
    n : int
        Dimension.
    mu, L : float
        Strong-convexity and smoothness constants.

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        A target outside (0, 1], or a bad n, mu or L.

    Examples
    --------
    >>> round(float(random_pursuit_iterations(1e-2, 10, 1.0, 10.0)), 1)
    458.2
    """
    t = np.asarray(target, dtype=float)
    if np.any(~(t > 0)) or np.any(t > 1):
        raise ValueError("target must be fractions of f(x0) - f* in (0, 1]")
    out = np.log(t) / math.log(random_pursuit_rate(n, mu, L))
    return out if out.ndim else float(out)
