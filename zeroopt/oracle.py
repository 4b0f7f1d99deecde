"""The oracle interface: :class:`Oracle`, :class:`RandomOracle`, the :class:`Estimate` a call returns and
the :class:`FastPath` through which an oracle owns its compiled estimate.

An oracle's fast path names the kernel of :mod:`zeroopt.kernels` that computes its estimate, the kernel's
parameters, how the estimate moves the iterate and how to name a point that went wrong.
:meth:`Oracle.estimate` runs that path, and the optimizers run the same kernel inside their jitted loop,
so a new oracle plugs into both by defining :meth:`Oracle.fast_path` (the shape of nevergrad's
``ask``/``_internal_ask``: the base class does the work, a subclass supplies its own part).
"""

from __future__ import annotations

import math
import weakref
from typing import NamedTuple

import numba
import numpy as np

from . import _checks
from ._compiled import new_tally
from .kernels import OK, FastPath, KernelResult, nonfinite_error, point_error
from .kernels.coordinate import failure as coordinate_failure
from .kernels.directions import failure as directions_failure
from .problem import Problem

__all__ = ["Estimate", "FastPath", "Oracle", "RandomOracle", "Draws", "nonfinite_error", "point_error",
           "coordinate_failure", "directions_failure"]


class Estimate(NamedTuple):
    r"""What one oracle call produced (:meth:`Oracle.estimate`), for methods that use more than G.

    Parameters
    ----------
    grad : ndarray, shape (n,)
        The estimate :math:`G`.
    gdotG : float
        The estimate of :math:`\langle \nabla f(x), G\rangle` from the same difference quotients (see
        Notes): the slope along the step, used by the adaptive step rule and by line searches along
        :math:`-G`.
    fx : float
        :math:`f(x)` if the estimate evaluated it (forward schemes, exact AD), else NaN.
    nev : int
        The function evaluations the call made (``ExactAD``: 0; its gradient is counted in
        ``problem.ngev``).
    g2 : float, optional
        The squared norm :math:`\|G\|^2` (default NaN: not computed).

    See Also
    --------
    Oracle.estimate : The call that returns it.
    zeroopt.minimize : Uses ``gdotG`` in its adaptive step rule and line searches.

    Notes
    -----
    With difference quotients :math:`D_j` along directions :math:`v_j` and
    :math:`G = c\sum_j D_j v_j`, the estimate of the slope is

    .. math::

        \widehat{\langle \nabla f(x), G\rangle} = c \sum_j D_j^2,

    exact on quadratics, where :math:`D_j = \langle \nabla f(x), v_j\rangle`. Coordinate differences
    are the case :math:`v_j = e_j`: ``CoordinateFD`` has :math:`c = 1`, so ``gdotG`` equals
    :math:`\|G\|^2`, and ``RandomCoordinate`` has :math:`c = n` and one coordinate, so ``gdotG`` is
    :math:`n D_i^2`. ``ExactAD`` returns :math:`\|\nabla f(x)\|^2`. The math reference's section
    "The slope along the estimate" derives it.

    References
    ----------
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> est = zo.CoordinateFD(scheme="forward").estimate(p, np.zeros(3))
    >>> est.nev, bool(np.isfinite(est.fx))
    (4, True)
    >>> bool(np.isclose(est.gdotG, est.g2))      # coordinate differences
    True
    """

    #: ndarray (n,): the estimate G.
    grad: np.ndarray
    #: float: an estimate of :math:`\langle \nabla f(x), G\rangle` from the same differences
    #: (:math:`c \sum_j D_j^2`; for ``CoordinateFD`` and exact gradients the squared norm of G): the
    #: directional derivative along the step, used by the adaptive step rule and by line searches along -G.
    gdotG: float
    #: float: f(x) if the estimate evaluated it (forward schemes, exact AD), else NaN.
    fx: float
    #: int: function evaluations made (ExactAD: 0).
    nev: int
    #: float: the squared norm of G (NaN if not computed).
    g2: float = math.nan


_F8 = np.dtype(np.float64)
_finite = None  # all_finite's compiled entry point, once compiled


