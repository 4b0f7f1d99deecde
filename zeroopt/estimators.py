"""Gradient oracles: one interface, ``oracle(problem, x, rng=None) -> ndarray (n,)``.

Formulas, evaluation counts and second-moment factors m = E||G||^2 / ||grad f||^2 (on quadratics) are in
the table below; D_j = (f(x + eps v_j) - f(x - eps v_j)) / (2 eps) (central) or
(f(x + eps v_j) - f(x)) / eps (forward, Nesterov & Spokoiny 2017):

============================  ===============================  ============  =====================
oracle                        estimate G                       f-evals       m
============================  ===============================  ============  =====================
CoordinateFD("forward")       sum_i (f(x+h e_i) - f(x))/h e_i  n + 1         1 (+ O(h))
CoordinateFD("central")       sum_i D_i e_i                    2 n           1
RandomCoordinate              n D_i e_i, i uniform             2             n
TwoPoint sphere               n D v, v ~ U(S^{n-1})            2             n
TwoPoint rademacher           n D v, v = s / sqrt(n)           2             n
TwoPoint gaussian             D u, u ~ N(0, I)                 2             n + 2
TwoPoint, q averaged          mean of q such estimates         2q (q+1 fwd)  1 + (m_1 - 1)/q
TwoPoint, q orthogonal        (n/q) sum_j D_j v_j, frame v     2q (q+1 fwd)  n / q
============================  ===============================  ============  =====================

Every random direction derives from ``rng.standard_normal`` draws (sphere: rows normalised; rademacher:
``copysign(1/sqrt(n), z)``; orthogonal: QR of the Gaussian q x n block with the signs of diag(R) fixed),
so drawing B estimates' directions as one (B, q, n) block gives the same bits as B separate draws;
RandomCoordinate draws its index as ``floor(n * rng.random())``, for the same reason.
"""

from __future__ import annotations

import math
import numbers
import time
from typing import NamedTuple

import numba
import numpy as np

from . import _checks
from .ad import value_and_grad
from .kernels import JIT, PY, combine, normalize_rows
from .problem import Problem

_EPS = np.finfo(np.float64).eps
#: relative step of forward differences, sqrt(machine eps): balances O(h) truncation and eps/h rounding
FORWARD_REL_STEP = math.sqrt(_EPS)
#: relative step of central differences, cbrt(machine eps): balances O(h^2) truncation and eps/h rounding
CENTRAL_REL_STEP = _EPS ** (1.0 / 3.0)
#: zero rows: the directions kernel allocates its own scratch (never written, so safe to share)
_KERNEL_SCRATCH = np.empty((0, 3))
#: ``parallel=None`` uses threads once one call's evaluations are measured to take at least this long
PARALLEL_MIN_SECONDS = 1e-4


class Estimate(NamedTuple):
    """What one oracle call produced, for optimizers that use more than the gradient.

    grad : the estimate G (n,)
    gdotG : an estimate of <grad f(x), G> from the same differences (sum_j coef D_j^2; ||G||^2 for
        coordinate differences and exact gradients) - the directional derivative along the step,
        used by the adaptive step rule
    fx : f(x) if the estimate evaluated it (forward schemes, exact AD), else NaN
    nev : function evaluations made (ExactAD: 0)
    """

    grad: np.ndarray
    gdotG: float
    fx: float
    nev: int


