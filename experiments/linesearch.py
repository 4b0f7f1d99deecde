"""Comparison of the line searches of the lectures (lecture notes 001, Figure 18): the error |x_N - x*| of
the best point found against the number of function evaluations N, with the bounds 0.707^N (b - a)/2
(dichotomy) and 0.618^(N-2) (b - a) (golden section).

    python experiments/linesearch.py [--quick] [--out results/linesearch] [--figs paper_figs]

Deterministic; --seeds and --jobs are accepted for uniformity with the other experiments and ignored.
Writes linesearch.csv (function, method, evaluation, error) under --out and linesearch.png/.pdf under --figs.
"""

import argparse
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root

import numpy as np

from zeroopt import linesearch as ls
from experiments._figures import pyplot, save_figure

C = 0.37
FUNCTIONS = {
    "expm1(t) - t + t^4/10": lambda x: math.expm1(x - C) - (x - C) + 0.1 * (x - C) ** 4,
    "|x - c|^1.5 (not smooth at c)": lambda x: abs(x - C) ** 1.5,
}


def trace(method, f, a=-2.0, b=3.0, tol=1e-12):
    """Errors of the best point after each evaluation."""
    best, xs = [math.inf, None], []

    def phi(x):
        v = f(x)
        if v < best[0]:
            best[0], best[1] = v, x
        xs.append(abs(best[1] - C))
        return v

    if method == "dichotomy":
        ls.dichotomy(phi, a, b, tol=tol)
    elif method == "golden":
        ls.golden(phi, a, b, tol=tol)
    elif method == "brent":
        ls.brent(phi, a, b, tol=tol)
    else:
        lo, mid, hi, *_ = ls.bracket(phi, a, a + (b - a) * ls.INVPHI2)
        ls.parabolic(phi, lo, mid, hi, tol=tol)
    return np.array(xs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="(the same: it takes well under a second)")
    ap.add_argument("--seeds", type=int, default=1, help="ignored (deterministic)")
    ap.add_argument("--jobs", type=int, default=1, help="ignored")
    ap.add_argument("--out", default=os.path.join("results", "linesearch"))
    ap.add_argument("--figs", default=None, help="figure directory (default paper_figs/; with --quick, <out>/figs)")
    a = ap.parse_args(argv)
    if a.figs is None:
        a.figs = os.path.join(a.out, "figs") if a.quick else "paper_figs"
    plt = pyplot()

    os.makedirs(a.out, exist_ok=True)
    fig, axes = plt.subplots(1, len(FUNCTIONS), figsize=(10, 3.8), sharey=True)
    with open(os.path.join(a.out, "linesearch.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["function", "method", "evaluation", "error"])
        for ax, (name, f) in zip(axes, FUNCTIONS.items()):
            for method in ("dichotomy", "golden", "parabolic", "brent"):
                err = trace(method, f)
                w.writerows((name, method, i + 1, e) for i, e in enumerate(err))
                ax.semilogy(np.arange(1, len(err) + 1), np.maximum(err, 1e-17), label=method)
            N = np.arange(1, 80)
            ax.semilogy(N, 0.707 ** N * 5 / 2, "k:", lw=0.8, label="0.707^N (b-a)/2")
            ax.semilogy(N, 0.618 ** (N - 2) * 5, "k--", lw=0.8, label="0.618^(N-2) (b-a)")
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("function evaluations N")
            ax.set_ylim(1e-16, 10)
            ax.set_xlim(0, 80)
        axes[0].set_ylabel("|x_N - x*| (best point so far)")
        axes[0].legend(fontsize=7)
    fig.suptitle("Line searches on [a, b] = [-2, 3]: error against evaluations", fontsize=10)
    print("figure:", save_figure(fig, a.figs, "linesearch", dpi=150)[0])


if __name__ == "__main__":
    main()
