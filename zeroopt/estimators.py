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

import math
import weakref

import numba
import numpy as np

from . import _checks
from .ad import value_and_grad
from .ad.compiler import shared as compiled_gradient
from .kernels import OK, FastPath, KernelResult, coordinate, directions, exact, stochastic
from .kernels.coordinate import CENTRAL_REL_STEP, FORWARD_REL_STEP
from .noise.auto import AutoEps, parse_eps
from .oracle import Estimate, Oracle, RandomOracle, _estimate, nonfinite_error
from .problem import Problem
#: ``parallel=None`` uses threads once one call's evaluations are measured to take at least this long
PARALLEL_MIN_SECONDS = 1e-4


class ExactAD(Oracle):
    r"""The exact gradient by reverse-mode AD (:mod:`zeroopt.ad`) of the problem's plain-numpy objective.

    Costs one gradient evaluation, counted in ``problem.ngev`` (and no function evaluations: ``nfev``
    does not move; the value f(x) comes with the gradient and is returned as ``Estimate.fx``). By the
    cheap-gradient principle a reverse-mode gradient costs a small constant multiple of f (see
    benchmarks/ad.py for the measured ratio). Objectives that are not numpy code (simulators) cannot be
    traced: the call raises a TypeError saying why.

    Parameters
    ----------
    compiled : bool
        False (the default): the traced gradient, recorded at every call (the reference). True: the
        gradient compiled by numba once per shape (:func:`zeroopt.ad.compiled`), the same gradient up to
        rounding, called at the cost of a compiled function; where the compiler cannot follow the
        objective it falls back to the traced path with one :class:`zeroopt.ad.CompileWarning`. Opt-in:
        the compiled gradient rounds differently, so the iterates of a run differ in the last bits.
        ``minimize(method="gd")`` with a fixed step runs the compiled gradient inside its jitted loop
        (:meth:`fast_path`), with the same iterates and counts as its Python path.

    Raises
    ------
    TypeError
        ``compiled`` is not a bool. At a call: the objective cannot be traced (the message names the
        problem and why).
    FloatingPointError
        At a call: f(x) or an entry of the gradient is not finite (the message names the point).

    See Also
    --------
    zeroopt.value_and_grad : The AD transform it calls.
    CoordinateFD : The same gradient from 2n function values, for objectives AD cannot trace.
    Oracle : The interface.

    Notes
    -----
    It returns :math:`G = \nabla f(x)`: no bias and second-moment factor :math:`m = 1`, so the theory
    step is :math:`1/L`. The estimate's slope ``gdotG`` and ``g2`` are both :math:`\|\nabla f(x)\|^2`.
    Reverse mode computes the gradient in a small constant multiple of the operations of one
    evaluation of :math:`f`, whatever the dimension [GW08]_; ``compiled=True`` gives the same gradient
    up to rounding.

    References
    ----------
    .. [GW08] A. Griewank, A. Walther. *Evaluating Derivatives: Principles and Techniques of Algorithmic
       Differentiation*, 2nd ed. SIAM, 2008.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> g = zo.ExactAD()(p, np.zeros(3))
    >>> p.nfev, p.ngev
    (0, 1)
    >>> gc = zo.ExactAD(compiled=True)(p, np.zeros(3))
    >>> bool(np.allclose(gc, g, rtol=1e-12, atol=1e-14))
    True
    """

    def __init__(self, compiled=False):
        if not isinstance(compiled, (bool, np.bool_)):
            raise TypeError(f"compiled must be True or False, got {compiled!r}")
        self.compiled = bool(compiled)

    def estimate(self, problem, x, rng=None):
        """The exact gradient at ``x`` with f(x), as an :class:`Estimate`; counted as one ``ngev``.

        Parameters
        ----------
        problem : Problem
            The problem; its plain-Python objective (``problem.py_fun``) is traced (with
            ``compiled=True``, its compiled gradient is called).
        x : array_like, shape (n,)
            The point, finite.
        rng : object, optional
            Ignored (the gradient is deterministic).

        Returns
        -------
        Estimate
            ``grad`` the gradient, ``fx`` f(x), ``nev`` 0, ``gdotG`` and ``g2`` its squared norm.

        Raises
        ------
        TypeError
            ``problem`` is not a Problem, or its objective cannot be traced.
        ValueError
            ``x`` has the wrong shape or a non-finite entry.
        FloatingPointError
            f(x) or an entry of the gradient is not finite; the message names the point.

        See Also
        --------
        zeroopt.value_and_grad : The transform it calls.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.rosenbrock(2)
        >>> est = zo.ExactAD().estimate(p, np.zeros(2))
        >>> est.grad.tolist(), est.fx, est.nev, p.ngev
        ([-2.0, 0.0], 1.0, 0, 1)
        """
        x = self._point(problem, x)
        problem.count(ngev=1)
        try:
            if self.compiled:   # (f, g and ||g||^2 from one compiled call; the fallback ignores FP warnings)
                fx, g, g2 = self._derivative(problem).value_grad_sumsq(x, problem.args)
                if g2 is not None and math.isfinite(fx) and math.isfinite(g2):
                    return Estimate(g, g2, fx, 0, g2)
            else:
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

    def _derivative(self, problem):
        """The compiled gradient of ``problem``'s objective (kept for the last problem called)."""
        last = self.__dict__.get("_last")
        if last is not None and last[0]() is problem:
            return last[1]
        d = compiled_gradient(problem.py_fun)
        self._last = (weakref.ref(problem), d)
        return d

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_last", None)
        return state

    def fast_path(self, problem, x=None):
        """The compiled gradient as a kernel of the optimizers' jitted loop, its program recorded at ``x``.

        Parameters
        ----------
        problem : Problem
            The problem whose objective is differentiated.
        x : array_like (n,), optional
            The point where the program is chosen (recorded and compiled if no program of this shape
            holds there): the loop's first iterate.

        Returns
        -------
        FastPath or None
            ``ExactAD(compiled=True)``'s path (the kernel of ``zeroopt.kernels.exact``, the dense update;
            its evaluations count as ``ngev``); None for the traced gradient (the default), without ``x``,
            or where the compiled gradient falls back to the traced path.

        See Also
        --------
        zeroopt.ad.compiled : The compiled derivative.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.rosenbrock(3)
        >>> zo.ExactAD().fast_path(p, np.zeros(3)) is None
        True
        >>> zo.ExactAD(compiled=True).fast_path(p, np.zeros(3)).kernel.name
        '_exact'
        """
        if not self.compiled or x is None:
            return None
        x = self._point(problem, x)
        got = self._derivative(problem).program(x, problem.args)
        return None if got is None else exact.exact_path(*got)

    def evals_per_call(self, n):
        """0: an exact gradient costs no function evaluation (see :meth:`grads_per_call`).

        Parameters
        ----------
        n : int
            The problem's dimension (not used).

        Returns
        -------
        int
            0.

        See Also
        --------
        grads_per_call : What a call costs instead.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.ExactAD().evals_per_call(10)
        0
        """
        return 0

    def grads_per_call(self, n):
        """Exact gradient evaluations per call (counted in ``problem.ngev``): 1.

        Parameters
        ----------
        n : int
            The problem's dimension (not used).

        Returns
        -------
        int
            1.

        See Also
        --------
        evals_per_call : The function evaluations per call (0).

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.ExactAD().grads_per_call(10)
        1
        """
        return 1

    def second_moment_factor(self, n):
        """1: the exact gradient has no variance, and its theory step is the classical one.

        Parameters
        ----------
        n : int
            The problem's dimension (not used).

        Returns
        -------
        float
            1.0.

        See Also
        --------
        Oracle.second_moment_factor : What the factor means.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.ExactAD().second_moment_factor(10)
        1.0
        """
        return 1.0

    def __repr__(self):
        return "ExactAD(compiled=True)" if self.compiled else "ExactAD()"


