"""Gradient oracles: one interface, ``oracle(problem, x, rng=None) -> ndarray (n,)``.

D_j = (f(x + eps v_j) - f(x - eps v_j)) / (2 eps) (central) or (f(x + eps v_j) - f(x)) / eps (forward,
Nesterov & Spokoiny 2017); m = E||G||^2 / ||grad f||^2 on quadratics, the second-moment factor that sets
the theory step 1/(m L):

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

Each oracle owns its compiled fast path (:meth:`zeroopt.oracle.Oracle.fast_path`): the kernel that
computes its estimate, run the same way by a call and by the optimizers' jitted loop (see
:mod:`zeroopt.oracle`).
"""

from __future__ import annotations

import numba
import numpy as np

from . import _checks
from .ad import value_and_grad
from .kernels import OK, FastPath, KernelResult, coordinate, directions
from .kernels.coordinate import CENTRAL_REL_STEP, FORWARD_REL_STEP
from .noise.auto import AutoEps, parse_eps
from .oracle import Estimate, Oracle, RandomOracle, _estimate, nonfinite_error
from .problem import Problem
#: ``parallel=None`` uses threads once one call's evaluations are measured to take at least this long
PARALLEL_MIN_SECONDS = 1e-4


class ExactAD(Oracle):
    """The exact gradient by reverse-mode AD (:mod:`zeroopt.ad`) of the problem's plain-numpy objective.

    Costs one gradient evaluation, counted in ``problem.ngev`` (and no function evaluations: ``nfev``
    does not move; the value f(x) comes with the gradient and is returned as ``Estimate.fx``). By the
    cheap-gradient principle a reverse-mode gradient costs a small constant multiple of f (see
    benchmarks/ad.py for the measured ratio). Objectives that are not numpy code (simulators) cannot be
    traced: the call raises a TypeError saying why.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> g = zo.ExactAD()(p, np.zeros(3))
    >>> p.nfev, p.ngev
    (0, 1)
    """

    def estimate(self, problem, x, rng=None):
        x = self._point(problem, x)
        problem.count(ngev=1)
        try:
            with np.errstate(all="ignore"):  # non-finite results are reported below, with the point
                fx, g = value_and_grad(problem.py_fun)(x, *problem.args)
        except TypeError as exc:
            raise TypeError(f"ExactAD cannot differentiate {problem.name!r}: {exc}") from exc
        fx = float(fx)
        if not (np.isfinite(fx) and _checks.all_finite(g)):
            what = f"f = {fx}" if not np.isfinite(fx) else f"the gradient has a non-finite entry ({g[~np.isfinite(g)][0]})"
            raise FloatingPointError(f"{problem.name}: {what} at x = {_checks.describe_point(x)}")
        with np.errstate(over="ignore"):
            g2 = float(g @ g)  # may overflow to inf: every test on it is then safely false
        return Estimate(g, g2, fx, 0, g2)

    def fast_path(self, problem):
        return None

    def evals_per_call(self, n):
        return 0

    def grads_per_call(self, n):
        """Exact gradient evaluations per call (counted in ``problem.ngev``)."""
        return 1

    def second_moment_factor(self, n):
        return 1.0

    def __repr__(self):
        return "ExactAD()"


def _eps_or_none(eps):
    return _checks.positive_float(eps, "eps", allow_none=True)


def _eps_or_auto(eps, checker=_eps_or_none):
    return parse_eps(eps, checker)


