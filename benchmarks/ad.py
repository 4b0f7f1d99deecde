"""zeroopt.ad against the cheap-gradient principle and against autograd.

    python -m benchmarks.ad [--quick] [--figs paper_figs]

(a) grad time / time of the same plain-numpy f, n in {10, 100, 1000, 100000} (100000 skipped for the
    objectives with dense n x n data: the quadratic and MDS), on a dense quadratic, logistic regression
    (500 samples), the distance-matrix recovery loss (MDS) and a one-hidden-layer network MSE. Target
    <= 5 for n >= 1000.
(b) our grad time / autograd's grad time on the same function (written once against a numpy module:
    numpy for f and zeroopt, autograd.numpy for autograd). Target <= 1.0 for n <= 100, <= 1.05 above.
    With --before REF, the AD package as it was at git revision REF is loaded beside the current one
    and timed in the same interleaved rounds (columns "before").
(c) Jacobian of f(x) = A x with n = 100 fixed and m varied, forward vs reverse mode (the data behind
    the lecture's figure "Jacobian time, forward vs reverse"); with --figs, draws that figure.
(d) the tracing overhead per primitive: a chain of K applications of one operation, (grad time - f
    time) / K in microseconds, split into recording (vjp without the backward pass) and the backward
    pass; against K (linear cost: flat) and against n (where numpy's own work takes over).
(e) gradient checkpointing (zeroopt.ad.checkpoint) on a chain of n layers x -> tanh(W x + b) of width
    100: peak memory of one gradient (tracemalloc: arrays and tape nodes) without checkpoints and with
    s segments, against the model a s + c n / s (s = sqrt(n): O(sqrt(n))), and the time it costs.
    ``checkpoint_memory()`` returns the rows; ``--csv DIR`` writes them to DIR/ad_checkpoint_memory.csv.
(f) the compiled gradient (issue 20, benchmarks/_ad_compiled.py): ExactAD(compiled=True) against
    jax.jit(jax.grad) and the jitted f, the compiled Hessian against jax.jit(jax.hessian), a GD run
    against its gradients' time, compile time against the recording's size and what a new process pays;
    every target printed with its verdict. Not in the default sections (run ``--sections f``); BLAS on
    ``--blas-threads`` threads (default 1, as the sweeps' tasks run).
Medians of interleaved repeats, measured in this one run. ``--clock cpu`` times with the process's CPU time
(time.process_time, all its threads) instead of the wall clock: on a machine shared with other jobs,
waiting for a core then does not count.

Memory note: reverse mode keeps every intermediate alive until the backward pass, so with glibc's
default settings each large intermediate (> 128 KiB) is a fresh mmap that page-faults on first touch,
and the heap is trimmed back after every gradient - for the MDS loss at n = 1000 that is ~10 ms of page
faults per gradient against ~2 ms of arithmetic, for autograd as for zeroopt. ``--malloc keep`` runs the
measurement in a child process with MALLOC_MMAP_THRESHOLD_=32 MiB and MALLOC_TRIM_THRESHOLD_=1 GiB (glibc
then reuses freed memory); ``--malloc default`` leaves glibc alone; ``--malloc both`` (the default) runs
both, each in a fresh process.
"""

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile

import numpy as np

import zeroopt as zo
from benchmarks._common import header, interleaved

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # pragma: no cover - autograd is in the bench extra
    autograd = anp = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_before(ref):
    """The package zeroopt/ad as it was at git revision ``ref``, imported beside the current one (its
    modules import each other relatively, so the copy runs as the package ``ad_before``)."""
    tmp = tempfile.mkdtemp(prefix="ad_before_")
    files = subprocess.run(["git", "-C", ROOT, "ls-tree", "--name-only", ref, "zeroopt/ad/"],
                           check=True, capture_output=True, text=True).stdout.split()
    os.makedirs(os.path.join(tmp, "ad_before"))
    for path in files:
        if path.endswith(".py"):
            text = subprocess.run(["git", "-C", ROOT, "show", f"{ref}:{path}"], check=True,
                                  capture_output=True, text=True).stdout
            with open(os.path.join(tmp, "ad_before", os.path.basename(path)), "w") as fh:
                fh.write(text)
    package = os.path.join(tmp, "ad_before")
    spec = importlib.util.spec_from_file_location("ad_before", os.path.join(package, "__init__.py"),
                                                  submodule_search_locations=[package])
    module = importlib.util.module_from_spec(spec)
    sys.modules["ad_before"] = module       # its relative imports find the package here
    spec.loader.exec_module(module)
    return module


