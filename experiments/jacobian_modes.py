"""Jacobian time, forward vs reverse mode, for f(x) = A x with n = 100 and the output size m varied
(the lecture's figure, lecture notes 001, Figure 35): forward mode costs n JVPs whatever m is, reverse
mode m VJPs on one tape, so they cross near m = n.

    python experiments/jacobian_modes.py [--quick] [--seeds R] [--out results/jacobian_modes] [--figs paper_figs]

--seeds is the number of interleaved timing repeats (median reported); timing runs serially, so --jobs
is accepted for uniformity with the other experiments and ignored. Writes jacobian_modes.csv (m,
forward_s, reverse_s) under --out and jacobian_modes.png/.pdf under --figs.
"""

import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root

import numpy as np

import zeroopt as zo
from experiments._figures import pyplot, save_figure


def measure(ms, n=100, repeats=5, seed=0):
    """[(m, median forward seconds, median reverse seconds)], forward and reverse timed alternately."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    f = lambda x, A: A @ x  # noqa: E731
    jf, jr = zo.jacobian(f, mode="fwd"), zo.jacobian(f, mode="rev")
    rows = []
    for m in ms:
        A = rng.standard_normal((m, n))
        assert np.allclose(jf(x, A), A) and np.allclose(jr(x, A), A)
        tf, tr = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            jf(x, A)
            tf.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            jr(x, A)
            tr.append(time.perf_counter() - t0)
        rows.append((m, float(np.median(tf)), float(np.median(tr))))
    return rows


def figure(rows, figs, n=100):
    plt = pyplot()

    ms, tf, tr = map(np.array, zip(*rows))
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.loglog(ms, tf, "o-", label=f"forward mode: n = {n} JVPs")
    ax.loglog(ms, tr, "s-", label="reverse mode: m VJPs")
    ax.loglog(ms, tr[0] * ms / ms[0], ":", color="C1", lw=0.8, label="reverse, proportional to m")
    ax.axvline(n, color="gray", ls="--", lw=0.8, label="m = n")
    ax.set_xlabel("output dimension m")
    ax.set_ylabel("time for the Jacobian, s")
    ax.set_title(f"Jacobian of f(x) = Ax, n = {n}: forward vs reverse", fontsize=9)
    ax.legend(fontsize=7)
    return save_figure(fig, figs, "jacobian_modes", dpi=150)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="five output sizes instead of ten")
    ap.add_argument("--seeds", type=int, default=5, help="timing repeats per point (median reported)")
    ap.add_argument("--jobs", type=int, default=1, help="ignored: timings run serially")
    ap.add_argument("--out", default=os.path.join("results", "jacobian_modes"), help="results directory")
    ap.add_argument("--figs", default=None, help="figure directory (default paper_figs/; with --quick, <out>/figs)")
    a = ap.parse_args(argv)
    if a.figs is None:
        a.figs = os.path.join(a.out, "figs") if a.quick else "paper_figs"
    ms = [10, 30, 100, 300, 1000] if a.quick else [10, 20, 50, 100, 150, 200, 300, 500, 1000, 2000]
    rows = measure(ms, repeats=max(1, a.seeds))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "jacobian_modes.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["m", "forward_s", "reverse_s"])
        w.writerows(rows)
    print(f"{'m':>6s} {'forward s':>11s} {'reverse s':>11s} {'fwd/rev':>8s}")
    for m, f, r in rows:
        print(f"{m:6d} {f:11.2e} {r:11.2e} {f / r:8.2f}")
    if a.figs:
        print("figure:", figure(rows, a.figs)[0])


if __name__ == "__main__":
    main()
