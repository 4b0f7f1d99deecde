"""Comparison of the line searches of the lectures (lecture notes 001, Figure 18).

Left and middle: the interval searches (dichotomy, golden section, successive parabolic interpolation,
Brent) on [a, b] = [-2, 3]: the error |x_N - x*| of the best point after N evaluations of phi, with the
lecture's bounds 0.707^(N-1) (b - a)/2 (dichotomy) and (1/tau)^(N-1) (b - a) (golden section, tau the golden
ratio). Right: the same searches inside steepest descent (exact line search along -grad f), next to the
inexact step rules (Armijo, Goldstein, Wolfe) and the fixed step 1/L inside gradient descent, on
L2-regularised logistic regression: f(x_k) - f* against the evaluations of f and grad f spent.

    python -m experiments.linesearch [--quick] [--out results/linesearch] [--figs paper_figs]

Deterministic and serial: it takes no --seeds and no --jobs.
Writes linesearch.csv (function, method, evaluation, error) and linesearch_gd.csv (method, iteration,
evaluations, gap) under --out, and linesearch.png/.pdf/.txt under --figs.
"""

import csv
import math
import os

import numpy as np

import zeroopt as zo
from experiments import _cli
from experiments._figures import legend_outside, save_figure, style
from experiments._registry import experiment
from zeroopt import linesearch as ls

EXPERIMENT = experiment("linesearch", __spec__.name, [
    ("linesearch", "001", "18", "line searches compared: error against evaluations, and the step rules inside "
                                "descent")])

C = 0.37  # the minimiser x* of both test functions; t = x - c
FUNCTIONS = {
    "f = e^t - 1 - t + t^4/10, t = x - c": lambda x: math.expm1(x - C) - (x - C) + 0.1 * (x - C) ** 4,
    "f = |x - c|^1.5 (not smooth at c)": lambda x: abs(x - C) ** 1.5,
}
A, B = -2.0, 3.0
SCALAR = ("dichotomy", "golden", "parabolic", "brent")
TAU = (1.0 + math.sqrt(5.0)) / 2.0


def trace(method, f, a=A, b=B, tol=1e-12):
    """Errors |x_best - c| of the best point after each evaluation made by zo.linesearch.<method>."""
    best, xs = [math.inf, None], []

    def phi(x):
        v = f(x)
        if v < best[0]:
            best[0], best[1] = v, x
        xs.append(abs(best[1] - C))
        return v

    if method == "parabolic":
        lo, mid, hi, *_ = ls.bracket(phi, a, a + (b - a) * ls.INVPHI2)
        ls.parabolic(phi, lo, mid, hi, tol=tol)
    else:
        getattr(ls, method)(phi, a, b, tol=tol)
    return np.array(xs)


def bounds(N, a=A, b=B):
    """The lecture's bounds on |x_N - x*| after N evaluations (N counts every evaluation, the first one
    included). Dichotomy: after k halvings |c - x*| <= (b - a)/2^(k+1), and a halving costs at most 2
    evaluations after the first, so k >= floor((N - 1)/2) - the staircase under which the lecture's
    envelope 0.707^N (b - a)/2 is drawn with N counting 2 evaluations per halving. Golden section: the
    best point lies in the bracket its probes prove, of width (1/tau)^(N-1) (b - a)."""
    N = np.asarray(N)
    return (b - a) / 2 * 0.5 ** np.floor((N - 1) / 2), TAU ** -(N - 1.0) * (b - a)


#: the step rules inside descent: (label, zo.minimize keyword arguments); exact searches in steepest descent
RULES = [("fixed step 1/L (gd)", "fixed"), ("golden (steepest)", "golden"), ("brent (steepest)", "brent"),
         ("parabolic (steepest)", "parabolic"), ("armijo (gd)", "armijo"), ("goldstein (gd)", "goldstein"),
         ("wolfe (gd)", "wolfe")]


