"""Data and performance profiles of zeroopt's methods and reference solvers on the Moré–Wild set, by OptiProfiler.

    python -m experiments.profiles --quick     # 16 problems (n <= 4), 6 solvers, 3 runs: QUICK_TIME
    python -m experiments.profiles             # 53 problems, all 23 solvers, plain, 5 runs: DEFAULT_TIME
    python -m experiments.profiles --features plain,noisy --solvers gd-ffd,gd-sphere,newuoa
    python -m experiments.profiles --list      # the solvers, what each runs, and which are installed

Run from the repository root; needs the profiles extra (pip install -e ".[profiles]": OptiProfiler and
nlopt; scipy >= 1.14 for COBYQA).

OptiProfiler (the benchmarking package of Huang, Ragonneau & Zhang, BSD-3) runs every solver on the 53
problems of Moré & Wild (2009), plugged in through its custom problem-library hook
(experiments/_profiles_problems.py), and computes the profiles with Moré & Wild's convergence test: a run solves a problem at tolerance tau
once f(x) <= f_L + tau (f(x0) - f_L), f_L the least value any solver reached on that problem (in that
run). Each solver gets 100 (n + 1) evaluations, 100 simplex gradients (OptiProfiler's cap,
max_eval_factor = 150 times n, is never reached). The data profile of a solver is the fraction of
problems it solves within k simplex gradients; its performance profile the fraction it solves within r
times the evaluations of the fastest solver on each problem. Randomized solvers (random estimators, and
every solver under a random feature) run n_runs times (--runs), each run with its own seed derived from
the solver's and the problem's names and the run's number, and with its own f_L; the curves are the
mean over runs with their min-max band, OptiProfiler's convention.

--features, each a separate benchmark (the time grows with them; noisy features run every solver
--runs times: noisy costs about NOISY_FACTOR times plain); the default is plain:
  plain     the smooth problems, f = sum F_i^2
  noisy     OptiProfiler's noisy feature on them: f + max(1, |f|) 1e-3 N(0, 1), fresh at every evaluation
  noisy3    Moré & Wild's noisy3: sum (F_i (1 + u_i))^2, u_i ~ U[-1e-3, 1e-3], fresh at every evaluation
  wild3     Moré & Wild's wild3: (1 + 1e-3 phi(x)) sum F_i^2, deterministic noise
  noisy-rel-1e-8, noisy-rel-1e-6, noisy-rel-1e-4
            OptiProfiler's noisy feature with relative noise: f (1 + sigma N(0, 1)), sigma = 1e-8, 1e-6,
            1e-4; with --solvers lbfgs-ffd-auto,lbfgs-cfd-auto,lbfgsb-scipy,newuoa,bobyqa,cobyqa the
            comparison of issue 19 (the -auto solvers are in no default selection)
  nondiff   Moré & Wild's nondiff: sum |F_i|

Each configuration has its own folder (--out): results/profiles/ for the full default configuration,
results/quick/profiles/ for --quick, results[/quick]/profiles_<digest>/ for any other. In it:
  runs/<feature>.json  OptiProfiler's curves (every tolerance, every run and the mean), scores and
                       times; a rerun of the same configuration reuses it (--rerun runs it again)
  solved.csv           per feature, solver and tau: the fraction of problems solved within 10, 50
                       and 100 simplex gradients (mean over runs, and the runs' min and max)
  meta.json            the configuration, versions, machine and times
  optiprofiler/        with --archive: OptiProfiler's own output (its PDF profiles, data and report);
                       --history-plots adds its per-problem history plots (hundreds of files)
Figures (--figs; default paper_figs/ for the full default configuration, <out>/figs otherwise), per
feature, as PNG and PDF: profiles_<feature>_<group>_data and _perf at tau = 1e-1, 1e-3, 1e-5 and 1e-7,
the groups being gd with each estimator (estimators), zeroopt's other methods with gd's forward-FD run
(methods), and the reference solvers with zeroopt's finite-difference methods (references). A figure
whose data and code have not changed is not drawn again (--redraw: draw all).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import io
import json
import os
import platform
import sys
import time

from experiments import _cli
from experiments import _profiles_solvers as solvers_mod
from experiments._profiles_figures import GROUP_TITLES, GROUPS
from experiments._profiles_run import FEATURES
from experiments._registry import experiment

#: the features of the default run, whose figures are the committed ones
DEFAULT_FEATURES = ("plain",)
EXPERIMENT = experiment("profiles", __spec__.name, [
    (f"profiles_{f}_{g}_{k}", "-", "-", f"Moré–Wild set{'' if f == 'plain' else ' with noise'}, "
     f"{'data' if k == 'data' else 'performance'} profiles: {GROUP_TITLES[g]}")
    for f in DEFAULT_FEATURES for g in GROUPS for k in ("data", "perf")], jobs=True, redraw=True,
    runs_cache="runs", requires=(("optiprofiler", "profiles"),))

#: the measured CPU times and what they take on 2 free cores (the docstring and --help say the same). Measured
#: on a shared 2-core machine: --quick 17 s of CPU (108 s of wall time at a load average of 9), the default
#: 325 s of CPU (1664 s of wall time at a load average near 20); again at a load average of 2: 252 s of CPU, 148 s of
#: wall time
QUICK_TIME = "17 s of CPU: under a minute on 2 free cores"
DEFAULT_TIME = "252 s of CPU: about 2.5 minutes on 2 free cores"
#: the CPU time of the noisy feature over the plain one's, from the per-solver CPU seconds of the default
#: plain run (every solver runs --runs times under noise, only the randomized ones without)
NOISY_FACTOR = "three"
__doc__ = (__doc__.replace("QUICK_TIME", QUICK_TIME).replace("DEFAULT_TIME", DEFAULT_TIME)
           .replace("NOISY_FACTOR", NOISY_FACTOR))

FULL_OUT = os.path.join("results", "profiles")
QUICK_OUT = os.path.join("results", "quick", "profiles")
DEFAULT_RUNS = 5
QUICK_RUNS = 3
QUICK_MAXDIM = 4
QUICK_SOLVERS = ("gd-ffd", "gd-sphere", "lbfgs-ffd", "nelder-mead", "cobyqa", "newuoa")
#: the data profiles are read at these budgets (simplex gradients)
BUDGETS = (10, 50, 100)
#: the tolerances drawn (indices into OptiProfiler's 1e-1, ..., 1e-7)
DRAWN = (1e-1, 1e-3, 1e-5, 1e-7)


def build_parser():
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs="parallel jobs: OptiProfiler's worker processes, one problem each (default 2)",
                    out=FULL_OUT, figs=True,
                    quick=f"the {QUICK_MAXDIM}-dimensional and smaller problems (16), solvers "
                          f"{','.join(QUICK_SOLVERS)}, {QUICK_RUNS} runs ({QUICK_TIME})")
    ap.set_defaults(out=None)
    for action in ap._actions:
        if action.dest == "out":
            action.help = (f"results directory (default {FULL_OUT}, with --quick {QUICK_OUT}, and "
                           "results[/quick]/profiles_<digest> for any other configuration)")
    ap.add_argument("--features", type=_cli.choice_list(list(FEATURES)), default=None,
                    help=f"comma-separated features, each its own benchmark (default {','.join(DEFAULT_FEATURES)}, "
                         f"also with --quick; "
                         f"choose from {','.join(FEATURES)}; the time grows with each, noisy ones run every "
                         f"solver --runs times: noisy costs about {NOISY_FACTOR} times plain)")
    ap.add_argument("--solvers", type=_cli.choice_list(list(solvers_mod.SOLVERS)), default=None,
                    help=f"comma-separated solvers (default all {len(solvers_mod.DEFAULT)}: "
                         f"{','.join(solvers_mod.DEFAULT)}; the time depends on them, COBYLA and COBYQA being slow "
                         "Python; --list says what each runs)")
    ap.add_argument("--problems", type=rows_list, default=None,
                    help="rows of the Moré–Wild set to run, a list or ranges such as 7,13,15 or 1-6 (default all 53; "
                         f"--quick the {QUICK_MAXDIM}-dimensional and smaller)")
    ap.add_argument("--runs", type=_cli.int_range(1, 100), default=None,
                    help=f"n_runs: runs of each randomized solver, and of every solver under a noisy feature "
                         f"(default {DEFAULT_RUNS}, OptiProfiler's; --quick {QUICK_RUNS})")
    ap.add_argument("--seed", type=_cli.int_range(0, 2**31 - 1), default=0,
                    help="the base seed of the runs' seeds and of OptiProfiler's features (default 0)")
    ap.add_argument("--rerun", action="store_true", help="run the benchmarks again, also where runs/ holds them")
    ap.add_argument("--archive", action="store_true",
                    help="keep OptiProfiler's own output under <out>/optiprofiler/ (its PDF profiles, data, report)")
    ap.add_argument("--history-plots", action="store_true",
                    help="also OptiProfiler's per-problem history plots (implies --archive; hundreds of files)")
    ap.add_argument("--list", action="store_true", help="list the solvers and exit")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar with an ETA (default: on a terminal)")
    ap.add_argument("--redraw", action="store_true",
                    help="draw every figure, also those whose data and code have not changed since they were drawn")
    return ap


def rows_list(text):
    """A ``type=`` for rows of the Moré–Wild set: "7,13,15", "1-6" or "1-6,20", each from 1 to 53, none
    repeated; returns the sorted rows."""
    rows = []
    for part in text.split(","):
        a, _, b = part.strip().partition("-")
        try:
            lo, hi = int(a), int(b) if b else int(a)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected rows such as 7,13,15 or 1-6, got {text!r}") from None
        if not 1 <= lo <= hi <= 53:
            raise argparse.ArgumentTypeError(f"expected rows from 1 to 53, got {part.strip()!r}")
        rows.extend(range(lo, hi + 1))
    if len(set(rows)) != len(rows):
        raise argparse.ArgumentTypeError(f"a row is repeated in {text!r}")
    return sorted(rows)


def configuration(a):
    """The run's configuration: what its results depend on (the folder name and the cache key)."""
    from zeroopt.problems import more_wild_table

    problems = [r.name for r in more_wild_table()
                if (r.row in a.problems if a.problems else (not a.quick or r.n <= QUICK_MAXDIM))]
    return {"features": list(a.features), "solvers": list(a.solvers), "runs": a.runs, "seed": a.seed,
            "problems": problems, "budget_simplex": solvers_mod.BUDGET_SIMPLEX,
            "max_eval_factor": solvers_mod.MAX_EVAL_FACTOR}