def _all_finite(x):
    """``_checks.all_finite(x)`` for a C-contiguous float64 vector, through its compiled entry point."""
    global _finite
    if _finite is None:
        fn = _checks.all_finite
        if hasattr(fn, "overloads"):  # (not under NUMBA_DISABLE_JIT=1)
            fn(x)
            fn = fn.overloads[(numba.typeof(x),)].entry_point
        _finite = fn
    return _finite(x)


class _Bound:
    """A built-in oracle's per-call state on one problem: its fast path, the kernel's compiled entry point
    (typed for the problem's ``args`` and the oracle's own draws) and spare work arrays.

    Valid while the problem, its ``args`` and its ``dim`` are the ones it was made for and no public
    attribute of the oracle is set (:meth:`Oracle.__setattr__` drops it, :meth:`RandomOracle.reseed`
    included)."""

    __slots__ = ("ref", "n", "shape", "args", "jf", "entry", "path", "params", "draw", "normals", "rng", "spare",
                 "failure", "lock", "totals", "scopes", "checks_x", "nev")

    def __init__(self, oracle, problem, path, entry):
        self.ref = weakref.ref(problem)
        self.n = problem.dim
        self.shape = (self.n,)
        self.args = problem.args
        self.jf = problem.compiled.fun
        self.entry = entry
        path, normals = oracle._bound_parts(problem, path)
        self.path, self.params, self.failure = path, path.params, path.failure
        self.checks_x = getattr(path.params, "check_x", False)  # the kernel checks that x is finite
        self.draw = path.fixed_draw   # a deterministic oracle's draw
        self.normals = normals        # or the shape of the standard normal block its kernel finishes
        self.rng = getattr(oracle, "rng", None)
        self.nev = oracle.evals_per_call(self.n)   # what a successful call evaluates
        # [tally, scratch, normals, the tally's count so far]: list.pop/append are atomic, so no two calls
        # share one
        self.spare = []
        # the problem's counting state (Problem.count), for the inlined count below
        self.lock, self.totals, self.scopes = problem._lock, problem._totals, problem._scopes

    def run(self, oracle, problem, x, rng):
        """One estimate: (G, the kernel's result as a tuple), or None if this state is not for ``problem``
        (or its ``args`` or ``dim`` changed). The kernel, arguments and counting of
        :meth:`Oracle._run_path`, through the entry point: the checks below make the types the ones it was
        compiled for (x: a C-contiguous float64 vector of length n, which the kernels only read).

        Counting: the kernel adds each evaluation to its tally before making it. A spare tally is not
        zeroed; the count it held before the call is kept beside it, so an exception or a failed estimate
        counts the tally's difference, and a successful one counts :meth:`Oracle.evals_per_call` (which
        is what the kernel added: the tests check it)."""
        if self.ref() is not problem or problem.args is not self.args or problem.dim != self.n:
            return None
        if not (type(x) is np.ndarray and x.dtype is _F8 and x.shape == self.shape and x.flags.c_contiguous
                and (self.checks_x or _all_finite(x))):
            x = oracle._point(problem, x)  # converts, or raises naming x
        try:
            work = self.spare.pop()
        except IndexError:
            work = [new_tally(1), np.empty(self.path.scratch),
                    None if self.normals is None else np.empty(self.normals), 0]
        tally, scratch, Z, before = work
        if Z is not None:
            draw = (self.rng if rng is None else _checks.generator(rng, "rng")).standard_normal(out=Z)
        elif self.draw is None:
            draw = oracle.draw(self.rng if rng is None else _checks.generator(rng, "rng"), self.n)
        else:
            draw = self.draw
        G = np.zeros(self.n)
        try:
            r = self.entry(self.jf, x, draw, self.params, G, scratch, tally, self.args)
        except BaseException:  # (Ctrl-C during the kernel surfaces here too): count what was evaluated
            problem.count(int(tally[0, 0]) - before)
            raise
        if r[0] != OK:
            problem.count(int(tally[0, 0]) - before)
            raise self.failure(problem, x, draw, KernelResult._make(r))
        nev = self.nev
        if self.scopes:  # a counting scope is open (per thread: none can open in this one meanwhile)
            problem.count(nev)
        else:            # Problem.count inlined for the common case: the total, under its lock
            with self.lock:
                self.totals[0] += nev
        work[3] = before + nev
        self.spare.append(work)
        return G, r


