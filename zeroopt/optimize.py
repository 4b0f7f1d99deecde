"""Optimizers that take any gradient oracle: gradient descent (first- or zero-order), steepest descent
with exact line search, coordinate minimisation and damped Newton - with a jitted fast path.

``zo.minimize(problem, x0, oracle, method, step, maxiter, max_nfev, tol, seed, callback, record)``
returns a :class:`Result` (scipy's OptimizeResult fields ``x, fun, nit, nfev, success, status,
message`` plus ``ngev``, ``nhev`` and ``history``).

Counting. ``nfev``/``ngev``/``nhev`` are the evaluations the method spent: every call an oracle, a line
search or the adaptive step rule made. The ``history`` and ``Result.fun`` are *measurements*: f(x_k),
the exact ||grad f(x_k)||^2 (by AD, where the objective can be traced) and ||x_k - x*||^2 (where x* is
known), taken at checkpoints without being counted, so that measuring never changes what is measured.

The jitted path. For ``method="gd"`` with a fixed step (a number, or ``step=None`` with L known), a
jitted problem, a finite-difference or random oracle and no callback, the iterations run inside numba
between checkpoints. Random directions are drawn in numpy, in blocks, from the same stream as the
Python path - a block draw equals the single draws bit for bit - and unused draws are rewound at the end,
so the jitted path gives the same iterates, counts and final stream state as the Python reference path
(``jit=False``) for the same seed.
"""

from __future__ import annotations

import functools
import math
import numbers

import numba
import numpy as np
from scipy.optimize import OptimizeResult

from . import _checks, linesearch
from .ad import value_and_grad
from .estimators import (CENTRAL_REL_STEP, FORWARD_REL_STEP, CoordinateFD, ExactAD, Oracle, RandomCoordinate,
                         TwoPoint, _central_coordinate_point, _direction_point, _forward_coordinate_point,
                         _rng_from, nonfinite_error)
from .kernels import JIT
from .problem import Problem

METHODS = ("gd", "steepest", "coordinate", "newton")
#: divergence: a checkpoint's f above f(x0) + DIVERGENCE_FACTOR (1 + |f(x0)|) stops the run
DIVERGENCE_FACTOR = 1e8
#: adaptive step rule: L_hat is multiplied by this after an accepted step (and doubled after a rejected one)
ADAPTIVE_SHRINK = 0.9
_BLOCK_BYTES = 1 << 23  # directions drawn per block: at most 8 MiB


class Result(OptimizeResult):
    """scipy's OptimizeResult (a dict with attribute access) with zeroopt's fields:

    x, fun (a measurement, not counted), nit, nfev, ngev, nhev, success, status, message, method,
    history: dict of 1-D arrays nit, nfev, f, grad_norm2, dist2 (NaN where unknown).
    """


# the compiled kernels, as globals of the jitted loops below (the very code the oracles call)
coord_central, coord_forward = JIT.coord_central, JIT.coord_forward


# --- small jitted helpers shared by both paths ------------------------------------------------------
@numba.njit(cache=True)
def sq_norm(v):
    """sum v_i^2 in a fixed sequential order (both paths use it, so their decisions agree bit for bit)."""
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return s


def _gd_directions_loop(kernel, fun, x, V, start, nsteps, step, eps, forward, coef, nth, D, G, args):
    """nsteps iterations x <- x - step G(x) along the direction sets V[start + k]."""
    stats = np.empty((nth, 3))  # the kernel's scratch, once for all iterations
    nev_total = 0
    g2_sum = 0.0
    for k in range(nsteps):
        nev, bad, bad_value, fx, gg = kernel(fun, x, V[start + k], eps, forward, coef, nth, D, stats, G, args)
        nev_total += nev
        if bad >= 0:
            return k, nev_total, bad, bad_value, g2_sum
        g2_sum += sq_norm(G)
        for i in range(x.shape[0]):
            x[i] = x[i] - step * G[i]
    return nsteps, nev_total, -1, 0.0, g2_sum


def _gd_coordinates_loop(fun, x, nsteps, step, eps, rel, central, idx, G, tol2, args):
    """nsteps iterations with coordinate finite differences; stops early when ||G||^2 <= tol2 (the last
    value returned is then that ||G||^2, else -1)."""
    nev_total = 0
    for k in range(nsteps):
        if central:
            nev, bad, bad_value, fx, gg = coord_central(fun, x, eps, rel, idx, 1.0, G, args)
        else:
            nev, bad, bad_value, fx, gg = coord_forward(fun, x, eps, rel, G, args)
        nev_total += nev
        if bad >= 0:
            return k, nev_total, bad, bad_value, -1.0
        g2 = sq_norm(G)
        if tol2 >= 0.0 and g2 <= tol2:
            return k, nev_total, -1, 0.0, g2
        for i in range(x.shape[0]):
            x[i] = x[i] - step * G[i]
    return nsteps, nev_total, -1, 0.0, -1.0


