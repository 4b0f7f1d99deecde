"""Traced values where numpy takes plain ones: lists and tuples that hold traced values, ``np.r_``/``np.c_``.

numpy turns a list into an array in C (``np.array([x, 2 * x])``, ``np.mean([a, b])``) without asking
its items anything but ``__array__``, which a traced value must refuse (it would lose its derivative).
So a function that builds lists - numba's way of making an array of numbers, ``np.array([f1, f2])`` -
is run, every time it is differentiated, with thin wrappers in place of the numpy functions that have
a derivative rule (``np.f`` and ``np.linalg.f``) and of numpy's array constructors (``np.array``,
``np.asarray``, ...): a list or tuple holding traced values is packed into one traced array
(:func:`~zeroopt.ad.joining.pack`, a stack of its items) and the call goes on as numpy's own; any other
call goes straight to numpy. ``np.r_`` and ``np.c_`` are replaced likewise. The function runs once.

Which functions: those whose bytecode, or that of a function they call by name, builds a list
(:func:`~zeroopt.ad.listscan.builds_lists`, looked at once per function), and those marked by :func:`accept_lists`; the
wrappers cost the others nothing. They cost a function that gets them about 2 us per differentiated
call plus 1-3 us per numpy function called during it (numpy's own code then reads the numpy module
through the hook too): 7-17 % of a gradient at n <= 100 on the objectives of benchmarks/ad.py.

How: while some thread runs such a call, the classes of the modules ``numpy`` and ``numpy.linalg`` are
swapped for subclasses whose attribute lookup hands out the wrappers - to the threads inside such a
call only (a thread-local nesting count). Every other thread, and numba compiling in one, sees numpy's
own objects (a lookup costs them about 0.3 us more meanwhile). A wrapper compares and hashes equal to
the function it wraps, so numba compiling inside such a call (in its thread) still recognizes
``np.f``. Names bound before (``from numpy import mean``) are numpy's own and refuse a list of traced
values, unless another argument is traced (numpy then hands the call to zeroopt.ad, which packs the
lists itself); so does a ufunc given a list (``np.exp([a, b])``: write ``np.exp(np.array([a, b]))``).
zeroopt.ad's own modules read numpy through :mod:`zeroopt.ad.numpy_names`, which the hook never
touches.
"""

from __future__ import annotations

import functools
import threading
import weakref

import numpy

from . import core, tracer
from .core import ACCEPTS_LISTS, raw, reshape_p, shape_of
from .joining import concatenate, holds_tracer, pack
from .listscan import builds_lists
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
    if not any(type(a) in (list, tuple) and holds_tracer(a) for a in args) and not any(
            type(v) in (list, tuple) and holds_tracer(v) for v in kwargs.values()):
        return None
    positions, names = SEQUENCES_OF_ARRAYS.get(func, ((), ()))
    return (tuple(_pack_argument(a, i in positions) for i, a in enumerate(args)),
            {k: _pack_argument(v, k in names) for k, v in kwargs.items()})


class _Wrapper:
    """A numpy function that accepts lists holding traced values; equal to (and hashed as) the function
    itself, so that numba, which looks numpy's functions up by equality (by a weak reference to them
    when they have one), still recognizes it: it is weakly referenceable exactly when the function is
    (:func:`_wrap`)."""

    __slots__ = ("__dict__",)

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
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        for a in args:
            if type(a) is list or type(a) is tuple:
                break
        else:
            if not kwargs:
                return self._original(*args)
        packed = pack_arguments(self._original, args, kwargs)
        if packed is not None:
            args, kwargs = packed
        return self._original(*args, **kwargs)


class _Constructor(_Wrapper):
    __slots__ = ()

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


def _wrap(kind, original):
    try:
        weakref.ref(original)
    except TypeError:
        return kind(original)
    return type(kind.__name__, (kind,), {"__slots__": ("__weakref__",)})(original)


