"""Accelerated methods: Nesterov's fast gradient method (``"fgm"``) and the accelerated random
gradient-free method of Nesterov & Spokoiny (2017, §6; ``"zo_accelerated"``), one scheme with two sets
of constants (:mod:`zeroopt.theory.accelerated`).

The scheme (estimate sequences; mu the strong-convexity constant it uses, 0 if the problem has none):
given x_0 = v_0 and gamma_0 = L, at iteration k

- alpha_k in (0, 1) solves alpha_k^2 / theta = (1 - alpha_k) gamma_k + alpha_k mu =: gamma_{k+1};
- lambda_k = alpha_k mu / gamma_{k+1};
- y_k = (alpha_k gamma_k v_k + gamma_{k+1} x_k) / (gamma_k + alpha_k mu);
- G = the oracle's estimate at y_k;
- x_{k+1} = y_k - h G;
- v_{k+1} = (1 - lambda_k) v_k + lambda_k y_k - (theta / alpha_k) G.

FGM: h = theta = 1/L, a deterministic oracle (``ExactAD`` by default). zo_accelerated: h = 1/(4(n+4)L),
theta = 1/(16(n+4)^2 L), forward Gaussian differences (``TwoPoint(dist="gaussian", scheme="forward")``
by default, eps 1e-4): one iteration costs the oracle's evaluations at y_k (2 for the default), and
nothing else.
"""

from __future__ import annotations

import math

from ..estimators import ExactAD, TwoPoint
from ..theory.accelerated import fgm_constants, zo_accelerated_constants
from ._spec import Method


def _alpha(theta, gamma, mu):
    """The root in (0, 1] of alpha^2 / theta = (1 - alpha) gamma + alpha mu (alpha^2 + theta (gamma - mu)
    alpha - theta gamma = 0), computed without cancellation."""
    b = theta * (gamma - mu)
    c = theta * gamma
    if b >= 0:
        return 2.0 * c / (b + math.sqrt(b * b + 4.0 * c))
    return 0.5 * (-b + math.sqrt(b * b + 4.0 * c))


def accelerated(run, h, theta, mu):
    """The scheme (see the module docstring), reading the run; the iterate is x_k."""
    gamma = run.p.L  # gamma_0 = L
    v = run.x.copy()
    while True:
        x = run.x
        alpha = _alpha(theta, gamma, mu)
        gamma_next = (1.0 - alpha) * gamma + alpha * mu
        lam = alpha * mu / gamma_next
        y = (alpha * gamma * v + gamma_next * x) / (gamma + alpha * mu)
        est, _ = run.begin(at=y)
        G = est.grad
        v = (1.0 - lam) * v + lam * y - (theta / alpha) * G
        gamma = gamma_next
        run.move(y - h * G)
        run.after_iteration()


def _needs_L(run, method):
    if run.p.L is None:
        raise ValueError(f"method={method!r} takes its constants from the smoothness constant L: give the problem "
                         f"an L (zo.Problem(..., L=...))")
    return run.p.L, (run.p.mu or 0.0)


def minimize_fgm(run):
    """Nesterov's fast gradient method: the scheme with h = theta = 1/L and a deterministic oracle."""
    if run.random:
        raise ValueError(f"method='fgm' takes an exact or deterministic gradient oracle (ExactAD, CoordinateFD); "
                         f"got {run.oracle!r}: the accelerated random method is method='zo_accelerated'")
    L, mu = _needs_L(run, "fgm")
    h, theta = fgm_constants(L)
    return accelerated(run, h, theta, mu)


def minimize_zo_accelerated(run):
    """Nesterov & Spokoiny's accelerated random method: the scheme with their constants in n + 4."""
    if not run.random:
        raise ValueError(f"method='zo_accelerated' is the random gradient-free method (its constants are those of "
                         f"forward Gaussian differences); got the deterministic {run.oracle!r}: an exact or "
                         f"deterministic gradient takes method='fgm'")
    L, mu = _needs_L(run, "zo_accelerated")
    h, theta = zo_accelerated_constants(run.n, L)
    return accelerated(run, h, theta, mu)


def forward_gaussian():
    """The default oracle of zo_accelerated: forward Gaussian differences (NS17's g_mu), eps 1e-4, seed 0."""
    return TwoPoint(dist="gaussian", scheme="forward")


FGM = Method(minimize_fgm, oracle=ExactAD, takes_oracle=True, takes_step=False, jitted=False,
             summary="Nesterov's fast gradient method: h = theta = 1/L, gamma_0 = L, a deterministic oracle")
ZO_ACCELERATED = Method(minimize_zo_accelerated, oracle=forward_gaussian, takes_oracle=True, takes_step=False,
                        jitted=False, summary="Nesterov & Spokoiny's accelerated random method: h = 1/(4(n+4)L), "
                                              "theta = 1/(16(n+4)^2 L), forward Gaussian differences")
