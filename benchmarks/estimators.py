"""Estimator speed and memory against the evaluation limit and against scipy.

    python -m benchmarks.estimators [--quick] [--skip-memory] [--repeats R] [--before REF] [--clock cpu]
        [--only a]

(a) CoordinateFD time / the same number of evaluations in a jitted loop (dense quadratic n = 10, 100,
    1000; Rosenbrock n = 100, 1000, 10000), and the random oracles' time / (their evaluations + numpy's
    time to draw their directions). Target <= 1.10 for n >= 100.
(b) time per evaluation, scipy.optimize.approx_fprime / CoordinateFD(scheme="forward"), n = 100
    quadratic. Target >= 5.
(c) peak RSS beyond x of one two-point estimate at n = 10^7, in a fresh process, objective
    0.5 x'x (allocates nothing). Target <= 3 (x sizes, the returned gradient included).
(d) parallel multi-point speedup on the machine's cores, expensive objective. Target >= 1.6 on 2 cores.
(e) batched vs serial multi-point, n = q = 1000 dense quadratic; and batched / the serial evaluation
    limit (2q evaluations in a jitted loop).
All ratios are medians of interleaved repeats measured in this one run. ``--before REF`` also loads the
package as it was at git revision REF (as ``zeroopt_before``) and times its oracles in the same rounds of
(a) (columns "before"); ``--clock cpu`` times with the process's CPU time (robust to other jobs on a shared
machine); ``--only a`` runs (a) alone.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numba
import numpy as np
import scipy.optimize

import zeroopt as zo
from benchmarks._common import eval_loop, header, interleaved, repeats_option
from zeroopt.problems import quadratic_fun


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_before(ref):
    """The package zeroopt as it was at git revision ``ref``, imported beside the current one as
    ``zeroopt_before`` (its modules import each other relatively)."""
    tmp = tempfile.mkdtemp(prefix="zeroopt_before_")
    files = subprocess.run(["git", "-C", ROOT, "ls-tree", "-r", "--name-only", ref, "zeroopt/"],
                           check=True, capture_output=True, text=True).stdout.split()
    for path in files:
        if path.endswith(".py"):
            text = subprocess.run(["git", "-C", ROOT, "show", f"{ref}:{path}"], check=True,
                                  capture_output=True, text=True).stdout
            dest = os.path.join(tmp, "zeroopt_before", os.path.relpath(path, "zeroopt"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w") as fh:
                fh.write(text)
    init = os.path.join(tmp, "zeroopt_before", "__init__.py")    # loaded from there, sys.path left as it is
    spec = importlib.util.spec_from_file_location("zeroopt_before", init,
                                                  submodule_search_locations=[os.path.dirname(init)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["zeroopt_before"] = module
    spec.loader.exec_module(module)
    return module


def _oracles(zo_):
    return [("CoordinateFD central", zo_.CoordinateFD(), False),
            ("CoordinateFD forward", zo_.CoordinateFD(scheme="forward"), False),
            ("TwoPoint sphere", zo_.TwoPoint(), True),
            ("TwoPoint sphere q=8", zo_.TwoPoint(directions=8), True)]


def coordinate_overhead(quick, repeats=None, before=None):
    print("\n(a) oracle time / (its evaluations' time in a long jitted loop [+ numpy's draw of its directions])")
    print(f"{'problem':28s} {'oracle':26s} {'evals':>6s} {'ratio':>7s} {'oracle s':>10s}"
          + (f" {'before':>7s} {'before s':>10s}" if before else ""))
    cases = [(zo.problems.quadratic(n, seed=0), n) for n in ((10, 100) if quick else (10, 100, 1000))]
    cases += [(zo.problems.rosenbrock(n), n) for n in ((100, 1000) if quick else (100, 1000, 10000))]
    rows = []
    for p, n in cases:
        p = zo.Problem(p.fun, n, args=p.args, name=p.name)       # no batch_fun: the kernels are timed
        pb = before.Problem(p.fun, n, args=p.args, name=p.name) if before else None
        x = np.random.default_rng(0).standard_normal(n) * 0.1
        jf = p.jitted
        olds = _oracles(before) if before else [None] * 4
        for (name, o, random), old in zip(_oracles(zo), olds):
            k = o.evals_per_call(n)
            reps = max(1, -(-20000 // k))      # the limit loop runs >= 20000 evaluations: its own
            rng = np.random.default_rng(1)     # call overhead is amortised away
            funcs = {"oracle": lambda o=o: o(p, x),
                     "evals": lambda k=k, reps=reps: eval_loop(jf, x, k * reps, p.args)}
            if random:                         # numpy's draw + normalisation belongs to the limit
                funcs["draw"] = lambda o=o: o.draw(rng, n)
            if old is not None:
                funcs["before"] = lambda o=old[1]: o(pb, x)
            for _ in range(4):                 # compile, and let parallel=None measure and settle
                o(p, x)
                if old is not None:
                    old[1](pb, x)
            t = interleaved(funcs, repeats=repeats or (5 if quick else 9))
            limit = t["evals"] / reps + t.get("draw", 0.0)
            ratio = t["oracle"] / limit
            rows.append((p.name, name, n, ratio) + ((t["before"] / limit,) if old is not None else ()))
            print(f"{p.name:28s} {name:26s} {k:6d} {ratio:7.3f} {t['oracle']:10.2e}"
                  + (f" {t['before'] / limit:7.3f} {t['before']:10.2e}" if old is not None else ""), flush=True)
    return rows


def versus_scipy(repeats=None):
    print("\n(b) time per evaluation: scipy.optimize.approx_fprime / CoordinateFD(scheme='forward'), n = 100")
    p = zo.problems.quadratic(100, seed=0)
    x = np.random.default_rng(0).standard_normal(100)
    f = quadratic_fun.py_func               # the user's plain numpy function, as scipy would call it
    A, c = p.args
    o = zo.CoordinateFD(scheme="forward")
    h = np.sqrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
    t = interleaved({"zeroopt": lambda: o(p, x),
                     "scipy": lambda: scipy.optimize.approx_fprime(x, f, h, A, c)}, repeats=repeats or 7)
    ratio = t["scipy"] / t["zeroopt"]
    print(f"zeroopt {t['zeroopt'] / 101 * 1e6:.2f} us/eval, scipy {t['scipy'] / 101 * 1e6:.2f} us/eval: "
          f"zeroopt is {ratio:.1f}x faster per evaluation")
    return ratio


MEMORY_CHILD = r"""
import json, sys, numpy as np, numba, zeroopt as zo
@numba.njit
def half_sq(x):
    return 0.5 * (x @ x)
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
n = int(sys.argv[1])
o = zo.TwoPoint(seed=0)
o(zo.Problem(half_sq, 10), np.ones(10))          # compile on a small problem first
x = np.random.default_rng(0).standard_normal(n)  # touched: resident
p = zo.Problem(half_sq, n)
p.jitted
with open("/proc/self/clear_refs", "w") as fh:   # reset the peak (VmHWM) to the current RSS
    fh.write("5")
