"""Polyak's heavy ball, ``minimize(..., options={"momentum": beta})``: the parameters that are optimal on
quadratics and the rate they give (Polyak 1964; Polyak, Introduction to Optimization, 1987, §3.2.1).

x_{k+1} = x_k - alpha G_k + beta (x_k - x_{k-1}). On a quadratic with mu I <= A <= L I and the exact
gradient, alpha = 4 / (sqrt(L) + sqrt(mu))^2 and beta = ((sqrt(L) - sqrt(mu)) / (sqrt(L) + sqrt(mu)))^2
make every eigenvalue of the iteration matrix have modulus sqrt(beta), so ||x_k - x*|| decays like
rho^k, rho = (sqrt(kappa) - 1) / (sqrt(kappa) + 1), kappa = L/mu (times a factor at most linear in k,
from the two extreme eigenvalues, where the iteration matrix is not diagonalisable): sqrt(kappa) in
place of gradient descent's kappa.
"""

from __future__ import annotations

import math

from ._common import _constants


def polyak_parameters(mu, L):
    r"""The heavy ball's optimal step, momentum and rate on quadratics with spectrum in [mu, L].

    Parameters
    ----------
    mu, L : float
        Strong-convexity and smoothness constants, :math:`0 < \mu \le L`.

    Returns
    -------
    (alpha, beta, rho) : tuple of float
        The step, the momentum and the rate (see Notes).

    Raises
    ------
    ValueError
        A bad ``mu`` or ``L`` (named).

    See Also
    --------
    zeroopt.minimize : ``options={"momentum": beta}`` runs the heavy ball.
    zeroopt.theory.contraction : Gradient descent's rate.

    Notes
    -----
    The heavy ball :math:`x_{k+1} = x_k - \alpha G_k + \beta (x_k - x_{k-1})` on a quadratic with
    :math:`\mu I \preceq A \preceq L I` and the exact gradient, with [P64]_

    .. math::

        \alpha &= \frac{4}{(\sqrt L + \sqrt\mu)^2}, \qquad \beta = \rho^2, \\
        \rho &= \frac{\sqrt L - \sqrt\mu}{\sqrt L + \sqrt\mu} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},
        \quad \kappa = L/\mu,

    gives every eigenvalue of the iteration matrix the modulus :math:`\sqrt\beta`, so
    :math:`\|x_k - x^*\|` decays like :math:`\rho^k` (times a factor at most linear in :math:`k`): with
    :math:`\sqrt\kappa` in place of gradient descent's :math:`\kappa`.

    References
    ----------
    .. [P64] B. T. Polyak. Some methods of speeding up the convergence of iteration methods. *USSR
       Computational Mathematics and Mathematical Physics* 4(5):1–17, 1964.

    Examples
    --------
    >>> polyak_parameters(1.0, 9.0)
    (0.25, 0.25, 0.5)
    """
    mu, L, _ = _constants(mu, L, 1.0)
    s, r = math.sqrt(L), math.sqrt(mu)
    rho = (s - r) / (s + r)
    return 4.0 / (s + r) ** 2, rho * rho, rho