def _gd_random_coordinate_loop(fun, x, I, start, nsteps, step, eps, rel, scale, G, args):
    """nsteps iterations of the random coordinate method: only x_i moves at each step."""
    nev_total = 0
    g2_sum = 0.0
    for k in range(nsteps):
        idx = I[start + k]
        i = idx[0]
        nev, bad, bad_value, fx, gg = coord_central(fun, x, eps, rel, idx, scale, G, args)
        nev_total += nev
        if bad >= 0:
            G[i] = 0.0
            return k, nev_total, bad, bad_value, g2_sum
        g2_sum += G[i] * G[i]
        x[i] = x[i] - step * G[i]
        G[i] = 0.0
    return nsteps, nev_total, -1, 0.0, g2_sum


_LOOPS = {f.__name__: numba.njit(f) for f in (_gd_directions_loop, _gd_coordinates_loop, _gd_random_coordinate_loop)}


# --- history ------------------------------------------------------------------------------------
def checkpoints(maxiter, record):
    """The iterations recorded in the history: every one up to 10 then 20 per decade ("log"), all
    ("all"), only the first and last ("none"), every ``record``-th (an int), or the iterations listed
    (a sequence); 0 and the last are always in."""
    if not isinstance(record, str) and hasattr(record, "__len__"):
        ks = np.asarray(record, dtype=np.int64)
        ks = np.concatenate([[0], ks[(ks > 0) & (ks < maxiter)], [maxiter]])
    elif record == "all":
        ks = np.arange(maxiter + 1)
    elif record == "none":
        ks = np.array([0, maxiter])
    elif record == "log":
        ks = np.unique(np.concatenate([np.arange(min(10, maxiter) + 1),
                                       np.ceil(np.logspace(1, math.log10(max(maxiter, 10)), 20 * max(1, int(math.log10(max(maxiter, 10)))) + 1))]))
        ks = np.append(ks[ks < maxiter], maxiter)
    else:
        ks = np.append(np.arange(0, maxiter, record), maxiter)
    return np.unique(ks.astype(np.int64))


class _History:
    """Measurements at checkpoints: f, ||grad f||^2 (AD) and ||x - x*||^2, none of them counted."""

    def __init__(self, problem, ks):
        self.problem = problem
        self.ks = ks
        self.next = 0
        self.rows = []
        self._grad = value_and_grad(problem.py_fun)
        self._grad_ok = True

    def due(self, k):
        return self.next < len(self.ks) and self.ks[self.next] == k

    def next_checkpoint(self):
        return int(self.ks[self.next]) if self.next < len(self.ks) else None

    def measure(self, x):
        p = self.problem
        with np.errstate(all="ignore"):
            f = p.value(x, count=False)
            g2 = math.nan
            if self._grad_ok:
                try:
                    _, g = self._grad(x, *p.args)
                    g2 = float(np.dot(g, g))
                except TypeError:  # not traceable (a simulator): no exact gradient to measure
                    self._grad_ok = False
        d2 = float(np.sum((x - p.x_star) ** 2)) if p.x_star is not None else math.nan
        return f, g2, d2

    def record(self, k, x, nfev):
        while self.next < len(self.ks) and self.ks[self.next] <= k:
            self.next += 1
        f, g2, d2 = self.measure(x)
        self.rows.append((k, nfev, f, g2, d2))
        return f

    def final(self, k, x, nfev):
        if not self.rows or self.rows[-1][0] != k:
            self.record(k, x, nfev)
        return self.rows[-1][2]

    def arrays(self):
        a = np.array(self.rows, dtype=float).reshape(-1, 5)
        return {"nit": a[:, 0].astype(np.int64), "nfev": a[:, 1].astype(np.int64), "f": a[:, 2],
                "grad_norm2": a[:, 3], "dist2": a[:, 4]}


class _Stop(Exception):
    def __init__(self, status, message, success):
        super().__init__(message)
        self.status, self.message, self.success = status, message, success


# status codes of Result
BUDGET, CONVERGED, DIVERGED, FAILED, CALLBACK = 0, 1, 2, 3, 4


