"""Gradient descent with any oracle, x <- x - alpha G: a fixed step, a schedule step(k), a step rule along
-G, or the adaptive rule; and its jitted loop.

The jitted path. ``method="gd"`` with a fixed step (a number, or ``step=None`` with L known), a jitted
problem, an oracle with a compiled fast path (:meth:`zeroopt.oracle.Oracle.fast_path`) and no callback
runs its iterations inside one compiled loop, in chunks of at most ~0.25 s (an interrupt lands between
chunks; counts stay exact). Random directions are drawn in numpy, in blocks, from the same stream as the
Python path - a block draw equals the single draws bit for bit - and unused draws are rewound at the end
(the oracle's own :meth:`~zeroopt.oracle.RandomOracle.draws`), so the jitted path gives the same
iterates, counts, history and final stream state as the Python reference path (``jit=False``) for the
same seed. Both paths test each estimate with the same function
(:func:`zeroopt.optimize._run.test_estimate`), and the compiled loop reports to the run with
:meth:`~zeroopt.optimize._run.Run.absorb`.
"""

from __future__ import annotations

import functools
import math
import numbers
import time
from collections import namedtuple

import numpy as np

from .. import _checks, kernels, linesearch
from .._compiled import new_tally
from .._twice import twice
from ..estimators import ExactAD, TwoPoint
from ..linesearch.drivers import capped
from ..status import Status
from ._run import BAD, OVERFLOW, RUNNING, STALL, TOL, Stop, test_estimate
from ._stall import note_progress
from ._spec import Method, Option

#: adaptive step rule: L_hat is multiplied by this after an accepted step (and doubled after a rejected one)
ADAPTIVE_SHRINK = 0.9
#: a chunk of the jitted loop aims at this many seconds (an interrupt waits at most about that long)
CHUNK_SECONDS = 0.25


# --- the jitted loop ------------------------------------------------------------------------------------
LoopOut = namedtuple("LoopOut", ["done", "stop", "scale", "ssq", "norm", "best", "since", "best_at"]
                     + list(kernels.KernelResult._fields))


def _gd_loop(fun, x, kernel, update, draws, fixed, start, nsteps, step, params, G, scratch, tol, windowed, scale,
             ssq, observe, best, since, stall, k0, tally, args):
    """``nsteps`` iterations x <- x - step G(x) with the oracle's kernel and update (kernels.py), the
    k-th along ``draws[start + k]`` (``draws[0]`` every time if ``fixed``). Each estimate goes through
    :func:`test_estimate` (the Python path's test), and the f(x) it brings (forward schemes) through
    :func:`note_progress`. Stops early at a failed estimate (BAD), at ||G|| <= tol before moving (TOL;
    tol < 0: no test), when x overflows (OVERFLOW) or after ``stall`` iterations without progress (STALL;
    stall < 0: never). Returns a LoopOut (as a plain tuple): the steps done, why it stopped, the tol
    window's sum, the last ||G||, the stall test's (best, since, iteration of the best; the run's
    iterations before the chunk are ``k0``), and the last kernel result."""
    r = (0, -1, 0.0, 0.0, math.nan, math.nan, math.nan)
    norm = math.nan
    best_at = -1
    for k in range(nsteps):
        draw = draws[0] if fixed else draws[start + k]
        r = kernel(fun, x, draw, params, G, scratch, tally, args)
        if r[0] != 0:
            return (k, BAD, scale, ssq, norm, best, since, best_at) + r
        converged, norm, scale, ssq = test_estimate(G, tol, windowed, scale, ssq)
        if converged:
            return (k, TOL, scale, ssq, norm, best, since, best_at) + r
        if observe:
            new_best, since = note_progress(r[4], best, since)
            if new_best < best:
                best_at = k0 + k + 1
            best = new_best
        if not update(x, G, step, draw):
            return (k + 1, OVERFLOW, scale, ssq, norm, best, since, best_at) + r
        if 0 < stall <= since:
            return (k + 1, STALL, scale, ssq, norm, best, since, best_at) + r
    return (nsteps, RUNNING, scale, ssq, norm, best, since, best_at) + r


