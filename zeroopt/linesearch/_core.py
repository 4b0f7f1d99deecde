"""The shared parts of the line searches: results, statuses, and phi along a problem's line."""

from __future__ import annotations

import math
from collections import namedtuple
from typing import NamedTuple

import numpy as np

from .. import _checks
from .._twice import twice
from ..status import Status

#: The inverse of the golden ratio, 0.6180339887498949: the fraction of the interval that one evaluation of
#: golden section keeps.
#:
#: See Also
#: --------
#: INVPHI2 : Where golden section places its inner points.
#: golden : Golden-section search.
#:
#: Notes
#: -----
#: With the golden ratio :math:`\tau = (1 + \sqrt5)/2`, which solves :math:`\tau^2 = \tau + 1`,
#:
#: .. math::
#:
#:     \tau^{-1} = \tau - 1 = \frac{\sqrt5 - 1}{2}
#:
#: [K53]_.
#:
#: References
#: ----------
#: .. [K53] J. Kiefer. Sequential minimax search for a maximum. *Proceedings of the American
#:    Mathematical Society* 4(3):502–506, 1953.
#:
#: Examples
#: --------
#: >>> from zeroopt import linesearch as ls
#: >>> ls.INVPHI, ls.INVPHI == (5 ** 0.5 - 1) / 2
#: (0.6180339887498949, True)
INVPHI = 0.6180339887498949
#: One minus the inverse of the golden ratio, 0.3819660112501051: golden section places its inner points
#: this fraction of the interval in from each end.
#:
#: See Also
#: --------
#: INVPHI : The inverse of the golden ratio.
#: golden : Golden-section search.
#:
#: Notes
#: -----
#: With the golden ratio :math:`\tau = (1 + \sqrt5)/2`,
#:
#: .. math::
#:
#:     1 - \tau^{-1} = \tau^{-2} = \frac{3 - \sqrt5}{2},
#:
#: so the inner points :math:`a + \tau^{-2}(b - a)` and :math:`a + \tau^{-1}(b - a)` of :math:`[a, b]`
#: are at the same golden ratios of the interval that keeps one of them [K53]_.
#:
#: References
#: ----------
#: .. [K53] J. Kiefer. Sequential minimax search for a maximum. *Proceedings of the American
#:    Mathematical Society* 4(3):502–506, 1953.
#:
#: Examples
#: --------
#: >>> from zeroopt import linesearch as ls
#: >>> ls.INVPHI2, ls.INVPHI2 == 1 - ls.INVPHI
#: (0.3819660112501051, True)
INVPHI2 = 0.3819660112501051
SQRT_EPS = 1.4901161193847656e-08
# the statuses as plain ints, for compiled code
OK, MAXFEV, NONFINITE, FAILED = (int(Status.CONVERGED), int(Status.MAXFEV), int(Status.NONFINITE),
                                     int(Status.LINESEARCH_FAILED))

#: what a compiled search returns: the point and value, counts, status, and the non-finite probe (if any)
SearchOut = namedtuple("SearchOut", ["x", "fun", "nfev", "nit", "status", "bad_alpha", "bad_value"])


class LineSearchResult(NamedTuple):
    r"""The result of a line search: the step (step rules) or the minimiser (scalar searches), and its cost.

    A NamedTuple: its fields are also its constructor's parameters, in this order.

    Parameters
    ----------
    x : float
        The step :math:`\alpha` (step rules) or the minimiser (scalar searches).
    fun : float
        :math:`\varphi(x)`, the value at ``x``.
    nfev : int
        Evaluations of :math:`\varphi` the search made.
    ngev : int
        Evaluations of :math:`\varphi'` the search made (only :func:`wolfe` evaluates it).
    nit : int
        Iterations of the search's loop.
    status : zeroopt.Status
        How the search ended: CONVERGED only if its test held.
    message : str
        The status's message, naming the figure that decided it.

    See Also
    --------
    Bracket : The result of :func:`bracket`.
    zeroopt.Status : The statuses and their messages.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> r = ls.golden(lambda t: (t - 0.3) ** 2, 0.0, 1.0, tol=1e-6, maxfev=10)
    >>> print(r.status, r.success, r.nfev)
    MAXFEV False 10
    >>> r = ls.golden(lambda t: (t - 0.3) ** 2, 0.0, 1.0, tol=1e-6)
    >>> print(r.status, r.success, r.nfev, round(r.x, 5))
    CONVERGED True 31 0.3
    """

    #: The step alpha (step rules) or the minimiser (scalar searches).
    x: float
    #: phi(x), the value at ``x``.
    fun: float
    #: Evaluations of phi the search made.
    nfev: int
    #: Evaluations of phi' the search made (only :func:`wolfe` evaluates phi').
    ngev: int
    #: Iterations of the search's loop.
    nit: int
    #: How the search ended, a :class:`zeroopt.Status`: CONVERGED only if its test held.
    status: Status
    #: The status's message, naming the figure that decided it.
    message: str

    @property
    def success(self):
        """True only if the search's convergence test held (status CONVERGED).

        See Also
        --------
        zeroopt.Status.success : The same for any status.

        Examples
        --------
        >>> from zeroopt import linesearch as ls
        >>> ls.brent(lambda t: (t - 0.3) ** 2, 0.0, 1.0).success
        True
        """
        return self.status is Status.CONVERGED

    @property
    def step(self):
        """The step rules' name for ``x``: the step along the direction.

        See Also
        --------
        armijo, goldstein, wolfe, exact_quadratic : The step rules.

        Examples
        --------
        >>> from zeroopt import linesearch as ls
        >>> r = ls.armijo(lambda t: (t - 1.0) ** 2, 1.0, -2.0, alpha0=4.0)
        >>> r.step == r.x == 1.0
        True
        """
        return self.x


