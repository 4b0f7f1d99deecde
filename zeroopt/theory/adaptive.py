"""The sign and adaptive-moment methods' defaults, each with its source: ZO-signSGD (Liu, Chen, Chen &
Hong, ICLR 2019) and ZO-AdaMM (Chen, Liu, Xu, Li, Lin, Hong & Cox, NeurIPS 2019).

Both analyses take the step and the smoothing radius of order 1/sqrt(n T) (n the dimension, T the number
of iterations); with the constant c = 1 that is :func:`sign_step`. Their rates are O(sqrt(n)/sqrt(T))
(nonconvex, on the gradient norm), up to terms in the mini-batch b and the direction count q. They are
compared on benchmark profiles, not against a theory line.
"""

from __future__ import annotations

import math

from .. import _checks

#: the constant c in the step and radius c / sqrt(n T) (both papers' O(1/sqrt(n T)), with c = 1)
SIGN_C = 1.0
#: the default direction count q (directions per estimate, forward differences on the sphere); the papers'
#: analyses hold for any q: this value is our default, not checked against their experiment tables
PAPER_Q = 10
#: ZO-AdaMM's first- and second-moment decays (AMSGrad's usual values, as in Chen et al. 2019)
ADAMM_BETA1 = 0.9
ADAMM_BETA2 = 0.999


def sign_step(n, T, c=SIGN_C):
    r"""The step and smoothing radius of ZO-signSGD and ZO-AdaMM for an iteration budget.

    Parameters
    ----------
    n : int
        Dimension, at least 1.
    T : int
        The number of iterations (``maxiter``), at least 1.
    c : float, default 1
        The constant (the module's ``SIGN_C``).

    Returns
    -------
    float
        :math:`c/\sqrt{nT}`.

    Raises
    ------
    ValueError
        If ``n`` or ``T`` is below 1, or ``c`` is not a finite positive number.

    See Also
    --------
    zeroopt.minimize : Its methods ``"zo_signsgd"`` and ``"zo_adamm"`` use it.

    Notes
    -----
    Both analyses ([LCCH19]_, [CLXLLHC19]_) take the step and the smoothing radius of order
    :math:`1/\sqrt{nT}`; with the constant :math:`c`,

    .. math::

        \alpha = \varepsilon = \frac{c}{\sqrt{nT}}.

    Their rates are :math:`O(\sqrt n/\sqrt T)` on the gradient norm (nonconvex), up to terms in the
    mini-batch and the direction count.

    References
    ----------
    .. [LCCH19] S. Liu, P.-Y. Chen, X. Chen, M. Hong. signSGD via zeroth-order oracle. *International
       Conference on Learning Representations (ICLR)*, 2019.
    .. [CLXLLHC19] X. Chen, S. Liu, K. Xu, X. Li, X. Lin, M. Hong, D. Cox. ZO-AdaMM: zeroth-order
       adaptive momentum method for black-box optimization. *Advances in Neural Information Processing
       Systems 32 (NeurIPS)*, 7204–7215, 2019.

    Examples
    --------
    >>> sign_step(4, 100)
    0.05
    """
    n = _checks.positive_int(n, "n")
    T = _checks.positive_int(T, "T")
    return _checks.positive_float(c, "c") / math.sqrt(n * T)
