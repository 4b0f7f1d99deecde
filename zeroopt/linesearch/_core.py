"""The shared parts of the line searches: results, statuses, and phi along a problem's line."""

from __future__ import annotations

import math
from collections import namedtuple
from typing import NamedTuple

import numpy as np

from .. import _checks
from .._twice import twice
from ..status import Status

#: 1/tau = (sqrt(5) - 1)/2 = 0.6180339887498949, the inverse of the golden ratio tau: the fraction of the
#: interval that one evaluation of golden section keeps.
INVPHI = 0.6180339887498949
#: 1 - 1/tau = 1/tau^2 = 0.3819660112501051: where golden section places its interior points, this
#: fraction of the interval in from each end.
INVPHI2 = 0.3819660112501051
SQRT_EPS = 1.4901161193847656e-08
# the statuses as plain ints, for compiled code
OK, MAXFEV, NONFINITE, FAILED = (int(Status.CONVERGED), int(Status.MAXFEV), int(Status.NONFINITE),
                                     int(Status.LINESEARCH_FAILED))

#: what a compiled search returns: the point and value, counts, status, and the non-finite probe (if any)
SearchOut = namedtuple("SearchOut", ["x", "fun", "nfev", "nit", "status", "bad_alpha", "bad_value"])


class LineSearchResult(NamedTuple):
    """Result of a line search: ``x`` is the step (step rules) or the minimiser (scalar searches)."""

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
        """True only if the search's convergence test held (status CONVERGED)."""
        return self.status is Status.CONVERGED

    @property
    def step(self):
        """The step rules' name for ``x``: the step alpha along the direction."""
        return self.x


class Bracket(NamedTuple):
    """Result of :func:`bracket`: lo < mid < hi with phi(mid) < phi(lo) and phi(mid) < phi(hi) on success."""

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
        """True only if a bracket was found (status CONVERGED)."""
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
    """phi(alpha) = f(x + alpha d) for a :class:`zeroopt.Problem`, counted in ``problem.nfev``.

    Pass a Line as ``phi`` to any search or step rule of this module: they then run their compiled
    version along it when the problem is jitted (the loop and its evaluations without Python in between)
    and their Python version otherwise. Values asked for at the Python level are remembered, so asking
    twice for phi(alpha) costs one evaluation.

    Parameters
    ----------
    problem : Problem
    x, d : array_like (n,)
        The base point and the direction.
    phi0 : float, optional
        phi(0) = f(x) if already known (then not evaluated again).
    alpha0 : float, optional
        A first trial step for step rules called with ``alpha0=None`` (default 1).
    derivative : callable, optional
        ``derivative(alpha) -> phi'(alpha)``, for :func:`wolfe`.
    """

    def __init__(self, problem, x, d, phi0=None, alpha0=None, derivative=None):
        self.problem = problem
        self.nfev = 0  # evaluations made along this line (values remembered are not evaluated again)
        self.x = np.ascontiguousarray(x, dtype=np.float64)
        self.d = np.ascontiguousarray(d, dtype=np.float64)
        self.w = np.empty_like(self.x)
        self.alpha0 = alpha0
        self.derivative = derivative
        self._memo = {} if phi0 is None else {0.0: float(phi0)}

    def __call__(self, alpha):
        """phi(alpha), counted once in problem.nfev (a value already asked for is not evaluated again)."""
        alpha = float(alpha)
        v = self._memo.get(alpha)
        if v is None:
            v = self._evaluate(alpha)
            if len(self._memo) < 64:
                self._memo[alpha] = v
        return v

    def remember(self, alpha, value):
        """Tell the line a value it has (e.g. from a compiled search): asking for phi(alpha) is then free."""
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
        """Run a search (a Twice of this module) with phi = this line: compiled if the problem is jitted.
        Its evaluations are counted in ``problem.nfev``, also if the objective raises."""
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
