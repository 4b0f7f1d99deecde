"""Estimator kernels: plain-Python loops, each compiled by numba as well (:class:`zeroopt._twice.Twice`).

Every kernel has the same signature, so one optimizer loop can run any of them::

    kernel(fun, x, draw, params, G, scratch, tally, args) -> KernelResult

* ``fun(w, *args)`` is the objective (compiled or Python), called on a work vector ``w`` perturbed in
  place (O(n) extra memory for coordinate and single-direction estimates); ``x`` is never modified;
* ``draw`` is what the oracle drew for this estimate (coordinate indices, or a q x n block of directions);
* ``params`` is a tuple of the oracle's constants (eps, ...), ``G`` receives the estimate, ``scratch`` is
  the kernel's work array;
* ``tally`` (rows x 3 float64) counts evaluations as they are made: ``tally[t, 0]`` is increased *before*
  each call of the objective by the chunk ``t`` that makes it, so the count survives an objective that
  raises; columns 1 and 2 are per-chunk scratch.

A :class:`KernelResult` (returned as a plain tuple, see :mod:`zeroopt._twice`) says how the estimate ended: ``status`` OK, or the first non-finite value
(:data:`BAD_VALUE`, ``where`` = the point's code, ``value`` = f there), a difference quotient that
overflowed although both values were finite (:data:`BAD_QUOTIENT`, ``where`` = the coordinate or
direction, ``value``/``value2`` = the two values), or an estimate entry that overflowed
(:data:`BAD_ESTIMATE`, ``where`` = the entry), or a coordinate step too small to move x_i in floating
point (:data:`BAD_STEP`, ``where`` = the coordinate, ``value`` = h, ``value2`` = x_i). Point codes are documented per kernel;
:mod:`zeroopt.estimators` turns them into messages naming the point. On success ``fx`` is f(x) where the
scheme evaluates it (forward differences) else NaN, ``gdotG`` the estimate of <grad f(x), G> the same
differences give (sum_j coef D_j^2, with D_j the directional derivative along the j-th direction) and
``g2`` = ||G||^2.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np
from numba import prange

from ._twice import Twice, twice

OK, BAD_VALUE, BAD_QUOTIENT, BAD_ESTIMATE, BAD_STEP = 0, 1, 2, 3, 4

KernelResult = namedtuple("KernelResult", ["status", "where", "value", "value2", "fx", "gdotG", "g2"])
KernelResult.__doc__ = ("How one estimate ended (see the module docstring). The kernels return it as a plain "
                        "tuple; Twice.named makes this of it on the Python side.")


@numba.njit(cache=True)
def _failed(status, where, value, value2):
    return status, where, value, value2, math.nan, math.nan, math.nan


def _coord_central(fun, x, draw, params, G, scratch, tally, args):
    """Central differences along the coordinates ``draw`` (int64 indices); ``params = (eps, rel, scale)``:

    ``G[i] = scale * (f(x + h_i e_i) - f(x - h_i e_i)) / ((x_i + h_i) - (x_i - h_i))``,

    with ``h_i = eps`` if ``eps > 0`` else ``rel * max(1, |x_i|)``; dividing by the distance between the
    two points actually evaluated (not 2 h_i) removes the representation error of the step. Entries of G
    outside ``draw`` are not written. Point codes: ``2 i`` for x + h_i e_i, ``2 i + 1`` for x - h_i e_i.
    """
    eps, rel, scale = params
    w = x.copy()
    gg = 0.0
    g2 = 0.0
    for k in range(draw.shape[0]):
        i = draw[k]
        xi = x[i]
        h = eps if eps > 0.0 else rel * max(1.0, abs(xi))
        xp = xi + h
        xm = xi - h
        if xp == xm:
            return _failed(BAD_STEP, i, h, xi)
        w[i] = xp
        tally[0, 0] += 1.0
        fp = float(fun(w, *args))
        if not math.isfinite(fp):
            return _failed(BAD_VALUE, 2 * i, fp, math.nan)
        w[i] = xm
        tally[0, 0] += 1.0
        fm = float(fun(w, *args))
        if not math.isfinite(fm):
            return _failed(BAD_VALUE, 2 * i + 1, fm, math.nan)
        w[i] = xi
        d = (fp - fm) / (xp - xm)
        if not math.isfinite(d):
            return _failed(BAD_QUOTIENT, i, fp, fm)
        G[i] = scale * d
        if not math.isfinite(G[i]):
            return _failed(BAD_ESTIMATE, i, G[i], d)
        gg += G[i] * d
        g2 += G[i] * G[i]
    return OK, -1, 0.0, 0.0, math.nan, gg, g2


def _coord_forward(fun, x, draw, params, G, scratch, tally, args):
    """Forward differences along every coordinate (``draw`` unused); ``params = (eps, rel)``:
    ``G[i] = (f(x + h_i e_i) - f(x)) / ((x_i + h_i) - x_i)``, ``h_i`` as in :func:`coord_central`.

    Point codes: ``0`` for x itself, ``1 + i`` for x + h_i e_i.
    """
    eps, rel = params
    n = x.shape[0]
    w = x.copy()
    tally[0, 0] += 1.0
    f0 = float(fun(w, *args))
    if not math.isfinite(f0):
        return _failed(BAD_VALUE, 0, f0, math.nan)
    gg = 0.0
    for i in range(n):
        xi = x[i]
        h = eps if eps > 0.0 else rel * max(1.0, abs(xi))
        xp = xi + h
        if xp == xi:
            return _failed(BAD_STEP, i, h, xi)
        w[i] = xp
        tally[0, 0] += 1.0
        fp = float(fun(w, *args))
        if not math.isfinite(fp):
            return _failed(BAD_VALUE, 1 + i, fp, math.nan)
        w[i] = xi
        G[i] = (fp - f0) / (xp - xi)
        if not math.isfinite(G[i]):
            return _failed(BAD_QUOTIENT, i, fp, f0)
        gg += G[i] * G[i]
    return OK, -1, 0.0, 0.0, f0, gg, gg


@numba.njit(cache=True)
def combine(V, D, coef, out):
    """``out = sum_j (coef * D[j]) * V[j]``, accumulated in the fixed order j = 0, 1, ..., q - 1.

    Returns ``(gdotG, g2, bad)``: ``gdotG = coef * sum_j D[j]^2``, ``g2 = ||out||^2`` and the first
    non-finite entry of out (-1 if none). Serial, parallel and batched estimates all end here, so equal
    differences give equal bits.
    """
    q, n = V.shape
    for i in range(n):
        out[i] = 0.0
    gg = 0.0
    for j in range(q):
        c = coef * D[j]
        gg += c * D[j]
        for i in range(n):
            out[i] += c * V[j, i]
    g2 = 0.0
    bad = -1
    for i in range(n):
        if bad < 0 and not math.isfinite(out[i]):
            bad = i
        g2 += out[i] * out[i]
    return gg, g2, bad


def _directions(fun, x, draw, params, G, scratch, tally, args):
    """Directional differences along the rows of ``draw = V`` (q x n), ``G = coef * sum_j D_j V_j``;
    ``params = (eps, forward, coef, nth)``, ``scratch`` = D (q,).

    central: ``D_j = (f(x + eps V_j) - f(x - eps V_j)) / (2 eps)`` (2q evaluations);
    forward: ``D_j = (f(x + eps V_j) - f(x)) / eps`` (q + 1 evaluations).
    The directions are split into ``nth`` strided chunks run by ``prange``: compiled with
    ``parallel=True`` the chunks go to numba's threads, otherwise (and with nth = 1) they run one after
    the other. Each D_j is computed the same way in any chunk and all are combined by the same serial
    :func:`combine`, so every nth gives the same bits. With nth = 1, ``G`` is the work vector. A chunk stops
    at its first non-finite value; the reported point is the lowest failing code. ``tally`` has >= nth
    rows (chunk t counts in row t).
    Point codes: central ``2 j`` (x + eps V_j) and ``2 j + 1`` (x - eps V_j); forward ``0`` (x), ``1 + j``.
    """
    eps, forward, coef, nth = params
    V = draw
    D = scratch
    q, n = V.shape
    fx = math.nan
    if forward:
        for i in range(n):
            G[i] = x[i]
        tally[0, 0] += 1.0
        fx = float(fun(G, *args))
        if not math.isfinite(fx):
            return _failed(BAD_VALUE, 0, fx, math.nan)
    for t in prange(nth):
        tally[t, 1] = -1.0    # the chunk's first failing code (point, or -2 - j for a quotient)
        tally[t, 2] = 0.0     # its value
        w = G if nth == 1 else np.empty(n)
        for j in range(t, q, nth):
            for i in range(n):
                w[i] = x[i] + eps * V[j, i]
            tally[t, 0] += 1.0
            fp = float(fun(w, *args))
            if not math.isfinite(fp):
                tally[t, 1] = (1 + j) if forward else 2 * j
                tally[t, 2] = fp
                break
            if forward:
                D[j] = (fp - fx) / eps
            else:
                for i in range(n):
                    w[i] = x[i] - eps * V[j, i]
                tally[t, 0] += 1.0
                fm = float(fun(w, *args))
                if not math.isfinite(fm):
                    tally[t, 1] = 2 * j + 1
                    tally[t, 2] = fm
                    break
                D[j] = (fp - fm) / (2.0 * eps)
            if not math.isfinite(D[j]):
                tally[t, 1] = 2 * q + 2 + j   # after every point code: the quotient along j overflowed
                tally[t, 2] = fp
                break
    bad = -1
    bad_value = 0.0
    for t in range(nth):
        code = int(tally[t, 1])
        if code >= 0 and (bad < 0 or code < bad):
            bad = code
            bad_value = tally[t, 2]
    if bad >= 2 * q + 2:
        return _failed(BAD_QUOTIENT, bad - 2 * q - 2, bad_value, math.nan)
    if bad >= 0:
        return _failed(BAD_VALUE, bad, bad_value, math.nan)
    gg, g2, bad_entry = combine(V, D, coef, G)
    if bad_entry >= 0:
        return _failed(BAD_ESTIMATE, bad_entry, G[bad_entry], math.nan)
    return OK, -1, 0.0, 0.0, fx, gg, g2


def _dense_update(x, G, step, draw):
    """x <- x - step G, entry by entry; False if an entry of x overflowed."""
    ok = True
    for i in range(x.shape[0]):
        x[i] = x[i] - step * G[i]
        if not math.isfinite(x[i]):
            ok = False
    return ok


def _coordinate_update(x, G, step, draw):
    """x_i <- x_i - step G_i for the coordinates i in ``draw`` only, then G_i <- 0 (G stays sparse)."""
    ok = True
    for k in range(draw.shape[0]):
        i = draw[k]
        x[i] = x[i] - step * G[i]
        G[i] = 0.0
        if not math.isfinite(x[i]):
            ok = False
    return ok


@numba.njit(cache=True)
def normalize_rows(Z):
    """Scale each row of ``Z`` (viewed as (rows, n)) to unit Euclidean norm, in place.

    A sequential sum per row, so a block of rows normalises exactly as the same rows one by one.
    """
    n = Z.shape[-1]
    flat = Z.reshape(-1, n)
    for r in range(flat.shape[0]):
        s = 0.0
        for i in range(n):
            s += flat[r, i] * flat[r, i]
        nrm = math.sqrt(s)
        for i in range(n):
            flat[r, i] = flat[r, i] / nrm


#: The kernels, each as Python and compiled (they take the objective, so numba cannot cache them on disk:
#: its cache is keyed on the objective's dispatcher type, which differs per process).
coord_central = Twice(_coord_central, KernelResult)
coord_forward = Twice(_coord_forward, KernelResult)
directions = Twice(_directions, KernelResult)
directions_parallel = directions.variant(parallel=True)   # the same source, on numba's threads
#: Updates of the iterate (no objective: cached on disk).
dense_update = twice(_dense_update, cache=True)
coordinate_update = twice(_coordinate_update, cache=True)
