"""A problem's compiled state: its jitted objective, the kernels' entry points, the cost of an evaluation.

:class:`Compiled` (``problem.compiled``) is what the estimators, line searches and optimizers use to run
a kernel (a :class:`zeroopt._twice.Twice`) on a problem's objective: the compiled kernel for a jitted
objective, the Python kernel with a wrapped objective otherwise. Every kernel counts its evaluations
into a ``tally`` array as it goes (before each call of the objective), so the count reaches the problem
also when the objective raises or the run is interrupted.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import re
import sys
import threading
import time
import warnings
import weakref

import numba
import numpy as np
from numba.core.registry import CPUDispatcher

__all__ = ["Compiled", "PythonModeWarning", "scalar_value", "user_stacklevel", "new_tally"]


class PythonModeWarning(RuntimeWarning):
    """Issued once per problem whose objective numba cannot compile; the problem then runs in Python.

    The message carries numba's reason. ``Problem(..., jit=False)`` chooses Python mode without it.

    See Also
    --------
    zeroopt.Problem : Its ``mode`` says which mode a problem runs in.
    zeroopt.GlobalArrayWarning : The other warning a problem can give.

    Examples
    --------
    >>> import warnings, numpy as np, zeroopt as zo
    >>> def simulator(x):
    ...     # Python objects: numba cannot compile it
    ...     return float(sum(v * v for v in x.tolist()))
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     p = zo.Problem(simulator, 2); print(p.mode)
    python
    >>> w[0].category.__name__
    'PythonModeWarning'
    """


# One dispatcher per Python function: every Problem built on the same `fun` shares the compiled code, so a
# kernel specialised on that dispatcher compiles once per session rather than once per Problem.
_JIT_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_X = numba.types.Array(numba.types.float64, 1, "C")
_X_READONLY = numba.types.Array(numba.types.float64, 1, "C", readonly=True)


def new_tally(rows=1):
    """A kernel's tally: one row per chunk of work, columns (evaluations, failing point code, its value)."""
    return np.zeros((rows, 3))


#: how to turn what an objective returned into the number it must return (both modes say it)
_RETURN_A_NUMBER = ("Return a number: for a one-element array a, a[0] (for a 0-d array, a[()]); arrays are "
                    "refused whatever their size, in Python mode as under jit")


def scalar_value(value, where="fun"):
    """Convert an objective's return value to float: a real number (Python's or numpy's), never an array -
    not even a 0-d or one-element one, which numba's compiled objectives cannot return either."""
    if isinstance(value, numbers.Real):
        return float(value)
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    what = type(value).__name__ + (f" with shape {shape}" if shape is not None else "") + \
        (f" and dtype {dtype}" if dtype is not None else "")
    raise TypeError(f"fun must return a real scalar; {where!r} returned {what}. {_RETURN_A_NUMBER}")


def user_stacklevel():
    """The ``stacklevel`` that makes a warning point at the first caller outside the zeroopt package."""
    pkg = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(pkg):
        frame, level = frame.f_back, level + 1
    return level


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


def _wrote_error(name):
    return ValueError(f"the objective {name!r} writes into its argument x. zeroopt hands it a read-only x so "
                      f"that it cannot change the optimizer's iterate or a finite-difference work vector; "
                      f"copy x inside the objective (x = x.copy()) before modifying it.")


def _readonly(x):
    v = x.view()
    v.flags.writeable = False
    return v


