"""Zero-order at scale: the in-place step's memory and time against the machine's own limits, and the
batched evaluation of many directions.

    python -m benchmarks.scale [--quick] [--sizes 1e6,1e7,1e8] [--repeats R] [--sections abcde]

(a) memory: peak RSS during a run minus RSS just before it, in a fresh process per n and method (x
    touched, kernels compiled at a small n first, record="none", the allocation-free objective
    0.5 sum x_i^2 as a jitted loop). method="inplace" (Gaussian directions) against today's TwoPoint
    step (method="gd" on its jitted path) and a plain numpy two-point step. Target: inplace <= 0.2 x the
    size of x, judged at n >= 1e7 (at 1e6, 0.2 x is 1.6 MB, inside RSS noise: reported only).
(b) time per step, medians of interleaved repeats in one process per n, against the limit
    2 t_f + P t_pass (P = 3 for Gaussian directions): t_f one evaluation, t_pass one pass x += a v that
    regenerates v (on numba's threads). t_pass against the time to stream x through memory once (read
    and write it at the bandwidth of a STREAM-like triad measured in the same run); today's TwoPoint
    step and a plain numpy two-point step for comparison. Target: step <= 1.3 x the limit.
(c) the generator: standard normals per second on one core, numba drawing from numpy's Philox (what the
    passes do) next to numpy's own standard_normal (Philox, and the default PCG64); and the cost of
    rewinding one chunk's Generator against that chunk's pass. Target: >= numpy's standard_normal.
(d) batched logistic regression, n = q = 1000 Gaussian directions (m = 500 samples): the margins of all
    2q points from one matrix-matrix product against the serial evaluation limit (2q evaluations in a
    jitted loop), the draw inside both, and where the batched time goes (draw, GEMM, reduction). Target:
    >= 3x faster.
(e) the rounding drift of the in-place step against the out-of-place step along the same directions, after
    10^4 steps at n = 1000 (diagonal quadratic, kappa = 10), with its two bounds (docs: the math reference).
"""

import json
import math
import subprocess
import sys
import time

import numba
import numpy as np

import zeroopt as zo
from benchmarks._common import ROOT, eval_loop, header, repeats_option
from zeroopt.kernels import inplace as ip

MEMORY_TARGET, TIME_TARGET, BATCH_TARGET = 0.2, 1.3, 3.0


@numba.njit
def half_sq(x):
    """0.5 sum x_i^2: allocation-free, one read of x."""
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return 0.5 * s


def numpy_step(f, x, rng, eps, alpha):
    """A plain numpy two-point step (Gaussian): v drawn whole, two perturbed copies of x, the update."""
    v = rng.standard_normal(x.shape[0])
    d = (f(x + eps * v) - f(x - eps * v)) / (2.0 * eps)
    x -= (alpha * d) * v


def verdict(ok):
    return "PASS" if ok else "FAIL"


# --- (a) memory -------------------------------------------------------------------------------------------
MEMORY_CHILD = r"""
import json, sys
import numpy as np
import zeroopt as zo
from benchmarks import scale
from zeroopt.kernels import inplace as ip

def rss(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024

n, method, steps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def run(x):
    p = zo.Problem(scale.half_sq, x.shape[0], L=1.0)
    p.jitted
    if method == "inplace":
        zo.minimize(p, x, zo.TwoPoint(dist="gaussian"), method="inplace", maxiter=steps, record="none")
    elif method == "twopoint":
        zo.minimize(p, x, zo.TwoPoint(dist="gaussian"), maxiter=steps, record="none", jit=True)
    else:
        rng = np.random.default_rng(0)
        for _ in range(steps):
            scale.numpy_step(p.jitted, x, rng, 1e-4, 1.0 / (x.shape[0] + 2))

run(np.zeros(2 * ip.CHUNK + 1))                      # compile everything (several chunks: the threaded passes)
x = np.random.default_rng(0).standard_normal(n)    # touched: resident
p = zo.Problem(scale.half_sq, n, L=1.0)
with open("/proc/self/clear_refs", "w") as fh:       # reset the peak (VmHWM) to the current RSS
    fh.write("5")
base = rss("VmRSS:")
run(x)
peak = rss("VmHWM:")
print(json.dumps({"extra_bytes": peak - base, "x_bytes": x.nbytes}))
"""


