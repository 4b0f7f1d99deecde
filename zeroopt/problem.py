"""The objective, written once in plain numpy, and what is known about it.

A :class:`Problem` bundles ``fun(x, *args) -> float`` with its data ``args`` and its dimension. The same
Python function serves three consumers: numba compiles it (lazily, on first use) so the estimators call
it from jitted loops; :mod:`zeroopt.ad` runs it with a traced array to get exact gradients; plain Python
calls it when numba cannot compile it (simulators, arbitrary callables).
"""

from __future__ import annotations

import math
import numbers
import re
import time
import warnings
import weakref

import numpy as np

from . import _checks


class PythonModeWarning(RuntimeWarning):
    """Issued once per problem whose objective numba cannot compile; the problem then runs in Python."""


try:  # numba is a hard dependency, but keep the import local to what needs it
    import numba
    from numba.core.registry import CPUDispatcher as _Dispatcher
except ImportError:  # pragma: no cover - numba is in the install requirements
    numba = None
    _Dispatcher = ()

# One dispatcher per Python function: every Problem built on the same `fun` shares the compiled code, so a
# kernel specialised on that dispatcher compiles once per session rather than once per Problem.
_JIT_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_X_TYPE = None if numba is None else numba.types.Array(numba.types.float64, 1, "C")


def _numba_reason(exc):
    """A short, readable account of why numba refused to compile, for the Python-mode warning."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
    keep = []
    for line in (ln.strip() for ln in text.splitlines()):
        if line.startswith(("File ", "During:")):
            break  # numba's source excerpt and pass trace follow: not part of the reason
        if line and not line.startswith("Failed in nopython mode pipeline"):
            keep.append(line)
    reason = " ".join(keep[:3]) if keep else type(exc).__name__
    return f"{type(exc).__name__}: {reason[:400]}"


def _scalar(value, where="fun"):
    """Convert an objective's return value to float, refusing arrays with more than one entry."""
    if isinstance(value, numbers.Real):
        return float(value)
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        raise TypeError(f"{where} must return a real scalar; it returned {type(value).__name__} "
                        f"with shape {arr.shape} and dtype {arr.dtype}")
    return float(arr.reshape(()))


