"""The rate experiment's runs: settings, methods, their problems and oracles, the theory of each
method's slowdown, and the sweep task (used by experiments/rates.py and benchmarks/sweep.py).

Threads: every task builds its own :class:`zeroopt.Problem` (:func:`problem`), so that its ``nfev``
counts one run only, whatever the backend; only the problem's read-only data is built once per process.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np

import zeroopt as zo
from zeroopt import theory as zt

#: bump when a change alters the rows of a run: task files of the old version are then not reused
EXPERIMENT_VERSION = 1
#: per setting: the GD iteration budget, the measure the rate is about, and every measure summarised
SETTINGS = {
    "strongly_convex": {"budget": 300, "measure": "f_gap", "measures": ("f_gap", "dist2")},
    "convex": {"budget": 3000, "measure": "f_gap", "measures": ("f_gap",)},
    "nonconvex": {"budget": 150, "measure": "grad_norm2", "measures": ("grad_norm2",)},
}
METHODS = ["gd", "sphere", "gaussian", "rademacher", "coordinate", "sphere-q4", "sphere-q16",
           "orthogonal-q4", "orthogonal-q16", "ns-forward"]
DIMS = [10, 20, 50, 100, 200, 500]
QUICK_DIMS = [10, 20, 50]
#: the largest dimension accepted (the quadratic stores an n x n matrix; mds computes 32 spectra)
MAX_DIM = 5000
MU_OVER_L = 0.1          # the strongly convex quadratic has mu = 1, L = 10
NS_EPS = 1e-4            # ns-forward's difference step (TwoPoint's default)


# --- problems and methods -----------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _problem_data(setting, n):
    """What a setting's problem is made of (built once per process and only read after)."""
    if setting == "strongly_convex":
        p = zo.problems.quadratic(n, mu=1.0, L=10.0, seed=0)
        x0 = np.zeros(n)
    elif setting == "convex":
        p = zo.problems.nesterov(n, L=1.0)
        x0 = np.zeros(n)
    elif setting == "nonconvex":
        if n % 2:
            raise ValueError(f"the nonconvex setting recovers N = n/2 points in the plane: n must be even, got {n}")
        p = zo.problems.mds(n // 2, 2, seed=0)
        x0 = p.x0
    else:
        raise ValueError(f"unknown setting {setting!r}; choose from {list(SETTINGS)}")
    known = {"x_star": p.x_star, "f_star": p.f_star, "mu": p.mu, "L": p.L, "name": p.name}
    return p.fun, p.args, known, x0


def problem(setting, n):
    """A new Problem of a setting in dimension n (its own evaluation counters: one per task, never
    shared between threads) and its start x0. No batch_fun: every zero-order run takes the jitted loop."""
    fun, args, known, x0 = _problem_data(setting, n)
    return zo.Problem(fun, n, args=args, **known), x0.copy()


def eigenvalues(setting, n):
    """The Hessian spectrum of the quadratic settings (for the exact forward-difference theory); None
    for the nonconvex one."""
    if setting == "strongly_convex":
        return np.linalg.eigvalsh(_problem_data(setting, n)[1][0])
    if setting == "convex":
        return zt.nesterov_eigenvalues(n, 1.0)
    return None


def q_of(method):
    return int(method.rsplit("-q", 1)[1]) if "-q" in method else 1


def oracle(method, seed):
    q = q_of(method)
    if method == "gd":
        return zo.ExactAD()
    if method == "coordinate":
        return zo.RandomCoordinate(seed=seed)
    if method == "ns-forward":
        return zo.TwoPoint(dist="gaussian", scheme="forward", eps=NS_EPS, seed=seed)
    if method.startswith("orthogonal"):
        return zo.TwoPoint(directions=q, orthogonal=True, seed=seed)
    if method.startswith("sphere"):
        return zo.TwoPoint(dist="sphere", directions=q, seed=seed)
    if method in ("gaussian", "rademacher"):
        return zo.TwoPoint(dist=method, seed=seed)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")


def factor(method, n):
    """The iteration budget multiplier: m for the theory-step methods, 4(n+4) for ns-forward."""
    if method == "ns-forward":
        return 4.0 * (n + 4)   # 1 / (L zeroopt.theory.ns_forward_step(n, L)), written out: budgets are ceil(budget x this)
    return oracle(method, 0).second_moment_factor(n)


def theory(setting, method, n, mu_over_L=MU_OVER_L):
    """The predicted slowdown in iterations relative to gd (the same for every measure of a setting).

    strongly convex: ln(1 - mu/L) / ln(1 - mu/(m L)), the ratio of the two rate bounds (~1.054 m at
    L/mu = 10; zeroopt.theory.linear_slowdown); ns-forward: ln(1 - mu/L) / ln(1 - mu/(8 (n+4) L)),
    Nesterov & Spokoiny's bound (Theorem 8; expected to be beaten). convex and nonconvex: m, the ratio
    of the steps 1/L and 1/(mL) (the O(1/k) bounds scale with 1/step); ns-forward: 4(n+4), the ratio of
    its step to 1/L.
    """
    if setting == "strongly_convex":
        if method == "ns-forward":
            return math.log1p(-mu_over_L) / math.log(zt.ns_forward_contraction(n, mu_over_L, 1.0))
        return zt.linear_slowdown(factor(method, n), mu_over_L)
    return factor(method, n)


@functools.lru_cache(maxsize=None)
def ns_forward_expected(setting, n):
    """ns-forward on the quadratic settings, exactly in expectation (zeroopt.theory.forward_gaussian_*):
    the slowdown of the asymptotic rate against gd's (1 - mu/L)^2 per iteration (strongly convex only,
    else None), and the floor {measure: level} where the forward difference stalls the run."""
    lam = eigenvalues(setting, n)
    if lam is None:
        return None, {}
    p, _ = problem(setting, n)
    h = zt.ns_forward_step(n, p.L)
    f_gap, dist2 = zt.forward_gaussian_floor(lam, h, NS_EPS)
    slow = None
    if setting == "strongly_convex":
        slow = 2.0 * math.log1p(-p.mu / p.L) / math.log(zt.forward_gaussian_rate(lam, h))
    return slow, {"f_gap": f_gap, "dist2": dist2}


def checkpoint_list(maxiter, points=150):
    """Checkpoints dense both in k (for rate fits) and in log k (for early targets)."""
    ks = np.concatenate([np.geomspace(1, maxiter, points), np.linspace(0, maxiter, points)])
    return np.unique(np.round(ks).astype(np.int64))


def run_one(config, seed_sequence):
    """A sweep task: one run of one method on one problem, its history as rows."""
    setting, n, method = config["setting"], config["n"], config["method"]
    p, x0 = problem(setting, n)
    o = oracle(method, seed_sequence)
    step = zt.ns_forward_step(n, p.L) if method == "ns-forward" else None
    maxiter = max(1, int(math.ceil(config["budget"] * (1.0 if method == "gd" else factor(method, n)))))
    t0 = time.perf_counter()
    r = zo.minimize(p, x0, o, step=step, maxiter=maxiter, record=checkpoint_list(maxiter),
                    measure=("f", "grad_norm2", "dist2"))  # the rows keep every column
    seconds = time.perf_counter() - t0
    h = r.history
    return [{"setting": setting, "problem": p.name, "n": n, "method": method, "q": q_of(method),
             "seed": config["seed"], "nit": int(h["nit"][i]), "nfev": int(h["nfev"][i]),
             "f_gap": float(h["f"][i] - p.f_star), "grad_norm2": float(h["grad_norm2"][i]),
             "dist2": float(h["dist2"][i]), "seconds": seconds, "message": r.message}
            for i in range(len(h["nit"]))]


def task_cost(config):
    """A run time estimate in microseconds, to start the longest tasks first (measured on 2026-11-23 at
    n = 500, per evaluation with its share of drawing: dense quadratic ~26 us, Nesterov ~4 us, MDS ~127 us)."""
    n, method = config["n"], config["method"]
    if method == "gd":
        return 100.0 * config["budget"]
    evals = config["budget"] * factor(method, n) * oracle(method, 0).evals_per_call(n)
    per_eval = {"strongly_convex": 1.5 + n * n / 1e4, "convex": 1.5 + n / 200.0,
                "nonconvex": 2.0 + n * n / 2000.0}[config["setting"]]
    return evals * per_eval


def tasks(settings, dims, methods, seeds, budgets):
    """The sweep's configs: every setting, dimension, method and seed (gd, deterministic, runs once;
    q orthogonal directions need q <= n)."""
    grid = []
    for s in settings:
        for n in dims:
            for m in methods:
                if q_of(m) > n and m.startswith("orthogonal"):
                    continue
                for seed in ([0] if m == "gd" else range(seeds)):
                    grid.append({"setting": s, "n": int(n), "method": m, "seed": int(seed),
                                 "budget": int(budgets[s]), "version": EXPERIMENT_VERSION})
    return grid
