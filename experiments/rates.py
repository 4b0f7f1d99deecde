"""How much slower zero-order gradient descent is than gradient descent, as the dimension n grows.

    python -m experiments.rates --quick        # n in {10, 20, 50}, 3 seeds: about a minute to a minute and a half on 2 cores
    python -m experiments.rates                # n in {10, 20, 50, 100, 200, 500}, 5 seeds: about 43 min

Run from the repository root, as every script of the repository.

Three settings (lecture notes 000, the table "GD vs zero-order GD"), one problem each:
  strongly_convex  problems.quadratic(n, mu=1, L=10)       f_k - f* and ||x_k - x*||^2: (1 - mu/L)^k vs (1 - mu/(mL))^k
  convex           problems.nesterov(n, L=1) (worst case)  f_k - f*: O(L R^2/k) vs O(m L R^2/k)
  nonconvex        problems.mds(n/2, d=2) (distance matrix) min_i ||grad f(x_i)||^2: 2L(f0-f*)/k vs m times that
Methods: gd (ExactAD, step 1/L) and zero-order GD with step 1/(mL), m = the oracle's second-moment factor:
sphere, gaussian, rademacher (TwoPoint), coordinate (RandomCoordinate), sphere-q4/-q16 (q averaged
directions), orthogonal-q4/-q16 (q orthogonal directions; skipped when q > n), and ns-forward (forward
Gaussian differences with Nesterov & Spokoiny's step 1/(4(n+4)L)). --maxiter is the GD budget; a
zero-order run gets m times as many iterations (ns-forward: 4(n+4) times).

Each configuration has its own folder (--out): results/rates/ for the full default configuration,
results/quick/rates/ for --quick, and results[/quick]/rates_<what differs>/ for any other (for example
--dims 10,40 writes results/rates_n10-40/), so that no run overwrites another configuration's results. A
run into a folder that holds another configuration's results (an explicit --out) says so: it replaces
that folder's runs.csv, summary.csv, meta.json and figures. In the folder (one validated file per task
under tasks/, so a rerun resumes and a damaged file is set aside in tasks/damaged/ and its task run
again):
  runs.csv     one row per run and checkpoint: setting, problem, n, method, q, seed, nit, nfev, f_gap,
               grad_norm2, dist2 (history values are measurements, not counted in nfev)
  summary.csv  one row per (setting, problem, measure, n, method): measured slowdown in iterations
               relative to gd, the theory value, and a 95% bootstrap interval over seeds
  meta.json    the config, backend and jobs, seeds, package versions, git commit, machine, timings,
               failures with their tracebacks, damaged files moved aside
runs.csv and summary.csv are written only when every task has a valid result (exit status 1 otherwise).
Figures go into --figs (default paper_figs/ for the full default configuration, <out>/figs for --quick or
any other; only the full configuration may draw into paper_figs/): per setting, the error curves
per n and the measured slowdown against n with the theory lines, as PNG and PDF. A figure whose data,
drawing code and style have not changed since it was drawn is not drawn again (--redraw: draw all), so
a rerun with nothing to compute takes seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import sys
import time

from experiments import _cli
from experiments import rates_report as report
from experiments import rates_runs as runs
from experiments._registry import experiment
from experiments.rates_runs import DIMS, MAX_DIM, METHODS, QUICK_DIMS, SETTINGS
from zeroopt import sweep

EXPERIMENT = experiment("rates", __spec__.name, [
    (f"rates_{s}_{kind}", "000", "table", f"rate study, {s.replace('_', ' ')}: "
     + ("error curves per n" if kind == "curves" else "slowdown against n with the theory"))
    for s in SETTINGS for kind in ("curves", "slowdown")] + [
    ("rates_strongly_convex_dist_curves", "000", "table", "rate study, strongly convex, in the lecture's own "
     "quantity ‖x_k − x*‖²: error curves per n")], jobs=True, redraw=True, runs_cache="tasks")
#: the quick run's time, measured from a clean clone: the docstring above, --help and README.md say the same
QUICK_TIME = "about a minute to a minute and a half on 2 cores"
FULL_OUT = os.path.join("results", "rates")
QUICK_OUT = os.path.join("results", "quick", "rates")


def build_parser():
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs=True, backend=True, out=FULL_OUT, figs=True, seeds=(5, 3),
                    quick=f"n in {{10, 20, 50}} and 3 seeds ({QUICK_TIME})")
    ap.set_defaults(out=None)   # by configuration: see default_out
    for action in ap._actions:
        if action.dest == "out":
            action.help = (f"results directory (default {FULL_OUT}, with --quick {QUICK_OUT}, and "
                           "results[/quick]/rates_<what differs> for any other configuration)")
    ap.add_argument("--dims", type=_cli.int_list(2, MAX_DIM), default=None,
                    help=f"comma-separated dimensions from 2 to {MAX_DIM} (default {DIMS}; --quick {QUICK_DIMS})")
    ap.add_argument("--settings", type=_cli.choice_list(list(SETTINGS)), default=list(SETTINGS),
                    help=f"comma-separated settings (default all: {','.join(SETTINGS)})")
    ap.add_argument("--methods", type=_cli.choice_list(METHODS), default=list(METHODS),
                    help="comma-separated methods (default all; gd is always run)")
    ap.add_argument("--maxiter", type=_cli.int_range(1, 10**6), default=None,
                    help="the GD iteration budget for every setting, 1 to 10^6 (default: strongly_convex 300, "
                         "convex 3000, nonconvex 150); zero-order runs get m times as many")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar with the task count and an ETA (default: on a terminal)")
    ap.add_argument("--redraw", action="store_true",
                    help="draw every figure, also those whose data and code have not changed since they were drawn")
    return ap


def default_out(quick, dims, seeds, settings, methods, maxiter):
    """The configuration's own results folder: results/rates (the full default configuration),
    results/quick/rates (--quick) and results[/quick]/rates_<what differs from it> otherwise.

    Examples
    --------
    >>> default_out(False, [10, 40], 5, list(SETTINGS), METHODS, None)
    'results/rates_n10-40'
    >>> default_out(True, QUICK_DIMS, 1, ["convex"], ["sphere"], 20)
    'results/quick/rates_seeds1_convex_sphere_maxiter20'
    """
    base = QUICK_DIMS if quick else DIMS
    parts = ([f"n{'-'.join(map(str, dims))}"] if list(dims) != list(base) else [])
    parts += [f"seeds{seeds}"] if seeds != (3 if quick else 5) else []
    parts += ["-".join(settings)] if list(settings) != list(SETTINGS) else []
    chosen = [m for m in methods if m != "gd"]
    parts += ["-".join(chosen)] if chosen != METHODS[1:] else []
    parts += [f"maxiter{maxiter}"] if maxiter is not None else []
    name = "_".join(["rates"] + parts)
    if len(name) > 80:   # a long list of methods: a digest of the configuration instead
        text = json.dumps([list(dims), seeds, list(settings), list(methods), maxiter])
        name = "rates_" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return os.path.join("results", "quick", name) if quick else os.path.join("results", name)


def parse(argv=None):
    """The command line, checked, with the defaults that depend on the configuration (seeds, --out,
    --figs); a bad option exits with status 2 and the usage line. Returns (parser, args)."""
    ap = build_parser()
    a = ap.parse_args(argv)
    a.settings = [s for s in SETTINGS if s in a.settings]   # one canonical order (the folder name, the table)
    a.methods = [m for m in METHODS if m in a.methods]
    if a.out is None:
        seeds = a.seeds if a.seeds is not None else (3 if a.quick else 5)
        a.out = default_out(a.quick, a.dims or (QUICK_DIMS if a.quick else DIMS), seeds, a.settings, a.methods,
                            a.maxiter)
    a = _cli.finish(ap, a)
    a.dims = a.dims or (QUICK_DIMS if a.quick else DIMS)
    if "nonconvex" in a.settings and any(n % 2 for n in a.dims):
        ap.error(f"argument --dims: the nonconvex setting needs even dimensions (N = n/2 points in the plane), "
                 f"got {','.join(map(str, a.dims))}")
    full = (a.dims == DIMS and a.seeds == 5 and a.settings == list(SETTINGS) and a.methods == list(METHODS)
            and a.maxiter is None and not a.quick)
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not full:  # paper_figs/: the full run's only
        if not getattr(a, "figs_default", False):
            ap.error("argument --figs: paper_figs/ holds the figures of the full default configuration; draw "
                     "this one elsewhere (leave --figs out for <out>/figs, or --no-figs)")
        a.figs = os.path.join(a.out, "figs")
    return ap, a


def _replaces(out, config):
    """A note when ``out`` holds the results of another configuration (which this run replaces), else None."""
    try:
        with open(os.path.join(out, "meta.json")) as fh:
            old = json.load(fh).get("config", {})
    except (OSError, ValueError, AttributeError):
        return None
    keys = ("dims", "seeds", "settings", "methods", "budgets", "quick")
    if all(old.get(k) == config[k] for k in keys):
        return None
    differ = ", ".join(f"{k} {old.get(k)}" for k in keys if old.get(k) != config[k])
    return (f"note: {out} holds the results of another configuration ({differ}); this run replaces its "
            "runs.csv, summary.csv and meta.json, and its figures where this run draws into the same folder (the "
            "task files stay, and are reused where the configurations share runs)")


def main(argv=None):
    ap, a = parse(argv)
    dims = a.dims
    _cli.make_dirs(ap, a)
    methods = ["gd"] + [m for m in a.methods if m != "gd"]
    budgets = {s: (a.maxiter if a.maxiter is not None else SETTINGS[s]["budget"]) for s in SETTINGS}
    configs = runs.tasks(a.settings, dims, methods, a.seeds, budgets)
    config = {"dims": dims, "seeds": a.seeds, "settings": a.settings, "methods": methods, "budgets": budgets,
              "quick": a.quick}

    t0 = time.time()
    print(f"rates: {len(configs)} runs ({', '.join(a.settings)}; n in {dims}; {a.seeds} seeds) on {a.backend}, "
          f"results in {a.out}", flush=True)
    note = _replaces(a.out, config)
    if note:
        print(note, flush=True)
    with _cli.backend_session(a):
        status = sweep.run(runs.run_one, configs, a.out, jobs=a.jobs, backend=a.backend, progress=a.progress,
                           cost=runs.task_cost, desc="rates")
    found = sweep.collect(a.out, configs)
    complete = not found.missing
    runs_csv, summary_csv = os.path.join(a.out, "runs.csv"), os.path.join(a.out, "summary.csv")
    summary, written = [], []
    if complete:
        report.write_csv(runs_csv, [row for rec in found.records for row in rec["rows"]], report.RUN_COLUMNS)
        summary = report.summarize(found.records)
        report.write_csv(summary_csv, summary, report.SUMMARY_COLUMNS)
    else:
        for path in (runs_csv, summary_csv):   # stale files of another run must not pass for this one's
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    meta = {"experiment": "rates", "version": runs.EXPERIMENT_VERSION,
            "date": datetime.datetime.now().isoformat(timespec="seconds"), "complete": complete,
            "config": config,
            "backend": a.backend, "jobs": status["jobs"], "jobs_note": a.jobs_note, "scheduler": a.scheduler,
            "seeding": "each run's numpy SeedSequence is keyed by its config (zeroopt.sweep.task_seed)",
            "versions": report.versions(), "git_commit": report.git_commit(),
            "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count()},
            "tasks": {k: status[k] for k in ("total", "done_before", "ran")} | {"failed": len(found.errors),
                                                                                 "missing": len(found.missing)},
            "task_seconds": sum(rec["seconds"] for rec in found.records), "wall_seconds": time.time() - t0,
            "failures": found.errors, "damaged": status["damaged"] + found.damaged}
    sweep.write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=2))
    kept = []
    if complete:
        report.print_table(summary)
        if a.figs:
            from experiments.rates_figures import figures

            written, kept = figures(found.records, summary, a.figs, redraw=a.redraw)
    print(f"\n{status['ran']} runs now, {status['done_before']} cached, {len(found.errors)} failed, "
          f"{len(meta['damaged'])} damaged files set aside; {time.time() - t0:.0f} s")
    if complete:
        print(f"table: {summary_csv}   runs: {runs_csv}   meta: {os.path.join(a.out, 'meta.json')}")
        _cli.report_figures(written, kept)
        return 0
    for e in found.errors:
        print(f"FAILED {e['config']}: {e['error']}", file=sys.stderr)
    print(f"runs.csv and summary.csv not written: {len(found.missing)} of {len(configs)} runs have no valid result "
          f"(failures and tracebacks in {os.path.join(a.out, 'meta.json')}; rerun to retry them)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
