"""Regenerate every paper figure: the lecture figures (paper_figs/l0*.py) and the experiment scripts.

    python -m paper_figs.make_all                  # every figure into paper_figs/, and the index README.md
    python -m paper_figs.make_all --quick          # small versions into results/quick/figs (never paper_figs/)
    python -m paper_figs.make_all --only l001_armijo,linesearch
    python -m paper_figs.make_all --list

Run from the repository root. What it draws is what the modules of paper_figs/ and experiments/ register
(experiments._registry): a lecture figure is a function registered with @figure, an experiment a script
registered with experiment(...), so a new one is a new module and nothing here changes.

Lecture figures compute their data once and keep it under results/paper_figs/cache/ (keyed by the
parameters and the code that computes it), and a figure whose data and code have not changed since it was
drawn is not drawn again (--redraw: draw all), so a rerun takes seconds. The experiment scripts run as
python -m experiments.<name> --figs DIR --out results/[quick/]<name>; an experiment that keeps its runs
(rates, under results/rates/tasks/) only computes the missing ones. A full run also rewrites the index
paper_figs/README.md (figure, lecture, what it shows, command, seconds) from the measured times.
"""

import json
import os
import subprocess
import sys
import time

from experiments import _cli, _figures, _registry
from paper_figs import _common
from paper_figs._index import write_index

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAPER_FIGS = os.path.join(ROOT, "paper_figs")
TIMINGS = os.path.join(PAPER_FIGS, "timings.json")


def load_registry():
    """Import every module of paper_figs/ and experiments/ (they register their figures and experiments);
    returns the registry (``.figures``, ``.experiments``)."""
    return _registry.discover()


def _inputs(fig, quick, cache_files):
    """The digest of what a lecture figure is drawn from: its size, the cache files it read (by content),
    and the code: the lecture modules, the drawing helpers and the zeroopt package."""
    import zeroopt

    code = _figures.code_digest(PAPER_FIGS, os.path.join(ROOT, "experiments", "_figures.py"),
                                os.path.dirname(zeroopt.__file__))
    files = [(os.path.basename(p), _figures.file_hash(p)) for p in cache_files]
    return _figures.digest(fig.name, str(quick), code, files)


def run_figure(fig, figs, quick, redraw=True):
    """Compute (or load) and draw one lecture figure; returns (seconds, seconds spent computing data, drawn).

    Unless ``redraw``, a figure drawn before from the same data and code (same cache files, same sources)
    is left as it is."""
    t0 = time.perf_counter()
    before = _common.COMPUTE_SECONDS[0]
    if not redraw:
        record = _figures.drawn_record(figs, fig.name)
        used = record.get("cache") if record else None
        if isinstance(used, list) and all(os.path.exists(p) for p in used) and \
                _figures.up_to_date(figs, fig.name, _inputs(fig, quick, used)):
            return time.perf_counter() - t0, 0.0, False
    start = len(_common.USED)
    out = fig.fn(quick=quick)
    used = list(dict.fromkeys(_common.USED[start:]))
    tables = []
    for fname, text in (out[2] if len(out) > 2 else {}).items():
        tables.append(os.path.join(figs, fname))
        _figures.write_atomic(tables[-1], text)
    _common.save_figure(out[0], figs, fig.name, caption=out[1])
    _figures.record_drawn(figs, fig.name, _inputs(fig, quick, used),
                          [os.path.join(figs, f"{fig.name}.{e}") for e in ("png", "pdf", "txt")] + tables, cache=used)
    return time.perf_counter() - t0, _common.COMPUTE_SECONDS[0] - before, True


