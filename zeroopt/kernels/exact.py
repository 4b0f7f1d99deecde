"""The exact gradient as a kernel: a compiled derivative program (:mod:`zeroopt.ad.compiler`) in the
estimator kernels' signature, so that ``ExactAD(compiled=True)`` runs inside the optimizers' jitted loop
like the estimators.

The program is :func:`zeroopt.ad.compiled`'s for the problem's objective at the shape of x, called as
``program(x, v, args, consts, G) -> (status, value, sumsq)``. Its decisions on the values of x (a branch,
a mask, an ordering) are guards it checks at every call: a guard that fails is the status
:data:`GUARD` (``where`` = the guard's number), on which the loop stops and the derivative is recorded
again at that x (a retrace) before the loop goes on with the new program. Each program is its own numba
type, so a loop compiled for one program never runs another (the entry points are keyed by it, not by
its class: ``zeroopt._compiled._entry_key``).

Counts: a gradient is one ``ngev`` (the program makes no function evaluation: the tally, which counts
``nfev``, is not touched). The kernel adds each call to ``params.calls`` before making it and takes it
back when a guard fails (that call is made again after the retrace), so the count is exact also when
the program raises. BAD_VALUE: f(x) is not finite (``value`` = f); BAD_ESTIMATE: an entry of the
gradient is not (``where`` the first, ``value`` its value).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _checks
from .._twice import twice
from ._base import BAD_ESTIMATE, BAD_VALUE, OK, FastPath, dense_update, failed, first_nonfinite

#: a guard of the compiled program failed at x (``KernelResult.where``: its number): record again
GUARD = 6
_NO_V = np.empty(0)


class ExactParams(NamedTuple):
    """Parameters of :data:`exact` (the kernel unpacks them in this order)."""

    program: object     #: the compiled program (numba's dispatcher)
    consts: tuple       #: the program's constant arrays
    v: np.ndarray       #: the direction a gradient program does not read (an empty array)
    calls: np.ndarray   #: int64 (1,): gradient evaluations made, read and reset by the loop's caller


def _exact(fun, x, draw, params, G, scratch, tally, args):
    """G = grad f(x) by the compiled program ``params.program`` (``fun``, ``draw``, ``scratch`` and
    ``tally`` are not used). Returns f(x) as ``fx`` and ||G||^2 as ``gdotG`` and ``g2``, as
    :meth:`zeroopt.ExactAD.estimate` does."""
    program, consts, v, calls = params
    calls[0] += 1
    status, value, sumsq = program(x, v, args, consts, G)
    if status != 0:
        calls[0] -= 1
        return failed(GUARD, status, math.nan, math.nan)
    if not math.isfinite(value):
        return failed(BAD_VALUE, -1, value, math.nan)
    if not math.isfinite(sumsq):    # an entry is not finite, or only the sum of squares overflowed
        i = first_nonfinite(G)
        if i >= 0:
            return failed(BAD_ESTIMATE, i, G[i], math.nan)
    return OK, -1, 0.0, 0.0, value, sumsq, sumsq


#: the exact gradient's kernel (takes a program: compiled per program, not cached on disk)
exact = twice(_exact)


def failure(problem, x, draw, r):
    """The FloatingPointError of a failed exact gradient, worded as :meth:`zeroopt.ExactAD.estimate`'s."""
    if r.status == BAD_VALUE:
        what = f"f = {r.value}"
    elif r.status == BAD_ESTIMATE:
        what = f"the gradient has a non-finite entry ({r.value})"
    else:
        what = f"the compiled gradient's guard {r.where} failed (status {r.status}) where no retrace followed"
    return FloatingPointError(f"{problem.name}: {what} at x = {_checks.describe_point(x)}")


def exact_path(program, consts):
    """The fast path of ``program`` (:meth:`zeroopt.ad.CompiledDerivative.program`): the exact kernel, a
    fresh gradient counter, the dense update, a fixed (empty) draw."""
    return FastPath(exact, ExactParams(program, tuple(consts), _NO_V, np.zeros(1, np.int64)), dense_update,
                    np.empty(0), 0, 1, failure)


def gradients(path):
    """The gradient evaluations ``path``'s kernel made since the last call (reset to 0); 0 for a path
    that is not the exact kernel's."""
    calls = getattr(path.params, "calls", None) if path.kernel is exact else None
    if calls is None:
        return 0
    n = int(calls[0])
    calls[0] = 0
    return n
