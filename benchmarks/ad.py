"""zeroopt.ad against the cheap-gradient principle and against autograd.

    python benchmarks/ad.py [--quick] [--figs paper_figs]

(a) grad time / time of the same plain-numpy f, n in {10, 100, 1000, 10000}, on a dense quadratic,
    logistic regression (500 samples), the distance-matrix recovery loss (MDS) and a one-hidden-layer
    network MSE. Target <= 5 for n >= 1000.
(b) our grad time / autograd's grad time on the same function (written once against a numpy module:
    numpy for f and zeroopt, autograd.numpy for autograd). Target <= 1.0 for n <= 100, <= 1.05 above.
(c) Jacobian of f(x) = A x with n = 100 fixed and m varied, forward vs reverse mode (the data behind
    the lecture's figure "Jacobian time, forward vs reverse"); with --figs, draws that figure.
Medians of interleaved repeats, measured in this one run.

Memory note: reverse mode keeps every intermediate alive until the backward pass, so with glibc's
default settings each large intermediate (> 128 KiB) is a fresh mmap that page-faults on first touch,
and the heap is trimmed back after every gradient - for the MDS loss at n = 1000 that is ~10 ms of page
faults per gradient against ~2 ms of arithmetic, for autograd as for zeroopt. ``--malloc keep`` runs the
measurement in a child process with MALLOC_MMAP_THRESHOLD_=32 MiB and MALLOC_TRIM_THRESHOLD_=1 GiB (glibc
then reuses freed memory); ``--malloc default`` leaves glibc alone; ``--malloc both`` (the default) runs
both, each in a fresh process.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
from _common import header, interleaved

import zeroopt as zo

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # pragma: no cover - autograd is in the bench extra
    autograd = anp = None


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


def grad_ratios(dims, repeats):
    print("\n(a) grad / f and (b) zeroopt grad / autograd grad (medians of interleaved repeats)")
    print(f"{'objective':10s} {'n':>6s} {'f s':>10s} {'grad s':>10s} {'(a) grad/f':>10s} {'autograd s':>11s} {'(b) ours/ag':>11s}")
    rows = []
    for name, make in OBJECTIVES.items():
        for n in dims:
            rng = np.random.default_rng(0)
            x, args = setup(name, n, rng)
            f, g = make(np), zo.grad(make(np))
            funcs = {"f": lambda: f(x, *args), "grad": lambda: g(x, *args)}
            if autograd is not None:
                ga = autograd.grad(make(anp))
                np.testing.assert_allclose(g(x, *args), ga(x, *args), rtol=1e-9, atol=1e-12)
                funcs["autograd"] = lambda: ga(x, *args)
            t = interleaved(funcs, repeats=repeats)
            r_ag = t["grad"] / t["autograd"] if "autograd" in t else float("nan")
            rows.append((name, x.size, t["grad"] / t["f"], r_ag))
            print(f"{name:10s} {x.size:6d} {t['f']:10.2e} {t['grad']:10.2e} {t['grad'] / t['f']:10.2f} "
                  f"{t.get('autograd', float('nan')):11.2e} {r_ag:11.3f}")
    return rows


def jacobian_modes(ms, repeats, figs):
    """(c): the measurement and figure of experiments/jacobian_modes.py (one source for both)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "experiments"))
    import jacobian_modes as jm

    print("\n(c) Jacobian of f(x) = A x, n = 100: forward (n JVPs) vs reverse (m VJPs)")
    print(f"{'m':>6s} {'forward s':>11s} {'reverse s':>11s} {'fwd/rev':>8s}")
    rows = jm.measure(ms, repeats=repeats)
    for m, f, r in rows:
        print(f"{m:6d} {f:11.2e} {r:11.2e} {f / r:8.2f}")
    if figs:
        print("figure:", jm.figure(rows, figs)[0])
    return rows


KEEP_MEMORY = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(2**30)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n up to 1000, fewer repeats")
    ap.add_argument("--figs", default=None, help="directory for the Jacobian-modes figure (e.g. paper_figs)")
    ap.add_argument("--malloc", choices=("both", "default", "keep"), default="both",
                    help="glibc allocator settings to measure under (see the module docstring)")
    a = ap.parse_args()
    if a.malloc == "both":
        for mode in ("default", "keep"):
            env = dict(os.environ, **(KEEP_MEMORY if mode == "keep" else {}))
            cmd = [sys.executable, __file__, "--malloc", mode] + (["--quick"] if a.quick else [])
            if a.figs and mode == "keep":
                cmd += ["--figs", a.figs]
            subprocess.run(cmd, env=env, check=True)
        return
    if a.malloc == "keep" and any(os.environ.get(k) != v for k, v in KEEP_MEMORY.items()):
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, **KEEP_MEMORY))
    header(f"benchmarks/ad.py, glibc malloc: {a.malloc}"
           + (" (MALLOC_MMAP_THRESHOLD_=32MiB, MALLOC_TRIM_THRESHOLD_=1GiB)" if a.malloc == "keep" else ""))
    if autograd is None:
        print("# autograd is not installed (pip install -e '.[bench]'): column (b) is skipped")
    grad_ratios((10, 100, 1000) if a.quick else (10, 100, 1000, 10000), 5 if a.quick else 9)
    jacobian_modes((10, 30, 100, 300, 1000) if a.quick else (10, 20, 50, 100, 200, 500, 1000, 2000), 5, a.figs)


if __name__ == "__main__":
    main()
