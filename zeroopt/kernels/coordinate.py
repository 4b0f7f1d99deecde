"""Coordinate finite differences: the kernels of :class:`~zeroopt.CoordinateFD` and
:class:`~zeroopt.RandomCoordinate`, their parameters, their point codes and the decoder of their failures.

Point codes (``KernelResult.where`` of a BAD_VALUE): central ``2 i`` for x + h_i e_i and ``2 i + 1`` for
x - h_i e_i; forward ``0`` for x itself and ``1 + i`` for x + h_i e_i. BAD_STEP and BAD_QUOTIENT carry
the coordinate i, BAD_ESTIMATE the entry.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._twice import Twice, twice
from ._base import (BAD_ESTIMATE, BAD_QUOTIENT, BAD_STEP, BAD_VALUE, OK, FastPath, KernelResult, dense_update,
                    estimate_error, failed, nonfinite_error, point_error)

_EPS = np.finfo(np.float64).eps
#: relative step of forward differences, sqrt(machine eps): balances O(h) truncation and eps/h rounding
FORWARD_REL_STEP = math.sqrt(_EPS)
#: relative step of central differences, cbrt(machine eps): balances O(h^2) truncation and eps/h rounding
CENTRAL_REL_STEP = _EPS ** (1.0 / 3.0)


class CentralParams(NamedTuple):
    """Parameters of :func:`coord_central` (the kernel unpacks them in this order)."""

    eps: float    #: the absolute step h; 0: relative steps h_i = rel max(1, |x_i|)
    rel: float    #: the relative step's factor
    scale: float  #: G_i = scale * D_i (1 for CoordinateFD, n for RandomCoordinate)


class ForwardParams(NamedTuple):
    """Parameters of :func:`coord_forward` (the kernel unpacks them in this order)."""

    eps: float
    rel: float


def _coord_central(fun, x, draw, params, G, scratch, tally, args):
    """Central differences along the coordinates ``draw`` (int64 indices), ``params`` a CentralParams:

    ``G[i] = scale * (f(x + h_i e_i) - f(x - h_i e_i)) / ((x_i + h_i) - (x_i - h_i))``,

    with ``h_i = eps`` if ``eps > 0`` else ``rel * max(1, |x_i|)``; dividing by the distance between the
    two points actually evaluated (not 2 h_i) removes the representation error of the step. Entries of G
    outside ``draw`` are not written.
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
            return failed(BAD_STEP, i, h, xi)
        w[i] = xp
        tally[0, 0] += 1.0
        fp = float(fun(w, *args))
        if not math.isfinite(fp):
            return failed(BAD_VALUE, 2 * i, fp, math.nan)
        w[i] = xm
        tally[0, 0] += 1.0
        fm = float(fun(w, *args))
        if not math.isfinite(fm):
            return failed(BAD_VALUE, 2 * i + 1, fm, math.nan)
        w[i] = xi
        d = (fp - fm) / (xp - xm)
        if not math.isfinite(d):
            return failed(BAD_QUOTIENT, i, fp, fm)
        G[i] = scale * d
        if not math.isfinite(G[i]):
            return failed(BAD_ESTIMATE, i, G[i], d)
        gg += G[i] * d
        g2 += G[i] * G[i]
    return OK, -1, 0.0, 0.0, math.nan, gg, g2


