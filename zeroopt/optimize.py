"""Optimizers that take any gradient oracle: gradient descent (first- or zero-order), steepest descent
with an exact line search, coordinate minimisation and damped Newton - with a jitted fast path.

``zo.minimize(problem, x0, oracle, method, ...)`` validates its arguments and dispatches to one function
per method (:data:`METHODS`, as scipy's ``_minimize_<method>``), which runs over the shared state of
:class:`zeroopt._run.Run` (budgets, tests, history, callback, counts). The run's status is a
:class:`zeroopt.Status`; ``success`` is True only when a stated convergence test held.

The jitted path. ``method="gd"`` with a fixed step (a number, or ``step=None`` with L known), a jitted
problem, an oracle with a compiled fast path (:meth:`zeroopt.oracle.Oracle.fast_path`) and no callback
runs its iterations inside one compiled loop, in chunks of at most ~0.25 s (an interrupt lands between
chunks; counts stay exact). Random directions are drawn in numpy, in blocks, from the same stream as the
Python path - a block draw equals the single draws bit for bit - and unused draws are rewound at the end,
so the jitted path gives the same iterates, counts, history and final stream state as the Python
reference path (``jit=False``) for the same seed.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import time
from collections import namedtuple

import numpy as np
from scipy.optimize import OptimizeResult

from . import _checks, kernels, linesearch
from ._compiled import new_tally
from ._run import TOL_WINDOW, Run, Stop
from ._twice import twice
from .ad import hessian
from .estimators import ExactAD, TwoPoint
from .history import History, check_measure, check_record, checkpoints
from .oracle import Oracle
from .problem import Problem
from .status import Status

__all__ = ["minimize", "Result", "theory_step", "checkpoints", "METHODS", "Status"]

#: adaptive step rule: L_hat is multiplied by this after an accepted step (and doubled after a rejected one)
ADAPTIVE_SHRINK = 0.9
#: a chunk of the jitted loop aims at this many seconds (an interrupt waits at most about that long)
CHUNK_SECONDS = 0.25
_BLOCK_BYTES = 1 << 23  # directions drawn per block: at most 8 MiB


class Result(OptimizeResult):
    """The result of :func:`minimize`: scipy's OptimizeResult (a dict with attribute access).

    Attributes
    ----------
    x : ndarray
        The last iterate.
    fun : float
        f(x). With a history, the history's last measurement (not counted); with ``record="none"``, the
        last counted f(x_k), or one more counted evaluation.
    nit : int
        Iterations (gd, steepest, newton: updates; coordinate: coordinate minimisations).
    nfev, ngev, nhev : int
        Function values, exact gradients and Hessians the method spent: every oracle call, line search
        and step rule; not the history's measurements.
    status : Status
        How the run ended (see :class:`zeroopt.Status`).
    success : bool
        True only for Status.CONVERGED: the method's stated convergence test held.
    message : str
        The status's message, naming the figure that decided it.
    method : str
    history : dict of 1-D arrays
        ``nit``, ``nfev`` (spent so far), ``f``, ``grad_norm2``, ``dist2`` at the checkpoints; NaN where a
        quantity was not measured or is unknown (no x*, an objective AD cannot trace).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> r = zo.minimize(zo.problems.quadratic(4, seed=0), np.zeros(4), zo.ExactAD(), tol=1e-8)
    >>> r.status, r.success, r.nfev, r.ngev == r.nit + 1
    (<Status.CONVERGED: 0>, True, 0, True)
    >>> sorted(r.history)
    ['dist2', 'f', 'grad_norm2', 'nfev', 'nit']
    """


# --- the jitted loop of gradient descent ----------------------------------------------------------
LoopOut = namedtuple("LoopOut", ["done", "stop", "scale", "ssq"] + list(kernels.KernelResult._fields))
_RUNNING, _BAD, _TOL, _OVERFLOW = 0, 1, 2, 3


def _gd_loop(fun, x, kernel, update, draws, fixed, start, nsteps, step, params, G, scratch, tol, window, scale, ssq,
             tally, args):
    """``nsteps`` iterations x <- x - step G(x) with the oracle's kernel and update (kernels.py), the
    k-th along ``draws[start + k]`` (``draws[0]`` every time if ``fixed``). Stops early at a failed
    estimate (_BAD), at ||G|| <= tol before moving (_TOL; tol < 0: no test) or when x overflows
    (_OVERFLOW). ``window``: add each ||G|| to the sum of squares scale^2 ssq (the random tol window).
    Returns a LoopOut (as a plain tuple): the steps done, why it stopped, the window's sum, and the last
    kernel result."""
    r = (0, -1, 0.0, 0.0, math.nan, math.nan, math.nan)
    for k in range(nsteps):
        draw = draws[0] if fixed else draws[start + k]
        r = kernel(fun, x, draw, params, G, scratch, tally, args)
        if r[0] != 0:
            return (k, _BAD, scale, ssq) + r
        if tol >= 0.0 or window:
            norm = _checks.norm(G)
            if norm <= tol:
                return (k, _TOL, scale, ssq) + r
            if window:
                scale, ssq = _checks.add_square(scale, ssq, norm)
        if not update(x, G, step, draw):
            return (k + 1, _OVERFLOW, scale, ssq) + r
    return (nsteps, _RUNNING, scale, ssq) + r


gd_loop = twice(_gd_loop, result=LoopOut)


class _Draws:
    """Blocks of random draws for the jitted loop, from the same stream as the Python path.

    A block of B steps' draws equals B single draws bit for bit, whatever the block sizes (the first
    block is small and tells the size of one step's draw; later ones fill up to 8 MiB). At the end,
    unused draws are rewound (the stream's state before the block is restored and exactly the used
    steps re-drawn), so the stream advances as in the Python path."""

    def __init__(self, oracle, rng, n):
        self.oracle, self.rng, self.n = oracle, rng, n
        self.max_block = 16
        self.block, self.pos, self.state = None, 0, None

    def take(self, want):
        """(block, start, k): steps [start, start + k) of ``block`` are available, k <= want."""
        if self.block is None or self.pos >= len(self.block):
            self.state = self.rng.bit_generator.state
            self.block = self.oracle.draw(self.rng, self.n, steps=min(want, self.max_block))
            self.max_block = max(1, _BLOCK_BYTES // max(1, self.block[0].nbytes))
            self.pos = 0
        return self.block, self.pos, min(want, len(self.block) - self.pos)

    def used(self, k):
        self.pos += k

    def rewind(self):
        if self.block is not None and self.pos < len(self.block):
            self.rng.bit_generator.state = self.state
            if self.pos:
                self.oracle.draw(self.rng, self.n, steps=self.pos)


def _gd_jitted(run, path, step):
    """Gradient descent with a fixed step inside the compiled loop, in chunks of ~CHUNK_SECONDS."""
    p, o = run.p, run.oracle
    G, scratch, tally = np.zeros(run.n), np.empty(path.scratch), new_tally(path.chunks)
    fixed = path.fixed_draw is not None
    draws = None if fixed else _Draws(o, run.rng, run.n)
    kernel, update, cost, tol = path.kernel.jit, path.update.jit, o.evals_per_call(run.n), run.test_tol()
    chunk, window = 8, (TOL_WINDOW if (run.tol is not None and o.random) else 0)
    try:
        while True:
            events = [run.maxiter, run.hist.next_checkpoint()] + ([run.k - run.k % window + window] if window else [])
            nsteps = min(e for e in events if e is not None) - run.k
            if run.max_nfev is not None:
                nsteps = min(nsteps, run.remaining() // cost)
            if nsteps <= 0:
                run.allow(cost)
            nsteps = min(nsteps, chunk)
            block, start, nsteps = (path.fixed_draw[None], 0, nsteps) if fixed else draws.take(nsteps)
            t0 = time.perf_counter()
            scale, ssq, count = run.window
            try:
                out = p.compiled.run(gd_loop, run.x, kernel, update, block, fixed, start, nsteps, step, path.params,
                                     G, scratch, tol, bool(window), scale, ssq, tally=tally)
            except BaseException:
                if not fixed:  # the iterations begun in this chunk drew their directions, as in the Python path
                    draws.used(-(-int(tally[:, 0].sum()) // cost))
                raise
            chunk = _next_chunk(chunk, nsteps, time.perf_counter() - t0)
            if not fixed:
                draws.used(out.done + (1 if out.stop in (_BAD, _TOL) else 0))
            run.window = [out.scale, out.ssq, count + (out.done if window else 0)]
            run.k += out.done
            if out.stop == _BAD:
                result = kernels.KernelResult(*out[4:])
                raise Stop(Status.NONFINITE, f"at iteration {run.k}: "
                                             f"{path.failure(p, run.x, block[0 if fixed else start + out.done], result)}")
            if out.stop == _TOL:
                raise run.converged(_checks.norm(G))
            if out.stop == _OVERFLOW:
                raise run.overflowed()
            run.fx = None
            run.checkpoint()
    finally:
        if draws is not None:
            draws.rewind()


def _next_chunk(chunk, done, seconds):
    """The next chunk's length: aim at CHUNK_SECONDS, growing at most 4x per chunk (the first may compile)."""
    if done < chunk:  # cut short by an event: the estimate below would be too noisy to shrink on
        return chunk
    per_step = seconds / max(done, 1)
    return int(max(1, min(4 * chunk, CHUNK_SECONDS / per_step if per_step > 0 else 4 * chunk)))


