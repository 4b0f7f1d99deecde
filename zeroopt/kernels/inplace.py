"""The in-place two-point step (``method="inplace"``): its stream of directions, its passes over x, their
parameters and the decoder of a failed step.

A step moves x in its own memory: ``x += eps v``, f; ``x -= 2 eps v``, f; ``x += (eps - alpha c D) v``
(restore and update in one pass), with ``D = (f+ - f-) / (2 eps)`` and ``c`` the oracle's coefficient.
The direction v is never stored: every pass regenerates it, chunk by chunk, from the stream below.

The stream
----------
x is cut into chunks of :data:`CHUNK` consecutive entries (the last one shorter), whatever the number of
threads. Chunk ``c`` of step ``k`` draws its standard normal numbers ``z`` from numpy's

    ``Generator(Philox(key=key, counter=[0, 0, c, k])).standard_normal(len(chunk))``

with ``key`` two 64-bit words drawn from the run's stream when the run starts (:func:`stream_key`). numpy's
Philox4x64 increments its 256-bit counter (word 0 lowest) before each block of four outputs, so chunk
(k, c) uses the counters ``[i, 0, c, k]``, i = 1, 2, ...: (k, c) sit in the counter's two high words and
a chunk would need 2^64 blocks to reach the next one's range - no two chunks' counter ranges overlap
(tested). Each chunk has its own Generator, made in Python (numba cannot construct one) and rewound to
the start of (k, c) before every pass; numba draws from it bit for bit as numpy does (tested), so x does
not depend on the number of threads either (tested).

The direction v from z: Gaussian ``v = z``; Rademacher ``v_i = copysign(1/sqrt(n), z_i)``; sphere
``v = z / ||z||``, with ``||z||^2`` summed chunk by chunk and the chunks' sums added in chunk order (one
more pass). This is a stream of its own: it is not TwoPoint's, which draws its directions from the
oracle's Generator in one block.

Passes per step: Gaussian and Rademacher 3 (perturb, move to the other side, restore and update); sphere
4 (the norm first).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np
from numba import prange
from numba.typed import List

from .._twice import Twice
from ._base import BAD_QUOTIENT, BAD_VALUE, nonfinite_error, point_error

#: entries of x per chunk of the stream (a fixed constant: it does not depend on the number of threads)
CHUNK = 1 << 16
#: the direction kinds (``Params.kind``)
GAUSSIAN, RADEMACHER, SPHERE = 0, 1, 2
KINDS = {"gaussian": GAUSSIAN, "rademacher": RADEMACHER, "sphere": SPHERE}
#: the passes over x one step costs, per direction kind
PASSES = {"gaussian": 3, "rademacher": 3, "sphere": 4}


#: where x stands during a step (the passes record it): x itself, x + eps v, x - eps v
AT_X, AT_PLUS, AT_MINUS = 0, 1, -1


class Params(NamedTuple):
    """What a pass reads besides x and the generators (the pass unpacks them in this order)."""

    kind: int      #: GAUSSIAN, RADEMACHER or SPHERE
    scale: float   #: v = z (GAUSSIAN), copysign(scale, z) (RADEMACHER: 1/sqrt(n)), z / scale (SPHERE: ||z||)
    chunk: int     #: entries per chunk (CHUNK)


# --- the stream -------------------------------------------------------------------------------------------
def stream_key(rng):
    """The stream's key: two 64-bit words drawn from the Generator ``rng`` (one call of its ``integers``)."""
    return rng.integers(0, 2**64, size=2, dtype=np.uint64)


def chunk_counter(k, c):
    """Philox's starting counter of chunk ``c`` of step ``k``: (k, c) in the two high words."""
    return np.array([0, 0, c, k], dtype=np.uint64)


def chunk_generator(key, k, c):
    """The numpy Generator whose ``standard_normal`` gives chunk ``c`` of step ``k`` (the definition of
    the stream)."""
    return np.random.Generator(np.random.Philox(key=key, counter=chunk_counter(k, c)))