def _estimate(G, r, nev):
    """The Estimate of a kernel's result ``r`` (a KernelResult or the plain tuple a kernel returned)."""
    r = KernelResult._make(r)
    return Estimate(G, r.gdotG, r.fx, nev, r.g2)


class Oracle:
    r"""Base class of the gradient oracles: ``oracle(problem, x, rng=None) -> G``.

    A subclass defines :meth:`fast_path` (its compiled kernel; see :class:`FastPath`),
    :meth:`evals_per_call` and :meth:`second_moment_factor`; random oracles derive from
    :class:`RandomOracle` and define :meth:`RandomOracle.draw`. An oracle without a compiled path
    (e.g. :class:`ExactAD`) overrides :meth:`estimate` instead and returns None from :meth:`fast_path`.

    See Also
    --------
    RandomOracle : The base class of the oracles that draw random numbers.
    FastPath : How an oracle hands its compiled estimate to the optimizers.
    Estimate : What :meth:`estimate` returns.
    CoordinateFD, RandomCoordinate, TwoPoint, ExactAD : The built-in oracles.

    Notes
    -----
    The optimizers need two numbers of an oracle besides its estimate :math:`G`: its cost,
    :meth:`evals_per_call`, and its second-moment factor on quadratics,

    .. math::

        m = \frac{\mathbb E\|G\|^2}{\|\nabla f(x)\|^2},

    :meth:`second_moment_factor`, which sets the theory step :math:`1/(mL)` of ``minimize``
    (``step=None``) [N04]_ [NS17]_.

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer, 2004.
       Lemma 1.2.3 (the descent lemma).
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.

    Examples
    --------
    An oracle of your own (here: the exact gradient of the quadratic, by hand) is usable everywhere an
    oracle is:

    >>> import numpy as np, zeroopt as zo
    >>> class Exact(zo.Oracle):
    ...     def estimate(self, problem, x, rng=None):
    ...         A, c = problem.args
    ...         g = A @ (np.asarray(x) - c)
    ...         return zo.Estimate(g, float(g @ g), float("nan"), 0, float(g @ g))
    ...     def fast_path(self, problem):
    ...         return None
    ...     def evals_per_call(self, n):
    ...         return 0
    ...     def second_moment_factor(self, n):
    ...         return 1.0
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> zo.minimize(p, np.zeros(3), Exact(), tol=1e-10).success
    True
    """

    #: Whether the oracle draws random numbers (then it owns a Generator, see :class:`RandomOracle`).
    #:
    #: See Also
    #: --------
    #: RandomOracle : The oracles for which it is True.
    #:
    #: Examples
    #: --------
    #: >>> import zeroopt as zo
    #: >>> zo.CoordinateFD().random, zo.TwoPoint().random
    #: (False, True)
    random = False
    #: Whether the oracle serves stochastic problems (``fun(x, xi, *args)``), drawing each evaluation's xi.
    #:
    #: An oracle without it refuses a stochastic :class:`~zeroopt.Problem` with a TypeError at its call.
    #:
    #: See Also
    #: --------
    #: zeroopt.Xi : The random input it draws.
    #: TwoPoint.draw_xi : The draw of an oracle for which it is True.
    #:
    #: Examples
    #: --------
    #: >>> import zeroopt as zo
    #: >>> zo.CoordinateFD().takes_xi, zo.TwoPoint().takes_xi
    #: (False, True)
    takes_xi = False
    _bound = None  # the per-call state (_Bound) of a built-in oracle on the problem it was last called on

    def __setattr__(self, name, value):
        """Set an attribute; setting a public one (a setting of the oracle) drops the per-call state, so the
        next call builds the fast path for the new settings."""
        object.__setattr__(self, name, value)
        if name[0] != "_":
            self.__dict__.pop("_bound", None)

    def __call__(self, problem, x, rng=None):
        """The gradient estimate at ``x`` (a new array of shape (n,)); ``x`` is not modified.

        Parameters
        ----------
        problem : Problem
            The problem whose objective is evaluated; the evaluations are counted in ``problem.nfev``
            (an exact gradient in ``problem.ngev``).
        x : array_like, shape (n,)
            The point, finite, of the problem's dimension.
        rng : numpy Generator, int or None, optional
            A random oracle's stream for this call only (the oracle's own stream is left alone); None
            (the default) draws from the oracle's own stream. Deterministic oracles ignore it.

        Returns
        -------
        ndarray, shape (n,)
            The estimate :math:`G` (the ``grad`` of :meth:`estimate`'s result).

        Raises
        ------
        TypeError
            ``problem`` is not a :class:`~zeroopt.Problem`.
        ValueError
            ``x`` has the wrong shape or a non-finite entry.
        FloatingPointError
            The objective gave a non-finite value, or a difference overflowed; the message names the point.

        See Also
        --------
        estimate : The same estimate with the slope, value and count that came with it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> G = zo.CoordinateFD()(p, np.ones(3))
        >>> A, c = p.args            # f(x) = (x - c)' A (x - c) / 2
        >>> bool(np.allclose(G, A @ (np.ones(3) - c))), p.nfev
        (True, 6)
        """
        b = self._bound
        if b is not None:
            out = b.run(self, problem, x, rng)
            if out is not None:
                return out[0]
        return self.estimate(problem, x, rng).grad

    def estimate(self, problem, x, rng=None):
        """The full :class:`Estimate` at ``x``: the estimate, its slope, f(x) where known and the count.

        Parameters
        ----------
        problem : Problem
            The problem whose objective is evaluated (counted in ``problem.nfev``).
        x : array_like, shape (n,)
            The point, finite, of the problem's dimension.
        rng : numpy Generator, int or None, optional
            A random oracle's stream for this call only; None uses the oracle's own stream.

        Returns
        -------
        Estimate
            ``grad`` (the array :meth:`__call__` returns), ``gdotG``, ``fx``, ``nev`` and ``g2``.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`__call__`.

        See Also
        --------
        __call__ : The estimate alone.
        Estimate : Its fields.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> est = zo.TwoPoint(seed=0).estimate(p, np.zeros(3))
        >>> est.nev, est.grad.shape
        (2, (3,))
        """
        est = self._bound_estimate(problem, x, rng)
        if est is not None:
            return est
        x = self._point(problem, x)
        path = self.fast_path(problem)
        draw = self.draw(self._stream(rng), x.shape[0]) if self.random else path.fixed_draw
        return self._run_path(problem, path, x, draw, bind=True)

    def _bound_estimate(self, problem, x, rng):
        """The Estimate through the per-call state, or None if there is none for ``problem``."""
        b = self._bound
        out = None if b is None else b.run(self, problem, x, rng)
        return None if out is None else _estimate(*out, self.evals_per_call(b.n))

    def _run_path(self, problem, path, x, draw, timed=None, bind=False):
        """The estimate by ``path``'s kernel through ``problem.compiled`` (typing it on the first call);
        ``bind``: the draw is the oracle's own, so a built-in oracle keeps its per-call state."""
        G = np.zeros(x.shape[0])
        tally = new_tally(path.chunks)
        r = problem.compiled.estimate(path.kernel, x, draw, path.params, G, np.empty(path.scratch), tally, timed)
        if r[0] != OK:
            raise path.failure(problem, x, draw, KernelResult._make(r))
        if bind and timed is None and path.chunks == 1 and self._bindable(problem):
            entry = problem.compiled.entry_point(path.kernel, draw, path.params)
            if entry is not None:
                self._bound = _Bound(self, problem, path, entry)
        return _estimate(G, r, self.evals_per_call(x.shape[0]))

    def _bindable(self, problem):
        """True if :meth:`fast_path` depends on nothing but the oracle's public settings and the problem's
        ``dim`` and ``args``, and :meth:`RandomOracle.draw` always gives arrays of one type: then calls
        skip rebuilding the path and typing the kernel (the built-in oracles; never a subclass)."""
        return False

    def _bound_parts(self, problem, path):
        """(the path the per-call state runs, the shape of a standard normal block its kernel finishes into
        the draw, or None: the draw is :meth:`RandomOracle.draw`'s, or the path's fixed draw)."""
        return path, None

    def fast_path(self, problem):  # pragma: no cover - abstract
        """The compiled estimate for ``problem`` (:class:`FastPath`), or None if there is none.

        A subclass defines it; the optimizers run the path's kernel inside their jitted loop, and
        :meth:`estimate` runs the same kernel for one call.

        Parameters
        ----------
        problem : Problem
            The problem the estimate is for (its dimension and ``args`` type the kernel).

        Returns
        -------
        FastPath or None
            The kernel, its parameters and update; None if the oracle has no compiled path (then it
            overrides :meth:`estimate`, and the optimizers call it once per step).

        See Also
        --------
        FastPath : Its fields.

        Examples
        --------
        >>> import zeroopt as zo
        >>> path = zo.CoordinateFD().fast_path(zo.problems.rosenbrock(3))
        >>> path.kernel.name, path.fixed_draw.tolist()
        ('_coord_central', [0, 1, 2])
        """
        raise NotImplementedError

    def __getstate__(self):
        """Pickle the oracle without its cached path and per-call state (they hold a weak reference to a
        problem of this process and compiled entry points)."""
        state = dict(self.__dict__)
        state.pop("_path", None)
        state.pop("_bound", None)
        return state

    def _cached_path(self, problem, key, build):
        """The FastPath ``build()`` made for the last call on ``problem`` with the same ``key`` (what the path
        depends on), or a new one: the per-call path does not rebuild it."""
        cached = self.__dict__.get("_path")
        if cached is not None and cached[0]() is problem and cached[1] == key:
            return cached[2]
        path = build()
        self._path = (weakref.ref(problem), key, path)
        return path

    def evals_per_call(self, n):  # pragma: no cover - abstract
        """Function evaluations one call spends in dimension ``n``.

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        int
            What one successful call adds to ``problem.nfev``.

        See Also
        --------
        second_moment_factor : The oracle's other number the theory uses.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.CoordinateFD().evals_per_call(10)
        20
        >>> zo.TwoPoint(directions=4).evals_per_call(10)
        8
        """
        raise NotImplementedError

    def second_moment_factor(self, n):  # pragma: no cover - abstract
        r"""The second-moment factor :math:`m` on quadratics, which sets the theory step :math:`1/(mL)`.

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        float
            :math:`m`, at least 1 (1 for an exact or deterministic estimate).

        See Also
        --------
        evals_per_call : The cost of one call.
        zeroopt.theory.contraction : The linear rate that :math:`m` slows down.

        Notes
        -----
        For an unbiased oracle on a quadratic,

        .. math::

            \begin{aligned}
            m &= \frac{\mathbb E\|G\|^2}{\|\nabla f(x)\|^2},\\
            \mathbb E\|G - \nabla f(x)\|^2 &= (m - 1)\|\nabla f(x)\|^2 .
            \end{aligned}

        With the descent lemma of an :math:`L`-smooth :math:`f` [N04]_, the step :math:`\alpha = 1/(mL)`
        minimises the bound :math:`f(x) - \alpha\|\nabla f(x)\|^2 + \tfrac{L\alpha^2 m}{2}\|\nabla f(x)\|^2`
        of :math:`\mathbb E f(x - \alpha G)`. Each oracle's value is derived in the math reference
        ("Gradient estimators").

        References
        ----------
        .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
           2004. Lemma 1.2.3.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.TwoPoint().second_moment_factor(10)
        10.0
        >>> zo.TwoPoint(dist="gaussian", directions=4).second_moment_factor(10)
        3.75
        """
        raise NotImplementedError

    def _stream(self, rng):
        return None

    def _point(self, problem, x):
        if not isinstance(problem, Problem):
            raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
        if problem.stochastic and not self.takes_xi:
            raise TypeError(f"{type(self).__name__} cannot estimate on the stochastic problem {problem.name!r} "
                            f"(fun(x, xi, *args)): it has no draw for xi; use TwoPoint, which draws each "
                            f"evaluation's xi with its directions")
        return _checks.point(x, problem.dim)


