"""How much slower zero-order gradient descent is than gradient descent, as the dimension n grows.

    python experiments/rates.py --quick        # n in {10, 20, 50}, 3 seeds: about a minute on 2 cores
    python experiments/rates.py                # n in {10, 20, 50, 100, 200, 500}, 5 seeds

Three settings (lecture notes 000, the table "GD vs zero-order GD"), one problem each:
  strongly_convex  problems.quadratic(n, mu=1, L=10)       f_k - f*: (1 - mu/L)^k vs (1 - mu/(mL))^k
  convex           problems.nesterov(n, L=1) (worst case)  f_k - f*: O(L R^2/k) vs O(m L R^2/k)
  nonconvex        problems.mds(n/2, d=2) (distance matrix) min_i ||grad f(x_i)||^2: 2L(f0-f*)/k vs m times that
Methods: gd (ExactAD, step 1/L) and zero-order GD with step 1/(mL), m = the oracle's second-moment factor:
sphere, gaussian, rademacher (TwoPoint), coordinate (RandomCoordinate), sphere-q4/-q16 (q averaged
directions), orthogonal-q4/-q16 (q orthogonal directions; skipped when q > n), and ns-forward (forward
Gaussian differences with Nesterov & Spokoiny's step 1/(4(n+4)L)). --maxiter is the GD budget; a
zero-order run gets m times as many iterations (ns-forward: 4(n+4) times).

Outputs under --out (default results/rates/; tasks are cached there, a rerun resumes):
  runs.csv     one row per run and checkpoint: setting, problem, n, method, q, seed, nit, nfev, f_gap,
               grad_norm2, dist2 (history values are measurements, not counted in nfev)
  summary.csv  one row per (setting, problem, n, method): measured slowdown in iterations relative to
               gd, the theory value, and a 95% bootstrap interval over seeds (see summarize())
  meta.json    the config, seeds, package versions, git commit, machine, timings, failures
and figures into --figs (default paper_figs/, or <out>/figs with --quick): per setting, the error curves
per n and the measured slowdown against n with the theory line, as PNG and PDF.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time

from zeroopt import rates, sweep
from zeroopt.rates import DIMS, METHODS, QUICK_DIMS, SETTINGS


def parse_list(text, kind=int):
    return [kind(t) for t in text.split(",") if t.strip()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog=__doc__.split("\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"dimensions {QUICK_DIMS} and 3 seeds (about a minute on 2 cores)")
    ap.add_argument("--dims", type=str, default=None, help=f"comma-separated dimensions (default {DIMS})")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per zero-order method (default 5; --quick 3)")
    ap.add_argument("--settings", type=str, default=",".join(SETTINGS), help="comma-separated settings to run")
    ap.add_argument("--methods", type=str, default=",".join(METHODS), help="comma-separated methods (gd is always run)")
    ap.add_argument("--maxiter", type=int, default=None,
                    help="the GD iteration budget for every setting (default: strongly_convex 300, convex 3000, "
                         "nonconvex 150); zero-order runs get m times as many")
    ap.add_argument("--jobs", type=int, default=2, help="parallel jobs (default 2; -1: all cores)")
    ap.add_argument("--backend", type=str, default="loky",
                    help="joblib backend: loky (default), threading, multiprocessing, dask (a dask.distributed "
                         "cluster: --scheduler, or a local one), ray")
    ap.add_argument("--scheduler", type=str, default=None, help="dask scheduler address for --backend dask")
    ap.add_argument("--out", type=str, default=os.path.join("results", "rates"), help="results directory (default results/rates)")
    ap.add_argument("--figs", type=str, default=None,
                    help="figure directory (default paper_figs/; with --quick, <out>/figs, so that the committed "
                         "paper figures stay those of the full run)")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar (default: on a terminal)")
    a = ap.parse_args(argv)

    if a.figs is None:
        a.figs = os.path.join(a.out, "figs") if a.quick else "paper_figs"
    dims = parse_list(a.dims) if a.dims else (QUICK_DIMS if a.quick else DIMS)
    seeds = a.seeds if a.seeds is not None else (3 if a.quick else 5)
    settings = [s.strip() for s in a.settings.split(",") if s.strip()]
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    for s in settings:
        if s not in SETTINGS:
            ap.error(f"unknown setting {s!r}; choose from {', '.join(SETTINGS)}")
    for m in methods:
        if m not in METHODS:
            ap.error(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
    if "gd" not in methods:
        methods = ["gd"] + methods
    if any(n < 2 for n in dims) or seeds < 1:
        ap.error("dimensions must be >= 2 and --seeds >= 1")
    if a.maxiter is not None and a.maxiter < 1:
        ap.error("--maxiter must be >= 1")
    if "nonconvex" in settings and any(n % 2 for n in dims):
        ap.error("the nonconvex setting needs even dimensions (N = n/2 points in the plane)")
    budgets = {s: (a.maxiter if a.maxiter is not None else SETTINGS[s]["budget"]) for s in SETTINGS}
    configs = rates.tasks(settings, dims, methods, seeds, budgets)

    client = None
    if a.backend == "dask":
        from distributed import Client, LocalCluster
        client = Client(a.scheduler) if a.scheduler else Client(LocalCluster(n_workers=max(1, a.jobs), threads_per_worker=1))
    t0 = time.time()
    print(f"rates: {len(configs)} runs ({', '.join(settings)}; n in {dims}; {seeds} seeds), results in {a.out}", flush=True)
    try:
        status = sweep.run(rates.run_one, configs, a.out, jobs=a.jobs, backend=a.backend, progress=a.progress,
                           cost=rates.task_cost, desc="rates")
    finally:
        if client is not None:
            client.close()
    records, errors = sweep.collect(a.out, configs)
    runs = [row for rec in records for row in rec["rows"]]
    columns = ["setting", "problem", "n", "method", "q", "seed", "nit", "nfev", "f_gap", "grad_norm2", "dist2"]
    rates.write_csv(os.path.join(a.out, "runs.csv"), runs, columns)
    summary = rates.summarize(records)
    rates.write_csv(os.path.join(a.out, "summary.csv"), summary,
              ["setting", "problem", "n", "method", "q", "measured", "theory", "ci_low", "ci_high"])
    meta = {"experiment": "rates", "version": rates.EXPERIMENT_VERSION, "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": {"dims": dims, "seeds": seeds, "settings": settings, "methods": methods, "budgets": budgets,
                       "jobs": a.jobs, "backend": a.backend, "quick": a.quick},
            "seeding": "each run's numpy SeedSequence is keyed by its config (zeroopt.sweep.task_seed)",
            "versions": rates.versions(), "git_commit": rates.git_commit(),
            "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count()},
            "tasks": status, "task_seconds": sum(rec["seconds"] for rec in records), "wall_seconds": time.time() - t0,
            "errors": [{"config": e["config"], "error": e["error"]} for e in errors]}
    sweep.write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=2))
    rates.print_table(summary)
    written = rates.figures(records, summary, a.figs) if a.figs else []
    print(f"\n{status['ran']} runs now, {status['done_before']} cached, {len(status['failed'])} failed; "
          f"{time.time() - t0:.0f} s")
    print(f"table: {os.path.join(a.out, 'summary.csv')}   runs: {os.path.join(a.out, 'runs.csv')}   meta: {os.path.join(a.out, 'meta.json')}")
    if written:
        print(f"figures: {', '.join(p for p in written if p.endswith('.png'))}")
    for e in errors:
        print(f"FAILED {e['config']}: {e['error']}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