class Compiled:
    """The compiled state of a :class:`~zeroopt.Problem` (``problem.compiled``).

    Attributes
    ----------
    fun : numba dispatcher or None
        The jitted objective (compiled on first access), or None in Python mode.
    reason : str or None
        Why the problem runs in Python mode (numba's message, or "jit=False").
    """

    def __init__(self, problem, jit=True):
        self._problem = weakref.proxy(problem)
        self.uses_jit = bool(jit)
        self._fun = None               # the dispatcher once compiled; False once Python mode is settled
        self._readonly_ok = True       # value() may pass a read-only view to the compiled objective
        self.reason = None if self.uses_jit else "jit=False"
        self._lock = threading.Lock()
        self._entries = {}             # kernel -> (args it was typed for, compiled entry point)
        self._cost = {}                # mode -> running seconds per evaluation (timed kernel calls)
        self.python_objective = self._python_objective()

    # -- the objective ---------------------------------------------------------------------------------
    @property
    def fun(self):
        if self._fun is None:
            with self._lock:
                if self._fun is None:
                    self._fun = self._compile()
        return self._fun or None

    def _compile(self):
        p = self._problem
        if not self.uses_jit:
            return False
        fun = p.fun
        try:
            if isinstance(fun, CPUDispatcher):
                disp = fun
            else:
                disp = _JIT_CACHE.get(fun) if _weakrefable(fun) else None
                if disp is None:
                    disp = numba.njit(error_model="numpy")(fun)
                    if _weakrefable(fun):
                        _JIT_CACHE[fun] = disp
            arg_types = (_X,) * p.stochastic + tuple(numba.typeof(a) for a in p.args)  # (xi, *args)
            disp.compile((_X,) + arg_types)
            ret = disp.overloads[(_X,) + arg_types].signature.return_type
        except Exception as exc:  # numba raises many types; all mean "cannot compile"
            self.reason = _numba_reason(exc)
            warnings.warn(
                f"zeroopt: numba cannot compile the objective {p.name!r}, so it runs in Python mode "
                f"(much slower per evaluation). numba said: {self.reason}. Pass jit=False to "
                f"Problem to choose Python mode without this warning.", PythonModeWarning,
                stacklevel=user_stacklevel())
            return False
        if not isinstance(ret, (numba.types.Float, numba.types.Integer, numba.types.Boolean)):
            raise TypeError(f"fun must return a real scalar; numba infers that {p.name!r} returns {ret}. "
                            f"{_RETURN_A_NUMBER}")
        try:  # the read-only specialisation: fails to compile exactly when the objective writes into x
            disp.compile((_X_READONLY,) + arg_types)
        except Exception as exc:
            if "readonly" in str(exc):
                raise _wrote_error(p.name) from None
            self._readonly_ok = False  # some other limitation: value() passes copies instead
        return disp

    def _python_objective(self):
        """``fun`` for Python-mode kernels: a read-only x, a float result, a clear error on writes."""
        p = self._problem
        fun, name = p.fun, p.name

        def objective(x, *args):
            try:
                return scalar_value(fun(_readonly(x), *args), name)
            except ValueError as exc:
                if "read-only" in str(exc):
                    raise _wrote_error(name) from exc
                raise

        return objective

    def value(self, x, xi=None):
        """f(x) (not counted: :meth:`Problem.value` counts), or F(x, xi) for a stochastic problem. The
        objective gets a read-only view of x."""
        jf = self.fun
        p = self._problem
        lead = () if xi is None else (xi,)
        if jf is None:
            return self.python_objective(x, *lead, *p.args)
        return float(jf(_readonly(x) if self._readonly_ok else x.copy(), *lead, *p.args))

    # -- kernels ----------------------------------------------------------------------------------------
    def run(self, kernel, *kargs, tally, entry=None):
        """``kernel(fun, *kargs, tally, args)`` on this objective (compiled for a jitted objective, else as
        Python), returned as the kernel's named result; its evaluations are counted in the problem's
        ``nfev`` also when it raises. Called through numba's dispatcher: for kernels whose argument types
        vary between calls, such as the optimizers' loop (it takes the oracle's kernel as an argument).

        ``entry``: a list the caller keeps while the types of its arguments stay the same (numba's types:
        the same dispatchers, arrays of the same dtype, dimensions and layout, Python scalars of the same
        kind). The first call fills ``entry[0]`` with the compiled entry point, and later calls go through
        it, skipping numba's typing of every argument (~80 us for the gd loop's, which takes dispatchers):
        a loop run in many short chunks (a checkpoint every iteration) pays it once. The entry point checks
        none of the types: keeping them the same is the caller's part.
        """
        jf = self.fun
        p = self._problem
        with self.counted(tally):
            if jf is None:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the kernels check
                    return kernel.named(kernel.py(self.python_objective, *kargs, tally, p.args))
            full = (jf,) + kargs + (tally, p.args)
            if entry is not None and entry[0] is not None and entry[0][0] is p.args:
                return kernel.named(_unwrap_parallel(entry[0][1], full))
            out = _unwrap_parallel(kernel.jit, full)
            if entry is not None:
                compiled = kernel.jit.overloads.get(tuple(numba.typeof(a) for a in full))
                entry[0] = None if compiled is None else (p.args, compiled.entry_point)
            return kernel.named(out)

    def estimate(self, kernel, x, draw, params, G, scratch, tally, timed=None):
        """One estimate by an estimator kernel, ``kernel(fun, x, draw, params, G, scratch, tally, args)``
        (the signature of :mod:`zeroopt.kernels`), counted like :meth:`run`.

        This is the estimators' per-call path. After its first call for given types, a compiled kernel is
        called through its compiled entry point, skipping numba's per-call type dispatch (~5 us for a
        kernel that takes a dispatcher). The entry point is kept per kernel and per the types of ``draw``
        and ``params`` (``x``, ``G``, ``scratch`` and ``tally`` are the callers' own float64 arrays), and
        re-typed if ``problem.args`` is replaced. ``timed`` ("serial" or "parallel"): the call updates the
        measured seconds per evaluation in that mode. Returns the kernel's result as the plain tuple it
        returned (``kernels.KernelResult._make`` names it).
        """
        jf = self._fun or self.fun
        p = self._problem
        if tally.shape[0] == 1:
            tally[0, 0] = 0.0
        else:
            tally[:, 0] = 0.0
        try:
            args = p.args
            if jf is None:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    return kernel.py(self.python_objective, x, draw, params, G, scratch, tally, args)
            key = _entry_key(kernel, draw, params)
            cached = self._entries.get(key)
            if cached is not None and cached[0] is args:
                if timed is None:
                    return _unwrap_parallel(cached[1], (jf, x, draw, params, G, scratch, tally, args))
                t0 = time.perf_counter()
                out = _unwrap_parallel(cached[1], (jf, x, draw, params, G, scratch, tally, args))
                self.record_cost(timed, time.perf_counter() - t0, tally[:, 0].sum())
                return out
            full = (jf, x, draw, params, G, scratch, tally, args)
            out = _unwrap_parallel(kernel.jit, full)  # the first call may compile: never timed
            compiled = kernel.jit.overloads.get(tuple(numba.typeof(a) for a in full))
            if compiled is not None:
                self._entries[key] = (args, compiled.entry_point)
            return out
        finally:
            p.count(int(tally[0, 0] if tally.shape[0] == 1 else tally[:, 0].sum()))

    def entry_point(self, kernel, draw, params):
        """The compiled entry point :meth:`estimate` keeps for ``kernel`` with arguments of the types of
        ``draw`` and ``params`` and the problem's current ``args``, or None (not compiled yet, or Python
        mode). Calling it skips numba's type dispatch and checks nothing: the caller passes arguments of
        exactly those types (and x, G, scratch, tally as :meth:`estimate` documents)."""
        cached = self._entries.get(_entry_key(kernel, draw, params))
        if cached is None or cached[0] is not self._problem.args:
            return None
        return cached[1]

    @contextlib.contextmanager
    def counted(self, tally=None):
        """A tally for a kernel (zeroed, or a new one row), whose evaluations are counted in the problem's
        ``nfev`` when the block ends - also when it raises or is interrupted."""
        tally = new_tally() if tally is None else tally
        tally[:, 0] = 0.0
        try:
            yield tally
        finally:
            self._problem.count(int(tally[0, 0] if tally.shape[0] == 1 else tally[:, 0].sum()))

    # -- measured cost ------------------------------------------------------------------------------------
    def seconds_per_eval(self, mode):
        """The measured seconds per evaluation in ``mode`` ("serial" or "parallel"), or None."""
        return self._cost.get(mode)

    def record_cost(self, mode, seconds, nev):
        """Update the running estimate of seconds per evaluation in ``mode`` with one timed call."""
        if nev > 0 and seconds > 0:
            per = seconds / nev
            old = self._cost.get(mode)
            self._cost[mode] = per if old is None else 0.5 * (old + per)

    def __repr__(self):
        state = "not compiled yet" if self._fun is None else ("jit" if self._fun else f"python ({self.reason})")
        return f"<Compiled {self._problem.name!r}: {state}>"