def _diverged(k, f, f0, x):
    if not math.isfinite(f):
        raise _Stop(DIVERGED, f"diverged: f(x) = {f} at iteration {k}, x = {_checks.describe_point(x)}; "
                              f"try a smaller step", False)
    if f > f0 + DIVERGENCE_FACTOR * (1.0 + abs(f0)):
        raise _Stop(DIVERGED, f"diverged: f(x) = {f:.6g} at iteration {k} grew past f(x0) + "
                              f"{DIVERGENCE_FACTOR:g} (1 + |f(x0)|); try a smaller step", False)


def _nonfinite(k, exc):
    return _Stop(DIVERGED, f"stopped at iteration {k}: {exc} (the iterates probably diverged: try a smaller "
                           f"step)", False)


# --- the step -----------------------------------------------------------------------------------
_RULES = {linesearch.armijo: "armijo", linesearch.goldstein: "goldstein", linesearch.wolfe: "wolfe",
          linesearch.exact_quadratic: "exact_quadratic"}
_SCALAR = {linesearch.brent: "brent", linesearch.golden: "golden", linesearch.dichotomy: "dichotomy",
           linesearch.parabolic: "parabolic", linesearch.exact_quadratic: "exact_quadratic"}


def _rule_of(step, table):
    """(name, keyword arguments) if ``step`` is one of the functions in ``table`` or a partial of one."""
    kwargs = {}
    while isinstance(step, functools.partial):
        kwargs = {**step.keywords, **kwargs}
        step = step.func
    try:
        return (table[step], kwargs) if step in table else (None, None)
    except TypeError:
        return None, None


def theory_step(problem, oracle):
    """1 / (m L): the step the zero-order rates assume (m = oracle.second_moment_factor(n))."""
    if problem.L is None:
        return None
    return 1.0 / (oracle.second_moment_factor(problem.dim) * problem.L)


