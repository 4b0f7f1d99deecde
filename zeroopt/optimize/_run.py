"""The state every optimizer method shares - the iterate, the budgets, the tests, the history, the
callback - and the vocabulary the methods' loops use on it.

A method (one function each in the family modules of :mod:`zeroopt.optimize`) reads a :class:`Run` and
never writes its fields: it opens an iteration with :meth:`Run.begin` (budget check, oracle call, tests),
moves with :meth:`Run.move` and ends each iteration with :meth:`Run.after_iteration`. A compiled loop
asks :meth:`Run.stretch` how many iterations it may run, runs them on :attr:`Run.x` in place, and hands
its result to :meth:`Run.absorb`. Every way a run can end is a :class:`Stop` carrying a :class:`Status`
and the figure that decided it; :func:`zeroopt.minimize` turns it into the Result.

The test of an estimate at the iterate - ``||G|| <= tol`` for deterministic oracles, and the random
oracles' tol window - is :func:`test_estimate`, one numba function that :meth:`Run.begin` (the Python
path) and the compiled loop both call; the window's end is tested in :meth:`Run.checkpoint` for both.
So is the stall test, :func:`note_progress`: the iterations since the lowest f the method has paid for
last decreased (values it evaluates anyway: a forward difference's f(x), a line search's f; never an
evaluation of its own). With a ``tol``, :attr:`Run.stall_window` such iterations end the run as
STALLED; without one the run goes on and its final message says since when f has not decreased.

Norms are compared, never their squares: ``||G||`` is computed with a scaled sum (:func:`_checks.norm`),
so neither an underflow (G = 1e-170 in every entry) nor an overflow can pass a test.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.optimize import OptimizeResult

from .. import _checks
from ..status import Status
from ._stall import STALL_WINDOW, note_progress

#: divergence: a checkpoint's f above f(x0) + DIVERGENCE_FACTOR (1 + |f(x0)|) stops the run
DIVERGENCE_FACTOR = 1e8
#: a random oracle's convergence test takes the root mean square of ||G|| / sqrt(m) over this many estimates
TOL_WINDOW = 20
#: why a compiled chunk stopped: it ran all its steps, an estimate failed, ||G|| <= tol, x overflowed, a stall
RUNNING, BAD, TOL, OVERFLOW, STALL = 0, 1, 2, 3, 4


@numba.njit(cache=True)
def test_estimate(G, tol, windowed, scale, ssq):
    """The test of an estimate G at the iterate, written once: :meth:`Run.begin` (the Python path) and
    the compiled loops call this same function, so the two paths decide alike, bit for bit.

    Parameters
    ----------
    G : ndarray (n,)
        The estimate at the iterate.
    tol : float
        The deterministic oracles' test ``||G|| <= tol`` (0: G = 0 exactly); < 0: no test (random oracles).
    windowed : bool
        Add ``||G||`` to the random tol window's sum of squares ``scale^2 ssq`` (LAPACK's dlassq update).
    scale, ssq : float
        The window's sum so far.

    Returns
    -------
    (converged, norm, scale, ssq)
        ``converged``: the test held; ``norm``: ``||G||`` (NaN when neither the test nor the window needs
        it: it is not computed); the window's sum after this estimate (unchanged if it converged).
    """
    if tol < 0.0 and not windowed:
        return False, math.nan, scale, ssq
    norm = _checks.norm(G)
    if norm <= tol:
        return True, norm, scale, ssq
    if windowed:
        scale, ssq = _checks.add_square(scale, ssq, norm)
    return False, norm, scale, ssq


class Stop(Exception):
    """The end of a run: a status and the figure that decided it."""

    def __init__(self, status, what):
        super().__init__(what)
        self.status, self.what = status, what


class Run:
    """One optimizer run's shared state (see the module docstring).

    Read-only for the methods: ``p`` (the problem), ``x`` (the iterate), ``fx`` (f(x), when a counted
    evaluation gave it, else None), ``k`` (iterations done), ``oracle`` (None for methods without one),
    ``n``, ``m`` (the oracle's second-moment factor), ``rng``, ``tol``, ``callback``, ``maxiter``,
    ``max_nfev``, ``random`` (the oracle draws), ``windowed`` (the random tol window is on).
    """

    def __init__(self, problem, x, oracle, budgets, tol, rng, callback, history, counts, m):
        self.p, self._x, self.oracle, self.n = problem, x, oracle, problem.dim
        self.maxiter, self.max_nfev, self.reserve = budgets
        self.tol, self.rng, self.callback, self.hist, self.counts, self.m = tol, rng, callback, history, counts, m
        self.random = oracle is not None and oracle.random
        #: the random tol window is on: random oracle and a tol
        self.windowed = tol is not None and self.random
        self._per_call = 0 if oracle is None else oracle.evals_per_call(self.n)
        self._k = 0
        self._fx = None            # f(x_k), when a counted evaluation gave it
        self.f0 = None             # f(x_0) as measured by the history (divergence test)
        self._window = (0.0, 1.0, 0)  # the random tol window: scale, ssq (sum ||G||^2 = scale^2 ssq), count
        self._best, self._since, self._best_at = math.inf, 0, 0  # the stall test: lowest f paid for, and when
        self._iter_f = math.nan    # the lowest f paid for in this iteration
        #: the stall window in iterations (see STALL_WINDOW); a method without an oracle moves along one line
        #: per iteration (one coordinate, one random direction): n of them make one sweep
        self.stall_window = STALL_WINDOW * (max(1, math.ceil(m - 1e-9)) if oracle is not None else self.n)
        self.display = None        # the progress display (minimize's disp), if any

    # -- what the methods read ----------------------------------------------------------------------------
    @property
    def x(self):
        """The iterate x_k (a compiled chunk updates this array in place, then calls :meth:`absorb`)."""
        return self._x

    @property
    def k(self):
        """Iterations done."""
        return self._k

    @property
    def fx(self):
        """f(x_k) if a counted evaluation gave it, else None."""
        return self._fx

    @property
    def spent(self):
        """Evaluations spent so far (the run's count)."""
        return self.counts.nfev

    @property
    def window_sums(self):
        """The random tol window's sum of squares of ||G|| as (scale, ssq): the sum is scale^2 ssq."""
        return self._window[0], self._window[1]

    @property
    def progress_state(self):
        """The stall test's (lowest f paid for, iterations since it last decreased), for a compiled loop."""
        return self._best, self._since

    def stall_limit(self):
        """The iterations without progress that stop the run (a compiled loop's STALL), or -1: no tol, the
        run goes on."""
        return self.stall_window if self.tol is not None else -1

    def test_tol(self):
        """The deterministic oracles' test ||G|| <= tol (tol=None: G = 0 exactly); -1: no test (random)."""
        if self.random or self.oracle is None:
            return -1.0
        return 0.0 if self.tol is None else self.tol

    # -- budgets ------------------------------------------------------------------------------------------
    def remaining(self):
        """Evaluations left in max_nfev (after the final evaluation ``record="none"`` reserves), or None."""
        return None if self.max_nfev is None else self.max_nfev - self.reserve - self.spent

    def exhausted(self):
        """True if max_nfev leaves no evaluation at all (then :meth:`out_of_evaluations` is the end)."""
        left = self.remaining()
        return left is not None and left <= 0

    def cost(self, with_f=False, trials=0):
        """The evaluations an iteration costs: one oracle call, f(x_k) if ``with_f`` and it is not known,
        and ``trials`` more (a step rule's first trial)."""
        return self._per_call + (1 if with_f and self._fx is None else 0) + trials

    def allow(self, cost):
        """Stop (MAXITER, MAXFEV) unless one more iteration costing ``cost`` evaluations fits the budgets."""
        if self._k >= self.maxiter:
            raise Stop(Status.MAXITER, f"maxiter = {self.maxiter} iterations")
        left = self.remaining()
        if left is not None and (cost > left or left <= 0):
            raise self.out_of_evaluations(cost)

    def stretch(self, cost):
        """The iterations, costing ``cost`` each, that a compiled chunk may run before the run must look:
        up to maxiter, the next checkpoint, the end of a tol window, and within max_nfev. Stops (MAXITER,
        MAXFEV) if not one fits."""
        k = self._k
        events = [self.maxiter, self.hist.next_checkpoint()]
        if self.windowed:
            events.append(k - k % TOL_WINDOW + TOL_WINDOW)
        steps = min(e for e in events if e is not None) - k
        left = self.remaining()
        if left is not None and cost > 0:
            steps = min(steps, left // cost)
        if steps <= 0:
            self.allow(cost)
        return steps

    def out_of_evaluations(self, cost=None):
        """The MAXFEV Stop, naming the budget, the evaluations spent and what the next iteration needs."""
        need = f", and the next iteration needs {cost}" if cost else ""
        kept = f" ({self.reserve} kept for the final f(x))" if self.reserve else ""
        over = self.spent + self.reserve - self.max_nfev
        passed = (f": the step rule passed the budget by {over} in the last iteration (a rule without maxfev is "
                  f"called as written)") if over > 0 else ""
        return Stop(Status.MAXFEV, f"max_nfev = {self.max_nfev}: {self.spent} evaluations spent{kept}{need}{passed}")

    # -- an iteration -------------------------------------------------------------------------------------
    def estimate(self, x=None):
        """One oracle call at ``x`` (default: the iterate), untested. A non-finite value stops the run
        (NONFINITE, naming the point)."""
        try:
            return self.oracle.estimate(self.p, self._x if x is None else x, rng=self.rng)
        except FloatingPointError as exc:
            raise Stop(Status.NONFINITE, f"at iteration {self._k}: {exc}") from None

    def begin(self, with_f=False, trials=0, at=None):
        """The opening of an iteration: the budget check for :meth:`cost` ``(with_f, trials)``, the oracle
        call at the iterate (or at the point ``at``, e.g. an accelerated method's extrapolated point) and
        its test (:func:`test_estimate`: a deterministic oracle's ``||G|| <= tol`` stops the run,
        CONVERGED, with ``at`` as the result; a random one's ||G|| goes to the tol window), and f(x_k) if
        ``with_f``. A value of f the estimate brings (forward schemes, ExactAD) goes to the stall test.
        Returns (estimate, f(x_k) or None)."""
        self.allow(self.cost(with_f, trials))
        est = self.estimate(at)
        scale, ssq, count = self._window
        converged, norm, scale, ssq = test_estimate(est.grad, self.test_tol(), self.windowed, scale, ssq)
        if converged:
            if at is not None:  # the test held at ``at``: that point is the answer
                self._x, self._fx = np.array(at, dtype=float), (est.fx if math.isfinite(est.fx) else None)
            raise self.converged(norm, "" if at is None else " at the point where the gradient was estimated")
        if self.windowed:
            self._window = (scale, ssq, count + 1)
        self.observe(est.fx)
        return est, (self.f_here(est) if with_f else None)

    def observe(self, f):
        """A value of f the method paid for in this iteration (NaN: none), for the stall test."""
        if math.isfinite(f) and not f >= self._iter_f:  # (the first finite value replaces NaN)
            self._iter_f = f

    def f_here(self, est=None):
        """f(x_k): known, or from the estimate (forward schemes, ExactAD), or one counted evaluation."""
        if self._fx is None:
            self._fx = est.fx if (est is not None and math.isfinite(est.fx)) else self.p.value(self._x)
            if not math.isfinite(self._fx):
                raise Stop(Status.NONFINITE, f"f(x) = {self._fx} at iteration {self._k}, x = "
                                             f"{_checks.describe_point(self._x)}")
        self.observe(self._fx)
        return self._fx

    def finite_slope(self, est):
        """<g, G> of an estimate, or NONFINITE if it or ||G||^2 overflowed (then no step rule can use it)."""
        if not (math.isfinite(est.gdotG) and math.isfinite(est.g2)):
            raise Stop(Status.NONFINITE, f"at iteration {self._k}: the estimate's <g, G> = {est.gdotG:.3g} or "
                                         f"||G||^2 = {est.g2:.3g} overflowed, x = {_checks.describe_point(self._x)}")
        return est.gdotG

    def searched(self, res, what):
        """True if the line search ``res`` succeeded. A random oracle's failed search is one unlucky draw:
        the iterate stays and the next draw decides (False). Otherwise the run stops: NONFINITE stays
        NONFINITE, a search stopped by the run's evaluation budget is MAXFEV, the rest LINESEARCH_FAILED."""
        if res.success:
            return True
        if self.exhausted():
            raise self.out_of_evaluations()
        if res.status is Status.NONFINITE or not self.random:
            status = Status.NONFINITE if res.status is Status.NONFINITE else Status.LINESEARCH_FAILED
            raise Stop(status, f"{what}: {Status(res.status).detail(res.message)}")
        return False

    def move(self, x_new, fx=None):
        """Make ``x_new`` the iterate (``fx`` = f(x_new) if a counted evaluation gave it)."""
        self._x, self._fx = x_new, fx
        if fx is not None:
            self.observe(fx)
        if not _checks.all_finite(x_new):
            self._k += 1  # the iteration happened: its iterate is the overflowed one
            raise self.overflowed()

    def after_iteration(self):
        """Count the iteration, note its progress, call the callback, record a checkpoint, run the random
        tol test and the stall test, show progress."""
        self._k += 1
        self._progress(*note_progress(self._iter_f, self._best, self._since))
        self._iter_f = math.nan
        if self.callback is not None:
            fun = self._fx if self._fx is not None else math.nan
            try:
                self.callback(OptimizeResult(x=self._x.copy(), nit=self._k, nfev=self.spent, fun=fun))
            except StopIteration:
                raise Stop(Status.CALLBACK, f"at iteration {self._k}") from None
        self.checkpoint()
        self.stall_test()
        if self.display is not None:
            self.display.update(self)

    def _progress(self, best, since):
        if best < self._best:
            self._best_at = self._k
        self._best, self._since = best, since

    def stall_test(self):
        """STALLED if a tol was asked for and f has not decreased in the stall window."""
        limit = self.stall_limit()
        if limit > 0 and self._since >= limit:
            raise Stop(Status.STALLED, f"{self.stall_note()}, so tol = {self.tol:g} cannot be reached from here")

    def stall_note(self):
        """What the stall test saw: the lowest f and the iterations since it last decreased."""
        return (f"the lowest f the method evaluated, {self._best:.17g} at iteration {self._best_at}, has not "
                f"decreased in the {self._since} iterations since (stall window {self.stall_window})")

    def stalled(self):
        """True if f has not decreased in the stall window (whether or not that stops the run)."""
        return self._since >= self.stall_window

    @property
    def best_f(self):
        """The lowest f the method paid for so far (inf if none)."""
        return self._best

    def absorb(self, done, scale, ssq, stop, norm=math.nan, failure=None, progress=None):
        """Take in a compiled chunk that made ``done`` iterations on :attr:`x` in place: the tol window's
        sum after them, the stall test's (best, since, iteration of the best) after them, and why it
        stopped (RUNNING, BAD: ``failure()`` says what, TOL: ``||G|| = norm``, OVERFLOW, STALL). Then, as
        :meth:`after_iteration` (a compiled chunk has no callback): the checkpoint and the stall test."""
        self._k += done
        self._fx = None
        if progress is not None:
            best, self._since, at = progress
            if best < self._best:
                self._best_at = at
            self._best = best
        if self.windowed:
            self._window = (scale, ssq, self._window[2] + done)
        if stop == BAD:
            raise Stop(Status.NONFINITE, f"at iteration {self._k}: {failure()}")
        if stop == TOL:
            raise self.converged(norm)
        if stop == OVERFLOW:
            raise self.overflowed()
        self.checkpoint()
        self.stall_test()
        if self.display is not None:
            self.display.update(self)

    # -- the ends -----------------------------------------------------------------------------------------
    def converged(self, norm, where=""):
        return Stop(Status.CONVERGED, f"||G|| = {norm:.3g} <= tol = {self.tol or 0.0:g}{where}")

    def overflowed(self):
        """DIVERGED at the iterate x_k, which has a non-finite entry."""
        return Stop(Status.DIVERGED, f"the iterate overflowed at iteration {self._k}: x = "
                                     f"{_checks.describe_point(self._x)}; try a smaller step")

    def checkpoint(self):
        """At a checkpoint: record the history, test for divergence; at a window's end: the random tol test."""
        if self.hist.due(self._k):
            f = self.hist.record(self._k, self._x, self.spent)
            self.diverged(f)
        scale, ssq, count = self._window
        if self.windowed and self._k % TOL_WINDOW == 0 and count:
            self._window = (0.0, 1.0, 0)
            rms = scale * math.sqrt(ssq / (count * self.m))
            if rms <= self.tol:
                raise Stop(Status.CONVERGED, f"the root mean square of ||G|| / sqrt(m) over the last {count} "
                                             f"estimates, an estimate of ||grad f||, is {rms:.3g} <= tol = {self.tol:g}")

    def start(self):
        """Record iteration 0 (if checkpoints were asked for); f(x0) must be finite."""
        if self.hist.due(0):
            self.f0 = self.hist.record(0, self._x, 0)
            if "f" in self.hist.measure and not math.isfinite(self.f0):
                raise ValueError(f"f(x0) = {self.f0} is not finite at x0 = {_checks.describe_point(self._x)}")

    def diverged(self, f):
        """The divergence test at a checkpoint that measured f (DIVERGED; NONFINITE for NaN)."""
        if self.f0 is None or "f" not in self.hist.measure:
            return
        if math.isnan(f):
            raise Stop(Status.NONFINITE, f"f(x) = nan at iteration {self._k}, x = {_checks.describe_point(self._x)}: "
                                         f"the iterate left the objective's domain; try a smaller step")
        threshold = self.f0 + DIVERGENCE_FACTOR * (1.0 + abs(self.f0))
        if f > threshold:
            raise Stop(Status.DIVERGED, f"f(x) = {f:.6g} at iteration {self._k} is above f(x0) + {DIVERGENCE_FACTOR:g} "
                                        f"(1 + |f(x0)|) = {threshold:.6g}, x = {_checks.describe_point(self._x)}; "
                                        f"try a smaller step")

    def final_fun(self, counted):
        """Result.fun: the history's last f, else f(x_k) if a counted evaluation gave it, else one evaluation
        - counted if ``counted`` (record="none": no uncounted evaluation at all), else a measurement."""
        self.hist.final(self._k, self._x, self.spent)
        rows = self.hist.rows
        if rows and rows[-1][0] == self._k and "f" in self.hist.measure:
            return rows[-1][2]
        if self._fx is not None:
            return self._fx
        if not _checks.all_finite(self._x):  # (no temporary of the size of x: method="inplace" runs at n = 1e8)
            return math.nan
        return self.p.value(self._x, count=counted)
