"""zeroopt's methods on COCO's bbob suite, in COCO's own data format, post-processed by cocopp.

    python -m experiments.coco --quick     # dimensions 2, 3, 5, instances 1-5: QUICK_TIME
    python -m experiments.coco             # dimensions 2, 3, 5, 10, 20, instances 1-15: DEFAULT_TIME
    python -m cocopp -o results/coco/ppdata results/coco/exdata/*   # COCO's pages (the script runs it too)

Run from the repository root; needs the coco extra (pip install -e ".[coco]": coco-experiment, cocopp
and six, which cocopp imports without declaring it).

The 24 noiseless bbob functions (Hansen et al., COCO), each algorithm with a budget of 100 n evaluations
per problem (--budget), spent in independent restarts: the first run starts at COCO's initial solution,
each restart at a random point of [-5, 5]^n (a seeded draw per problem), until COCO's final target
f_opt + 1e-8 is hit or the budget left cannot pay for one iteration (a gradient estimate and a step).
zeroopt's methods stop by themselves at the budget left (max_nfev) or at their convergence test
(tol = 1e-8 on the gradient estimate); L-BFGS-B at scipy's default tolerances, or before a value or a
gradient estimate it cannot pay for. COCO's evaluation counter equals zeroopt's
nfev on every run (checked; record="none", so zeroopt makes no evaluation COCO does not count).

Algorithms (--algorithms; default gd-cfd, gd-sphere, lbfgs-ffd; the names are cocopp's labels, which it
cuts to 9 characters):
  gd-cfd      gd at the adaptive step, CoordinateFD() (central differences, 2n evaluations each)
  gd-ffd      gd at the adaptive step, CoordinateFD(scheme="forward") (forward, n + 1 evaluations)
  gd-sphere   gd at the adaptive step, TwoPoint() (two evaluations per estimate)
  lbfgs-ffd   scipy's L-BFGS-B with jac=zo.as_jac(zo.CoordinateFD(scheme="forward"), problem)
  lbfgs-cfd   the same with central differences

Output (--out, default results/coco; results/quick/coco with --quick, results[/quick]/coco_<digest> for
any other configuration):
  exdata/<algorithm>/  COCO's data of the algorithm, one subfolder per dimension (what cocopp reads)
  runs/<algorithm>.json  the configuration, and per problem the evaluations, restarts and whether the
                       final target was hit; a rerun of the same configuration reuses the algorithm's
                       data (--rerun runs it again)
  ppdata/              cocopp's pages (ppdata/index.html), rebuilt on every run (--no-postprocess: not)
COCO's observer writes a new folder on every run (it appends -0001, -0002, ... to an existing name).
Here each algorithm is written into a fresh folder under <out>/.incoming/ and, once complete, replaces
<out>/exdata/<algorithm> as a whole: a rerun never mixes two runs' data, and an interrupted run leaves
the last complete data in place. The figure (--figs; default paper_figs/ for the full default
configuration, <out>/figs otherwise) is cocopp's runtime ECDF over all functions in the largest
dimension, as PNG and PDF: coco_ecdf.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

from experiments import _cli
from experiments._registry import experiment

EXPERIMENT = experiment("coco", __spec__.name, [
    ("coco_ecdf", "-", "-", "COCO bbob: runtime ECDF of zeroopt's methods over the 24 functions (cocopp)")],
    jobs=True, redraw=True, runs_cache="runs", requires=(("cocoex", "coco"), ("cocopp", "coco"), ("six", "coco")))

#: the measured CPU times (the runs and cocopp) and what they take on 2 free cores. Measured on a shared 2-core
#: machine: --quick 28 s of CPU (173 s of wall time at a load average of 9), the default 149 s of CPU, 97 of
#: them cocopp's (1011 s of wall time at a load average near 20); again at a load average of 2: 72 s of CPU, 32 of
#: them cocopp's, 58 s of wall time
QUICK_TIME = "28 s of CPU: under a minute on 2 free cores"
DEFAULT_TIME = "72 s of CPU, 32 of them cocopp's: about a minute on 2 free cores"
__doc__ = __doc__.replace("QUICK_TIME", QUICK_TIME).replace("DEFAULT_TIME", DEFAULT_TIME)

DIMS, QUICK_DIMS = (2, 3, 5, 10, 20), (2, 3, 5)
INSTANCES, QUICK_INSTANCES = "1-15", "1-5"
FUNCTIONS = "1-24"
BUDGET = 100
TOL = 1e-8
ALGORITHMS = {
    "gd-cfd": "gd, CoordinateFD (central)",
    "gd-ffd": "gd, CoordinateFD (forward)",
    "gd-sphere": "gd, TwoPoint (sphere)",
    "lbfgs-ffd": "L-BFGS-B + as_jac(CoordinateFD forward)",
    "lbfgs-cfd": "L-BFGS-B + as_jac(CoordinateFD central)",
}
DEFAULT_ALGORITHMS = ("gd-cfd", "gd-sphere", "lbfgs-ffd")
FULL_OUT = os.path.join("results", "coco")


# --- one run of an algorithm on a COCO problem ---------------------------------------------------------
def one_iteration(name, n):
    """The evaluations of one iteration of algorithm ``name`` in dimension n (a gradient estimate, a step
    and the final value): a restart with less budget left than that could not take a step."""
    return {"gd-cfd": 2 * n + 2, "gd-ffd": n + 3, "gd-sphere": 4}.get(name, n + 2)


def run_algorithm(name, fun, x0, max_nfev, rng):
    """Run algorithm ``name`` on ``fun`` (a COCO problem) from ``x0`` with at most ``max_nfev``
    evaluations; returns the evaluations zeroopt counted (the COCO counter must move by as many)."""
    import zeroopt as zo

    if name.startswith("gd-"):
        problem = zo.Problem(fun, len(x0), jit=False, name=getattr(fun, "id", "coco"))
        oracle = {"gd-cfd": zo.CoordinateFD(), "gd-ffd": zo.CoordinateFD(scheme="forward"),
                  "gd-sphere": zo.TwoPoint()}[name]
        r = zo.minimize(problem, x0, oracle, method="gd", maxiter=max_nfev, max_nfev=max_nfev, tol=TOL, seed=rng,
                        record="none")
        return r.nfev
    from experiments._profiles_solvers import lbfgsb_as_jac

    scheme = "forward" if name == "lbfgs-ffd" else "central"
    return lbfgsb_as_jac(fun, x0, max_nfev, scheme)[1]


def run_task(name, dim, config, folder, seed):
    """Algorithm ``name`` on every bbob problem of dimension ``dim`` in ``config``, observed by COCO's
    bbob observer writing into ``exdata/<leaf>`` beside ``folder`` = <parent>/<leaf> (COCO's layout).
    Returns the per-problem records and the task's CPU seconds."""
    import cocoex

    from zeroopt.sweep import task_seed

    cpu0 = time.process_time()
    parent, leaf = os.path.split(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    here = os.getcwd()
    os.chdir(parent)   # COCO's observer writes into exdata/<result_folder> under the working directory
    try:
        cocoex.log_level("warning")
        suite = cocoex.Suite("bbob", "", f"dimensions:{dim} instance_indices:{config['instances']} "
                                         f"function_indices:{config['functions']}")
        observer = cocoex.Observer("bbob", f"result_folder: {leaf} algorithm_name: {name} "
                                           f"algorithm_info: zeroopt_{name}_budget_{config['budget']}n")
        records = []
        for problem in suite:
            problem.observe_with(observer)
            rng = np.random.default_rng(task_seed({"algorithm": name, "problem": problem.id}, seed))
            budget = config["budget"] * problem.dimension
            lb, ub = problem.lower_bounds, problem.upper_bounds
            x0, runs, errors = problem.initial_solution, 0, []
            while (budget - problem.evaluations >= one_iteration(name, problem.dimension)
                   and not problem.final_target_hit):
                if runs:
                    observer.signal_restart(problem)
                    x0 = lb + rng.random(problem.dimension) * (ub - lb)
                before = problem.evaluations
                try:
                    counted = run_algorithm(name, problem, x0, budget - before, rng)
                except FloatingPointError as exc:   # a non-finite value ends this run only
                    counted, errors = None, errors + [str(exc)[:200]]
                spent = problem.evaluations - before
                if counted is not None and counted != spent:
                    raise RuntimeError(f"{problem.id}: COCO counted {spent} evaluations, zeroopt {counted}")
                runs += 1
                if spent == 0:
                    break
            records.append({"problem": problem.id, "evaluations": int(problem.evaluations), "runs": runs,
                            "target_hit": bool(problem.final_target_hit), "errors": errors})
            problem.free()
        written = os.path.join(parent, observer.result_folder)
    finally:
        os.chdir(here)
    expected = os.path.join(parent, "exdata", leaf)
    if os.path.realpath(written) != os.path.realpath(expected):
        raise RuntimeError(f"COCO wrote into {written}, not {expected}")
    return records, time.process_time() - cpu0


# --- the command line ----------------------------------------------------------------------------------
def build_parser():
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs=True, out=FULL_OUT, figs=True,
                    quick=f"dimensions {','.join(map(str, QUICK_DIMS))} and instances {QUICK_INSTANCES} ({QUICK_TIME})")
    ap.set_defaults(out=None)
    for action in ap._actions:
        if action.dest == "out":
            action.help = (f"results directory (default {FULL_OUT}, with --quick results/quick/coco, and "
                           "results[/quick]/coco_<digest> for any other configuration)")
    ap.add_argument("--algorithms", type=_cli.choice_list(list(ALGORITHMS)), default=None,
                    help=f"comma-separated algorithms (default {','.join(DEFAULT_ALGORITHMS)}; choose from "
                         f"{','.join(ALGORITHMS)})")
    ap.add_argument("--dims", type=_cli.int_list(2, 40), default=None,
                    help=f"comma-separated dimensions of bbob (2, 3, 5, 10, 20, 40; default "
                         f"{','.join(map(str, DIMS))}; --quick {','.join(map(str, QUICK_DIMS))})")
    ap.add_argument("--instances", type=_range("instances", 1, 15), default=None,
                    help=f"instance indices, a range such as 1-15 or a list (default {INSTANCES}; --quick {QUICK_INSTANCES})")
    ap.add_argument("--functions", type=_range("functions", 1, 24), default=FUNCTIONS,
                    help=f"function indices, a range or a list (default {FUNCTIONS})")
    ap.add_argument("--budget", type=_cli.int_range(1, 10**6), default=BUDGET,
                    help=f"evaluations per problem, in units of n (default {BUDGET})")
    ap.add_argument("--seed", type=_cli.int_range(0, 2**31 - 1), default=0,
                    help="the base seed of the restarts' start points and the random estimators (default 0)")
    ap.add_argument("--rerun", action="store_true", help="run every algorithm again, also where its data is complete")
    ap.add_argument("--postprocess", action=argparse.BooleanOptionalAction, default=True,
                    help="run cocopp into <out>/ppdata (default on; needed for the figure)")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar (default: on a terminal)")
    ap.add_argument("--redraw", action="store_true", help="copy the figure again, also if its data did not change")
    return ap


def _range(what, low, high):
    """A ``type=`` for COCO's index lists: "1-15", "1,3,5" or "2-4,7", each in [low, high]."""
    def convert(text):
        values = []
        for part in text.split(","):
            part = part.strip()
            try:
                a, _, b = part.partition("-")
                lo, hi = int(a), int(b) if b else int(a)
            except ValueError:
                raise argparse.ArgumentTypeError(f"expected {what} such as 1-15 or 1,3,5, got {text!r}") from None
            if not low <= lo <= hi <= high:
                raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {part!r}")
            values.extend(range(lo, hi + 1))
        if len(set(values)) != len(values):
            raise argparse.ArgumentTypeError(f"an index is repeated in {text!r}")
        return ",".join(map(str, values))
    convert.__name__ = what
    return convert


def ranges(text):
    """"1,2,3,5" -> "1-3,5".

    Examples
    --------
    >>> ranges("1,2,3,5")
    '1-3,5'
    """
    values, out = [int(v) for v in text.split(",")], []
    start = prev = values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(f"{start}-{prev}" if prev > start else f"{start}")
        if v is not None:
            start = prev = v
    return ",".join(out)


def parse(argv=None):
    ap = build_parser()
    a = ap.parse_args(argv)
    a.algorithms = [x for x in ALGORITHMS if x in (a.algorithms or DEFAULT_ALGORITHMS)]
    a.dims = sorted(a.dims or (QUICK_DIMS if a.quick else DIMS))
    bad = [d for d in a.dims if d not in (2, 3, 5, 10, 20, 40)]
    if bad:
        ap.error(f"argument --dims: bbob has the dimensions 2, 3, 5, 10, 20 and 40, got {bad[0]}")
    a.instances = a.instances or _range("instances", 1, 15)(QUICK_INSTANCES if a.quick else INSTANCES)
    full = _range("functions", 1, 24)(FUNCTIONS)
    a.is_default = (a.algorithms == list(DEFAULT_ALGORITHMS) and a.dims == list(QUICK_DIMS if a.quick else DIMS)
                    and a.instances == _range("instances", 1, 15)(QUICK_INSTANCES if a.quick else INSTANCES)
                    and a.functions == full and a.budget == BUDGET and a.seed == 0)
    if a.out is None:
        base = os.path.join("results", "quick") if a.quick else "results"
        text = json.dumps([a.algorithms, a.dims, a.instances, a.functions, a.budget, a.seed])
        a.out = os.path.join(base, "coco" if a.is_default else "coco_" + hashlib.sha1(text.encode()).hexdigest()[:10])
    a = _cli.finish(ap, a)
    if a.figs is not None and _cli.is_committed_figs(a.figs) and not (a.is_default and not a.quick):
        if not getattr(a, "figs_default", False):
            ap.error("argument --figs: paper_figs/ holds the figure of the full default configuration; draw "
                     "this one elsewhere (leave --figs out for <out>/figs, or --no-figs)")
        a.figs = os.path.join(a.out, "figs")
    import importlib.util

    missing = [m for m in ("cocoex", "cocopp", "six") if importlib.util.find_spec(m) is None]
    if missing:
        ap.error(f"COCO needs {', '.join(missing)}: pip install -e '.[coco]'")
    return ap, a


def run_algorithm_data(name, a, config, progress):
    """Run algorithm ``name`` on every dimension (one task each, --jobs in parallel) into a fresh folder,
    then put it in place of <out>/exdata/<name>; returns the records."""
    import joblib

    incoming = os.path.join(a.out, ".incoming")
    staging = os.path.join(incoming, "exdata", name)
    if os.path.isdir(staging):
        shutil.rmtree(staging)   # what an interrupted run left
    tasks = sorted(a.dims, reverse=True)   # the largest first: the longest tasks start first
    parallel = joblib.Parallel(n_jobs=min(a.jobs, len(tasks)), return_as="generator")
    results = {}
    it = parallel(joblib.delayed(run_task)(name, d, config, os.path.join(staging, f"d{d:02d}"), a.seed)
                  for d in tasks)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=sum(tasks), desc=f"coco {name}", unit="dim")
    cpu = 0.0
    for d, (records, seconds) in zip(tasks, it):
        results[d] = records
        cpu += seconds
        if bar is not None:
            bar.update(d)
    if bar is not None:
        bar.close()
    # COCO wrote <staging>/exdata/d02, ...: move each to <out>/.incoming/complete/<name>/d02
    final_new = os.path.join(incoming, "complete", name)
    if os.path.isdir(final_new):
        shutil.rmtree(final_new)
    os.makedirs(final_new)
    for d in tasks:
        os.rename(os.path.join(staging, "exdata", f"d{d:02d}"), os.path.join(final_new, f"d{d:02d}"))
    shutil.rmtree(staging)
    target = os.path.join(a.out, "exdata", name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    old = target + ".old"
    if os.path.isdir(old):
        shutil.rmtree(old)
    if os.path.isdir(target):
        os.rename(target, old)
    os.rename(final_new, target)
    if os.path.isdir(old):
        shutil.rmtree(old)
    return [r for d in sorted(results) for r in results[d]], cpu


#: cocopp, run in its own process: its runtime-ECDF pages only (--rld-only, no per-function ECDFs), in its
#: default hurried mode (figures at 60 dpi, a small bootstrap sample), except the ECDFs over all functions,
#: saved as PNG at 200 dpi (cocopp's non-hurried 300 dpi for every figure costs 4 times the time)
_COCOPP = """
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import cocopp
_savefig = plt.savefig
def savefig(fname, *args, **kwargs):
    if str(fname).endswith("_noiselessall.png"):
        kwargs["dpi"] = 200
    return _savefig(fname, *args, **kwargs)
plt.savefig = savefig
cocopp.genericsettings.figure_file_formats = ["png", "pdf"]
cocopp.main(["--no-interactive", "--rld-only", "--no-rld-single-fcts", "-o", sys.argv[1]] + sys.argv[2:])
"""


def postprocess(a, names):
    """cocopp on the algorithms' folders into <out>/ppdata (rebuilt): its runtime ECDFs (:data:`_COCOPP`)."""
    ppdata = os.path.join(a.out, "ppdata")
    if os.path.isdir(ppdata):
        shutil.rmtree(ppdata)
    folders = [os.path.join(a.out, "exdata", n) for n in names]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _COCOPP, ppdata, *folders], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cocopp failed:\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ppdata, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def ecdf_figure(ppdata, dim):
    """The path (without extension) of cocopp's ECDF over all functions in dimension ``dim``."""
    for root, _, files in os.walk(ppdata):
        for f in files:
            if f == f"pprldmany_{dim:02d}D_noiselessall.png":
                return os.path.join(root, f[:-4])
    return None