# --- minimize -----------------------------------------------------------------------------------
def minimize(problem, x0, oracle=None, method="gd", step=None, maxiter=1000, max_nfev=None, tol=None,
             seed=None, callback=None, record="log", order="cyclic", jit=None):
    """Minimise ``problem`` from ``x0``.

    Parameters
    ----------
    oracle : zeroopt oracle, optional
        The gradient oracle. Default: ``TwoPoint()`` (seed 0) for "gd" and "steepest", ``ExactAD()``
        for "newton"; "coordinate" uses function values only.
    method : "gd" | "steepest" | "coordinate" | "newton"
        gd: x <- x - step G. steepest: exact line search along -G (Brent, or ``step`` = a scalar search
        of :mod:`zeroopt.linesearch`). coordinate: minimise along one coordinate at a time by a scalar
        line search, ``order="cyclic"`` or ``"random"`` (one iteration = one coordinate). newton:
        Hessian by AD (forward-over-reverse), the step damped by Armijo backtracking from 1; one step
        on a quadratic.
    step : None | float | callable | line-search rule (gd)
        None: the theory step 1/(m L) with m = ``oracle.second_moment_factor(n)`` (1/L exact, 1/(nL) for
        two-point sphere, ...). If L is unknown: an adaptive rule - backtracking on an estimate L_hat of
        L along the step actually taken: the step is -G / (m L_hat); it is accepted if
        f(x - G/(m L_hat)) <= f(x) - <g,G>/(m L_hat) + |G|^2 / (2 m^2 L_hat), the descent lemma along the
        step, where <g, G> is the estimator's own directional derivative (sum_j coef D_j^2, exact on
        quadratics, so random oracles need no gradient); a rejected step doubles L_hat and is retried
        with the same G, an accepted one multiplies L_hat by 0.9 (Beck & Teboulle 2009's backtracking,
        as in Nesterov's universal method). Each iteration costs one evaluation more than the oracle,
        plus one per rejection; every accepted step decreases f. A float is a fixed step; a callable
        ``step(k)`` gives the step of iteration k; ``zo.linesearch.armijo``/``goldstein``/``wolfe``/
        ``exact_quadratic`` (or a functools.partial of one with its parameters) is a step rule along -G,
        with phi'(0) = -<g, G> from the estimator.
    maxiter : int
        Iterations (gd, steepest, newton: updates; coordinate: coordinate minimisations).
    max_nfev : int, optional
        Stop before an iteration whose evaluations would exceed this budget (fixed-cost iterations), or
        once it is reached (line searches).
    tol : float, optional
        Stop when ||G|| <= tol (deterministic oracles); for random oracles when the estimate
        sqrt(mean ||G_i||^2 / m) over the iterations since the previous checkpoint is <= tol (E||G||^2 =
        m ||g||^2); coordinate: when no coordinate moved more than tol in the last n steps; newton: the
        default tol=None means ||g|| <= 1e-10 (1 + ||g_0||). Without tol, gd runs maxiter iterations.
    seed : int | Generator, optional
        The random stream for the run; None (default) uses - and advances - the oracle's own stream.
    callback : callable, optional
        ``callback(intermediate)`` after each iteration, with ``intermediate.x``, ``.nit``, ``.nfev``;
        raising StopIteration stops the run. (A callback means the Python path.)
    record : "log" | "all" | "none" | int | sequence of ints
        History checkpoints (see :func:`checkpoints`); "log" keeps memory bounded for long runs.
    jit : None | bool
        None: the jitted path where possible; False: the Python reference path; True: jitted or ValueError.
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
    x = _checks.point(x0, problem.dim, "x0").copy()
    method = _checks.choice(method, "method", METHODS)
    if oracle is None:
        oracle = ExactAD() if method == "newton" else TwoPoint()
    if not isinstance(oracle, Oracle):
        raise TypeError(f"oracle must be a zeroopt oracle (zo.TwoPoint(), zo.ExactAD(), ...), got {type(oracle).__name__}")
    maxiter = _checks.positive_int(maxiter, "maxiter")
    max_nfev = _checks.positive_int(max_nfev, "max_nfev", allow_none=True)
    tol = _checks.positive_float(tol, "tol", allow_none=True)
    listed = not isinstance(record, str) and hasattr(record, "__len__")
    if not (listed or record in ("log", "all", "none")
            or (isinstance(record, numbers.Integral) and not isinstance(record, bool) and record >= 1)):
        raise ValueError(f"record must be 'log', 'all', 'none', a positive int or a list of iterations; got {record!r}")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    order = _checks.choice(order, "order", ("cyclic", "random"))
    if jit not in (None, True, False):
        raise ValueError(f"jit must be None, True or False; got {jit!r}")
    # seed=None: the oracle's own stream, used and advanced (deterministic oracles: a fixed stream for
    # coordinate order="random")
    rng = (oracle.rng if oracle.random else np.random.default_rng(0)) if seed is None else _rng_from(seed)
    run = _Run(problem, x, oracle, method, step, maxiter, max_nfev, tol, rng, callback, record, order, jit)
    return run.go()


class _Run:
    def __init__(self, problem, x, oracle, method, step, maxiter, max_nfev, tol, rng, callback, record, order, jit):
        self.p, self.x, self.oracle, self.method = problem, x, oracle, method
        self.step, self.maxiter, self.max_nfev, self.tol = step, maxiter, max_nfev, tol
        self.rng, self.callback, self.order, self.jit = rng, callback, order, jit
        self.n = problem.dim
        self.nfev0, self.ngev0 = problem.nfev, problem.ngev
        self.nhev = 0
        self.k = 0
        self.hist = _History(problem, checkpoints(maxiter, record))
        self.m = oracle.second_moment_factor(self.n) if method != "coordinate" else 1.0
        self.g2_window = [0.0, 0]  # sum of ||G||^2 and count since the last checkpoint (random tol)

    @property
    def spent(self):
        return self.p.nfev - self.nfev0

    # -- bookkeeping shared by every method ---------------------------------------------------------
    def checkpoint(self):
        """After iteration k: record if due, then the divergence and random-oracle tol checks."""
        if self.hist.due(self.k):
            f = self.hist.record(self.k, self.x, self.spent)
            _diverged(self.k, f, self.f0, self.x)
            if self.tol is not None and self.oracle.random and self.g2_window[1] > 0:
                est = self.g2_window[0] / self.g2_window[1] / self.m
                self.g2_window = [0.0, 0]
                if est <= self.tol * self.tol:
                    raise _Stop(CONVERGED, f"converged: the estimated ||grad f||^2 = {est:.3g} <= tol^2", True)

    def after_iteration(self):
        self.k += 1
        if self.callback is not None:
            try:
                self.callback(OptimizeResult(x=self.x.copy(), nit=self.k, nfev=self.spent))
            except StopIteration:
                raise _Stop(CALLBACK, f"stopped by the callback at iteration {self.k}", True) from None
        self.checkpoint()

    def budget_allows(self, cost):
        if self.k >= self.maxiter:
            raise _Stop(BUDGET, f"the iteration budget was used: maxiter={self.maxiter}", self.tol is None)
        if self.max_nfev is not None and self.spent + cost > self.max_nfev:
            raise _Stop(BUDGET, f"the evaluation budget was used: max_nfev={self.max_nfev}", self.tol is None)

    def go(self):
        p = self.p
        self.f0 = self.hist.record(0, self.x, 0)
        if not math.isfinite(self.f0):
            raise ValueError(f"f(x0) = {self.f0} is not finite")
        try:
            getattr(self, f"_{self.method}")()
            raise _Stop(BUDGET, f"the iteration budget was used: maxiter={self.maxiter}", self.tol is None)
        except _Stop as stop:
            status, message, success = stop.status, stop.message, stop.success
        fun = self.hist.final(self.k, self.x, self.spent)
        return Result(x=self.x, fun=fun, nit=self.k, nfev=self.spent, ngev=p.ngev - self.ngev0,
                      nhev=self.nhev, success=success, status=status, message=message, method=self.method,
                      history=self.hist.arrays())

    # -- gradient descent ---------------------------------------------------------------------------
    def estimate_and_f(self, f_x):
        """An oracle call at the iterate and f(x): ``f_x`` if known, else from the estimate (forward
        schemes, ExactAD) or evaluated (counted)."""
        G, est = self.estimate()
        if f_x is None:
            f_x = est.fx if math.isfinite(est.fx) else self.p.value(self.x)
        return G, est, f_x

    def _fixed_step(self):
        s = self.step
        if s is None:
            return theory_step(self.p, self.oracle)
        if isinstance(s, numbers.Real) and not isinstance(s, bool):
            return _checks.positive_float(s, "step")
        return None

    def _can_jit(self, fixed):
        o = self.oracle
        ok = (fixed is not None and self.callback is None and self.p.jitted is not None
              and isinstance(o, (CoordinateFD, RandomCoordinate, TwoPoint))
              and not (isinstance(o, TwoPoint) and o.q > 1 and self.p.batch_fun is not None))
        if self.jit is True and not ok:
            raise ValueError("jit=True, but the jitted path needs method='gd', a fixed step (a number, or step=None "
                             "with L known), a jitted problem, a CoordinateFD/RandomCoordinate/TwoPoint oracle "
                             "(TwoPoint with q > 1 not batched) and no callback")
        return ok and self.jit is not False

    def _gd(self):
        if self.step is not None and not isinstance(self.step, numbers.Real) and not callable(self.step):
            raise TypeError(f"step must be None, a number, a callable step(k) or a line-search rule; got {self.step!r}")
        fixed = self._fixed_step()
        if self._can_jit(fixed):
            return self._gd_jit(fixed)
        rule, kwargs = _rule_of(self.step, _RULES)
        if rule is not None:
            return self._gd_rule(rule, kwargs)
        if self.step is None and fixed is None:
            return self._gd_adaptive()
        cost = self.oracle.evals_per_call(self.n)
        while True:
            self.budget_allows(cost)
            G, est = self.estimate()
            alpha = fixed if fixed is not None else _checks.positive_float(self.step(self.k), "step(k)")
            self.x = self.x - alpha * G
            self.after_iteration()

    def estimate(self, x=None):
        """One oracle call at x (default: the iterate), with the tol check of deterministic oracles."""
        try:
            est = self.oracle.estimate(self.p, self.x if x is None else x, rng=self.rng)
        except FloatingPointError as exc:
            raise _nonfinite(self.k, exc) from None
        g2 = sq_norm(est.grad)
        if self.oracle.random:
            self.g2_window[0] += g2
            self.g2_window[1] += 1
        elif self.tol is not None and g2 <= self.tol * self.tol and x is None:
            raise _Stop(CONVERGED, f"converged: ||G|| = {math.sqrt(g2):.3g} <= tol", True)
        return est.grad, est

    def _gd_jit(self, step):
        p, o, n = self.p, self.oracle, self.n
        jf = p.jitted
        G = np.zeros(n)
        cost = o.evals_per_call(n)
        draws = _Draws(o, self.rng, n) if o.random else None
        tol2 = -1.0 if (self.tol is None or o.random) else self.tol * self.tol
        try:
            while True:
                target = self.hist.next_checkpoint()
                nsteps = (target if target is not None else self.maxiter) - self.k
                if self.max_nfev is not None:
                    nsteps = min(nsteps, (self.max_nfev - self.spent) // cost)
                if nsteps <= 0:
                    self.budget_allows(cost)
                    raise _Stop(BUDGET, "the iteration budget was used", self.tol is None)  # pragma: no cover
                if isinstance(o, CoordinateFD):
                    eps = o.eps if o.eps is not None else 0.0
                    central = o.scheme == "central"
                    rel = CENTRAL_REL_STEP if central else FORWARD_REL_STEP
                    done, nev, bad, bad_value, g2_stop = _LOOPS["_gd_coordinates_loop"](
                        jf, self.x, nsteps, step, eps, rel, central, np.arange(n), G, tol2, p.args)
                    g2 = 0.0
                else:
                    block, start, nsteps = draws.take(nsteps)
                    if isinstance(o, RandomCoordinate):
                        eps = o.eps if o.eps is not None else 0.0
                        done, nev, bad, bad_value, g2 = _LOOPS["_gd_random_coordinate_loop"](
                            jf, self.x, block, start, nsteps, step, eps, CENTRAL_REL_STEP, float(n), G, p.args)
                    else:
                        threads = o.parallel is True and o.q > 1
                        kernel = JIT.directions_parallel if threads else JIT.directions
                        done, nev, bad, bad_value, g2 = _LOOPS["_gd_directions_loop"](
                            kernel, jf, self.x, block, start, nsteps, step, o.eps, o.scheme == "forward",
                            o.coef(n), numba.get_num_threads() if threads else 1, np.empty(o.q), G, p.args)
                    draws.used(done + (1 if bad >= 0 else 0))
                    g2_stop = -1.0
                    if bad >= 0:  # the failed step's directions, to name the point
                        fail_dirs = block[start + done]
                p.nfev += nev
                if o.random:
                    self.g2_window[0] += g2
                    self.g2_window[1] += done
                self.k += done
                if bad >= 0:
                    raise _nonfinite(self.k, self._point_error(bad, bad_value, fail_dirs if o.random else None))
                if g2_stop >= 0.0:
                    raise _Stop(CONVERGED, f"converged: ||G|| = {math.sqrt(g2_stop):.3g} <= tol", True)
                self.checkpoint()
                if self.k >= self.maxiter:
                    self.budget_allows(cost)
        finally:
            if draws is not None:
                draws.rewind()

    def _point_error(self, code, value, dirs):
        """The FloatingPointError the oracle would have raised at this iterate, from the kernel's point code."""
        o, x = self.oracle, self.x
        eps = 0.0 if getattr(o, "eps", None) is None else o.eps
        if isinstance(o, CoordinateFD):
            describe = (_central_coordinate_point(x, eps, "coordinate") if o.scheme == "central"
                        else _forward_coordinate_point(x, eps))
        elif isinstance(o, RandomCoordinate):
            describe = _central_coordinate_point(x, eps, "random coordinate")
        else:
            describe = _direction_point(x, dirs, o.eps, o.scheme == "forward")
        return nonfinite_error(self.p, *describe(code), value)

    def _descent_lemma_ok(self, f_new, f_old, gG, G2, a):
        """f(x - a G) <= f(x) - a <g, G> + (1 / (2 a m)) ... with a = 1/(m L_hat): the descent lemma
        f(x + s) <= f(x) + <g, s> + (L_hat/2) |s|^2 along s = -a G."""
        L_hat = 1.0 / (a * self.m)
        return math.isfinite(f_new) and f_new <= f_old - a * gG + 0.5 * L_hat * a * a * G2

    def _gd_adaptive(self):
        """step=None and L unknown: backtracking on L_hat along the step actually taken (see minimize)."""
        L_hat = 1.0
        f_x = None
        cost = self.oracle.evals_per_call(self.n) + 1
        while True:
            self.budget_allows(cost + (1 if f_x is None else 0))
            G, est, f_x = self.estimate_and_f(f_x)
            G2 = sq_norm(G)
            for _ in range(200):
                a = 1.0 / (self.m * L_hat)
                x_new = self.x - a * G
                f_new = self.p.value(x_new)
                if self._descent_lemma_ok(f_new, f_x, est.gdotG, G2, a):
                    break
                L_hat *= 2.0
            else:
                raise _Stop(FAILED, f"the adaptive step rule found no decrease at iteration {self.k} "
                                    f"(L_hat = {L_hat:.3g})", False)
            self.x, f_x = x_new, f_new
            L_hat *= ADAPTIVE_SHRINK
            self.after_iteration()

    def _gd_rule(self, rule, kwargs):
        """A step rule (armijo, goldstein, wolfe, exact_quadratic) along d = -G with phi'(0) = -<g, G>."""
        f_x = None
        alpha0 = theory_step(self.p, self.oracle) or 1.0
        while True:
            self.budget_allows(self.oracle.evals_per_call(self.n))
            G, est, f_x = self.estimate_and_f(f_x)
            d = -G
            dphi0 = -est.gdotG
            line = linesearch.Line(self.p, self.x, d)
            a0 = kwargs.get("alpha0", alpha0)
            if rule in ("armijo", "goldstein"):
                params = (kwargs.get("c1", 1e-4), kwargs.get("beta", 0.5)) if rule == "armijo" else (kwargs.get("c", 0.25),)
                res = linesearch._result(line.run(rule, f_x, dphi0, a0, *params, kwargs.get("maxfev", 60)))
            elif rule == "wolfe":
                def dphi(a, d=d):
                    return float(self.estimate(self.x + a * d)[0] @ d)
                res = linesearch.wolfe(line, dphi, f_x, dphi0, a0, kwargs.get("c1", 1e-4), kwargs.get("c2", 0.9),
                                       kwargs.get("strong", True), maxiter=kwargs.get("maxiter", 40))
            else:
                res = linesearch.exact_quadratic(line, f_x, dphi0, a0)
            if not res.success:
                raise _Stop(FAILED, f"the {rule} line search failed at iteration {self.k}: {res.message}", False)
            self.x = self.x + res.x * d
            f_x = res.fun
            alpha0 = min(2.0 * res.x, 1e10)
            self.after_iteration()

    # -- steepest descent ----------------------------------------------------------------------------
    def _steepest(self):
        search, _ = _rule_of(self.step, _SCALAR) if self.step is not None else ("brent", {})
        if search is None:
            raise ValueError("for method='steepest', step must be None or a scalar search of zo.linesearch "
                             "(brent, golden, dichotomy, parabolic, exact_quadratic)")
        f_x = None
        alpha0 = theory_step(self.p, self.oracle) or 1.0
        while True:
            self.budget_allows(self.oracle.evals_per_call(self.n))
            G, est, f_x = self.estimate_and_f(f_x)
            line = linesearch.Line(self.p, self.x, -G)
            alpha, f_new = exact_step(line, f_x, -est.gdotG, alpha0, search)
            if not alpha > 0 or f_new > f_x:
                raise _Stop(CONVERGED if sq_norm(G) == 0 else FAILED,
                            f"no decrease along -G at iteration {self.k} (the line search found alpha = {alpha:.3g})",
                            sq_norm(G) == 0)
            self.x = self.x - alpha * G
            f_x = f_new
            alpha0 = alpha
            self.after_iteration()

    # -- coordinate minimisation -----------------------------------------------------------------------
    def _coordinate(self):
        n = self.n
        scales = np.maximum(1e-2 * np.maximum(1.0, np.abs(self.x)), 1e-8)
        f_x = self.p.value(self.x)
        moves = np.full(n, np.inf)
        e = np.zeros(n)
        while True:
            self.budget_allows(3)
            i = self.k % n if self.order == "cyclic" else min(int(self.rng.random() * n), n - 1)
            e[:] = 0.0
            e[i] = 1.0
            line = linesearch.Line(self.p, self.x, e)
            t, f_new = line_minimum(line, f_x, scales[i])
            if f_new < f_x:
                self.x = self.x + t * e
                f_x = f_new
                scales[i] = max(abs(t), 1e-8 * max(1.0, abs(self.x[i])))
            else:
                t = 0.0
            moves[i] = abs(t)
            self.after_iteration()
            if self.k >= n and np.max(moves) <= (self.tol if self.tol is not None else 0.0):
                raise _Stop(CONVERGED, f"converged: no coordinate moved more than {self.tol or 0.0:g} in the last "
                                       f"{n} steps", True)

    # -- Newton ----------------------------------------------------------------------------------------
    def _newton(self):
        from .ad import hessian

        H_of = hessian(self.p.py_fun)
        tol = self.tol
        while True:
            self.budget_allows(self.oracle.evals_per_call(self.n))
            G, est, f_x = self.estimate_and_f(None)
            if tol is None:
                tol = 1e-10 * (1.0 + math.sqrt(sq_norm(G)))
                self.tol = tol
                if sq_norm(G) <= tol * tol:
                    raise _Stop(CONVERGED, f"converged: ||g|| <= {tol:.3g}", True)
            with np.errstate(all="ignore"):
                H = H_of(self.x, *self.p.args)
            self.nhev += 1
            try:
                d = -np.linalg.solve(H, G)
                descent = float(G @ d) < 0 and np.all(np.isfinite(d))
            except np.linalg.LinAlgError:
                descent = False
            if not descent:  # Hessian not positive definite here: a gradient step instead
                d = -G
            line = linesearch.Line(self.p, self.x, d)
            res = linesearch._result(line.run("armijo", f_x, float(G @ d), 1.0, 1e-4, 0.5, 60))
            if not res.success:
                raise _Stop(FAILED, f"Newton: Armijo backtracking found no decrease at iteration {self.k}", False)
            self.x = self.x + res.x * d
            self.after_iteration()