def _wrappers(module):
    """{name: wrapper} for the attributes of the real numpy ``module`` that get one."""
    out = {}
    for name in dir(module):
        obj = getattr(module, name)
        if name in CONSTRUCTORS and module is numpy:
            out[name] = _wrap(_Constructor, obj)
        elif callable(obj) and not isinstance(obj, (type, np.ufunc)) and _hashable_in(obj, FUNCTIONS):
            out[name] = _wrap(_Function, obj)
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
    def wanted(fun):
        """Whether ``fun`` gets the wrappers: its mark (:func:`accept_lists`), else whether it builds lists
        (:func:`builds_lists`), remembered as its mark."""
        want = builds_lists(fun)
        try:
            setattr(fun, ACCEPTS_LISTS, want)
        except (AttributeError, TypeError):
            pass
        return want

    @staticmethod
    def enter():
        global _threads
        here = _here
        depth = here.depth
        if depth == 0:
            with _lock:
                if _threads == 0:
                    if not _hooks:
                        _hooks.extend(_hooked(m) for m in (numpy, numpy.linalg))
                    for module, _, hooked in _hooks:
                        module.__class__ = hooked
                _threads += 1
        here.depth = depth + 1

    @staticmethod
    def leave():
        global _threads
        here = _here
        depth = here.depth = here.depth - 1
        if depth == 0:
            with _lock:
                _threads -= 1
                if _threads == 0:
                    for module, cls, _ in _hooks:
                        module.__class__ = cls


def active():
    """True while the hook is in place (some thread is inside a differentiated call)."""
    return _threads > 0


def accept_lists(fun, accept=True):
    """Mark ``fun`` as giving numpy lists or tuples that hold traced values; returns ``fun`` itself.

    While such a function is differentiated, numpy accepts those lists where it takes an array
    (``np.array([x[0], 2 * x[1]])``, ``np.mean([a, b])``, ``np.linalg.norm((x, y))``, ``np.r_[x, 0.0]``):
    each is packed into one traced array, and the function runs once. A function whose code, or the
    code of a function it calls by name, builds a list is recognized without a mark (its bytecode is
    looked at once); the mark is for the others (a tuple of traced values: ``np.array((a, b))``), and
    ``accept=False`` turns the wrappers off for a function that builds lists only for itself. A function
    that gets them pays about 2 us per differentiated call plus 1-3 us per numpy function it calls
    (7-17 % of a gradient at n <= 100); ``np.stack([...])`` needs nothing and costs nothing.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args)`` in numpy, or a numba dispatcher (its ``py_func`` is marked too). The mark is
        read from the function that is differentiated (give it to :func:`zeroopt.ad.checkpoint` marked,
        too: it runs again in the backward pass); the functions it calls are covered while it runs.
    accept : bool, optional
        True (default) to give numpy's wrappers to ``fun``'s differentiated calls; False never to.

    Returns
    -------
    callable
        ``fun``, marked (usable as a decorator).

    Raises
    ------
    TypeError
        If ``fun`` is not callable or cannot be marked (e.g. a builtin).

    See Also
    --------
    zeroopt.grad : The gradient of a (marked) function.
    zeroopt.ExactAD : The exact-gradient oracle, which differentiates the problem's function.

    Notes
    -----
    numpy converts a list in C, asking each item for ``__array__``, which a traced value refuses. While
    a function that gets the wrappers is differentiated, the numpy module hands its thread wrappers of
    its functions and constructors that pack such lists first; other threads and numba see numpy's own
    objects. Names bound before the call (``from numpy import mean``) and ufuncs given a list stay
    numpy's own and refuse.

    Examples
    --------
    A tuple of traced values is not recognized without the mark:

    >>> import numpy as np, zeroopt as zo
    >>> @zo.ad.accept_lists
    ... def f(x):
    ...     return np.sum(np.array((x[0] ** 2, 3.0 * x[1])))
    >>> zo.grad(f)(np.array([2.0, 1.0]))
    array([4., 3.])
    """
    if not callable(fun):
        raise TypeError(f"accept_lists needs a function, got {type(fun).__name__}")
    targets = [fun] + ([fun.py_func] if hasattr(fun, "py_func") else [])
    for target in targets:
        target = getattr(target, "__func__", target)          # a bound method: its function
        try:
            setattr(target, ACCEPTS_LISTS, bool(accept))
        except (AttributeError, TypeError):
            raise TypeError(f"accept_lists cannot mark {fun!r} (a builtin?); wrap it in a Python function") from None
    return fun


core.LIST_SUPPORT = ListSupport
tracer.PACK_ARGUMENTS = pack_arguments
