"""Issue 18's methods held against their theory constants: the accelerated random method's slowdown
against FGM beside 4(n + 4), and Random Pursuit against zero-order gradient descent and its bound.

    python -m experiments.methods --quick    # n in {8, 16, 32}, 5 seeds: QUICK_TIME
    python -m experiments.methods            # n in {16, 64, 256}, 10 seeds: FULL_TIME

Run from the repository root, as every script of the repository.

  accelerated  problems.nesterov(n) from x0 = 0: method="zo_accelerated" (forward Gaussian differences with
               eps = 1e-6, Nesterov & Spokoiny's constants h = 1/(4(n+4)L), theta = 1/(16(n+4)^2 L)) against
               method="fgm" with ExactAD. The slowdown in iterations, the rate study's way: for each seed
               the iterations at which f - f* first reaches 1e-1, 1e-2, 1e-3, 1e-4 of f(x0) - f*
               (interpolated between checkpoints), their ratios to FGM's, the geometric mean over the
               targets, then over the seeds, with a 95% bootstrap interval. Theory: 4(n + 4).
  pursuit      the rate study's strongly convex quadratic (mu = 1, L = 10) from its start:
               method="random_pursuit" and zero-order GD (TwoPoint on the sphere, step 1/(nL)) against
               the bound (1 - mu/(nL))^k: the slowdown ratio, the iterations to each target over the
               bound's, ln t / ln(1 - mu/(nL)), expected to be at most 1.

A run stops once f - f* is below 5e-5 of f(x0) - f* (measured every 100 iterations, uncounted), or at
its cap. The smoothing radius eps = 1e-6 (not TwoPoint's default 1e-4) keeps the floor that forward
differences leave, which grows like eps^2 n^3, below the last target: with 1e-4 the runs at n = 256 level
off at 2-3e-4 of f(x0) - f*. Writes under --out (one file per run under tasks/, so a rerun computes only what is missing):
runs.csv (experiment, problem, n, method, seed, nit, nfev, f_gap at the checkpoints), summary.csv
(experiment, n, method, measured, theory, ci_low, ci_high, seeds) and meta.json; prints the table; draws
methods_accelerated and methods_pursuit (PNG, PDF, caption) into --figs.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time

from experiments import _cli
from experiments import methods_runs as runs
from experiments import rates_report
from experiments._figures import code_digest, digest, save_figure, style, up_to_date
from experiments._registry import experiment
from zeroopt import sweep

EXPERIMENT = experiment("methods", __spec__.name, [
    ("methods_accelerated", "-", "-", "the accelerated random method against FGM: its slowdown beside 4(n + 4)"),
    ("methods_pursuit", "-", "-", "Random Pursuit against zero-order GD and the bound (1 - mu/(nL))^k")],
    jobs=True, redraw=True, runs_cache="tasks")
QUICK_TIME = "about a minute on 2 cores"
FULL_TIME = "about 9 minutes on 2 cores"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("FULL_TIME", FULL_TIME)


FULL_OUT = os.path.join("results", "methods")
QUICK_OUT = os.path.join("results", "quick", "methods")
MAX_DIM = 1024


def default_out(quick, dims, seeds):
    """The configuration's own results folder: results/methods (the full default configuration),
    results/quick/methods (--quick) and results[/quick]/methods_<what differs> otherwise.

    Examples
    --------
    >>> default_out(False, [16, 32], 10)
    'results/methods_n16-32'
    >>> default_out(True, list(runs.QUICK_DIMS), 3)
    'results/quick/methods_seeds3'
    """
    base = runs.QUICK_DIMS if quick else runs.DIMS
    parts = [f"n{'-'.join(map(str, dims))}"] if list(dims) != list(base) else []
    parts += [f"seeds{seeds}"] if seeds != (5 if quick else 10) else []
    name = "_".join(["methods"] + parts)
    return os.path.join("results", "quick", name) if quick else os.path.join("results", name)


def parse(argv=None):
    """The command line, checked, with the defaults that depend on the configuration (seeds, --out,
    --figs); a bad option exits with status 2 and the usage line."""
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs=True, backend=True, out=FULL_OUT, figs=True, seeds=(10, 5),
                    quick=f"n in {{8, 16, 32}} and 5 seeds ({QUICK_TIME})")
    ap.set_defaults(out=None)   # by configuration: see default_out
    for action in ap._actions:
        if action.dest == "out":
            action.help = (f"results directory (default {FULL_OUT}, with --quick {QUICK_OUT}, and "
                           "results[/quick]/methods_<what differs> for any other configuration)")
        if action.dest == "seeds":
            action.type = _cli.int_range(2, _cli.MAX_SEEDS)   # a bootstrap interval needs two seeds
            action.help = "number of seeds, at least 2 (default 10; --quick 5)"
    ap.add_argument("--dims", type=_cli.int_list(2, MAX_DIM), default=None,
                    help=f"comma-separated dimensions from 2 to {MAX_DIM} (default {','.join(map(str, runs.DIMS))}; "
                         f"--quick {','.join(map(str, runs.QUICK_DIMS))})")
    ap.add_argument("--redraw", action="store_true",
                    help="draw every figure, also those whose data and code have not changed since they were drawn")
    a = ap.parse_args(argv)
    dims = a.dims or list(runs.QUICK_DIMS if a.quick else runs.DIMS)
    if a.out is None:
        a.out = default_out(a.quick, dims, a.seeds if a.seeds is not None else (5 if a.quick else 10))
    a = _cli.finish(ap, a)
    a.dims = dims
    full = dims == list(runs.DIMS) and a.seeds == 10 and not a.quick
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not full:  # paper_figs/: the full run's only
        if not getattr(a, "figs_default", False):
            ap.error("argument --figs: paper_figs/ holds the figures of the full default configuration; draw "
                     "this one elsewhere (leave --figs out for <out>/figs, or --no-figs)")
        a.figs = os.path.join(a.out, "figs")
    return a


def main(argv=None):
    a = parse(argv)
    dims = a.dims
    configs = runs.tasks(dims, a.seeds)
    for path in (a.out, a.figs):
        if path is not None:
            os.makedirs(path, exist_ok=True)
    t0 = time.time()
    print(f"methods: {len(configs)} runs (n in {list(dims)}; {a.seeds} seeds) on {a.backend}, results in {a.out}",
          flush=True)
    with _cli.backend_session(a):
        status = sweep.run(runs.run_one, configs, a.out, jobs=a.jobs, backend=a.backend, cost=runs.task_cost,
                           desc="methods")
    found = sweep.collect(a.out, configs)
    if found.missing:
        print(f"methods: {len(found.missing)} runs failed or are missing (see {a.out}/tasks); no summary",
              file=sys.stderr)
        return 1
    rows = [row for rec in found.records for row in rec["rows"]]
    rates_report.write_csv(os.path.join(a.out, "runs.csv"), rows, runs.RUN_COLUMNS)
    summary = runs.summarize(found.records)
    rates_report.write_csv(os.path.join(a.out, "summary.csv"), summary, runs.SUMMARY_COLUMNS)
    runs.print_table(summary)
    meta = {"experiment": "methods", "version": runs.EXPERIMENT_VERSION,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": {"dims": list(dims), "seeds": a.seeds, "quick": a.quick, "targets": list(runs.TARGETS)},
            "backend": status["backend"], "jobs": status["jobs"], "ran": status["ran"],
            "seconds": round(time.time() - t0, 1), "versions": rates_report.versions(),
            "commit": rates_report.git_commit()}
    sweep.write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=1) + "\n")
    if a.figs is not None:
        draw(found.records, summary, dims, a.figs, a.redraw)
    print(f"\n{len(configs)} runs, {status['ran']} now; {time.time() - t0:.0f} s; table: "
          f"{os.path.join(a.out, 'summary.csv')}")
    return 0


def draw(records, summary, dims, figs, redraw=False):
    """Both figures (each skipped when its data and code are those it was drawn from)."""
    from experiments import methods_figures as mf

    data = runs.curves(records)
    here = os.path.dirname(os.path.abspath(__file__))
    code = code_digest(*(os.path.join(here, f) for f in ("methods.py", "methods_runs.py", "methods_figures.py",
                                                          "_figures.py")))
    acc = [r for r in summary if r["experiment"] == "accelerated"]
    pur = [r for r in summary if r["experiment"] == "pursuit"]
    captions = {"methods_accelerated": caption_accelerated(acc), "methods_pursuit": caption_pursuit(pur, dims, records)}
    makers = {"methods_accelerated": mf.accelerated, "methods_pursuit": mf.pursuit}
    for name, make in makers.items():
        inputs = digest(code, [sorted(rows_of(records, name)), summary, list(dims)])
        if not redraw and up_to_date(figs, name, inputs):
            continue
        with style() as plt:
            fig = make(plt, data, summary, dims)
            print("figure:", save_figure(fig, figs, name, caption=captions[name], inputs=inputs)[0])


def rows_of(records, name):
    experiment_ = "accelerated" if name == "methods_accelerated" else "pursuit"
    return [(r["config"]["n"], r["config"]["method"], r["config"]["seed"], len(r["rows"]),
             r["rows"][-1]["f_gap"]) for r in records if r["config"]["experiment"] == experiment_]


def caption_accelerated(rows):
    parts = ", ".join(f"{r['measured']:.0f} at n = {r['n']} (CI {r['ci_low']:.0f}-{r['ci_high']:.0f}; "
                      f"theory {r['theory']:.0f})" for r in rows)
    return ("Nesterov & Spokoiny's accelerated random gradient-free method (forward Gaussian differences) against "
            "Nesterov's fast gradient method with exact gradients on the worst-case function problems.nesterov(n). "
            "Left: f - f* relative to the start, the random method's iterations divided by 4(n + 4) (one line per "
            "seed): they fall on FGM's curves, oscillations included. Right: the measured slowdown in iterations (crossings of 1e-1..1e-4, geometric "
            f"means over targets and seeds, 95% bootstrap interval) beside the bound's constant 4(n + 4): {parts}.")


def evaluations_per_iteration(records, method):
    """The evaluations one iteration of ``method`` cost in the pursuit runs (all runs pooled)."""
    nfev = sum(r["rows"][-1]["nfev"] for r in records if r["config"]["method"] == method)
    nit = sum(r["rows"][-1]["nit"] for r in records if r["config"]["method"] == method)
    return nfev / nit


def evaluations_to_last_target(records, method, n):
    """The median over seeds of the evaluations spent when f - f* first reached 1e-4 of f(x0) - f*
    (interpolated between checkpoints like the crossing itself)."""
    import numpy as np

    from zeroopt import fits

    spent = []
    for r in records:
        c = r["config"]
        if c["experiment"] != "pursuit" or c["method"] != method or c["n"] != n:
            continue
        k = np.array([row["nit"] for row in r["rows"]], dtype=float)
        g = np.array([row["f_gap"] for row in r["rows"]])
        kc = fits.crossings(k, g / g[0], [runs.TARGETS[-1]])[0]
        spent.append(np.interp(kc, k, [row["nfev"] for row in r["rows"]]))
    return float(np.median(spent))


def caption_pursuit(rows, dims, records):
    def ratio(method, n):
        r = next(r for r in rows if r["method"] == method and r["n"] == n)
        return f"{r['measured']:.2f}"
    rp = ", ".join(f"{ratio('random_pursuit', n)} at n = {n}" for n in dims)
    gd = ", ".join(f"{ratio('zo_gd', n)}" for n in dims)
    per_it = evaluations_per_iteration(records, "random_pursuit")
    n = max(dims)
    e_rp, e_gd = (evaluations_to_last_target(records, m, n) for m in ("random_pursuit", "zo_gd"))
    return ("Random Pursuit (exact line minimisation along a random direction, no gradient estimate) and "
            "zero-order gradient descent (two-point sphere estimate, step 1/(nL)) on the strongly convex quadratic "
            "(mu = 1, L = 10) against the bound (1 - mu/(nL))^k that both share (dashed), one line per seed. Right: the slowdown ratio, iterations to 1e-1..1e-4 of f(x0) - f* over the bound's; at most 1 "
            f"means within the bound. Random Pursuit: {rp}; zero-order GD: {gd}: both run well inside the bound. "
            f"A Random Pursuit iteration costs a line search "
            f"({per_it:.1f} evaluations on average here), a zero-order GD iteration 2: to reach 1e-4 at n = {n} "
            f"Random Pursuit spent {e_rp:,.0f} evaluations and zero-order GD {e_gd:,.0f} (medians over seeds).")


if __name__ == "__main__":
    sys.exit(main())