gd_loop = twice(_gd_loop, result=LoopOut)


def _gd_jitted(run, path, step, pause=None, python=None):
    """Gradient descent with a fixed step inside the compiled loop, in chunks of ~CHUNK_SECONDS.

    ``pause()``, if given, is called before each chunk, at the iterate x_k (``run.k`` = k), as a Python
    loop would call it at the top of its iteration: it returns the most iterations the next chunk may
    run (>= 1), so that it is called again at the iteration it needs to see, or raises Stop (ZO-SGD:
    keep a copy of x_R, end at the horizon N). ``python()`` is the Python loop that takes over from the
    current iterate where the compiled one cannot go on (default: :func:`_gd_python` with ``step``).

    An exact gradient (``ExactAD(compiled=True)``, :mod:`zeroopt.kernels.exact`) costs no evaluation
    (``cost`` 0: the budget never limits a chunk) and counts its gradients as ``ngev`` after each chunk;
    where a guard of its program fails, the iterations before it are taken in, the derivative is recorded
    again at the iterate and the loop goes on with the new program (or, if it falls back to the traced
    path, in Python)."""
    p, o = run.p, run.oracle
    G, scratch, tally = np.zeros(run.n), np.empty(path.scratch), new_tally(path.chunks)
    fixed = path.fixed_draw is not None
    draws = None if fixed else (o.draws(run.rng, run.n, run.p) if run.p.stochastic else o.draws(run.rng, run.n))
    kernel, update, cost, tol = path.kernel.jit, path.update.jit, run.cost(), run.test_tol()
    observe, step = not p.stochastic, float(step)
    entry = [None, None]  # the loop's compiled entry point, the draws' layout: the other types are fixed per path
    chunk = 8
    try:
        while True:
            limit = chunk if pause is None else min(chunk, pause())
            nsteps = min(run.stretch(cost), limit)
            block, start, nsteps = (path.fixed_draw[None], 0, nsteps) if fixed else draws.take(nsteps)
            if _layout(block) != entry[1]:  # (a block of other numba type: type the call again)
                entry = [None, _layout(block)]
            t0 = time.perf_counter()
            scale, ssq = run.window_sums
            best, since = run.progress_state
            try:
                out = p.compiled.run(gd_loop, run.x, kernel, update, block, fixed, int(start), int(nsteps), step,
                                     path.params, G, scratch, tol, run.windowed, float(scale), float(ssq), observe,
                                     float(best), int(since), run.stall_limit(), run.k, tally=tally, entry=entry)
            except BaseException:
                if not fixed and cost:  # the iterations begun in this chunk drew their directions, as in Python
                    draws.used(-(-int(tally[:, 0].sum()) // cost))
                raise
            finally:
                grads = kernels.exact.gradients(path)
                if grads:
                    p.count(ngev=grads)
            chunk = _next_chunk(chunk, nsteps, time.perf_counter() - t0)
            if not fixed:
                draws.used(out.done + (1 if out.stop in (BAD, TOL) else 0))
            retrace = out.stop == BAD and out.status == kernels.exact.GUARD
            run.absorb(out.done, out.scale, out.ssq, RUNNING if retrace else out.stop, out.norm,
                       failure=lambda: path.failure(p, run.x, block[0 if fixed else start + out.done],
                                                    kernels.KernelResult(*out[8:])),
                       progress=(out.best, out.since, out.best_at))
            if retrace:
                old, path = path.params.program, o.fast_path(p, run.x)
                if path is None or (out.done == 0 and path.params.program is old):  # (never the same guard twice)
                    return _gd_python(run, lambda k: step) if python is None else python()
                kernel, entry = path.kernel.jit, [None, None]
    finally:
        if draws is not None:
            draws.rewind()


def _layout(a):
    """What numba's type of the array ``a`` depends on."""
    return a.dtype.str, a.ndim, a.flags.c_contiguous, a.flags.f_contiguous


def _next_chunk(chunk, done, seconds):
    """The next chunk's length: aim at CHUNK_SECONDS, growing at most 4x per chunk (the first may compile).
    A chunk cut short (by an event, a budget or a ``pause``) leaves it as it was."""
    if done < chunk:  # cut short by an event: the estimate below would be too noisy to shrink on
        return chunk
    per_step = seconds / max(done, 1)
    return int(max(1, min(4 * chunk, CHUNK_SECONDS / per_step if per_step > 0 else 4 * chunk)))


# --- gradient descent -----------------------------------------------------------------------------------
def theory_step(problem, oracle):
    """1 / (m L), the step the rates assume (m = ``oracle.second_moment_factor(n)``); None if L is unknown."""
    if problem.L is None:
        return None
    return 1.0 / (oracle.second_moment_factor(problem.dim) * problem.L)


def minimize_gd(run, step, jit, momentum):
    """x <- x - alpha G with a fixed step, a schedule step(k), a step rule, or the adaptive rule; with
    ``momentum`` beta > 0 (a fixed step or a schedule), Polyak's heavy ball x <- x - alpha G + beta (x - x_prev)."""
    if momentum:
        return _gd_momentum(run, step, jit, momentum)
    if step is None or isinstance(step, numbers.Real):
        fixed = theory_step(run.p, run.oracle) if step is None else step
        if fixed is None:
            no_jit(jit, "the adaptive step (step=None with L unknown)")
            return _gd_adaptive(run)
        path = _loop_path(run) if jit is not False else None
        if jit is True and path is None:
            raise ValueError("jit=True, but the jitted path needs method='gd', a fixed step (a number, or step=None "
                             "with L known), a jitted problem, an oracle with a compiled fast path (CoordinateFD, "
                             "RandomCoordinate, TwoPoint not batched, ExactAD(compiled=True) where its gradient "
                             "compiles) and no callback")
        if path is not None and jit is not False:
            return _gd_jitted(run, path, fixed)
        return _gd_python(run, lambda k: fixed)
    no_jit(jit, "a step rule or a schedule step(k)")
    kind = linesearch.kind_of(step)
    if kind == "rule":
        return _gd_rule(run, step)
    if kind != "schedule":
        raise TypeError(f"step must be None, a number, a schedule step(k) or a step rule rule(phi, phi0, dphi0); "
                        f"got {step!r} ({kind or 'unknown signature'})")
    return _gd_python(run, lambda k: _checks.positive_float(step(k), "step(k)"))


def _loop_path(run):
    """The oracle's fast path for the jitted loop, or None (a callback, a problem numba does not compile).
    The exact gradient's is chosen at the first iterate (:meth:`zeroopt.ExactAD.fast_path`)."""
    if run.callback is not None or run.p.jitted is None:
        return None
    if isinstance(run.oracle, ExactAD):
        return run.oracle.fast_path(run.p, run.x)
    return run.oracle.fast_path(run.p)


def no_jit(jit, what):
    """jit=True for a path that runs in Python: a ValueError saying which."""
    if jit is True:
        raise ValueError(f"jit=True, but {what} runs in Python: the jitted path is method='gd' with a fixed step")


def _gd_python(run, step_of, momentum=0.0):
    """The Python reference path: one oracle call and one update per iteration (plus beta (x_k - x_{k-1})
    with momentum; x_{-1} = x_0)."""
    prev = run.x
    while True:
        est, _ = run.begin()
        x = run.x.copy()
        kernels.dense_update.jit(x, est.grad, step_of(run.k), x[:0])
        if momentum:
            x += momentum * (run.x - prev)
            prev = run.x
        run.move(x)
        run.after_iteration()


def _gd_momentum(run, step, jit, momentum):
    """Heavy ball: a fixed step (None: 1/(m L)) or a schedule; it runs in Python (see MOMENTUM_PYTHON)."""
    if jit is True:
        raise ValueError(f"jit=True, but {MOMENTUM_PYTHON}")
    if step is None or isinstance(step, numbers.Real):
        fixed = theory_step(run.p, run.oracle) if step is None else step
        if fixed is None:
            raise ValueError("options['momentum'] needs a fixed step: give step=, or a problem with L (step=None "
                             "is then 1/(m L)); the adaptive step rule does not take momentum")
        return _gd_python(run, lambda k: fixed, momentum)
    if linesearch.kind_of(step) != "schedule":
        raise ValueError(f"options['momentum'] takes a fixed step or a schedule step(k), not a step rule: a search "
                         f"along -G does not see the momentum term; got step={step!r}")
    return _gd_python(run, lambda k: _checks.positive_float(step(k), "step(k)"), momentum)


#: why gd with momentum has no jitted path
MOMENTUM_PYTHON = ("gd with options['momentum'] runs in Python: the jitted loop updates x in place with the "
                   "oracle's update (one coordinate for RandomCoordinate) and keeps no previous iterate")


def _momentum(value, name):
    value = _checks.real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1) (heavy-ball beta); got {value!r}")
    return value


def _descent_lemma_ok(f_new, f_old, gG, G2, a, m):
    """f(x - a G) <= f(x) - a <g, G> + (L_hat / 2) a^2 ||G||^2 with L_hat = 1/(a m): the descent lemma
    along the step actually taken, <g, G> estimated by the oracle's own differences."""
    return math.isfinite(f_new) and f_new <= f_old - a * gG + 0.5 * a * G2 / m


def _gd_adaptive(run):
    """step=None and L unknown: backtracking on L_hat along the step actually taken (see minimize)."""
    L_hat = 1.0
    while True:
        est, f_x = run.begin(with_f=True, trials=1)
        gG = run.finite_slope(est)
        for _ in range(200):
            a = 1.0 / (run.m * L_hat)
            x_new = run.x - a * est.grad
            f_new = run.p.value(x_new) if _checks.all_finite(x_new) else math.inf
            if _descent_lemma_ok(f_new, f_x, gG, est.g2, a, run.m):
                break
            L_hat *= 2.0
            if run.exhausted():
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


def _gd_rule(run, rule):
    """A step rule ``rule(phi, phi0, dphi0)`` along d = -G, phi'(0) = -<g, G> from the estimator."""
    alpha0 = theory_step(run.p, run.oracle) or 1.0
    while True:
        # (trials=1: the rule's first trial; no gradient is paid for that the rule could not use)
        est, f_x = run.begin(with_f=True, trials=1)
        x, d, slope = run.x, -est.grad, -run.finite_slope(est)

        def dphi(a, x=x, d=d):
            return float(run.estimate(x + a * d).grad @ d)

        if slope < 0.0:  # (a random oracle's G may carry no descent information: slope 0, draw again)
            res = rule(linesearch.Line(run.p, x, d, phi0=f_x, alpha0=alpha0, derivative=dphi), f_x, slope,
                       **capped(rule, run.remaining()))
            if run.searched(res, f"the {_name(rule)} step rule at iteration {run.k}"):
                run.move(x + res.x * d, res.fun)
                alpha0 = min(2.0 * res.x, 1e10)
        elif not run.random:
            raise Stop(Status.LINESEARCH_FAILED, f"-G is not a descent direction at iteration {run.k}: "
                                                 f"<g, G> = {-slope:.3g}")
        run.after_iteration()


GD = Method(minimize_gd, oracle=TwoPoint, takes_oracle=True, takes_step=True, jitted=True,
            options={"momentum": Option(0.0, _momentum, "heavy-ball beta in [0, 1): x <- x - alpha G + beta "
                                                        "(x - x_prev); Python path")},
            summary="x <- x - alpha G: a fixed step (1/(m L) by default), a schedule, a step rule, or adaptive")