class Bracket(NamedTuple):
    """The result of :func:`bracket`: three points around a minimum, and the search's cost.

    A NamedTuple: its fields are also its constructor's parameters, in this order. On success
    ``lo < mid < hi`` and the value at ``mid`` is below the values at both ends.

    Parameters
    ----------
    lo : float
        The left end of the bracket.
    mid : float
        The interior point, where the value is lowest of the three on success.
    hi : float
        The right end of the bracket.
    fun : float
        The value at ``mid``.
    nfev : int
        Evaluations the search made.
    status : zeroopt.Status
        CONVERGED once ``lo < mid < hi`` bracket a minimum; otherwise why the walk stopped.
    message : str
        The status's message, naming the figure that decided it.

    See Also
    --------
    bracket : Finds one.
    brent : Minimises inside one.

    Examples
    --------
    >>> from zeroopt import linesearch as ls
    >>> br = ls.bracket(lambda t: (t - 3.0) ** 2, 0.0, 1.0)
    >>> br.success, br.lo < br.mid < br.hi, br.nfev
    (True, True, 4)
    >>> ls.brent(lambda t: (t - 3.0) ** 2, br.lo, br.hi).x
    3.0
    """

    #: The left end of the bracket.
    lo: float
    #: The interior point, where phi is lowest of the three on success.
    mid: float
    #: The right end of the bracket.
    hi: float
    #: phi(mid).
    fun: float
    #: Evaluations of phi the search made.
    nfev: int
    #: CONVERGED once lo < mid < hi bracket a minimum; otherwise why the walk stopped.
    status: Status
    #: The status's message, naming the figure that decided it.
    message: str

    @property
    def success(self):
        """True only if a bracket was found (status CONVERGED).

        See Also
        --------
        zeroopt.Status.success : The same for any status.

        Examples
        --------
        >>> from zeroopt import linesearch as ls
        >>> ls.bracket(lambda t: -t, maxfev=10).success     # unbounded below
        False
        """
        return self.status is Status.CONVERGED


def _scalar(alpha, f):
    """phi for a plain Python scalar function: the searches call phi(alpha, fun, *phi_args)."""
    return float(f(alpha))


@twice
def line_value(alpha, fun, x, d, w, tally, args):
    """phi(alpha) = f(x + alpha d), evaluated in the work vector w; counted in tally[0, 0] first."""
    for i in range(x.shape[0]):
        w[i] = x[i] + alpha * d[i]
    tally[0, 0] += 1.0
    return fun(w, *args)