def _rng_from(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (numbers.Integral, np.random.SeedSequence)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an integer seed or None; got {type(rng).__name__}")


def _eps_or_none(eps):
    return _checks.positive_float(eps, "eps", allow_none=True)


def _jit_call(problem, kernel, full_args):
    """``JIT.<kernel>(*full_args)`` without numba's per-call type dispatch.

    A kernel that takes the objective's dispatcher as an argument costs ~5 us per call just to be typed
    by numba, more than hundreds of cheap evaluations. The first call goes through the dispatcher (which
    compiles and checks the types); its compiled entry point is then kept on the problem for this
    kernel and called directly. That is safe because the estimators pass arguments whose types are
    fixed per problem (x and work arrays are C-contiguous writable float64, scalars are Python floats,
    bools and ints) - except ``problem.args``, which is checked by identity and re-typed if replaced.
    """
    entry = problem._entry_points.get(kernel)
    if entry is not None and entry[0] is problem.args:
        return entry[1](*full_args)
    dispatcher = getattr(JIT, kernel)
    result = dispatcher(*full_args)
    import numba

    compiled = dispatcher.overloads.get(tuple(numba.typeof(a) for a in full_args))
    if compiled is not None:
        problem._entry_points[kernel] = (problem.args, compiled.entry_point)
    return result


def _run(problem, x, kernel, describe, *kargs, timed=None):
    """Call ``kernel`` (a name in kernels.JIT / kernels.PY) on the problem's objective, count its
    evaluations into ``problem.nfev`` (also when it raises) and turn a non-finite value into a
    FloatingPointError naming the point. ``timed`` ("serial"/"parallel"): update the problem's
    cost-per-evaluation estimate for that mode (read by ``TwoPoint(parallel=None)``).
    Returns the kernel's ``(fx, gdotG)``."""
    jf = problem.jitted
    if jf is not None:
        if timed and kernel in problem._entry_points:  # the first call may compile: never timed
            t0 = time.perf_counter()
            nev, bad, bad_value, fx, gg = _jit_call(problem, kernel, (jf, x) + kargs + (problem.args,))
            problem.record_cost(timed, time.perf_counter() - t0, nev)
        else:
            nev, bad, bad_value, fx, gg = _jit_call(problem, kernel, (jf, x) + kargs + (problem.args,))
        problem.nfev += nev
    else:
        counter = [0]
        try:
            nev, bad, bad_value, fx, gg = getattr(PY, kernel)(problem.python_counted(counter), x, *kargs,
                                                             problem.args)
        finally:
            problem.nfev += counter[0]
    if bad >= 0:
        raise nonfinite_error(problem, *describe(bad), bad_value)
    return fx, gg


def _forward_coordinate_point(x, eps):
    """describe(code) for coord_forward's point codes (0: x; 1 + i: x + h e_i)."""
    def describe(code):
        if code == 0:
            return "x itself (the base point of forward differences)", x
        i = code - 1
        h = eps if eps > 0 else FORWARD_REL_STEP * max(1.0, abs(x[i]))
        pt = x.copy()
        pt[i] += h
        return f"x + h e_{i} (coordinate {i}, h = {h:.3g})", pt
    return describe


def _direction_point(x, V, eps, forward):
    """describe(code) for the directions kernel's point codes (central 2j, 2j+1; forward 0, 1 + j)."""
    q = V.shape[0]

    def describe(code):
        if forward:
            if code == 0:
                return "x itself (the base point of forward differences)", x
            j, s = code - 1, 0
        else:
            j, s = divmod(code, 2)
        pt = x - eps * V[j] if s else x + eps * V[j]
        return f"x {'-' if s else '+'} eps v_{j} (direction {j} of {q}, eps = {eps:.3g})", pt
    return describe


def nonfinite_error(problem, what, pt, value):
    """The FloatingPointError every path raises for a non-finite value: the point and the value."""
    return FloatingPointError(
        f"{problem.name}: f = {value} at {what}; the point is {_checks.describe_point(pt)}. "
        f"zeroopt reports non-finite values instead of returning a NaN gradient: check the "
        f"objective's domain near x, or take a smaller eps.")


def _central_coordinate_point(x, eps, label):
    """describe(code) for coord_central's point codes: the point x +- h e_i and its description."""
    def describe(code):
        i, s = divmod(code, 2)
        h = eps if eps > 0 else CENTRAL_REL_STEP * max(1.0, abs(x[i]))
        pt = x.copy()
        pt[i] += -h if s else h
        return f"x {'-' if s else '+'} h e_{i} ({label} {i}, h = {h:.3g})", pt
    return describe


class Oracle:
    """Base class: ``oracle(problem, x, rng=None) -> G``; see :meth:`estimate` for the full result."""

    #: whether the oracle draws random numbers (then it owns a Generator, see :class:`RandomOracle`)
    random = False

    def __call__(self, problem, x, rng=None):
        """The gradient estimate at ``x`` (a new array of shape (n,)); ``x`` is not modified."""
        return self.estimate(problem, x, rng).grad

    def estimate(self, problem, x, rng=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def evals_per_call(self, n):  # pragma: no cover - abstract
        """Function evaluations one call spends in dimension n."""
        raise NotImplementedError

    def second_moment_factor(self, n):  # pragma: no cover - abstract
        """m = E||G||^2 / ||grad f||^2 on quadratics (the module's table); the theory step is 1/(m L)."""
        raise NotImplementedError

    def _point(self, problem, x):
        if not isinstance(problem, Problem):
            raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
        return _checks.point(x, problem.dim)


class ExactAD(Oracle):
    """The exact gradient by reverse-mode AD (:mod:`zeroopt.ad`) of the problem's plain-numpy objective.

    Costs one gradient evaluation, counted in ``problem.ngev`` (and no function evaluations: ``nfev``
    does not move; the value f(x) comes with the gradient and is returned as ``Estimate.fx``). By the
    cheap-gradient principle a reverse-mode gradient costs a small constant multiple of f (see
    benchmarks/ad.py for the measured ratio). Objectives that are not numpy code (simulators) cannot be
    traced: the call raises a TypeError saying why.
    """

    def estimate(self, problem, x, rng=None):
        x = self._point(problem, x)
        try:
            with np.errstate(all="ignore"):  # non-finite results are reported below, with the point
                fx, g = value_and_grad(problem.py_fun)(x, *problem.args)
        except TypeError as exc:
            raise TypeError(f"ExactAD cannot differentiate {problem.name!r}: {exc}") from exc
        problem.ngev += 1
        fx = float(fx)
        if not (np.isfinite(fx) and _checks.all_finite(g)):
            what = f"f = {fx}" if not np.isfinite(fx) else f"the gradient has a non-finite entry ({g[~np.isfinite(g)][0]})"
            raise FloatingPointError(f"{problem.name}: {what} at x = {_checks.describe_point(x)}")
        return Estimate(g, float(g @ g), fx, 0)

    def evals_per_call(self, n):
        return 0

    def grads_per_call(self, n):
        """Exact gradient evaluations per call (counted in ``problem.ngev``)."""
        return 1

    def second_moment_factor(self, n):
        return 1.0

    def __repr__(self):
        return "ExactAD()"


class RandomOracle(Oracle):
    """An oracle that owns a numpy Generator made from ``seed``; each call advances it.

    ``reseed(seed)`` restarts the stream; ``rng=`` in a call replaces it for that call only.
    """

    random = True

    def __init__(self, seed=0):
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def reseed(self, seed=None):
        """Restart the oracle's stream from ``seed`` (default: the seed it was built with)."""
        if seed is not None:
            self.seed = seed
        self.rng = np.random.default_rng(self.seed)
        return self

    def _stream(self, rng):
        return self.rng if rng is None else _rng_from(rng)


class CoordinateFD(Oracle):
    """Coordinate finite differences (deterministic).

    ``scheme="central"``: ``G_i = (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)``, 2n evaluations, error
    O(h^2) (zero on quadratics up to rounding). ``scheme="forward"``: ``G_i = (f(x + h_i e_i) - f(x)) /
    h_i``, n + 1 evaluations, error (h_i / 2) d^2f/dx_i^2 + O(h^2).

    ``eps=None`` picks the scheme-optimal step per coordinate, ``h_i = c max(1, |x_i|)`` with
    c = sqrt(machine eps) (forward) or cbrt(machine eps) (central) (Nocedal & Wright, sec. 8.1); a given
    ``eps`` is the absolute step for every coordinate. Either way the divisor is the distance between
    the points actually evaluated, ``(x_i + h_i) - x_i`` in floating point.
    """

    def __init__(self, eps=None, scheme="central"):
        self.eps = _eps_or_none(eps)
        self.scheme = _checks.choice(scheme, "scheme", ("central", "forward"))

    def estimate(self, problem, x, rng=None):
        x = self._point(problem, x)
        n = x.shape[0]
        out = np.empty(n)
        eps = self.eps if self.eps is not None else 0.0
        if self.scheme == "central":
            describe = _central_coordinate_point(x, eps, "coordinate")
            fx, gg = _run(problem, x, "coord_central", describe, eps, CENTRAL_REL_STEP,
                          np.arange(n), 1.0, out)
        else:
            fx, gg = _run(problem, x, "coord_forward", _forward_coordinate_point(x, eps), eps, FORWARD_REL_STEP, out)
        return Estimate(out, gg, fx, self.evals_per_call(n))

    def evals_per_call(self, n):
        return 2 * n if self.scheme == "central" else n + 1

    def second_moment_factor(self, n):
        return 1.0

    def __repr__(self):
        return f"CoordinateFD(eps={self.eps}, scheme={self.scheme!r})"


class RandomCoordinate(RandomOracle):
    """Random coordinate differences: ``G = n (f(x + h e_i) - f(x - h e_i)) / (2h) e_i``, i uniform.

    Unbiased on quadratics (E G = grad f), 2 evaluations, m = n (E||G - g||^2 = (n - 1) ||g||^2). With
    step 1/(nL) gradient descent on it is the zero-order coordinate method with rate (1 - mu/(nL))^k.
    ``eps`` as in :class:`CoordinateFD` (None: cbrt(machine eps) max(1, |x_i|)). The index is
    ``floor(n * rng.random())``.
    """

    def __init__(self, eps=None, seed=0):
        super().__init__(seed)
        self.eps = _eps_or_none(eps)

    def draw(self, rng, n, steps=None):
        """Coordinate indices for one call (shape (1,)) or ``steps`` calls (shape (steps, 1))."""
        u = rng.random(1 if steps is None else (steps, 1))
        return np.minimum((u * n).astype(np.int64), n - 1)

    def estimate(self, problem, x, rng=None):
        x = self._point(problem, x)
        n = x.shape[0]
        idx = self.draw(self._stream(rng), n)
        out = np.zeros(n)
        eps = self.eps if self.eps is not None else 0.0

        describe = _central_coordinate_point(x, eps, "random coordinate")
        fx, gg = _run(problem, x, "coord_central", describe, eps, CENTRAL_REL_STEP, idx, float(n), out)
        return Estimate(out, gg, fx, 2)

    def evals_per_call(self, n):
        return 2

    def second_moment_factor(self, n):
        return float(n)

    def __repr__(self):
        return f"RandomCoordinate(eps={self.eps}, seed={self.seed!r})"


class TwoPoint(RandomOracle):
    """Random directional differences: two-point (q = 1) and multi-point (q = ``directions`` > 1).

    ``G = coef * sum_j D_j v_j`` with coef = n/q for ``dist="sphere"`` (v uniform on the unit sphere) and
    ``"rademacher"`` (v = s/sqrt(n), s uniform in {-1, 1}^n), and coef = 1/q for ``"gaussian"``
    (v ~ N(0, I)); q > 1 averages q independent estimates. ``orthogonal=True`` uses a uniformly random
    orthonormal q-frame instead (sphere only, q <= n): G = (n/q) P g on quadratics, exact at q = n.
    ``scheme="forward"`` uses the Nesterov-Spokoiny forward difference (q + 1 evaluations).

    ``parallel``: evaluate the q directions on numba's threads (same bits as serially). ``None`` decides
    per call by measurement: serial while q < 2, the problem runs in Python, numba has one thread, or
    one call's evaluations are measured to take less than ``PARALLEL_MIN_SECONDS`` (1e-4 s); above
    that, one call is made on threads and from then on the mode with the lower measured seconds per
    evaluation is used. (An objective that calls multithreaded BLAS, e.g. ``A @ x``, is usually faster
    serially: BLAS threads inside numba threads oversubscribe the cores, and the measurement sees it.)
    With ``problem.batch_fun`` and q > 1 all points go to one batched call instead.

    The seed fixes the whole sequence of estimates (see :class:`RandomOracle`), whatever the threads.
    """

    def __init__(self, eps=1e-4, dist="sphere", directions=1, orthogonal=False, scheme="central", seed=0,
                 parallel=None):
        super().__init__(seed)
        self.eps = _checks.positive_float(eps, "eps")
        self.dist = _checks.choice(dist, "dist", ("sphere", "gaussian", "rademacher"))
        self.q = _checks.positive_int(directions, "directions")
        self.orthogonal = bool(orthogonal)
        if self.orthogonal and self.dist != "sphere":
            raise ValueError(f"orthogonal=True draws a random orthonormal frame (sphere directions); "
                             f"it cannot be combined with dist={dist!r}")
        self.scheme = _checks.choice(scheme, "scheme", ("central", "forward"))
        if parallel not in (None, True, False):
            raise ValueError(f"parallel must be None, True or False; got {parallel!r}")
        self.parallel = parallel

    @property
    def directions(self):
        return self.q

    def _check_dim(self, n):
        if self.orthogonal and self.q > n:
            raise ValueError(f"directions={self.q} orthogonal directions do not exist in dimension n={n}: "
                             f"need directions <= n")

    def coef(self, n):
        """The factor in G = coef * sum_j D_j v_j."""
        return (1.0 if self.dist == "gaussian" else float(n)) / self.q

    def draw(self, rng, n, steps=None):
        """Directions for one call, shape (q, n), or for ``steps`` calls, shape (steps, q, n).

        One block draw equals ``steps`` single draws bit for bit.
        """
        self._check_dim(n)
        Z = rng.standard_normal((self.q, n) if steps is None else (steps, self.q, n))
        if self.orthogonal:
            Q, R = np.linalg.qr(np.swapaxes(Z, -1, -2))
            d = np.diagonal(R, axis1=-2, axis2=-1)
            Q *= np.where(d >= 0, 1.0, -1.0)[..., None, :]
            return np.ascontiguousarray(np.swapaxes(Q, -1, -2))
        if self.dist == "sphere":
            normalize_rows(Z)
        elif self.dist == "rademacher":
            np.copysign(1.0 / math.sqrt(n), Z, out=Z)
        return Z

    def _use_threads(self, problem):
        if self.q < 2 or problem.jitted is None:
            return False
        if self.parallel is not None:
            return self.parallel
        cost = problem._sec_per_eval
        serial = cost.get("serial")
        if numba.get_num_threads() < 2 or serial is None or serial * self.evals_per_call(problem.dim) < PARALLEL_MIN_SECONDS:
            return False
        parallel = cost.get("parallel")
        return parallel is None or parallel < serial

    def estimate(self, problem, x, rng=None):
        x = self._point(problem, x)
        return self._along(problem, x, self.draw(self._stream(rng), x.shape[0]))

    def estimate_along(self, problem, x, V):
        """The estimate at ``x`` along given directions ``V`` (q x n, as returned by :meth:`draw`)."""
        x = self._point(problem, x)
        if not (type(V) is np.ndarray and V.dtype == np.float64 and V.flags.c_contiguous and V.flags.writeable):
            V = np.array(V, dtype=np.float64, order="C")
        if V.shape != (self.q, x.shape[0]):
            raise ValueError(f"V must have shape (directions, n) = ({self.q}, {x.shape[0]}); got {V.shape}")
        return self._along(problem, x, V)

    def _along(self, problem, x, V):
        n = x.shape[0]
        q = self.q
        forward = self.scheme == "forward"
        coef = self.coef(n)
        D = np.empty(q)
        out = np.empty(n)
        eps = self.eps

        describe = _direction_point(x, V, eps, forward)

        if problem.batch_fun is not None and q > 1:
            fx, gg = self._batched(problem, x, V, D, out, describe)
        else:
            threads = self._use_threads(problem)
            kernel = "directions_parallel" if threads else "directions"
            nth = numba.get_num_threads() if threads else 1
            timed = None if q == 1 or self.parallel is not None else ("parallel" if threads else "serial")
            fx, gg = _run(problem, x, kernel, describe, V, eps, forward, coef, nth, D, _KERNEL_SCRATCH, out,
                          timed=timed)
        return Estimate(out, gg, fx, self.evals_per_call(n))

    def _batched(self, problem, x, V, D, out, describe):
        q = self.q
        eps = self.eps
        if self.scheme == "forward":
            X = np.empty((q + 1, x.shape[0]))
            X[0] = x
            np.add(x, eps * V, out=X[1:])
        else:
            X = np.empty((2 * q, x.shape[0]))
            np.add(x, eps * V, out=X[0::2])
            np.subtract(x, eps * V, out=X[1::2])
        vals = problem.batch_value(X)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            what, pt = describe(int(bad[0]))
            raise FloatingPointError(
                f"{problem.name}: batch_fun gave f = {vals[bad[0]]} at {what}; the point is "
                f"{_checks.describe_point(pt)}. zeroopt reports non-finite values instead of returning "
                f"a NaN gradient.")
        if self.scheme == "forward":
            fx = float(vals[0])
            np.divide(vals[1:] - fx, eps, out=D)
        else:
            fx = math.nan
            np.divide(vals[0::2] - vals[1::2], 2.0 * eps, out=D)
        gg = combine(V, D, self.coef(x.shape[0]), out)
        return fx, gg

    def evals_per_call(self, n):
        self._check_dim(n)
        return self.q + 1 if self.scheme == "forward" else 2 * self.q

    def second_moment_factor(self, n):
        self._check_dim(n)
        if self.orthogonal:
            return n / self.q
        m1 = {"sphere": float(n), "rademacher": float(n), "gaussian": n + 2.0}[self.dist]
        return 1.0 + (m1 - 1.0) / self.q

    def __repr__(self):
        return (f"TwoPoint(eps={self.eps}, dist={self.dist!r}, directions={self.q}, "
                f"orthogonal={self.orthogonal}, scheme={self.scheme!r}, seed={self.seed!r})")



def as_jac(oracle, problem, seed=0):
    """``jac(x)`` for ``scipy.optimize.minimize(problem.value, x0, jac=as_jac(oracle, problem))``.

    The returned function owns one random stream, ``numpy.random.default_rng(seed)``, for its whole
    life (the oracle's own stream is left alone); evaluations are counted in ``problem.nfev``.
    """
    if not isinstance(oracle, Oracle):
        raise TypeError(f"oracle must be a zeroopt oracle (e.g. zo.TwoPoint()), got {type(oracle).__name__}")
    rng = np.random.default_rng(seed)

    def jac(x):
        return oracle(problem, x, rng=rng)

    jac.__doc__ = f"Gradient estimate of {problem.name!r} by {oracle!r}, one stream from seed={seed!r}."
    return jac