class Problem:
    """An objective ``fun(x, *args) -> float`` on R^dim, its data and its known constants.

    Parameters
    ----------
    fun : callable
        Plain numpy code ``fun(x, *args) -> float`` with ``x`` a 1-D float64 array of length ``dim``.
        Data (matrices, samples) goes in ``args``, never in closures: numba freezes closure arrays into
        the compiled code. Any Python callable (a simulator, an object with ``__call__``) is accepted; if
        numba cannot compile it the problem runs in Python mode and warns once with numba's reason.
        An already ``numba.njit``-ed function is used as is (its ``py_func`` serves AD).
    dim : int
        Dimension n of ``x``.
    args : tuple
        Extra arguments passed to ``fun`` (and ``batch_fun``) after ``x``.
    x_star, f_star, mu, L : optional
        A minimiser, the optimal value, the strong-convexity and smoothness constants, where known.
        ``step=None`` in :func:`zeroopt.minimize` uses ``L``; experiments use ``f_star`` and ``x_star``.
    name : str, optional
        A label for messages and results (default: ``fun.__name__``).
    batch_fun : callable, optional
        ``batch_fun(X, *args) -> values``, one row of ``X`` per point: lets multi-point estimators evaluate
        all their points in one call (e.g. one matrix-matrix product instead of 2q matrix-vector ones).
    jit : bool
        ``False`` skips numba entirely (Python mode, no warning): for callables known not to compile.

    Counting: ``nfev`` counts every evaluation a method spends (estimators, line searches, optimizers);
    ``ngev`` counts exact (AD) gradients. ``value(x, count=False)`` is a measurement that is not counted
    (used for histories and reports, and documented where it is used).
    """

    def __init__(self, fun, dim, args=(), x_star=None, f_star=None, mu=None, L=None, name=None,
                 batch_fun=None, jit=True):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        if batch_fun is not None and not callable(batch_fun):
            raise TypeError(f"batch_fun must be callable or None, got {type(batch_fun).__name__}")
        self.dim = _checks.positive_int(dim, "dim")
        if isinstance(args, list):
            args = tuple(args)
        if not isinstance(args, tuple):
            raise TypeError(f"args must be a tuple of extra arguments for fun, got {type(args).__name__}")
        self.fun = fun
        self.args = args
        self.batch_fun = batch_fun
        self.x_star = None if x_star is None else _checks.point(x_star, self.dim, "x_star").copy()
        if f_star is not None:
            f_star = float(f_star)
            if not math.isfinite(f_star):
                raise ValueError(f"f_star must be finite, got {f_star}")
        self.f_star = f_star
        self.mu = _checks.positive_float(mu, "mu", allow_none=True)
        self.L = _checks.positive_float(L, "L", allow_none=True)
        if self.mu is not None and self.L is not None and self.mu > self.L:
            raise ValueError(f"mu must not exceed L; got mu={self.mu}, L={self.L}")
        self.name = name if name is not None else getattr(fun, "__name__", type(fun).__name__)
        self.nfev = 0
        self.ngev = 0
        self._use_jit = bool(jit) and numba is not None
        self._jitted = None          # the dispatcher once compiled; False once Python mode is settled
        self._mode_reason = None if self._use_jit else "jit=False"
        self._sec_per_eval = {}      # "serial"/"parallel" -> running seconds per evaluation (timed calls)
        self._entry_points = {}      # kernel name -> (args it was typed for, compiled entry point)

    # -- the three faces of fun ---------------------------------------------------------------------
    @property
    def py_fun(self):
        """The plain Python function (what AD traces); ``fun.py_func`` for a numba dispatcher."""
        return getattr(self.fun, "py_func", self.fun)

    @property
    def jitted(self):
        """The numba dispatcher compiled for this problem's argument types, or None in Python mode.

        Compiled on first access. If numba cannot compile ``fun``, a :class:`PythonModeWarning` naming
        numba's reason is issued once and None is returned from then on.
        """
        if self._jitted is None:
            self._jitted = self._compile()
        return self._jitted or None

    @property
    def mode(self):
        """``"jit"`` or ``"python"`` (compiles on first access)."""
        return "jit" if self.jitted is not None else "python"

    def _compile(self):
        if not self._use_jit:
            return False
        fun = self.fun
        try:
            if isinstance(fun, _Dispatcher):
                disp = fun
            else:
                disp = _JIT_CACHE.get(fun) if _is_weakrefable(fun) else None
                if disp is None:
                    disp = numba.njit(error_model="numpy")(fun)
                    if _is_weakrefable(fun):
                        _JIT_CACHE[fun] = disp
            sig = (_X_TYPE,) + tuple(numba.typeof(a) for a in self.args)
            disp.compile(sig)
            ret = disp.overloads[sig].signature.return_type
        except Exception as exc:  # numba raises many types; all mean "cannot compile"
            self._mode_reason = _numba_reason(exc)
            warnings.warn(
                f"zeroopt: numba cannot compile the objective {self.name!r}, so it runs in Python mode "
                f"(much slower per evaluation). numba said: {self._mode_reason}. Pass jit=False to "
                f"Problem to choose Python mode without this warning.", PythonModeWarning,
                stacklevel=_user_stacklevel())
            return False
        if not isinstance(ret, (numba.types.Float, numba.types.Integer, numba.types.Boolean)):
            raise TypeError(f"fun must return a real scalar; numba infers that {self.name!r} returns {ret}")
        return disp

    # -- evaluation -----------------------------------------------------------------------------------
    def value(self, x, count=True):
        """f(x) as a float. Counted in ``nfev`` unless ``count=False`` (a measurement, e.g. for a history).

        Non-finite values are returned as they are (line searches treat them as "too far").
        """
        x = _checks.point(x, self.dim)
        if count:
            self.nfev += 1
        jf = self.jitted
        if jf is not None:
            return float(jf(x, *self.args))
        return _scalar(self.fun(x, *self.args), self.name)

    def batch_value(self, X, count=True):
        """Values at the rows of ``X`` (shape (k, dim)): one ``batch_fun`` call if given, else k calls.

        Counts k evaluations in ``nfev`` (unless ``count=False``).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must have shape (k, {self.dim}); got {X.shape}")
        if self.batch_fun is None:
            vals = np.array([self.value(row, count=count) for row in X])
            return vals
        vals = np.asarray(self.batch_fun(np.ascontiguousarray(X), *self.args), dtype=np.float64)
        if vals.shape != (X.shape[0],):
            raise ValueError(f"batch_fun must return shape ({X.shape[0]},) for {X.shape[0]} points; "
                             f"got {vals.shape}")
        if count:
            self.nfev += X.shape[0]
        return vals

    def python_counted(self, counter):
        """``fun`` wrapped for Python-mode kernels: counts each call in ``counter[0]`` and returns a float."""
        fun, name = self.fun, self.name

        def counted(x, *args):
            counter[0] += 1
            return _scalar(fun(x, *args), name)

        return counted

    def record_cost(self, mode, seconds, nev):
        """Update the running estimate of seconds per evaluation in ``mode`` ("serial"/"parallel")."""
        if nev > 0 and seconds > 0:
            per = seconds / nev
            old = self._sec_per_eval.get(mode)
            self._sec_per_eval[mode] = per if old is None else 0.5 * (old + per)

    def reset_counts(self):
        """Set ``nfev`` and ``ngev`` back to zero."""
        self.nfev = 0
        self.ngev = 0

    def __repr__(self):
        known = ", ".join(f"{k}={getattr(self, k):.4g}" for k in ("mu", "L", "f_star")
                          if getattr(self, k) is not None)
        return f"Problem({self.name!r}, dim={self.dim}{', ' + known if known else ''}, nfev={self.nfev})"


def _user_stacklevel():
    """The ``stacklevel`` that makes a warning point at the first caller outside the zeroopt package."""
    import os
    import sys

    pkg = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(pkg):
        frame, level = frame.f_back, level + 1
    return level


def _is_weakrefable(obj):
    try:
        weakref.ref(obj)
        return True
    except TypeError:
        return False


def timed(fn, *a):
    """Call ``fn(*a)`` and return (result, seconds)."""
    t0 = time.perf_counter()
    out = fn(*a)
    return out, time.perf_counter() - t0
