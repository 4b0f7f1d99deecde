"""A compiled derivative as users call it: keyed by shapes, dtypes and arguments; guarded; retraced.

:class:`CompiledDerivative` holds, per *key* (the point's shape and dtype, and each extra argument's
type, shape and dtype - or value, for numbers), up to :data:`MAX_VERSIONS` compiled programs, most
recently used first. A call runs them in turn until one passes its guards; when none does, the function
is recorded again at the new point (a *retrace*) and compiled. Anything the compiler cannot follow makes
it fall back to the traced path (zeroopt.ad's reference, same values up to rounding) with one
:class:`CompileWarning` naming the operation; so does a key that needed more than :data:`MAX_RETRACES`
retraces.
"""

from __future__ import annotations

import threading
import time
import warnings
import weakref

from .. import api
from ..core import Tracer
from ..numpy_names import np
from .build import build
from .emit import Unsupported
from .record import record
from .version import Version, _arg_key, _disagreement, _expected, _signature
from .warn import CompileWarning, _stacklevel

#: a recording with more operations than this is not compiled (compile time grows with the program)
NODE_LIMIT = 2000
#: compiled programs kept per key (each with its own guards)
MAX_VERSIONS = 8
#: retraces per key after which the key stays on the traced path
MAX_RETRACES = 32
_KINDS = ("value_and_grad", "grad", "hvp", "hessian")


_F64 = np.dtype(np.float64)
_NO_V = np.empty(0)                     # v of the programs that take none


