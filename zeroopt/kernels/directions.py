"""Directional differences along random directions: the kernel of :class:`~zeroopt.TwoPoint` (serial and
on numba's threads), its batched counterpart, its parameters, its point codes and their decoder.

Point codes (``KernelResult.where`` of a BAD_VALUE): central ``2 j`` for x + eps v_j and ``2 j + 1`` for
x - eps v_j; forward ``0`` for x itself and ``1 + j`` for x + eps v_j. BAD_QUOTIENT carries the
direction j, BAD_ESTIMATE the entry of G.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np
from numba import prange

from .._twice import Twice
from ._base import (BAD_ESTIMATE, BAD_QUOTIENT, BAD_VALUE, BAD_X, OK, FastPath, KernelResult, dense_update,
                    estimate_error, failed, first_nonfinite, nonfinite_error, point_error)


#: ``Params.finish``: the rows of the draw are the directions as given (AS_DRAWN), or standard normal
#: numbers that the kernel first turns into sphere (SPHERE) or Rademacher (RADEMACHER) directions, in place
#: and with the same arithmetic as :meth:`zeroopt.TwoPoint.draw`.
AS_DRAWN, SPHERE, RADEMACHER = 0, 1, 2


class Params(NamedTuple):
    """Parameters of :data:`differences` (the kernel unpacks them in this order)."""

    eps: float      #: the radius: the points are x +- eps v_j
    forward: bool   #: forward differences (f(x + eps v) - f(x)) / eps instead of central ones
    coef: float     #: G = coef * sum_j D_j v_j
    nth: int        #: chunks of directions (rows of the tally; numba's threads with differences_parallel)
    finish: int = AS_DRAWN  #: what the kernel does to the draw first (AS_DRAWN, SPHERE, RADEMACHER)
    check_x: bool = False   #: first check that x is finite (BAD_X): the per-call path's check of its input


@numba.njit(cache=True)
def combine(V, D, coef, out):
    """``out = sum_j (coef * D[j]) * V[j]``, accumulated in the fixed order j = 0, 1, ..., q - 1.

    Returns ``(gdotG, g2, bad)``: ``gdotG = coef * sum_j D[j]^2``, ``g2 = ||out||^2`` and the first
    non-finite entry of out (-1 if none). Serial, parallel and batched estimates all end here, so equal
    differences give equal bits.
    """
    q, n = V.shape
    g2 = 0.0
    bad = -1
    if q == 1:  # one pass, the same bits: (0.0 + y) is what the loop below computes (it turns -0.0 into +0.0)
        c = coef * D[0]
        for i in range(n):
            out[i] = 0.0 + c * V[0, i]
            if bad < 0 and not math.isfinite(out[i]):
                bad = i
            g2 += out[i] * out[i]
        return 0.0 + c * D[0], g2, bad
    for i in range(n):
        out[i] = 0.0
    gg = 0.0
    for j in range(q):
        c = coef * D[j]
        gg += c * D[j]
        for i in range(n):
            out[i] += c * V[j, i]
    for i in range(n):
        if bad < 0 and not math.isfinite(out[i]):
            bad = i
        g2 += out[i] * out[i]
    return gg, g2, bad


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


@numba.njit(cache=True)
def rademacher_signs(Z):
    """Replace each entry z of ``Z`` (viewed as (rows, n)) by ``copysign(1 / sqrt(n), z)``, in place."""
    n = Z.shape[-1]
    flat = Z.reshape(-1, n)
    r = 1.0 / math.sqrt(n)
    for k in range(flat.shape[0]):
        for i in range(n):
            flat[k, i] = math.copysign(r, flat[k, i])


def _directions(fun, x, draw, params, G, scratch, tally, args):
    """Directional differences along the rows of ``draw = V`` (q x n), ``G = coef * sum_j D_j V_j``;
    ``params`` a :class:`Params`, ``scratch`` = D (q,). With ``finish`` SPHERE or RADEMACHER the rows of V
    are standard normal numbers, made into the directions in place first; with ``check_x`` a non-finite
    entry of x is BAD_X before any evaluation.

    central: ``D_j = (f(x + eps V_j) - f(x - eps V_j)) / (2 eps)`` (2q evaluations);
    forward: ``D_j = (f(x + eps V_j) - f(x)) / eps`` (q + 1 evaluations).
    The directions are split into ``nth`` strided chunks run by ``prange``: compiled with
    ``parallel=True`` the chunks go to numba's threads, otherwise (and with nth = 1) they run one after
    the other. Each D_j is computed the same way in any chunk and all are combined by the same serial
    :func:`combine`, so every nth gives the same bits. With nth = 1, ``G`` is the work vector. A chunk stops
    at its first non-finite value; the reported point is the lowest failing code. ``tally`` has >= nth
    rows (chunk t counts in row t).
    """
    eps, forward, coef, nth, finish, check_x = params
    V = draw
    D = scratch
    q, n = V.shape
    if check_x:
        bad = first_nonfinite(x)
        if bad >= 0:
            return failed(BAD_X, bad, x[bad], math.nan)
    if finish == SPHERE:
        normalize_rows(V)
    elif finish == RADEMACHER:
        rademacher_signs(V)
    fx = math.nan
    if forward:
        for i in range(n):
            G[i] = x[i]
        tally[0, 0] += 1.0
        fx = float(fun(G, *args))
        if not math.isfinite(fx):
            return failed(BAD_VALUE, 0, fx, math.nan)
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
        return failed(BAD_QUOTIENT, bad - 2 * q - 2, bad_value, math.nan)
    if bad >= 0:
        return failed(BAD_VALUE, bad, bad_value, math.nan)
    gg, g2, bad_entry = combine(V, D, coef, G)
    if bad_entry >= 0:
        return failed(BAD_ESTIMATE, bad_entry, G[bad_entry], math.nan)
    return OK, -1, 0.0, 0.0, fx, gg, g2


@numba.njit(cache=True)
def from_values(vals, V, eps, forward, coef, D, G):
    """The estimate from the values at the points of a batched evaluation, as :data:`differences` computes
    it from the same values: ``vals`` in point-code order (central: f(x + eps V_j) at 2j, f(x - eps V_j) at
    2j + 1; forward: f(x) at 0, f(x + eps V_j) at 1 + j), D (q,) and G (n,) written. Returns the
    KernelResult (as a tuple): the lowest non-finite point, else the first overflowing quotient, else
    the estimate (combined by :func:`combine`)."""
    q = V.shape[0]
    for k in range(vals.shape[0]):
        if not math.isfinite(vals[k]):
            return failed(BAD_VALUE, k, vals[k], math.nan)
    for j in range(q):
        if forward:
            D[j] = (vals[1 + j] - vals[0]) / eps
        else:
            D[j] = (vals[2 * j] - vals[2 * j + 1]) / (2.0 * eps)
        if not math.isfinite(D[j]):
            return failed(BAD_QUOTIENT, j, vals[1 + j] if forward else vals[2 * j], math.nan)
    gg, g2, bad_entry = combine(V, D, coef, G)
    if bad_entry >= 0:
        return failed(BAD_ESTIMATE, bad_entry, G[bad_entry], math.nan)
    return OK, -1, 0.0, 0.0, vals[0] if forward else math.nan, gg, g2


#: The kernel, as Python and compiled (it takes the objective: not cached on disk), and the same source
#: compiled for numba's threads.
differences = Twice(_directions, KernelResult)
differences_parallel = differences.variant(parallel=True)


# --- the decoder ----------------------------------------------------------------------------------------
def failure(eps, forward):
    """``failure(problem, x, V, result)`` for :data:`differences` and :func:`from_values`: the
    FloatingPointError naming the point (the point codes of the module docstring)."""
    def decode(problem, x, V, r):
        q = V.shape[0]
        if r.status == BAD_VALUE:
            code = r.where
            if forward and code == 0:
                return nonfinite_error(problem, "x itself (the base point of forward differences)", x, r.value)
            j, sign = (code - 1, 1.0) if forward else (code // 2, -1.0 if code % 2 else 1.0)
            return nonfinite_error(problem, f"x {'-' if sign < 0 else '+'} eps v_{j} (direction {j} of {q}, "
                                            f"eps = {eps:.3g})", x + sign * eps * V[j], r.value)
        if r.status == BAD_QUOTIENT:
            return point_error(problem, f"the difference quotient along direction {r.where} of {q} (eps = {eps:.3g}) "
                                   f"overflowed although f({'x + eps v_j' if forward else 'x +- eps v_j'}) "
                                   f"= {r.value:.6g} is finite", x)
        return estimate_error(problem, x, r)
    return decode


# --- the fast path of TwoPoint ----------------------------------------------------------------------------
def path(eps, forward, coef, q, threads, nth, finish=AS_DRAWN):
    """TwoPoint's path: q directions per estimate, on ``nth`` of numba's threads if ``threads``; ``finish``
    as in :class:`Params`."""
    return FastPath(differences_parallel if threads else differences,
                    Params(float(eps), bool(forward), float(coef), nth, finish), dense_update, None, q, nth,
                    failure(eps, forward))
