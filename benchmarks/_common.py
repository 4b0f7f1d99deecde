"""Shared benchmark helpers: interleaved medians, a jitted evaluation loop (the limit), the machine."""

import datetime
import os
import platform
import time

import numba
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def interleaved(funcs, repeats=7, min_time=0.05):
    """Median seconds per call of each callable in ``funcs`` (a dict), timed in interleaved rounds.

    Each round times every callable once (looping it until ``min_time`` has passed), so slow drifts of
    the machine hit all of them alike. Returns {name: median seconds per call}.
    """
    loops = {}
    for name, fn in funcs.items():          # warm up and size the inner loops
        fn()
        t0 = time.perf_counter()
        fn()
        dt = max(time.perf_counter() - t0, 1e-7)
        loops[name] = max(1, int(min_time / dt))
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, fn in funcs.items():
            k = loops[name]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            times[name].append((time.perf_counter() - t0) / k)
    return {name: float(np.median(t)) for name, t in times.items()}


@numba.njit
def eval_loop(fun, x, k, args):
    """k evaluations of fun in a jitted loop, each at x with one coordinate nudged (so none can be
    hoisted): the cost of the evaluations alone, the limit an estimator is measured against."""
    w = x.copy()
    n = x.shape[0]
    s = 0.0
    for t in range(k):
        i = t % n
        w[i] = x[i] + 1e-7
        s += fun(w, *args)
        w[i] = x[i]
    return s


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{datetime.date.today().isoformat()}, {cpu}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
            f"numba threads {numba.get_num_threads()}")


def repeats_option(parser):
    """``--repeats R``: interleaved timing rounds, 3 to 1000 (default: each part's own)."""
    from experiments import _cli

    parser.add_argument("--repeats", type=_cli.int_range(3, 1000), default=None,
                        help="interleaved timing rounds per measurement, 3 to 1000 (default: each part's own)")


def header(title):
    print(f"# {title}\n# {machine()}")