def exact_step(line, phi0, dphi0, alpha0, search="brent", tol=1e-10):
    """The minimiser of phi(alpha) = f(x + alpha d) over alpha > 0 (a descent direction, phi'(0) < 0):
    a bracket (0, mid, hi) with phi(mid) < phi(0) and phi(mid) <= phi(hi) - downhill from alpha0 if
    phi(alpha0) < phi(0), else backtracking by the golden ratio (non-finite values count as +inf) -
    then the scalar search. Returns (alpha, phi(alpha)); (0, phi0) if no decrease was found."""
    if search == "exact_quadratic":
        r = linesearch.exact_quadratic(line, phi0, dphi0, alpha0)
        return (r.x, r.fun) if r.success and r.fun < phi0 else (0.0, phi0)
    f_a0 = line(alpha0)
    if math.isfinite(f_a0) and f_a0 < phi0:
        lo, mid, hi, fmid, _, status = line.run("bracket", 0.0, alpha0, phi0, f_a0, 100)
        if status != linesearch.CONVERGED:
            return mid, fmid
        lo = max(lo, 0.0)
    else:
        hi, mid = alpha0, alpha0 * linesearch.INVPHI
        fmid = line(mid)
        for _ in range(80):
            if math.isfinite(fmid) and fmid < phi0:
                break
            hi, mid = mid, mid * linesearch.INVPHI
            fmid = line(mid)
        else:
            return 0.0, phi0
        lo = 0.0
    xtol = tol * hi
    if search == "brent":
        out = line.run("brent", lo, hi, mid, fmid, xtol, 500)
    elif search == "parabolic":
        out = line.run("parabolic", lo, mid, hi, phi0 if lo == 0.0 else line(lo), fmid, line(hi), xtol, 500)
    else:
        out = line.run(search, lo, hi, xtol, 500)
    alpha, f_alpha = out[0], out[1]
    if fmid < f_alpha:
        alpha, f_alpha = mid, fmid
    return alpha, f_alpha