# --- gradient descent -----------------------------------------------------------------------------
def theory_step(problem, oracle):
    """1 / (m L), the step the rates assume (m = ``oracle.second_moment_factor(n)``); None if L is unknown."""
    if problem.L is None:
        return None
    return 1.0 / (oracle.second_moment_factor(problem.dim) * problem.L)


def _minimize_gd(run, step, jit):
    """x <- x - alpha G with a fixed step, a schedule step(k), a step rule, or the adaptive rule."""
    if step is None or isinstance(step, numbers.Real):
        fixed = theory_step(run.p, run.oracle) if step is None else step
        if fixed is None:
            _no_jit(jit, "the adaptive step (step=None with L unknown)")
            return _gd_adaptive(run)
        path = run.oracle.fast_path(run.p) if (run.callback is None and run.p.jitted is not None) else None
        if jit is True and path is None:
            raise ValueError("jit=True, but the jitted path needs method='gd', a fixed step (a number, or step=None "
                             "with L known), a jitted problem, an oracle with a compiled fast path (CoordinateFD, "
                             "RandomCoordinate, TwoPoint not batched) and no callback")
        if path is not None and jit is not False:
            return _gd_jitted(run, path, fixed)
        return _gd_python(run, lambda k: fixed)
    _no_jit(jit, "a step rule or a schedule step(k)")
    kind = linesearch.kind_of(step)
    if kind == "rule":
        return _gd_rule(run, step)
    if kind != "schedule":
        raise TypeError(f"step must be None, a number, a schedule step(k) or a step rule rule(phi, phi0, dphi0); "
                        f"got {step!r} ({kind or 'unknown signature'})")
    return _gd_python(run, lambda k: _checks.positive_float(step(k), "step(k)"))