class RandomOracle(Oracle):
    """An oracle that owns a numpy Generator made from ``seed``; each call advances it.

    ``reseed(seed)`` restarts the stream; ``rng=`` in a call replaces it for that call only.

    Parameters
    ----------
    seed : int >= 0, numpy SeedSequence or Generator
        The seed of the oracle's stream.

    Raises
    ------
    TypeError, ValueError
        A seed that numpy would refuse, named ``seed``.

    See Also
    --------
    Oracle : The interface it implements.
    TwoPoint, RandomCoordinate : The built-in random oracles.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p, o = zo.problems.quadratic(3, seed=0), zo.TwoPoint(seed=7)
    >>> a = o(p, np.zeros(3)); b = o(p, np.zeros(3))          # the stream advances
    >>> c = o.reseed()(p, np.zeros(3))                         # restarted
    >>> bool(np.array_equal(a, b)), bool(np.array_equal(a, c))
    (False, True)
    """

    #: True: the oracle draws random numbers from its own Generator (``rng``, made from ``seed``).
    #:
    #: See Also
    #: --------
    #: reseed : Restarts that stream.
    #:
    #: Examples
    #: --------
    #: >>> import zeroopt as zo
    #: >>> zo.RandomCoordinate(seed=3).random
    #: True
    random = True

    def __init__(self, seed=0):
        self.rng = _checks.generator(seed, "seed")
        self.seed = seed

    def reseed(self, seed=None):
        """Restart the oracle's stream from ``seed`` (default: the seed it was built with).

        Parameters
        ----------
        seed : int >= 0, numpy SeedSequence, Generator or None, optional
            The new seed, which the oracle keeps (a later ``reseed()`` restarts from it); None (the
            default) restarts from the current seed.

        Returns
        -------
        RandomOracle
            The oracle itself, so that ``oracle.reseed()(problem, x)`` reads as one call.

        Raises
        ------
        TypeError, ValueError
            A seed that numpy would refuse, named ``seed``.

        See Also
        --------
        RandomOracle : The stream and ``rng=`` for one call.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p, o = zo.problems.quadratic(3, seed=0), zo.TwoPoint(seed=1)
        >>> a = o(p, np.zeros(3))
        >>> bool(np.array_equal(o.reseed()(p, np.zeros(3)), a))
        True
        >>> o.reseed(2).seed
        2
        """
        if seed is not None:
            self.rng = _checks.generator(seed, "seed")
            self.seed = seed
        else:
            self.rng = _checks.generator(self.seed, "seed")
        return self

    def _stream(self, rng):
        return self.rng if rng is None else _checks.generator(rng, "rng")

    def draw(self, rng, n, steps=None):  # pragma: no cover - abstract
        """What one call draws (or ``steps`` calls, stacked on a first axis), from ``rng``.

        A subclass defines it. Drawing ``steps`` calls at once must give the same bits, from the same
        stream, as ``steps`` single draws: the optimizers' jitted loop draws in blocks (:meth:`draws`).

        Parameters
        ----------
        rng : numpy Generator
            The stream to draw from.
        n : int
            The problem's dimension.
        steps : int or None, optional
            None (the default): one call's draw; an int: that many calls' draws stacked on a new first
            axis.

        Returns
        -------
        ndarray
            What the oracle's kernel reads as its ``draw`` (``TwoPoint``: directions of shape (q, n);
            ``RandomCoordinate``: coordinate indices of shape (1,)); with ``steps``, of shape
            ``(steps, ...)``.

        See Also
        --------
        TwoPoint.draw, RandomCoordinate.draw : The built-in oracles' draws.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> o = zo.TwoPoint(directions=2)
        >>> one = o.draw(np.random.default_rng(0), 3)
        >>> block = o.draw(np.random.default_rng(0), 3, steps=4)
        >>> one.shape, block.shape, bool(np.array_equal(block[0], one))
        ((2, 3), (4, 2, 3), True)
        """
        raise NotImplementedError

    def draws(self, rng, n, problem=None):
        """The draws of a run of calls in blocks, for a compiled loop: the same stream as one draw per call.

        The blocks hold, bit for bit, what one :meth:`draw` per call would have drawn from ``rng``, and
        the unused draws of the last block are put back, so that ``rng`` ends where single draws would
        have left it.

        Parameters
        ----------
        rng : numpy Generator
            The stream the blocks come from (advanced as the draws are used).
        n : int
            The problem's dimension.
        problem : zeroopt.Problem, optional
            On a stochastic problem (one with ``xi``), each call's draw is one ``draw_xi``: the
            directions and the xi of its evaluations.

        Returns
        -------
        zeroopt.oracle.Draws
            The blocks: ``take(want)`` gives ``(block, start, k)``, the ``k`` draws from ``block[start]``
            on that are available; ``used(k)`` marks ``k`` of them used; ``rewind()`` puts the unused
            ones back into ``rng``.

        See Also
        --------
        draw : One call's draw, or a block of them.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> o, rng = zo.TwoPoint(), np.random.default_rng(0)
        >>> d = o.draws(rng, 3)
        >>> block, start, k = d.take(5)
        >>> # two used: rng is as after two draws
        >>> d.used(2); d.rewind()
        >>> ref = np.random.default_rng(0)
        >>> _ = o.draw(ref, 3, steps=2)
        >>> bool(np.array_equal(o.draw(rng, 3), o.draw(ref, 3)))
        True
        """
        return Draws(self, rng, n, problem)


