"""The objective, written once in plain numpy, and what is known about it.

A :class:`Problem` bundles ``fun(x, *args) -> float`` with its data ``args`` and its dimension. The same
Python function serves three consumers: numba compiles it (lazily, on first use) so the estimators call
it from jitted loops; :mod:`zeroopt.ad` runs it with a traced array to get exact gradients; plain Python
calls it when numba cannot compile it (simulators, arbitrary callables).

A problem counts what methods spend on it (``nfev``, ``ngev``, ``nhev``) exactly, also when several
threads share it: every count goes through :meth:`Problem.count`, which adds under a lock, and a method
that wants its own figure opens a :meth:`Problem.counting` scope, which sees only the counts of its own
thread. Its compiled state - the jitted objective, the compiled kernels' entry points and the measured
cost of an evaluation - is the public object :attr:`Problem.compiled` (:class:`Compiled`).
"""

from __future__ import annotations

import contextlib
import math
import threading
import warnings

import numpy as np

from . import _checks
from ._compiled import Compiled, PythonModeWarning, user_stacklevel
from .xi import Xi

__all__ = ["Problem", "Counts", "Compiled", "PythonModeWarning", "GlobalArrayWarning"]


class GlobalArrayWarning(UserWarning):
    """An objective reads a module-level or closure numpy array: numba freezes it into the compiled code.

    The compiled objective keeps the array as it was when it was compiled, while ExactAD and Python mode
    read the live array; pass the data through ``args`` instead.

    See Also
    --------
    zeroopt.Problem : Its ``args``.
    zeroopt.PythonModeWarning : The other warning a problem can give.

    Examples
    --------
    >>> import warnings, numpy as np, zeroopt as zo
    >>> A = np.eye(2)
    >>> def f(x):
    ...     return x @ (A @ x)
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     p = zo.Problem(f, 2)
    >>> w[0].category.__name__
    'GlobalArrayWarning'

    The same data through ``args``, without a warning:

    >>> def f(x, A):
    ...     return x @ (A @ x)
    >>> p = zo.Problem(f, 2, args=(A,))
    """


class Counts:
    """Evaluations counted in one :meth:`Problem.counting` scope: ``nfev``, ``ngev``, ``nhev``.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> with p.counting() as c:
    ...     _ = zo.TwoPoint()(p, np.zeros(3))
    >>> c.nfev, p.nfev
    (2, 2)
    """

    __slots__ = ("nfev", "ngev", "nhev")

    def __init__(self):
        self.nfev = self.ngev = self.nhev = 0

    def __repr__(self):
        return f"Counts(nfev={self.nfev}, ngev={self.ngev}, nhev={self.nhev})"