def _no_jit(jit, what):
    if jit is True:
        raise ValueError(f"jit=True, but {what} runs in Python: the jitted path is method='gd' with a fixed step")


def _gd_python(run, step_of):
    """The Python reference path: one oracle call and one update per iteration."""
    cost = run.oracle.evals_per_call(run.n)
    while True:
        est, _, _ = run.begin(cost)
        x = run.x.copy()
        kernels.dense_update.jit(x, est.grad, step_of(run.k), x[:0])
        run.move(x)
        run.after_iteration()


def _descent_lemma_ok(f_new, f_old, gG, G2, a, m):
    """f(x - a G) <= f(x) - a <g, G> + (L_hat / 2) a^2 ||G||^2 with L_hat = 1/(a m): the descent lemma
    along the step actually taken, <g, G> estimated by the oracle's own differences."""
    return math.isfinite(f_new) and f_new <= f_old - a * gG + 0.5 * a * G2 / m


def _finite_slope(run, est):
    """<g, G> and ||G||^2 of an estimate, or NONFINITE if either overflowed (then no step rule can use it)."""
    if not (math.isfinite(est.gdotG) and math.isfinite(est.g2)):
        raise Stop(Status.NONFINITE, f"at iteration {run.k}: the estimate's <g, G> = {est.gdotG:.3g} or ||G||^2 = "
                                     f"{est.g2:.3g} overflowed, x = {_checks.describe_point(run.x)}")
    return est.gdotG


