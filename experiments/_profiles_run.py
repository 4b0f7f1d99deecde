"""One OptiProfiler benchmark per feature, and what is kept of it (used by experiments/profiles.py).

:func:`run_feature` calls ``optiprofiler.benchmark`` on the Moré–Wild library (:mod:`experiments._profiles_problems`)
with the registry's solvers (:mod:`experiments._profiles_solvers`), and returns a JSON-ready record: the
problems, the solvers, OptiProfiler's history-based performance and data profiles at its seven
tolerances 1e-1, ..., 1e-7 (each run's curve and the mean), its scores, and the time spent.
:func:`fraction_solved` reads a data profile at a budget.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import resource
import shutil
import threading
import time

import numpy as np

from experiments import _profiles_problems as plib
from experiments import _profiles_solvers as solvers_mod

#: OptiProfiler's tolerances 10^-1, ..., 10^-MAX_TOL_ORDER
MAX_TOL_ORDER = 7
TOLERANCES = tuple(10.0 ** -k for k in range(1, MAX_TOL_ORDER + 1))

#: --features: name -> (library kind, OptiProfiler feature keywords (a callable for noisy3), what it is)
FEATURES = {
    "plain": ("smooth", {"feature_name": "plain"}, "the smooth problems, f = sum F_i^2"),
    "noisy": ("smooth", {"feature_name": "noisy"},
              "OptiProfiler's noisy feature on the smooth problems: f + max(1, |f|) 1e-3 N(0, 1), fresh at "
              "every evaluation"),
    "noisy3": ("smooth", plib.noisy3_feature,
               "Moré & Wild's noisy3: sum (F_i (1 + u_i))^2, u_i ~ U[-1e-3, 1e-3], fresh at every evaluation "
               "(OptiProfiler's custom feature)"),
    "wild3": ("wild3", {"feature_name": "plain"}, "Moré & Wild's wild3: (1 + 1e-3 phi(x)) f, deterministic"),
    **{f"noisy-rel-{s}": ("smooth", {"feature_name": "noisy", "noise_type": "relative", "noise_level": float(s)},
                          f"OptiProfiler's noisy feature, relative: f (1 + {s} N(0, 1)), fresh at every evaluation")
       for s in ("1e-8", "1e-6", "1e-4")},
    "nondiff": ("nondiff", {"feature_name": "plain"}, "Moré & Wild's nondiff: sum |F_i|"),
}


def feature_keywords(feature):
    kind, kw, _ = FEATURES[feature]
    return kind, (kw() if callable(kw) else dict(kw))


def is_stochastic(feature):
    return feature.startswith("noisy")


class _Progress:
    """A progress bar fed by the solver wrapper: each finished run appends its budget to a file, which a
    thread of the main process reads (OptiProfiler's workers are separate processes)."""

    def __init__(self, path, total, desc, enabled):
        self.path, self.total, self.enabled = path, total, enabled
        self.desc = desc
        self._stop = threading.Event()
        open(path, "w").close()

    def __enter__(self):
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, desc=self.desc, unit="eval", unit_scale=True, smoothing=0.05,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")
            self.thread = threading.Thread(target=self._poll, daemon=True)
            self.thread.start()
        return self

    def _lines(self):
        try:
            with open(self.path) as fh:
                return [line.split() for line in fh.read().splitlines() if line.count(" ") == 2]
        except OSError:
            return []

    def _read(self):
        try:
            return sum(int(budget) for budget, _, _ in self._lines())
        except ValueError:
            return None

    def seconds(self):
        """CPU seconds per solver, summed over its runs (as the wrapper measured them)."""
        out = {}
        for _, name, sec in self._lines():
            out[name] = out.get(name, 0.0) + float(sec)
        return out

    def _poll(self):
        while not self._stop.wait(1.0):
            done = self._read()
            if done is not None:
                self.bar.n = min(done, self.total)
                self.bar.refresh()

    def __exit__(self, *exc):
        self._stop.set()
        if self.enabled:
            self.thread.join()
            done = self._read()
            self.bar.n = min(done if done is not None else 0, self.total)
            self.bar.close()
        self.solver_seconds = self.seconds()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def expected_work(problems, names, n_runs, feature):
    """The evaluations the run will spend at most: each (problem, solver, run) its budget."""
    table = {r.name: r.n for r in __import__("zeroopt").problems.more_wild_table()}
    runs = [n_runs if (is_stochastic(feature) or solvers_mod.SOLVERS[s].randomized) else 1 for s in names]
    return sum(solvers_mod.budget(table[p]) * r for p in problems for r in runs)


def run_feature(feature, names, problems, n_runs, seed, jobs, work_dir, progress=False, archive=None,
                history_plots=False):
    """Benchmark solvers ``names`` on ``problems`` with one feature; returns the record (see the module).

    ``archive``: a folder for OptiProfiler's own output (its PDFs of every profile, its data and report);
    None keeps nothing of it (``score_only``). ``history_plots`` adds its per-problem history plots.
    """
    import optiprofiler

    kind, fkw = feature_keywords(feature)
    os.makedirs(work_dir, exist_ok=True)
    progress_path = os.path.join(work_dir, f".progress_{feature}_{os.getpid()}")
    wrapped = [solvers_mod.Wrapped(s, seed, progress_path) for s in names]
    solvers_mod.reset_calls()
    options = dict(plibs=[plib.LIBRARY], custom_problem_libs_path=plib.LIBRARY_PATH,
                   plib_options={plib.LIBRARY: {"kind": kind}}, problem_names=list(problems), mindim=1,
                   maxdim=math.inf, solver_names=list(names),
                   solver_isrand=[solvers_mod.SOLVERS[s].randomized for s in names], n_runs=n_runs,
                   max_eval_factor=solvers_mod.MAX_EVAL_FACTOR, max_tol_order=MAX_TOL_ORDER, seed=seed,
                   n_jobs=jobs, semilogx=False, silent=True, solver_verbose=0, **fkw)
    if archive is None:
        options.update(score_only=True)
    else:
        if os.path.isdir(archive):   # one run's output only: OptiProfiler adds a time-stamped folder per run
            shutil.rmtree(archive)
        os.makedirs(archive)
        options.update(savepath=archive, benchmark_id=feature,
                       draw_hist_plots="parallel" if history_plots else "none")
    total = expected_work(problems, names, n_runs, feature)
    t0, cpu0 = time.time(), _cpu_seconds()
    with _Progress(progress_path, total, f"profiles {feature}", progress) as bar, \
            _quiet_logging(), contextlib.redirect_stdout(io.StringIO()):
        scores, _, curves = optiprofiler.benchmark(wrapped, **options)
    seconds, cpu = time.time() - t0, _cpu_seconds() - cpu0
    if curves is None:
        raise RuntimeError(f"OptiProfiler selected or solved no problem for the {feature} feature")
    return {"feature": feature, "kind": kind, "solvers": list(names), "problems": list(problems),
            "n_runs": int(n_runs), "seed": int(seed), "tolerances": list(TOLERANCES),
            "randomized": [solvers_mod.SOLVERS[s].randomized for s in names],
            "curves": {kind_: [_tolerance_curves(c, kind_, len(names), n_runs) for c in curves]
                       for kind_ in ("data", "perf")},
            "scores": [float(s) for s in scores], "seconds": seconds, "cpu_seconds": cpu,
            "solver_cpu_seconds": {s: round(bar.solver_seconds.get(s, 0.0), 3) for s in names},
            "archive": archive}


def _tolerance_curves(curve, kind, n_solvers, n_runs):
    """One tolerance's curves of one profile kind: per solver {"x", "runs": [y per run], "mean"}, or None
    where no solver passed the test at that tolerance (OptiProfiler keeps None then)."""
    per_solver = curve["hist"][kind]
    if per_solver is None or per_solver[0][0] is None:
        return None
    out = []
    for s in range(n_solvers):
        x = np.asarray(per_solver[s][0][0], dtype=float)
        runs = [np.asarray(per_solver[s][r][1], dtype=float) for r in range(n_runs)]
        mean = np.asarray(per_solver[s][n_runs][1], dtype=float)
        out.append({"x": x.tolist(), "runs": [y.tolist() for y in runs], "mean": mean.tolist()})
    return out


def fraction_solved(x, y, budget):
    """The value of a data profile (OptiProfiler's step curve: y[i] holds from x[i] up to x[i+1]) at
    ``budget`` simplex gradients: the fraction of problems solved within ``budget (n + 1)`` evaluations.

    Examples
    --------
    >>> fraction_solved([0, 2, 5, 11], [0, 0.5, 1.0, 1.0], 4.0)
    0.5
    >>> fraction_solved([0, 2, 5, 11], [0, 0.5, 1.0, 1.0], 5.0)
    1.0
    """
    x = np.asarray(x, dtype=float)
    i = np.searchsorted(x, budget, side="right") - 1
    return float(np.asarray(y, dtype=float)[i]) if i >= 0 else 0.0


def _cpu_seconds():
    """CPU seconds of this process and its finished children (OptiProfiler's workers)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


@contextlib.contextmanager
def _quiet_logging():
    """OptiProfiler logs through the root logger; keep its records off the console during a run."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(level)
