"""The state every optimizer method shares: the iterate, the budgets, the tests, the history, the callback.

A method (one function each in :mod:`zeroopt.optimize`) asks :meth:`Run.begin` to open an iteration
(budget check, oracle call, tests), moves with :meth:`Run.move` and ends each iteration with
:meth:`Run.after_iteration`. Every way a run can end is a :class:`Stop` carrying a :class:`Status` and
the figure that decided it; :mod:`zeroopt.optimize` turns it into the Result.

Norms are compared, never their squares: ``||G||`` is computed with a scaled sum (:func:`_checks.norm`),
so neither an underflow (G = 1e-170 in every entry) nor an overflow can pass a test.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import OptimizeResult

from . import _checks
from .status import Status

#: divergence: a checkpoint's f above f(x0) + DIVERGENCE_FACTOR (1 + |f(x0)|) stops the run
DIVERGENCE_FACTOR = 1e8
#: a random oracle's convergence test takes the root mean square of ||G|| / sqrt(m) over this many estimates
TOL_WINDOW = 20


class Stop(Exception):
    """The end of a run: a status and the figure that decided it."""

    def __init__(self, status, what):
        super().__init__(what)
        self.status, self.what = status, what


class Run:
    """One optimizer run's shared state (see the module docstring)."""

    def __init__(self, problem, x, oracle, budgets, tol, rng, callback, history, counts, m, order="cyclic"):
        self.p, self.x, self.oracle, self.n = problem, x, oracle, problem.dim
        self.maxiter, self.max_nfev, self.reserve = budgets
        self.tol, self.rng, self.callback, self.hist, self.counts, self.m = tol, rng, callback, history, counts, m
        self.order = order
        self.k = 0
        self.fx = None           # f(x_k), when a counted evaluation gave it
        self.f0 = None           # f(x_0) as measured by the history (divergence test)
        self.window = [0.0, 1.0, 0]  # the random tol window: scale, ssq (sum ||G||^2 = scale^2 ssq), count

    @property
    def spent(self):
        return self.counts.nfev

    def remaining(self):
        """Evaluations left in max_nfev (after the final evaluation ``record="none"`` reserves), or None."""
        return None if self.max_nfev is None else self.max_nfev - self.reserve - self.spent

    def allow(self, cost):
        """Stop (MAXITER, MAXFEV) unless one more iteration costing ``cost`` evaluations fits the budgets."""
        if self.k >= self.maxiter:
            raise Stop(Status.MAXITER, f"maxiter = {self.maxiter} iterations")
        left = self.remaining()
        if left is not None and (cost > left or left <= 0):
            raise self.out_of_evaluations(cost)

    def out_of_evaluations(self, cost=None):
        need = f", and the next iteration needs {cost}" if cost else ""
        kept = f" ({self.reserve} kept for the final f(x))" if self.reserve else ""
        over = self.spent + self.reserve - self.max_nfev
        passed = (f": the step rule passed the budget by {over} in the last iteration (a rule without maxfev is "
                  f"called as written)") if over > 0 else ""
        return Stop(Status.MAXFEV, f"max_nfev = {self.max_nfev}: {self.spent} evaluations spent{kept}{need}{passed}")

    def test_tol(self):
        """The deterministic oracles' test ||G|| <= tol (tol=None: G = 0 exactly); -1: no test (random)."""
        if self.oracle.random:
            return -1.0
        return 0.0 if self.tol is None else self.tol

    def converged(self, norm):
        return Stop(Status.CONVERGED, f"||G|| = {norm:.3g} <= tol = {self.tol or 0.0:g}")

    def estimate(self, x=None, test=True):
        """One oracle call at ``x`` (default: the iterate) -> (estimate, ||G||). A non-finite value stops
        the run (NONFINITE, naming the point); at the iterate, a deterministic oracle's ``||G|| <= tol``
        stops it (CONVERGED)."""
        try:
            est = self.oracle.estimate(self.p, self.x if x is None else x, rng=self.rng)
        except FloatingPointError as exc:
            raise Stop(Status.NONFINITE, f"at iteration {self.k}: {exc}") from None
        norm = _checks.norm(est.grad)
        if test and x is None and norm <= self.test_tol():
            raise self.converged(norm)
        return est, norm

    def begin(self, cost, with_f=False):
        """The opening of an iteration: the budget check, the oracle call at the iterate (its ||G|| goes
        to the random tol window), and f(x_k) if ``with_f``. Returns (estimate, ||G||, f(x_k) or None)."""
        self.allow(cost)
        est, norm = self.estimate()
        if self.oracle.random:
            self.window[0], self.window[1] = _checks.add_square(self.window[0], self.window[1], norm)
            self.window[2] += 1
        return est, norm, (self.f_here(est) if with_f else None)

    def f_here(self, est):
        """f(x_k): known, or from the estimate (forward schemes, ExactAD), or one counted evaluation."""
        if self.fx is None:
            self.fx = est.fx if math.isfinite(est.fx) else self.p.value(self.x)
            if not math.isfinite(self.fx):
                raise Stop(Status.NONFINITE, f"f(x) = {self.fx} at iteration {self.k}, x = "
                                             f"{_checks.describe_point(self.x)}")
        return self.fx

    def move(self, x_new, fx=None):
        """Make ``x_new`` the iterate (``fx`` = f(x_new) if a counted evaluation gave it)."""
        self.x, self.fx = x_new, fx
        if not _checks.all_finite(x_new):
            self.k += 1  # the iteration happened: its iterate is the overflowed one
            raise self.overflowed()

    def overflowed(self):
        """DIVERGED at the iterate x_k, which has a non-finite entry."""
        return Stop(Status.DIVERGED, f"the iterate overflowed at iteration {self.k}: x = "
                                     f"{_checks.describe_point(self.x)}; try a smaller step")

    def after_iteration(self):
        """Count the iteration, call the callback, record a checkpoint, run the random tol test."""
        self.k += 1
        if self.callback is not None:
            try:
                self.callback(OptimizeResult(x=self.x.copy(), nit=self.k, nfev=self.spent))
            except StopIteration:
                raise Stop(Status.CALLBACK, f"at iteration {self.k}") from None
        self.checkpoint()

    def checkpoint(self):
        """At a checkpoint: record the history, test for divergence; at a window's end: the random tol test."""
        if self.hist.due(self.k):
            f = self.hist.record(self.k, self.x, self.spent)
            self.diverged(f)
        scale, ssq, count = self.window
        if self.tol is not None and self.oracle.random and self.k % TOL_WINDOW == 0 and count:
            self.window = [0.0, 1.0, 0]
            rms = scale * math.sqrt(ssq / (count * self.m))
            if rms <= self.tol:
                raise Stop(Status.CONVERGED, f"the root mean square of ||G|| / sqrt(m) over the last {count} "
                                             f"estimates, an estimate of ||grad f||, is {rms:.3g} <= tol = {self.tol:g}")

    def start(self):
        """Record iteration 0 (if checkpoints were asked for); f(x0) must be finite."""
        if self.hist.due(0):
            self.f0 = self.hist.record(0, self.x, 0)
            if "f" in self.hist.measure and not math.isfinite(self.f0):
                raise ValueError(f"f(x0) = {self.f0} is not finite at x0 = {_checks.describe_point(self.x)}")

    def diverged(self, f):
        """The divergence test at a checkpoint that measured f (DIVERGED; NONFINITE for NaN)."""
        if self.f0 is None or "f" not in self.hist.measure:
            return
        if math.isnan(f):
            raise Stop(Status.NONFINITE, f"f(x) = nan at iteration {self.k}, x = {_checks.describe_point(self.x)}: the "
                                         f"iterate left the objective's domain; try a smaller step")
        threshold = self.f0 + DIVERGENCE_FACTOR * (1.0 + abs(self.f0))
        if f > threshold:
            raise Stop(Status.DIVERGED, f"f(x) = {f:.6g} at iteration {self.k} is above f(x0) + {DIVERGENCE_FACTOR:g} "
                                        f"(1 + |f(x0)|) = {threshold:.6g}, x = {_checks.describe_point(self.x)}; "
                                        f"try a smaller step")

    def final_fun(self, counted):
        """Result.fun: the history's last f, else f(x_k) if a counted evaluation gave it, else one evaluation
        - counted if ``counted`` (record="none": no uncounted evaluation at all), else a measurement."""
        self.hist.final(self.k, self.x, self.spent)
        rows = self.hist.rows
        if rows and rows[-1][0] == self.k and "f" in self.hist.measure:
            return rows[-1][2]
        if self.fx is not None:
            return self.fx
        if not np.all(np.isfinite(self.x)):
            return math.nan
        return self.p.value(self.x, count=counted)
