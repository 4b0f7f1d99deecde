"""Estimator kernels: plain-Python loops that numba compiles.

Every kernel is written once as a Python function and exists twice: ``JIT.<name>`` (``numba.njit``) is
called with a jitted objective, the plain function itself (``PY.<name>``) with a Python objective
(Python mode). The objective is passed as ``fun`` with its data as the tuple ``args`` (never closed
over), and called as ``fun(w, *args)`` on a work vector ``w`` perturbed in place, so a coordinate or
single-direction estimate needs O(n) extra memory.

Every kernel returns ``(nev, bad, bad_value, fx, gdotG)``:

* ``nev`` - evaluations made (exact, also when stopping early);
* ``bad`` - -1, or the code of the first point whose value was not finite (the kernel stops there);
  the codes are documented per kernel and decoded into a message by :mod:`zeroopt.estimators`;
* ``bad_value`` - that value;
* ``fx`` - f(x) where the scheme evaluates it (forward differences), else NaN;
* ``gdotG`` - the estimate of <grad f(x), G> the same differences give: sum_i out_i D_i, with D_i the
  raw difference quotient along the i-th direction (the directional derivative there).
"""

from __future__ import annotations

import math
import types

import numba
import numpy as np
from numba import prange


def coord_central(fun, x, eps, rel, idx, scale, out, args):
    """Central differences along the coordinates in ``idx``:

    ``out[i] = scale * (f(x + h_i e_i) - f(x - h_i e_i)) / ((x_i + h_i) - (x_i - h_i))``,

    with ``h_i = eps`` if ``eps > 0`` else ``rel * max(1, |x_i|)``; dividing by the distance between the
    two points actually evaluated (not 2 h_i) removes the representation error of the step.
    Point codes: ``2 i`` for x + h_i e_i, ``2 i + 1`` for x - h_i e_i.
    """
    w = x.copy()
    nev = 0
    gg = 0.0
    for k in range(idx.shape[0]):
        i = idx[k]
        xi = x[i]
        h = eps if eps > 0.0 else rel * max(1.0, abs(xi))
        xp = xi + h
        xm = xi - h
        w[i] = xp
        fp = float(fun(w, *args))
        nev += 1
        if not math.isfinite(fp):
            return nev, 2 * i, fp, math.nan, math.nan
        w[i] = xm
        fm = float(fun(w, *args))
        nev += 1
        if not math.isfinite(fm):
            return nev, 2 * i + 1, fm, math.nan, math.nan
        w[i] = xi
        d = (fp - fm) / (xp - xm)
        out[i] = scale * d
        gg += out[i] * d
    return nev, -1, 0.0, math.nan, gg


def coord_forward(fun, x, eps, rel, out, args):
    """Forward differences along every coordinate: ``out[i] = (f(x + h_i e_i) - f(x)) / ((x_i + h_i) - x_i)``.

    ``h_i`` as in :func:`coord_central`. Point codes: ``0`` for x itself, ``1 + i`` for x + h_i e_i.
    """
    n = x.shape[0]
    w = x.copy()
    f0 = float(fun(w, *args))
    nev = 1
    gg = 0.0
    if not math.isfinite(f0):
        return nev, 0, f0, f0, math.nan
    for i in range(n):
        xi = x[i]
        h = eps if eps > 0.0 else rel * max(1.0, abs(xi))
        xp = xi + h
        w[i] = xp
        fp = float(fun(w, *args))
        nev += 1
        if not math.isfinite(fp):
            return nev, 1 + i, fp, f0, math.nan
        w[i] = xi
        out[i] = (fp - f0) / (xp - xi)
        gg += out[i] * out[i]
    return nev, -1, 0.0, f0, gg


