"""The state every optimizer method shares: the iterate, the budgets, the tests, the history, the callback.

A method (one function each in :mod:`zeroopt.optimize`) asks :meth:`Run.allow` before an iteration,
gets its estimates from :meth:`Run.estimate`, moves with :meth:`Run.move` and ends each iteration with
:meth:`Run.after_iteration`. Every way a run can end is a :class:`Stop` carrying a :class:`Status` and
the figure that decided it; :mod:`zeroopt.optimize` turns it into the Result.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import OptimizeResult

from . import _checks
from .status import Status

#: divergence: a checkpoint's f above f(x0) + DIVERGENCE_FACTOR (1 + |f(x0)|) stops the run
DIVERGENCE_FACTOR = 1e8
#: a random oracle's convergence test averages ||G||^2 / m over this many estimates
TOL_WINDOW = 20


class Stop(Exception):
    """The end of a run: a status and the figure that decided it."""

    def __init__(self, status, what):
        super().__init__(what)
        self.status, self.what = status, what


class Run:
    """One optimizer run's shared state (see the module docstring)."""

    def __init__(self, problem, x, oracle, maxiter, max_nfev, tol, rng, callback, history, counts, m):
        self.p, self.x, self.oracle, self.n = problem, x, oracle, problem.dim
        self.maxiter, self.max_nfev, self.tol, self.rng = maxiter, max_nfev, tol, rng
        self.callback, self.hist, self.counts, self.m = callback, history, counts, m
        self.k = 0
        self.fx = None           # f(x_k), when a counted evaluation gave it
        self.f0 = None           # f(x_0) as measured by the history (divergence test)
        self.window = [0.0, 0]   # sum of ||G||^2 and number of estimates in the random tol window

    @property
    def spent(self):
        return self.counts.nfev

    def allow(self, cost):
        """Stop (MAXITER, MAXFEV) unless one more iteration costing ``cost`` evaluations fits the budgets."""
        if self.k >= self.maxiter:
            raise Stop(Status.MAXITER, f"maxiter = {self.maxiter} iterations")
        if self.max_nfev is not None and self.spent + cost > self.max_nfev:
            raise Stop(Status.MAXFEV, f"max_nfev = {self.max_nfev}: {self.spent} evaluations spent and the next "
                                      f"iteration needs {cost}")

    def tol2(self):
        """The deterministic oracles' test ||G||^2 <= tol^2 (tol None: G = 0 exactly); -1 for random ones."""
        if self.oracle.random:
            return -1.0
        return 0.0 if self.tol is None else self.tol * self.tol

    def converged_on_g2(self, g2):
        return Stop(Status.CONVERGED, f"||G|| = {math.sqrt(g2):.3g} <= tol = {self.tol or 0.0:g}")

    def estimate(self, x=None, test=True):
        """One oracle call at ``x`` (default: the iterate). A non-finite value stops the run (NONFINITE,
        naming the point); at the iterate, a deterministic oracle's ``||G|| <= tol`` stops it (CONVERGED)."""
        try:
            est = self.oracle.estimate(self.p, self.x if x is None else x, rng=self.rng)
        except FloatingPointError as exc:
            raise Stop(Status.NONFINITE, f"at iteration {self.k}: {exc}") from None
        if test and x is None and est.g2 <= self.tol2():
            raise self.converged_on_g2(est.g2)
        return est

    def begin(self, cost, with_f=False):
        """The opening of an iteration: the budget check, the oracle call at the iterate (its ||G||^2 goes
        to the random tol window), and f(x_k) if ``with_f``. Returns (estimate, f(x_k) or None)."""
        self.allow(cost)
        est = self.estimate()
        if self.oracle.random:
            self.add_estimates(est.g2, 1)
        return est, (self.f_here(est) if with_f else None)

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

    def add_estimates(self, g2_sum, count):
        """Add to the random tol window (a random oracle's estimates of ||G||^2)."""
        self.window[0] += g2_sum
        self.window[1] += count

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
        if self.tol is not None and self.oracle.random and self.k % TOL_WINDOW == 0 and self.window[1]:
            est = self.window[0] / self.window[1] / self.m
            count = self.window[1]
            self.window = [0.0, 0]
            if est <= self.tol * self.tol:
                raise Stop(Status.CONVERGED, f"the mean of ||G||^2 / m over the last {count} estimates, an "
                                             f"estimate of ||grad f||^2, is {est:.3g} <= tol^2 = {self.tol ** 2:.3g}")

    def start(self):
        """Record iteration 0 (if checkpoints were asked for); f(x0) must be finite."""
        if self.hist.due(0):
            self.f0 = self.hist.record(0, self.x, 0)
            if "f" in self.hist.measure and not math.isfinite(self.f0):
                raise ValueError(f"f(x0) = {self.f0} is not finite at x0 = {_checks.describe_point(self.x)}")

    def diverged(self, f):
        if self.f0 is None or not ("f" in self.hist.measure):
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
