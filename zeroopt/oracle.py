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
from typing import Callable, NamedTuple

import numpy as np

from . import _checks, kernels
from ._compiled import new_tally
from ._twice import Twice
from .problem import Problem


class Estimate(NamedTuple):
    """What one oracle call produced (:meth:`Oracle.estimate`), for methods that use more than G.

    Its fields are documented below (``grad``, ``gdotG``, ``fx``, ``nev``, ``g2``).

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> est = zo.CoordinateFD(scheme="forward").estimate(zo.problems.quadratic(3, seed=0), np.zeros(3))
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


class FastPath(NamedTuple):
    """An oracle's compiled estimate, as :meth:`Oracle.estimate` and the optimizers' jitted loop run it.

    A new oracle gets both the estimate and the jitted optimizer loop by returning one from
    :meth:`Oracle.fast_path`: a kernel written in the signature of the kernels in ``zeroopt.kernels``
    (internal; see ``kernel`` below), its parameters, and how it moves the iterate. Its fields are
    documented below.

    Examples
    --------
    >>> import zeroopt as zo
    >>> path = zo.TwoPoint(directions=2).fast_path(zo.problems.rosenbrock(3))
    >>> path.kernel.name, path.scratch, path.chunks
    ('_directions', 2, 1)
    """

    #: The compiled estimate, ``kernel(fun, x, draw, params, G, scratch, tally, args) ->
    #: kernels.KernelResult``, written once and run as Python or jitted.
    kernel: Twice
    #: tuple: the oracle's constants, as the kernel reads them.
    params: tuple
    #: ``update(x, G, step, draw) -> bool``: x <- x - step G (False if x overflowed); coordinate oracles
    #: move only the drawn coordinates.
    update: Twice
    #: ndarray or None: what a deterministic oracle passes as ``draw`` every time; None for random
    #: oracles, which draw with :meth:`RandomOracle.draw` (a block of B draws equals B single draws).
    fixed_draw: np.ndarray | None
    #: int: length of the kernel's float64 scratch array.
    scratch: int
    #: int: rows of the kernel's tally (threads that count separately).
    chunks: int
    #: ``failure(problem, x, draw, result) -> FloatingPointError`` naming the point that went wrong.
    failure: Callable


def nonfinite_error(problem, what, pt, value):
    """The FloatingPointError every path raises for a non-finite value: the point and the value."""
    return point_error(problem, f"f = {value} at {what}", pt)


def point_error(problem, what, pt):
    return FloatingPointError(
        f"{problem.name}: {what}; the point is {_checks.describe_point(pt)}. zeroopt reports this instead of "
        f"returning a NaN or infinite gradient: check the objective's domain near x, or the step eps.")


def coordinate_failure(rel, forward, label, eps):
    """failure(...) for the coordinate kernels (point codes of coord_central / coord_forward); ``eps`` is
    the oracle's step (0: relative steps ``rel max(1, |x_i|)``)."""
    def failure(problem, x, draw, r):
        def step(i):
            return eps if eps > 0 else rel * max(1.0, abs(x[i]))
        if r.status == kernels.BAD_VALUE:
            if forward and r.where == 0:
                return nonfinite_error(problem, "x itself (the base point of forward differences)", x, r.value)
            i, minus = (r.where - 1, False) if forward else divmod(r.where, 2)
            pt = x.copy()
            pt[i] += -step(i) if minus else step(i)
            return nonfinite_error(problem, f"x {'-' if minus else '+'} h e_{i} ({label} {i}, h = {step(i):.3g})",
                                   pt, r.value)
        i = r.where
        if r.status == kernels.BAD_STEP:
            return point_error(problem, f"the step h = {r.value:.3g} along {label} {i} does not move x_{i} = "
                                        f"{r.value2:.17g} in floating point (it is below half a unit in the last "
                                        f"place): take a larger eps", x)
        if r.status == kernels.BAD_QUOTIENT:
            other = "f(x)" if forward else f"f(x - h e_{i})"
            return point_error(problem, f"the difference quotient along {label} {i} (h = {step(i):.3g}) overflowed: "
                                   f"f(x + h e_{i}) = {r.value:.6g} and {other} = {r.value2:.6g} are finite, but "
                                   f"their difference is not", x)
        return point_error(problem, f"the estimate's entry {i} overflowed ({r.value})", x)
    return failure


def directions_failure(eps, forward):
    """failure(...) for the directions kernel (point codes: central 2j, 2j+1; forward 0, 1 + j)."""
    def failure(problem, x, V, r):
        q = V.shape[0]
        if r.status == kernels.BAD_VALUE:
            code = r.where
            if forward and code == 0:
                return nonfinite_error(problem, "x itself (the base point of forward differences)", x, r.value)
            j, sign = (code - 1, 1.0) if forward else (code // 2, -1.0 if code % 2 else 1.0)
            return nonfinite_error(problem, f"x {'-' if sign < 0 else '+'} eps v_{j} (direction {j} of {q}, "
                                            f"eps = {eps:.3g})", x + sign * eps * V[j], r.value)
        if r.status == kernels.BAD_QUOTIENT:
            return point_error(problem, f"the difference quotient along direction {r.where} of {q} (eps = {eps:.3g}) "
                                   f"overflowed although f({'x + eps v_j' if forward else 'x +- eps v_j'}) "
                                   f"= {r.value:.6g} is finite", x)
        return point_error(problem, f"the estimate's entry {r.where} overflowed ({r.value})", x)
    return failure


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
    #: whether it serves stochastic problems (``fun(x, xi, *args)``), drawing each evaluation's xi
    takes_xi = False

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
        return self.estimate(problem, x, rng).grad

    def estimate(self, problem, x, rng=None):
        """The full :class:`Estimate` at ``x`` (see :meth:`__call__` for the errors)."""
        x = self._point(problem, x)
        path = self.fast_path(problem)
        draw = self.draw(self._stream(rng), x.shape[0]) if self.random else path.fixed_draw
        return self._run_path(problem, path, x, draw)

    def _run_path(self, problem, path, x, draw, timed=None):
        G = np.zeros(x.shape[0])
        tally = new_tally(path.chunks)
        r = problem.compiled.estimate(path.kernel, x, draw, path.params, G, np.empty(path.scratch), tally, timed)
        if r[0] != kernels.OK:
            raise path.failure(problem, x, draw, kernels.KernelResult._make(r))
        return Estimate(G, r[5], r[4], self.evals_per_call(x.shape[0]), r[6])  # (gdotG, fx, g2)

    def fast_path(self, problem):  # pragma: no cover - abstract
        """The compiled estimate for ``problem`` (:class:`FastPath`), or None if there is none."""
        raise NotImplementedError

    def __getstate__(self):
        """Pickle the oracle without its cached path (a weak reference to a problem of this process)."""
        state = dict(self.__dict__)
        state.pop("_path", None)
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

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p, o = zo.problems.quadratic(3, seed=0), zo.TwoPoint(seed=7)
    >>> a = o(p, np.zeros(3)); b = o(p, np.zeros(3))          # the stream advances
    >>> bool(np.array_equal(a, b)), bool(np.array_equal(a, o.reseed()(p, np.zeros(3))))
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
