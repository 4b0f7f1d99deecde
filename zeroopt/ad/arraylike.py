"""Traced values where numpy takes plain ones: lists and tuples that hold traced values, ``np.r_``/``np.c_``.

numpy turns a list into an array in C (``np.array([x, 2 * x])``, ``np.mean([a, b])``) without asking
its items anything but ``__array__``, which a traced value must refuse (it would lose its derivative).
So for the whole of every differentiated call, the numpy module answers the thread that runs it with
thin wrappers in place of the numpy functions that have a derivative rule (``np.f`` and
``np.linalg.f``) and of numpy's array constructors (``np.array``, ``np.asarray``, ...): a list or tuple
holding traced values is packed into one traced array (:func:`~zeroopt.ad.joining.pack`, a stack of its
items) and the call goes on as numpy's own; any other call goes straight to numpy. ``np.r_`` and
``np.c_`` are replaced likewise. The user's function runs once.

How: while some thread differentiates, the classes of the modules ``numpy`` and ``numpy.linalg`` are
swapped for subclasses whose attribute lookup hands out the wrappers - to the differentiating thread
only (a thread-local nesting count). Every other thread, and numba compiling in one, sees numpy's own
objects; a lookup costs them about 0.2 us more while a trace runs. A wrapper compares and hashes equal
to the function it wraps, so numba compiling inside a differentiated call (in its thread) still
recognizes ``np.f``. Names bound before (``from numpy import mean``) are numpy's own and refuse a list
of traced values, and so does a ufunc given a list (``np.exp([a, b])``: write
``np.exp(np.array([a, b]))``). zeroopt.ad's own modules read numpy through
:mod:`zeroopt.ad.numpy_names`, which the hook never touches.
"""

from __future__ import annotations

import functools
import threading

import numpy

from . import core, tracer
from .core import Tracer, raw, reshape_p, shape_of
from .joining import concatenate, holds_tracer, pack
from .numpy_names import np
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


def _pack_argument(value, sequence):
    if not holds_tracer(value):
        return value
    if sequence and isinstance(value, (list, tuple)):
        return [pack(v) for v in value]
    return pack(value)


def pack_arguments(func, args, kwargs):
    """``func``'s arguments with every list or tuple holding traced values packed into one traced array
    (the items of a sequence-of-arrays argument each), or None if there is none."""
    if not any(isinstance(a, (list, tuple)) for a in args) and not any(isinstance(v, (list, tuple))
                                                                       for v in kwargs.values()):
        return None
    positions, names = SEQUENCES_OF_ARRAYS.get(func, ((), ()))
    return (tuple(_pack_argument(a, i in positions) for i, a in enumerate(args)),
            {k: _pack_argument(v, k in names) for k, v in kwargs.items()})


class _Wrapper:
    """A numpy function that accepts lists holding traced values; equal to (and hashed as) the function
    itself, so that numba, which looks numpy's functions up by equality, still recognizes it."""

    def __init__(self, original):
        functools.update_wrapper(self, original)
        self._original = original

    def __eq__(self, other):
        return other is self or other is self._original or (type(other) is type(self)
                                                             and other._original is self._original)

    def __hash__(self):
        return hash(self._original)

    def __getattr__(self, name):
        return getattr(self._original, name)

    def __reduce__(self):       # unpickled as numpy's own function
        return _numpy_attribute, (self._original.__module__, self._original.__name__)

    def __repr__(self):
        return repr(self._original)


def _numpy_attribute(module, name):
    return getattr(np.linalg if "linalg" in module else np, name)


class _Function(_Wrapper):
    def __call__(self, *args, **kwargs):
        packed = pack_arguments(self._original, args, kwargs)
        if packed is not None:
            args, kwargs = packed
        return self._original(*args, **kwargs)


class _Constructor(_Wrapper):
    def __call__(self, obj, dtype=None, *args, ndmin=0, **kwargs):
        original = self._original
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


def _wrappers(module):
    """{name: wrapper} for the attributes of the real numpy ``module`` that get one."""
    out = {}
    for name in dir(module):
        obj = getattr(module, name)
        if name in CONSTRUCTORS and module is numpy:
            out[name] = _Constructor(obj)
        elif callable(obj) and not isinstance(obj, (type, np.ufunc)) and _hashable_in(obj, FUNCTIONS):
            out[name] = _Function(obj)
    if module is numpy:
        out["r_"], out["c_"] = _Concatenator(numpy.r_, False), _Concatenator(numpy.c_, True)
    return out


def _hashable_in(obj, table):
    try:
        return obj in table
    except TypeError:
        return False


class _Depth(threading.local):
    depth = 0          # this thread's nesting of differentiated calls


_here = _Depth()
_lock = threading.Lock()
_threads = 0           # threads inside a differentiated call (the hook is in place while > 0)
_hooks = []            # (module, its own class, the hooked class), built at the first use


def _hooked(module):
    wrappers = _wrappers(module)
    lookup = type(module).__getattribute__

    def __getattribute__(self, name):
        if _here.depth:
            wrapper = wrappers.get(name)
            if wrapper is not None:
                return wrapper
        return lookup(self, name)
    cls = type(module)
    return module, cls, type(f"ListsAccepted{cls.__name__.title()}", (cls,), {"__getattribute__": __getattribute__})


def rebuild():
    """Forget the wrappers (a rule was added for a numpy function: zeroopt.ad.defvjp)."""
    with _lock:
        if _threads == 0:
            _hooks.clear()


class ListSupport:
    """The entry and exit of a differentiated call (zeroopt.ad.core.call): the hook is in place while
    any thread is inside one, and hands out the wrappers to those threads only."""

    @staticmethod
    def enter():
        global _threads
        here = _here
        if here.depth == 0:
            with _lock:
                if _threads == 0:
                    if not _hooks:
                        _hooks.extend(_hooked(m) for m in (numpy, numpy.linalg))
                    for module, _, hooked in _hooks:
                        module.__class__ = hooked
                _threads += 1
        here.depth += 1

    @staticmethod
    def leave():
        global _threads
        here = _here
        here.depth -= 1
        if here.depth == 0:
            with _lock:
                _threads -= 1
                if _threads == 0:
                    for module, cls, _ in _hooks:
                        module.__class__ = cls


def active():
    """True while the hook is in place (some thread is inside a differentiated call)."""
    return _threads > 0


core.LIST_SUPPORT = ListSupport
tracer.PACK_ARGUMENTS = pack_arguments