def _gd_adaptive(run):
    """step=None and L unknown: backtracking on L_hat along the step actually taken (see minimize)."""
    L_hat, cost = 1.0, run.oracle.evals_per_call(run.n) + 1
    while True:
        est, _, f_x = run.begin(cost + (1 if run.fx is None else 0), with_f=True)
        gG = _finite_slope(run, est)
        for _ in range(200):
            a = 1.0 / (run.m * L_hat)
            x_new = run.x - a * est.grad
            f_new = run.p.value(x_new) if _checks.all_finite(x_new) else math.inf
            if _descent_lemma_ok(f_new, f_x, gG, est.g2, a, run.m):
                break
            L_hat *= 2.0
            if run.remaining() is not None and run.remaining() <= 0:
                raise run.out_of_evaluations()
        else:
            raise Stop(Status.LINESEARCH_FAILED, f"the adaptive step rule found no decrease at iteration {run.k} "
                                                 f"(L_hat = {L_hat:.3g})")
        run.move(x_new, f_new)
        L_hat *= ADAPTIVE_SHRINK
        run.after_iteration()


def _name(step):
    inner = step.func if isinstance(step, functools.partial) else step
    return getattr(inner, "__name__", type(inner).__name__)


def _searched(run, res, what):
    """True if the line search ``res`` succeeded. A random oracle's failed search is one unlucky draw: the
    iterate stays and the next draw decides (False). Otherwise the run stops: NONFINITE stays NONFINITE,
    a search stopped by the run's evaluation budget is MAXFEV, the rest LINESEARCH_FAILED."""
    if res.success:
        return True
    if run.remaining() is not None and run.remaining() <= 0:
        raise run.out_of_evaluations()
    if res.status is Status.NONFINITE or not run.oracle.random:
        status = Status.NONFINITE if res.status is Status.NONFINITE else Status.LINESEARCH_FAILED
        raise Stop(status, f"{what}: {Status(res.status).detail(res.message)}")
    return False


def _gd_rule(run, rule):
    """A step rule ``rule(phi, phi0, dphi0)`` along d = -G, phi'(0) = -<g, G> from the estimator."""
    alpha0 = theory_step(run.p, run.oracle) or 1.0
    while True:
        # (+1: the rule's first trial; no gradient is paid for that the rule could not use)
        est, _, f_x = run.begin(run.oracle.evals_per_call(run.n) + (1 if run.fx is None else 0) + 1, with_f=True)
        x, d, slope = run.x, -est.grad, -_finite_slope(run, est)

        def dphi(a, x=x, d=d):
            return float(run.estimate(x + a * d, test=False)[0].grad @ d)

        if slope < 0.0:  # (a random oracle's G may carry no descent information: slope 0, draw again)
            res = rule(linesearch.Line(run.p, x, d, phi0=f_x, alpha0=alpha0, derivative=dphi), f_x, slope,
                       **_capped(rule, run.remaining()))
            if _searched(run, res, f"the {_name(rule)} step rule at iteration {run.k}"):
                run.move(x + res.x * d, res.fun)
                alpha0 = min(2.0 * res.x, 1e10)
        elif not run.oracle.random:
            raise Stop(Status.LINESEARCH_FAILED, f"-G is not a descent direction at iteration {run.k}: "
                                                 f"<g, G> = {-slope:.3g}")
        run.after_iteration()


# --- steepest descent -----------------------------------------------------------------------------
def _minimize_steepest(run, step, jit):
    """x <- x - alpha G with alpha minimising f along -G (bracket, then the scalar search ``step``)."""
    _no_jit(jit, "method='steepest'")
    search = linesearch.brent if step is None else step
    kind = linesearch.kind_of(search)
    if kind not in ("rule", "interval", "bracket"):
        raise ValueError("for method='steepest', step must be None (Brent) or a search of zo.linesearch: an "
                         "interval search (brent, golden, dichotomy), parabolic, or a step rule")
    alpha0 = theory_step(run.p, run.oracle) or 1.0
    while True:
        est, _, f_x = run.begin(run.oracle.evals_per_call(run.n) + (1 if run.fx is None else 0), with_f=True)
        slope = -_finite_slope(run, est)
        alpha, f_new = 0.0, f_x
        if slope < 0.0:  # (slope 0: a random G without descent information; the next draw decides)
            line = linesearch.Line(run.p, run.x, -est.grad, phi0=f_x, alpha0=alpha0)
            alpha, f_new = exact_step(line, f_x, slope, alpha0, search, kind, budget=run.remaining())
        if alpha > 0 and f_new < f_x:
            run.move(run.x - alpha * est.grad, f_new)
            alpha0 = alpha
        elif run.remaining() is not None and run.remaining() <= 0:
            raise run.out_of_evaluations()
        elif not run.oracle.random:  # a random direction may miss the descent: x stays, the next draw decides
            raise Stop(Status.LINESEARCH_FAILED, f"no decrease along -G at iteration {run.k} "
                                                 f"(||G|| = {_checks.norm(est.grad):.3g})")
        run.after_iteration()