def memory(sizes, steps=2):
    print("\n(a) peak RSS during the run - RSS before it, in x sizes (fresh process per n and method, "
          f"{steps} steps, record='none')")
    print(f"{'n':>10s} {'inplace':>10s} {'TwoPoint gd':>12s} {'numpy step':>11s}   target inplace <= {MEMORY_TARGET}")
    rows = []
    for n in sizes:
        ratios = {}
        for method in ("inplace", "twopoint", "numpy"):
            out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(n), method, str(steps)], cwd=ROOT,
                                 capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(f"the memory child ({method}, n = {n}) failed:\n{out.stderr[-2000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ratios[method] = r["extra_bytes"] / r["x_bytes"]
        judged = n >= 10**7
        mark = verdict(ratios["inplace"] <= MEMORY_TARGET) if judged else "(reported, not judged: RSS noise)"
        print(f"{n:10.0e} {ratios['inplace']:10.4f} {ratios['twopoint']:12.3f} {ratios['numpy']:11.3f}   "
              f"{mark}", flush=True)
        rows.append((n, ratios))
    return rows


# --- (b) time ---------------------------------------------------------------------------------------------
@numba.njit(parallel=True)
def triad(a, b, c, s):
    for i in numba.prange(a.shape[0]):
        a[i] = b[i] + s * c[i]


def _rounds(funcs, repeats):
    """Median seconds per call of each callable, one call per callable per round, rounds interleaved
    (after one warm-up call each)."""
    for fn in funcs.values():
        fn()
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, fn in funcs.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def step_time(n, repeats, steps=3):
    """(b) at one n: the in-place step against 2 t_f + 3 t_pass, t_pass against the triad's bandwidth."""
    x = np.random.default_rng(0).standard_normal(n)
    p = zo.Problem(half_sq, n, L=1.0)
    jf = p.jitted
    o = zo.TwoPoint(dist="gaussian")
    stream = ip.Stream(ip.stream_key(np.random.default_rng(0)), n)
    nch = ip.chunks(n)
    axpy, _ = ip.passes(n, None)
    sq, bad, where = np.empty(nch), np.empty(nch, dtype=np.int64), np.zeros(1, dtype=np.int64)
    params = ip.Params(ip.GAUSSIAN, 1.0, ip.CHUNK)
    m = min(n, 2 * 10**7)
    ta, tb, tc = np.zeros(m), np.ones(m), np.ones(m)
    rng = np.random.default_rng(1)
    x2 = x.copy() if n <= 10**7 else x                  # (at 1e8 the comparison steps share x: 800 MB each)
    funcs = {
        "inplace": lambda: zo.minimize(p, x, o, method="inplace", maxiter=steps, record="none"),
        "t_f": lambda: jf(x),
        "t_pass": lambda: axpy(x, stream.rewind(3), params, 1e-300, sq, bad, where, 0),
        "rewind": lambda: stream.rewind(3),
        "triad": lambda: triad(ta, tb, tc, 0.5),
        "twopoint": lambda: zo.minimize(p, x2, o, maxiter=steps, record="none", jit=True),
        "numpy": lambda: [numpy_step(jf, x2, rng, 1e-4, 1.0 / (n + 2)) for _ in range(steps)],
    }
    t = _rounds(funcs, repeats)
    for key in ("inplace", "twopoint", "numpy"):
        t[key] /= steps
    limit = 2 * t["t_f"] + 3 * t["t_pass"]
    bandwidth = 24 * m / t["triad"]                      # STREAM's count: 3 arrays of 8-byte words
    stream_x = 16 * n / bandwidth                        # x read and written once at that bandwidth
    return dict(n=n, step=t["inplace"], t_f=t["t_f"], t_pass=t["t_pass"], limit=limit, bandwidth=bandwidth,
                stream_x=stream_x, twopoint=t["twopoint"], numpy=t["numpy"], rewind=t["rewind"], chunks=nch,
                threads=numba.get_num_threads())


def times(sizes, repeats):
    print(f"\n(b) time per step (medians of {repeats} interleaved rounds), numba threads {numba.get_num_threads()}; "
          f"limit = 2 t_f + 3 t_pass")
    print(f"{'n':>8s} {'step s':>9s} {'t_f s':>9s} {'t_pass s':>9s} {'limit s':>9s} {'step/lim':>8s} "
          f"{'pass/strm':>9s} {'TwoPt s':>9s} {'numpy s':>9s}  target step/limit <= {TIME_TARGET}")
    rows = []
    for n in sizes:
        r = step_time(n, repeats)
        ratio = r["step"] / r["limit"]
        print(f"{n:8.0e} {r['step']:9.3g} {r['t_f']:9.3g} {r['t_pass']:9.3g} {r['limit']:9.3g} {ratio:8.3f} "
              f"{r['t_pass'] / r['stream_x']:9.2f} {r['twopoint']:9.3g} {r['numpy']:9.3g}  "
              f"{verdict(ratio <= TIME_TARGET)}",
              flush=True)
        print(f"{'':8s} triad bandwidth {r['bandwidth'] / 1e9:.1f} GB/s: x streamed once in {r['stream_x']:.3g} s; "
              f"rewinding the {r['chunks']} chunks' Generators {r['rewind']:.3g} s "
              f"({r['rewind'] / r['t_pass']:.1%} of a pass); in-place step {r['twopoint'] / r['step']:.2f}x faster "
              f"than TwoPoint's, {r['numpy'] / r['step']:.2f}x than numpy's", flush=True)
        rows.append(r)
    return rows


# --- (c) the generator --------------------------------------------------------------------------------------
@numba.njit
def numba_normals(g, out):
    for i in range(out.shape[0]):
        out[i] = g.standard_normal()


def generator(repeats, m=10**7):
    print(f"\n(c) standard normals per second on one core ({m:.0e} per call, medians of {repeats} rounds)")
    out = np.empty(m)
    key = ip.stream_key(np.random.default_rng(0))
    philox = ip.chunk_generator(key, 0, 0)
    pcg = np.random.default_rng(0)
    numba_normals(philox, out[:10])
    t = _rounds({"numba Philox": lambda: numba_normals(philox, out),
                 "numpy Philox": lambda: philox.standard_normal(out=out),
                 "numpy PCG64": lambda: pcg.standard_normal(out=out)}, repeats)
    rates = {k: m / v for k, v in t.items()}
    best_numpy = max(rates["numpy Philox"], rates["numpy PCG64"])
    for k, v in rates.items():
        print(f"{k:14s} {v / 1e6:8.1f} M normals/s")
    ratio = rates["numba Philox"] / best_numpy
    print(f"numba's Philox / numpy's faster standard_normal = {ratio:.2f}  target >= 1: {verdict(ratio >= 1.0)}")
    return rates


# --- (d) batched logistic ----------------------------------------------------------------------------------
def _blas_threads():
    from threadpoolctl import threadpool_info

    info = sorted({f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info()
                   if i.get("user_api") == "blas"})
    return ", ".join(info) or "unknown"


def batched(repeats, n=1000, q=1000, m=500):
    """(d): one TwoPoint(directions=q, dist="gaussian") call on problems.logistic (batched: the margins of
    its 2q points from one GEMM, V A') against the serial evaluation limit (the same draw + 2q evaluations
    in a jitted loop), and where the batched time goes."""
    from zeroopt.problems.classic import logistic_along_rows

    p = zo.problems.logistic(m=m, n=n, seed=0)
    serial = zo.Problem(p.fun, n, args=p.args)
    A, y, reg = p.args
    x = np.random.default_rng(0).standard_normal(n) * 0.1
    ob = zo.TwoPoint(directions=q, dist="gaussian", seed=0)
    rng = np.random.default_rng(0)
    eps = ob.eps
    V = ob.draw(rng, n)
    Ax, AV = A @ x, V @ A.T
    t = _rounds({"batched": lambda: ob(p, x),
                 "limit": lambda: (ob.draw(rng, n), eval_loop(serial.jitted, x, 2 * q, p.args)),
                 "draw": lambda: ob.draw(rng, n),
                 "gemm": lambda: V @ A.T,
                 "gemv": lambda: A @ x,
                 "reduction": lambda: logistic_along_rows(Ax, AV, x, V, eps, False, y, reg)}, repeats)
    speedup = t["limit"] / t["batched"]
    rest = t["batched"] - t["draw"] - t["gemm"] - t["gemv"] - t["reduction"]
    print(f"\n(d) batched logistic regression, n = q = {n}, m = {m}, Gaussian directions; BLAS: {_blas_threads()}, "
          f"numba threads {numba.get_num_threads()}")
    print(f"batched {t['batched']:.4f} s, serial evaluation limit (the draw + {2 * q} evaluations in a jitted loop) "
          f"{t['limit']:.4f} s: {speedup:.2f}x faster  target >= {BATCH_TARGET}: {verdict(speedup >= BATCH_TARGET)}")
    print(f"where the batched time goes: draw {t['draw']:.4f} s, GEMM V A' {t['gemm']:.4f} s, A x {t['gemv']:.5f} s, "
          f"reduction (2q x m logaddexp, the points' norms) {t['reduction']:.4f} s, the rest (combine, checks) "
          f"{rest:.4f} s")
    return speedup


# --- (e) the rounding drift --------------------------------------------------------------------------------
@numba.njit
def diag_quad(x, a, c):
    s = 0.0
    for i in range(x.shape[0]):
        d = x[i] - c[i]
        s += a[i] * d * d
    return 0.5 * s


def drift(n=1000, steps=10_000, seed=5):
    """The drift after ``steps`` steps and its bounds (the same computation as tests/test_inplace.py)."""
    u = np.finfo(np.float64).eps / 2
    a, c = np.linspace(1.0, 10.0, n), np.random.default_rng(0).standard_normal(n)
    print(f"\n(e) relative drift ||x_in - x_out|| / ||x_out|| after {steps} steps, n = {n}, diagonal quadratic "
          f"(kappa = 10), theory step; k u = {steps * u:.2g}")
    for kind in ("gaussian", "rademacher", "sphere"):
        p = zo.Problem(diag_quad, n, args=(a, c), L=10.0, mu=1.0)
        o = zo.TwoPoint(dist=kind)
        alpha, coef, eps = 1.0 / (o.second_moment_factor(n) * 10.0), o.coef(n), o.eps
        key = ip.stream_key(np.random.default_rng(seed))
        x, coefficients, arithmetic, end_to_end = np.zeros(n), [], 0.0, 0.0
        for k in range(steps):
            v = ip.direction(key, k, n, kind)
            fp, fm = diag_quad(x + eps * v, a, c), diag_quad(x - eps * v, a, c)
            ck = coef * ((fp - fm) / (2.0 * eps))
            coefficients.append(ck)
            nx, nv = np.linalg.norm(x), np.linalg.norm(v)
            grad = max(np.linalg.norm(a * (x + eps * v - c)), np.linalg.norm(a * (x - eps * v - c)))
            arithmetic += u * (4 * nx + 9 * eps * nv + 7 * alpha * abs(ck) * nv)
            end_to_end += (u * (4 * nx + 9 * eps * nv + 13 * alpha * abs(ck) * nv)
                           + alpha * abs(coef) * nv / eps
                           * (u * grad * (3 * nx + 7 * eps * nv) + 2 * (n + 2) * u * max(fp, fm)))
            x -= alpha * (0.0 + ck * v)
        # the passes alone, given the reference's coefficients
        stream, axpy = ip.Stream(key, n), ip.passes(n, None)[0]
        sq, bad, where = np.empty(1), np.empty(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
        xi = np.zeros(n)
        fixed = ip.Params(ip.KINDS[kind], 1.0 / math.sqrt(n) if kind == "rademacher" else 1.0, ip.CHUNK)
        for k, ck in enumerate(coefficients):
            params = fixed
            if kind == "sphere":
                ip.passes(n, None)[1](n, stream.rewind(k), fixed, sq)
                params = fixed._replace(scale=math.sqrt(ip.total(sq)))
            for a_, to in ((eps, ip.AT_PLUS), (-2.0 * eps, ip.AT_MINUS), (eps - alpha * ck, ip.AT_X)):
                axpy(xi, stream.rewind(k), params, a_, sq, bad, where, to)
        x_in = np.zeros(n)
        zo.minimize(p, x_in, o, method="inplace", step=alpha, maxiter=steps, record="none", seed=seed)
        scale_ = np.linalg.norm(x)
        print(f"{kind:10s} passes alone {np.linalg.norm(xi - x) / scale_:.2g} (bound {arithmetic / scale_:.2g}); "
              f"end to end {np.linalg.norm(x_in - x) / scale_:.2g} (bound {math.sqrt(10.0) * end_to_end / scale_:.2g})",
              flush=True)


def _sizes(text):
    import argparse

    try:
        values = [int(float(s)) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated sizes such as 1e6,1e7; got {text!r}") from None
    if not values or any(v < 10**3 or v > 2 * 10**8 for v in values):
        raise argparse.ArgumentTypeError(f"sizes must be from 1e3 to 2e8; got {text!r}")
    return values


def _letters(text):
    import argparse

    if not text or any(ch not in "abcde" for ch in text):
        raise argparse.ArgumentTypeError(f"expected one or more of the letters a-e, got {text!r}")
    return text


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="n = 1e5 and 1e6, fewer repeats")
    ap.add_argument("--sizes", type=_sizes, default=None,
                    help="comma-separated n for (a) and (b), from 1e3 to 2e8 (default 1e6,1e7,1e8)")
    ap.add_argument("--sections", type=_letters, default="abcde", help="which of (a)-(e) to run (default abcde)")
    repeats_option(ap)
    a = ap.parse_args(argv)
    sizes = a.sizes or ([10**5, 10**6] if a.quick else [10**6, 10**7, 10**8])
    repeats = a.repeats or 5
    header("python -m benchmarks.scale")
    if "c" in a.sections:
        generator(repeats)
    if "a" in a.sections:
        memory(sizes)
    if "b" in a.sections:
        times(sizes, repeats)
    if "d" in a.sections:
        batched(repeats)
    if "e" in a.sections:
        drift(steps=1000 if a.quick else 10_000)


if __name__ == "__main__":
    main()
