"""Argument checks shared by every layer: each raises an error that names the argument."""

from __future__ import annotations

import math
import numbers

import numba
import numpy as np


@numba.njit(cache=True)
def all_finite(x):
    """True if every entry of the 1-D array ``x`` is finite (no temporary array, unlike np.isfinite)."""
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            return False
    return True


def positive_float(value, name, allow_none=False):
    """Return ``value`` as a finite float > 0, or raise a ValueError/TypeError naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def positive_int(value, name, allow_none=False):
    """Return ``value`` as an int >= 1, or raise naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 1, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value}")
    return value


def choice(value, name, options):
    """Return ``value`` if it is one of ``options`` (strings), else raise a ValueError listing them."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}; got {value!r}")
    return value


def point(x, dim, name="x"):
    """Return ``x`` as a writable C-contiguous float64 vector of length ``dim`` with finite entries.

    The result may share memory with ``x``: callers that modify it copy first. (The types are exactly
    what the jitted kernels were compiled for, which lets the estimators call them without re-typing.)
    A complex ``x`` is refused (a TypeError naming ``name``), even with zero imaginary parts: casting it
    would drop them silently.
    """
    if (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 1 and x.flags.c_contiguous
            and x.flags.writeable):
        arr = x
    else:
        if _complex(x):
            raise TypeError(f"{name} must be real; it is complex (zeroopt minimizes over real vectors, and casting "
                            f"would drop the imaginary parts). Pass {name}.real if they are meant to be zero.")
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a 1-D array of {dim} real numbers; could not convert it: {exc}") from None
        if arr.ndim == 1:
            arr = np.ascontiguousarray(arr)
            if not arr.flags.writeable:
                arr = arr.copy()
    if arr.shape != (dim,):
        raise ValueError(f"{name} must have shape ({dim},) to match the problem's dim; got shape {arr.shape}")
    if not all_finite(arr):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite; {name}[{bad}] = {arr[bad]}")
    return arr


def _complex(x):
    try:
        return bool(np.iscomplexobj(x))
    except (TypeError, ValueError):  # not convertible at all: point() says so below
        return False


def describe_point(x, limit=8):
    """A short printable description of a point, for error messages."""
    x = np.asarray(x, dtype=np.float64)
    if x.size <= limit:
        return np.array2string(x, precision=6, separator=", ")
    return (f"array of {x.size} entries, ||.||_2 = {np.linalg.norm(x):.6g}, "
            f"head {np.array2string(x[:4], precision=6, separator=', ')}")


def real(value, name):
    """Return ``value`` as a float (any real number, not a bool), or raise a TypeError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    return float(value)


def nonnegative_int(value, name):
    """Return ``value`` as an int >= 0, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0, got {value!r} of type {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value}")
    return int(value)


def boolean(value, name, allow_none=False):
    """Return ``value`` as a bool if it is one (Python or numpy), or raise a TypeError naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False{' or None' if allow_none else ''}, got {value!r}")


def generator(seed, name="seed"):
    """A numpy Generator from ``seed``: a Generator (used as is), an integer >= 0, a sequence of them (numpy's
    entropy), a SeedSequence or a BitGenerator.

    Raises a TypeError or ValueError naming ``name`` otherwise.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(seed)
    if isinstance(seed, (list, tuple, np.ndarray)):  # numpy's entropy as a sequence of integers
        values = list(np.ravel(seed)) if isinstance(seed, np.ndarray) else list(seed)
        if values and all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in values):
            if min(values) < 0:
                raise ValueError(f"{name} must hold integers >= 0 (numpy seeds are non-negative); got {seed!r}")
            return np.random.default_rng([int(v) for v in values])
        raise TypeError(f"{name} as a sequence must hold integers >= 0; got {seed!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0, a sequence of them, a numpy SeedSequence or a numpy Generator; "
                        f"got {seed!r} of type {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0 (numpy seeds are non-negative); got {seed}")
    return np.random.default_rng(int(seed))


@numba.njit(cache=True)
def norm(v):
    """The Euclidean norm of the 1-D array ``v`` without overflow or underflow in the squares (scaled by
    max |v_i|, as LAPACK's dnrm2); inf or NaN only if an entry is."""
    scale = 0.0
    for i in range(v.shape[0]):
        a = abs(v[i])
        if not a <= scale:  # also NaN
            scale = a
    if scale == 0.0 or not math.isfinite(scale):
        return scale
    s = 0.0
    for i in range(v.shape[0]):
        r = v[i] / scale
        s += r * r
    return scale * math.sqrt(s)


@numba.njit(cache=True)
def add_square(scale, ssq, a):
    """Add a^2 to the sum of squares held as scale^2 * ssq, without overflow or underflow (the update of
    LAPACK's dlassq). Start from (0.0, 1.0); the root of the sum is scale * sqrt(ssq)."""
    a = abs(a)
    if a > scale:
        ssq = 1.0 + ssq * (scale / a) ** 2
        scale = a
    elif a > 0.0:
        ssq += (a / scale) ** 2
    return scale, ssq
