"""ZO-SGD (Ghadimi & Lan 2013, their randomized stochastic gradient-free method, ``"zo_sgd"``).

The scheme: forward Gaussian differences at common random numbers,
G = (F(x + eps u, xi) - F(x, xi)) / eps u with u ~ N(0, I_n) and the same xi at both points (the default
oracle ``TwoPoint(dist="gaussian", scheme="forward", eps=1/((n + 4) sqrt(T)))``, T = ``maxiter``); the
constant step gamma = c / sqrt((n + 4) N) over a horizon of N iterations (``options={"c": ..., "horizon":
...}``, c = 1 and N = ``maxiter`` by default); and the paper's output, the iterate x_R with R drawn
uniformly from {0, ..., N - 1} before the first step, from the run's stream.

The paper stops at iteration R; zo_sgd runs the whole horizon, so that the history shows the trajectory
(x_R is the same either way: R is drawn first, the iterates before it do not depend on it), and returns
x_R. A run that ends before the horizon (max_nfev, the tol window, a failure) returns its last iterate,
and its message says so.

The jitted path: with a compiled problem, an oracle with a compiled fast path and no callback, the
iterations run in gradient descent's compiled loop (:mod:`zeroopt.optimize.gd`; ``jit=None``, the
default), paused before the chunk that would pass R (x_R is copied there) and at N; the loop draws the
oracle's directions and xi in blocks from the run's stream and rewinds what it did not use, so x, x_R,
the counts, the history and the message are the Python loop's (``jit=False``) bit for bit. The theory is
:mod:`zeroopt.theory.zo_sgd`.
"""

from __future__ import annotations

import numbers

from .. import _checks, kernels
from ..estimators import TwoPoint
from ..status import Status
from ..theory.zo_sgd import zo_sgd_radius, zo_sgd_step
from ._run import Stop
from ._spec import Method, Option
from .gd import _gd_jitted, _loop_path

#: the step's constant c in gamma = c / sqrt((n + 4) N) (Ghadimi & Lan's D/sigma; 1 when both are unknown)
ZO_SGD_C = 1.0


def paper_oracle(n=None, maxiter=None):
    """Forward Gaussian differences with the radius eps = 1/((n + 4) sqrt(T)), T = maxiter (without n and
    maxiter: TwoPoint's own eps, 1e-4), seed 0."""
    eps = 1e-4 if n is None or maxiter is None else zo_sgd_radius(n, maxiter)
    return TwoPoint(eps=eps, dist="gaussian", scheme="forward")


def draw_output_index(rng, N):
    """R, uniform on {0, ..., N - 1}: ``floor(N * rng.random())`` (one draw from the run's stream)."""
    return min(int(N * rng.random()), N - 1)


def minimize_zo_sgd(run, c, horizon, jit):
    """ZO-SGD: x <- x - gamma G, gamma = c / sqrt((n + 4) N), for N = horizon iterations; the result is
    x_R, R uniform on {0, ..., N - 1}, drawn before the first step.

    ``jit`` (None: where possible) runs the iterations in gradient descent's compiled loop
    (:func:`zeroopt.optimize.gd._gd_jitted`), paused at R to copy x_R and at N to end: the same iterates,
    x_R, counts and history as the Python loop (``jit=False``), bit for bit. A run that ends before the
    horizon (max_nfev, a tol test, a failure) returns the last iterate, and its message says so."""
    N = run.maxiter if horizon is None else horizon
    if N > run.maxiter:
        raise ValueError(f"options['horizon'] = {N} is more than maxiter = {run.maxiter}: the run would end "
                         f"before the horizon its step gamma = c/sqrt((n + 4) N) is made for; give "
                         f"maxiter >= horizon")
    gamma = zo_sgd_step(run.n, N, c)
    path = _loop_path(run) if jit is not False else None
    if jit is True and path is None:
        raise ValueError("jit=True, but method='zo_sgd' runs in Python here: its jitted path needs a jitted "
                         "problem, an oracle with a compiled fast path (CoordinateFD, RandomCoordinate, TwoPoint "
                         "not batched, ExactAD(compiled=True) where its gradient compiles) and no callback")
    horizon = _Horizon(run, N, draw_output_index(run.rng, N), gamma)
    try:
        if path is not None:
            return _gd_jitted(run, path, gamma, pause=horizon.pause, python=horizon.python)
        return horizon.python()
    except Stop as stop:
        if not horizon.reached:
            stop.what += (f"; before the horizon N = {N}: the result is the last iterate x_{run.k}, not the output "
                          f"x_R (R = {horizon.R})")
        raise


class _Horizon:
    """ZO-SGD's horizon N and output index R over a run: :meth:`pause` at the top of each iteration (a copy
    of x_R at k = R; the end at k = N), :meth:`python` the Python loop."""

    def __init__(self, run, N, R, gamma):
        self.run, self.N, self.R, self.gamma = run, N, R, gamma
        self.x_R, self.reached = None, False

    def pause(self):
        """At the iterate x_k: keep x_R (k = R), or end the run at the horizon (k = N); the iterations
        before the next of them."""
        run = self.run
        if run.k == self.R:
            self.x_R = run.x.copy()
        if run.k == self.N:
            run.output(self.x_R)
            self.reached = True
            raise Stop(Status.MAXITER, f"the horizon N = {self.N} iterations, step gamma = {self.gamma:.6g}; the "
                                       f"result is the iterate x_R, R = {self.R} drawn uniformly from "
                                       f"0..{self.N - 1}")
        return (self.R if run.k < self.R else self.N) - run.k

    def python(self):
        """The Python loop, from the run's current iterate."""
        run = self.run
        while True:
            self.pause()
            est, _ = run.begin()
            x = run.x.copy()
            kernels.dense_update.jit(x, est.grad, self.gamma, x[:0])
            run.move(x)
            run.after_iteration()


def _horizon(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be None (maxiter) or an integer >= 1, got {value!r}")
    return _checks.positive_int(value, name)


ZO_SGD = Method(minimize_zo_sgd, oracle=paper_oracle, oracle_sized=True, takes_oracle=True, takes_step=False,
                jitted=True,
                options={"c": Option(ZO_SGD_C, _checks.positive_float,
                                     "the step's constant: gamma = c / sqrt((n + 4) N)"),
                         "horizon": Option(None, _horizon, "N, the iterations the step is made for; None: maxiter")},
                summary="ZO-SGD: x <- x - c/sqrt((n + 4) N) G with forward Gaussian differences at common random "
                        "numbers over a horizon N, output x_R with R uniform (Ghadimi & Lan 2013)")