def chunks(n, chunk=CHUNK):
    """The number of chunks of a vector of length n."""
    return -(-n // chunk)


def normals(key, k, n, chunk=CHUNK):
    """Step k's standard normal vector z (length n), drawn with numpy alone, chunk by chunk."""
    return np.concatenate([chunk_generator(key, k, c).standard_normal(min(chunk, n - c * chunk))
                           for c in range(chunks(n, chunk))])


def direction(key, k, n, kind, chunk=CHUNK):
    """Step k's direction v, computed with numpy alone exactly as the passes compute it (for checks and
    for an out-of-place step along the same directions)."""
    z = normals(key, k, n, chunk)
    if kind == "gaussian":
        return z
    if kind == "rademacher":
        return np.copysign(1.0 / math.sqrt(n), z)
    return z / math.sqrt(_chunk_sum_of_squares(z, chunk))


def _chunk_sum_of_squares(z, chunk):
    """sum z_i^2: a sequential sum within each chunk (numpy's cumsum adds in order), the chunks' sums added
    in chunk order - as the norm pass adds them."""
    total = 0.0
    for c in range(chunks(z.shape[0], chunk)):
        part = z[c * chunk:(c + 1) * chunk]
        total += float(np.cumsum(part * part)[-1])
    return total


class Stream:
    """The per-chunk Generators of one run, rewound to the start of step k's chunks before each pass.

    Parameters
    ----------
    key : ndarray of 2 uint64
        The stream's key (:func:`stream_key`).
    n : int
        The length of x.
    chunk : int
        Entries per chunk (:data:`CHUNK`).

    Attributes
    ----------
    generators : numba.typed.List of numpy Generators
        What the passes draw from (chunk c from ``generators[c]``).
    """

    def __init__(self, key, n, chunk=CHUNK):
        self.key = np.asarray(key, dtype=np.uint64)
        self.n, self.chunk = n, chunk
        self._python = [chunk_generator(self.key, 0, c) for c in range(chunks(n, chunk))]
        self.generators = List(self._python)
        # each chunk's state when new, with its counter's word 3 (k) set by rewind
        self._states = [g.bit_generator.state for g in self._python]

    def rewind(self, k):
        """Set every chunk's Generator to the start of chunk (k, c): the state
        ``Philox(key=key, counter=[0, 0, c, k])`` has when new."""
        for g, state in zip(self._python, self._states):
            state["state"]["counter"][3] = k
            g.bit_generator.state = state
        return self.generators


# --- the passes -------------------------------------------------------------------------------------------
def _axpy(x, gens, params, a, sq, bad, where, to):
    """One pass ``x += a v``, v regenerated from ``gens`` (chunk c from ``gens[c]``, rewound by the
    caller). Per chunk c: ``sq[c] = sum v_i^2`` over the chunk and ``bad[c]`` the first index whose new
    x_i is not finite (-1 if none). The chunks are independent (``prange``): the same bits on any number
    of threads. The pass's last act is ``where[0] = to``: where x stands (:data:`AT_X`, :data:`AT_PLUS`,
    :data:`AT_MINUS`), so an exception that surfaces after a pass (Ctrl-C) cannot leave it unknown."""
    kind, scale, chunk = params
    n = x.shape[0]
    for c in prange(len(gens)):
        g = gens[np.intp(c)]
        lo = c * chunk
        hi = min(n, lo + chunk)
        s = 0.0
        first = -1
        for i in range(lo, hi):
            z = g.standard_normal()
            if kind == 0:
                v = z
            elif kind == 1:
                v = math.copysign(scale, z)
            else:
                v = z / scale
            x[i] += a * v
            s += v * v
            if first < 0 and not math.isfinite(x[i]):
                first = i
        sq[c] = s
        bad[c] = first
    where[0] = to


def _norm2(n, gens, params, sq):
    """The sphere's norm pass: ``sq[c] = sum z_i^2`` over chunk c (x is not touched)."""
    kind, scale, chunk = params
    for c in prange(len(gens)):
        g = gens[np.intp(c)]
        lo = c * chunk
        hi = min(n, lo + chunk)
        s = 0.0
        for i in range(lo, hi):
            z = g.standard_normal()
            s += z * z
        sq[c] = s


#: the passes, as Python (``jit=False``, NUMBA_DISABLE_JIT=1) and compiled, serially and for numba's
#: threads (the chunks are independent: the same bits either way); they take no objective, so numba caches
#: them on disk
axpy = Twice(_axpy, cache=True)
norm2 = Twice(_norm2, cache=True)
axpy_parallel = axpy.variant(parallel=True)
norm2_parallel = norm2.variant(parallel=True)


def passes(n, jit):
    """(axpy, norm2) to run: Python for ``jit=False``; on numba's threads when x has more than one chunk
    and numba more than one thread (a parallel region costs a thread wake-up: not worth it for one chunk)."""
    if jit is False:
        return axpy.py, norm2.py
    if chunks(n) > 1 and numba.get_num_threads() > 1:
        return axpy_parallel.jit, norm2_parallel.jit
    return axpy.jit, norm2.jit


def total(sq):
    """The chunks' sums added in chunk order (the same on any number of threads)."""
    s = 0.0
    for value in sq.tolist():
        s += value
    return s


# --- the decoder ----------------------------------------------------------------------------------------
def failure(eps, kind, k):
    """``failure(problem, x, draw, result)`` for a failed step k (``draw`` unused: the direction is the
    stream's): BAD_VALUE with point code 0 (x + eps v) or 1 (x - eps v), BAD_QUOTIENT, BAD_ESTIMATE.
    x has been restored when it is called."""
    what = f"the {kind} direction v of step {k} (eps = {eps:.3g}; x restored)"

    def decode(problem, x, draw, r):
        if r.status == BAD_VALUE:
            return nonfinite_error(problem, f"x {'-' if r.where else '+'} eps v, {what}", x, r.value)
        if r.status == BAD_QUOTIENT:
            return point_error(problem, f"the difference quotient along {what} overflowed although f(x + eps v) = "
                                        f"{r.value:.6g} and f(x - eps v) = {r.value2:.6g} are finite", x)
        return point_error(problem, f"the estimate's coefficient c D along {what} overflowed ({r.value})", x)
    return decode