def line_minimum(line, phi0, h):
    """The minimiser of phi(t) = f(x + t e) over t in R (a coordinate line): bracket downhill from
    (0, h), then Brent. Returns (t, phi(t))."""
    f_h = line(h)
    lo, mid, hi, fmid, _, status = line.run("bracket", 0.0, h, phi0, f_h, 100)
    if status != linesearch.CONVERGED:
        return mid, fmid
    out = line.run("brent", lo, hi, mid, fmid, 1e-10 * max(abs(mid), abs(h)), 500)
    return (out[0], out[1]) if out[1] <= fmid else (mid, fmid)


class _Draws:
    """Blocks of random directions for the jitted loop, from the same stream as the Python path.

    A block of B steps' directions equals B single draws bit for bit. At the end, unused draws are
    rewound (the stream's state before the block is restored and exactly the used steps re-drawn), so
    the stream advances as in the Python path."""

    def __init__(self, oracle, rng, n):
        self.oracle, self.rng, self.n = oracle, rng, n
        per_step = 8 * n * getattr(oracle, "q", 1)
        self.max_block = max(1, _BLOCK_BYTES // per_step)
        self.block, self.pos, self.state = None, 0, None

    def take(self, want):
        """(block, start, k): steps [start, start + k) of ``block`` are available, k <= want."""
        if self.block is None or self.pos >= len(self.block):
            self.state = self.rng.bit_generator.state
            self.block = self.oracle.draw(self.rng, self.n, steps=min(want, self.max_block))
            self.pos = 0
        return self.block, self.pos, min(want, len(self.block) - self.pos)

    def used(self, k):
        self.pos += k

    def rewind(self):
        if self.block is not None and self.pos < len(self.block):
            self.rng.bit_generator.state = self.state
            if self.pos:
                self.oracle.draw(self.rng, self.n, steps=self.pos)
