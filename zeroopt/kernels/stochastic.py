"""Directional differences of a stochastic objective ``fun(x, xi, *args)``: the kernel of
:class:`~zeroopt.TwoPoint` on a problem with ``xi`` (:class:`zeroopt.Xi`), its parameters and its fast path.

The draw of one estimate is one float64 vector: the q x n direction entries (as :meth:`TwoPoint.draw`
makes them), then the standard normal numbers of its xi, ``d`` per xi (``d`` = ``Xi.size``): one xi for
the whole call with common random numbers, else one per evaluation, in the order of the point codes of
:mod:`~zeroopt.kernels.directions` (central: x + eps v_j at 2j, x - eps v_j at 2j + 1; forward: x at 0,
x + eps v_j at 1 + j). Every evaluation is counted in the tally before it is made; the estimate is
combined by :func:`~zeroopt.kernels.directions.combine`, as the deterministic kernel's.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._twice import Twice
from ..xi import xi_from_normals
from ._base import BAD_ESTIMATE, BAD_QUOTIENT, BAD_VALUE, OK, FastPath, KernelResult, dense_update, failed
from .directions import combine
from .directions import failure as directions_failure


class Params(NamedTuple):
    """Parameters of :data:`differences_xi` (the kernel unpacks them in this order)."""

    eps: float      #: the radius: the points are x +- eps v_j
    forward: bool   #: forward differences (F(x + eps v, xi) - F(x, xi)) / eps instead of central ones
    coef: float     #: G = coef * sum_j D_j v_j
    q: int          #: directions per estimate
    n: int          #: the dimension
    d: int          #: numbers per xi (Xi.size)
    kind: int       #: Xi.code: 0 normal, 1 uniform, 2 index
    count: float    #: Xi.count (the samples of kind index)
    common: bool    #: one xi for the whole call (common random numbers), else one per evaluation


def _differences_xi(fun, x, draw, params, G, scratch, tally, args):
    """Directional differences along the q directions at the head of ``draw``, each evaluation
    ``fun(w, xi_e, *args)`` with the xi of the evaluation made from the normal numbers at the tail of
    ``draw`` (see the module docstring). ``scratch`` = D (q,)."""
    eps, forward, coef, q, n, d, kind, count, common = params
    V = draw[:q * n].reshape((q, n))
    evals = q + 1 if forward else 2 * q
    k = 1 if common else evals
    XI = np.empty(k * d)
    xi_from_normals(draw[q * n:q * n + k * d], kind, count, XI)
    D = scratch
    w = G
    fx = math.nan
    if forward:
        for i in range(n):
            w[i] = x[i]
        tally[0, 0] += 1.0
        fx = float(fun(w, XI[0:d], *args))
        if not math.isfinite(fx):
            return failed(BAD_VALUE, 0, fx, math.nan)
    for j in range(q):
        e = 0 if common else (1 + j if forward else 2 * j)
        for i in range(n):
            w[i] = x[i] + eps * V[j, i]
        tally[0, 0] += 1.0
        fp = float(fun(w, XI[e * d:(e + 1) * d], *args))
        if not math.isfinite(fp):
            return failed(BAD_VALUE, 1 + j if forward else 2 * j, fp, math.nan)
        if forward:
            D[j] = (fp - fx) / eps
        else:
            e = 0 if common else 2 * j + 1
            for i in range(n):
                w[i] = x[i] - eps * V[j, i]
            tally[0, 0] += 1.0
            fm = float(fun(w, XI[e * d:(e + 1) * d], *args))
            if not math.isfinite(fm):
                return failed(BAD_VALUE, 2 * j + 1, fm, math.nan)
            D[j] = (fp - fm) / (2.0 * eps)
        if not math.isfinite(D[j]):
            return failed(BAD_QUOTIENT, j, fp, math.nan)
    gg, g2, bad_entry = combine(V, D, coef, G)
    if bad_entry >= 0:
        return failed(BAD_ESTIMATE, bad_entry, G[bad_entry], math.nan)
    return OK, -1, 0.0, 0.0, fx, gg, g2


#: The kernel, as Python and compiled (it takes the objective: not cached on disk).
differences_xi = Twice(_differences_xi, KernelResult)


def failure(eps, forward, q, n):
    """The decoder of :data:`differences_xi`: the directions kernel's, on the directions of the draw."""
    decode = directions_failure(eps, forward)
    return lambda problem, x, draw, r: decode(problem, x, draw[:q * n].reshape(q, n), r)


def path(eps, forward, coef, q, n, xi):
    """TwoPoint's path on a stochastic problem whose xi is ``xi`` (a :class:`zeroopt.Xi`)."""
    params = Params(float(eps), bool(forward), float(coef), int(q), int(n), int(xi.size), xi.code,
                    float(xi.count), bool(xi.common))
    return FastPath(differences_xi, params, dense_update, None, q, 1, failure(eps, forward, q, n))


def xi_numbers(xi, q, forward):
    """How many standard normal numbers one estimate's xi take: ``Xi.size`` per xi, one xi per call
    (common random numbers) or one per evaluation."""
    return xi.size * xi.per_call(q + 1 if forward else 2 * q)