def run_experiment(exp, figs, quick, jobs, redraw=False):
    """Run an experiment script (``python -m <module>``); returns (seconds, whether it started from an empty
    run cache: only for an experiment that keeps its runs, ``runs_cache``)."""
    out = os.path.join(ROOT, "results", "quick" if quick else "", exp.name)
    cache = os.path.join(out, exp.runs_cache) if exp.runs_cache else None
    fresh = cache is not None and not (os.path.isdir(cache) and any(f.endswith(".json") for f in os.listdir(cache)))
    cmd = [sys.executable, "-m", exp.module, "--figs", figs, "--out", out]
    cmd += (["--jobs", str(jobs)] if exp.jobs else []) + (["--quick"] if quick else [])
    cmd += ["--redraw"] if redraw and exp.redraw else []
    print("+", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - t0, fresh


def parse(argv):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, jobs="parallel jobs of the experiments that take --jobs (default 2; -1: all cores; capped "
                             "at 4 x the cores)",
                    quick="small versions of every figure, drawn into results/quick/figs")
    ap.add_argument("--only", default=None, help="comma-separated figure or experiment names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the figures and experiments, then exit")
    ap.add_argument("--figs", default=None, metavar="DIR",
                    help="figure directory (default paper_figs/; --quick: results/quick/figs, never paper_figs/)")
    ap.add_argument("--cache", default=None, metavar="DIR", help="data cache (default results/paper_figs/cache)")
    ap.add_argument("--redraw", action="store_true",
                    help="draw every figure, also those whose data and code have not changed since they were drawn")
    a = ap.parse_args(argv)
    if a.figs is None:
        a.figs = os.path.join(ROOT, "results", "quick", "figs") if a.quick else PAPER_FIGS
    if a.cache is not None and os.path.exists(a.cache) and not os.path.isdir(a.cache):
        ap.error(f"argument --cache: {a.cache!r} is an existing file, not a directory")
    a = _cli.finish(ap, a)  # --jobs capped, --figs a directory and never paper_figs/ with --quick
    reg = load_registry()
    drawn = {f.name: e.name for e in reg.experiments.values() for f in e.figures}
    names = set(reg.figures) | set(reg.experiments) | set(drawn)
    if a.only is not None:
        only = [s.strip() for s in a.only.split(",") if s.strip()]
        unknown = [s for s in only if s not in names]
        if unknown or not only:
            ap.error(f"--only: unknown name(s) {', '.join(unknown) or '(none given)'}; choose from "
                     f"{', '.join(sorted(names))}")
        # a lecture figure, an experiment, or a figure an experiment draws: that experiment
        a.only = {s if s in reg.figures or s in reg.experiments else drawn[s] for s in only}
    return a


def main(argv=None):
    a = parse(argv)
    reg = _registry.REGISTRY
    if a.list:
        for f in reg.figures.values():
            print(f"{f.name:28s} lecture {f.lecture}, figure {f.numbers}: {f.title}")
        for e in reg.experiments.values():
            print(f"{e.name:28s} python -m {e.module}: {', '.join(f.name for f in e.figures)}")
        return 0
    if a.cache:
        _common.CACHE_DIR = os.path.abspath(a.cache)
    os.makedirs(a.figs, exist_ok=True)
    timings = {}
    if os.path.exists(TIMINGS):
        with open(TIMINGS) as fh:
            timings = json.load(fh)
    t_all, skipped = time.perf_counter(), []
    for name, fig in reg.figures.items():
        if a.only and name not in a.only:
            continue
        seconds, computed, drawn = run_figure(fig, a.figs, a.quick, redraw=a.redraw)
        if not drawn:
            print(f"{name:28s} {seconds:6.1f} s (unchanged: same data and code)", flush=True)
            continue
        print(f"{name:28s} {seconds:6.1f} s ({computed:.1f} s computing data)", flush=True)
        entry = timings.setdefault(name, {})
        entry["warm"] = round(seconds - computed, 1)
        if computed > 0:
            entry["cold"] = round(seconds, 1)
    for name, exp in reg.experiments.items():
        if a.only and name not in a.only:
            continue
        missing = exp.missing()
        if missing:
            skipped.append(f"{name} (needs pip install -e '.[{','.join(missing)}]')")
            print(f"{name:28s} skipped: needs the {', '.join(missing)} extra", flush=True)
            continue
        seconds, fresh = run_experiment(exp, a.figs, a.quick, a.jobs, a.redraw)
        print(f"{name:28s} {seconds:6.1f} s{' (every run computed)' if fresh else ''}", flush=True)
        timings.setdefault(name, {})["cold" if fresh else "run"] = round(seconds, 1)
    print(f"all done in {time.perf_counter() - t_all:.0f} s; figures in {os.path.relpath(a.figs, ROOT)}/")
    if skipped:
        print(f"not drawn: {'; '.join(skipped)}")
    if not a.quick and os.path.realpath(a.figs) == os.path.realpath(PAPER_FIGS):
        with open(TIMINGS, "w") as fh:
            json.dump(timings, fh, indent=1, sort_keys=True)
            fh.write("\n")
        write_index(reg, timings, os.path.join(PAPER_FIGS, "README.md"))
        print("index: paper_figs/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