class Line:
    r"""The function along a line of a problem, counted in the problem's evaluations.

    Pass a Line as ``phi`` to any search or step rule of this module: they then run their compiled version
    along it when the problem is jitted (the loop and its evaluations without Python in between) and their
    Python version otherwise. Values asked for at the Python level are remembered, so asking twice for the
    same step costs one evaluation.

    Parameters
    ----------
    problem : zeroopt.Problem
        The objective :math:`f`; each evaluation counts in ``problem.nfev``.
    x, d : array_like, shape (n,)
        The base point and the direction: the line is :math:`\varphi(\alpha) = f(x + \alpha d)`.
    phi0 : float, optional
        :math:`\varphi(0) = f(x)` if already known (then not evaluated again).
    alpha0 : float, optional
        A first trial step for the step rules called with ``alpha0=None`` (default 1).
    derivative : callable, optional
        :math:`\varphi'(\alpha)`, for :func:`wolfe`.

    Attributes
    ----------
    nfev : int
        The evaluations made along this line (a remembered value is not evaluated again).

    See Also
    --------
    zeroopt.Problem : The objective.
    brent, armijo : Searches that take a Line.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> from zeroopt import linesearch as ls
    >>> p = zo.problems.quadratic(3, seed=0)
    >>> x = np.zeros(3)
    >>> d = -zo.ExactAD()(p, x)
    >>> line = ls.Line(p, x, d, phi0=p.value(x))
    >>> r = ls.brent(line, 0.0, 1.0)
    >>> bool(r.fun < line(0.0)), line.nfev == r.nfev
    (True, True)
    """

    def __init__(self, problem, x, d, phi0=None, alpha0=None, derivative=None):
        if getattr(problem, "stochastic", False):
            raise TypeError(f"a line search cannot serve the stochastic problem {problem.name!r}: its values along "
                            f"a line would each carry a fresh xi; use a fixed step (method='gd' or 'zo_sgd')")
        self.problem = problem
        self.nfev = 0  # evaluations made along this line (values remembered are not evaluated again)
        self.x = np.ascontiguousarray(x, dtype=np.float64)
        self.d = np.ascontiguousarray(d, dtype=np.float64)
        self.w = np.empty_like(self.x)
        self.alpha0 = alpha0
        self.derivative = derivative
        self._memo = {} if phi0 is None else {0.0: float(phi0)}

    def __call__(self, alpha):
        r"""The value at a step, evaluated once and remembered.

        Parameters
        ----------
        alpha : float
            The step.

        Returns
        -------
        float
            :math:`f(x + \alpha d)`, counted once in ``problem.nfev`` (a value already asked for is not
            evaluated again).

        See Also
        --------
        remember : Tell the line a value it has.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> line = zo.linesearch.Line(p, np.zeros(2), np.ones(2))
        >>> line(0.5) == line(0.5), p.nfev
        (True, 1)
        """
        alpha = float(alpha)
        v = self._memo.get(alpha)
        if v is None:
            v = self._evaluate(alpha)
            if len(self._memo) < 64:
                self._memo[alpha] = v
        return v

    def remember(self, alpha, value):
        """Tell the line a value it has, so that asking for it later is free.

        Parameters
        ----------
        alpha : float
            The step.
        value : float
            The value at ``alpha``, e.g. from a compiled search.

        Returns
        -------
        None

        See Also
        --------
        __call__ : The value at a step.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> p = zo.problems.quadratic(2, seed=0)
        >>> line = zo.linesearch.Line(p, np.zeros(2), np.ones(2))
        >>> line.remember(1.0, 7.0)
        >>> line(1.0), p.nfev
        (7.0, 0)
        """
        if len(self._memo) < 64:
            self._memo[float(alpha)] = float(value)

    def _evaluate(self, alpha):
        p = self.problem
        with p.compiled.counted() as tally:
            try:
                jf = p.jitted
                if jf is not None:
                    return float(line_value.jit(alpha, jf, self.x, self.d, self.w, tally, p.args))
                return line_value.py(alpha, p.compiled.python_objective, self.x, self.d, self.w, tally, p.args)
            finally:
                self.nfev += int(tally[0, 0])

    def run(self, algorithm, *params):
        """Run a search of this module (written once, run twice) with the function along this line.

        Compiled if the problem is jitted; its evaluations are counted in ``problem.nfev``, also if the
        objective raises.

        :meta private:
        """
        p = self.problem
        with p.compiled.counted() as tally:
            try:
                jf = p.jitted
                if jf is not None:
                    out = algorithm.jit(line_value.jit, jf, *params, (self.x, self.d, self.w, tally, p.args))
                else:
                    out = algorithm.py(line_value.py, p.compiled.python_objective, *params,
                                       (self.x, self.d, self.w, tally, p.args))
            finally:
                self.nfev += int(tally[0, 0])
        return algorithm.named(out)


def search(algorithm, phi, *params):
    """Run ``algorithm`` on a Line (compiled where possible) or on a Python scalar function."""
    if isinstance(phi, Line):
        return phi.run(algorithm, *params)
    if not callable(phi):
        raise TypeError(f"phi must be callable (a function of alpha, or a zeroopt.linesearch.Line); got "
                        f"{type(phi).__name__}")
    return algorithm.named(algorithm.py(_scalar, phi, *params, ()))


_DONE = {Status.CONVERGED: "{test}", Status.MAXFEV: "maxfev = {maxfev} evaluations used before {test}",
         Status.LINESEARCH_FAILED: "{failed}"}


def result(out, test, maxfev, failed="", ngev=0, extra_nfev=0):
    """A LineSearchResult from a SearchOut, with the status's message naming what decided it."""
    status = Status(int(out.status))
    if status is Status.NONFINITE:
        what = f"phi({out.bad_alpha:.17g}) = {out.bad_value}"
        if math.isfinite(out.x):
            what += f" (the best point so far is alpha = {out.x:.17g})"
    else:
        what = _DONE[status].format(test=test, maxfev=maxfev, failed=failed)
    return LineSearchResult(float(out.x), float(out.fun), int(out.nfev) + extra_nfev, ngev, int(out.nit), status,
                            status.message(what=what))


def interval(a, b):
    a, b = _checks.real(a, "a"), _checks.real(b, "b")
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError(f"the interval must have finite ends a < b; got a={a}, b={b}")
    return a, b


def budget(maxfev):
    return _checks.positive_int(maxfev, "maxfev")