# --- the four objectives, written once against a numpy module `xp` -----------------------------
def quadratic(xp):
    def f(x, A):
        return 0.5 * x @ (A @ x)
    return f


def logistic(xp):
    def f(x, A, y):
        return xp.mean(xp.logaddexp(0.0, -y * (A @ x))) + 5e-4 * (x @ x)
    return f


def mds(xp):
    """sum_ij (||W_i - W_j||^2 - D_ij)^2 over a configuration W of N points in R^d (x = W.ravel())."""
    def f(x, D, d):
        W = xp.reshape(x, (-1, d))
        G = W @ W.T
        sq = xp.diag(G)
        return xp.sum((sq[:, None] + sq[None, :] - 2.0 * G - D) ** 2)
    return f


def mlp(xp):
    """Mean squared error of a tanh network with one hidden layer; x packs (W1, b1, w2, b2)."""
    def f(x, X, y, h):
        k = X.shape[1]
        W1 = xp.reshape(x[: h * k], (h, k))
        b1 = x[h * k: h * k + h]
        w2 = x[h * k + h: h * k + 2 * h]
        b2 = x[-1]
        out = xp.tanh(X @ W1.T + b1) @ w2 + b2
        return xp.mean((out - y) ** 2)
    return f


def setup(name, n, rng):
    if name == "quadratic":
        B = rng.standard_normal((n, n)) / np.sqrt(n)
        return rng.standard_normal(n), ((B + B.T) / 2,)
    if name == "logistic":
        A = rng.standard_normal((500, n))
        return rng.standard_normal(n) / np.sqrt(n), (A, np.sign(rng.standard_normal(500)))
    if name == "mds":
        d = 2
        P = rng.standard_normal((n // d, d))
        sq = np.sum(P ** 2, axis=1)
        D = sq[:, None] + sq[None, :] - 2 * P @ P.T
        return rng.standard_normal(n), (D, d)
    k = 8                                  # mlp: n = h (k + 2) + 1 parameters
    h = max(1, (n - 1) // (k + 2))
    X = rng.standard_normal((500, k))
    return rng.standard_normal(h * (k + 2) + 1) * 0.3, (X, np.sin(X.sum(axis=1)), h)


OBJECTIVES = {"quadratic": quadratic, "logistic": logistic, "mds": mds, "mlp": mlp}


DENSE = ("quadratic", "mds")   # objectives whose data are an n x n matrix: no n = 100000


def grad_ratios(dims, repeats, before=None):
    """(a), (b): rows (objective, n, grad/f, ours/autograd, before/f or nan)."""
    print("\n(a) grad / f and (b) zeroopt grad / autograd grad (medians of interleaved repeats)")
    print(f"{'objective':10s} {'n':>6s} {'f s':>9s} {'grad s':>9s} {'(a) grad/f':>10s} {'autograd s':>10s} "
          f"{'(b) ours/ag':>11s}" + (f" {'before/f':>9s} {'after/before':>12s}" if before else ""))
    rows = []
    for name, make in OBJECTIVES.items():
        for n in dims:
            if n > 10000 and name in DENSE:
                continue
            rng = np.random.default_rng(0)
            x, args = setup(name, n, rng)
            f, g = make(np), zo.grad(make(np))
            funcs = {"f": lambda: f(x, *args), "grad": lambda: g(x, *args)}
            if before is not None:
                gb = before.grad(make(np))
                np.testing.assert_allclose(g(x, *args), gb(x, *args), rtol=1e-12, atol=1e-14)
                funcs["before"] = lambda: gb(x, *args)
            if autograd is not None:
                ga = autograd.grad(make(anp))
                np.testing.assert_allclose(g(x, *args), ga(x, *args), rtol=1e-9, atol=1e-12)
                funcs["autograd"] = lambda: ga(x, *args)
            t = interleaved(funcs, repeats=repeats)
            r_ag = t["grad"] / t["autograd"] if "autograd" in t else float("nan")
            r_before = t["before"] / t["f"] if "before" in t else float("nan")
            rows.append((name, x.size, t["grad"] / t["f"], r_ag, r_before))
            print(f"{name:10s} {x.size:6d} {t['f']:9.2e} {t['grad']:9.2e} {t['grad'] / t['f']:10.2f} "
                  f"{t.get('autograd', float('nan')):10.2e} {r_ag:11.3f}"
                  + (f" {r_before:9.2f} {t['grad'] / t['before']:12.3f}" if before else ""), flush=True)
    return rows


# --- (d) tracing overhead per primitive ---------------------------------------------------------
def _chains(xp):
    """One operation each, applied K times in a chain (values stay bounded)."""
    return {
        "x * c": lambda x, c: x * c,
        "x + c": lambda x, c: x + c,
        "sin(x)": lambda x, c: xp.sin(x),
        "x[::-1]": lambda x, c: x[::-1],
        "x - mean(x) * c": lambda x, c: x - xp.mean(x) * c,
    }


def _chain(op, K):
    def f(x, c):
        for _ in range(K):
            x = op(x, c)
        return x[0] if x.ndim else x
    return f


def primitive_overhead(repeats, Ks=(100, 1000, 10000), ns=(1, 1000, 100000), before=None):
    """(d): microseconds per primitive of recording, of the backward pass, and autograd's total."""
    print("\n(d) tracing overhead per primitive, us: (time - f time) / number of primitives in the chain")
    print(f"{'operation':16s} {'K':>6s} {'n':>7s} {'f us/op':>8s} {'record':>8s} {'backward':>9s} {'total':>7s}"
          f" {'autograd':>9s}" + (f" {'before':>7s}" if before else ""))
    rows = []
    ours, theirs = _chains(np), (_chains(anp) if anp is not None else {})
    cases = [(name, K, 1) for name in ours for K in (Ks[1],)] + [("x * c", K, 1) for K in (Ks[0], Ks[2])] \
        + [("x * c", Ks[1], n) for n in ns[1:]] + [("x - mean(x) * c", Ks[1], n) for n in ns[1:]]
    for name, K, n in cases:
        x, c = np.random.default_rng(0).standard_normal(n) * 0.1, 1.0 + 1e-9
        nprim = K * (4 if "mean" in name else 1)    # mean = sum and divide
        f = _chain(ours[name], K)
        vjp_only = lambda: zo.vjp(f, x, c)  # noqa: E731
        g = zo.grad(f)
        funcs = {"f": lambda: f(x, c), "record": vjp_only, "grad": lambda: g(x, c)}
        if theirs:
            ga = autograd.grad(_chain(theirs[name], K))
            funcs["autograd"] = lambda: ga(x, c)
        if before is not None:
            gb = before.grad(f)
            funcs["before"] = lambda: gb(x, c)
        t = interleaved(funcs, repeats=repeats)
        us = {k: 1e6 * (v - t["f"]) / nprim for k, v in t.items()}
        row = dict(op=name, K=K, n=n, f_us=1e6 * t["f"] / nprim, record_us=us["record"],
                   backward_us=1e6 * (t["grad"] - t["record"]) / nprim, total_us=us["grad"],
                   autograd_us=us.get("autograd", float("nan")), before_us=us.get("before", float("nan")))
        rows.append(row)
        print(f"{name:16s} {K:6d} {n:7d} {row['f_us']:8.2f} {row['record_us']:8.2f} {row['backward_us']:9.2f} "
              f"{row['total_us']:7.2f} {row['autograd_us']:9.2f}" + (f" {row['before_us']:7.2f}" if before else ""),
              flush=True)
    return rows


def jacobian_modes(ms, repeats, figs):
    """(c): the measurement and figure of experiments/jacobian_modes.py (one source for both)."""
    from experiments import jacobian_modes as jm

    print("\n(c) Jacobian of f(x) = A x, n = 100: forward (n JVPs) vs reverse (m VJPs)")
    print(f"{'m':>6s} {'forward s':>11s} {'reverse s':>11s} {'fwd/rev':>8s}")
    rows = jm.measure(ms, repeats=repeats)
    for m, f, r, *_ in rows:   # (m, forward, reverse, one JVP, one VJP, recording)
        print(f"{m:6d} {f:11.2e} {r:11.2e} {f / r:8.2f}")
    if figs:
        print("figure:", jm.figure(rows, figs)[0])
    return rows


# --- (e) checkpointing: tape memory ------------------------------------------------------------------
def _layers(x, k, W, b):
    for _ in range(k):
        x = np.tanh(W @ x + b)
    return x


def _chain_loss(x, n, segments, W, b):
    if not segments:
        return np.sum(_layers(x, n, W, b) ** 2)
    step = zo.ad.checkpoint(_layers)
    for k in np.diff(np.linspace(0, n, segments + 1).round().astype(int)):
        x = step(x, int(k), W, b)
    return np.sum(x ** 2)


def _peak(fun, *args):
    import tracemalloc
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fun(*args)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def checkpoint_memory(depths=(100, 250, 500, 1000, 2000, 4000), sweep_depth=1000,
                      sweep=(1, 2, 5, 10, 20, 32, 50, 100, 200, 500, 1000), width=100, seed=0):
    """Rows (dict) of the checkpointing measurement: depth n, segments s (0: none), schedule ("none",
    "sqrt" for s = round(sqrt(n)), "sweep"), peak_bytes of one gradient, and model_bytes = a s + c n / s + d
    fitted by least squares to the checkpointed rows (c per layer, a per segment; "none": c n + d)."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((width, width)) / np.sqrt(width)
    b = rng.standard_normal(width) * 0.1
    x = rng.standard_normal(width)
    grad = zo.grad(_chain_loss)
    rows = []
    for n in depths:
        rows.append(dict(depth=n, segments=0, schedule="none", peak_bytes=_peak(grad, x, n, 0, W, b)))
        s = int(round(np.sqrt(n)))
        rows.append(dict(depth=n, segments=s, schedule="sqrt", peak_bytes=_peak(grad, x, n, s, W, b)))
    for s in sweep:
        rows.append(dict(depth=sweep_depth, segments=s, schedule="sweep", peak_bytes=_peak(grad, x, sweep_depth, s, W, b)))
    ck = [r for r in rows if r["segments"]]
    A = np.array([[r["segments"], r["depth"] / r["segments"], 1.0] for r in ck])
    a, c, d = np.linalg.lstsq(A, np.array([r["peak_bytes"] for r in ck], dtype=float), rcond=None)[0]
    for r in rows:
        s, n = r["segments"], r["depth"]
        r["model_bytes"] = a * s + c * n / s + d if s else c * n + d
    return rows, dict(per_segment=a, per_layer=c, constant=d)


def checkpoint_section(csv_dir=None, quick=False):
    print("\n(e) checkpointing: peak memory of one gradient of n tanh layers (width 100), tracemalloc")
    rows, fit = checkpoint_memory(depths=(100, 400, 1600) if quick else (100, 250, 500, 1000, 2000, 4000),
                                  sweep=(1, 5, 10, 32, 100, 1000) if quick else (1, 2, 5, 10, 20, 32, 50, 100, 200, 500, 1000))
    print(f"fit: {fit['per_layer']:.0f} B per layer kept, {fit['per_segment']:.0f} B per segment, {fit['constant']:.0f} B")
    print(f"{'n':>6s} {'s':>5s} {'schedule':>8s} {'peak kB':>9s} {'model kB':>9s}")
    for r in rows:
        print(f"{r['depth']:6d} {r['segments']:5d} {r['schedule']:>8s} {r['peak_bytes'] / 1e3:9.1f} {r['model_bytes'] / 1e3:9.1f}")
    rng = np.random.default_rng(1)
    W, b, x = rng.standard_normal((100, 100)) / 10, rng.standard_normal(100) * 0.1, rng.standard_normal(100)
    g = zo.grad(_chain_loss)
    t = interleaved({"none": lambda: g(x, 1000, 0, W, b), "sqrt": lambda: g(x, 1000, 32, W, b)}, repeats=3 if quick else 7)
    print(f"time of one gradient at n = 1000: {t['none'] * 1e3:.1f} ms without, {t['sqrt'] * 1e3:.1f} ms with 32 "
          f"segments ({t['sqrt'] / t['none']:.2f}x: one more forward pass)")
    if csv_dir:
        import csv
        os.makedirs(csv_dir, exist_ok=True)
        path = os.path.join(csv_dir, "ad_checkpoint_memory.csv")
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        print("csv:", path)
    return rows


KEEP_MEMORY = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(2**30)}


def _sections(text):
    """``type=`` for --sections: one or more of the letters a-f."""
    letters = text.strip()
    if not letters or any(c not in "abcdef" for c in letters):
        raise argparse.ArgumentTypeError(f"expected one or more of the letters a-f, got {text!r}")
    return letters


def _git_revision(ref):
    """``type=`` for --before: a git revision of this repository."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True,
                          text=True, cwd=os.path.dirname(os.path.abspath(__file__)))
    if done.returncode != 0:
        raise argparse.ArgumentTypeError(f"not a git revision of this repository: {ref!r}")
    return ref


def _directory(text):
    """``type=`` for a directory to write into: not an existing file."""
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is an existing file, not a directory")
    return text


def main(argv=None):
    from experiments import _cli

    ap = _cli.parser(__doc__, __spec__.name)
    ap.add_argument("--quick", action="store_true", help="n up to 1000, fewer repeats")
    ap.add_argument("--figs", type=_directory, default=None, help="directory for the Jacobian-modes figure (e.g. paper_figs)")
    ap.add_argument("--malloc", choices=("both", "default", "keep"), default="both",
                    help="glibc allocator settings to measure under (see the module docstring)")
    ap.add_argument("--before", type=_git_revision, default=None, metavar="REF",
                    help="also time zeroopt/ad as it was at this git revision (e.g. main), in the same rounds")
    ap.add_argument("--sections", type=_sections, default="abcde",
                    help="which sections to run (letters a-f; default a-e: f, the compiled gradient, on request)")
    ap.add_argument("--blas-threads", type=_cli.int_range(1, 256), default=1, metavar="T",
                    help="BLAS threads in section f (default 1, as in the sweeps' tasks)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall clock, or the process's CPU time (robust to other jobs on the machine)")
    ap.add_argument("--csv", type=_directory, default=None, metavar="DIR",
                    help="write the checkpointing rows (e) to DIR/ad_checkpoint_memory.csv")
    a = ap.parse_args(argv)
    if a.malloc == "both":
        for mode in ("default", "keep"):
            env = dict(os.environ, **(KEEP_MEMORY if mode == "keep" else {}))
            cmd = [sys.executable, "-m", __spec__.name, "--malloc", mode, "--sections", a.sections] + (["--quick"] if a.quick else [])
            cmd += ["--before", a.before] if a.before else []
            cmd += ["--csv", a.csv] if a.csv and mode == "keep" else []
            cmd += ["--clock", a.clock, "--blas-threads", str(a.blas_threads)]
            if a.figs and mode == "keep":
                cmd += ["--figs", a.figs]
            subprocess.run(cmd, env=env, check=True, cwd=ROOT)
        return
    if a.malloc == "keep" and any(os.environ.get(k) != v for k, v in KEEP_MEMORY.items()):
        os.chdir(ROOT)   # (python -m finds the package from the repository root)
        os.execve(sys.executable, [sys.executable, "-m", __spec__.name] + sys.argv[1:], dict(os.environ, **KEEP_MEMORY))
    if a.clock == "cpu":
        import time
        import types

        from benchmarks import _common
        _common.time = types.SimpleNamespace(perf_counter=time.process_time)
    header(f"python -m benchmarks.ad, glibc malloc: {a.malloc}, clock: {a.clock}"
           + (" (MALLOC_MMAP_THRESHOLD_=32MiB, MALLOC_TRIM_THRESHOLD_=1GiB)" if a.malloc == "keep" else ""))
    if autograd is None:
        print("# autograd is not installed (pip install -e '.[bench]'): column (b) is skipped")
    before = load_before(a.before) if a.before else None
    if "a" in a.sections or "b" in a.sections:
        grad_ratios((10, 100, 1000) if a.quick else (10, 100, 1000, 100000), 5 if a.quick else 9, before)
    if "c" in a.sections:
        jacobian_modes((10, 30, 100, 300, 1000) if a.quick else (10, 20, 50, 100, 200, 500, 1000, 2000), 5, a.figs)
    if "d" in a.sections:
        primitive_overhead(3 if a.quick else 7, before=before)
    if "e" in a.sections:
        checkpoint_section(a.csv, a.quick)
    if "f" in a.sections:
        from threadpoolctl import threadpool_limits

        from benchmarks import _ad_compiled
        with threadpool_limits(limits=a.blas_threads, user_api="blas"):
            print(f"# section f: BLAS threads {a.blas_threads}")
            _ad_compiled.run(a.quick)


if __name__ == "__main__":
    main()
