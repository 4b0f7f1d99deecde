"""Comparison of the line searches of the lectures (lecture notes 001, Figure 18).

Left and middle: the interval searches (dichotomy, golden section, successive parabolic interpolation,
Brent) on [a, b] = [-2, 3]: the error |x_N - x*| of the best point after N evaluations of phi, with the
lecture's bounds 0.707^(N-1) (b - a)/2 (dichotomy) and (1/tau)^(N-1) (b - a) (golden section, tau the golden
ratio), and the scale sqrt(eps) |x*| at which the stopping tests of parabolic interpolation and Brent
stop them. Right: the same searches inside steepest descent (exact line search along -grad f), next to
the inexact step rules (Armijo, Goldstein, Wolfe) and the fixed step 1/L inside gradient descent, on
L2-regularised logistic regression: f(x_k) - f* against the evaluations of f and grad f spent; the
caption's counts (evaluations to reach f - f* <= 1e-12) are read from these curves.

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


#: one colour per method in every panel (a search keeps its colour inside steepest descent)
COLORS = {"dichotomy": "C0", "golden": "C1", "parabolic": "C2", "brent": "C3", "armijo": "C4",
          "goldstein": "C8", "wolfe": "C9", "fixed": "k"}

#: the steps inside descent: (label, rule); the exact searches in steepest descent, the rules in gd
RULES = [("golden (steepest)", "golden"), ("brent (steepest)", "brent"), ("parabolic (steepest)", "parabolic"),
         ("armijo (gd)", "armijo"), ("goldstein (gd)", "goldstein"), ("wolfe (gd)", "wolfe"),
         ("fixed step 1/L (gd)", "fixed")]
EXACT = ("golden", "brent", "parabolic")
TARGET = 1e-12  # the gap at which the caption counts evaluations
#: the scale of the stopping tests of parabolic and brent: steps below tol + sqrt(eps) |x| are not taken
STOP_SCALE = math.sqrt(np.finfo(float).eps) * abs(C)


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


def draw_scalar(axes, w):
    """The two scalar panels (rows written to ``w``); returns {(function index, method): final error}."""
    final = {}
    for j, (ax, (name, f)) in enumerate(zip(axes, FUNCTIONS.items())):
        for method in SCALAR:
            err = trace(method, f)
            w.writerows((name, method, k + 1, e) for k, e in enumerate(err))
            final[j, method] = float(err[-1])
            ax.semilogy(np.arange(1, len(err) + 1), np.maximum(err, 1e-17), color=COLORS[method], label=method)
        N = np.arange(1, 80)
        dich, gold = bounds(N)
        ax.semilogy(N, dich, "k:", lw=1, drawstyle="steps-post",
                    label="dichotomy's bound (b - a)/2^(k+1), k = floor((N - 1)/2)")
        ax.semilogy(N, gold, "k--", lw=1, label="golden's bound (1/tau)^(N-1) (b - a)")
        ax.axhline(STOP_SCALE, color="0.45", ls="-.", lw=0.9,
                   label=f"sqrt(eps) |x*| = {STOP_SCALE:.1e}: parabolic's and brent's shortest step")
        ax.set_title(name + f"\nc = x* = {C}, [a, b] = [{A:g}, {B:g}]", fontsize=8.5)
        ax.set_xlabel("evaluations of phi, N")
        ax.set_ylim(1e-16, 10)
        ax.set_xlim(0, 80)
    axes[0].set_ylabel("|x_N - x*|, best point so far")
    return final


def first_below(nev, gap, target=TARGET):
    """The evaluations spent when the gap first fell to ``target`` (None if it never did)."""
    hit = np.flatnonzero(gap <= target)
    return int(nev[hit[0]]) if hit.size else None


def draw_descent(ax, w, maxiter):
    """The descent panel (rows written to ``w``); returns {rule: evaluations to reach TARGET or None}."""
    counts = {}
    for i, (label, rule) in enumerate(RULES):
        nit, nev, gap = descent(rule, maxiter)
        w.writerows(zip([rule] * len(nit), nit, nev, gap))
        counts[rule] = first_below(nev, gap)
        keep = (nev > 0) & (np.minimum.accumulate(gap) > 1e-15)  # until it reaches rounding level
        exact = rule in EXACT
        ax.loglog(nev[keep], gap[keep], color=COLORS[rule], ls="-" if exact or rule == "fixed" else "--",
                  marker="." if exact else (None if rule == "fixed" else "x"), ms=3.5, label=label)
        if i == len(EXACT) - 1:  # (its legend entry in the column of the exact searches)
            ax.axhline(TARGET, color="0.45", ls=":", lw=0.9, label=f"f - f* = {TARGET:g}: the caption's counts")
    ax.set_title("inside descent: logistic regression, m = 300, n = 20\n(steepest: exact search; gd: a step rule)",
                 fontsize=8.5)
    ax.set_xlabel("evaluations of f and of grad f")
    ax.set_ylabel("f(x_k) - f*")
    ax.set_xlim(1, 2000)
    ax.set_ylim(1e-15, 1)
    return counts


def make_caption(final, counts, maxiter):
    """The caption, with every number read from the data drawn."""
    def n(rule):
        return str(counts[rule]) if counts[rule] is not None else f"not within {maxiter} iterations"

    names = {"golden": "golden", "brent": "Brent", "parabolic": "parabolic", "armijo": "Armijo",
             "goldstein": "Goldstein", "wolfe": "Wolfe"}
    exact = {r: counts[r] for r in EXACT if counts[r] is not None}
    rules = {r: counts[r] for r in ("armijo", "goldstein", "wolfe") if counts[r] is not None}
    compare = ""
    if len(exact) == len(EXACT) and len(rules) == 3:
        lo_e, hi_e = min(exact, key=exact.get), max(exact, key=exact.get)
        lo_r, hi_r = min(rules, key=rules.get), max(rules, key=rules.get)
        compare = (f" The rules need {exact[lo_e] / rules[hi_r]:.1f}x ({names[lo_e]} against {names[hi_r]}) to "
                   f"{exact[hi_e] / rules[lo_r]:.0f}x ({names[hi_e]} against {names[lo_r]}) fewer evaluations "
                   f"than the exact searches.")
    smooth, rough = 0, 1
    return ("Lecture 001, Figure 18: line searches compared. Left, middle: error of the best point against "
            "evaluations on [-2, 3] for two functions with minimiser c = 0.37 (t = x - c); dichotomy and "
            "golden section stay under the lecture's bounds (b - a)/2^(k+1) after k halvings (at most 2 "
            "evaluations each: 0.707^N (b - a)/2 in the lecture's count) and (1/tau)^(N-1) (b - a); "
            "parabolic interpolation and Brent are superlinear on the smooth function (final errors "
            f"{final[smooth, 'parabolic']:.0e} and {final[smooth, 'brent']:.0e}). On |x - c|^1.5 they stop at "
            f"{final[rough, 'parabolic']:.0e} and {final[rough, 'brent']:.0e}: their stopping tests take no "
            f"step shorter than about sqrt(eps) |x| = {STOP_SCALE:.1e} (dash-dotted), the distance within which "
            "a smooth f with f* != 0 is flat to rounding. This f is not flat there (x - c is exact near c and "
            "|t|^1.5 keeps its relative accuracy), but near its non-smooth minimum interpolation converges "
            "only linearly, so the last step leaves an error of that order; on the smooth function the "
            "superlinear last step lands far below it. Right: inside descent on logistic regression (f and "
            "grad f by AD, each counted as one evaluation), evaluations to reach f - f* <= "
            f"{TARGET:g} (dotted): the exact searches of steepest descent golden {n('golden')}, Brent "
            f"{n('brent')}, parabolic {n('parabolic')}; the inexact rules in gradient descent Armijo "
            f"{n('armijo')}, Goldstein {n('goldstein')}, Wolfe {n('wolfe')} (Armijo and Wolfe interpolate); "
            f"the fixed step 1/L, which needs L, {n('fixed')}." + compare)


def main(argv=None):
    ap = _cli.parser(__doc__, __spec__.name)
    _cli.add_common(ap, out=os.path.join("results", "linesearch"), figs=True,
                    quick="fewer descent iterations (40 instead of 300)")
    a = _cli.parse(ap, argv)  # deterministic and serial: it takes no --seeds and no --jobs
    os.makedirs(a.out, exist_ok=True)
    maxiter = 40 if a.quick else 300

    with style() as plt:
        fig = plt.figure(figsize=(12, 5.0))
        left, right = fig.subfigures(1, 2, width_ratios=[2, 1.05])
        axes = left.subplots(1, 2)
        with open(os.path.join(a.out, "linesearch.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["function", "method", "evaluation", "error"])
            final = draw_scalar(axes, w)
        with open(os.path.join(a.out, "linesearch_gd.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["method", "iteration", "evaluations", "gap"])
            counts = draw_descent(right.subplots(), w, maxiter)
        legend_outside(left, "below", ncol=2)
        legend_outside(right, "below", ncol=2)
    caption = make_caption(final, counts, maxiter)
    if a.figs is not None:
        print("figure:", save_figure(fig, a.figs, "linesearch", dpi=130, caption=caption)[0])
    else:
        plt.close(fig)


if __name__ == "__main__":
    main()
