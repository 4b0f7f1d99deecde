"""Methods that search along a line at each iteration: steepest descent (an exact line search along -G),
coordinate minimisation (a line minimisation along one coordinate, function values only) and Random
Pursuit (a line minimisation along a random direction, function values only)."""

from __future__ import annotations

import math

import numpy as np

from .. import _checks, linesearch
from ..estimators import TwoPoint
from ..linesearch.drivers import exact_step, line_minimum
from ..status import Status
from ._run import Stop
from ._spec import Method, Option, choice
from .gd import theory_step


# --- steepest descent -----------------------------------------------------------------------------------
def minimize_steepest(run, step):
    """x <- x - alpha G with alpha minimising f along -G (bracket, then the scalar search ``step``)."""
    search = linesearch.brent if step is None else step
    kind = linesearch.kind_of(search)
    if kind not in ("rule", "interval", "bracket"):
        raise ValueError("for method='steepest', step must be None (Brent) or a search of zo.linesearch: an "
                         "interval search (brent, golden, dichotomy), parabolic, or a step rule")
    alpha0 = theory_step(run.p, run.oracle) or 1.0
    while True:
        est, f_x = run.begin(with_f=True)
        slope = -run.finite_slope(est)
        alpha, f_new = 0.0, f_x
        if slope < 0.0:  # (slope 0: a random G without descent information; the next draw decides)
            x, d = run.x, -est.grad

            def dphi(a, x=x, d=d):  # phi'(alpha) for a rule that asks for it (wolfe): the oracle's slope
                return float(run.estimate(x + a * d).grad @ d)

            line = linesearch.Line(run.p, x, d, phi0=f_x, alpha0=alpha0, derivative=dphi)
            alpha, f_new = exact_step(line, f_x, slope, alpha0, search, kind, budget=run.remaining())
        if alpha > 0 and f_new < f_x:
            run.move(run.x - alpha * est.grad, f_new)
            alpha0 = alpha
        elif run.exhausted():
            raise run.out_of_evaluations()
        elif not run.random:  # a random direction may miss the descent: x stays, the next draw decides
            raise Stop(Status.LINESEARCH_FAILED, f"no decrease along -G at iteration {run.k} "
                                                 f"(||G|| = {_checks.norm(est.grad):.3g})")
        run.after_iteration()


STEEPEST = Method(minimize_steepest, oracle=TwoPoint, takes_oracle=True, takes_step=True, jitted=False,
                  summary="x <- x - alpha G, alpha minimising f along -G (Brent, or the search given as step)")


# --- coordinate minimisation ------------------------------------------------------------------------------
class _Quiet:
    """The convergence test of the line-minimisation methods: every one of ``m`` slots (a coordinate, or
    one of the last m iterations) was searched since the last step longer than tol, and none moved more.

    A search that met a non-finite value and found no decrease is not quiet: "no decrease" there may
    mean that the line left f's domain, not that x is a minimiser along it. ``m`` such searches in a row
    end the run with NONFINITE."""

    def __init__(self, m):
        self.quiet = np.zeros(m, dtype=bool)
        self.blind = 0
        self.since = 0  # searches since the last step longer than tol

    def record(self, run, slot, step, nonfinite, decreased):
        tol = run.tol if run.tol is not None else 0.0
        if nonfinite and not decreased:
            self.quiet[:] = False
            self.since = 0
            self.blind += 1
            if self.blind >= self.quiet.size:
                raise Stop(Status.NONFINITE, f"f was inf or NaN along each of the last {self.blind} lines searched "
                                             f"and no decrease was found, at x = {_checks.describe_point(run.x)}")
            return False
        self.blind = 0
        if step > tol:
            self.quiet[:] = False
            self.since = 0
        else:
            self.quiet[slot] = True
            self.since += 1
        return bool(self.quiet.all())


