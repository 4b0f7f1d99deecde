"""What an optimizer run records at its checkpoints, without counting it.

The history of a run is a *measurement*: at each checkpoint it evaluates what the caller asked for -
f(x_k), the exact ||grad f(x_k)||^2 (by AD, where the objective can be traced), ||x_k - x*||^2 (where x*
is known) - through uncounted evaluations, so that measuring never changes what is measured and ``nfev``
stays the evaluations the method spent. ``record="none"`` measures nothing at all.

An objective that zeroopt.ad cannot trace (a simulator, a call with no derivative rule) has no exact
gradient to measure: its ``grad_norm2`` column is NaN, and the run says so once, with a RuntimeWarning
naming the reason.

A stochastic problem (``Problem(..., xi=...)``) is measured through its noiseless f
(``Problem(..., noiseless=...)``: f, and its exact gradient by AD); without one the history measures
:math:`F(x, \\xi)` at a draw of its own stream (seeded 0, apart from the run's) and says so with a
RuntimeWarning, and ``grad_norm2`` is NaN.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ._compiled import user_stacklevel
from .ad import value_and_grad

#: what a history can measure, and its columns (quantities not measured are NaN)
MEASURES = ("f", "grad_norm2", "dist2")
COLUMNS = ("nit", "nfev") + MEASURES


def checkpoints(maxiter, record):
    """The iterations recorded in the history.

    ``"log"``: every one up to 10, then 20 per decade; ``"all"``: every iteration; ``"none"``: none;
    an int r: every r-th; a sequence: the iterations listed. Except for "none", 0 and ``maxiter`` are
    always in.

    Examples
    --------
    >>> from zeroopt.history import checkpoints
    >>> checkpoints(10, 4).tolist(), checkpoints(5, "none").tolist()
    ([0, 4, 8, 10], [])
    """
    if not isinstance(record, str) and hasattr(record, "__len__"):
        ks = np.asarray(record, dtype=np.int64)
        ks = np.concatenate([[0], ks[(ks > 0) & (ks < maxiter)], [maxiter]])
    elif record == "all":
        ks = np.arange(maxiter + 1)
    elif record == "none":
        ks = np.array([], dtype=np.int64)
    elif record == "log":
        decades = max(1, int(math.log10(max(maxiter, 10))))
        ks = np.unique(np.concatenate([np.arange(min(10, maxiter) + 1),
                                       np.ceil(np.logspace(1, math.log10(max(maxiter, 10)), 20 * decades + 1))]))
        ks = np.append(ks[ks < maxiter], maxiter)
    else:
        ks = np.append(np.arange(0, maxiter, record), maxiter)
    return np.unique(ks.astype(np.int64))


def check_record(record):
    """``record`` as given, or a ValueError naming it."""
    listed = not isinstance(record, str) and hasattr(record, "__len__")
    if not (listed or record in ("log", "all", "none")
            or (isinstance(record, numbers.Integral) and not isinstance(record, bool) and record >= 1)):
        raise ValueError(f"record must be 'log', 'all', 'none', a positive int or a list of iterations; got {record!r}")
    return record


def check_measure(measure):
    """``measure`` as a tuple of names from MEASURES, or an error naming it."""
    if isinstance(measure, str):
        measure = (measure,)
    try:
        measure = tuple(measure)
    except TypeError:
        raise TypeError(f"measure must be a sequence of names from {MEASURES}; got {measure!r}") from None
    bad = [m for m in measure if m not in MEASURES]
    if bad:
        raise ValueError(f"measure must name quantities from {MEASURES}; got {bad}")
    return measure


class History:
    """Measurements at checkpoints: the quantities in ``measure``, none of them counted."""

    def __init__(self, problem, ks, measure):
        self.problem = problem
        self.ks = ks
        self.measure = measure
        self.next = 0
        self.rows = []
        self._grad = None
        self._xi_rng = None  # a stochastic problem without a noiseless f: the history's own stream of xi
        if problem.stochastic and problem.noiseless is None and measure and len(ks):
            self._xi_rng = np.random.default_rng(0)
            warnings.warn(f"zeroopt: the stochastic problem {problem.name!r} has no noiseless f, so the history "
                          f"measures F(x, xi) at one draw of xi of its own (the 'f' column is noisy) and no exact "
                          f"gradient (the 'grad_norm2' column is NaN); give Problem(..., noiseless=f) to measure "
                          f"f itself", RuntimeWarning, stacklevel=user_stacklevel())
        elif "grad_norm2" in measure:
            fun = problem.noiseless if problem.stochastic else problem.py_fun
            self._grad = value_and_grad(getattr(fun, "py_func", fun))

    def due(self, k):
        return self.next < len(self.ks) and self.ks[self.next] == k

    def next_checkpoint(self):
        return int(self.ks[self.next]) if self.next < len(self.ks) else None

    def _measure(self, x):
        p = self.problem
        f = g2 = d2 = math.nan
        if not np.all(np.isfinite(x)):  # an overflowed iterate: nothing to measure, and nothing raised
            return f, g2, d2
        with np.errstate(all="ignore"):
            if "f" in self.measure:
                f = p.value(x, count=False, rng=self._xi_rng)
            if self._grad is not None:
                try:
                    _, g = self._grad(x, *p.args)
                    g2 = float(np.dot(g, g))
                except TypeError as exc:  # not traceable (a simulator): no exact gradient to measure
                    self._grad = None
                    reason = " ".join(str(exc).split())
                    warnings.warn(f"zeroopt: the history cannot measure 'grad_norm2' for {p.name!r}: zeroopt.ad "
                                  f"cannot trace the objective, so that column is NaN for this run (measure it "
                                  f"yourself, or leave 'grad_norm2' out of measure). zeroopt.ad said: "
                                  f"{reason[:300]}", RuntimeWarning, stacklevel=user_stacklevel())
            if "dist2" in self.measure and p.x_star is not None:
                d2 = float(np.sum((x - p.x_star) ** 2))
        return f, g2, d2

    def record(self, k, x, nfev):
        """Measure at iteration k (if it is a checkpoint, or the last one) and return the row's f."""
        while self.next < len(self.ks) and self.ks[self.next] <= k:
            self.next += 1
        row = (k, nfev) + self._measure(x)
        self.rows.append(row)
        return row[2]

    def final(self, k, x, nfev):
        """Record the last iterate unless it was just recorded (nothing if no checkpoints were asked)."""
        if len(self.ks) and (not self.rows or self.rows[-1][0] != k):
            self.record(k, x, nfev)

    def arrays(self):
        a = np.array(self.rows, dtype=float).reshape(-1, len(COLUMNS))
        out = {name: a[:, i] for i, name in enumerate(COLUMNS)}
        out["nit"] = out["nit"].astype(np.int64)
        out["nfev"] = out["nfev"].astype(np.int64)
        return out