def default_out(a):
    """results/profiles (the full default configuration), results/quick/profiles (--quick), and
    results[/quick]/profiles_<digest of the configuration> otherwise."""
    base = os.path.join("results", "quick") if a.quick else "results"
    if a.is_default:
        return os.path.join(base, "profiles")
    text = json.dumps([a.features, a.solvers, a.runs, a.seed, a.problems])
    return os.path.join(base, "profiles_" + hashlib.sha1(text.encode()).hexdigest()[:10])


def parse(argv=None):
    """The command line, checked, with the defaults that depend on --quick; a bad option exits with
    status 2 and the usage line. Returns (parser, args)."""
    ap = build_parser()
    a = ap.parse_args(argv)
    a.history_plots = bool(a.history_plots)
    a.archive = a.archive or a.history_plots
    if a.list:
        return ap, a
    given_solvers = a.solvers is not None
    a.features = [f for f in FEATURES if f in (a.features or (["plain"] if a.quick else DEFAULT_FEATURES))]
    a.solvers = list(a.solvers or (QUICK_SOLVERS if a.quick else solvers_mod.DEFAULT))
    a.runs = a.runs if a.runs is not None else (QUICK_RUNS if a.quick else DEFAULT_RUNS)
    missing = [s for s in a.solvers if not solvers_mod.SOLVERS[s].available()]
    if missing and given_solvers:
        need = sorted({m for s in missing for m in solvers_mod.SOLVERS[s].requires})
        ap.error(f"argument --solvers: {', '.join(missing)} need(s) {', '.join(need)} (pip install -e '.[profiles]')")
    a.skipped = missing
    a.solvers = [s for s in a.solvers if s not in missing]
    if len(a.solvers) < 2:
        ap.error("argument --solvers: profiles compare solvers: give at least two")
    a.is_default = (a.features == (["plain"] if a.quick else list(DEFAULT_FEATURES)) and a.solvers == list(QUICK_SOLVERS if a.quick else
                                                                            solvers_mod.DEFAULT)
                    and a.runs == (QUICK_RUNS if a.quick else DEFAULT_RUNS) and a.seed == 0 and a.problems is None)
    if a.out is None:
        a.out = default_out(a)
    a = _cli.finish(ap, a)
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not (a.is_default and not a.quick):
        if not getattr(a, "figs_default", False):
            ap.error("argument --figs: paper_figs/ holds the figures of the full default configuration; draw "
                     "this one elsewhere (leave --figs out for <out>/figs, or --no-figs)")
        a.figs = os.path.join(a.out, "figs")
    if importlib_missing("optiprofiler"):
        ap.error("the profiles need OptiProfiler: pip install -e '.[profiles]'")
    return ap, a