def exact_step(line, phi0, dphi0, alpha0, search=linesearch.brent, kind="interval", tol=1e-10, budget=None):
    """The minimiser of phi(alpha) = f(x + alpha d) over alpha > 0 along a descent direction.

    A bracket (0, mid, hi) with phi(mid) < phi(0) - downhill from alpha0 if phi(alpha0) < phi(0), else
    backtracking by the golden ratio (non-finite values count as too far) - then ``search`` on it:
    ``search(line, lo, hi, tol=tol * hi, maxfev=...)`` (interval searches; ``x0=mid`` if it takes one),
    ``search(line, lo, mid, hi, ...)`` (parabolic), or ``search(line, phi0, dphi0)`` (a step rule).
    ``budget``: the evaluations it may spend (None: no limit but the searches' own 100 + 500). Returns
    (alpha, phi(alpha)), the best point seen; (0, phi0) if no decrease was found.
    """
    if budget is not None and budget < 1:
        return 0.0, phi0
    if kind == "rule":
        r = search(line, phi0, dphi0, **_capped(search, budget))
        return (r.x, r.fun) if r.success and r.fun < phi0 else (0.0, phi0)
    budget = 10**9 if budget is None else budget
    spent0 = line.nfev
    f_a0 = line(alpha0)
    if math.isfinite(f_a0) and f_a0 < phi0:
        if budget - (line.nfev - spent0) < 3:
            return alpha0, f_a0
        br = linesearch.bracket(line, 0.0, alpha0, maxfev=min(100, budget - (line.nfev - spent0)))
        if not br.success:
            return (br.mid, br.fun) if br.fun < f_a0 else (alpha0, f_a0)
        lo, mid, hi, fmid = max(br.lo, 0.0), br.mid, br.hi, br.fun
    else:
        hi, mid = alpha0, alpha0 * linesearch.INVPHI
        for _ in range(80):
            if line.nfev - spent0 >= budget:
                return 0.0, phi0
            fmid = line(mid)
            if math.isfinite(fmid) and fmid < phi0:
                break
            hi, mid = mid, mid * linesearch.INVPHI
        else:
            return 0.0, phi0
        lo = 0.0
    left = budget - (line.nfev - spent0)  # (values the line remembers cost no evaluation)
    if left < 3:
        return mid, fmid
    line.remember(mid, fmid)
    if kind == "bracket":
        r = search(line, lo, mid, hi, tol=tol * hi, maxfev=min(500, left))
    else:
        extra = {"x0": mid} if "x0" in _parameters(search) else {}
        r = search(line, lo, hi, tol=tol * hi, maxfev=min(500, left), **extra)
    return (r.x, r.fun) if r.fun < fmid else (mid, fmid)


def _parameters(f):
    return inspect.signature(f).parameters


def _capped(rule, left):
    """``{"maxfev": min(its default, left)}`` for a rule that counts its trials in ``maxfev`` (armijo,
    goldstein, or a partial of one), so that its trials stay inside the run's budget; {} otherwise (a rule
    without it, wolfe's maxiter of trials that also estimate gradients, or no budget: called as written)."""
    if left is None:
        return {}
    p = _parameters(rule).get("maxfev")
    if p is None or isinstance(p.default, bool) or not isinstance(p.default, int):
        return {}
    return {"maxfev": max(1, min(p.default, left))}


