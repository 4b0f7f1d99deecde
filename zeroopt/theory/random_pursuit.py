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
    r"""The contraction per iteration of Random Pursuit's bound on a strongly convex function.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    mu, L : float
        Strong-convexity and smoothness constants, :math:`0 < \mu \le L`.

    Returns
    -------
    float
        :math:`1 - \mu/(nL)`.

    Raises
    ------
    ValueError
        A bad ``n``, ``mu`` or ``L`` (named).

    See Also
    --------
    random_pursuit_iterations : The iterations the bound needs to reach a target.
    zeroopt.theory.contraction : The same factor for gradient descent with m = n.

    Notes
    -----
    With an exact line search along :math:`u` uniform on the unit sphere, an :math:`L`-smooth
    :math:`\mu`-strongly convex :math:`f` has [SMG13]_

    .. math::

        \mathbb E f(x_k) - f^* \le \Big(1 - \frac{\mu}{nL}\Big)^k \big(f(x_0) - f^*\big),

    the rate of zero-order gradient descent with one direction and the step :math:`1/(nL)`, without a
    gradient estimate or a step size.

    References
    ----------
    .. [SMG13] S. U. Stich, C. L. Müller, B. Gärtner. Optimization of convex functions with Random
       Pursuit. *SIAM Journal on Optimization* 23(2):1284–1309, 2013.

    Examples
    --------
    >>> random_pursuit_rate(10, 1.0, 10.0)
    0.99
    """
    n = _checks.positive_int(n, "n")
    mu, L, _ = _constants(mu, L, 1.0)
    return 1.0 - mu / (n * L)


def random_pursuit_iterations(target, n, mu, L):
    r"""The iterations after which Random Pursuit's bound reaches a target fraction of the initial gap.

    Parameters
    ----------
    target : array_like
        Fractions of :math:`f(x_0) - f^*`, in :math:`(0, 1]`.
    n : int
        Dimension, at least 1.
    mu, L : float
        Strong-convexity and smoothness constants.

    Returns
    -------
    numpy.ndarray or float
        The iterations at each target (a float for a scalar target).

    Raises
    ------
    ValueError
        A target outside (0, 1], or a bad ``n``, ``mu`` or ``L`` (named).

    See Also
    --------
    random_pursuit_rate : The contraction.

    Notes
    -----
    The bound of [SMG13]_ (:func:`random_pursuit_rate`) reaches :math:`t\,(f(x_0) - f^*)` after

    .. math::

        k = \frac{\ln t}{\ln(1 - \mu/(nL))}

    iterations. The experiments divide the iterations Random Pursuit measurably needed by this: the bound
    is an upper bound on the expectation, so the ratio is expected to be at most 1.

    References
    ----------
    .. [SMG13] S. U. Stich, C. L. Müller, B. Gärtner. Optimization of convex functions with Random
       Pursuit. *SIAM Journal on Optimization* 23(2):1284–1309, 2013.

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
