"""The stall test's count, written once: the Python path (:class:`zeroopt.optimize._run.Run`) and the
compiled gd loop call the same numba function, so both decide a stall alike, bit for bit."""

from __future__ import annotations

import math

import numba

#: the stall window: no decrease of the lowest f the method paid for in STALL_WINDOW * ceil(m) iterations
#: (m the oracle's second-moment factor: a random estimate needs about m times the iterations; 20 n for a
#: method without an oracle, one line per iteration) is a stall
STALL_WINDOW = 20


@numba.njit(cache=True)
def note_progress(fx, best, since):
    """The stall test's count after one iteration: ``fx`` the lowest f the iteration paid for (NaN: it
    evaluated none, which tells nothing and leaves the count alone), ``best`` the lowest so far,
    ``since`` the iterations since it last decreased. Returns the new (best, since)."""
    if not math.isfinite(fx):
        return best, since
    if fx < best:
        return fx, 0
    return best, since + 1