class CoordinateFD(Oracle):
    """Coordinate finite differences (deterministic).

    ``scheme="central"``: ``G_i = (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)``, 2n evaluations, error
    O(h^2) (zero on quadratics up to rounding). ``scheme="forward"``: ``G_i = (f(x + h_i e_i) - f(x)) /
    h_i``, n + 1 evaluations, error (h_i / 2) d^2f/dx_i^2 + O(h^2).

    Parameters
    ----------
    eps : float > 0, None or "auto"
        The absolute step h for every coordinate. None picks the scheme-optimal step per coordinate,
        ``h_i = c max(1, |x_i|)`` with c = sqrt(machine eps) (forward) or cbrt(machine eps) (central)
        (Nocedal & Wright, sec. 8.1). Either way the divisor is the distance between the points actually
        evaluated, ``(x_i + h_i) - x_i`` in floating point.

        ``"auto"``: the step from the measured noise (Moré & Wild 2012,
        :func:`zeroopt.noise.auto_step`). At the first call on a problem a separate phase estimates the
        noise (ECnoise: 15 values on a line through x) and the second (forward) or third (central)
        derivative along each coordinate, counted in ``nfev`` (about 15 + 2n or 15 + 4n evaluations),
        and sets one absolute step for all coordinates; every other call costs what the table says. It
        estimates again, at the next call's point, once ||G||^2 has fallen below 1/100 of its value at
        the first call after the last estimate (for the random oracles: averaged over n calls): with
        relative noise, near a zero-residual minimum f and its noise are orders of magnitude smaller
        than at x0, and so is the right step. Unlike the default, which balances truncation against
        rounding only (noise of about machine epsilon times f) relative to each ``|x_i|``, it follows the
        noise actually there, with one step for all coordinates; on a noise-free f it measures the
        rounding noise. The phases are listed in ``auto_steps``; :func:`zeroopt.minimize` runs such an
        oracle call by call, not in its jitted loop.
    scheme : "central" or "forward"

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(4, seed=0)
    >>> G = zo.CoordinateFD()(p, np.zeros(4))
    >>> p.nfev
    8
    """

    def __init__(self, eps=None, scheme="central"):
        self.eps = _eps_or_auto(eps)
        self.scheme = _checks.choice(scheme, "scheme", ("central", "forward"))
        self._auto = AutoEps()

    @property
    def auto_steps(self):
        """eps="auto": the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem."""
        return list(self._auto.steps)

    def fast_path(self, problem):
        if self.eps == "auto":
            return None            # the step is chosen call by call (see eps)
        return self._cached_path(problem, (problem.dim, self.eps, self.scheme),
                                 lambda: coordinate.fd_path(problem.dim, self.eps, self.scheme))

    def estimate(self, problem, x, rng=None):
        if self.eps != "auto":
            return super().estimate(problem, x, rng)
        x = self._point(problem, x)
        h = self._auto.step(problem, x, self.scheme)
        path = self._cached_path(problem, (problem.dim, h, self.scheme),
                                 lambda: coordinate.fd_path(problem.dim, h, self.scheme))
        est = self._run_path(problem, path, x, path.fixed_draw)
        self._auto.observe(est.g2)
        return est

    def _bindable(self, problem):
        return type(self) is CoordinateFD and self.eps != "auto"

    def evals_per_call(self, n):
        return 2 * n if self.scheme == "central" else n + 1

    def second_moment_factor(self, n):
        return 1.0

    def __repr__(self):
        return f"CoordinateFD(eps={self.eps!r}, scheme={self.scheme!r})"


class RandomCoordinate(RandomOracle):
    """Random coordinate differences: ``G = n (f(x + h e_i) - f(x - h e_i)) / (2h) e_i``, i uniform.

    Unbiased on quadratics (E G = grad f), 2 evaluations, m = n (E||G - g||^2 = (n - 1) ||g||^2). With
    step 1/(nL) gradient descent on it is the zero-order coordinate method with rate (1 - mu/(nL))^k.
    ``eps`` as in :class:`CoordinateFD` (None: ``cbrt(machine eps) max(1, |x_i|)``; "auto": the step
    from the noise, as there, for central differences). The index is ``floor(n * rng.random())``.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(4, seed=0)
    >>> G = zo.RandomCoordinate(seed=1)(p, np.zeros(4))
    >>> int(np.count_nonzero(G)), p.nfev
    (1, 2)
    """

    def __init__(self, eps=None, seed=0):
        super().__init__(seed)
        self.eps = _eps_or_auto(eps)
        self._auto = AutoEps()

    @property
    def auto_steps(self):
        """eps="auto": the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem."""
        return list(self._auto.steps)

    def estimate(self, problem, x, rng=None):
        if self.eps != "auto":
            return super().estimate(problem, x, rng)
        x = self._point(problem, x)
        h = self._auto.step(problem, x, "central")
        path = self._cached_path(problem, (problem.dim, h), lambda: coordinate.random_path(problem.dim, h))
        est = self._run_path(problem, path, x, self.draw(self._stream(rng), x.shape[0]))
        self._auto.observe(est.g2, x.shape[0])
        return est

    def draw(self, rng, n, steps=None):
        """Coordinate indices for one call (shape (1,)) or ``steps`` calls (shape (steps, 1))."""
        u = rng.random(1 if steps is None else (steps, 1))
        return np.minimum((u * n).astype(np.int64), n - 1)

    def fast_path(self, problem):
        if self.eps == "auto":
            return None            # the step is chosen call by call (see CoordinateFD's eps)
        return self._cached_path(problem, (problem.dim, self.eps),
                                 lambda: coordinate.random_path(problem.dim, self.eps))

    def _bindable(self, problem):
        return type(self) is RandomCoordinate and self.eps != "auto"

    def evals_per_call(self, n):
        return 2

    def second_moment_factor(self, n):
        return float(n)

    def __repr__(self):
        return f"RandomCoordinate(eps={self.eps!r}, seed={self.seed!r})"


