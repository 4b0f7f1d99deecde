"""Sweep speedup: the same rate-experiment tasks with jobs = J vs jobs = 1 (loky), from scratch each time.

    python -m benchmarks.sweep [--quick] [--n N] [--seeds S] [--jobs J]

Config: strongly convex quadratic, n = 200, methods sphere, gaussian, rademacher, coordinate, sphere-q4,
8 seeds each (plus gd): long enough that numba's compilation is a small share of the run. The share is
reported: the time of one tiny task in a fresh process (almost all compilation) over the average work
per worker. Target: speedup >= 0.85 J on J = 2 cores.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from benchmarks._common import ROOT, header
from experiments import rates_runs as runs
from zeroopt import sweep

METHODS = ["gd", "sphere", "gaussian", "rademacher", "coordinate", "sphere-q4"]
# run in a fresh interpreter from the repository root (python -c puts the working directory on the path)
COMPILE_PROBE = f"""
import time
from experiments import rates_runs as runs
from zeroopt import sweep
t0 = time.perf_counter()
for m in {METHODS!r}:
    c = {{"setting": "strongly_convex", "n": 10, "method": m, "seed": 0, "budget": 3, "version": 0}}
    with sweep.single_threaded():
        runs.run_one(c, sweep.task_seed(c))
print(time.perf_counter() - t0)
"""
RUN = """
import time
from experiments import rates_runs as runs
from zeroopt import sweep
cs = runs.tasks(["strongly_convex"], [{n}], {methods!r}, {seeds}, {{"strongly_convex": 300}})
t = time.perf_counter()
s = sweep.run(runs.run_one, cs, {out!r}, jobs={jobs}, cost=runs.task_cost, progress=False)
print(time.perf_counter() - t, s["ran"], len(s["failed"]))
"""


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="n = 100, 2 seeds")
    ap.add_argument("--n", type=_cli.int_range(10, 2000), default=None, help="dimension, 10 to 2000 (default 200; --quick 100)")
    ap.add_argument("--seeds", type=_cli.int_range(1, 100), default=None, help="seeds per method, 1 to 100 (default 8; --quick 2)")
    ap.add_argument("--jobs", type=_cli.int_range(2, None), default=2,
                    help="the parallel job count compared with 1 (default 2; capped at 4 x the cores)")
    a = ap.parse_args(argv)
    jobs, note = sweep.cap_jobs(a.jobs, "loky")
    if note:
        print(f"{ap.prog}: note: --jobs {a.jobs} capped: {note}", file=sys.stderr)
    header("python -m benchmarks.sweep")
    n = a.n or (100 if a.quick else 200)
    seeds = a.seeds or (2 if a.quick else 8)
    configs = runs.tasks(["strongly_convex"], [n], METHODS, seeds, {"strongly_convex": 300})
    times = {}
    for j in (1, jobs):
        out = tempfile.mkdtemp(prefix=f"sweep-j{j}-")
        try:
            code = RUN.format(n=n, methods=METHODS, seeds=seeds, out=out, jobs=j)
            res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 cwd=ROOT)  # compiles afresh
            t, ran, failed = res.stdout.split()
            times[j] = float(t)
            records = sweep.collect(out, configs).records
            work = sum(r["seconds"] for r in records)
            print(f"jobs = {j}: {times[j]:.1f} s wall for {ran} tasks ({failed} failed), {work:.1f} s of task time")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    probe = float(subprocess.run([sys.executable, "-c", COMPILE_PROBE], capture_output=True, text=True, check=True,
                                 cwd=ROOT).stdout)
    print(f"compilation (tiny tasks in a fresh process): {probe:.1f} s = {100 * probe / times[1]:.1f}% of the jobs = 1 "
          f"run (each worker of the jobs = {jobs} run pays it once)")
    print(f"speedup jobs = {jobs} vs 1: {times[1] / times[jobs]:.2f}x  (target >= {0.85 * jobs:.2f} on {jobs} cores; "
          f"{os.cpu_count()} cores here)")


if __name__ == "__main__":
    main()
