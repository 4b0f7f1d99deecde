"""What every kernel family shares: the result a kernel returns, its status codes, the :class:`FastPath`
through which an oracle hands a kernel to the estimate and to the optimizers' loop, the errors that name
a point, and the dense update of the iterate."""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Callable, NamedTuple

import numba
import numpy as np

from .. import _checks
from .._twice import Twice, twice

#: How an estimate ended (``KernelResult.status``): every family uses these; what ``where`` means (a
#: point code, a coordinate, a direction, an entry) is documented with each family's decoder. BAD_X: a
#: kernel asked to check x found a non-finite entry (``where`` its index, ``value`` the entry).
OK, BAD_VALUE, BAD_QUOTIENT, BAD_ESTIMATE, BAD_STEP, BAD_X = 0, 1, 2, 3, 4, 5

KernelResult = namedtuple("KernelResult", ["status", "where", "value", "value2", "fx", "gdotG", "g2"])
KernelResult.__doc__ = """How one estimate ended. The kernels return it as a plain tuple in this field order (see
:mod:`zeroopt._twice` for why); :meth:`zeroopt._twice.Twice.named` makes this of it on the Python side.

``status`` is :data:`OK` or a failure; on a failure ``where``, ``value`` and ``value2`` say where, as the
kernel's family documents (its ``failure`` decoder turns them into a message naming the point). On
success ``fx`` is f(x) where the scheme evaluates it (forward differences) else NaN, ``gdotG`` the
estimate of <grad f(x), G> the same differences give and ``g2`` = ||G||^2.
"""


@numba.njit(cache=True)
def failed(status, where, value, value2):
    """The KernelResult (as a tuple) of a failed estimate."""
    return status, where, value, value2, math.nan, math.nan, math.nan


class FastPath(NamedTuple):
    """An oracle's compiled estimate, as :meth:`Oracle.estimate` and the optimizers' jitted loop run it.

    A new oracle gets both the estimate and the jitted optimizer loop by returning one from
    :meth:`Oracle.fast_path`: a kernel written in the signature of the kernels in ``zeroopt.kernels``
    (internal; see ``kernel`` below), its parameters, and how it moves the iterate. Each kernel family
    (``zeroopt.kernels.coordinate``, ``zeroopt.kernels.directions``) builds the fast paths of its oracles,
    with the family's parameters as a NamedTuple and its failure decoder. Its fields are documented below.

    Examples
    --------
    >>> import zeroopt as zo
    >>> path = zo.TwoPoint(directions=2).fast_path(zo.problems.rosenbrock(3))
    >>> path.kernel.name, path.scratch, path.chunks, path.params.eps
    ('_directions', 2, 1, 0.0001)
    """

    #: The compiled estimate, ``kernel(fun, x, draw, params, G, scratch, tally, args) ->
    #: kernels.KernelResult``, written once and run as Python or jitted.
    kernel: Twice
    #: tuple: the oracle's constants, as the kernel reads them (the built-in families: a NamedTuple,
    #: which the kernel unpacks in its field order, so a plain tuple in that order works too).
    params: tuple
    #: ``update(x, G, step, draw) -> bool``: x <- x - step G (False if x overflowed); coordinate oracles
    #: move only the drawn coordinates.
    update: Twice
    #: ndarray or None: what a deterministic oracle passes as ``draw`` every time; None for random
    #: oracles, which draw with :meth:`RandomOracle.draw` (a block of B draws equals B single draws).
    fixed_draw: np.ndarray | None
    #: int: length of the kernel's float64 scratch array.
    scratch: int
    #: int: rows of the kernel's tally (threads that count separately).
    chunks: int
    #: ``failure(problem, x, draw, result) -> FloatingPointError`` naming the point that went wrong
    #: (``result`` a ``KernelResult``, ``draw`` what the kernel was given).
    failure: Callable


# --- the errors every decoder raises ---------------------------------------------------------------------
def nonfinite_error(problem, what, pt, value):
    """The FloatingPointError every path raises for a non-finite value: the point and the value."""
    return point_error(problem, f"f = {value} at {what}", pt)


def point_error(problem, what, pt):
    """A FloatingPointError naming the problem, what went wrong and the point."""
    return FloatingPointError(
        f"{problem.name}: {what}; the point is {_checks.describe_point(pt)}. zeroopt reports this instead of "
        f"returning a NaN or infinite gradient: check the objective's domain near x, or the step eps.")


def estimate_error(problem, x, r):
    """BAD_ESTIMATE, the same in every family: an entry of G overflowed (``where`` the entry); BAD_X: the
    ValueError of a non-finite x, as :func:`zeroopt._checks.point` words it."""
    if r.status == BAD_X:
        return ValueError(f"x must be finite; x[{r.where}] = {r.value}")
    return point_error(problem, f"the estimate's entry {r.where} overflowed ({r.value})", x)


@numba.njit(cache=True)
def first_nonfinite(x):
    """The index of the first non-finite entry of the vector x, or -1."""
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            return i
    return -1


# --- the dense update ------------------------------------------------------------------------------------
def _dense_update(x, G, step, draw):
    """x <- x - step G, entry by entry; False if an entry of x overflowed."""
    ok = True
    for i in range(x.shape[0]):
        x[i] = x[i] - step * G[i]
        if not math.isfinite(x[i]):
            ok = False
    return ok


#: Updates of the iterate take no objective: cached on disk.
dense_update = twice(_dense_update, cache=True)
