"""Estimator kernels: plain-Python loops, each compiled by numba as well (:class:`zeroopt._twice.Twice`),
one module per family.

* :mod:`~zeroopt.kernels.coordinate` - coordinate finite differences (CoordinateFD, RandomCoordinate);
* :mod:`~zeroopt.kernels.directions` - differences along random directions (TwoPoint), serial, on
  numba's threads, and from a batched evaluation;
* :mod:`~zeroopt.kernels.inplace` - the in-place two-point step (``method="inplace"``) and its stream.

Each family module holds its numba kernels, its parameters as a NamedTuple, its point codes with the
decoder that turns a failure into a message naming the point (``failure``), and the functions that
build its oracles' :class:`FastPath`. A new kernel touches one family module and one oracle class.

Every estimator kernel has the same signature, so one optimizer loop can run any of them::

    kernel(fun, x, draw, params, G, scratch, tally, args) -> KernelResult

* ``fun(w, *args)`` is the objective (compiled or Python), called on a work vector ``w`` perturbed in
  place (O(n) extra memory for coordinate and single-direction estimates); ``x`` is never modified;
* ``draw`` is what the oracle drew for this estimate (coordinate indices, or a q x n block of directions);
* ``params`` is the family's parameter NamedTuple (a plain tuple in the same order works too: the
  kernels unpack it), ``G`` receives the estimate, ``scratch`` is the kernel's work array;
* ``tally`` (rows x 3 float64) counts evaluations as they are made: ``tally[t, 0]`` is increased *before*
  each call of the objective by the chunk ``t`` that makes it, so the count survives an objective that
  raises; columns 1 and 2 are per-chunk scratch.

A :class:`KernelResult` (returned as a plain tuple, see :mod:`zeroopt._twice`) says how the estimate
ended: ``status`` :data:`OK`, or the first non-finite value (:data:`BAD_VALUE`, ``where`` = the point's
code, ``value`` = f there), a difference quotient that overflowed although both values were finite
(:data:`BAD_QUOTIENT`), an estimate entry that overflowed (:data:`BAD_ESTIMATE`, ``where`` = the entry),
a coordinate step too small to move x_i in floating point (:data:`BAD_STEP`), or, for a kernel asked to
check its input, a non-finite entry of x (:data:`BAD_X`). The family's ``failure`` decoder names the point.
"""

from ._base import (BAD_ESTIMATE, BAD_QUOTIENT, BAD_STEP, BAD_VALUE, BAD_X, OK, FastPath, KernelResult, dense_update,
                    nonfinite_error, point_error)
from .coordinate import coord_central, coord_forward, coordinate_update
from . import coordinate, directions
from .directions import combine, differences, differences_parallel, normalize_rows

__all__ = ["coordinate", "directions", "OK", "BAD_VALUE", "BAD_QUOTIENT", "BAD_ESTIMATE", "BAD_STEP", "BAD_X",
           "KernelResult", "FastPath", "coord_central", "coord_forward", "coordinate_update", "differences",
           "differences_parallel", "combine",
           "normalize_rows", "dense_update", "nonfinite_error", "point_error"]