base = rss("VmRSS:")
G = o(p, x)
peak = rss("VmHWM:")
print(json.dumps({"extra_bytes": peak - base, "x_bytes": x.nbytes, "nfev": p.nfev}))
"""


def memory(n):
    print(f"\n(c) peak RSS beyond x of one TwoPoint() estimate at n = {n:.0e} (fresh process)")
    out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(n)], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    ratio = r["extra_bytes"] / r["x_bytes"]
    print(f"extra peak {r['extra_bytes'] / 2**20:.0f} MiB = {ratio:.2f} x the size of x "
          f"(x: {r['x_bytes'] / 2**20:.0f} MiB; directions + result = 2 x expected)")
    return ratio


@numba.njit
def expensive(x, reps):
    """An objective that costs ~0.2 ms at n = 200 and touches no BLAS (so threads do not compete)."""
    s = 0.0
    for r in range(reps):
        for i in range(x.shape[0]):
            s += np.sin(x[i] * (r + 1)) ** 2
    return s / reps


def parallel_speedup(quick, repeats=None):
    print(f"\n(d) parallel multi-point speedup, {numba.get_num_threads()} numba threads, expensive objective")
    n, q = 200, 16
    p = zo.Problem(expensive, n, args=(100,))
    x = np.random.default_rng(0).standard_normal(n)
    ser = zo.TwoPoint(directions=q, parallel=False)
    par = zo.TwoPoint(directions=q, parallel=True)
    t = interleaved({"serial": lambda: ser(p, x), "parallel": lambda: par(p, x)}, repeats=repeats or (5 if quick else 15))
    speedup = t["serial"] / t["parallel"]
    print(f"q = {q}, one evaluation {t['serial'] / (2 * q) * 1e3:.3f} ms: serial {t['serial'] * 1e3:.2f} ms, "
          f"parallel {t['parallel'] * 1e3:.2f} ms, speedup {speedup:.2f}x")
    return speedup


def batched(quick, repeats=None):
    n = q = 300 if quick else 1000
    print(f"\n(e) batched vs serial multi-point, dense quadratic n = q = {n}")
    p = zo.problems.quadratic(n, seed=0)
    serial_p = zo.Problem(p.fun, n, args=p.args)
    x = np.random.default_rng(0).standard_normal(n)
    ob = zo.TwoPoint(directions=q, orthogonal=True, seed=0)
    os_ = zo.TwoPoint(directions=q, orthogonal=True, seed=0, parallel=False)
    rng = np.random.default_rng(0)
    t = interleaved({"batched": lambda: ob(p, x), "serial": lambda: os_(serial_p, x),
                     "limit": lambda: (os_.draw(rng, n), eval_loop(serial_p.jitted, x, 2 * q, p.args))},
                    repeats=repeats or (3 if quick else 5), min_time=0.0)
    print(f"batched {t['batched']:.3f} s, serial {t['serial']:.3f} s, serial evaluation limit (incl. QR draw) "
          f"{t['limit']:.3f} s: batched is {t['serial'] / t['batched']:.1f}x faster than serial and "
          f"{t['limit'] / t['batched']:.1f}x faster than the serial limit")
    return t["serial"] / t["batched"], t["limit"] / t["batched"]


def _git_revision(ref):
    """``type=`` for --before: a git revision of this repository."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0:
        raise argparse.ArgumentTypeError(f"not a git revision of this repository: {ref!r}")
    return ref


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    ap.add_argument("--skip-memory", action="store_true", help="skip (c), which needs ~1 GB at n = 1e7")
    ap.add_argument("--before", type=_git_revision, default=None, metavar="REF",
                    help="also time the oracles of (a) as they were at git revision REF, in the same rounds")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall clock, or the process's CPU time (robust to other jobs on the machine)")
    ap.add_argument("--only", choices=("a",), default=None, help="run section (a) only")
    repeats_option(ap)
    a = ap.parse_args(argv)
    if a.clock == "cpu":
        import time
        import types

        from benchmarks import _common
        _common.time = types.SimpleNamespace(perf_counter=time.process_time)
    header("python -m benchmarks.estimators" + f", clock: {a.clock}" + (f", before: {a.before}" if a.before else ""))
    coordinate_overhead(a.quick, a.repeats, load_before(a.before) if a.before else None)
    if a.only == "a":
        return
    versus_scipy(a.repeats)
    if not a.skip_memory:
        memory(10**6 if a.quick else 10**7)
    parallel_speedup(a.quick, a.repeats)
    batched(a.quick, a.repeats)


if __name__ == "__main__":
    main()
