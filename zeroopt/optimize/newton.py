"""Damped Newton: the Hessian by AD (forward-over-reverse), d = -H^-1 g, Armijo backtracking from 1 by halving."""

from __future__ import annotations

import math

import numpy as np

from .. import _checks, linesearch
from ..ad import hessian
from ..estimators import ExactAD
from ..status import Status
from ._run import Stop
from ._spec import Method


def minimize_newton(run):
    """Damped Newton: d = -H^-1 g (a gradient step where that is not a finite descent direction), Armijo from 1.
    Converged when ||g|| <= tol (tol=None: 1e-10 (1 + ||g_0||)); norms are computed without overflow."""
    if run.random:
        raise ValueError(f"method='newton' needs a deterministic gradient oracle (ExactAD, CoordinateFD): its test "
                         f"||g|| <= tol on one random estimate would decide on one draw; got {run.oracle!r}")
    H_of = hessian(run.p.py_fun)
    tol = run.tol
    while True:
        run.allow(run.cost(with_f=True))  # (f(x_k) is evaluated below)
        est = run.estimate()
        gnorm = _checks.norm(est.grad)
        if not math.isfinite(gnorm):
            raise Stop(Status.NONFINITE, f"||g|| = {gnorm} at iteration {run.k}, x = {_checks.describe_point(run.x)}")
        tol = 1e-10 * (1.0 + gnorm) if tol is None else tol
        if gnorm <= tol:
            raise Stop(Status.CONVERGED, f"||g|| = {gnorm:.3g} <= tol = {tol:.3g}")
        with np.errstate(all="ignore"):
            H = np.asarray(H_of(run.x, *run.p.args), dtype=float)
        run.p.count(nhev=1)
        if not np.all(np.isfinite(H)):
            raise Stop(Status.NONFINITE, f"the Hessian has a non-finite entry at iteration {run.k}, x = "
                                         f"{_checks.describe_point(run.x)}")
        d = _newton_direction(H, est.grad)
        f_x, slope = run.f_here(est), float(est.grad @ d)
        if not math.isfinite(slope):
            raise Stop(Status.NONFINITE, f"g'd = {slope} overflowed at iteration {run.k}")
        if run.exhausted():
            raise run.out_of_evaluations()
        left = run.remaining()
        # halving (beta_lo = beta = 1/2), the lecture's damped Newton: the unit step is accepted near the
        # minimum, and an interpolated step would be shorter than 1/2 where it is not (more iterations)
        res = linesearch.armijo(linesearch.Line(run.p, run.x, d, phi0=f_x), f_x, slope, alpha0=1.0, beta=0.5,
                                beta_lo=0.5, maxfev=60 if left is None else min(60, left))
        run.searched(res, f"Newton's Armijo backtracking at iteration {run.k}")
        run.move(run.x + res.x * d, res.fun)
        run.after_iteration()


def _newton_direction(H, G):
    """-H^-1 G if it is a finite descent direction, else -G."""
    try:
        with np.errstate(all="ignore"):
            d = -np.linalg.solve(H, G)
        if np.all(np.isfinite(d)) and float(G @ d) < 0:
            return d
    except np.linalg.LinAlgError:
        pass
    return -G


NEWTON = Method(minimize_newton, oracle=ExactAD, takes_oracle=True, takes_step=False, jitted=False,
                summary="damped Newton: the Hessian by AD, d = -H^-1 g, Armijo backtracking from 1")
