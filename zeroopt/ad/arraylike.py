"""Traced values where numpy takes plain ones: lists and tuples that hold traced values, ``np.r_``/``np.c_``.

numpy turns a list into an array in C (``np.array([x, 2 * x])``, ``np.mean([a, b])``) without asking
its items anything but ``__array__``, which a traced value must refuse (it would lose its derivative).
So while a differentiated function runs, :func:`numpy_accepts_tracers` puts thin wrappers in place of
the numpy functions that have a derivative rule (``np.f`` and ``np.linalg.f``) and of numpy's array
constructors (``np.array``, ``np.asarray``, ...): a list or tuple holding traced values is packed into
one traced array (:func:`pack`, a stack of its items) and the call goes on as numpy's own; any other
call goes straight to numpy. ``np.r_`` and ``np.c_`` are replaced likewise.

The wrappers are installed only for functions that need them: a function is first run as it is, and
if a traced value met numpy's list conversion, it is run once more with the wrappers in place (and from
then on always with them; see :func:`zeroopt.ad.api`'s ``_run``). They replace the attributes of the
numpy module, so names imported before (``from numpy import mean``) are not covered and still refuse;
and a numba function compiled while they are in place would see them (compile numba helpers before
differentiating, as the problems of zeroopt are).
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from .core import Tracer, raw, reshape_p, shape_of
from .joining import concatenate, holds_tracer, pack
from .tracer import FUNCTIONS

#: numpy's array constructors: a traced value (or a list of them) passes through as a traced array
CONSTRUCTORS = ("array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "asarray_chkfinite")
#: functions with arguments that are sequences of arrays (each item is packed, not the sequence): their
#: positions and names
SEQUENCES_OF_ARRAYS = {np.concatenate: ((0,), ("arrays",)), np.stack: ((0,), ("arrays",)), np.hstack: ((0,), ("tup",)),
                       np.vstack: ((0,), ("tup",)), np.dstack: ((0,), ("tup",)), np.column_stack: ((0,), ("tup",)),
                       np.block: ((0,), ("arrays",)), np.linalg.multi_dot: ((0,), ("arrays",)),
                       np.select: ((0, 1), ("condlist", "choicelist")), np.choose: ((1,), ("choices",)),
                       np.piecewise: ((1, 2), ("condlist", "funclist"))}


def _plain_values(obj):
    return [_plain_values(o) for o in obj] if isinstance(obj, (list, tuple)) else raw(obj)


def _constructor(original):
    @functools.wraps(original)
    def construct(obj, dtype=None, *args, ndmin=0, **kwargs):
        if not holds_tracer(obj):
            return original(obj, dtype, *args, **kwargs) if not ndmin else original(obj, dtype, *args, ndmin=ndmin, **kwargs)
        if dtype is not None and np.dtype(dtype).kind in "biu":   # an integer wanted: the primal value
            return original(_plain_values(obj), dtype, *args, ndmin=ndmin, **kwargs)
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"zeroopt.ad: a traced value as an array of {np.dtype(dtype)} would drop its derivative")
        out = pack(obj)
        if ndmin > len(shape_of(out)):
            out = reshape_p(out, (1,) * (ndmin - len(shape_of(out))) + shape_of(out))
        return out
    return construct


def _pack_argument(value, sequence):
    if sequence and isinstance(value, (list, tuple)):
        return [pack(v) for v in value]
    return pack(value)


def _function(original):
    positions, names = SEQUENCES_OF_ARRAYS.get(original, ((), ()))

    @functools.wraps(original)
    def call(*args, **kwargs):
        if any(isinstance(a, (list, tuple)) for a in args) or any(isinstance(v, (list, tuple)) for v in kwargs.values()):
            args = tuple(_pack_argument(a, i in positions) for i, a in enumerate(args))
            kwargs = {k: _pack_argument(v, k in names) for k, v in kwargs.items()}
        return original(*args, **kwargs)
    return call


class _Concatenator:
    """``np.r_`` / ``np.c_`` with traced parts: r_ joins along axis 0 (scalars become 1-D), c_ along the
    last axis (scalars become (1, 1), 1-D arrays columns). Without traced parts, numpy's own."""

    def __init__(self, original, columns):
        self.original = original
        self.columns = columns

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        if not any(holds_tracer(i) for i in items):
            return self.original[key]
        if any(isinstance(i, str) for i in items):
            raise TypeError("zeroopt.ad: np.r_/np.c_ with traced parts take no string directives; "
                            "use np.concatenate(..., axis=...)")
        parts = []
        for item in items:
            item = self.original[item] if isinstance(item, slice) else pack(item)
            shape = shape_of(item)
            if self.columns and len(shape) < 2:
                item = reshape_p(item, (1, 1) if not shape else (shape[0], 1))
            elif len(shape) == 0:
                item = reshape_p(item, (1,))
            parts.append(item)
        return concatenate(parts, axis=-1 if self.columns else 0)

    def __len__(self):
        return 0


_lock = threading.Lock()
_active = 0
_saved = []


def _replacements():
    """(module, name, original, wrapper) for every numpy attribute that gets a wrapper."""
    out = []
    for module in (np, np.linalg):
        for name in dir(module):
            obj = getattr(module, name)
            if name in CONSTRUCTORS and module is np:
                out.append((module, name, obj, _constructor(obj)))
            elif callable(obj) and not isinstance(obj, (type, np.ufunc)) and _hashable_in(obj, FUNCTIONS):
                out.append((module, name, obj, _function(obj)))
    out.append((np, "r_", np.r_, _Concatenator(np.r_, False)))
    out.append((np, "c_", np.c_, _Concatenator(np.c_, True)))
    return out


def _hashable_in(obj, table):
    try:
        return obj in table
    except TypeError:
        return False


class numpy_accepts_tracers:
    """Context manager: numpy's functions and constructors accept lists holding traced values (nested
    uses count; the originals are back when the outermost one exits)."""

    def __enter__(self):
        global _active
        with _lock:
            if _active == 0:
                if not _saved:
                    _saved.extend(_replacements())
                for module, name, _, wrapper in _saved:
                    setattr(module, name, wrapper)
            _active += 1
        return self

    def __exit__(self, *exc):
        global _active
        with _lock:
            _active -= 1
            if _active == 0:
                for module, name, original, _ in _saved:
                    setattr(module, name, original)
        return False