def summary(records_by_alg):
    """Per algorithm and dimension: problems, the fraction whose final target (1e-8) was hit, restarts."""
    rows = []
    for name, records in records_by_alg.items():
        for d in sorted({int(r["problem"].rsplit("_d", 1)[1]) for r in records}):
            rs = [r for r in records if r["problem"].endswith(f"_d{d:02d}")]
            rows.append({"algorithm": name, "dim": d, "problems": len(rs),
                         "final_target_hit": sum(r["target_hit"] for r in rs) / len(rs),
                         "mean_runs": float(np.mean([r["runs"] for r in rs])),
                         "errors": sum(len(r["errors"]) for r in rs)})
    return rows


def main(argv=None):
    ap, a = parse(argv)
    from experiments._figures import digest, file_hash, record_drawn, up_to_date
    from experiments.rates_report import git_commit, versions
    from zeroopt.taskfiles import write_atomic

    _cli.make_dirs(ap, a)
    config = {"dims": a.dims, "instances": a.instances, "functions": a.functions, "budget": a.budget,
              "seed": a.seed, "tol": TOL}
    progress = sys.stderr.isatty() if a.progress is None else a.progress
    n_problems = len(a.dims) * len(a.instances.split(",")) * len(a.functions.split(","))
    print(f"coco: {len(a.algorithms)} algorithms ({', '.join(a.algorithms)}) on {n_problems} bbob problems "
          f"(dimensions {a.dims}, instances {ranges(a.instances)}), budget {a.budget} n; results in {a.out}",
          flush=True)
    t0, records, ran, cpu_seconds = time.time(), {}, [], {}
    os.makedirs(os.path.join(a.out, "runs"), exist_ok=True)
    for name in a.algorithms:
        manifest = os.path.join(a.out, "runs", f"{name}.json")
        old = None
        try:
            with open(manifest) as fh:
                old = json.load(fh)
        except (OSError, ValueError):
            pass
        if (not a.rerun and old is not None and old.get("config") == config
                and os.path.isdir(os.path.join(a.out, "exdata", name))):
            print(f"{name}: reusing its data in {os.path.join(a.out, 'exdata', name)} (--rerun runs it again)")
            records[name] = old["problems"]
            continue
        t1 = time.time()
        records[name], cpu = run_algorithm_data(name, a, config, progress)
        seconds = time.time() - t1
        cpu_seconds[name] = cpu
        write_atomic(manifest, json.dumps({"algorithm": name, "config": config, "seconds": seconds,
                                           "cpu_seconds": cpu, "problems": records[name]}))
        ran.append(name)
        hit = np.mean([r["target_hit"] for r in records[name]])
        print(f"{name}: {seconds:.0f} s ({cpu:.0f} s of CPU); final target hit on {hit:.0%} of the problems",
              flush=True)
    shutil.rmtree(os.path.join(a.out, ".incoming"), ignore_errors=True)
    rows = summary(records)
    print(f"\n{'algorithm':20s} {'dim':>4s} {'problems':>9s} {'target 1e-8 hit':>16s} {'runs/problem':>13s}")
    for r in rows:
        print(f"{r['algorithm']:20s} {r['dim']:4d} {r['problems']:9d} {r['final_target_hit']:16.2f} {r['mean_runs']:13.1f}")
    written = []
    if a.postprocess:
        t1 = time.time()
        ppdata, cpu_seconds["cocopp"] = postprocess(a, a.algorithms)
        print(f"cocopp: {time.time() - t1:.0f} s ({cpu_seconds['cocopp']:.0f} s of CPU); pages in "
              f"{os.path.join(ppdata, 'index.html')}")
        src = ecdf_figure(ppdata, max(a.dims))
        if src is None:
            print("note: no figure: cocopp draws the ECDF over all functions when it compares two algorithms or more")
        if a.figs and src is not None:
            inputs = digest(file_hash(src + ".png"), a.algorithms, config)
            if a.redraw or not up_to_date(a.figs, "coco_ecdf", inputs):
                paths = []
                for ext in ("png", "pdf"):
                    paths.append(os.path.join(a.figs, f"coco_ecdf.{ext}"))
                    shutil.copyfile(f"{src}.{ext}", paths[-1])
                at_budget = {k: reached_at_budget(os.path.join(a.out, "exdata", k), max(a.dims), a.budget)
                             for k in a.algorithms}
                caption = ecdf_caption(rows, a, max(a.dims), at_budget)
                paths.append(os.path.join(a.figs, "coco_ecdf.txt"))
                write_atomic(paths[-1], caption + "\n")
                record_drawn(a.figs, "coco_ecdf", inputs, paths)
                written.extend(paths[:2])
    meta = {"experiment": "coco", "date": datetime.datetime.now().isoformat(timespec="seconds"), "config": config,
            "algorithms": a.algorithms, "ran": ran, "jobs": a.jobs, "wall_seconds": time.time() - t0,
            "cpu_seconds": cpu_seconds,
            "summary": rows, "versions": versions() | _coco_versions(), "git_commit": git_commit(),
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}}
    write_atomic(os.path.join(a.out, "meta.json"), json.dumps(meta, indent=2))
    print(f"\n{len(ran)} algorithm(s) run now, {len(a.algorithms) - len(ran)} reused; {time.time() - t0:.0f} s in all "
          f"({sum(cpu_seconds.values()):.0f} s of CPU in the runs and cocopp)")
    print(f"COCO data: {os.path.join(a.out, 'exdata')}/   meta: {os.path.join(a.out, 'meta.json')}")
    if written:
        print(f"figures: {', '.join(p for p in written if p.endswith('.png'))}")
    return 0