def _coord_forward(fun, x, draw, params, G, scratch, tally, args):
    """Forward differences along every coordinate (``draw`` unused), ``params`` a ForwardParams:
    ``G[i] = (f(x + h_i e_i) - f(x)) / ((x_i + h_i) - x_i)``, ``h_i`` as in :func:`coord_central`.
    """
    eps, rel = params
    n = x.shape[0]
    w = x.copy()
    tally[0, 0] += 1.0
    f0 = float(fun(w, *args))
    if not math.isfinite(f0):
        return failed(BAD_VALUE, 0, f0, math.nan)
    gg = 0.0
    for i in range(n):
        xi = x[i]
        h = eps if eps > 0.0 else rel * max(1.0, abs(xi))
        xp = xi + h
        if xp == xi:
            return failed(BAD_STEP, i, h, xi)
        w[i] = xp
        tally[0, 0] += 1.0
        fp = float(fun(w, *args))
        if not math.isfinite(fp):
            return failed(BAD_VALUE, 1 + i, fp, math.nan)
        w[i] = xi
        G[i] = (fp - f0) / (xp - xi)
        if not math.isfinite(G[i]):
            return failed(BAD_QUOTIENT, i, fp, f0)
        gg += G[i] * G[i]
    return OK, -1, 0.0, 0.0, f0, gg, gg


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


#: The kernels, each as Python and compiled (they take the objective, so numba cannot cache them on disk:
#: its cache is keyed on the objective's dispatcher type, which differs per process).
coord_central = Twice(_coord_central, KernelResult)
coord_forward = Twice(_coord_forward, KernelResult)
coordinate_update = twice(_coordinate_update, cache=True)


# --- the decoder ----------------------------------------------------------------------------------------
def failure(rel, forward, label, eps):
    """``failure(problem, x, draw, result)`` for the kernels above: the FloatingPointError naming the
    point (the point codes of the module docstring). ``eps`` is the oracle's step (0: relative steps
    ``rel max(1, |x_i|)``), ``label`` what a coordinate is called in the message."""
    def decode(problem, x, draw, r):
        def step(i):
            return eps if eps > 0 else rel * max(1.0, abs(x[i]))
        if r.status == BAD_VALUE:
            if forward and r.where == 0:
                return nonfinite_error(problem, "x itself (the base point of forward differences)", x, r.value)
            i, minus = (r.where - 1, False) if forward else divmod(r.where, 2)
            pt = x.copy()
            pt[i] += -step(i) if minus else step(i)
            return nonfinite_error(problem, f"x {'-' if minus else '+'} h e_{i} ({label} {i}, h = {step(i):.3g})",
                                   pt, r.value)
        i = r.where
        if r.status == BAD_STEP:
            return point_error(problem, f"the step h = {r.value:.3g} along {label} {i} does not move x_{i} = "
                                        f"{r.value2:.17g} in floating point (it is below half a unit in the last "
                                        f"place): take a larger eps", x)
        if r.status == BAD_QUOTIENT:
            other = "f(x)" if forward else f"f(x - h e_{i})"
            return point_error(problem, f"the difference quotient along {label} {i} (h = {step(i):.3g}) overflowed: "
                                   f"f(x + h e_{i}) = {r.value:.6g} and {other} = {r.value2:.6g} are finite, but "
                                   f"their difference is not", x)
        return estimate_error(problem, x, r)
    return decode


# --- the fast paths of the oracles ------------------------------------------------------------------------
def fd_path(n, eps, scheme):
    """CoordinateFD's path: every coordinate (``fixed_draw = arange(n)``), the dense update. ``eps`` the
    absolute step or None (relative steps)."""
    eps = 0.0 if eps is None else float(eps)
    if scheme == "central":
        kernel, params, rel = coord_central, CentralParams(eps, CENTRAL_REL_STEP, 1.0), CENTRAL_REL_STEP
    else:
        kernel, params, rel = coord_forward, ForwardParams(eps, FORWARD_REL_STEP), FORWARD_REL_STEP
    return FastPath(kernel, params, dense_update, np.arange(n), 0, 1,
                    failure(rel, scheme == "forward", "coordinate", eps))


def random_path(n, eps):
    """RandomCoordinate's path: central differences along one drawn coordinate, scaled by n; only that
    coordinate moves."""
    eps = 0.0 if eps is None else float(eps)
    return FastPath(coord_central, CentralParams(eps, CENTRAL_REL_STEP, float(n)), coordinate_update, None, 0, 1,
                    failure(CENTRAL_REL_STEP, False, "random coordinate", eps))