class Problem:
    """An objective ``fun(x, *args) -> float`` in ``dim`` variables, its data and its known constants.

    Parameters
    ----------
    fun : callable
        Plain numpy code ``fun(x, *args) -> float`` with ``x`` a 1-D float64 array of length ``dim``.
        ``fun`` receives a read-only ``x``: an objective that writes into it raises an error naming it
        (in Python mode when it writes, in jit mode when it is compiled). Data (matrices, samples) goes
        in ``args``, not in globals or closures: numba freezes those into the compiled code while
        :class:`~zeroopt.ExactAD` reads the live array, so a :class:`GlobalArrayWarning` is issued for an
        objective that reads a global or closure array. Any Python callable (a simulator, an object with
        ``__call__``) is accepted; if numba cannot compile it the problem runs in Python mode and warns
        once (:class:`PythonModeWarning`) with numba's reason. An already ``numba.njit``-ed function is
        used as is (its ``py_func`` serves AD).
    dim : int
        Dimension n of ``x``.
    args : tuple
        Extra arguments passed to ``fun`` (and ``batch_fun``) after ``x``.
    x_star, f_star, mu, L : optional
        A minimiser, the optimal value, the strong-convexity and smoothness constants, where known.
        ``step=None`` in :func:`zeroopt.minimize` uses ``L``; histories use ``x_star``.
    name : str, optional
        A label for messages and results (default: ``fun.__name__``).
    batch_fun : callable, optional
        ``batch_fun(X, *args) -> values``, one row of ``X`` per point: lets multi-point estimators evaluate
        all their points in one call (e.g. one matrix-matrix product instead of 2q matrix-vector ones).
    jit : bool
        ``False`` skips numba entirely (Python mode, no warning): for callables known not to compile.
    xi : Xi, optional
        Makes the problem stochastic: ``fun(x, xi, *args)``, with ``xi`` a float64 array drawn afresh for
        every evaluation as the :class:`~zeroopt.Xi` says (its ``common``: common random numbers). The
        objective is :math:`f(x) = \\mathbb E_\\xi F(x, \\xi)`. A random oracle draws the ``xi`` of its
        evaluations as part of its own draw, from the run's stream, so a run is reproducible from its seed
        whatever the threads, jobs or backends; :meth:`value` draws from its ``rng`` or the problem's own
        stream (``seed``).
    noiseless : callable, optional
        ``noiseless(x, *args) -> float``, the noiseless f of a stochastic problem (its mean, or the
        objective without its noise; plain numpy): what histories measure and ``value(x, count=False)``
        returns. Without it a history measures :math:`F(x, \\xi)` at a draw of its own, and says so.
    seed : int, SeedSequence or Generator, default 0
        The problem's own stream of ``xi``, for counted evaluations outside an oracle's draw
        (:meth:`value`: a method's f(x_k), a line search); threads that share the problem share it.

    Attributes
    ----------
    nfev, ngev, nhev : int
        Function values, exact (AD) gradients and Hessians spent by methods on this problem: every
        evaluation an estimator, line search or optimizer made. ``value(x, count=False)`` is a measurement
        and is not counted (histories use it). Exact under threads: see :meth:`count`.
    compiled : Compiled
        The jitted objective, the kernels' entry points, the measured seconds per evaluation.

    Raises
    ------
    TypeError
        ``fun`` or ``batch_fun`` not callable, ``args`` not a tuple, ``dim`` not an integer.
    ValueError
        ``dim < 1``, ``mu > L``, non-finite or misshapen ``x_star``, non-finite ``f_star``.

    See Also
    --------
    zeroopt.problems : The test problems, each a Problem.
    zeroopt.minimize : Minimises one.
    zeroopt.ExactAD : The exact gradient of the same objective.

    Examples
    --------
    The objective is plain numpy and returns what numpy returns (no ``float(...)``, which would stop
    :class:`~zeroopt.ExactAD` from tracing it), so the same function serves the estimators, numba and
    the exact gradient:

    >>> import numpy as np, zeroopt as zo
    >>> def f(x, c):
    ...     return np.sum((x - c) ** 2)
    >>> p = zo.Problem(f, 3, args=(np.ones(3),), f_star=0.0)
    >>> p.value(np.zeros(3)), p.nfev
    (3.0, 1)
    >>> zo.ExactAD()(p, np.zeros(3)), p.ngev
    (array([-2., -2., -2.]), 1)
    """

    def __init__(self, fun, dim, args=(), x_star=None, f_star=None, mu=None, L=None, name=None,
                 batch_fun=None, jit=True, xi=None, noiseless=None, seed=0):
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
            f_star = _checks.real(f_star, "f_star")
            if not math.isfinite(f_star):
                raise ValueError(f"f_star must be finite, got {f_star}")
        self.f_star = f_star
        self.mu = _checks.positive_float(mu, "mu", allow_none=True)
        self.L = _checks.positive_float(L, "L", allow_none=True)
        if self.mu is not None and self.L is not None and self.mu > self.L:
            raise ValueError(f"mu must not exceed L; got mu={self.mu}, L={self.L}")
        self.name = name if name is not None else getattr(fun, "__name__", type(fun).__name__)
        self._stochastic(xi, noiseless, seed)
        self._lock = threading.Lock()
        self._scopes = {}  # thread ident -> that thread's open counting scopes
        self._totals = [0, 0, 0]
        self.compiled = Compiled(self, jit=bool(jit))
        if self.compiled.uses_jit:
            _warn_global_arrays(self)

    def _stochastic(self, xi, noiseless, seed):
        if xi is not None and not isinstance(xi, Xi):
            raise TypeError(f"xi must be a zeroopt.Xi (e.g. zo.Xi('index', count=M)) or None, got {type(xi).__name__}")
        if noiseless is not None and not callable(noiseless):
            raise TypeError(f"noiseless must be callable or None, got {type(noiseless).__name__}")
        if xi is None and noiseless is not None:
            raise ValueError("noiseless is the noiseless f of a stochastic problem: give xi too")
        if xi is not None and self.batch_fun is not None:
            raise ValueError("batch_fun cannot serve a stochastic problem (xi given): each point needs its xi")
        self.xi, self.noiseless, self.seed = xi, noiseless, seed
        self._rng = None if xi is None else _checks.generator(seed, "seed")
        self._rng_lock = threading.Lock()

    @property
    def stochastic(self):
        """True if the objective takes a random input, ``fun(x, xi, *args)`` (``xi`` was given).

        Returns
        -------
        bool
            ``xi is not None``.

        See Also
        --------
        zeroopt.Xi : The random input.
        draw_xi : Draws one.

        Examples
        --------
        >>> import zeroopt as zo
        >>> def f(x, xi):
        ...     return float(x @ x + xi[0])
        >>> zo.Problem(f, 2, xi=zo.Xi()).stochastic
        True
        >>> zo.problems.rosenbrock(2).stochastic
        False
        """
        return self.xi is not None

    def draw_xi(self, rng=None):
        """One xi for an evaluation outside an oracle's draw, from ``rng`` or the problem's own stream.

        Parameters
        ----------
        rng : numpy Generator, int, SeedSequence or None, optional
            The stream to draw from; None (the default) draws from the problem's own stream
            (``seed``), under a lock: threads that share the problem share it.

        Returns
        -------
        ndarray, shape (size,)
            A new float64 array, as :meth:`Xi.draw` makes it.

        Raises
        ------
        TypeError, ValueError
            A bad ``rng``, named.
        AttributeError
            The problem is not stochastic (it has no ``xi``).

        See Also
        --------
        Xi.draw : Makes it.
        value : Uses it for a counted evaluation of a stochastic problem.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x, xi):
        ...     return float(x @ x) + int(xi[0])
        >>> p = zo.Problem(f, 2, xi=zo.Xi("index", count=10))
        >>> p.draw_xi(np.random.default_rng(0))
        array([5.])
        """
        if rng is not None:
            return self.xi.draw(_checks.generator(rng, "rng"))
        with self._rng_lock:
            return self.xi.draw(self._rng)

    def noiseless_value(self, x):
        """The noiseless f(x) of a stochastic problem (``noiseless``), not counted; None without one.

        Parameters
        ----------
        x : array_like, shape (n,)
            The point; ``noiseless`` receives a read-only float64 copy.

        Returns
        -------
        float or None
            ``noiseless(x, *args)``, or None if the problem has no ``noiseless``.

        See Also
        --------
        value : With ``count=False`` it returns this value when there is one.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def f(x, xi):
        ...     return float(x @ x + xi[0])
        >>> def mean(x):
        ...     return float(x @ x)
        >>> p = zo.Problem(f, 2, xi=zo.Xi(), noiseless=mean)
        >>> p.noiseless_value(np.ones(2)), p.nfev
        (2.0, 0)
        >>> print(zo.Problem(f, 2, xi=zo.Xi()).noiseless_value(np.ones(2)))
        None
        """
        if self.noiseless is None:
            return None
        v = np.array(x, dtype=np.float64)
        v.flags.writeable = False
        return float(self.noiseless(v, *self.args))

    # -- counting ------------------------------------------------------------------------------------
    def count(self, nfev=0, ngev=0, nhev=0):
        """Add evaluations to the totals and to this thread's open counting scopes, atomically.

        Every count of every method goes through here: it adds under a lock, so the totals are exact when
        several threads share the problem.

        Parameters
        ----------
        nfev, ngev, nhev : int, default 0
            Function values, exact gradients and Hessians to add.

        Returns
        -------
        None

        See Also
        --------
        counting : A scope that sees only its own thread's counts.
        reset_counts : Set the totals back to zero.

        Examples
        --------
        >>> import zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> p.count(nfev=3)
        >>> p.nfev
        3
        """
        with self._lock:
            t = self._totals
            t[0] += nfev
            t[1] += ngev
            t[2] += nhev
        scopes = self._scopes.get(threading.get_ident()) if self._scopes else None
        if scopes:
            for c in scopes:
                c.nfev += nfev
                c.ngev += ngev
                c.nhev += nhev

    @contextlib.contextmanager
    def counting(self):
        """Open a scope that counts only this thread's evaluations on this problem.

        Scopes nest; a run of :func:`zeroopt.minimize` opens one, so its ``nfev`` is exact even when other
        threads use the same problem at the same time.

        Yields
        ------
        object
            The scope's counts, with the attributes ``nfev``, ``ngev`` and ``nhev``.

        See Also
        --------
        count : Adds to the totals and to the open scopes.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> _ = p.value(np.zeros(3))
        >>> with p.counting() as c:
        ...     _ = zo.TwoPoint()(p, np.zeros(3))
        >>> c.nfev, p.nfev
        (2, 3)
        """
        ident = threading.get_ident()
        c = Counts()
        with self._lock:
            self._scopes.setdefault(ident, []).append(c)
        try:
            yield c
        finally:
            with self._lock:
                scopes = self._scopes[ident]
                scopes.remove(c)
                if not scopes:
                    del self._scopes[ident]

    def _total(i):  # noqa: N805 - a property factory
        def get(self):
            return self._totals[i]

        def set_(self, value):
            with self._lock:
                self._totals[i] = _checks.nonnegative_int(value, ("nfev", "ngev", "nhev")[i])
        return property(get, set_)

    nfev = _total(0)
    ngev = _total(1)
    nhev = _total(2)
    del _total

    def reset_counts(self):
        """Set ``nfev``, ``ngev`` and ``nhev`` back to zero.

        Returns
        -------
        None

        See Also
        --------
        count : Adds to them.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> _ = p.value(np.zeros(2))
        >>> p.reset_counts()
        >>> p.nfev
        0
        """
        with self._lock:
            self._totals[:] = [0, 0, 0]

    # -- the three faces of fun ---------------------------------------------------------------------
    @property
    def py_fun(self):
        """The plain Python function, what automatic differentiation traces (``fun.py_func`` for a numba dispatcher).

        See Also
        --------
        jitted : The compiled function.
        zeroopt.grad : Differentiates it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> p.py_fun is zo.problems.quadratic_fun.py_func
        True
        """
        return getattr(self.fun, "py_func", self.fun)

    @property
    def jitted(self):
        """The numba dispatcher compiled for this problem's argument types, or None in Python mode.

        See Also
        --------
        mode : Says which.
        py_fun : The plain Python function.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> zo.Problem(lambda x: np.sum(x ** 2), 2, jit=False).jitted is None
        True
        """
        return self.compiled.fun

    @property
    def mode(self):
        """How the objective runs: ``"jit"`` or ``"python"`` (compiles on first access).

        See Also
        --------
        jitted : The compiled function.
        zeroopt.PythonModeWarning : Says why a problem runs in Python mode.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> zo.problems.quadratic(2, seed=0).mode
        'jit'
        >>> zo.Problem(lambda x: np.sum(x ** 2), 2, jit=False).mode
        'python'
        """
        return "jit" if self.jitted is not None else "python"

    # -- evaluation -----------------------------------------------------------------------------------
    def value(self, x, count=True, rng=None):
        """The objective at a point as a float, counted in ``nfev`` unless it is a measurement.

        ``fun`` gets a read-only view of ``x``. Non-finite values are returned as they are (line searches
        treat them as "too far"; estimators report them). A stochastic problem gives :math:`F(x, \\xi)`
        at a fresh ``xi``; a measurement (``count=False``) gives the noiseless f where it has one.

        Parameters
        ----------
        x : array_like, shape (dim,)
            The point, finite.
        count : bool, default True
            Count the evaluation in ``nfev``; ``False`` for a measurement (histories use it).
        rng : numpy Generator, optional
            A stochastic problem's stream for this ``xi`` (default: the problem's own, ``seed``).

        Returns
        -------
        float
            The value of ``fun(x, *args)`` (stochastic: ``fun(x, xi, *args)``, or ``noiseless(x, *args)``
            for a measurement).

        Raises
        ------
        ValueError
            If ``x`` has the wrong shape or a non-finite entry, or the objective wrote into ``x``.
        TypeError
            If ``x`` is complex or not numbers.

        See Also
        --------
        batch_value : Values at many points.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> p.value(p.x_star), p.value(np.zeros(2), count=False) > 0, p.nfev
        (0.0, True, 1)
        """
        x = _checks.point(x, self.dim)
        if self.xi is not None:
            if not count and self.noiseless is not None:
                return self.noiseless_value(x)
            xi = self.draw_xi(rng)
            if count:
                self.count(nfev=1)
            return self.compiled.value(x, xi)
        if count:
            self.count(nfev=1)
        return self.compiled.value(x)

    def batch_value(self, X, count=True):
        """The objective at the rows of a matrix: one ``batch_fun`` call if the problem has one, else a call per row.

        Parameters
        ----------
        X : array_like, shape (k, dim)
            The points, one per row.
        count : bool, default True
            Count the ``k`` evaluations in ``nfev``.

        Returns
        -------
        numpy.ndarray, shape (k,)
            The values.

        Raises
        ------
        ValueError
            If ``X`` does not have shape ``(k, dim)``, or ``batch_fun`` returns another shape.

        See Also
        --------
        value : One point.
        zeroopt.problems.quadratic_batch : A ``batch_fun``.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> p.batch_value(np.stack([p.x_star, p.x_star])), p.nfev
        (array([0., 0.]), 2)
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must have shape (k, {self.dim}); got {X.shape}")
        if self.batch_fun is None:
            return np.array([self.value(row, count=count) for row in X])
        view = np.array(X, order="C")
        view.flags.writeable = False
        if count:
            self.count(nfev=X.shape[0])
        vals = np.asarray(self.batch_fun(view, *self.args), dtype=np.float64)
        if vals.shape != (X.shape[0],):
            raise ValueError(f"batch_fun must return shape ({X.shape[0]},) for {X.shape[0]} points; "
                             f"got {vals.shape}")
        return vals

    def __reduce__(self):
        """Pickle what the problem was built from (counts, locks and compiled code are per process)."""
        kw = dict(args=self.args, x_star=self.x_star, f_star=self.f_star, mu=self.mu, L=self.L, name=self.name,
                  batch_fun=self.batch_fun, jit=self.compiled.uses_jit, xi=self.xi, noiseless=self.noiseless,
                  seed=self.seed)
        return _rebuild, (self.fun, self.dim, kw)

    def __repr__(self):
        known = ", ".join(f"{k}={getattr(self, k):.4g}" for k in ("mu", "L", "f_star")
                          if getattr(self, k) is not None)
        return f"Problem({self.name!r}, dim={self.dim}{', ' + known if known else ''}, nfev={self.nfev})"


def _rebuild(fun, dim, kw):
    with warnings.catch_warnings():  # warned once where it was built
        warnings.simplefilter("ignore", GlobalArrayWarning)
        return Problem(fun, dim, **kw)


def _warn_global_arrays(problem):
    """Warn if the objective reads numpy arrays from its module's globals or from closure cells."""
    fun = problem.py_fun
    code = getattr(fun, "__code__", None)
    if code is None:
        return
    found = []
    glb = getattr(fun, "__globals__", {})
    for name in code.co_names:
        if isinstance(glb.get(name), np.ndarray):
            found.append(("global", name, glb[name]))
    for name, cell in zip(code.co_freevars, getattr(fun, "__closure__", None) or ()):
        with contextlib.suppress(ValueError):  # an empty cell
            if isinstance(cell.cell_contents, np.ndarray):
                found.append(("closure", name, cell.cell_contents))
    if found:
        what = ", ".join(f"the {kind} array {name!r} (shape {arr.shape})" for kind, name, arr in found)
        warnings.warn(
            f"zeroopt: the objective {problem.name!r} reads {what}. numba freezes such arrays into the compiled "
            f"code when it compiles, while ExactAD and Python mode read the live array: if the array changes "
            f"later, the two silently disagree. Pass data through args instead: "
            f"Problem({fun.__name__}, dim, args=({', '.join(n for _, n, _ in found)},)).",
            GlobalArrayWarning, stacklevel=user_stacklevel())