#: a block of draws holds at most this many bytes
BLOCK_BYTES = 1 << 23


class Draws:
    """Blocks of an oracle's draws for a compiled loop, from the same stream as one draw per call.

    A block of B calls' draws equals B single draws bit for bit, whatever the block sizes (the first
    block is small and tells the size of one call's draw; later ones hold what is asked for, and at
    least twice the last block, up to :data:`BLOCK_BYTES`).
    :meth:`rewind` puts the unused draws back (the stream's state before the block is restored and exactly
    the used calls re-drawn), so the stream advances as if each call had drawn for itself.

    Parameters
    ----------
    oracle : RandomOracle
        Whose :meth:`~RandomOracle.draw` makes the blocks (``draw(rng, n, steps=B)``).
    rng : numpy Generator
        The stream.
    n : int
        The dimension.
    problem : Problem, optional
        A stochastic problem: the blocks are then ``oracle.draw_xi(rng, n, problem.xi, steps=B)``, the
        directions and the xi of each call (see :class:`~zeroopt.Xi`).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> o, rng = zo.TwoPoint(), np.random.default_rng(0)
    >>> d = o.draws(rng, 3)
    >>> block, start, k = d.take(5)           # up to 5 calls' directions
    >>> d.used(2); d.rewind()                 # two were used: the stream is as after two draws
    >>> bool(np.array_equal(rng.standard_normal(3), np.random.default_rng(0).standard_normal((3, 3))[2]))
    True
    """

    def __init__(self, oracle, rng, n, problem=None):
        self.oracle, self.rng, self.n = oracle, rng, n
        self.xi = problem.xi if problem is not None and problem.stochastic else None
        self.max_block = 16
        self.block, self.pos, self.state = None, 0, None

    def take(self, want):
        """(block, start, k): calls [start, start + k) of ``block`` are available, 1 <= k <= want."""
        if self.block is None or self.pos >= len(self.block):
            self.state = self.rng.bit_generator.state
            # (at least twice the last block: a loop that asks for one call at a time, a checkpoint every
            # iteration, draws in growing blocks, not one numpy call per iteration)
            size = min(max(want, 2 * len(self.block) if self.block is not None else 1), self.max_block)
            self.block = self._draw(size)
            self.max_block = max(1, BLOCK_BYTES // max(1, self.block[0].nbytes))
            self.pos = 0
        return self.block, self.pos, min(want, len(self.block) - self.pos)

    def used(self, k):
        """``k`` more calls used their draws."""
        self.pos += k

    def rewind(self):
        """Put the unused draws of the last block back into the stream."""
        if self.block is not None and self.pos < len(self.block):
            self.rng.bit_generator.state = self.state
            if self.pos:
                self._draw(self.pos)
            self.block, self.pos = None, 0

    def _draw(self, steps):
        if self.xi is None:
            return self.oracle.draw(self.rng, self.n, steps=steps)
        return self.oracle.draw_xi(self.rng, self.n, self.xi, steps=steps)
