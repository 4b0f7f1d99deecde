"""The solvers of the profile benchmark: one registry, :data:`SOLVERS`, where adding a solver is one entry.

OptiProfiler calls each solver as ``solver(fun, x0) -> x`` with a plain Python ``fun`` and no seed. The
wrapper :class:`Wrapped` gives every solver the same three things:

* **a budget** of ``100 (n + 1)`` evaluations (100 simplex gradients, :func:`budget`), which zeroopt's
  methods respect through ``max_nfev`` and the other solvers through their own options; a guard
  (:class:`Guard`) stops any solver that would go past it (scipy's finite-difference gradients, for one,
  are not counted by its ``maxfun``) and returns the best point seen;
* **a seed** derived from the solver's name, the problem's name and a per-problem call counter
  (:func:`run_seed`), so that the k-th run of a solver on a problem gets the same stream in every
  process and on every rerun;
* **a zeroopt Problem in Python mode**: ``zo.Problem(fun, n, jit=False)`` (OptiProfiler's ``fun`` is a
  bound method numba cannot compile, and Python mode says so without a warning).

Every solver's own stopping tolerances are set to (near) zero, so that the budget, not a default
tolerance, ends a run; each solver's initial step is its default. See the docstring of each ``_make_*``
for what is run.
"""

from __future__ import annotations

import dataclasses
import functools
from functools import partial
import importlib.util
import math
import time
from typing import Callable

import numpy as np

import zeroopt as zo

#: the budget in simplex gradients: every solver gets BUDGET_SIMPLEX (n + 1) evaluations
BUDGET_SIMPLEX = 100
#: OptiProfiler's cap, max_eval_factor n evaluations: 150 n >= 100 (n + 1) for every n >= 2 (the set's
#: smallest n), so the cap never binds and every solver stops at its own budget of 100 (n + 1)
MAX_EVAL_FACTOR = 150


def budget(n):
    """The evaluations a solver gets on a problem of dimension n: 100 (n + 1), 100 simplex gradients.

    Examples
    --------
    >>> budget(2), budget(12)
    (300, 1300)
    """
    return BUDGET_SIMPLEX * (int(n) + 1)


class BudgetExhausted(Exception):
    """Raised by :class:`Guard` instead of an evaluation past the budget."""


class Guard:
    """``fun`` with a budget: counts calls, keeps the best point, and raises :class:`BudgetExhausted`
    instead of the call that would exceed ``max_nfev`` (that call is not made).

    Examples
    --------
    >>> g = Guard(lambda x: float(x @ x), 2)
    >>> g(np.ones(2)), g(np.zeros(2)), g.count, g.best_f
    (2.0, 0.0, 2, 0.0)
    >>> g(np.ones(2))
    Traceback (most recent call last):
    ...
    experiments._profiles_solvers.BudgetExhausted: budget of 2 evaluations spent
    """

    def __init__(self, fun, max_nfev):
        self.fun, self.max_nfev = fun, int(max_nfev)
        self.count = 0
        self.best_f, self.best_x = math.inf, None

    def __call__(self, x, *args):
        if self.count >= self.max_nfev:
            raise BudgetExhausted(f"budget of {self.max_nfev} evaluations spent")
        self.count += 1
        x = np.array(x, dtype=np.float64)
        f = float(self.fun(x))
        if f < self.best_f or self.best_x is None:
            self.best_f, self.best_x = f, x
        return f


# --- seeds -----------------------------------------------------------------------------------------
_CALLS: dict = {}


def reset_calls():
    """Forget the per-problem call counters (at the start of each benchmark in this process)."""
    _CALLS.clear()


def run_seed(solver, problem, base_seed=0):
    """The seed of the next run of ``solver`` on ``problem``: a numpy SeedSequence keyed by
    (solver, problem, k) with k = 0, 1, ... the runs of this solver on this problem so far
    (:func:`zeroopt.sweep.task_seed` of that key). OptiProfiler runs all runs of one problem in one
    process, in order, so run k gets the same seed whatever the number of jobs.

    Examples
    --------
    >>> reset_calls()
    >>> a, b = run_seed("gd-sphere", "mw07"), run_seed("gd-sphere", "mw07")
    >>> reset_calls()
    >>> bool((run_seed("gd-sphere", "mw07").generate_state(2) == a.generate_state(2)).all())
    True
    >>> bool((a.generate_state(2) == b.generate_state(2)).all())
    False
    """
    from zeroopt.sweep import task_seed

    key = (solver, problem)
    k = _CALLS.get(key, 0)
    _CALLS[key] = k + 1
    return task_seed({"solver": solver, "problem": problem, "run": k}, base_seed)