class TwoPoint(RandomOracle):
    """Random directional differences: two-point (q = 1) and multi-point (q = ``directions`` > 1).

    ``G = coef * sum_j D_j v_j`` with coef = n/q for ``dist="sphere"`` (v uniform on the unit sphere) and
    ``"rademacher"`` (v = s/sqrt(n), s uniform in {-1, 1}^n), and coef = 1/q for ``"gaussian"``
    (v ~ N(0, I)); q > 1 averages q independent estimates. ``orthogonal=True`` uses a uniformly random
    orthonormal q-frame instead (sphere only, q <= n): G = (n/q) P g on quadratics, exact at q = n.
    D_j = (f(x + eps v_j) - f(x - eps v_j)) / (2 eps); ``scheme="forward"`` uses the Nesterov-Spokoiny
    forward difference (f(x + eps v_j) - f(x)) / eps (q + 1 evaluations).

    Parameters
    ----------
    eps : float > 0 or "auto"
        The perturbation radius (default 1e-4): the points are x +- eps v_j. The estimate is the exact
        gradient of a smoothed f (ball- or Gaussian-smoothed with radius eps) and equals grad f on
        quadratics; its bias on other functions is O(eps) (forward) or O(eps^2) (central) times f's
        higher derivatives. "auto": the step h from the noise, as in :class:`CoordinateFD` (with the
        derivatives along the coordinates), as the distance moved: eps = h for unit directions,
        h / sqrt(n) for Gaussian ones (their length is about sqrt(n)).
    dist : "sphere", "gaussian" or "rademacher"
    directions : int >= 1
        q, the number of directions per estimate.
    orthogonal : bool
        Draw an orthonormal q-frame (sphere only, q <= n).
    scheme : "central" or "forward"
    seed : int >= 0, SeedSequence or Generator
        The seed of the oracle's own stream (see :class:`~zeroopt.RandomOracle`).
    parallel : None, True or False
        Evaluate the q directions on numba's threads (same bits as serially). ``None`` decides per call
        by measurement: serial while q < 2, the problem runs in Python, numba has one thread, or one
        call's evaluations are measured to take less than ``PARALLEL_MIN_SECONDS`` (1e-4 s); above that,
        one call is made on threads and from then on the mode with the lower measured seconds per
        evaluation is used. (An objective that calls multithreaded BLAS, e.g. ``A @ x``, is usually faster
        serially: BLAS threads inside numba threads oversubscribe the cores, and the measurement sees it.)
        With ``problem.batch_fun`` and q > 1 all points go to one batched call instead (to
        ``problem.batch_fun.along(x, V, eps, forward, *args)`` if the batch function has one, which
        gets x and the directions instead of the points: ``problems.logistic``'s does).

    Raises
    ------
    TypeError, ValueError
        A bad parameter, named in the message.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(5, seed=0)
    >>> G = zo.TwoPoint(directions=3, seed=0)(p, np.zeros(5))
    >>> G.shape, p.nfev
    ((5,), 6)
    """

    def __init__(self, eps=1e-4, dist="sphere", directions=1, orthogonal=False, scheme="central", seed=0,
                 parallel=None):
        super().__init__(seed)
        self.eps = _eps_or_auto(eps, lambda e: _checks.positive_float(e, "eps"))
        self._auto = AutoEps()
        self._h = None
        self.dist = _checks.choice(dist, "dist", ("sphere", "gaussian", "rademacher"))
        self.q = _checks.positive_int(directions, "directions")
        self.orthogonal = _checks.boolean(orthogonal, "orthogonal")
        if self.orthogonal and self.dist != "sphere":
            raise ValueError(f"orthogonal=True draws a random orthonormal frame (sphere directions); "
                             f"it cannot be combined with dist={dist!r}")
        self.scheme = _checks.choice(scheme, "scheme", ("central", "forward"))
        self.parallel = _checks.boolean(parallel, "parallel", allow_none=True)

    @property
    def directions(self):
        return self.q

    @property
    def auto_steps(self):
        """eps="auto": the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem."""
        return list(self._auto.steps)

    def _eps(self):
        """The radius in use: eps, or with eps="auto" the step set by the last call."""
        return self._h if self.eps == "auto" else self.eps

    def _set_auto(self, problem, x):
        h = self._auto.step(problem, x, self.scheme)
        self._h = h / np.sqrt(x.shape[0]) if self.dist == "gaussian" else h

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
            directions.normalize_rows(Z)
        elif self.dist == "rademacher":
            directions.rademacher_signs(Z)
        return Z

    def _use_threads(self, problem):
        if self.q < 2 or problem.jitted is None:
            return False
        if self.parallel is not None:
            return self.parallel
        serial = problem.compiled.seconds_per_eval("serial")
        if (numba.get_num_threads() < 2 or serial is None
                or serial * self.evals_per_call(problem.dim) < PARALLEL_MIN_SECONDS):
            return False
        parallel = problem.compiled.seconds_per_eval("parallel")
        return parallel is None or parallel < serial

    def fast_path(self, problem):
        """The directions kernel (on numba's threads when its ``parallel`` setting says so); None when the
        problem has a ``batch_fun`` and q > 1 (the batched path is used instead), and with eps="auto"
        (the step is chosen call by call)."""
        return None if self.eps == "auto" else self._directions_path(problem)

    def _directions_path(self, problem):
        if problem.batch_fun is not None and self.q > 1:
            return None
        threads = self._use_threads(problem)
        key = (problem.dim, threads, self._eps(), self.scheme, self.q, self.orthogonal, self.dist)
        return self._cached_path(problem, key, lambda: self._build_path(problem, threads))

    def _build_path(self, problem, threads):
        self._check_dim(problem.dim)
        return directions.path(self._eps(), self.scheme == "forward", self.coef(problem.dim), self.q, threads,
                               numba.get_num_threads() if threads else 1)

    def _bindable(self, problem):
        return type(self) is TwoPoint and self.q == 1 and self.eps != "auto"

    def _bound_parts(self, problem, path):
        """The per-call path draws the raw standard normal block and lets the kernel make it the directions
        (the same arithmetic as :meth:`draw`, without a second call into compiled code)."""
        if self.orthogonal:
            return super()._bound_parts(problem, path)
        finish = {"sphere": directions.SPHERE, "rademacher": directions.RADEMACHER,
                  "gaussian": directions.AS_DRAWN}[self.dist]
        shape = (self.q, problem.dim)
        return path._replace(params=path.params._replace(finish=finish, check_x=True)), shape

    def estimate(self, problem, x, rng=None):
        est = self._bound_estimate(problem, x, rng)
        if est is not None:
            return est
        x = self._point(problem, x)
        if self.eps == "auto":
            self._set_auto(problem, x)
            est = self._along(problem, x, self.draw(self._stream(rng), x.shape[0]))
            self._auto.observe(est.g2, x.shape[0])
            return est
        return self._along(problem, x, self.draw(self._stream(rng), x.shape[0]), own=True)

    def estimate_along(self, problem, x, V):
        """The estimate at ``x`` along given directions ``V`` (q x n, as returned by :meth:`draw`)."""
        x = self._point(problem, x)
        if not (type(V) is np.ndarray and V.dtype == np.float64 and V.flags.c_contiguous and V.flags.writeable):
            V = np.array(V, dtype=np.float64, order="C")
        if V.shape != (self.q, x.shape[0]):
            raise ValueError(f"V must have shape (directions, n) = ({self.q}, {x.shape[0]}); got {V.shape}")
        if self.eps == "auto":
            self._set_auto(problem, x)
        return self._along(problem, x, V)

    def _along(self, problem, x, V, own=False):
        path = self._directions_path(problem)
        if path is None:
            return self._batched(problem, x, V)
        timed = None if self.q == 1 or self.parallel is not None else ("parallel" if path.chunks > 1 else "serial")
        return self._run_path(problem, path, x, V, timed, bind=own)

    def _batched(self, problem, x, V):
        """All 2q (forward: q + 1) points in one batched call, then the directions kernel's own arithmetic
        (:func:`zeroopt.kernels.directions.from_values`) and decoder. A ``batch_fun`` with an ``along``
        attribute gets x and V instead of the points: ``along(x, V, eps, forward, *args)`` returns the
        values in point-code order (central: x + eps v_j at 2j, x - eps v_j at 2j + 1; forward: x at 0,
        x + eps v_j at 1 + j); the evaluations are counted before it is called."""
        q, eps, n = self.q, self._eps(), x.shape[0]
        forward = self.scheme == "forward"
        along = getattr(problem.batch_fun, "along", None)
        if along is not None:
            xr, Vr = x.view(), V.view()
            xr.flags.writeable = Vr.flags.writeable = False  # as batch_value hands its points
            problem.count(nfev=q + 1 if forward else 2 * q)
            vals = np.asarray(along(xr, Vr, eps, forward, *problem.args), dtype=np.float64)
            if vals.shape != ((q + 1) if forward else (2 * q),):
                raise ValueError(f"batch_fun.along must return shape ({q + 1 if forward else 2 * q},); "
                                 f"got {vals.shape}")
            return self._from_values(problem, x, V, vals)
        if forward:
            X = np.empty((q + 1, n))
            X[0] = x
            np.add(x, eps * V, out=X[1:])
        else:
            X = np.empty((2 * q, n))
            np.add(x, eps * V, out=X[0::2])
            np.subtract(x, eps * V, out=X[1::2])
        return self._from_values(problem, x, V, problem.batch_value(X))

    def _from_values(self, problem, x, V, vals):
        q, eps, n = self.q, self._eps(), x.shape[0]
        forward = self.scheme == "forward"
        vals = np.ascontiguousarray(vals, dtype=np.float64)
        G = np.empty(n)
        r = directions.from_values(vals, V, eps, forward, self.coef(n), np.empty(q), G)
        if r[0] != OK:
            raise directions.failure(eps, forward)(problem, x, V, KernelResult._make(r))
        return _estimate(G, r, self.evals_per_call(n))

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
        return (f"TwoPoint(eps={self.eps!r}, dist={self.dist!r}, directions={self.q}, "
                f"orthogonal={self.orthogonal}, scheme={self.scheme!r}, seed={self.seed!r})")