class CompiledDerivative:
    """``fun``'s derivative of one ``kind``, compiled per key: what :func:`zeroopt.ad.compiled` returns.

    Call it as ``(x, *args)`` (an hvp: ``(x, v, *args)``); it returns what the traced function of the same
    kind returns (``value_and_grad``: ``(f, g)``; ``grad``: ``g``; ``hvp``: ``H v``; ``hessian``: ``H``).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> scalar``, plain numpy code.
    kind : {"value_and_grad", "grad", "hvp", "hessian"}
        The derivative compiled (default ``"value_and_grad"``).
    node_limit : int, optional
        Recordings with more operations than this are not compiled (default ``NODE_LIMIT``, 2000).
    weak : bool, optional
        Hold ``fun`` by a weak reference (default False; the shared derivative of
        ``zeroopt.ad.compiler.shared`` does, so that a problem's function can be collected).

    Attributes
    ----------
    stats : dict
        Counts of calls: ``calls``, ``compiled`` (answered by compiled code), ``traced`` (fell back),
        ``retraces`` (recordings after the first of a key), ``guard_failures`` (programs whose guards
        failed at a call).

    Raises
    ------
    ValueError
        An unknown kind.
    TypeError
        ``fun`` is not callable.

    See Also
    --------
    zeroopt.ad.compiled : The way to make one, documented in full.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> f = lambda x: np.sum(x ** 2) if x[0] > 0 else np.sum(x ** 3)
    >>> d = zo.ad.compiled(f, "grad")
    >>> d(np.array([1.0, 2.0])), d(np.array([-1.0, 2.0]))   # both branches
    (array([2., 4.]), array([ 3., 12.]))
    >>> d.stats["retraces"], len(d.versions())
    (1, 2)
    """

    def __init__(self, fun, kind="value_and_grad", node_limit=None, weak=False):
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        # (weak: held by zeroopt.ad.compiler.shared, keyed weakly by fun, which must stay collectable)
        self._fun = weakref.ref(fun) if weak else (lambda: fun)
        self.kind = kind
        self.node_limit = NODE_LIMIT if node_limit is None else int(node_limit)
        self._lock = threading.RLock()
        self._versions, self._refused, self._retraces = {}, {}, {}
        self._warned = set()
        self._fast = None               # (args, x.strides, x.shape, versions, out shape): the per-call path
        self._failed = None             # the key whose recording raised in this call
        self._stats = dict(calls=0, compiled=0, traced=0, retraces=0, guard_failures=0)

    @property
    def stats(self):
        """Counts of calls, one dict, updated as calls are made.

        Returns
        -------
        dict
            ``calls``, ``compiled`` (answered by a compiled program), ``traced`` (fell back),
            ``retraces`` (recordings after the first of a key) and ``guard_failures``.

        See Also
        --------
        versions : The compiled programs themselves.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> d = zo.ad.compiled(lambda x: np.sum(x ** 2), "grad")
        >>> _ = d(np.ones(2)); _ = d(np.ones(2))
        >>> d.stats["calls"], d.stats["compiled"]
        (2, 2)
        """
        return self._stats

    @property
    def fun(self):
        """The function differentiated.

        None once a weakly held function was collected.

        See Also
        --------
        zeroopt.ad.compiled : How a compiled derivative is made from ``fun``.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x):
        ...     return np.sum(x ** 2)
        >>> zo.ad.compiled(f, "grad").fun is f
        True
        """
        return self._fun()

    def __repr__(self):
        return f"<compiled {self.kind} of {getattr(self.fun, '__name__', 'fun')}: {self.stats}>"

    # --- calls -------------------------------------------------------------------------------------
    def __call__(self, x, *rest):
        """The derivative at ``x``: ``d(x, *args)``, or ``d(x, v, *args)`` for an hvp.

        Parameters
        ----------
        x : array_like
            The point.
        *rest
            The extra arguments of ``fun``; for an hvp, the direction ``v`` first.

        Returns
        -------
        tuple or numpy.ndarray
            ``(f, g)`` for ``"value_and_grad"``; ``g``, ``H v`` or ``H`` for the other kinds.

        Raises
        ------
        TypeError
            An hvp called without its direction.

        See Also
        --------
        call : The same, with ``v`` and ``args`` apart.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> zo.ad.compiled(lambda x, a: a * np.sum(x ** 2), "grad")(np.ones(2), 3.0)
        array([6., 6.])
        """
        if self.kind == "hvp":
            if not rest:
                raise TypeError("a compiled hvp is called as hvp(x, v, *args)")
            v, args = rest[0], rest[1:]
        else:
            v, args = None, rest
        return self.call(x, v, args)

    def call(self, x, v, args, out=None):
        """The derivative at ``x``, compiled if possible, else traced.

        A compiled program whose guards hold at ``x`` answers; otherwise the function is recorded again
        (a retrace) or, when that is refused, the traced path answers (same values up to rounding).

        Parameters
        ----------
        x : array_like
            The point.
        v : array_like or None
            The hvp's direction (None for the other kinds).
        args : tuple
            The extra arguments of ``fun``.
        out : numpy.ndarray, optional
            Receives the result of a compiled program (the traced path ignores it).

        Returns
        -------
        tuple or numpy.ndarray
            ``(f, g)`` for ``"value_and_grad"``; ``g``, ``H v`` or ``H`` for the other kinds.

        See Also
        --------
        zeroopt.ad.compiled : The derivatives and their guards.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x):
        ...     return np.sum(x ** 2)
        >>> zo.ad.compiled(f, "hvp").call(np.ones(2), np.array([1.0, 0.0]), ())
        array([2., 0.])
        """
        self.stats["calls"] += 1
        got = self._compiled(x, v, args, out)
        if got is not None:
            self.stats["compiled"] += 1
            value, result = got[:2]
            return (value, result) if self.kind == "value_and_grad" else result
        return self._fallback(x, v, args)

    def _fallback(self, x, v, args):
        """The traced path; a recording that failed where the traced path works is refused (and said)."""
        self.stats["traced"] += 1
        failed, self._failed = self._failed, None
        out = self._traced(x, v, args)
        if failed is not None:
            self._refuse(failed, "recording it failed where the traced path works (an operation on a traced "
                                 "argument?)")
        return out

    def value_grad_sumsq(self, x, args):
        r"""The value, the gradient and its squared norm at ``x``: the per-call path of ``ExactAD``.

        Parameters
        ----------
        x : numpy.ndarray
            A float64 vector.
        args : tuple
            The extra arguments of ``fun``.

        Returns
        -------
        tuple
            ``(f, g, sumsq)``: ``sumsq`` is :math:`\|g\|^2` from the program, None when the traced
            path answered.

        See Also
        --------
        zeroopt.ExactAD : Calls it with ``compiled=True``.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x):
        ...     return np.sum(x ** 2)
        >>> f_x, g, s = zo.ad.compiled(f).value_grad_sumsq(np.array([1.0, 2.0]), ())
        >>> float(f_x), g, float(s)
        (5.0, array([2., 4.]), 20.0)
        """
        stats = self.stats
        stats["calls"] += 1
        fast = self._fast
        if (fast is not None and args is fast[0] and type(x) is np.ndarray and x.dtype is _F64
                and x.strides == fast[1] and x.shape == fast[2]):
            ver = fast[3][0] if fast[3] else None
            if ver is not None and ver.entry is not None and not ver.checked:
                result = np.empty(fast[4])
                status, value, sumsq = ver.entry(x, _NO_V, args, ver.built.consts, result)
                if status == 0:
                    stats["compiled"] += 1
                    return value, result, sumsq
        got = self._compiled(x, None, args, None)
        if got is not None:
            self.stats["compiled"] += 1
            return got[:3]
        value, g = self._fallback(x, None, args)
        return value, g, None

    def program(self, x, args):
        """The compiled program whose guards hold at ``x``, for a compiled loop to call.

        The program is recorded and compiled at ``x`` if no program of its key holds there (a retrace).
        A loop calls it as ``program(x, v, args, consts, out) -> (status, value, sumsq)``: ``status`` 0,
        or the number of the guard that failed (then the loop asks for the program at that point again);
        ``v`` an empty array for a gradient; ``out`` receives the gradient.

        Parameters
        ----------
        x : ndarray
            A float64 point.
        args : tuple
            The function's extra arguments.

        Returns
        -------
        (dispatcher, consts) or None
            numba's dispatcher of the program and its constant arrays; None where ``x``'s key runs on
            the traced path, or where the program checks an argument by content (only a Python call
            does). Not counted in ``stats``: the loop's call is the evaluation.

        See Also
        --------
        zeroopt.ExactAD.fast_path : The exact gradient's kernel, which calls the program.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> d = zo.ad.compiled(lambda x: np.sum(x ** 3))
        >>> x, g = np.array([1.0, 2.0]), np.empty(2)
        >>> prog, consts = d.program(x, ())
        >>> prog(x, np.empty(0), (), consts, g)[0], g     # status 0: g is set
        (0, array([ 3., 12.]))
        """
        got = self._compiled(x, None, args, None)
        if got is None or got[3].checked:
            return None
        return got[3].built.dispatcher, got[3].built.consts

    def _traced(self, x, v, args):
        with np.errstate(all="ignore"):       # (as the compiled code: non-finite values are for the caller)
            return self._traced_call(x, v, args)

    def _traced_call(self, x, v, args):
        if self.kind == "value_and_grad":
            return api.value_and_grad(self.fun)(x, *args)
        if self.kind == "grad":
            return api.grad(self.fun)(x, *args)
        if self.kind == "hvp":
            return api.hvp(self.fun)(x, v, *args)
        return api.hessian(self.fun)(x, *args)

    def _prepare(self, x, v, args):
        """(x, v, key, traced args, checked args, out shape, out dtype) or a reason it cannot compile."""
        if type(x) is Tracer or type(v) is Tracer or any(type(a) is Tracer for a in args):
            return None
        dtype = api._dtype(x, v) if v is not None else api._dtype(x)
        x = np.ascontiguousarray(x, dtype=np.float64)
        if x.ndim == 0:
            return "a 0-d point x"
        if v is not None:
            v = np.ascontiguousarray(v, dtype=np.float64)
            if v.shape != x.shape:
                raise ValueError(f"the tangent v must have the shape of x, {x.shape}; got {v.shape}")
        keys, traced, checked = [], [], []
        for k, a in enumerate(args):
            got = _arg_key(a)
            if got is None:
                return f"an argument of type {type(a).__name__} (argument {k + 1} after x)"
            keys.append(got[0])
            if got[1]:
                traced.append(k)
            if got[2]:
                checked.append(k)
        key = (x.shape, np.dtype(dtype).str, _signature(x), tuple(keys))
        shape = x.shape + x.shape if self.kind == "hessian" else x.shape
        return x, v, key, traced, checked, shape, dtype

    def _compiled(self, x, v, args, out):
        fast = self._fast
        if (fast is not None and args is fast[0] and v is None and type(x) is np.ndarray and x.dtype is _F64
                and x.strides == fast[1] and x.shape == fast[2]):
            result = np.empty(fast[4]) if out is None else out
            for ver in fast[3]:
                status, value, sumsq = ver.run(x, _NO_V, args, result)
                if status == 0:
                    ver.hits += 1
                    return value, result, sumsq, ver
                self.stats["guard_failures"] += 1
            return self._slow(x, v, args, out, tried=True)
        return self._slow(x, v, args, out)

    def _slow(self, x, v, args, out, tried=False):
        prep = self._prepare(x, v, args)
        if prep is None:
            return None
        if isinstance(prep, str):
            self._refuse(None, prep)
            return None
        x, v, key, traced, checked, shape, dtype = prep
        if key in self._refused:
            return None
        vv = v if v is not None else _NO_V
        result = np.empty(shape) if out is None else out
        if v is None and np.dtype(dtype) == np.float64 and x.flags.writeable and x.dtype is _F64:
            self._fast = (args, x.strides, x.shape, self._versions.setdefault(key, []), shape)
        for ver in [] if tried else list(self._versions.get(key, ())):
            status, value, sumsq = ver.run(x, vv, args, result)
            if status == 0:
                ver.hits += 1
                return self._answer(value, result, sumsq, dtype, out) + (ver,)
            self.stats["guard_failures"] += 1
        with self._lock:
            retraces = self._retraces.get(key, 0)
            if retraces >= MAX_RETRACES:
                self._refuse(key, f"its guards failed at {retraces} points of the same shape (decisions on the "
                                  f"values keep changing: see zeroopt.ad.compiled)")
                return None
            got = self._record(x, v, args, traced, checked, shape, key)
            if got is None:
                return None
            ver, expected = got
            self._retraces[key] = retraces + 1
            if retraces:
                self.stats["retraces"] += 1
            status, value, sumsq = ver.run(x, vv, args, result)
            if status != 0:
                g = ver.built.guards[status - 1] if status > 0 else None
                self._refuse(key, f"the compiled check of {g.name if g else 'an argument'}"
                                  f"{' (' + g.where + ')' if g is not None and g.where else ''} disagrees with the "
                                  f"traced decision at the recorded point (a tie?)")
                return None
            problem = _disagreement(expected, value, result)
            if problem:
                self._refuse(key, f"the compiled and the traced {self.kind} disagree at the recorded point "
                                  f"({problem}): a template error, please report it")
                return None
            versions = self._versions.setdefault(key, [])
            versions.insert(0, ver)
            del versions[MAX_VERSIONS:]
            return self._answer(value, result, sumsq, dtype, out) + (ver,)

    @staticmethod
    def _answer(value, result, sumsq, dtype, out):
        if out is None and np.dtype(dtype) != np.float64:
            result = result.astype(dtype)
        return value, result, sumsq

    # --- recording and compiling ---------------------------------------------------------------------
    def _target(self):
        fun = self.fun
        if self.kind in ("value_and_grad", "grad"):
            return lambda x, *args: api.value_and_grad(fun)(x, *args), "grad"
        return lambda x, v, *args: (api.hvp(fun)(x, v, *args),), "hvp" if self.kind == "hvp" else "hessian"

    def _record(self, x, v, args, traced, checked, shape, key):
        target, kind = self._target()
        with_v = kind in ("hvp", "hessian")
        if with_v and v is None:                # the Hessian: recorded along e_0, its first column
            v = np.zeros_like(x)
            v.reshape(-1)[0] = 1.0
        inputs = (x,) + ((v,) if with_v else ()) + tuple(args)
        first = 2 if with_v else 1
        sources = {0: "x", **({1: "v"} if with_v else {}), **{first + k: ("arg", k) for k in traced}}
        t0 = time.perf_counter()
        try:
            with np.errstate(all="ignore"):
                rec = record(target, inputs, sources)
        except Exception:             # the traced path says what went wrong (or works with plain args)
            if not traced:
                self._failed = key
                return None
            sources = {0: "x", **({1: "v"} if with_v else {})}
            checked = sorted(set(checked) | set(traced))
            try:
                with np.errstate(all="ignore"):
                    rec = record(target, inputs, sources)
            except Exception:
                self._failed = key
                return None
        seconds = time.perf_counter() - t0
        if rec.reads:
            where, line = rec.reads[0]
            return self._refuse(key, f"{where} reads the values of a traced array, a decision the compiled code "
                                     f"could not check" + (f" ({line})" if line else ""))
        if len(rec) > self.node_limit:
            return self._refuse(key, f"its recording has {len(rec)} operations, above the node limit "
                                     f"{self.node_limit} (node_limit=...; a Python loop over the entries of x "
                                     f"records one operation per entry)")
        try:
            built = build(rec, kind, shape)
        except Unsupported as exc:
            return self._refuse(key, f"{exc} has no compiled form")
        ver = Version(built, [(k, np.array(args[k], copy=True)) for k in checked], len(rec), seconds)
        return ver, _expected(rec, kind)

    def _refuse(self, key, reason):
        if key is not None:
            self._refused[key] = reason
        if reason not in self._warned:
            self._warned.add(reason)
            name = getattr(self.fun, "__name__", "fun")
            warnings.warn(f"zeroopt.ad: the {self.kind} of {name} is not compiled: {reason}. It runs on the "
                          f"traced path (the same derivative up to rounding, slower).", CompileWarning,
                          stacklevel=_stacklevel())
        return None

    # --- inspection ----------------------------------------------------------------------------------
    def versions(self):
        """Every compiled program, one dict each.

        Returns
        -------
        list of dict
            ``key``, ``nodes`` (operations recorded), ``statements`` (lines of generated code),
            ``record_s`` and ``compile_s`` (seconds), ``hits`` and ``guards``.

        See Also
        --------
        zeroopt.ad.compiled : Why a function has several programs (guards and retraces).

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x):
        ...     return np.sum(x ** 2)
        >>> d = zo.ad.compiled(f, "grad")
        >>> _ = d(np.ones(3))
        >>> [v["guards"] for v in d.versions()]
        [0]
        """
        return [dict(key=k, nodes=v.nodes, statements=v.built.statements, record_s=v.record_s,
                     compile_s=v.compile_s, hits=v.hits, guards=len(v.built.guards))
                for k, vs in self._versions.items() for v in vs]