def problem_name(fun, x0):
    """The name of the problem OptiProfiler's ``fun`` belongs to (``fun`` is a bound method of its
    FeaturedProblem); for another callable, a name made from x0 (a rerun still reproduces)."""
    owner = getattr(fun, "__self__", None)
    name = getattr(owner, "name", None)
    if isinstance(name, str):
        return name
    x0 = np.asarray(x0, dtype=np.float64)
    return f"n{x0.size}_" + hex(abs(hash(x0.tobytes())) % (1 << 40))[2:]


# --- the registry ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Solver:
    """One solver of the benchmark.

    Attributes
    ----------
    name : str
        The name on the command line (``--solvers``) and in the data files.
    label : str
        The name in the figures' legends.
    family : str
        ``"zeroopt"`` or ``"reference"``.
    randomized : bool
        Draws random numbers (OptiProfiler then runs it ``n_runs`` times).
    run : callable
        ``run(fun, x0, max_nfev, seed) -> x``; ``fun`` is guarded, ``seed`` a numpy SeedSequence.
    requires : tuple of str
        Modules it needs beyond the core install and scipy (skipped with a note if missing).
    what : str
        One line: what is run.
    own_budget : bool
        It stops at its budget by itself (zeroopt's ``minimize`` with ``max_nfev``): the guard stopping it
        is then an error. False: the guard's stop is the solver's end (it returns the best point).
    """

    name: str
    label: str
    family: str
    randomized: bool
    run: Callable
    requires: tuple = ()
    what: str = ""
    own_budget: bool = False

    def available(self):
        return all(importlib.util.find_spec(m) is not None for m in self.requires)


SOLVERS: dict = {}


def register(solver):
    if solver.name in SOLVERS:
        raise ValueError(f"solver {solver.name!r} registered twice")
    SOLVERS[solver.name] = solver
    return solver


def _zo_run(method, oracle, options, iterations, fun, x0, max_nfev, seed):
    problem = zo.Problem(fun, len(x0), jit=False, name="optiprofiler")
    maxiter = max_nfev if iterations is None else iterations(len(x0), max_nfev)
    r = zo.minimize(problem, x0, None if oracle is None else oracle(), method=method, maxiter=maxiter,
                    max_nfev=max_nfev, seed=seed, record="none", options=options)
    return r.x


def zeroopt_solver(name, label, method, oracle=None, options=None, randomized=None, iterations=None, what=""):
    """A registry entry for ``zo.minimize(problem, x0, oracle(), method=method, options=options,
    max_nfev=budget, maxiter=..., seed=<the run's seed>, record="none")``: step None (gd: the theory step
    1/(m L), which is the adaptive step here, the Moré–Wild problems' L being unknown; the sign and
    adaptive methods: their papers' 1/sqrt(n T)), tol None (the budget ends the run). ``oracle`` is a
    factory (a fresh oracle per run), None for the method's default; ``randomized`` defaults to the
    oracle's ``random``; ``iterations(n, budget)`` gives ``maxiter`` (default: the budget) for a method
    whose defaults depend on the iteration budget T."""
    if randomized is None:
        randomized = bool(oracle is not None and oracle().random)
    run = functools.partial(_zo_run, method, oracle, options, iterations)
    return register(Solver(name, label, "zeroopt", randomized, run, (), what, own_budget=True))


