"""Sweep speedup: the same rate-experiment tasks with jobs = 2 vs jobs = 1 (loky), from scratch each time.

    python benchmarks/sweep.py [--quick]

Config: strongly convex quadratic, n = 200, methods sphere, gaussian, rademacher, coordinate, sphere-q4,
8 seeds each (plus gd): long enough that numba's compilation is a small share of the run. The share is
reported: the time of one tiny task in a fresh process (almost all compilation) over the average work
per worker. Target: speedup >= 1.7 on 2 cores.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from _common import header

from zeroopt import rates, sweep

COMPILE_PROBE = r"""
import time
from zeroopt import rates, sweep
t0 = time.perf_counter()
for m in ("sphere", "gaussian", "rademacher", "coordinate", "sphere-q4", "gd"):
    c = {"setting": "strongly_convex", "n": 10, "method": m, "seed": 0, "budget": 3, "version": 0}
    with sweep.single_threaded():
        rates.run_one(c, sweep.task_seed(c))
print(time.perf_counter() - t0)
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n = 100, 2 seeds")
    a = ap.parse_args()
    header("benchmarks/sweep.py")
    n, seeds = (100, 2) if a.quick else (200, 8)
    methods = ["gd", "sphere", "gaussian", "rademacher", "coordinate", "sphere-q4"]
    configs = rates.tasks(["strongly_convex"], [n], methods, seeds, {"strongly_convex": 300})
    times = {}
    for jobs in (1, 2):
        out = tempfile.mkdtemp(prefix=f"sweep-j{jobs}-")
        try:
            cmd = [sys.executable, "-c", "import sys, time; from zeroopt import rates, sweep; "
                   f"cs = rates.tasks(['strongly_convex'], [{n}], {methods!r}, {seeds}, "
                   "{'strongly_convex': 300}); t = time.perf_counter(); "
                   f"s = sweep.run(rates.run_one, cs, {out!r}, jobs={jobs}, cost=rates.task_cost, progress=False); "
                   "print(time.perf_counter() - t, s['ran'], len(s['failed']))"]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)   # a fresh process: compiles from scratch
            t, ran, failed = res.stdout.split()
            times[jobs] = float(t)
            records, _ = sweep.collect(out, configs)
            work = sum(r["seconds"] for r in records)
            print(f"jobs = {jobs}: {times[jobs]:.1f} s wall for {ran} tasks ({failed} failed), {work:.1f} s of task time")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    probe = float(subprocess.run([sys.executable, "-c", COMPILE_PROBE], capture_output=True, text=True, check=True).stdout)
    share = probe / (times[1])
    print(f"compilation (tiny tasks in a fresh process): {probe:.1f} s = {100 * share:.1f}% of the jobs = 1 run "
          f"(each worker of the jobs = 2 run pays it once)")
    print(f"speedup jobs = 2 vs 1: {times[1] / times[2]:.2f}x  (target >= 1.7 on 2 cores; {os.cpu_count()} cores here)")


if __name__ == "__main__":
    main()
