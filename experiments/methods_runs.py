"""The runs of the methods experiment (experiments/methods.py) and their summary: one sweep task per run,
the slowdowns measured the rate study's way, with bootstrap intervals over seeds."""

from __future__ import annotations

import math
import time

import numpy as np

import zeroopt as zo
from experiments import rates_runs
from zeroopt import fits
from zeroopt import theory as zt

#: bump when a run's definition changes: task files of another version are not reused
EXPERIMENT_VERSION = 2
DIMS = (16, 64, 256)
QUICK_DIMS = (8, 16, 32)
#: the rate study's targets: fractions of f(x0) - f*
TARGETS = (1e-1, 1e-2, 1e-3, 1e-4)
#: a run stops once f - f* is below this fraction of f(x0) - f* (measured every STOP_EVERY iterations,
#: uncounted: the method is not affected), or at its iteration cap
STOP_BELOW = 0.5 * TARGETS[-1]
STOP_EVERY = 100
#: FGM's iterations (every one recorded); it reaches 1e-4 within 550 on nesterov(256)
FGM_MAXITER = 2000
#: iteration caps: the accelerated random method gets CAP x 4(n+4) x FGM's iterations to the last target;
#: Random Pursuit and zero-order GD get CAP x the bound's iterations to the last target
CAP = 3.0
#: the accelerated random method's smoothing radius. Forward Gaussian differences on a quadratic are
#: unbiased, but their second moment carries a term in eps^2 n^3 (NS17, Theorem 4: (eps^2/2) L^2 (n+6)^3)
#: that sets a floor: with TwoPoint's default eps = 1e-4 the runs at n = 256 level off at 2-3e-4 of
#: f(x0) - f* (measured, 4 seeds) and never reach the last target 1e-4; eps = 1e-6 moves the floor ~1e4
#: lower, and the rounding of a forward difference (~1e-16 |f| / eps) stays far below the gradients here
ZO_EPS = 1e-6
EXPERIMENTS = {"accelerated": ("fgm", "zo_accelerated"), "pursuit": ("random_pursuit", "zo_gd")}
RUN_COLUMNS = ["experiment", "problem", "n", "method", "seed", "nit", "nfev", "f_gap"]
SUMMARY_COLUMNS = ["experiment", "n", "method", "measured", "theory", "ci_low", "ci_high", "seeds"]


def problem(experiment, n):
    """(problem, x0): Nesterov's worst-case function from 0, or the rate study's strongly convex quadratic
    (mu = 1, L = 10) from its start."""
    if experiment == "accelerated":
        return zo.problems.nesterov(n), np.zeros(n)
    return rates_runs.problem("strongly_convex", n)


def bound_iterations(n, targets=TARGETS):
    """The iterations the bound (1 - mu/(nL))^k needs to reach each target, mu = 1, L = 10."""
    return zt.random_pursuit_iterations(np.asarray(targets), n, 1.0, 10.0)


def tasks(dims, seeds):
    """Every run: FGM once per n (deterministic), the random methods once per n and seed."""
    out = []
    for experiment, methods in EXPERIMENTS.items():
        for n in dims:
            for method in methods:
                for seed in ([0] if method == "fgm" else range(seeds)):
                    out.append({"experiment": experiment, "n": int(n), "method": method, "seed": int(seed),
                                "version": EXPERIMENT_VERSION})
    return out


def task_cost(config):
    """A run-time estimate (arbitrary units) to start the longest runs first."""
    n = config["n"]
    if config["method"] == "zo_accelerated":
        return 4.0 * (n + 4) * n ** 1.5
    if config["method"] == "random_pursuit":
        return 250.0 * n * n
    return 10.0 * n


class _Stop:
    """A callback that measures f every STOP_EVERY iterations (uncounted) and stops the run below STOP_BELOW."""

    def __init__(self, p, gap0):
        self.p, self.level = p, STOP_BELOW * gap0

    def __call__(self, it):
        if it.nit % STOP_EVERY == 0 and self.p.value(it.x, count=False) - self.p.f_star <= self.level:
            raise StopIteration


def run_one(config, seed_sequence):
    """A sweep task: one run, its history as rows (f - f* at the checkpoints, measured, uncounted)."""
    experiment, n, method = config["experiment"], config["n"], config["method"]
    p, x0 = problem(experiment, n)
    gap0 = p.value(x0, count=False) - p.f_star
    t0 = time.perf_counter()
    if method == "fgm":
        r = zo.minimize(p, x0, zo.ExactAD(), method="fgm", maxiter=FGM_MAXITER, record="all", measure=("f",))
    elif method == "zo_accelerated":
        cap = int(math.ceil(CAP * zt.accelerated_slowdown(n) * fgm_iterations(p, x0)))
        r = zo.minimize(p, x0, zo.TwoPoint(eps=ZO_EPS, dist="gaussian", scheme="forward", seed=seed_sequence),
                        method="zo_accelerated", maxiter=cap, record=_grid(cap), measure=("f",),
                        callback=_Stop(p, gap0))
    elif method == "random_pursuit":
        cap = int(math.ceil(CAP * bound_iterations(n)[-1]))
        r = zo.minimize(p, x0, method="random_pursuit", maxiter=cap, seed=seed_sequence, record=_grid(cap),
                        measure=("f",), callback=_Stop(p, gap0))
    elif method == "zo_gd":
        cap = int(math.ceil(CAP * bound_iterations(n)[-1]))
        r = zo.minimize(p, x0, zo.TwoPoint(seed=seed_sequence), maxiter=cap, record=_grid(cap), measure=("f",))
    else:
        raise ValueError(f"unknown method {method!r}")
    seconds = time.perf_counter() - t0
    h = r.history
    return [{"experiment": experiment, "problem": p.name, "n": n, "method": method, "seed": config["seed"],
             "nit": int(h["nit"][i]), "nfev": int(h["nfev"][i]), "f_gap": float(h["f"][i] - p.f_star),
             "seconds": seconds, "message": r.message} for i in range(len(h["nit"]))]


