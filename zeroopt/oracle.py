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
    """What one oracle call produced (:meth:`Oracle.estimate`), for methods that use more than G.

    Its fields are documented below (``grad``, ``gdotG``, ``fx``, ``nev``, ``g2``).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> est = zo.CoordinateFD(scheme="forward").estimate(p, np.zeros(3))
    >>> est.nev, bool(np.isfinite(est.fx))
    (4, True)
    """

    #: ndarray (n,): the estimate G.
    grad: np.ndarray
    #: float: an estimate of <grad f(x), G> from the same differences (sum_j coef D_j^2; ||G||^2 for
    #: coordinate differences and exact gradients): the directional derivative along the step, used by
    #: the adaptive step rule and by line searches along -G.
    gdotG: float
    #: float: f(x) if the estimate evaluated it (forward schemes, exact AD), else NaN.
    fx: float
    #: int: function evaluations made (ExactAD: 0).
    nev: int
    #: float: ||G||^2.
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
    """Base class of the gradient oracles: ``oracle(problem, x, rng=None) -> G``.

    A subclass defines :meth:`fast_path` (its compiled kernel; see :class:`FastPath`),
    :meth:`evals_per_call` and :meth:`second_moment_factor`; random oracles derive from
    :class:`RandomOracle` and define :meth:`RandomOracle.draw`. An oracle without a compiled path
    (e.g. :class:`ExactAD`) overrides :meth:`estimate` instead and returns None from :meth:`fast_path`.

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

    #: whether the oracle draws random numbers (then it owns a Generator, see :class:`RandomOracle`)
    random = False
    _bound = None  # the per-call state (_Bound) of a built-in oracle on the problem it was last called on

    def __setattr__(self, name, value):
        """Set an attribute; setting a public one (a setting of the oracle) drops the per-call state, so the
        next call builds the fast path for the new settings."""
        object.__setattr__(self, name, value)
        if name[0] != "_":
            self.__dict__.pop("_bound", None)

    def __call__(self, problem, x, rng=None):
        """The gradient estimate at ``x`` (a new array of shape (n,)); ``x`` is not modified.

        Raises
        ------
        TypeError
            ``problem`` is not a :class:`~zeroopt.Problem`.
        ValueError
            ``x`` has the wrong shape or a non-finite entry.
        FloatingPointError
            The objective gave a non-finite value, or a difference overflowed; the message names the point.
        """
        b = self._bound
        if b is not None:
            out = b.run(self, problem, x, rng)
            if out is not None:
                return out[0]
        return self.estimate(problem, x, rng).grad

    def estimate(self, problem, x, rng=None):
        """The full :class:`Estimate` at ``x`` (see :meth:`__call__` for the errors)."""
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
        """The compiled estimate for ``problem`` (:class:`FastPath`), or None if there is none."""
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
        """Function evaluations one call spends in dimension n."""
        raise NotImplementedError

    def second_moment_factor(self, n):  # pragma: no cover - abstract
        """m = E||G||^2 / ||grad f||^2 on quadratics (the module's table); the theory step is 1/(m L)."""
        raise NotImplementedError

    def _stream(self, rng):
        return None

    def _point(self, problem, x):
        if not isinstance(problem, Problem):
            raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
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

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p, o = zo.problems.quadratic(3, seed=0), zo.TwoPoint(seed=7)
    >>> a = o(p, np.zeros(3)); b = o(p, np.zeros(3))          # the stream advances
    >>> c = o.reseed()(p, np.zeros(3))                         # restarted
    >>> bool(np.array_equal(a, b)), bool(np.array_equal(a, c))
    (False, True)
    """

    random = True

    def __init__(self, seed=0):
        self.rng = _checks.generator(seed, "seed")
        self.seed = seed

    def reseed(self, seed=None):
        """Restart the oracle's stream from ``seed`` (default: the seed it was built with)."""
        if seed is not None:
            self.rng = _checks.generator(seed, "seed")
            self.seed = seed
        else:
            self.rng = _checks.generator(self.seed, "seed")
        return self

    def _stream(self, rng):
        return self.rng if rng is None else _checks.generator(rng, "rng")

    def draw(self, rng, n, steps=None):  # pragma: no cover - abstract
        """What one call draws (or ``steps`` calls, stacked on a first axis), from ``rng``."""
        raise NotImplementedError

    def draws(self, rng, n):
        """The draws of a run of calls in blocks, for a compiled loop (a ``zeroopt.oracle.Draws``): the same
        stream, bit for bit, as one :meth:`draw` per call."""
        return Draws(self, rng, n)


#: a block of draws holds at most this many bytes
BLOCK_BYTES = 1 << 23


class Draws:
    """Blocks of an oracle's draws for a compiled loop, from the same stream as one draw per call.

    A block of B calls' draws equals B single draws bit for bit, whatever the block sizes (the first
    block is small and tells the size of one call's draw; later ones fill up to :data:`BLOCK_BYTES`).
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

    def __init__(self, oracle, rng, n):
        self.oracle, self.rng, self.n = oracle, rng, n
        self.max_block = 16
        self.block, self.pos, self.state = None, 0, None

    def take(self, want):
        """(block, start, k): calls [start, start + k) of ``block`` are available, 1 <= k <= want."""
        if self.block is None or self.pos >= len(self.block):
            self.state = self.rng.bit_generator.state
            self.block = self.oracle.draw(self.rng, self.n, steps=min(want, self.max_block))
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
                self.oracle.draw(self.rng, self.n, steps=self.pos)
            self.block, self.pos = None, 0