def _eps_or_none(eps):
    return _checks.positive_float(eps, "eps", allow_none=True)


def _eps_or_auto(eps, checker=_eps_or_none):
    return parse_eps(eps, checker)


class CoordinateFD(Oracle):
    r"""Coordinate finite differences (deterministic).

    ``scheme="central"``: the central quotient along each coordinate, :math:`2n` evaluations, error
    :math:`O(h^2)` (zero on quadratics up to rounding). ``scheme="forward"``: the forward quotient,
    :math:`n + 1` evaluations, error :math:`\tfrac{h_i}{2}\partial_{ii} f(x) + O(h_i^2)`. The formulas
    are in the Notes.

    Parameters
    ----------
    eps : float > 0, None or "auto"
        The absolute step :math:`h` for every coordinate. None (the default) picks the scheme-optimal
        step per coordinate, :math:`h_i = c \max(1, |x_i|)` with :math:`c` the square root (forward) or
        the cube root (central) of the machine epsilon ([NW06]_ §8.1). Either way the divisor is the
        distance between the points actually evaluated, computed in floating point (see Notes).

        ``"auto"``: the step from the measured noise (Moré & Wild 2012,
        :func:`zeroopt.noise.auto_step`). At the first call on a problem a separate phase estimates the
        noise (ECnoise: 15 values on a line through x) and the second (forward) or third (central)
        derivative along each coordinate, counted in ``nfev`` (about 15 + 2n or 15 + 4n evaluations),
        and sets one absolute step for all coordinates; every other call costs what the table says. It
        estimates again, at the next call's point, once :math:`\|G\|^2` has fallen below 1/100 of its value at
        the first call after the last estimate (for the random oracles: averaged over n calls): with
        relative noise, near a zero-residual minimum f and its noise are orders of magnitude smaller
        than at x0, and so is the right step. Unlike the default, which balances truncation against
        rounding only (noise of about machine epsilon times f) relative to each ``|x_i|``, it follows the
        noise actually there, with one step for all coordinates; on a noise-free f it measures the
        rounding noise. The phases are listed in ``auto_steps``; :func:`zeroopt.minimize` runs such an
        oracle call by call, not in its jitted loop.
    scheme : "central" or "forward"
        The difference quotient (default ``"central"``).

    Raises
    ------
    TypeError, ValueError
        A bad ``eps`` or ``scheme``, named in the message.
    FloatingPointError
        At a call: a non-finite value of f, an overflowing quotient, or a step too small to move
        :math:`x_i`; the message names the point.

    See Also
    --------
    RandomCoordinate : One random coordinate per call (2 evaluations).
    TwoPoint : Differences along random directions.
    ExactAD : The exact gradient of a plain-numpy objective.

    Notes
    -----
    With the steps :math:`h_i`,

    .. math::

        \begin{aligned}
        G_i &= \frac{f(x + h_i e_i) - f(x - h_i e_i)}{(x_i + h_i) - (x_i - h_i)}
            \quad\text{(central)},\\
        G_i &= \frac{f(x + h_i e_i) - f(x)}{(x_i + h_i) - x_i}
            \quad\text{(forward)},
        \end{aligned}

    the denominators computed in floating point (the representation error of the step cancels). By
    Taylor's theorem the forward quotient is off by :math:`\tfrac{h_i}{2}\partial_{ii}f(x) + O(h_i^2)`
    and the central one by :math:`\tfrac{h_i^2}{6}\partial_{iii}f(x) + O(h_i^4)`. Balancing these
    against the rounding error of :math:`f` divided by :math:`h` gives the default steps [NW06]_

    .. math::

        \begin{aligned}
        h_i &= c \max(1, |x_i|),\\
        c &= \varepsilon_{\text{mach}}^{1/2} \approx 1.49\cdot 10^{-8} \text{ (forward)},\\
        c &= \varepsilon_{\text{mach}}^{1/3} \approx 6.06\cdot 10^{-6} \text{ (central)}
        \end{aligned}

    (``FORWARD_REL_STEP`` and ``CENTRAL_REL_STEP``). The estimate is deterministic, so its second-moment
    factor is :math:`m = 1`.

    References
    ----------
    .. [NW06] J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed. Springer, 2006. §8.1.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(4, seed=0)
    >>> G = zo.CoordinateFD()(p, np.zeros(4))
    >>> p.nfev
    8
    >>> A, c = p.args            # f(x) = (x - c)' A (x - c) / 2
    >>> bool(np.allclose(G, -A @ c))
    True
    """

    def __init__(self, eps=None, scheme="central"):
        self.eps = _eps_or_auto(eps)
        self.scheme = _checks.choice(scheme, "scheme", ("central", "forward"))
        self._auto = AutoEps()

    @property
    def auto_steps(self):
        """With ``eps="auto"``: the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem.

        One entry per estimation phase, in order: the first call on a problem adds one, and so does every
        call that estimates again (see ``eps``). A call on another problem starts the list afresh.

        Returns
        -------
        list of AutoStep
            A new list (changing it changes nothing in the oracle); empty before the first call, and
            always empty for a numeric or None ``eps``. Each entry holds the step ``h``, the scheme
            (the oracle's ``scheme``), the measured noise and the evaluations the phase spent.

        See Also
        --------
        zeroopt.noise.auto_step : Computes each entry.
        zeroopt.noise_level : The noise measurement inside it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> o = zo.CoordinateFD(eps="auto", scheme="forward")
        >>> G = o(p, np.ones(3))
        >>> [s.scheme for s in o.auto_steps], p.nfev == o.auto_steps[0].nfev + 4
        (['forward'], True)
        >>> zo.CoordinateFD().auto_steps
        []
        """
        return list(self._auto.steps)

    def fast_path(self, problem):
        """The coordinate-differences kernel on every coordinate, with the dense update.

        Parameters
        ----------
        problem : Problem
            The problem (its dimension sets the coordinates).

        Returns
        -------
        FastPath or None
            The central or forward kernel, ``fixed_draw`` the indices 0, ..., n - 1; None with
            ``eps="auto"`` (the step is chosen call by call).

        See Also
        --------
        Oracle.fast_path : What a fast path is for.

        Examples
        --------
        >>> import zeroopt as zo
        >>> o = zo.CoordinateFD(scheme="forward")
        >>> path = o.fast_path(zo.problems.rosenbrock(3))
        >>> path.kernel.name, path.fixed_draw.tolist()
        ('_coord_forward', [0, 1, 2])
        """
        if self.eps == "auto":
            return None            # the step is chosen call by call (see eps)
        return self._cached_path(problem, (problem.dim, self.eps, self.scheme),
                                 lambda: coordinate.fd_path(problem.dim, self.eps, self.scheme))

    def estimate(self, problem, x, rng=None):
        """The full :class:`Estimate` at ``x``: the quotient along every coordinate, with its slope and count.

        Parameters
        ----------
        problem : Problem
            The problem (evaluations counted in ``problem.nfev``); not a stochastic one.
        x : array_like, shape (n,)
            The point, finite.
        rng : numpy Generator, int or None, optional
            Not used: the estimate is deterministic.

        Returns
        -------
        Estimate
            The estimate G, its slope (the inner product of G with itself), f(x) for the forward
            scheme (else NaN), the evaluations of the call (2n, or n + 1 forward) and the squared norm
            of G. With ``eps="auto"`` an estimation phase, when one runs, is counted in
            ``problem.nfev`` but not in ``nev`` (see ``auto_steps``).

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`Oracle.__call__`.

        See Also
        --------
        Oracle.estimate : The interface.
        auto_steps : The steps ``eps="auto"`` chose.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> est = zo.CoordinateFD(scheme="forward").estimate(p, np.zeros(3))
        >>> est.nev, p.nfev, bool(np.isclose(est.fx, p.value(np.zeros(3))))
        (4, 4, True)
        """
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
        """Function evaluations per call: 2n (central) or n + 1 (forward).

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        int
            ``2 * n`` for central differences, ``n + 1`` for forward ones.

        See Also
        --------
        Oracle.evals_per_call : The interface.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.CoordinateFD().evals_per_call(10)
        20
        >>> zo.CoordinateFD(scheme="forward").evals_per_call(10)
        11
        """
        return 2 * n if self.scheme == "central" else n + 1

    def second_moment_factor(self, n):
        """1: the estimate is deterministic (the forward scheme's bias of order h is not counted).

        Parameters
        ----------
        n : int
            The problem's dimension (not used).

        Returns
        -------
        float
            1.0.

        See Also
        --------
        Oracle.second_moment_factor : What the factor means.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.CoordinateFD().second_moment_factor(10)
        1.0
        """
        return 1.0

    def __repr__(self):
        return f"CoordinateFD(eps={self.eps!r}, scheme={self.scheme!r})"