def as_jac(oracle, problem, seed=0):
    """``jac(x)`` for ``scipy.optimize.minimize(problem.value, x0, jac=as_jac(oracle, problem))``.

    The returned function owns one random stream, ``numpy.random.default_rng(seed)``, for its whole
    life (the oracle's own stream is left alone); evaluations are counted in ``problem.nfev``.

    Parameters
    ----------
    oracle : Oracle
    problem : Problem
    seed : int >= 0, SeedSequence or Generator

    Returns
    -------
    callable
        ``jac(x) -> ndarray``.

    Raises
    ------
    TypeError
        ``oracle`` is not a zeroopt oracle or ``problem`` not a Problem; a bad ``seed``.

    Warnings
    --------
    Quasi-Newton methods (``BFGS``, ``L-BFGS-B``) are fooled by a random oracle (:class:`TwoPoint`,
    :class:`RandomCoordinate`): they build their curvature model from differences of successive gradients
    and stop when f stops decreasing along the model's direction, and a random estimate differs from the
    gradient by noise of about sqrt(m - 1) ||grad f|| (m the oracle's second-moment factor). On
    ``zo.problems.rosenbrock(200)`` from x0 = 0 (f = 199, f* = 0), ``L-BFGS-B`` with
    ``jac=as_jac(zo.TwoPoint(directions=10), p)`` reported ``success=True`` after 33 iterations at
    f = 198.07, where ||grad f|| = 20.9 (scipy 1.17). Give quasi-Newton methods a deterministic oracle
    (:class:`CoordinateFD`, :class:`ExactAD`); for a random one use :func:`zeroopt.minimize`, whose
    convergence test averages 20 estimates instead of trusting one.

    Examples
    --------
    >>> import numpy as np, scipy.optimize, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> jac = zo.as_jac(zo.CoordinateFD(), p)
    >>> r = scipy.optimize.minimize(p.value, np.zeros(3), jac=jac, method="BFGS")
    >>> bool(np.allclose(r.x, p.x_star, atol=1e-5))
    True
    """
    if not isinstance(oracle, Oracle):
        raise TypeError(f"oracle must be a zeroopt oracle (e.g. zo.TwoPoint()), got {type(oracle).__name__}")
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
    rng = _checks.generator(seed, "seed")

    def jac(x):
        return oracle(problem, x, rng=rng)

    jac.__doc__ = f"Gradient estimate of {problem.name!r} by {oracle!r}, one stream from seed={seed!r}."
    return jac


__all__ = ["Estimate", "FastPath", "Oracle", "RandomOracle", "ExactAD", "CoordinateFD", "RandomCoordinate",
           "TwoPoint", "as_jac", "nonfinite_error", "FORWARD_REL_STEP", "CENTRAL_REL_STEP"]