def fgm_iterations(p, x0):
    """FGM's iterations to the last target (interpolated), for the random method's cap."""
    r = zo.minimize(p, x0, zo.ExactAD(), method="fgm", maxiter=FGM_MAXITER, record="all", measure=("f",))
    g = r.history["f"] - p.f_star
    return float(fits.crossings(r.history["nit"], g / g[0], TARGETS[-1:])[0])


def _grid(cap, points=400):
    """Checkpoints: every iteration up to 100, then geometric up to the cap."""
    return np.unique(np.concatenate([np.arange(101), np.geomspace(100, cap, points).astype(int)]))


# --- the summary ------------------------------------------------------------------------------------
def curves(records):
    """{(experiment, n, method): [(seed, k, relative gap), ...]} sorted by seed; the gap relative to its
    start."""
    out = {}
    for rec in records:
        rows = rec["rows"]
        c = rec["config"]
        k = np.array([r["nit"] for r in rows], dtype=float)
        g = np.array([r["f_gap"] for r in rows], dtype=float)
        out.setdefault((c["experiment"], c["n"], c["method"]), []).append((c["seed"], k, g / g[0]))
    for v in out.values():
        v.sort(key=lambda t: t[0])
    return out


def _ratios(k_ref, runs):
    """Per seed: the geometric mean over the targets both reached of (its crossing / the reference's)."""
    per_seed = []
    for _, k, g in runs:
        ks = fits.crossings(k, g, TARGETS)
        ok = np.isfinite(ks) & np.isfinite(k_ref) & (k_ref > 0)
        per_seed.append(fits.geometric_mean(ks[ok] / k_ref[ok]) if ok.all() else math.nan)
    return per_seed


def summarize(records, n_boot=1000):
    """One row per (experiment, n, random method): the measured slowdown (accelerated: iterations over
    FGM's; pursuit: iterations over the bound's), the theory (4(n+4); the bound: 1), a 95% bootstrap
    interval over seeds. A seed that missed a target counts as NaN (and makes the row NaN): no target
    is left out silently."""
    data = curves(records)
    rows = []
    for (experiment, n, method), runs in sorted(data.items(), key=lambda t: (list(EXPERIMENTS).index(t[0][0]),
                                                                            t[0][1], t[0][2])):
        if method == "fgm":
            continue
        if experiment == "accelerated":
            _, k_f, g_f = data[(experiment, n, "fgm")][0]
            k_ref, theory = fits.crossings(k_f, g_f, TARGETS), zt.accelerated_slowdown(n)
        else:
            k_ref, theory = bound_iterations(n), 1.0
        per_seed = _ratios(k_ref, runs)
        measured = float(np.exp(np.mean(np.log(per_seed)))) if np.all(np.isfinite(per_seed)) else math.nan
        lo, hi = fits.bootstrap(per_seed, fits.geometric_mean, n_boot=n_boot, seed=n)
        rows.append({"experiment": experiment, "n": n, "method": method, "measured": measured, "theory": theory,
                     "ci_low": lo, "ci_high": hi, "seeds": len(runs)})
    return rows


def print_table(summary, file=None):
    """The measured constants next to the theory's, at each n."""
    print("\nzo_accelerated against FGM (ExactAD) on problems.nesterov(n): slowdown in iterations", file=file)
    print(f"{'n':>5s} {'measured':>9s} {'95% CI':>17s} {'4(n+4)':>7s} {'measured/theory':>15s}", file=file)
    for r in (r for r in summary if r["experiment"] == "accelerated"):
        print(f"{r['n']:5d} {r['measured']:9.1f} {_ci(r):>17s} {r['theory']:7.0f} "
              f"{r['measured'] / r['theory']:15.3f}", file=file)
    print("\nRandom Pursuit and zero-order GD (TwoPoint, step 1/(nL)) on problems.quadratic(n, mu=1, L=10): "
          "iterations to each target over the bound's, (1 - mu/(nL))^k", file=file)
    print(f"{'n':>5s} {'method':>15s} {'ratio':>7s} {'95% CI':>17s} {'bound':>6s}", file=file)
    for r in (r for r in summary if r["experiment"] == "pursuit"):
        print(f"{r['n']:5d} {r['method']:>15s} {r['measured']:7.3f} {_ci(r):>17s} {r['theory']:6.0f}", file=file)


def _ci(r):
    return f"[{r['ci_low']:.4g}, {r['ci_high']:.4g}]" if np.isfinite(r["ci_low"]) else ""