@numba.njit(cache=True)
def combine(V, D, coef, out):
    """``out = sum_j (coef * D[j]) * V[j]``, accumulated in the fixed order j = 0, 1, ..., q - 1;
    returns ``gdotG = coef * sum_j D[j]^2``.

    Serial, parallel and batched estimates all end here, so equal differences give equal bits.
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
    return gg


def directions(fun, x, V, eps, forward, coef, nth, D, stats, out, args):
    """Directional differences along the rows of ``V`` (q x n), combined as ``out = coef * sum_j D_j V_j``.

    central: ``D_j = (f(x + eps V_j) - f(x - eps V_j)) / (2 eps)`` (2q evaluations);
    forward: ``D_j = (f(x + eps V_j) - f(x)) / eps`` (q + 1 evaluations).
    The directions are split into ``nth`` strided chunks run by ``prange``: compiled with
    ``parallel=True`` the chunks go to numba's threads, otherwise (and with nth = 1, the serial call)
    they run one after the other. Each D_j is computed the same way in any chunk and all are combined by
    the same serial :func:`combine`, so every nth gives the same bits. With nth = 1, ``out`` is the work
    vector: a single direction needs no memory beyond V and out. A chunk stops at its first non-finite
    value; ``nev`` sums what the chunks evaluated and the reported point is the lowest failing code.
    ``stats`` (nth x 3, float64) is scratch for each chunk's count, failing code and value: a loop calling
    the kernel passes one array for all its calls; a zero-row array makes the kernel allocate its own.
    Point codes: central ``2 j`` (x + eps V_j) and ``2 j + 1`` (x - eps V_j); forward ``0`` (x), ``1 + j``.
    """
    q, n = V.shape
    nev0 = 0
    fx = math.nan
    if forward:
        for i in range(n):
            out[i] = x[i]
        fx = float(fun(out, *args))
        nev0 = 1
        if not math.isfinite(fx):
            return nev0, 0, fx, fx, math.nan
    if stats.shape[0] < nth:
        stats = np.empty((nth, 3))
    for t in prange(nth):
        stats[t, 0] = 0.0     # evaluations
        stats[t, 1] = -1.0    # first failing point code
        stats[t, 2] = 0.0     # its value
        w = out if nth == 1 else np.empty(n)
        for j in range(t, q, nth):
            for i in range(n):
                w[i] = x[i] + eps * V[j, i]
            fp = float(fun(w, *args))
            stats[t, 0] += 1.0
            if not math.isfinite(fp):
                stats[t, 1] = (1 + j) if forward else 2 * j
                stats[t, 2] = fp
                break
            if forward:
                D[j] = (fp - fx) / eps
            else:
                for i in range(n):
                    w[i] = x[i] - eps * V[j, i]
                fm = float(fun(w, *args))
                stats[t, 0] += 1.0
                if not math.isfinite(fm):
                    stats[t, 1] = 2 * j + 1
                    stats[t, 2] = fm
                    break
                D[j] = (fp - fm) / (2.0 * eps)
    nev = nev0
    bad = -1
    bad_value = 0.0
    for t in range(nth):
        nev += int(stats[t, 0])
        code = int(stats[t, 1])
        if code >= 0 and (bad < 0 or code < bad):
            bad = code
            bad_value = stats[t, 2]
    if bad >= 0:
        return nev, bad, bad_value, fx, math.nan
    gg = combine(V, D, coef, out)
    return nev, -1, 0.0, fx, gg


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


#: Python-mode kernels: the functions above, uncompiled (``combine`` and ``normalize_rows`` do not take
#: ``fun`` and are jitted, cached on disk, for both modes). Python mode has no threads: its "parallel"
#: kernel runs the chunks one after the other.
PY = types.SimpleNamespace(coord_central=coord_central, coord_forward=coord_forward,
                           directions=directions, directions_parallel=directions)

#: Jitted kernels, specialised per objective. They cannot be cached on disk: numba keys that cache on the
#: objective's dispatcher, which differs per process.
JIT = types.SimpleNamespace(
    coord_central=numba.njit(coord_central),
    coord_forward=numba.njit(coord_forward),
    directions=numba.njit(directions),
    directions_parallel=numba.njit(parallel=True)(directions),   # the same source, on threads
)