class RandomCoordinate(RandomOracle):
    r"""Random coordinate differences: the central quotient along one uniformly drawn coordinate, times n.

    Unbiased on quadratics, 2 evaluations per call, second-moment factor :math:`m = n`. Gradient descent
    with the step :math:`1/(nL)` on it is the zero-order coordinate method, with the rate
    :math:`(1 - \mu/(nL))^k` on :math:`\mu`-strongly convex :math:`L`-smooth functions (see Notes).

    Parameters
    ----------
    eps : float > 0, None or "auto"
        The absolute step :math:`h`, as in :class:`CoordinateFD`; None (the default) is the central
        scheme's relative step :math:`h_i = \varepsilon_{\text{mach}}^{1/3}\max(1, |x_i|)`;
        ``"auto"`` the step from the measured noise, as in :class:`CoordinateFD`, for central
        differences.
    seed : int >= 0, numpy SeedSequence or Generator
        The seed of the oracle's own stream (default 0; see :class:`RandomOracle`).

    Raises
    ------
    TypeError, ValueError
        A bad ``eps`` or ``seed``, named in the message.
    FloatingPointError
        At a call: a non-finite value of f, an overflowing quotient, or a step too small to move
        :math:`x_i`; the message names the point.

    See Also
    --------
    CoordinateFD : Every coordinate, deterministically.
    TwoPoint : Two evaluations along a random direction, with the same :math:`m` on the sphere.

    Notes
    -----
    With :math:`i` drawn uniformly from :math:`\{0, \dots, n-1\}` (as
    :math:`\min(\lfloor nU\rfloor, n-1)`, :math:`U` uniform on :math:`[0, 1)` from ``rng.random``),

    .. math::

        G = n\, D_i\, e_i, \qquad
        D_i = \frac{f(x + h_i e_i) - f(x - h_i e_i)}{(x_i + h_i) - (x_i - h_i)} .

    :math:`\mathbb E G = \sum_i D_i e_i`, the central-difference gradient (:math:`\nabla f(x)` on
    quadratics), and :math:`\mathbb E\|G\|^2 = n\|D\|^2`, so :math:`m = n` and
    :math:`\mathbb E\|G - \nabla f(x)\|^2 = (n - 1)\|\nabla f(x)\|^2` on quadratics. Only the drawn
    coordinate of the iterate moves. The coordinate method with step :math:`1/(nL)` is analysed in
    [N12]_.

    References
    ----------
    .. [N12] Yu. Nesterov. Efficiency of coordinate descent methods on huge-scale optimization problems.
       *SIAM Journal on Optimization* 22(2):341–362, 2012.

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
        """With ``eps="auto"``: the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem.

        One entry per estimation phase, in order: the first call on a problem adds one, and so does every
        call that estimates again (see ``eps``). A call on another problem starts the list afresh.

        Returns
        -------
        list of AutoStep
            A new list (changing it changes nothing in the oracle); empty before the first call, and
            always empty for a numeric or None ``eps``. Each entry holds the step ``h``, the scheme
            (``"central"``), the measured noise and the evaluations the phase spent.

        See Also
        --------
        zeroopt.noise.auto_step : Computes each entry.
        zeroopt.noise_level : The noise measurement inside it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> o = zo.RandomCoordinate(eps="auto")
        >>> G = o(p, np.ones(3))
        >>> [s.scheme for s in o.auto_steps], p.nfev == o.auto_steps[0].nfev + 2
        (['central'], True)
        """
        return list(self._auto.steps)

    def estimate(self, problem, x, rng=None):
        """The full :class:`Estimate` at ``x`` along one coordinate drawn from the oracle's stream (or ``rng``).

        Parameters
        ----------
        problem : Problem
            The problem (evaluations counted in ``problem.nfev``); not a stochastic one.
        x : array_like, shape (n,)
            The point, finite.
        rng : numpy Generator, int or None, optional
            The stream for this call only; None (the default) draws from the oracle's own stream.

        Returns
        -------
        Estimate
            The estimate G (zero but in the drawn coordinate), its slope, NaN for f(x) (the central
            quotient does not evaluate it), the evaluations of the call (2) and the squared norm of G.
            With ``eps="auto"`` an estimation phase, when one runs, is counted in ``problem.nfev`` but
            not in ``nev`` (see ``auto_steps``).

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`Oracle.__call__`.

        See Also
        --------
        Oracle.estimate : The interface.
        draw : The coordinate of a call.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> est = zo.RandomCoordinate(seed=1).estimate(p, np.zeros(3))
        >>> est.nev, p.nfev, int(np.count_nonzero(est.grad))
        (2, 2, 1)
        """
        if self.eps != "auto":
            return super().estimate(problem, x, rng)
        x = self._point(problem, x)
        h = self._auto.step(problem, x, "central")
        path = self._cached_path(problem, (problem.dim, h), lambda: coordinate.random_path(problem.dim, h))
        est = self._run_path(problem, path, x, self.draw(self._stream(rng), x.shape[0]))
        self._auto.observe(est.g2, x.shape[0])
        return est

    def draw(self, rng, n, steps=None):
        """Coordinate indices for one call (shape (1,)) or ``steps`` calls (shape (steps, 1)).

        Parameters
        ----------
        rng : numpy Generator
            The stream (one ``rng.random`` number per call).
        n : int
            The problem's dimension.
        steps : int or None, optional
            None (the default): one call's index; an int: that many calls' indices.

        Returns
        -------
        ndarray of int64
            The indices, uniform on 0, ..., n - 1, of shape (1,) or (steps, 1); a block equals
            ``steps`` single draws bit for bit.

        See Also
        --------
        RandomOracle.draw : The interface.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> o = zo.RandomCoordinate()
        >>> one = o.draw(np.random.default_rng(0), 5)
        >>> block = o.draw(np.random.default_rng(0), 5, steps=3)
        >>> one.shape, block.shape, bool(block[0, 0] == one[0])
        ((1,), (3, 1), True)
        """
        u = rng.random(1 if steps is None else (steps, 1))
        return np.minimum((u * n).astype(np.int64), n - 1)

    def fast_path(self, problem):
        """The central-differences kernel along the drawn coordinate, scaled by n; only it moves.

        Parameters
        ----------
        problem : Problem
            The problem (its dimension sets the scale).

        Returns
        -------
        FastPath or None
            The kernel, with the update that moves the drawn coordinate only; ``fixed_draw`` is None
            (the index comes from :meth:`draw`); None with ``eps="auto"``.

        See Also
        --------
        Oracle.fast_path : What a fast path is for.

        Examples
        --------
        >>> import zeroopt as zo
        >>> path = zo.RandomCoordinate().fast_path(zo.problems.rosenbrock(3))
        >>> path.kernel.name, path.params.scale, path.fixed_draw is None
        ('_coord_central', 3.0, True)
        """
        if self.eps == "auto":
            return None            # the step is chosen call by call (see CoordinateFD's eps)
        return self._cached_path(problem, (problem.dim, self.eps),
                                 lambda: coordinate.random_path(problem.dim, self.eps))

    def _bindable(self, problem):
        return type(self) is RandomCoordinate and self.eps != "auto"

    def evals_per_call(self, n):
        """Function evaluations per call: 2, whatever ``n``.

        Parameters
        ----------
        n : int
            The problem's dimension (not used).

        Returns
        -------
        int
            2.

        See Also
        --------
        Oracle.evals_per_call : The interface.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.RandomCoordinate().evals_per_call(100)
        2
        """
        return 2

    def second_moment_factor(self, n):
        r"""The second-moment factor :math:`m = n` on quadratics.

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        float
            ``float(n)``.

        See Also
        --------
        Oracle.second_moment_factor : What the factor means.

        Notes
        -----
        A uniform coordinate :math:`i` and :math:`G = n D_i e_i` give

        .. math::

            \mathbb E\|G\|^2 = \frac1n\sum_i n^2 D_i^2 = n\|D\|^2,

        and :math:`D = \nabla f(x)` on quadratics [N12]_.

        References
        ----------
        .. [N12] Yu. Nesterov. Efficiency of coordinate descent methods on huge-scale optimization
           problems. *SIAM Journal on Optimization* 22(2):341–362, 2012.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.RandomCoordinate().second_moment_factor(10)
        10.0
        """
        return float(n)

    def __repr__(self):
        return f"RandomCoordinate(eps={self.eps!r}, seed={self.seed!r})"


class TwoPoint(RandomOracle):
    r"""Random directional differences: two-point (q = 1) and multi-point (q = ``directions`` > 1).

    :math:`G = c\sum_j D_j v_j` over :math:`q` directions :math:`v_j`, with :math:`c = n/q` for
    ``dist="sphere"`` (:math:`v` uniform on the unit sphere) and ``"rademacher"`` (:math:`v = s/\sqrt n`,
    :math:`s` uniform in :math:`\{-1, 1\}^n`), and :math:`c = 1/q` for ``"gaussian"`` (:math:`v` standard
    normal): :math:`q > 1` averages :math:`q` independent estimates. ``orthogonal=True`` uses a uniformly
    random orthonormal :math:`q`-frame instead (sphere only, :math:`q \le n`), exact on quadratics at
    :math:`q = n`. :math:`D_j` is the central quotient, or with ``scheme="forward"`` the
    Nesterov-Spokoiny forward quotient (:math:`q + 1` evaluations instead of :math:`2q`). The formulas
    are in the Notes.

    Parameters
    ----------
    eps : float > 0 or "auto"
        The perturbation radius :math:`\varepsilon` (default 1e-4): the points are
        :math:`x \pm \varepsilon v_j`. The estimate is the exact gradient of a smoothed f (ball- or
        Gaussian-smoothed with radius :math:`\varepsilon`) and equals the gradient on quadratics; its
        bias on other functions is :math:`O(\varepsilon)` (forward) or :math:`O(\varepsilon^2)` (central)
        times f's higher derivatives.
        ``"auto"``: the step :math:`h` from the measured noise, as in :class:`CoordinateFD` (with
        the derivatives along the coordinates), as the distance moved: :math:`\varepsilon = h` for unit
        directions, :math:`h/\sqrt n` for Gaussian ones (their length is about :math:`\sqrt n`).
    dist : "sphere", "gaussian" or "rademacher"
        The law of the directions (default ``"sphere"``).
    directions : int >= 1
        :math:`q`, the number of directions per estimate (default 1).
    orthogonal : bool
        Draw an orthonormal :math:`q`-frame (sphere only, :math:`q \le n`; default False).
    scheme : "central" or "forward"
        The difference quotient (default ``"central"``).
    seed : int >= 0, SeedSequence or Generator
        The seed of the oracle's own stream (see :class:`~zeroopt.RandomOracle`).
    parallel : None, True or False
        Evaluate the :math:`q` directions on numba's threads (same bits as serially). ``None`` decides per
        call by measurement: serial while :math:`q < 2`, the problem runs in Python, numba has one thread,
        or one call's evaluations are measured to take less than ``PARALLEL_MIN_SECONDS`` (1e-4 s); above
        that, one call is made on threads and from then on the mode with the lower measured seconds per
        evaluation is used. (An objective that calls multithreaded BLAS, e.g. ``A @ x``, is usually faster
        serially: BLAS threads inside numba threads oversubscribe the cores, and the measurement sees it.)
        With ``problem.batch_fun`` and :math:`q > 1` all points go to one batched call instead (to
        ``problem.batch_fun.along(x, V, eps, forward, *args)`` if the batch function has one, which
        gets x and the directions instead of the points: ``problems.logistic``'s does).

    Raises
    ------
    TypeError, ValueError
        A bad parameter, named in the message; ``orthogonal=True`` with a ``dist`` other than the
        sphere. At a call: a ValueError if ``orthogonal=True`` and :math:`q > n`.
    FloatingPointError
        At a call: a non-finite value of f, or an overflowing quotient or estimate; the message names
        the point.

    See Also
    --------
    RandomCoordinate : One random coordinate instead of a direction.
    CoordinateFD : Deterministic coordinate differences.
    zeroopt.minimize : Runs the estimate inside a jitted loop (``method="gd"``) or in place
        (``method="inplace"``).

    Notes
    -----
    The quotients along :math:`v_j` with radius :math:`\varepsilon`, central and forward, are

    .. math::

        \begin{aligned}
        D_j &= \frac{f(x + \varepsilon v_j) - f(x - \varepsilon v_j)}{2\varepsilon},\\
        D_j^{\rightarrow} &= \frac{f(x + \varepsilon v_j) - f(x)}{\varepsilon},
        \end{aligned}

    and the estimate is

    .. math::

        \begin{aligned}
        G &= c \sum_{j=1}^{q} D_j v_j,\\
        c &= n/q \quad\text{(sphere, Rademacher)},\\
        c &= 1/q \quad\text{(Gaussian)}.
        \end{aligned}

    On any smooth f, :math:`\mathbb E G` is the gradient of the ball smoothing (sphere) [FKM05]_ or the
    Gaussian smoothing [NS17]_ of f with radius :math:`\varepsilon`; on a quadratic
    :math:`D_j = \langle \nabla f(x), v_j\rangle` and :math:`\mathbb E G = \nabla f(x)`. There the
    second-moment factor (:meth:`second_moment_factor`) is :math:`m_1 = n` for one sphere or Rademacher
    direction, :math:`m_1 = n + 2` for one Gaussian direction, :math:`1 + (m_1 - 1)/q` for :math:`q`
    averaged ones, and :math:`n/q` for an orthonormal frame [KBDT21]_, where
    :math:`G = \tfrac nq P\nabla f(x)` with :math:`P` the projection onto the frame's span. The frame is the Q factor of the QR decomposition of a standard normal
    :math:`n \times q` block with the signs of the diagonal of R made positive, which makes it
    uniformly distributed [M07]_.

    Every direction derives from ``rng.standard_normal`` draws (sphere: rows normalised; Rademacher: the
    signs, times :math:`1/\sqrt n`), so a block of B calls' directions drawn at once equals B single
    draws bit for bit.

    References
    ----------
    .. [FKM05] A. D. Flaxman, A. T. Kalai, H. B. McMahan. Online convex optimization in the bandit
       setting: gradient descent without a gradient. *Proceedings of the 16th ACM-SIAM Symposium on
       Discrete Algorithms (SODA)*, 385–394, 2005.
    .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
       *Foundations of Computational Mathematics* 17(2):527–566, 2017.
    .. [KBDT21] D. Kozak, S. Becker, A. Doostan, L. Tenorio. A stochastic subspace approach to
       gradient-free optimization in high dimensions. *Computational Optimization and Applications*
       79:339–368, 2021.
    .. [M07] F. Mezzadri. How to generate random matrices from the classical compact groups. *Notices of
       the AMS* 54(5):592–604, 2007.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(5, seed=0)
    >>> G = zo.TwoPoint(directions=3, seed=0)(p, np.zeros(5))
    >>> G.shape, p.nfev
    ((5,), 6)

    With an orthonormal frame of :math:`q = n` directions the estimate is exact on a quadratic:

    >>> A, c = p.args            # f(x) = (x - c)' A (x - c) / 2
    >>> o = zo.TwoPoint(directions=5, orthogonal=True)
    >>> bool(np.allclose(o(p, np.zeros(5)), -A @ c))
    True
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
        """With ``eps="auto"``: the :class:`~zeroopt.noise.AutoStep` of each estimate on the last problem.

        One entry per estimation phase, in order: the first call on a problem adds one, and so does every
        call that estimates again (see ``eps``). A call on another problem starts the list afresh.

        Returns
        -------
        list of AutoStep
            A new list (changing it changes nothing in the oracle); empty before the first call, and
            always empty for a numeric or None ``eps``. Each entry holds the step ``h``, the scheme
            (the oracle's ``scheme``), the measured noise and the evaluations the phase spent.
            With ``dist="gaussian"`` the radius used is ``h`` divided by
            :math:`\\sqrt{n}`.

        See Also
        --------
        zeroopt.noise.auto_step : Computes each entry.
        zeroopt.noise_level : The noise measurement inside it.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> o = zo.TwoPoint(eps="auto", directions=2)
        >>> G = o(p, np.ones(3))
        >>> [s.scheme for s in o.auto_steps], p.nfev == o.auto_steps[0].nfev + 4
        (['central'], True)
        """
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
        r"""The factor :math:`c` of the estimate :math:`G = c\sum_j D_j v_j`: n/q, or 1/q for Gaussian ones.

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        float
            :math:`n/q` for sphere and Rademacher directions (unit vectors), :math:`1/q` for Gaussian
            ones, and :math:`n/q` for an orthonormal frame.

        See Also
        --------
        TwoPoint : The estimate.

        Notes
        -----
        For unit directions :math:`\mathbb E[vv^\top] = I/n`, for Gaussian ones
        :math:`\mathbb E[vv^\top] = I`; the factor makes the estimate unbiased on quadratics:

        .. math::

            \mathbb E\Big[c\sum_{j=1}^q \langle \nabla f(x), v_j\rangle v_j\Big] = \nabla f(x) .

        References
        ----------
        .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
           *Foundations of Computational Mathematics* 17(2):527–566, 2017.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.TwoPoint(directions=2).coef(10)
        5.0
        >>> zo.TwoPoint(dist="gaussian").coef(10)
        1.0
        """
        return (1.0 if self.dist == "gaussian" else float(n)) / self.q

    def draw(self, rng, n, steps=None):
        """Directions for one call, shape (q, n), or for ``steps`` calls, shape (steps, q, n).

        One block draw equals ``steps`` single draws bit for bit: every direction is made from
        ``rng.standard_normal`` numbers (sphere: each row normalised; Rademacher: the signs over the
        square root of n; orthogonal: the sign-fixed QR factor of each block).

        Parameters
        ----------
        rng : numpy Generator
            The stream.
        n : int
            The problem's dimension.
        steps : int or None, optional
            None (the default): one call's directions; an int: that many calls' directions.

        Returns
        -------
        ndarray of float64
            The directions as rows, shape (q, n) or (steps, q, n).

        Raises
        ------
        ValueError
            ``orthogonal=True`` and q > n.

        See Also
        --------
        estimate_along : The estimate along given directions.
        RandomOracle.draws : The blocks the jitted loop draws.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> V = zo.TwoPoint(directions=2).draw(np.random.default_rng(0), 4)
        >>> V.shape, np.linalg.norm(V, axis=1).round(12).tolist()
        ((2, 4), [1.0, 1.0])
        >>> o = zo.TwoPoint(directions=2, orthogonal=True)
        >>> W = o.draw(np.random.default_rng(0), 4)
        >>> bool(np.allclose(W @ W.T, np.eye(2)))
        True
        """
        self._check_dim(n)
        return self._finish(rng.standard_normal((self.q, n) if steps is None else (steps, self.q, n)))

    def _finish(self, Z):
        """The directions made from the standard normal block Z (..., q, n), as :meth:`draw` makes them."""
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
        problem has a ``batch_fun`` and q > 1 (the batched path is used instead), and with
        ``eps="auto"`` (the step is chosen call by call).

        On a stochastic problem, the stochastic kernel (``zeroopt.kernels.stochastic``), whose draws are
        :meth:`draw_xi`'s.

        Parameters
        ----------
        problem : Problem
            The problem (its dimension sets the factor :meth:`coef`; whether it runs compiled and what an
            evaluation costs decide the threads).

        Returns
        -------
        FastPath or None
            The kernel with the dense update (``fixed_draw`` None: the directions come from
            :meth:`draw`), or None on the batched path.

        Raises
        ------
        ValueError
            ``orthogonal=True`` and q is larger than the problem's dimension.

        See Also
        --------
        Oracle.fast_path : What a fast path is for.

        Examples
        --------
        >>> import zeroopt as zo
        >>> path = zo.TwoPoint(directions=2).fast_path(zo.problems.rosenbrock(3))
        >>> path.kernel.name, path.params.coef
        ('_directions', 1.5)
        """
        if self.eps == "auto":
            return None
        if problem.stochastic:
            return self._xi_path(problem)
        return self._directions_path(problem)

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
        r"""The full :class:`Estimate` at ``x`` along directions drawn from the oracle's stream (or ``rng``).

        Parameters
        ----------
        problem : Problem
            The problem (evaluations counted in ``problem.nfev``).
        x : array_like, shape (n,)
            The point, finite.
        rng : numpy Generator, int or None, optional
            The stream for this call only; None (the default) draws from the oracle's own stream.

        Returns
        -------
        Estimate
            The estimate, its slope :math:`c\sum_j D_j^2`, f(x) for the forward scheme (else NaN), the
            evaluations (2q, or q + 1 forward) and the squared norm of G.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`Oracle.__call__`.

        See Also
        --------
        estimate_along : The same along given directions.
        Oracle.estimate : The interface.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(3, seed=0)
        >>> o = zo.TwoPoint(directions=2, scheme="forward")
        >>> est = o.estimate(p, np.zeros(3))
        >>> est.nev, bool(np.isclose(est.fx, p.value(np.zeros(3))))
        (3, True)
        """
        est = self._bound_estimate(problem, x, rng)
        if est is not None:
            return est
        x = self._point(problem, x)
        if problem.stochastic:
            if self.eps == "auto":
                raise ValueError("eps='auto' measures the noise of a deterministic f; on a stochastic problem "
                                 "(one with xi) give eps a number")
            return self._estimate_xi(problem, x, rng)
        if self.eps == "auto":
            self._set_auto(problem, x)
            est = self._along(problem, x, self.draw(self._stream(rng), x.shape[0]))
            self._auto.observe(est.g2, x.shape[0])
            return est
        return self._along(problem, x, self.draw(self._stream(rng), x.shape[0]), own=True)

    # -- stochastic problems: the xi of every evaluation joins the draw -------------------------------------
    #: True: TwoPoint serves stochastic problems (``fun(x, xi, *args)``), drawing each evaluation's xi.
    #:
    #: The xi of a call are drawn with its directions, from the same stream (:meth:`draw_xi`).
    #:
    #: See Also
    #: --------
    #: Oracle.takes_xi : The interface (False for the other built-in oracles).
    #: draw_xi : The draw of one call on a stochastic problem.
    #:
    #: Examples
    #: --------
    #: >>> import zeroopt as zo
    #: >>> zo.TwoPoint().takes_xi
    #: True
    takes_xi = True

    def draw_xi(self, rng, n, xi, steps=None):
        """The draw of one call (or ``steps`` calls) on a stochastic problem, directions and xi together.

        One vector of standard normal numbers per call: the q n direction entries (made into directions
        as :meth:`draw` does), then those of the call's xi (one xi with common random numbers, else one
        per evaluation, in the order of the points). One block equals ``steps`` single draws bit for bit.

        Parameters
        ----------
        rng : numpy Generator
            The stream.
        n : int
            The dimension.
        xi : Xi
            The problem's ``xi``.
        steps : int, optional
            Calls to draw for, as rows; None: one call, a vector.

        Returns
        -------
        numpy.ndarray
            Shape (q n + k d,) or (steps, q n + k d), k the xi per call and d = ``xi.size``.

        See Also
        --------
        draw : The directions alone, for a deterministic problem.
        zeroopt.Xi : How xi is made from the standard normal numbers.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> o = zo.TwoPoint(dist="gaussian", scheme="forward")
        >>> o.draw_xi(np.random.default_rng(0), 3, zo.Xi("index", count=5)).shape
        (4,)
        """
        self._check_dim(n)
        qn = self.q * n
        width = qn + stochastic.xi_numbers(xi, self.q, self.scheme == "forward")
        raw = rng.standard_normal(width if steps is None else (steps, width))
        if self.dist == "gaussian" and not self.orthogonal:  # (the directions are the numbers: no copy)
            return raw
        rows = raw.reshape(-1, width)
        rows[:, :qn] = self._finish(np.ascontiguousarray(rows[:, :qn]).reshape(-1, self.q, n)).reshape(-1, qn)
        return raw

    def _estimate_xi(self, problem, x, rng):
        """The estimate on a stochastic problem: the kernel of ``zeroopt.kernels.stochastic``, serial,
        each evaluation's xi from this call's draw (:meth:`draw_xi`)."""
        return self._run_path(problem, self._xi_path(problem), x, self.draw_xi(self._stream(rng), x.shape[0],
                                                                                problem.xi))

    def _xi_path(self, problem):
        n = problem.dim
        self._check_dim(n)
        key = ("xi", n, self.eps, self.scheme, self.q, self.orthogonal, self.dist, problem.xi)
        return self._cached_path(problem, key, lambda: stochastic.path(
            self.eps, self.scheme == "forward", self.coef(n), self.q, n, problem.xi))

    def estimate_along(self, problem, x, V):
        """The estimate at ``x`` along given directions ``V`` (q x n, as returned by :meth:`draw`).

        The oracle's stream is not used. The directions are taken as given: the estimate is unbiased
        only if ``V`` has the law of :meth:`draw`'s.

        Parameters
        ----------
        problem : Problem
            The problem (evaluations counted in ``problem.nfev``).
        x : array_like, shape (n,)
            The point, finite.
        V : array_like, shape (q, n)
            The directions, one per row.

        Returns
        -------
        Estimate
            As :meth:`estimate`.

        Raises
        ------
        ValueError
            ``V`` is not of shape (q, n); a bad ``x``.
        TypeError, FloatingPointError
            As :meth:`Oracle.__call__`.

        See Also
        --------
        draw : Directions with the oracle's law.
        estimate : Along directions the oracle draws.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p, o = zo.problems.quadratic(3, seed=0), zo.TwoPoint(seed=5)
        >>> V = o.draw(np.random.default_rng(1), 3)
        >>> a = o.estimate_along(p, np.zeros(3), V)
        >>> b = o.estimate(p, np.zeros(3), rng=np.random.default_rng(1))
        >>> bool(np.array_equal(a.grad, b.grad))
        True
        """
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
        """Function evaluations per call: 2q (central) or q + 1 (forward), whatever ``n``.

        Parameters
        ----------
        n : int
            The problem's dimension (checked against q for an orthonormal frame).

        Returns
        -------
        int
            ``2 * q`` for the central scheme, ``q + 1`` for the forward one.

        Raises
        ------
        ValueError
            ``orthogonal=True`` and q > n.

        See Also
        --------
        Oracle.evals_per_call : The interface.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.TwoPoint(directions=4).evals_per_call(10)
        8
        >>> zo.TwoPoint(directions=4, scheme="forward").evals_per_call(10)
        5
        """
        self._check_dim(n)
        return self.q + 1 if self.scheme == "forward" else 2 * self.q

    def second_moment_factor(self, n):
        r"""The second-moment factor :math:`m` on quadratics: n/q for a frame, else :math:`1 + (m_1 - 1)/q`.

        Parameters
        ----------
        n : int
            The problem's dimension.

        Returns
        -------
        float
            :math:`n/q` with ``orthogonal=True``; otherwise :math:`1 + (m_1 - 1)/q` with :math:`m_1 = n`
            (sphere, Rademacher) or :math:`m_1 = n + 2` (Gaussian), for either scheme.

        Raises
        ------
        ValueError
            ``orthogonal=True`` and q > n.

        See Also
        --------
        Oracle.second_moment_factor : What the factor means.

        Notes
        -----
        On a quadratic one unit direction gives :math:`\mathbb E\|G\|^2 = n^2\,\mathbb E\langle g,
        v\rangle^2 = n\|g\|^2` and one Gaussian direction :math:`\|g\|^2(3 + (n - 1))`, with
        :math:`g = \nabla f(x)`. The mean of :math:`q` independent unbiased estimates and an orthonormal
        frame (:math:`G = \tfrac nq Pg`, :math:`\mathbb E P = \tfrac qn I`) give

        .. math::

            \begin{aligned}
            m &= 1 + \frac{m_1 - 1}{q} \quad\text{(averaged)},\\
            m &= \frac nq \quad\text{(orthogonal)}.
            \end{aligned}

        The forward scheme's bias adds :math:`O(\varepsilon^2)` to the Gaussian factor, which is not
        counted [NS17]_; the frame's factor is that of [KBDT21]_.

        References
        ----------
        .. [NS17] Yu. Nesterov, V. Spokoiny. Random gradient-free minimization of convex functions.
           *Foundations of Computational Mathematics* 17(2):527–566, 2017.
        .. [KBDT21] D. Kozak, S. Becker, A. Doostan, L. Tenorio. A stochastic subspace approach to
           gradient-free optimization in high dimensions. *Computational Optimization and Applications*
           79:339–368, 2021.

        Examples
        --------
        >>> import zeroopt as zo
        >>> zo.TwoPoint(directions=4).second_moment_factor(10)
        3.25
        >>> zo.TwoPoint(directions=4, orthogonal=True).second_moment_factor(10)
        2.5
        """
        self._check_dim(n)
        if self.orthogonal:
            return n / self.q
        m1 = {"sphere": float(n), "rademacher": float(n), "gaussian": n + 2.0}[self.dist]
        return 1.0 + (m1 - 1.0) / self.q

    def __repr__(self):
        return (f"TwoPoint(eps={self.eps!r}, dist={self.dist!r}, directions={self.q}, "
                f"orthogonal={self.orthogonal}, scheme={self.scheme!r}, seed={self.seed!r})")


def as_jac(oracle, problem, seed=0):
    r"""``jac(x)`` for ``scipy.optimize.minimize(problem.value, x0, jac=as_jac(oracle, problem))``.

    The returned function owns one random stream, ``numpy.random.default_rng(seed)``, for its whole
    life (the oracle's own stream is left alone); evaluations are counted in ``problem.nfev``.

    Parameters
    ----------
    oracle : Oracle
        The oracle whose estimate ``jac`` returns.
    problem : Problem
        The problem (the evaluations are counted in its ``nfev``).
    seed : int >= 0, SeedSequence or Generator
        The seed of ``jac``'s own stream (default 0); a Generator is used as it is.

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
    gradient by noise of root mean square :math:`\sqrt{m - 1}\,\|\nabla f(x)\|` on quadratics
    (:math:`m` the oracle's second-moment factor). On ``zo.problems.rosenbrock(200)`` from x0 = 0
    (f = 199, f* = 0), ``L-BFGS-B`` with ``jac=as_jac(zo.TwoPoint(directions=10), p)`` reported
    ``success=True`` after 33 iterations at f = 198.07, where the gradient's norm is 20.9 (scipy 1.17).
    Give quasi-Newton methods a deterministic oracle
    (:class:`CoordinateFD`, :class:`ExactAD`); for a random one use :func:`zeroopt.minimize`, whose
    convergence test averages 20 estimates instead of trusting one.

    See Also
    --------
    zeroopt.minimize : zeroopt's own optimizers, which take an oracle directly.
    Oracle.second_moment_factor : The :math:`m` of the warning above.

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
