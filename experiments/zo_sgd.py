"""ZO-SGD (Ghadimi & Lan 2013, method="zo_sgd") against its theory: the expected error of the randomly
chosen iterate, E f(x_R) - f*, on the sample-mean problem, where it is sqrt((n + 4)/N) times a constant.

    python -m experiments.zo_sgd --quick    # n in {10, 40, 160}, N in {1e3, 3e3, 1e4}, 8 seeds: QUICK_TIME
    python -m experiments.zo_sgd            # n in {10, 40, 160}, N in {1e3, 1e4, 1e5}, 20 seeds: FULL_TIME

Run from the repository root, as every script of the repository.

The problem: problems.sample_mean(n, samples=1000, s=1), F(x, i) = |x - a_i|^2 / 2 with the sample i
drawn per evaluation (common random numbers: the same i at both points of a difference), from
x0 = x* + (D / sqrt(n)) (1, ..., 1), D = 1. The method: forward Gaussian differences with the radius
1/((n + 4) sqrt(N)), the step c / sqrt((n + 4) N) with c = D/s = 1, over the horizon N = maxiter; the
output x_R, R uniform on 0..N-1.

Each run measures E_R[f(x_R)] - f* given its trajectory, the mean of f(x_k) - f* over k < N (f the
noiseless objective, measured at every iteration, uncounted): its expectation over seeds is
E f(x_R) - f*, with a much smaller spread than one draw of R (the run's own f(x_R) - f* is reported too).
Per (n, N): the mean over seeds with a 95% interval (Student t), the exact expectation
(theory.zo_sgd_sample_mean) and the bound (theory.zo_sgd_bound). The targets: the log-log slope in N of
-1/2 +- 0.1 (a least-squares fit over the horizons, with a 95% bootstrap interval over seeds), and growth
in n like sqrt(n + 4) within 25% (the ratio of the errors at two dimensions over the ratio of
sqrt(n + 4)). Writes under --out (one file per run under tasks/): runs.csv, summary.csv, fits.csv and
meta.json; prints the tables; draws zo_sgd_rate (PNG, PDF, caption) into --figs.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
import time

import numpy as np

import zeroopt as zo
from experiments import _cli, rates_report
from experiments._figures import code_digest, digest, legend_outside, save_figure, style, up_to_date
from experiments._registry import experiment
from zeroopt import sweep
from zeroopt import theory as zt
from zeroopt.optimize.stochastic import draw_output_index

EXPERIMENT = experiment("zo_sgd", __spec__.name, [
    ("zo_sgd_rate", "-", "-", "ZO-SGD's expected error sqrt((n + 4)/N) on the sample-mean problem, with the "
                              "exact expectation and the bound")], jobs=True, redraw=True, runs_cache="tasks")
#: measured 2026-12-07 on 2 shared cores: --quick 18-20 s at load average ~3 (47-56 s at ~11), the full
#: run 4 min 40 s at load ~3-4 (6 min 57 s at ~11) and 88 s from an empty run cache by make_all at a load average
#: below 2
QUICK_TIME = "about 20 seconds on 2 cores"
FULL_TIME = "about 1.5 minutes on 2 free cores, 5 on a shared machine"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("FULL_TIME", FULL_TIME)

#: bump when a run's definition changes: task files of another version are not reused
EXPERIMENT_VERSION = 1
DIMS, QUICK_DIMS = (10, 40, 160), (10, 40, 160)
HORIZONS, QUICK_HORIZONS = (1000, 10_000, 100_000), (1000, 3000, 10_000)
SEEDS, QUICK_SEEDS = 20, 8
#: the problem: samples, their spread s, the start's distance D, and the step's constant c = D/s
SAMPLES, SPREAD, DISTANCE, C = 1000, 1.0, 1.0, 1.0
#: the targets: slope -1/2 +- SLOPE_TOL, growth like sqrt(n + 4) within GROWTH_TOL
SLOPE_TOL, GROWTH_TOL = 0.1, 0.25
RUN_COLUMNS = ["n", "N", "seed", "mean_gap", "output_gap", "R", "nit", "nfev", "seconds"]
SUMMARY_COLUMNS = ["n", "N", "seeds", "measured", "ci_low", "ci_high", "exact", "bound", "measured_over_exact",
                   "measured_over_bound", "output_mean", "output_ci_low", "output_ci_high"]
FIT_COLUMNS = ["what", "n", "N", "measured", "ci_low", "ci_high", "exact", "target", "met"]


def problem(n):
    """(problem, x0): the sample-mean problem in dimension n (its data seeded by n) and the start at
    distance DISTANCE from x*."""
    p = zo.problems.sample_mean(n, samples=SAMPLES, s=SPREAD, seed=n)
    return p, p.x_star + DISTANCE / math.sqrt(n)


def tasks(dims, horizons, seeds):
    return [{"n": int(n), "N": int(N), "seed": int(s), "version": EXPERIMENT_VERSION}
            for n in dims for N in horizons for s in range(seeds)]


def task_cost(config):
    return config["N"] * (1.0 + config["n"] / 100.0)


def run_one(config, seed_sequence):
    """A sweep task: one ZO-SGD run of horizon N; the trajectory's mean of f(x_k) - f* over k < N, and
    the run's own output's f(x_R) - f*."""
    n, N = config["n"], config["N"]
    p, x0 = problem(n)
    t0 = time.perf_counter()
    r = zo.minimize(p, x0, method="zo_sgd", maxiter=N, seed=seed_sequence, record="all", measure=("f",),
                    options={"c": C})
    if r.nit != N or r.status is not zo.Status.MAXITER or r.nfev != 2 * N:
        raise RuntimeError(f"the run did not complete its horizon: {r.message} (nit {r.nit}, nfev {r.nfev})")
    R = draw_output_index(np.random.default_rng(seed_sequence), N)   # the method's own draw of R
    if r.fun != r.history["f"][R]:
        raise RuntimeError(f"the output is not x_R: f = {r.fun!r}, f(x_R) = {r.history['f'][R]!r}")
    return [{"n": n, "N": N, "seed": config["seed"], "mean_gap": float(np.mean(r.history["f"][:N]) - p.f_star),
             "output_gap": float(r.fun - p.f_star), "R": R, "nit": int(r.nit), "nfev": int(r.nfev),
             "seconds": time.perf_counter() - t0}]


def theory(n, N):
    """(exact, bound) for dimension n and horizon N, with the run's own radius and constants."""
    eps = zt.zo_sgd_radius(n, N)
    return (zt.zo_sgd_sample_mean(N, n, C, DISTANCE, SPREAD, eps),
            zt.zo_sgd_bound(N, n, C, DISTANCE, SPREAD, 1.0, eps))