def descent(rule, maxiter=300, m=300, n=20):
    """f(x_k) - f* against the evaluations of f plus those of grad f (exact, by AD) for one step rule on
    logistic regression (m samples, n features, seed 0), from x0 = 0."""
    lp = zo.problems.logistic(m=m, n=n, seed=0)
    # Python mode: the searches run as Python on this small problem instead of compiling each one for it
    p = zo.Problem(lp.py_fun, n, args=lp.args, x_star=lp.x_star, f_star=lp.f_star, mu=lp.mu, L=lp.L, jit=False)
    if rule == "fixed":
        kw = dict(method="gd", step=1.0 / p.L)
    elif rule in ("armijo", "goldstein", "wolfe"):
        kw = dict(method="gd", step=getattr(ls, rule))
    else:
        kw = dict(method="steepest", step=getattr(ls, rule))
    spent = [0]  # evaluations of f and grad f after each iteration, read from the problem's counters

    def count(_):
        spent.append(p.nfev + p.ngev)

    r = zo.minimize(p, np.zeros(n), zo.ExactAD(), maxiter=maxiter, record="all", callback=count, **kw)
    h = r.history
    return h["nit"], np.array(spent)[h["nit"]], h["f"] - p.f_star


def main(argv=None):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, out=os.path.join("results", "linesearch"), figs=True,
                    quick="fewer descent iterations (40 instead of 300)")
    a = _cli.parse(ap, argv)  # deterministic and serial: it takes no --seeds and no --jobs
    os.makedirs(a.out, exist_ok=True)
    maxiter = 40 if a.quick else 300

    with style() as plt:
        fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
        with open(os.path.join(a.out, "linesearch.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["function", "method", "evaluation", "error"])
            for ax, (name, f) in zip(axes, FUNCTIONS.items()):
                for i, method in enumerate(SCALAR):
                    err = trace(method, f)
                    w.writerows((name, method, k + 1, e) for k, e in enumerate(err))
                    ax.semilogy(np.arange(1, len(err) + 1), np.maximum(err, 1e-17), color=f"C{i}", label=method)
                N = np.arange(1, 80)
                dich, gold = bounds(N)
                ax.semilogy(N, dich, "k:", lw=1, drawstyle="steps-post",
                            label="bound (b - a)/2^(k+1), k = floor((N - 1)/2) halvings (dichotomy)")
                ax.semilogy(N, gold, "k--", lw=1, label="bound (1/tau)^(N-1) (b - a) (golden)")
                ax.set_title(name + f"\nc = x* = {C}, [a, b] = [{A:g}, {B:g}]", fontsize=8.5)
                ax.set_xlabel("evaluations of phi, N")
                ax.set_ylim(1e-16, 10)
                ax.set_xlim(0, 80)
            axes[0].set_ylabel("|x_N - x*|, best point so far")
        ax = axes[2]
        with open(os.path.join(a.out, "linesearch_gd.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["method", "iteration", "evaluations", "gap"])
            for i, (label, rule) in enumerate(RULES):
                nit, nev, gap = descent(rule, maxiter)
                w.writerows(zip([rule] * len(nit), nit, nev, gap))
                keep = (nev > 0) & (np.minimum.accumulate(gap) > 1e-15)  # until it reaches rounding level
                ax.loglog(nev[keep], gap[keep], color=f"C{i + 3}" if i else "0.3", ls="-" if i < 4 else "--",
                          marker="." if i else None, ms=3, label=label)
        ax.set_title("inside descent: logistic regression, m = 300, n = 20\n(steepest: exact search; gd: a step rule)",
                     fontsize=8.5)
        ax.set_xlabel("evaluations of f and of grad f")
        ax.set_ylabel("f(x_k) - f*")
        ax.set_xlim(1, 2000)
        ax.set_ylim(1e-15, 1)
        legend_outside(fig, "below", ncol=4)
    caption = ("Lecture 001, Figure 18: line searches compared. Left, middle: error of the best point against "
               "evaluations on [-2, 3] for two functions with minimiser c = 0.37 (t = x - c); dichotomy and "
               "golden section stay under the lecture's bounds (b - a)/2^(k+1) after k halvings (at most 2 "
               "evaluations each: 0.707^N (b - a)/2 in the lecture's count) and (1/tau)^(N-1) (b - a), "
               "parabolic interpolation and Brent are superlinear on the smooth function. Right: inside descent "
               "on logistic regression (f and grad f by AD, each counted as one evaluation), the exact searches "
               "(steepest descent) spend tens of evaluations per step; the inexact rules (Armijo, Goldstein, "
               "Wolfe) reach the same accuracy with 5-20x fewer, and the fixed step 1/L, which needs L, with "
               "fewer still.")
    if a.figs is not None:
        print("figure:", save_figure(fig, a.figs, "linesearch", dpi=130, caption=caption)[0])
    else:
        plt.close(fig)


if __name__ == "__main__":
    main()