def importlib_missing(module):
    import importlib.util

    return importlib.util.find_spec(module) is None


def list_solvers():
    out = io.StringIO()
    for s in solvers_mod.SOLVERS.values():
        mark = "*" if s.name in solvers_mod.DEFAULT else " "
        avail = "" if s.available() else f"  [needs {', '.join(s.requires)}: not installed]"
        out.write(f"{mark} {s.name:18s} {s.family:9s} {'random' if s.randomized else '      '}  {s.what}{avail}\n")
    out.write("(* the default selection)\n")
    return out.getvalue()


def _cached(path, config, feature):
    """The stored record of ``feature`` if it was computed for the same configuration, else None."""
    try:
        with open(path) as fh:
            rec = json.load(fh)
    except (OSError, ValueError):
        return None
    want = {k: v for k, v in config.items() if k != "features"} | {"feature": feature}
    return rec if rec.get("config") == want else None


def solved_rows(records):
    """The rows of solved.csv: per feature, solver and tau, the fraction solved within each budget of
    BUDGETS simplex gradients (mean over runs, min and max over runs)."""
    from experiments._profiles_run import fraction_solved

    rows = []
    for rec in records:
        for i_tol, tol in enumerate(rec["tolerances"]):
            curves = rec["curves"]["data"][i_tol]
            for s, name in enumerate(rec["solvers"]):
                row = {"feature": rec["feature"], "solver": name, "tau": tol, "runs": rec["n_runs"]}
                for b in BUDGETS:
                    if curves is None:
                        mean = low = high = 0.0
                    else:
                        c = curves[s]
                        per_run = [fraction_solved(c["x"], y, b) for y in c["runs"]]
                        mean, low, high = fraction_solved(c["x"], c["mean"], b), min(per_run), max(per_run)
                    row |= {f"solved_{b}": round(mean, 6), f"min_{b}": round(low, 6), f"max_{b}": round(high, 6)}
                rows.append(row)
    return rows


