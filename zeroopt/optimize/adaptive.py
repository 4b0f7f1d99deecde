"""Sign and adaptive-moment methods with any oracle: ZO-signSGD (Liu et al., ICLR 2019, ``"zo_signsgd"``)
and ZO-AdaMM (Chen et al., NeurIPS 2019, ``"zo_adamm"``).

Both papers estimate the gradient with forward differences on the unit sphere,
G = (n / (b q)) sum_{i <= b} sum_{j <= q} (f_i(x + eps u_ij) - f_i(x)) / eps u_ij, over a mini-batch of b
component functions f_i and q directions each; the default oracle is that estimate,
``TwoPoint(dist="sphere", scheme="forward", directions=PAPER_Q, eps=1/sqrt(n T))``. A zeroopt problem is
one deterministic function, so there is no mini-batch to draw: b = 1, every estimate uses the whole f
(with b > 1 the b estimates of one f would be b q directions).

Their defaults are named here with their sources (:mod:`zeroopt.theory.adaptive`); nothing else is
tuned: the step and the smoothing radius are c / sqrt(n T) with c = 1 and T = ``maxiter``; AdaMM's
beta_1 = 0.9 and beta_2 = 0.999.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _checks, linesearch
from ..estimators import TwoPoint
from ..theory.adaptive import ADAMM_BETA1, ADAMM_BETA2, PAPER_Q, sign_step
from ._spec import Method, Option


def paper_oracle(n=None, maxiter=None):
    """Forward differences on the sphere with q = 10 directions (our default) and the papers' radius eps = 1/sqrt(n T), T = maxiter
    (without n and maxiter: TwoPoint's own eps, 1e-4), seed 0."""
    eps = 1e-4 if n is None or maxiter is None else sign_step(n, maxiter)
    return TwoPoint(eps=eps, dist="sphere", scheme="forward", directions=PAPER_Q)


def _steps(run, step):
    """The step of iteration k: None -> 1/sqrt(n T) (T = maxiter); a number; or a schedule step(k)."""
    if step is None:
        fixed = sign_step(run.n, run.maxiter)
        return lambda k: fixed
    if isinstance(step, numbers.Real):
        return lambda k: step
    if linesearch.kind_of(step) != "schedule":
        raise ValueError(f"the sign and adaptive methods take step=None (1/sqrt(n T)), a number or a schedule "
                         f"step(k); got {step!r}")
    return lambda k: _checks.positive_float(step(k), "step(k)")


def minimize_zo_signsgd(run, step):
    """ZO-signSGD: x <- x - delta_k sign(G) (sign(0) = 0), delta = 1/sqrt(n T) by default."""
    step_of = _steps(run, step)
    while True:
        est, _ = run.begin()
        run.move(run.x - step_of(run.k) * np.sign(est.grad))
        run.after_iteration()


def minimize_zo_adamm(run, step, beta1, beta2):
    """ZO-AdaMM (AMSGrad form, no epsilon): m <- beta1 m + (1 - beta1) G, v <- beta2 v + (1 - beta2) G^2,
    v_hat <- max(v_hat, v), x <- x - alpha m / sqrt(v_hat), alpha = 1/sqrt(n T) by default. A coordinate
    with v_hat = 0 has had G_i = 0 at every iteration so far, so m_i = 0 as well: it does not move (0/0 is
    taken as 0; no epsilon is added anywhere)."""
    step_of = _steps(run, step)
    n = run.n
    m, v, v_hat = np.zeros(n), np.zeros(n), np.zeros(n)
    while True:
        est, _ = run.begin()
        G = est.grad
        m = beta1 * m + (1.0 - beta1) * G
        v = beta2 * v + (1.0 - beta2) * G * G
        np.maximum(v_hat, v, out=v_hat)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(v_hat > 0.0, m / np.sqrt(v_hat), 0.0)
        run.move(run.x - step_of(run.k) * d)
        run.after_iteration()


def _beta(value, name):
    value = _checks.real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1); got {value!r}")
    return value


ZO_SIGNSGD = Method(minimize_zo_signsgd, oracle=paper_oracle, oracle_sized=True, takes_oracle=True, takes_step=True,
                    jitted=False, summary="ZO-signSGD: x <- x - delta sign(G), delta = 1/sqrt(n T), forward "
                                          "differences on the sphere (Liu et al. 2019)")
ZO_ADAMM = Method(minimize_zo_adamm, oracle=paper_oracle, oracle_sized=True, takes_oracle=True, takes_step=True,
                  jitted=False,
                  options={"beta1": Option(ADAMM_BETA1, _beta, "the first moment's decay beta_1 in [0, 1)"),
                           "beta2": Option(ADAMM_BETA2, _beta, "the second moment's decay beta_2 in [0, 1)")},
                  summary="ZO-AdaMM: AMSGrad with forward differences on the sphere, alpha = 1/sqrt(n T) "
                          "(Chen et al. 2019)")