#: bbob's function groups, as cocopp names them
GROUPS = {"separ": range(1, 6), "lcond": range(6, 10), "hcond": range(10, 15), "multi": range(15, 20),
          "mult2": range(20, 25)}
#: cocopp's 51 targets, f_opt + 10^2 ... f_opt + 10^-8
TARGETS = tuple(10.0 ** np.linspace(2, -8, 51))


def reached_at_budget(folder, dim, budget):
    """The ECDF's value at the budget, read from COCO's data through cocopp's reader: the fraction of
    (function, target, instance) triples reached within ``budget * dim`` evaluations, over all functions
    and per group of GROUPS (cocopp's curve at the budget; past it, cocopp adds simulated restarts)."""
    import contextlib
    import io
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        from cocopp import pproc

        datasets = [ds for ds in pproc.DataSetList(folder) if ds.dim == dim]
    counts = {}
    for ds in datasets:
        group = next(g for g, fs in GROUPS.items() if ds.funcId in fs)
        for evals in ds.detEvals(list(TARGETS)):
            e = np.asarray(evals, dtype=float)
            hit = int(np.sum(np.isfinite(e) & (e <= budget * dim)))
            for key in (group, "all"):
                done, total = counts.get(key, (0, 0))
                counts[key] = (done + hit, total + e.size)
    return {k: done / total for k, (done, total) in counts.items()}