def minimize_coordinate(run, order):
    """Minimise along one coordinate at a time (bracket + Brent), in ``order`` "cyclic" or "random" (from
    the run's stream); converged when every coordinate was searched since the last move longer than tol
    (tol=None: since the last move at all) and none moved more. In cyclic order that is: no coordinate
    moved more than tol in the last n steps."""
    n = run.n
    scales = np.maximum(1e-2 * np.maximum(1.0, np.abs(run.x)), 1e-8)
    run.allow(1)
    f_x = run.fx if run.fx is not None else run.p.value(run.x)
    if not math.isfinite(f_x):
        raise Stop(Status.NONFINITE, f"f(x0) = {f_x} at x = {_checks.describe_point(run.x)}")
    test = _Quiet(n)
    e = np.zeros(n)
    while True:
        run.allow(3)
        i = run.k % n if order == "cyclic" else min(int(run.rng.random() * n), n - 1)
        e[:] = 0.0
        e[i] = 1.0
        t, f_new, nonfinite = line_minimum(linesearch.Line(run.p, run.x, e, phi0=f_x), f_x, scales[i],
                                           run.remaining())
        decreased = f_new < f_x
        if decreased:
            run.move(run.x + t * e, f_new)
            f_x = f_new
            scales[i] = max(abs(t), 1e-8 * max(1.0, abs(run.x[i])))
        else:
            t = 0.0
        run.observe(f_x)  # (the stall test: a step of 0 is an iteration without decrease)
        run.after_iteration()
        if test.record(run, i, abs(t), nonfinite, decreased):
            tol = run.tol if run.tol is not None else 0.0
            raise Stop(Status.CONVERGED, f"no coordinate moved more than tol = {tol:g} in the last {test.since} "
                                         f"steps, each coordinate searched at least once")


COORDINATE = Method(minimize_coordinate, oracle=None, takes_oracle=False, takes_step=False, jitted=False,
                    options={"order": Option("cyclic", choice("cyclic", "random"),
                                             "'cyclic' or 'random' (drawn from the run's stream)")},
                    summary="minimise along one coordinate at a time (bracket + Brent), function values only")


# --- Random Pursuit ------------------------------------------------------------------------------------
def minimize_random_pursuit(run):
    """Random Pursuit (Stich, Mueller & Gaertner 2013): x <- x + t u with u uniform on the unit sphere
    (a normalised Gaussian from the run's stream) and t minimising f(x + t u) over all real t (bracket +
    Brent, :func:`~zeroopt.linesearch.drivers.line_minimum`); no gradient estimate. Converged when no
    step was longer than tol (tol=None: no step at all) in the last n iterations."""
    n = run.n
    run.allow(1)
    f_x = run.fx if run.fx is not None else run.p.value(run.x)
    if not math.isfinite(f_x):
        raise Stop(Status.NONFINITE, f"f(x0) = {f_x} at x = {_checks.describe_point(run.x)}")
    h = 1e-2 * max(1.0, _checks.norm(run.x) / math.sqrt(n))  # the first trial step along u
    test = _Quiet(n)
    while True:
        run.allow(3)
        u = run.rng.standard_normal(n)
        u /= _checks.norm(u)
        t, f_new, nonfinite = line_minimum(linesearch.Line(run.p, run.x, u, phi0=f_x), f_x, h, run.remaining())
        decreased = f_new < f_x
        if decreased:
            run.move(run.x + t * u, f_new)
            f_x = f_new
            h = max(abs(t), 1e-8 * max(1.0, _checks.norm(run.x) / math.sqrt(n)))
        else:
            t = 0.0
        slot = run.k % n
        run.observe(f_x)
        run.after_iteration()
        if test.record(run, slot, abs(t), nonfinite, decreased):
            tol = run.tol if run.tol is not None else 0.0
            raise Stop(Status.CONVERGED, f"no step was longer than tol = {tol:g} in the last {n} iterations")


RANDOM_PURSUIT = Method(minimize_random_pursuit, oracle=None, takes_oracle=False, takes_step=False, jitted=False,
                        summary="Random Pursuit: minimise f along a random direction (bracket + Brent over all "
                                "real t), function values only")