def _entry_key(kernel, draw, params):
    """The key of a kernel's entry point: the kernel, the draw's signature, and the type of ``params`` and
    the signature of each of its items (arrays and tuples by their signature, a compiled function by
    itself)."""
    return (kernel, _signature(draw), type(params), *[_signature(v) for v in params])


def _signature(v):
    """What numba's typing of ``v`` depends on, cheaply: arrays their dtype, dimensions, layout and
    writeability; tuples their items'; a numba dispatcher itself (numba types each one apart: code
    compiled for one function - a compiled derivative's program before a retrace - must never run another
    of the same class); anything else its type. An entry point is reused only for equal signatures (it
    does not check what it is given)."""
    t = type(v)
    if t is np.ndarray:
        f = v.flags
        return (v.dtype.str, v.ndim, f.c_contiguous, f.f_contiguous, f.writeable, f.aligned)
    if t is tuple:
        return tuple(_signature(u) for u in v)
    return v if t is CPUDispatcher else t


def _unwrap_parallel(dispatcher, args):
    """``dispatcher(*args)``, re-raising what the objective raised where numba's parallel region wrapped
    it into a SystemError."""
    try:
        return dispatcher(*args)
    except SystemError as exc:
        if exc.__cause__ is not None:
            raise exc.__cause__ from None
        raise


def _weakrefable(obj):
    try:
        weakref.ref(obj)
        return True
    except TypeError:
        return False