def _interval(values):
    """(mean, low, high): the mean and its 95% Student-t interval."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def summarize(rows):
    out = []
    for n in sorted({r["n"] for r in rows}):
        for N in sorted({r["N"] for r in rows if r["n"] == n}):
            sel = [r for r in rows if r["n"] == n and r["N"] == N]
            m, lo, hi = _interval([r["mean_gap"] for r in sel])
            om, olo, ohi = _interval([r["output_gap"] for r in sel])
            exact, bound = theory(n, N)
            out.append({"n": n, "N": N, "seeds": len(sel), "measured": m, "ci_low": lo, "ci_high": hi, "exact": exact,
                        "bound": bound, "measured_over_exact": m / exact, "measured_over_bound": m / bound,
                        "output_mean": om, "output_ci_low": olo, "output_ci_high": ohi})
    return out


def _slope(Ns, values):
    return float(np.polyfit(np.log(Ns), np.log(values), 1)[0])


def fits(rows, n_boot=2000, seed=0):
    """The slope in N per n, and the growth from each n to the next and from the first to the last, each
    with a 95% percentile bootstrap interval (seeds resampled within each (n, N))."""
    rng = np.random.default_rng(seed)
    dims = sorted({r["n"] for r in rows})
    horizons = sorted({r["N"] for r in rows})
    cells = {(n, N): np.array([r["mean_gap"] for r in rows if r["n"] == n and r["N"] == N]) for n in dims for N in horizons}
    boots = {k: np.array([rng.choice(v, len(v)).mean() for _ in range(n_boot)]) for k, v in cells.items()}
    mean = {k: v.mean() for k, v in cells.items()}
    out = []

    def add(what, n, N, measured, boot, exact, target, met):
        lo, hi = np.percentile(boot, [2.5, 97.5])
        out.append({"what": what, "n": n, "N": N, "measured": measured, "ci_low": float(lo), "ci_high": float(hi),
                    "exact": exact, "target": target, "met": met})

    for n in dims:
        m = _slope(horizons, [mean[n, N] for N in horizons])
        b = [_slope(horizons, [boots[n, N][i] for N in horizons]) for i in range(n_boot)]
        exact = _slope(horizons, [theory(n, N)[0] for N in horizons])
        add("slope", n, "", m, b, exact, f"-0.5 +- {SLOPE_TOL}", abs(m + 0.5) <= SLOPE_TOL)
    pairs = list(zip(dims, dims[1:])) + ([(dims[0], dims[-1])] if len(dims) > 2 else [])
    for a, b_ in pairs:
        scale = math.sqrt((b_ + 4) / (a + 4))
        for N in horizons:
            g = mean[b_, N] / mean[a, N] / scale
            gb = boots[b_, N] / boots[a, N] / scale
            exact = theory(b_, N)[0] / theory(a, N)[0] / scale
            add(f"growth {a}->{b_} / sqrt", f"{a}->{b_}", N, float(g), gb, exact, f"1 +- {GROWTH_TOL}",
                abs(g - 1) <= GROWTH_TOL)
    return out


def print_tables(summary, fitted, file=None):
    file = file or sys.stdout
    print(f"{'n':>5} {'N':>7} {'E f(x_R) - f*':>14} {'95% interval':>23} {'exact':>10} {'/exact':>7} "
          f"{'bound':>9} {'/bound':>7}", file=file)
    for r in summary:
        print(f"{r['n']:>5} {r['N']:>7} {r['measured']:>14.5g} [{r['ci_low']:.5g}, {r['ci_high']:.5g}]".ljust(53)
              + f" {r['exact']:>10.5g} {r['measured_over_exact']:>7.3f} {r['bound']:>9.4g} "
                f"{r['measured_over_bound']:>7.3f}", file=file)
    for f in fitted:
        print(f"{f['what']:>22} n={f['n']!s:>7} N={f['N']!s:>6}: {f['measured']:+.3f} "
              f"[{f['ci_low']:+.3f}, {f['ci_high']:+.3f}] exact {f['exact']:+.3f} target {f['target']}: "
              f"{'met' if f['met'] else 'NOT met'}", file=file)


def parse(argv=None):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs=True, backend=True, out=os.path.join("results", "zo_sgd"), figs=True,
                    seeds=(SEEDS, QUICK_SEEDS), quick=f"N in {{1e3, 3e3, 1e4}} and {QUICK_SEEDS} seeds ({QUICK_TIME})")
    for action in ap._actions:
        if action.dest == "seeds":
            action.type = _cli.int_range(2, _cli.MAX_SEEDS)   # an interval needs two seeds
    ap.add_argument("--dims", type=_cli.int_list(1, 2000), default=None,
                    help=f"comma-separated dimensions, at least two (default {','.join(map(str, DIMS))})")
    ap.add_argument("--horizons", type=_cli.int_list(10, 10_000_000), default=None,
                    help=f"comma-separated horizons N, at least two (default {','.join(map(str, HORIZONS))}; "
                         f"--quick {','.join(map(str, QUICK_HORIZONS))})")
    ap.add_argument("--redraw", action="store_true", help="draw the figure also if its data and code have not changed")
    a = ap.parse_args(argv)
    a.dims = sorted(a.dims or (QUICK_DIMS if a.quick else DIMS))
    a.horizons = sorted(a.horizons or (QUICK_HORIZONS if a.quick else HORIZONS))
    if len(a.dims) < 2:
        ap.error("argument --dims: give at least two dimensions (the growth in n compares them)")
    if len(a.horizons) < 2:
        ap.error("argument --horizons: give at least two horizons (the slope in N needs them)")
    full = a.dims == list(DIMS) and a.horizons == list(HORIZONS) and not a.quick
    if a.quick and a.out == os.path.join("results", "zo_sgd"):
        a.out = os.path.join("results", "quick", "zo_sgd")
    elif not full and a.out == os.path.join("results", "zo_sgd"):
        a.out = os.path.join("results", "zo_sgd_" + "-".join(map(str, a.dims)) + "_N" + "-".join(map(str, a.horizons)))
    a = _cli.finish(ap, a)
    if a.seeds is not None and a.seeds != SEEDS:
        full = False
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not full:
        if not getattr(a, "figs_default", False):
            ap.error("argument --figs: paper_figs/ holds the figure of the full default configuration; draw this "
                     "one elsewhere (leave --figs out for <out>/figs, or --no-figs)")
        a.figs = os.path.join(a.out, "figs")
    return a


def main(argv=None):
    a = parse(argv)
    configs = tasks(a.dims, a.horizons, a.seeds)
    for path in (a.out, a.figs):
        if path is not None:
            os.makedirs(path, exist_ok=True)
    t0 = time.time()
    print(f"zo_sgd: {len(configs)} runs (n in {a.dims}, N in {a.horizons}; {a.seeds} seeds) on {a.backend}, "
          f"results in {a.out}", flush=True)
    with _cli.backend_session(a):
        status = sweep.run(run_one, configs, a.out, jobs=a.jobs, backend=a.backend, cost=task_cost, desc="zo_sgd")
    found = sweep.collect(a.out, configs)
    if found.missing:
        print(f"zo_sgd: {len(found.missing)} runs failed or are missing (see {a.out}/tasks); no summary",
              file=sys.stderr)
        return 1
    rows = [row for rec in found.records for row in rec["rows"]]
    summary, fitted = summarize(rows), fits(rows)
    rates_report.write_csv(os.path.join(a.out, "runs.csv"), rows, RUN_COLUMNS)
    rates_report.write_csv(os.path.join(a.out, "summary.csv"), summary, SUMMARY_COLUMNS)
    rates_report.write_csv(os.path.join(a.out, "fits.csv"), fitted, FIT_COLUMNS)
    print_tables(summary, fitted)
    meta = {"experiment": "zo_sgd", "version": EXPERIMENT_VERSION,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": {"dims": a.dims, "horizons": a.horizons, "seeds": a.seeds, "quick": a.quick,
                       "samples": SAMPLES, "s": SPREAD, "D": DISTANCE, "c": C},
            "backend": status["backend"], "jobs": status["jobs"], "ran": status["ran"],
            "seconds": round(time.time() - t0, 1), "versions": rates_report.versions(),
            "commit": rates_report.git_commit()}
    sweep.write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=1) + "\n")
    if a.figs is not None:
        here = os.path.dirname(os.path.abspath(__file__))
        inputs = digest(code_digest(os.path.join(here, "zo_sgd.py"), os.path.join(here, "_figures.py")),
                        [summary, fitted])
        if a.redraw or not up_to_date(a.figs, "zo_sgd_rate", inputs):
            with style() as plt:
                fig = draw(plt, summary)
                print("figure:", save_figure(fig, a.figs, "zo_sgd_rate", caption=caption(summary, fitted),
                                             inputs=inputs)[0])
    print(f"\n{len(configs)} runs, {status['ran']} now; {time.time() - t0:.0f} s; table: "
          f"{os.path.join(a.out, 'summary.csv')}")
    return 0


def draw(plt, summary):
    """Left: E f(x_R) - f* against N per n, the exact expectation (solid) and the bound (dashed). Right:
    the same divided by sqrt((n + 4)/N): flat lines if the error itself has the bound's shape."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.4))
    dims = sorted({r["n"] for r in summary})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, n in enumerate(dims):
        rows = [r for r in summary if r["n"] == n]
        N = np.array([r["N"] for r in rows], dtype=float)
        m = np.array([r["measured"] for r in rows])
        err = np.array([[r["measured"] - r["ci_low"] for r in rows], [r["ci_high"] - r["measured"] for r in rows]])
        grid = np.unique(np.geomspace(N.min(), N.max(), 60).round())
        exact = np.array([theory(n, int(k))[0] for k in grid])
        bound = np.array([theory(n, int(k))[1] for k in grid])
        scale, gscale = np.sqrt((n + 4) / N), np.sqrt((n + 4) / grid)
        col = colors[i % len(colors)]
        ax.errorbar(N, m, yerr=err, fmt="o", color=col, ms=5, capsize=3, label=f"n = {n}: measured (95% CI)")
        ax.plot(grid, exact, "-", color=col, lw=1.2, label=f"n = {n}: exact expectation")
        ax.plot(grid, bound, "--", color=col, lw=1.0, label=f"n = {n}: bound")
        bx.errorbar(N, m / scale, yerr=err / scale, fmt="o", color=col, ms=5, capsize=3)
        bx.plot(grid, exact / gscale, "-", color=col, lw=1.2)
        bx.plot(grid, bound / gscale, "--", color=col, lw=1.0)
    ax.set(xscale="log", yscale="log", xlabel="horizon N (iterations)", ylabel="E f(x_R) - f*",
           title="error of the random iterate")
    bx.set(xscale="log", yscale="log", xlabel="horizon N (iterations)", ylabel="(E f(x_R) - f*) / sqrt((n + 4)/N)",
           title="divided by the bound's shape")
    legend_outside(fig, where="below", ncol=3)
    return fig