# --- coordinate minimisation -------------------------------------------------------------------------
def _minimize_coordinate(run, step, jit):
    """Minimise along one coordinate at a time (bracket + Brent); converged when no coordinate moved more
    than tol (tol=None: at all) in the last n steps."""
    _no_jit(jit, "method='coordinate'")
    n = run.n
    scales = np.maximum(1e-2 * np.maximum(1.0, np.abs(run.x)), 1e-8)
    run.allow(1)
    f_x = run.fx if run.fx is not None else run.p.value(run.x)
    if not math.isfinite(f_x):
        raise Stop(Status.NONFINITE, f"f(x0) = {f_x} at x = {_checks.describe_point(run.x)}")
    moves = np.full(n, np.inf)
    e = np.zeros(n)
    while True:
        run.allow(3)
        i = run.k % n if run.order == "cyclic" else min(int(run.rng.random() * n), n - 1)
        e[:] = 0.0
        e[i] = 1.0
        t, f_new = line_minimum(linesearch.Line(run.p, run.x, e, phi0=f_x), f_x, scales[i], run.remaining())
        if f_new < f_x:
            run.move(run.x + t * e, f_new)
            f_x = f_new
            scales[i] = max(abs(t), 1e-8 * max(1.0, abs(run.x[i])))
        else:
            t = 0.0
        moves[i] = abs(t)
        run.after_iteration()
        tol = run.tol if run.tol is not None else 0.0
        if run.k >= n and np.max(moves) <= tol:
            raise Stop(Status.CONVERGED, f"no coordinate moved more than tol = {tol:g} in the last {n} steps")


def line_minimum(line, phi0, h, budget=None):
    """The minimiser of phi(t) = f(x + t e) over t in R (a coordinate line): bracket downhill from
    (0, h), then Brent, within ``budget`` evaluations (None: the searches' own 100 + 500). Returns
    (t, phi(t)), the best point seen."""
    budget = 600 if budget is None else min(budget, 600)
    if budget < 3:  # too few for a bracket: one trial step, if any
        f_h = line(h) if budget >= 1 else phi0
        return (h, f_h) if f_h < phi0 else (0.0, phi0)
    br = linesearch.bracket(line, 0.0, h, maxfev=min(100, budget))
    left = budget - br.nfev
    if not br.success or left < 1:
        return br.mid, br.fun
    line.remember(br.mid, br.fun)
    r = linesearch.brent(line, br.lo, br.hi, tol=1e-10 * max(abs(br.mid), abs(h)), maxfev=min(500, left),
                         x0=br.mid)
    return (r.x, r.fun) if r.fun <= br.fun else (br.mid, br.fun)


# --- Newton ----------------------------------------------------------------------------------------
def _minimize_newton(run, step, jit):
    """Damped Newton: d = -H^-1 g (a gradient step where H is not positive definite), Armijo from 1.
    Converged when ||g|| <= tol (tol=None: 1e-10 (1 + ||g_0||)); norms are computed without overflow."""
    _no_jit(jit, "method='newton'")
    if run.oracle.random:
        raise ValueError(f"method='newton' needs a deterministic gradient oracle (ExactAD, CoordinateFD): its test "
                         f"||g|| <= tol on one random estimate would decide on one draw; got {run.oracle!r}")
    H_of = hessian(run.p.py_fun)
    tol = run.tol
    while True:
        run.allow(run.oracle.evals_per_call(run.n) + (1 if run.fx is None else 0))  # (and f(x_k) below)
        est, gnorm = run.estimate(test=False)
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
        left = run.remaining()
        if left is not None and left < 1:
            raise run.out_of_evaluations()
        res = linesearch.armijo(linesearch.Line(run.p, run.x, d, phi0=f_x), f_x, slope, alpha0=1.0,
                                maxfev=60 if left is None else min(60, left))
        _searched(run, res, f"Newton's Armijo backtracking at iteration {run.k}")
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


#: method name -> function(run, step, jit)
METHODS = {"gd": _minimize_gd, "steepest": _minimize_steepest, "coordinate": _minimize_coordinate,
           "newton": _minimize_newton}


