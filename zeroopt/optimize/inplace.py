"""The in-place zero-order step, ``method="inplace"``: gradient descent along two-point estimates that
works in x's own memory and never stores a direction.

Each step regenerates its direction v from a counter-based stream (:mod:`zeroopt.kernels.inplace`) in
every pass over x: perturb x by +eps v and evaluate, move it to -eps v and evaluate, then restore and
update in one pass. Extra memory is O(n / CHUNK) (one Generator per chunk of x), not O(n).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _checks, linesearch
from ..estimators import TwoPoint
from ..kernels import BAD_ESTIMATE, BAD_QUOTIENT, BAD_VALUE, KernelResult
from ..kernels import inplace as ip
from ._run import BAD, OVERFLOW, RUNNING
from ._spec import Method
from .gd import theory_step


def minimize_inplace(run, step, jit):
    """Gradient descent that updates the caller's x0 in place: x <- x - alpha G with the two-point estimate
    G = c D v, D = (f(x + eps v) - f(x - eps v)) / (2 eps), v regenerated, never stored.

    ``minimize(problem, x0, oracle, method="inplace")`` changes ``x0`` itself, step by step, and returns
    it as ``Result.x``: x0 must be a writable, C-contiguous float64 array (anything else is a TypeError,
    since a converted copy would leave the caller's array as it was). If the objective raises or Ctrl-C
    arrives mid-step, x0 is restored (the direction is regenerated and the perturbation undone, up to
    rounding) before the exception propagates; every evaluation is counted.

    Parameters
    ----------
    run : zeroopt.optimize._run.Run
        The run (its ``x`` is the caller's x0).
    step : None, float or callable
        A fixed step, a schedule ``step(k)``, or None: the theory step 1/(m L) (L must be known). Step
        rules are refused: they would need evaluations along -G beyond the two of the estimate.
    jit : None, True or False
        False runs the passes as Python (the reference: the same bits, slowly); otherwise compiled.

    Notes
    -----
    The oracle must be ``TwoPoint(dist=...)`` with one central direction: ``"gaussian"`` (v = z, c = 1),
    ``"rademacher"`` (v = copysign(1/sqrt(n), z), c = n) - three passes over x per step - or
    ``"sphere"`` (v = z/||z||, c = n) - four, the first for ||z||; its ``eps`` is the radius. The
    directions come from a stream of their own (not TwoPoint's), defined in
    :mod:`zeroopt.kernels.inplace`: chunk c of step k is numpy's
    ``Generator(Philox(key=key, counter=[0, 0, c, k])).standard_normal``, with ``key`` drawn from the
    run's stream (``seed=``, else the oracle's) when the run starts; the result does not depend on the
    number of threads. In exact arithmetic the step equals the out-of-place step along the same
    direction; in floating point the two drift apart by a few rounding errors per step, amplified by the
    finite difference (the bound is in the documentation's math reference, and tested).
    """
    o, p, x, n = run.oracle, run.p, run.x, run.n
    if not (isinstance(o, TwoPoint) and o.q == 1 and not o.orthogonal and o.scheme == "central"):
        raise ValueError(f"method='inplace' takes a two-point oracle with one central direction, "
                         f"TwoPoint(dist='gaussian', 'rademacher' or 'sphere'); got oracle={o!r}")
    step_of = _schedule(step, p, o)
    kind, eps, coef = o.dist, o.eps, o.coef(n)
    stream = ip.Stream(ip.stream_key(run.rng), n)
    nch = ip.chunks(n)
    sq, bad, where = np.empty(nch), np.empty(nch, dtype=np.int64), np.zeros(1, dtype=np.int64)
    axpy, norm2 = ip.passes(n, jit)
    fixed = ip.Params(ip.KINDS[kind], 1.0 / math.sqrt(n) if kind == "rademacher" else 1.0, ip.CHUNK)
    while True:
        steps = run.stretch(2)           # Stop (MAXITER, MAXFEV) when not one more step fits
        scale, ssq = run.window_sums
        norm = math.nan
        for done in range(steps):
            k = run.k + done
            params = fixed
            if kind == "sphere":
                norm2(n, stream.rewind(k), fixed, sq)
                params = fixed._replace(scale=math.sqrt(ip.total(sq)))
            failed, values = _two_points(p, x, axpy, stream, k, params, eps, sq, bad, where)
            if failed is None:
                vv, fp, fm = values
                D = (fp - fm) / (2.0 * eps)   # x is at x - eps v
                c = coef * D                   # G = c v (as TwoPoint computes it)
                if not (math.isfinite(D) and math.isfinite(c)):
                    _restore(x, axpy, stream, k, params, eps, sq, bad, where)
                    nan = math.nan
                    failed = (KernelResult(BAD_QUOTIENT, 0, fp, fm, nan, nan, nan) if not math.isfinite(D)
                              else KernelResult(BAD_ESTIMATE, 0, c, D, nan, nan, nan))
            if failed is not None:
                decode = ip.failure(eps, kind, k)
                run.absorb(done, scale, ssq, BAD, failure=lambda: decode(p, x, None, failed))
            axpy(x, stream.rewind(k), params, eps - step_of(k) * c, sq, bad, where, ip.AT_X)
            norm = abs(c) * math.sqrt(vv)     # ||G|| = |c| ||v||
            if run.windowed:
                scale, ssq = _checks.add_square(scale, ssq, norm)
            if bad.max() >= 0:
                run.absorb(done + 1, scale, ssq, OVERFLOW, norm)
        run.absorb(steps, scale, ssq, RUNNING, norm)


def _two_points(p, x, axpy, stream, k, params, eps, sq, bad, where):
    """x + eps v, f; x - eps v, f (x is left at x - eps v). Returns (None, (||v||^2, f+, f-)), or (a failed
    KernelResult, None) with x restored. Whatever the objective raises (Ctrl-C included) propagates after x is
    restored; every evaluation is counted (before it is made)."""
    try:
        axpy(x, stream.rewind(k), params, eps, sq, bad, where, ip.AT_PLUS)
        vv = ip.total(sq)
        fp = _value(p, x)
        if not math.isfinite(fp):
            _restore(x, axpy, stream, k, params, eps, sq, bad, where)
            return KernelResult(BAD_VALUE, 0, fp, math.nan, math.nan, math.nan, math.nan), None
        axpy(x, stream.rewind(k), params, -2.0 * eps, sq, bad, where, ip.AT_MINUS)
        fm = _value(p, x)
        if not math.isfinite(fm):
            _restore(x, axpy, stream, k, params, eps, sq, bad, where)
            return KernelResult(BAD_VALUE, 1, fm, math.nan, math.nan, math.nan, math.nan), None
    except BaseException:
        _restore(x, axpy, stream, k, params, eps, sq, bad, where)
        raise
    return None, (vv, fp, fm)


def _restore(x, axpy, stream, k, params, eps, sq, bad, where):
    """Undo step k's perturbation, wherever the passes left x (``where[0]``): the direction regenerated, x
    moved back by -eps v or +eps v. A second Ctrl-C during the restore is held until it is done."""
    held = None
    for _ in range(100):
        try:
            if where[0] == ip.AT_X:
                break
            axpy(x, stream.rewind(k), params, -eps if where[0] == ip.AT_PLUS else eps, sq, bad, where, ip.AT_X)
        except KeyboardInterrupt as exc:  # the pass ends before a signal is seen: retry from where it left x
            held = exc
    if held is not None:
        raise held


def _value(p, x):
    """f(x), counted before it is made (so an objective that raises is counted); the objective gets a
    read-only view of x (no copy, no O(n) check: x is finite by construction)."""
    p.count(nfev=1)
    return p.compiled.value(x)


def _schedule(step, p, o):
    """``step_of(k)``: a fixed step, a schedule, or the theory step 1/(m L)."""
    if step is None:
        fixed = theory_step(p, o)
        if fixed is None:
            raise ValueError("method='inplace' needs a step: a number, a schedule step(k), or step=None with the "
                             "problem's L known (the theory step 1/(m L)); the adaptive rule would need more "
                             "evaluations than the estimate's two")
        return lambda k: fixed
    if isinstance(step, numbers.Real):
        return lambda k: step
    if linesearch.kind_of(step) != "schedule":
        raise ValueError(f"method='inplace' takes a fixed step or a schedule step(k), not a step rule: a rule "
                         f"needs evaluations along -G beyond the estimate's two; got step={step!r}")
    return lambda k: _checks.positive_float(step(k), "step(k)")


INPLACE = Method(minimize_inplace, oracle=lambda: TwoPoint(dist="gaussian"), takes_oracle=True, takes_step=True,
                 jitted=True, writes_x0=True,
                 summary="updates x0 in place: two-point steps along directions regenerated from a counter-based "
                         "stream, never stored")