def caption(summary, fitted):
    slopes = ", ".join(f"{f['measured']:.3f} (n = {f['n']})" for f in fitted if f["what"] == "slope")
    worst = max((f for f in fitted if f["what"].startswith("growth")), key=lambda f: abs(f["measured"] - 1))
    ratio = [r["measured_over_exact"] for r in summary]
    bound = [r["measured_over_bound"] for r in summary]
    return ("ZO-SGD (Ghadimi & Lan 2013: forward Gaussian differences at common random numbers, step "
            "1/sqrt((n + 4) N), the randomly chosen iterate x_R) on the sample-mean problem (1000 samples, "
            "spread s = 1, start at distance 1). Left: E f(x_R) - f* over seeds (95% intervals) against the "
            "horizon N, with the exact expectation (solid) and the bound (dashed). Right: the same divided by "
            f"sqrt((n + 4)/N). Log-log slopes in N: {slopes}. The measured errors are "
            f"{min(ratio):.3f} to {max(ratio):.3f} times the exact expectation and {min(bound):.2f} to "
            f"{max(bound):.2f} times the bound; the growth in n over sqrt(n + 4) is at worst "
            f"{worst['measured']:.3f} ({worst['n']}, N = {worst['N']}).")


if __name__ == "__main__":
    sys.exit(main())
