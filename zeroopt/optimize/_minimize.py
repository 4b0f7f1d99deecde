"""``zo.minimize``: the argument checks and the dispatch to a method of the table
(``zeroopt.optimize.METHODS``), and its :class:`Result`.

Everything ``minimize`` needs to know about a method comes from its spec
(:class:`zeroopt.optimize.Method`): whether it takes an oracle and which one by default, whether it takes
``step``, whether it has a jitted path, and its own options.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.optimize import OptimizeResult

from .. import _checks
from ..history import History, check_measure, check_record, checkpoints
from ..oracle import Oracle
from ..problem import Problem
from ..status import Status
from . import _display
from ._methods import METHODS
from ._run import Run, Stop


class Result(OptimizeResult):
    r"""The result of :func:`minimize`: scipy's OptimizeResult (a dict with attribute access).

    Attributes
    ----------
    x : ndarray
        The last iterate.
    fun : float
        :math:`f(x)`. With a history, the history's last measurement (not counted); with
        ``record="none"``, the last counted :math:`f(x_k)`, or one more counted evaluation.
    nit : int
        Iterations (gd, steepest, newton: updates; coordinate: coordinate minimisations).
    nfev, ngev, nhev : int
        Function values, exact gradients and Hessians the method spent: every oracle call, line search
        and step rule; not the history's measurements.
    status : Status
        How the run ended (see :class:`zeroopt.Status`).
    success : bool
        True only for Status.CONVERGED: the method's stated convergence test held.
    message : str
        The status's message, naming the figure that decided it.
    method : str
        The method's name.
    history : dict of 1-D arrays
        ``nit``, ``nfev`` (spent so far), ``f``, ``grad_norm2``, ``dist2`` at the checkpoints; NaN where a
        quantity was not measured or is unknown (no :math:`x^*`, an objective AD cannot trace).

    See Also
    --------
    minimize : Returns it.
    zeroopt.Status : The statuses and their messages.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(4, seed=0)
    >>> r = zo.minimize(p, np.zeros(4), zo.ExactAD(), tol=1e-8)
    >>> r.status, r.success, r.nfev, r.ngev == r.nit + 1
    (<Status.CONVERGED: 0>, True, 0, True)
    >>> sorted(r.history)
    ['dist2', 'f', 'grad_norm2', 'nfev', 'nit']
    """


def minimize(problem, x0, oracle=None, method="gd", step=None, maxiter=1000, max_nfev=None, tol=None,
             seed=None, callback=None, record="log", measure=("f", "dist2"), order=None, jit=None, options=None,
             disp=False):
    r"""Minimise ``problem`` from ``x0`` with a gradient oracle.

    Parameters
    ----------
    problem : Problem
    x0 : array_like (n,)
        The start, finite.
    oracle : Oracle, optional
        The gradient oracle. Default: the method's own (its spec's ``oracle``): ``TwoPoint()`` (seed 0)
        for "gd" and "steepest", ``ExactAD()`` for "newton" and "fgm", forward Gaussian differences
        ``TwoPoint(dist="gaussian", scheme="forward")`` for "zo_accelerated", the papers' forward
        differences on the sphere (:math:`q = 10` directions, :math:`\varepsilon = 1/\sqrt{n\,T}`, :math:`T` =
        ``maxiter``) for "zo_signsgd" and
        "zo_adamm", forward Gaussian differences with :math:`\varepsilon = 1/((n+4)\sqrt T)` for
        "zo_sgd"; "coordinate" and "random_pursuit" use function values only.
    method : str
        A name in the method table ``zeroopt.optimize.METHODS``, whose spec says what the method takes:
        "gd", "steepest", "coordinate", "newton", "fgm", "zo_accelerated", "random_pursuit",
        "zo_signsgd", "zo_adamm", "inplace", "zo_sgd".
        gd: :math:`x \leftarrow x - \alpha G`. steepest: :math:`\alpha` minimises :math:`f` along
        :math:`-G` (an exact line search: Brent, or ``step``). coordinate: minimise along one coordinate
        at a time (bracket + Brent), ``order="cyclic"`` or ``"random"``; one iteration = one coordinate.
        newton: the Hessian by AD (forward-over-reverse), :math:`d = -H^{-1} g` (:math:`-g` where
        :math:`-H^{-1} g` is not a finite descent direction), damped by Armijo backtracking from 1. fgm: Nesterov's fast
        gradient method (estimate sequences, :math:`h = \theta = 1/L`, :math:`\gamma_0 = L`; a
        deterministic oracle). zo_accelerated: Nesterov & Spokoiny's accelerated random method, the same
        scheme with :math:`h = 1/(4(n+4)L)`, :math:`\theta = 1/(16(n+4)^2 L)` (a random oracle).
        random_pursuit: minimise :math:`f` over all real :math:`t` along a random direction :math:`u`
        (bracket + Brent), :math:`x \leftarrow x + tu`. zo_signsgd:
        :math:`x \leftarrow x - \delta \operatorname{sign}(G)`, :math:`\delta = 1/\sqrt{n\,T}` with
        :math:`T` = ``maxiter``. zo_adamm: AMSGrad on :math:`G` (no epsilon), step :math:`1/\sqrt{n\,T}`.
        inplace: updates x0 itself (a writable C-contiguous float64 array, returned as ``Result.x``) by
        two-point steps whose directions are regenerated in each pass over x, never stored (the
        user guide's "Zero-order at scale").
        zo_sgd: Ghadimi & Lan's stochastic method, :math:`x \leftarrow x - \gamma G` with
        :math:`\gamma = c/\sqrt{(n+4)N}` over a horizon of :math:`N` iterations, the result the iterate
        :math:`x_R`, :math:`R` uniform on :math:`0, \dots, N-1` (for stochastic problems,
        ``fun(x, xi, *args)``, and deterministic ones alike).
        The math pages of the documentation give each formula and its source.
    step : None, float, callable or step rule
        gd: None is the theory step :math:`1/(mL)`, :math:`m` = ``oracle.second_moment_factor(n)``
        (:math:`1/L` exact, :math:`1/(nL)` two-point sphere, :math:`q/(nL)` for :math:`q` orthogonal
        directions; see the oracles' table). If :math:`L` is unknown, an adaptive rule: backtracking on
        an estimate :math:`\hat L` of :math:`L` along the step actually taken (see Notes); a rejection
        doubles :math:`\hat L` and retries with the same :math:`G`, an acceptance multiplies
        :math:`\hat L` by 0.9 [BT09]_. Each iteration costs one evaluation more than the oracle, plus
        one per rejection; every accepted step decreases :math:`f`.
        A float is a fixed step; ``step(k)`` gives the step of iteration k. A step rule -
        ``zo.linesearch.armijo``, ``goldstein``, ``wolfe``, ``exact_quadratic``, a ``functools.partial`` of
        one, or any callable ``rule(phi, phi0, dphi0) -> LineSearchResult`` - is called along
        :math:`d = -G` with :math:`\varphi'(0) = -\widehat{\langle g, G\rangle}` from the estimator,
        exactly as a user calls it (its parameters are checked on every call); its first trial step is
        the theory step, then twice the last accepted step.
        steepest: the exact line search - an interval search ``search(phi, a, b, ...)`` (brent, golden,
        dichotomy), parabolic, or a step rule; called as ``search(phi, lo, hi, tol=1e-10 hi, maxfev=500)``
        on a bracket of the minimum along :math:`-G`.
    maxiter : int >= 1
        Iterations.
    max_nfev : int >= 1, optional
        Stop before an iteration whose evaluations would exceed this budget. The methods' own searches,
        and step rules that take ``maxfev`` (armijo, goldstein), get only the evaluations left; other step
        rules (wolfe, your own) are called as written and may pass it within one iteration (the message
        says by how much).
    tol : float > 0, optional
        The convergence test (the only way to ``success=True``):

        - deterministic oracles (ExactAD, CoordinateFD): :math:`\|G\| \le` ``tol`` at the iterate;
          None means :math:`G = 0` exactly;
        - random oracles: every 20 iterations (``TOL_WINDOW``), the mean of :math:`\|G_i\|^2/m` over
          those iterations' estimates - an estimate of :math:`\|\nabla f\|^2`, since
          :math:`\mathbb E\|G\|^2 = m\|\nabla f\|^2` on quadratics - is at most ``tol`` squared. One
          draw never decides; None: no test;
        - coordinate: no coordinate moved more than tol (None: at all) in the last n steps;
          random_pursuit: no step longer than tol (None: no step at all) in the last n iterations;
        - fgm and zo_accelerated test the estimate at the extrapolated point :math:`y_k` (the
          deterministic or the random test above); when fgm's holds, :math:`y_k` is the result;
        - newton: :math:`\|g\| \le` ``tol``, default :math:`10^{-10}(1 + \|g_0\|)`; norms computed
          without overflow.
    seed : int >= 0, SeedSequence or Generator, optional
        The random stream for the run; None (default) uses - and advances - the oracle's own stream. That
        stream belongs to the oracle: runs in several threads at once need an oracle each, or a seed each.
    callback : callable, optional
        ``callback(intermediate)`` after each iteration, with ``intermediate.x``, ``.nit``, ``.nfev`` and
        ``.fun``: f(x) when the run knows it from a counted evaluation (a line search's, a forward
        difference's), else NaN - never an evaluation of its own. Raising StopIteration ends the run with
        status CALLBACK (``success=False``). A callback means the Python path.
    record : "log", "all", "none", int or sequence of ints
        The history's checkpoints: ``"log"``, every iteration up to 10, then 20 per decade (memory
        bounded for long runs); ``"all"``, every iteration; ``"none"``, none; an int :math:`r`, every
        :math:`r`-th; a sequence, the iterations listed. Iteration 0 and ``maxiter`` are always in,
        except for ``"none"``, which records nothing and makes no uncounted evaluation at all
        (``Result.fun`` is then the last counted :math:`f(x_k)`, or one more counted evaluation), so an
        outside evaluation counter equals ``nfev``.
    measure : sequence of "f", "grad_norm2", "dist2"
        What each checkpoint measures, uncounted: :math:`f(x_k)` (one evaluation), the exact
        :math:`\|\nabla f(x_k)\|^2` (one AD gradient), :math:`\|x_k - x^*\|^2` (free where
        :math:`x^*` is known). Default ``("f", "dist2")``.
    order : "cyclic" or "random", optional
        The coordinate method's order (default "cyclic"): an alias of ``options={"order": order}``; giving
        both with different values is a ValueError, and so is ``order`` for a method without that option.
    jit : None, True or False
        None: the jitted loop where possible; False: the Python reference path; True: jitted or ValueError.
    options : dict, optional
        The method's own options, as scipy's ``minimize(..., options=...)``: each is checked by the method
        that defines it, the others take their defaults (the spec's ``options``). An unknown option is a
        ValueError that names it and lists the method's options. gd: ``momentum`` (the heavy ball's
        :math:`\beta \in [0, 1)`, default 0:
        :math:`x \leftarrow x - \alpha G + \beta (x - x_{\mathrm{prev}})`, with a fixed step or a
        schedule, Python path); coordinate: ``order``; zo_adamm: ``beta1`` (0.9), ``beta2`` (0.999);
        zo_sgd: ``c`` (1) and ``horizon`` (:math:`N`, default ``maxiter``).
    disp : bool or float
        Progress on long runs: True writes ``minimize <method>: nit ..., f ..., nfev ..., <s> s`` to
        stderr every 2 s once the run has taken that long (the jitted loop: between its chunks), and a
        last line with the run's message; a number is the seconds between lines. f is the lowest value
        the method paid for (else the history's last measurement): showing it evaluates nothing.

    Returns
    -------
    Result
        ``x, fun, nit, nfev, ngev, nhev, status, success, message, method, history``. ``status`` is a
        :class:`zeroopt.Status`: CONVERGED (the test above held; the only ``success=True``), MAXITER,
        MAXFEV, DIVERGED (a checkpoint's :math:`f` above :math:`f(x_0) + 10^8 (1 + |f(x_0)|)`, or the
        iterate overflowed),
        NONFINITE (the objective, a difference quotient, a gradient or Hessian was not finite; the
        message names the point), LINESEARCH_FAILED, CALLBACK, STALLED (with a ``tol``: the lowest f the
        method paid for - values it evaluates anyway, a forward difference's :math:`f(x)`, a line
        search's - has not decreased in :math:`20\lceil m\rceil` iterations, :math:`20n` for the methods
        without an oracle; the test cannot be reached. Without ``tol`` the run goes on, and a MAXITER or
        MAXFEV message says since when :math:`f` has not decreased). ``nfev``/``ngev``/``nhev`` count what the
        method spent (every oracle call, line search and step rule), never the history's measurements;
        they are exact also when other threads use the same problem (:meth:`Problem.counting`).

    Raises
    ------
    TypeError, ValueError
        A bad argument, named in the message; ``f(x0)`` not finite when the history measures f.
    Exception
        Whatever the objective raises, and KeyboardInterrupt, propagate; ``problem.nfev`` still counts
        every evaluation made, the interrupted one included.

    See Also
    --------
    Result : What it returns.
    zeroopt.TwoPoint, zeroopt.ExactAD : Oracles.
    zeroopt.linesearch : Step rules and searches it takes as ``step``.
    zeroopt.theory : The rates its runs are compared with.

    Notes
    -----
    Gradient descent with an oracle of second-moment factor :math:`m`,
    :math:`\mathbb E\|G\|^2 = m\|\nabla f\|^2`, at the theory step decreases :math:`f` in expectation by
    the descent lemma [N04]_:

    .. math::

        x_{k+1} &= x_k - \frac{1}{mL}\,G_k, \\
        \mathbb E f(x_{k+1}) &\le f(x_k) - \frac{\|\nabla f(x_k)\|^2}{2mL}.

    Without :math:`L` the adaptive rule accepts the step :math:`x - aG`, :math:`a = 1/(m\hat L)`, if

    .. math::

        f(x - aG) \le f(x) - a\,\widehat{\langle g, G\rangle} + \frac{\hat L}{2}\,a^2\|G\|^2,

    the descent lemma along :math:`-G` with the estimator's own directional derivative
    :math:`\widehat{\langle g, G\rangle}` (:math:`\sum_j \mathrm{coef}\,D_j^2`, exact on quadratics)
    [BT09]_. The other methods' updates and their sources are on the math pages (Rates and theory steps).

    References
    ----------
    .. [N04] Yu. Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course.* Kluwer,
       2004. Lemma 1.2.3 (the descent lemma).
    .. [BT09] A. Beck, M. Teboulle. A fast iterative shrinkage-thresholding algorithm for linear inverse
       problems. *SIAM Journal on Imaging Sciences* 2(1):183–202, 2009. §4.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> p = zo.problems.quadratic(10, mu=1, L=10, seed=0)
    >>> oracle = zo.TwoPoint(seed=1)
    >>> r = zo.minimize(p, np.zeros(10), oracle, tol=1e-6, maxiter=100_000)
    >>> r.success, r.status.name
    (True, 'CONVERGED')
    >>> p = zo.problems.rosenbrock(4)
    >>> r = zo.minimize(p, np.zeros(4), zo.ExactAD(), maxiter=50)
    >>> r.success, r.status.name, r.nit
    (False, 'MAXITER', 50)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a zeroopt.Problem, got {type(problem).__name__}")
    x = _checks.point(x0, problem.dim, "x0")
    method = _checks.choice(method, "method", tuple(METHODS))
    spec = METHODS[method]
    if not spec.writes_x0:
        x = x.copy()
    elif x is not x0:  # a converted copy would be updated, and the caller's array left as it was
        got = type(x0).__name__ + (f" of dtype {x0.dtype}" if isinstance(x0, np.ndarray) else "")
        raise TypeError(f"method={method!r} updates x0 in place: x0 must be a writable C-contiguous float64 numpy "
                        f"array; got {got}")
    maxiter = _checks.positive_int(maxiter, "maxiter")
    if not spec.takes_oracle:
        if oracle is not None:
            raise ValueError(f"method={method!r} uses function values only: oracle must be None; got {oracle!r}")
    elif oracle is None:
        oracle = spec.default_oracle(problem.dim, maxiter)
    if oracle is not None and not isinstance(oracle, Oracle):
        raise TypeError(f"oracle must be a zeroopt oracle (zo.TwoPoint(), zo.ExactAD(), ...), got {type(oracle).__name__}")
    if step is not None and not callable(step):
        if isinstance(step, bool) or not isinstance(step, numbers.Real):
            raise TypeError(f"step must be None, a number, a callable step(k) or a line-search rule; got {step!r}")
        step = _checks.positive_float(step, "step")
    if step is not None and not spec.takes_step:
        raise ValueError(f"step is not used by method={method!r} (methods that take it: "
                         f"{', '.join(k for k, v in METHODS.items() if v.takes_step)}); got step={step!r}")
    max_nfev = _checks.positive_int(max_nfev, "max_nfev", allow_none=True)
    tol = _checks.positive_float(tol, "tol", allow_none=True)
    record, measure = check_record(record), check_measure(measure)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    options = spec.checked_options(method, options, aliases={"order": order})
    jit = _checks.boolean(jit, "jit", allow_none=True)
    display = _display.make(disp, method)
    if jit is True and not spec.jitted:
        jitted = [repr(k) for k, v in METHODS.items() if v.jitted]
        raise ValueError(f"jit=True, but method={method!r} runs in Python: the methods with a jitted path are "
                         f"{', '.join(jitted[:-1])} and {jitted[-1]} (gd with a fixed step)")
    # seed=None: the oracle's own stream, used and advanced (no random oracle: a fixed stream, e.g. for
    # coordinate order="random")
    random = oracle is not None and oracle.random
    rng = (oracle.rng if random else np.random.default_rng(0)) if seed is None else _checks.generator(seed)
    m = oracle.second_moment_factor(problem.dim) if oracle is not None else 1.0
    unrecorded = isinstance(record, str) and record == "none"
    reserve = 1 if (unrecorded and max_nfev is not None) else 0  # the final counted f(x)
    with problem.counting() as counts:
        run = Run(problem, x, oracle, (maxiter, max_nfev, reserve), tol, rng, callback,
                  History(problem, checkpoints(maxiter, record), measure), counts, m)
        run.display = display
        try:
            run.start()
            spec.function(run, **spec.keywords(step, jit, options))
            raise Stop(Status.MAXITER, f"maxiter = {maxiter} iterations")  # pragma: no cover - methods loop
        except Stop as stop:
            what = stop.what
            if stop.status in (Status.MAXITER, Status.MAXFEV) and run.stalled():
                what += f"; {run.stall_note()}"  # (no tol: the run went on; it says so)
            status, message = stop.status, stop.status.message(what=what)
        fun = run.final_fun(counted=unrecorded)
        if display is not None:
            display.finish(run, message)
    return Result(x=run.x, fun=fun, nit=run.k, nfev=counts.nfev, ngev=counts.ngev, nhev=counts.nhev,
                  success=status.success, status=status, message=message, method=method,
                  history=run.hist.arrays())