def print_table(rows, records):
    """Each solver's fraction solved at each drawn tau, within 10 / 50 / 100 simplex gradients."""
    for rec in records:
        print(f"\nfeature {rec['feature']} ({len(rec['problems'])} problems; randomized solvers: mean of "
              f"{rec['n_runs']} runs): fraction solved within {' / '.join(map(str, BUDGETS))} simplex gradients")
        head = f"{'solver':20s}" + "".join(f"  tau={t:.0e}".ljust(18) for t in DRAWN)
        print(head)
        for name in rec["solvers"]:
            cells = []
            for t in DRAWN:
                r = next(r for r in rows if r["feature"] == rec["feature"] and r["solver"] == name
                         and abs(r["tau"] - t) <= 1e-3 * t)
                cells.append("/".join(f"{r[f'solved_{b}']:.2f}" for b in BUDGETS).ljust(18))
            print(f"{name:20s}  " + "".join(cells))


def write_csv(path, rows):
    from zeroopt.taskfiles import write_atomic

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    write_atomic(path, buf.getvalue())


def versions():
    import importlib.metadata as md

    from experiments.rates_report import versions as base

    v = base()
    for pkg in ("optiprofiler", "nlopt"):
        try:
            v[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            v[pkg] = None
    return v


def main(argv=None):
    ap, a = parse(argv)
    if a.list:
        print(list_solvers(), end="")
        return 0
    from experiments import _profiles_run as prun
    from experiments.rates_report import git_commit
    from zeroopt.taskfiles import write_atomic

    _cli.make_dirs(ap, a)
    if a.skipped:
        print(f"note: skipped {', '.join(a.skipped)} (not installed: pip install -e '.[profiles]')", file=sys.stderr)
    config = configuration(a)
    progress = sys.stderr.isatty() if a.progress is None else a.progress
    t0, records, ran = time.time(), [], []
    print(f"profiles: {len(config['problems'])} Moré–Wild problems, {len(a.solvers)} solvers "
          f"({', '.join(a.solvers)}), features {', '.join(a.features)}, {a.runs} runs of randomized solvers; "
          f"results in {a.out}", flush=True)
    os.makedirs(os.path.join(a.out, "runs"), exist_ok=True)
    for feature in a.features:
        path = os.path.join(a.out, "runs", f"{feature}.json")
        rec = None if (a.rerun or a.archive) else _cached(path, config, feature)
        if rec is not None:
            print(f"{feature}: reusing {path} (computed in {rec['seconds']:.0f} s; --rerun runs it again)")
        else:
            archive = os.path.join(a.out, "optiprofiler", feature) if a.archive else None
            rec = prun.run_feature(feature, a.solvers, config["problems"], a.runs, a.seed, a.jobs,
                                   os.path.join(a.out, "runs"), progress=progress, archive=archive,
                                   history_plots=a.history_plots)
            rec["config"] = {k: v for k, v in config.items() if k != "features"} | {"feature": feature}
            write_atomic(path, json.dumps(rec))
            ran.append(feature)
            print(f"{feature}: {rec['seconds']:.0f} s ({rec['cpu_seconds']:.0f} s of CPU, {a.jobs} job(s))", flush=True)
        records.append(rec)
    rows = solved_rows(records)
    write_csv(os.path.join(a.out, "solved.csv"), rows)
    print_table(rows, records)
    written, kept = [], []
    if a.figs:
        from experiments._profiles_figures import figures

        written, kept = figures(records, a.figs, redraw=a.redraw)
    wall = time.time() - t0
    meta = {"experiment": "profiles", "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "config": config, "jobs": a.jobs, "ran": ran, "skipped_solvers": a.skipped,
            "seconds": {r["feature"]: r["seconds"] for r in records},
            "cpu_seconds": {r["feature"]: r["cpu_seconds"] for r in records}, "wall_seconds": wall,
            "versions": versions(), "git_commit": git_commit(),
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}}
    write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=2))
    computed = sum(r["seconds"] for r in records if r["feature"] in ran)
    print(f"\n{len(ran)} benchmark(s) run now ({computed:.0f} s), {len(records) - len(ran)} reused; "
          f"{wall:.0f} s in all")
    print(f"table: {os.path.join(a.out, 'solved.csv')}   meta: {os.path.join(a.out, 'meta.json')}")
    _cli.report_figures(written, kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
