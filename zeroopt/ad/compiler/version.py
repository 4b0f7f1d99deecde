"""One compiled program and what it is keyed and checked by.

A :class:`Version` is a program of :mod:`zeroopt.ad.compiler.build` with the arguments it checks by
content; :func:`_arg_key` says how each extra argument enters the key (float arrays are traced inputs,
integer and boolean arrays constants checked by content, numbers and strings part of the key);
:func:`_expected` and :func:`_disagreement` are the self-check of a new program against the recording it
came from (the traced path's numbers at the recorded point).
"""

from __future__ import annotations

import time

from ..numpy_names import np


def _signature(a):
    return (a.dtype.str, a.ndim, a.flags.c_contiguous, a.flags.f_contiguous, a.flags.writeable, a.flags.aligned)


def _arg_key(a):
    """(key, traced, content-guarded) of one extra argument; None if it cannot be part of a key."""
    if isinstance(a, np.ndarray):
        if a.dtype.kind == "f" and a.dtype.itemsize in (4, 8) and a.ndim:
            return ("f", a.shape, _signature(a)), True, False
        if a.dtype.kind in "biuf":
            return ("c", a.shape, _signature(a)), False, True
        return None
    if a is None or isinstance(a, (bool, int, float, str, np.generic)):
        return ("s", type(a).__name__, repr(a)), False, False
    if isinstance(a, tuple):
        parts = [_arg_key(b) for b in a]
        if any(p is None or p[1] or p[2] for p in parts):
            return None
        return ("t", tuple(p[0] for p in parts)), False, False
    return None


class Version:
    """One compiled program: ``built`` (zeroopt.ad.compiler.build.Built), the copies of the arguments
    it checks by content, the recording's size and the seconds it took to record and to compile."""

    __slots__ = ("built", "checked", "entry", "nodes", "record_s", "compile_s", "hits")

    def __init__(self, built, checked, nodes, record_s):
        self.built, self.checked, self.nodes, self.record_s = built, checked, nodes, record_s
        self.entry, self.compile_s, self.hits = None, 0.0, 0

    def run(self, x, v, args, out):
        if self.checked:
            for k, copy in self.checked:
                if not np.array_equal(args[k], copy):
                    return -1, np.nan, np.nan
        if self.entry is not None:
            return self.entry(x, v, args, self.built.consts, out)
        t0 = time.perf_counter()
        disp = self.built.dispatcher
        got = disp(x, v, args, self.built.consts, out)
        self.compile_s = time.perf_counter() - t0
        if len(disp.overloads) == 1:        # (the entry point skips numba's per-call typing)
            self.entry = next(iter(disp.overloads.values())).entry_point
        return got


_U = np.finfo(np.float64).eps / 2


def _expected(rec, kind):
    """(value, result, tolerance) of the recording (the traced path's numbers) for the self-check: the
    tolerance 64 N u M with N the recording's operations and M the largest magnitude on it is loose
    (the rounding bound proper is in bound.py, for tests); a template error is far larger."""
    scale = 1.0
    for node in rec.nodes:
        a = np.abs(np.asarray(node.ans, dtype=np.float64))
        a = a[np.isfinite(a)]
        if a.size:
            scale = max(scale, float(a.max()))
    tol = 64 * max(len(rec), 1) * _U * scale
    if kind == "grad":
        return rec.values[0], rec.values[1], tol
    return None, rec.values[0], tol


def _disagreement(expected, value, result):
    """What differs between the compiled ``value``/``result`` and the traced ones, or ''."""
    want_value, want, tol = expected
    if want_value is not None and not _close(value, want_value, tol):
        return f"f = {value!r} against {float(want_value)!r}"
    want = np.zeros(result.shape) if want is None else np.broadcast_to(np.asarray(want, dtype=np.float64),
                                                                       result.shape[-np.ndim(want):] if np.ndim(want) else ())
    got = result if result.shape == want.shape else result[..., 0]
    if not _close(got, want, tol):
        k = int(np.argmax(np.abs(np.asarray(got, dtype=np.float64) - want)))
        return f"entry {k}: {np.ravel(got)[k]!r} against {np.ravel(want)[k]!r}"
    return ""


def _close(a, b, tol):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    return bool(np.all(same | (np.abs(a - b) <= tol)))


