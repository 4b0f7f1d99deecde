"""Regenerate every paper figure: the lecture figures (paper_figs/l0*.py) and the experiment scripts.

    python paper_figs/make_all.py                  # every figure into paper_figs/, and the index README.md
    python paper_figs/make_all.py --quick          # small versions into results/quick/figs (never paper_figs/)
    python paper_figs/make_all.py --only l001_armijo,linesearch
    python paper_figs/make_all.py --list

Lecture figures compute their data once and keep it under results/paper_figs/cache/ (keyed by the
parameters and the code that computes it), so a rerun that only changes the drawing takes seconds.
The experiment scripts (rates, jacobian_modes, linesearch) run as today with --figs and --out; rates
caches its runs under results/rates/, so only missing runs are computed. A full run also rewrites the
index paper_figs/README.md (figure, lecture, what it shows, command, seconds) from the measured times.
"""

import importlib
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from experiments import _cli  # noqa: E402
from paper_figs import _common  # noqa: E402
from paper_figs._index import EXPERIMENT_FIGURES, write_index  # noqa: E402

MODULES = ["l000_zero_order", "l000_table", "l001_linesearch", "l002_taylor_newton", "l003_gd"]
#: the computation-graph figures: their modules list them in FIGURES as (name, lecture, numbers, title, fn)
GRAPH_MODULES = ["l001_autodiff", "l001_which_mode", "l001_checkpoint", "l004_matrix_ad"]
EXPERIMENTS = ["rates", "jacobian_modes", "linesearch"]
PAPER_FIGS = os.path.join(ROOT, "paper_figs")
TIMINGS = os.path.join(PAPER_FIGS, "timings.json")


def load_registry():
    """Import the lecture modules (registering their figures); returns the registry."""
    for m in MODULES:
        importlib.import_module(f"paper_figs.{m}")
    for m in GRAPH_MODULES:
        for name, lecture, numbers, title, fn in importlib.import_module(f"paper_figs.{m}").FIGURES:
            if name not in _common.REGISTRY:
                _common.figure(name, lecture, numbers, title)(fn)
    return _common.REGISTRY


def run_figure(fig, figs, quick):
    """Compute (or load) and draw one lecture figure; returns (seconds, seconds spent computing data)."""
    t0 = time.perf_counter()
    before = _common.COMPUTE_SECONDS[0]
    out = fig.fn(quick=quick)
    _common.save_figure(out[0], figs, fig.name, caption=out[1])
    for fname, text in (out[2] if len(out) > 2 else {}).items():
        with open(os.path.join(figs, fname), "w") as fh:
            fh.write(text)
    return time.perf_counter() - t0, _common.COMPUTE_SECONDS[0] - before


def run_experiment(name, figs, quick, jobs):
    """Run an experiment script; returns (seconds, whether it started from an empty run cache: only rates
    keeps its runs, under <out>/tasks)."""
    out = os.path.join(ROOT, "results", "quick" if quick else "", name)
    tasks = os.path.join(out, "tasks")
    fresh = name == "rates" and not (os.path.isdir(tasks) and any(f.endswith(".json") for f in os.listdir(tasks)))
    cmd = [sys.executable, os.path.join(ROOT, "experiments", f"{name}.py"), "--figs", figs, "--out", out]
    cmd += (["--jobs", str(jobs)] if name == "rates" else []) + (["--quick"] if quick else [])  # (only rates runs jobs)
    print("+", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - t0, fresh


def parse(argv):
    ap = _cli.parser(__doc__)
    ap.prog = "make_all.py"
    _cli.add_common(ap, jobs="parallel jobs of the rate sweep (default 2; -1: all cores; capped at 4 x the cores)",
                    quick="small versions of every figure, drawn into results/quick/figs")
    ap.add_argument("--only", default=None, help="comma-separated figure or experiment names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the figures and experiments, then exit")
    ap.add_argument("--figs", default=None, metavar="DIR",
                    help="figure directory (default paper_figs/; --quick: results/quick/figs, never paper_figs/)")
    ap.add_argument("--cache", default=None, metavar="DIR", help="data cache (default results/paper_figs/cache)")
    a = ap.parse_args(argv)
    if a.figs is None:
        a.figs = os.path.join(ROOT, "results", "quick", "figs") if a.quick else PAPER_FIGS
    if a.cache is not None and os.path.exists(a.cache) and not os.path.isdir(a.cache):
        ap.error(f"argument --cache: {a.cache!r} is an existing file, not a directory")
    a = _cli.finish(ap, a)  # --jobs capped, --figs a directory and never paper_figs/ with --quick
    names = set(load_registry()) | set(EXPERIMENTS)
    if a.only is not None:
        a.only = [s.strip() for s in a.only.split(",") if s.strip()]
        unknown = [s for s in a.only if s not in names]
        if unknown or not a.only:
            ap.error(f"--only: unknown name(s) {', '.join(unknown) or '(none given)'}; choose from "
                     f"{', '.join(sorted(names))}")
    return a


def main(argv=None):
    a = parse(argv)
    registry = _common.REGISTRY
    if a.list:
        for f in registry.values():
            print(f"{f.name:28s} lecture {f.lecture}, figure {f.numbers}: {f.title}")
        for e in EXPERIMENTS:
            print(f"{e:28s} experiments/{e}.py")
        return 0
    if a.cache:
        _common.CACHE_DIR = os.path.abspath(a.cache)
    os.makedirs(a.figs, exist_ok=True)
    timings = {}
    if os.path.exists(TIMINGS):
        with open(TIMINGS) as fh:
            timings = json.load(fh)
    t_all = time.perf_counter()
    for name, fig in registry.items():
        if a.only and name not in a.only:
            continue
        seconds, computed = run_figure(fig, a.figs, a.quick)
        print(f"{name:28s} {seconds:6.1f} s ({computed:.1f} s computing data)", flush=True)
        entry = timings.setdefault(name, {})
        entry["warm"] = round(seconds - computed, 1)
        if computed > 0:
            entry["cold"] = round(seconds, 1)
    for name in EXPERIMENTS:
        if a.only and name not in a.only:
            continue
        seconds, fresh = run_experiment(name, a.figs, a.quick, a.jobs)
        print(f"{name:28s} {seconds:6.1f} s{' (every run computed)' if fresh else ''}", flush=True)
        timings.setdefault(name, {})["cold" if fresh else "run"] = round(seconds, 1)
    print(f"all done in {time.perf_counter() - t_all:.0f} s; figures in {os.path.relpath(a.figs, ROOT)}/")
    if not a.quick and os.path.realpath(a.figs) == os.path.realpath(PAPER_FIGS):
        with open(TIMINGS, "w") as fh:
            json.dump(timings, fh, indent=1, sort_keys=True)
            fh.write("\n")
        write_index(registry, timings, os.path.join(PAPER_FIGS, "README.md"))
        print("index: paper_figs/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