# --- minimize -----------------------------------------------------------------------------------------
def minimize(problem, x0, oracle=None, method="gd", step=None, maxiter=1000, max_nfev=None, tol=None,
             seed=None, callback=None, record="log", measure=("f", "dist2"), order="cyclic", jit=None):
    """Minimise ``problem`` from ``x0`` with a gradient oracle.

    Parameters
    ----------
    problem : Problem
    x0 : array_like (n,)
        The start, finite.
    oracle : Oracle, optional
        The gradient oracle. Default: ``TwoPoint()`` (seed 0) for "gd" and "steepest", ``ExactAD()`` for
        "newton"; "coordinate" uses function values only.
    method : "gd", "steepest", "coordinate" or "newton"
        gd: x <- x - alpha G. steepest: alpha minimises f along -G (an exact line search: Brent, or
        ``step``). coordinate: minimise along one coordinate at a time (bracket + Brent), ``order="cyclic"``
        or ``"random"``; one iteration = one coordinate. newton: the Hessian by AD (forward-over-reverse),
        d = -H^-1 g (-g where H is not positive definite), damped by Armijo backtracking from 1.
    step : None, float, callable or step rule
        gd: None is the theory step 1/(m L), m = ``oracle.second_moment_factor(n)`` (1/L exact, 1/(nL)
        two-point sphere, q/(nL) q orthogonal directions; see the oracles' table). If L is unknown, an
        adaptive rule: backtracking on an estimate L_hat of L along the step actually taken - the step
        -G/(m L_hat) is accepted if f(x - a G) <= f(x) - a <g, G> + (L_hat/2) a^2 ||G||^2 with
        a = 1/(m L_hat), the descent lemma, where <g, G> is the estimator's own directional derivative
        (sum_j coef D_j^2, exact on quadratics); a rejection doubles L_hat and retries with the same G,
        an acceptance multiplies L_hat by 0.9 (Beck & Teboulle 2009). Each iteration costs one
        evaluation more than the oracle, plus one per rejection; every accepted step decreases f.
        A float is a fixed step; ``step(k)`` gives the step of iteration k. A step rule -
        ``zo.linesearch.armijo``, ``goldstein``, ``wolfe``, ``exact_quadratic``, a ``functools.partial`` of
        one, or any callable ``rule(phi, phi0, dphi0) -> LineSearchResult`` - is called along d = -G with
        phi'(0) = -<g, G> from the estimator, exactly as a user calls it (its parameters are checked on
        every call); its first trial step is the theory step, then twice the last accepted step.
        steepest: the exact line search - an interval search ``search(phi, a, b, ...)`` (brent, golden,
        dichotomy), parabolic, or a step rule; called as ``search(phi, lo, hi, tol=1e-10 hi, maxfev=500)``
        on a bracket of the minimum along -G.
    maxiter : int >= 1
        Iterations.
    max_nfev : int >= 1, optional
        Stop before an iteration whose evaluations would exceed this budget. The methods' own searches,
        and step rules that take ``maxfev`` (armijo, goldstein), get only the evaluations left; other step
        rules (wolfe, your own) are called as written and may pass it within one iteration (the message
        says by how much).
    tol : float > 0, optional
        The convergence test (the only way to ``success=True``):

        - deterministic oracles (ExactAD, CoordinateFD): ||G|| <= tol at the iterate; None means G = 0
          exactly;
        - random oracles: every 20 iterations (``TOL_WINDOW``), the mean of ||G_i||^2 / m over those
          iterations' estimates - an estimate of ||grad f||^2, since E||G||^2 = m ||grad f||^2 on
          quadratics - is <= tol^2. One draw never decides; None: no test;
        - coordinate: no coordinate moved more than tol (None: at all) in the last n steps;
        - newton: ||g|| <= tol, default 1e-10 (1 + ||g_0||); norms computed without overflow.
    seed : int >= 0, SeedSequence or Generator, optional
        The random stream for the run; None (default) uses - and advances - the oracle's own stream. That
        stream belongs to the oracle: runs in several threads at once need an oracle each, or a seed each.
    callback : callable, optional
        ``callback(intermediate)`` after each iteration, with ``intermediate.x``, ``.nit``, ``.nfev``;
        raising StopIteration ends the run with status CALLBACK (``success=False``). A callback means the
        Python path.
    record : "log", "all", "none", int or sequence of ints
        The history's checkpoints (:func:`zeroopt.history.checkpoints`); "log" keeps memory bounded for
        long runs; "none" records nothing and makes no uncounted evaluation at all (``Result.fun`` is then
        the last counted f(x_k), or one more counted evaluation), so an outside evaluation counter equals
        ``nfev``.
    measure : sequence of "f", "grad_norm2", "dist2"
        What each checkpoint measures, uncounted: f(x_k) (one evaluation), the exact ||grad f(x_k)||^2
        (one AD gradient), ||x_k - x*||^2 (free where x* is known). Default ("f", "dist2").
    order : "cyclic" or "random"
        The coordinate method's order.
    jit : None, True or False
        None: the jitted loop where possible; False: the Python reference path; True: jitted or ValueError.

    Returns
    -------
    Result
        ``x, fun, nit, nfev, ngev, nhev, status, success, message, method, history``. ``status`` is a
        :class:`zeroopt.Status`: CONVERGED (the test above held; the only ``success=True``), MAXITER,
        MAXFEV, DIVERGED (a checkpoint's f above ``f(x0) + 1e8 (1 + |f(x0)|)``, or the iterate overflowed),
        NONFINITE (the objective, a difference quotient, a gradient or Hessian was not finite; the
        message names the point), LINESEARCH_FAILED, CALLBACK. ``nfev``/``ngev``/``nhev`` count what the
        method spent (every oracle call, line search and step rule), never the history's measurements;
        they are exact also when other threads use the same problem (:meth:`Problem.counting`).

    Raises
    ------
    TypeError, ValueError
        A bad argument, named in the message; ``f(x0)`` not finite when the history measures f.
    Exception
        Whatever the objective raises, and KeyboardInterrupt, propagate; ``problem.nfev`` still counts
        every evaluation made, the interrupted one included.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(10, mu=1, L=10, seed=0)
    >>> r = zo.minimize(p, np.zeros(10), zo.TwoPoint(seed=1), tol=1e-6, maxiter=100_000)
    >>> r.success, r.status.name
    (True, 'CONVERGED')
    >>> r = zo.minimize(zo.problems.rosenbrock(4), np.zeros(4), zo.ExactAD(), maxiter=50)
    >>> r.success, r.status.name, r.nit
    (False, 'MAXITER', 50)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
    x = _checks.point(x0, problem.dim, "x0").copy()
    method = _checks.choice(method, "method", tuple(METHODS))
    if method == "coordinate" and oracle is not None:
        raise ValueError("method='coordinate' uses function values only: oracle must be None")
    if oracle is None:
        oracle = ExactAD() if method in ("newton", "coordinate") else TwoPoint()
    if not isinstance(oracle, Oracle):
        raise TypeError(f"oracle must be a zeroopt oracle (zo.TwoPoint(), zo.ExactAD(), ...), got {type(oracle).__name__}")
    if step is not None and not callable(step):
        if isinstance(step, bool) or not isinstance(step, numbers.Real):
            raise TypeError(f"step must be None, a number, a callable step(k) or a line-search rule; got {step!r}")
        step = _checks.positive_float(step, "step")
    if method in ("newton", "coordinate") and step is not None:
        raise ValueError(f"step is not used by method={method!r} (it has its own line search); got step={step!r}")
    maxiter = _checks.positive_int(maxiter, "maxiter")
    max_nfev = _checks.positive_int(max_nfev, "max_nfev", allow_none=True)
    tol = _checks.positive_float(tol, "tol", allow_none=True)
    record, measure = check_record(record), check_measure(measure)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    order = _checks.choice(order, "order", ("cyclic", "random"))
    jit = _checks.boolean(jit, "jit", allow_none=True)
    # seed=None: the oracle's own stream, used and advanced (deterministic oracles: a fixed stream for
    # coordinate order="random")
    rng = (oracle.rng if oracle.random else np.random.default_rng(0)) if seed is None else _checks.generator(seed)
    m = oracle.second_moment_factor(problem.dim) if method != "coordinate" else 1.0
    unrecorded = isinstance(record, str) and record == "none"
    reserve = 1 if (unrecorded and max_nfev is not None) else 0  # the final counted f(x)
    with problem.counting() as counts:
        run = Run(problem, x, oracle, (maxiter, max_nfev, reserve), tol, rng, callback,
                  History(problem, checkpoints(maxiter, record), measure), counts, m, order)
        try:
            run.start()
            METHODS[method](run, step, jit)
            raise Stop(Status.MAXITER, f"maxiter = {maxiter} iterations")  # pragma: no cover - methods loop
        except Stop as stop:
            status, message = stop.status, stop.status.message(what=stop.what)
        fun = run.final_fun(counted=unrecorded)
    return Result(x=run.x, fun=fun, nit=run.k, nfev=counts.nfev, ngev=counts.ngev, nhev=counts.nhev,
                  success=status.success, status=status, message=message, method=method,
                  history=run.hist.arrays())