def _paper_iterations(n, budget):
    """T for ZO-signSGD and ZO-AdaMM: the iterations the budget pays for, PAPER_Q + 1 evaluations each
    (their default oracle: PAPER_Q forward differences on the sphere)."""
    from zeroopt.theory.adaptive import PAPER_Q

    return max(1, budget // (PAPER_Q + 1))


def lbfgsb_as_jac(fun, x0, max_nfev, scheme, options=None, eps=None):
    """scipy's L-BFGS-B on ``fun`` with ``jac=zo.as_jac(zo.CoordinateFD(eps=eps, scheme=scheme), problem)``,
    stopped before a value or a gradient estimate would take the evaluations past ``max_nfev`` (scipy's
    ``maxfun`` counts calls of ``fun`` only, not the n + 1 or 2n evaluations of each gradient estimate).
    With ``eps="auto"`` the first gradient also pays for the noise phase, whose size is not known
    beforehand: the guard of the run stops it if the budget runs out inside it (the best point is kept).

    Returns
    -------
    x : ndarray
        The best point evaluated.
    nfev : int
        The evaluations spent: ``problem.nfev``, every one a call of ``fun``.
    """
    import scipy.optimize

    problem = zo.Problem(fun, len(x0), jit=False, name="lbfgsb-scipy")
    oracle = zo.CoordinateFD(eps=eps, scheme=scheme)
    cost, jac0 = oracle.evals_per_call(len(x0)), zo.as_jac(oracle, problem)
    best = [np.inf, np.array(x0, dtype=np.float64)]

    def value(x):
        if problem.nfev + 1 > max_nfev:
            raise BudgetExhausted(f"budget of {max_nfev} evaluations spent")
        f = problem.value(x)
        if f < best[0]:
            best[:] = [f, np.array(x, dtype=np.float64)]
        return f

    def jac(x):
        if problem.nfev + cost > max_nfev:
            raise BudgetExhausted(f"budget of {max_nfev} evaluations spent")
        return jac0(x)

    try:
        scipy.optimize.minimize(value, x0, jac=jac, method="L-BFGS-B", options=dict(options or {}))
    except BudgetExhausted:
        pass
    return best[1], problem.nfev


def _lbfgsb_as_jac_run(scheme, fun, x0, max_nfev, seed, eps=None):
    opts = {"maxfun": max_nfev, "maxiter": max_nfev, "ftol": 0.0, "gtol": 0.0}
    return lbfgsb_as_jac(fun, x0, max_nfev, scheme, opts, eps)[0]


def _scipy_run(method, options, fun, x0, max_nfev, seed):
    import scipy.optimize
    opts = {k: (max_nfev if v is BUDGET else v) for k, v in options.items()}
    return scipy.optimize.minimize(fun, x0, method=method, options=opts).x


def _nlopt_run(algorithm, fun, x0, max_nfev, seed):
    import nlopt

    opt = nlopt.opt(getattr(nlopt, algorithm), len(x0))
    opt.set_min_objective(lambda x, grad: fun(x))
    opt.set_maxeval(max_nfev)
    opt.set_ftol_rel(0.0)
    opt.set_xtol_rel(0.0)
    return opt.optimize(np.asarray(x0, dtype=np.float64))


BUDGET = object()   # in scipy options: replaced by the run's budget


def scipy_solver(name, label, method, options, requires=(), what=""):
    return register(Solver(name, label, "reference", False, functools.partial(_scipy_run, method, options),
                           tuple(requires), what))


def nlopt_solver(name, label, algorithm, what=""):
    return register(Solver(name, label, "reference", False, functools.partial(_nlopt_run, algorithm), ("nlopt",),
                           what))


# zeroopt's methods (gd at the adaptive step: L is unknown on this set)
zeroopt_solver("gd-ffd", "gd, forward FD", "gd", partial(zo.CoordinateFD, scheme="forward"),
               what="gd with CoordinateFD(scheme='forward'): n + 1 evaluations per gradient")
zeroopt_solver("gd-cfd", "gd, central FD", "gd", zo.CoordinateFD,
               what="gd with CoordinateFD() (central): 2n evaluations per gradient")
zeroopt_solver("gd-sphere", "gd, two-point sphere", "gd", zo.TwoPoint,
               what="gd with TwoPoint() (sphere directions, central): 2 evaluations per estimate")
zeroopt_solver("gd-gaussian", "gd, two-point Gaussian", "gd", partial(zo.TwoPoint, dist="gaussian"),
               what="gd with TwoPoint(dist='gaussian')")
zeroopt_solver("gd-rademacher", "gd, two-point Rademacher", "gd", partial(zo.TwoPoint, dist="rademacher"),
               what="gd with TwoPoint(dist='rademacher')")
zeroopt_solver("gd-ns-fwd", "gd, forward Gaussian (N-S)", "gd", partial(zo.TwoPoint, dist="gaussian", scheme="forward"),
               what="gd with TwoPoint(dist='gaussian', scheme='forward') (Nesterov-Spokoiny)")
zeroopt_solver("gd-orth2", "gd, 2 orthogonal dirs", "gd", partial(zo.TwoPoint, directions=2, orthogonal=True),
               what="gd with TwoPoint(directions=2, orthogonal=True)")
zeroopt_solver("gd-coord", "gd, random coordinate", "gd", zo.RandomCoordinate,
               what="gd with RandomCoordinate()")
zeroopt_solver("steepest-cfd", "steepest, central FD", "steepest", zo.CoordinateFD,
               what="steepest descent (Brent along -G) with CoordinateFD()")
zeroopt_solver("steepest-sphere", "steepest, two-point", "steepest", zo.TwoPoint,
               what="steepest descent (Brent along -G) with TwoPoint()")
zeroopt_solver("coordinate", "coordinate search", "coordinate", None, {"order": "cyclic"},
               what="coordinate minimisation (bracket + Brent), cyclic order")
zeroopt_solver("random-pursuit", "Random Pursuit", "random_pursuit", randomized=True,
               what="Random Pursuit: a line search (bracket + Brent) along a random direction")
zeroopt_solver("zo-signsgd", "ZO-signSGD", "zo_signsgd", randomized=True, iterations=_paper_iterations,
               what="ZO-signSGD (Liu et al. 2019): zeroopt's defaults, 10 forward differences on the sphere, the "
                    "papers' step and radius 1/sqrt(n T), T = the iterations the budget pays for")
zeroopt_solver("zo-adamm", "ZO-AdaMM", "zo_adamm", randomized=True, iterations=_paper_iterations,
               what="ZO-AdaMM (Chen et al. 2019): zeroopt's defaults, as ZO-signSGD's, beta = 0.9, 0.999")
for _scheme, _short, _label in (("forward", "ffd", "forward"), ("central", "cfd", "central")):
    register(Solver(f"lbfgs-{_short}", f"L-BFGS-B + as_jac, {_label} FD", "zeroopt", False,
                    functools.partial(_lbfgsb_as_jac_run, _scheme), (),
                    f"scipy's L-BFGS-B with jac=zo.as_jac(zo.CoordinateFD(scheme='{_scheme}'), problem)",
                    own_budget=True))
    register(Solver(f"lbfgs-{_short}-auto", f"L-BFGS-B + as_jac, {_label} FD, eps='auto'", "zeroopt", False,
                    functools.partial(_lbfgsb_as_jac_run, _scheme, eps="auto"), (),
                    f"scipy's L-BFGS-B with jac=zo.as_jac(zo.CoordinateFD(eps='auto', scheme='{_scheme}'), "
                    f"problem): the step from the noise (not in the default selection)", own_budget=True))

# reference solvers
scipy_solver("nelder-mead", "Nelder-Mead", "Nelder-Mead",
             {"maxfev": BUDGET, "maxiter": BUDGET, "xatol": 0.0, "fatol": 0.0},
             what="scipy's Nelder-Mead")
scipy_solver("powell", "Powell", "Powell", {"maxfev": BUDGET, "maxiter": BUDGET, "xtol": 1e-12, "ftol": 1e-15},
             what="scipy's Powell")
scipy_solver("cobyla", "COBYLA", "COBYLA", {"maxiter": BUDGET, "tol": 1e-12},
             what="scipy's COBYLA (its maxiter counts evaluations)")
scipy_solver("cobyqa", "COBYQA", "COBYQA", {"maxfev": BUDGET, "maxiter": BUDGET, "final_tr_radius": 1e-12},
             what="scipy's COBYQA (scipy >= 1.14)")
scipy_solver("lbfgsb-scipy", "L-BFGS-B (scipy FD)", "L-BFGS-B",
             {"maxfun": BUDGET, "maxiter": BUDGET, "ftol": 0.0, "gtol": 0.0},
             what="scipy's L-BFGS-B with its own forward differences (jac=None)")
nlopt_solver("newuoa", "NEWUOA (nlopt)", "LN_NEWUOA", what="nlopt's NEWUOA")
nlopt_solver("bobyqa", "BOBYQA (nlopt)", "LN_BOBYQA", what="nlopt's BOBYQA")

#: the default selection of ``--solvers``: every solver but the noise-aware ones (eps="auto", for the
#: noisy features: --solvers names them) (the run time depends on it)
DEFAULT = tuple(s for s in SOLVERS if not s.endswith("-auto"))


class Wrapped:
    """The callable OptiProfiler gets for solver ``name``: ``wrapped(fun, x0) -> x``.

    It derives the run's seed (:func:`run_seed`), guards ``fun`` with the budget 100 (n + 1)
    (:class:`Guard`) and runs the registry's solver. A reference solver stopped by the guard returns the
    best point it evaluated; zeroopt's methods stop at ``max_nfev`` by themselves, so the guard stopping
    one is an error (raised). Picklable (OptiProfiler's workers get it by name).
    """

    def __init__(self, name, base_seed=0, progress=None):
        if name not in SOLVERS:
            raise ValueError(f"unknown solver {name!r}; choose from {', '.join(SOLVERS)}")
        self.name, self.base_seed, self.progress = name, int(base_seed), progress

    def __call__(self, fun, x0):
        solver = SOLVERS[self.name]
        x0 = np.array(x0, dtype=np.float64)
        seed = run_seed(self.name, problem_name(fun, x0), self.base_seed)
        guard = Guard(fun, budget(x0.size))
        t0 = time.process_time()
        try:
            x = np.asarray(solver.run(guard, x0, guard.max_nfev, seed), dtype=np.float64)
        except BudgetExhausted:
            if solver.own_budget:
                raise RuntimeError(f"{self.name} went past max_nfev = {guard.max_nfev}") from None
            x = guard.best_x
        finally:
            if self.progress is not None:   # a line per finished run: its budget, the solver, its CPU seconds
                with open(self.progress, "a") as fh:
                    fh.write(f"{guard.max_nfev} {self.name} {time.process_time() - t0:.6f}\n")
        return x

    def __repr__(self):
        return f"Wrapped({self.name!r})"