def ecdf_caption(rows, a, dim, at_budget):
    """The ECDF figure's caption: what is drawn, and the values at the budget from the data."""
    hits = {r["algorithm"]: r["final_target_hit"] for r in rows if r["dim"] == dim}
    order = sorted(at_budget, key=lambda k: -at_budget[k]["all"])
    text = (f"COCO bbob, {dim}-D, the 24 noiseless functions, instances {ranges(a.instances)}, budget {a.budget} n in "
            f"independent restarts: cocopp's runtime ECDF, the fraction of (function, target) pairs reached "
            f"(51 targets from 1e2 to 1e-8 above f_opt, averaged over instances) against log10 of evaluations / n; "
            f"the cross marks the budget, past which cocopp extends the runs by simulated restarts; the pale "
            f"line is the best algorithm of BBOB 2009. At the budget: "
            + ", ".join(f"{ALGORITHMS[k]} {at_budget[k]['all']:.0%}" for k in order)
            + "; the final target 1e-8 is hit on " + ", ".join(f"{hits[k]:.0%}" for k in order)
            + " of the problems.")
    best, grad = order[0], [k for k in order if k.startswith("gd-")]
    if best.startswith("lbfgs") and grad:
        g = grad[0]
        cond = {k: (at_budget[k].get("lcond", 0), at_budget[k].get("hcond", 0)) for k in (best, g)}
        if min(cond[best]) > max(cond[g]):
            text += (f" L-BFGS-B gains on the ill-conditioned functions f6-f14 ({cond[best][0]:.0%} and "
                     f"{cond[best][1]:.0%} of the pairs at moderate and high conditioning, against "
                     f"{cond[g][0]:.0%} and {cond[g][1]:.0%} for {ALGORITHMS[g]}), where gd's step is bound by "
                     f"the largest curvature.")
    return text


def _coco_versions():
    import importlib.metadata as md

    out = {}
    for pkg in ("coco-experiment", "cocopp"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


if __name__ == "__main__":
    sys.exit(main())
