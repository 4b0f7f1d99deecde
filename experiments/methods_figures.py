"""The figures of the methods experiment (experiments/methods.py): the accelerated random method against
FGM with its slowdown beside 4(n + 4), and Random Pursuit against zero-order gradient descent and the
bound (1 - mu/(nL))^k."""

from __future__ import annotations

import numpy as np

from experiments._figures import legend_outside
from experiments.methods_runs import TARGETS, bound_iterations
from zeroopt import theory as zt


def _seeds(ax, runs, color, label, scale=1.0, loglog=False):
    """One thin line per seed (each run stops once below the last target, at its own iteration)."""
    for i, (_, k, g) in enumerate(runs):
        keep = (k >= 1) if loglog else np.ones(len(k), bool)
        plot = ax.loglog if loglog else ax.semilogy
        plot(k[keep] / scale, np.maximum(g[keep], 1e-300), color=color, lw=0.8, alpha=0.55,
             label=label if i == 0 else None)


def accelerated(plt, data, summary, dims):
    """Left: f - f* relative to the start against the iterations divided by 4(n+4), FGM's against its own
    iterations. Right: the measured slowdown against n, with the 4(n+4) line."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.5, 3.9))
    for i, n in enumerate(dims):
        c = f"C{i}"
        _, k_f, g_f = data[("accelerated", n, "fgm")][0]
        keep = k_f >= 1
        ax.loglog(k_f[keep], np.maximum(g_f[keep], 1e-300), color=c, ls="--", lw=1.2,
                  label=f"FGM (ExactAD), n = {n}")
        scale = zt.accelerated_slowdown(n)
        _seeds(ax, data[("accelerated", n, "zo_accelerated")], c,
               f"zo_accelerated, n = {n}: its iterations / {scale:.0f} (one line per seed)", scale, loglog=True)
    for t in TARGETS:
        ax.axhline(t, color="0.6", lw=0.6, ls=":")
    ax.set_xlabel("FGM iterations; zo_accelerated iterations / 4(n + 4)")
    ax.set_ylabel("(f(x_k) - f*) / (f(x_0) - f*)")
    ax.set_ylim(1e-5, 1.5)
    ax.set_xlim(0.7, None)
    ax.set_title("problems.nesterov(n) from 0 (targets dotted)")
    rows = [r for r in summary if r["experiment"] == "accelerated"]
    ns = np.array([r["n"] for r in rows], dtype=float)
    grid = np.geomspace(min(ns) / 1.5, max(ns) * 1.5, 100)
    bx.loglog(grid, 4 * (grid + 4), "k-", lw=1, label="theory: 4(n + 4) = sqrt(theta_FGM / theta_ZO)")
    meas = np.array([r["measured"] for r in rows])
    err = np.array([[r["measured"] - r["ci_low"] for r in rows], [r["ci_high"] - r["measured"] for r in rows]])
    bx.errorbar(ns, meas, yerr=err, fmt="o", color="C3", capsize=3,
                label="measured: iterations over FGM's to 1e-1..1e-4 (geometric mean, 95% bootstrap CI)")
    for n_, m_ in zip(ns, meas):
        bx.annotate(f"{m_:.0f}", (n_, m_), textcoords="offset points", xytext=(6, -10), fontsize=8)
    bx.set_xticks(ns, [f"{n:.0f}" for n in ns])
    top = max(float(np.max(err[1] + meas)), 4 * (max(ns) * 1.5 + 4))
    ticks = [t for t in (20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000) if 4 * (min(ns) / 1.5 + 4) <= t <= top]
    bx.set_yticks(ticks, [str(t) for t in ticks])
    bx.minorticks_off()
    bx.set_xlabel("dimension n")
    bx.set_ylabel("slowdown in iterations")
    bx.set_title("the accelerated random method's slowdown against FGM")
    legend_outside(fig, "below", ncol=2)
    return fig


def pursuit(plt, data, summary, dims):
    """One panel per n: f - f* relative to the start against iterations, Random Pursuit and zero-order GD
    (one line per seed) with the bound (1 - mu/(nL))^k; last panel: the slowdown ratios against n."""
    fig, axes = plt.subplots(1, len(dims) + 1, figsize=(3.1 * (len(dims) + 1), 3.6))
    for ax, n in zip(axes, dims):
        for method, c, label in (("random_pursuit", "C0", "Random Pursuit"),
                                 ("zo_gd", "C1", "zero-order GD (TwoPoint, step 1/(nL))")):
            _seeds(ax, data[("pursuit", n, method)], c, f"{label}: one line per seed")
        kb = bound_iterations(n, [1e-5])[0]
        kk = np.linspace(0, kb, 200)
        ax.semilogy(kk, (1 - 1 / (10.0 * n)) ** kk, "k--", lw=1, label="bound (1 - mu/(nL))^k")
        ax.set_xlim(0, bound_iterations(n)[-1] * 1.05)
        ax.set_ylim(1e-5, 1.5)
        ax.set_title(f"n = {n}, mu = 1, L = 10")
        ax.set_xlabel("iterations k")
    axes[0].set_ylabel("(f(x_k) - f*) / (f(x_0) - f*)")
    bx = axes[-1]
    rows = [r for r in summary if r["experiment"] == "pursuit"]
    for method, c, marker, label in (("random_pursuit", "C0", "o", "Random Pursuit"), ("zo_gd", "C1", "s", "zero-order GD")):
        rs = [r for r in rows if r["method"] == method]
        ns = np.array([r["n"] for r in rs], dtype=float)
        meas = np.array([r["measured"] for r in rs])
        err = np.array([[r["measured"] - r["ci_low"] for r in rs], [r["ci_high"] - r["measured"] for r in rs]])
        bx.errorbar(ns, meas, yerr=err, fmt=marker, color=c, capsize=3,
                    label=f"{label}: iterations to 1e-1..1e-4 / the bound's (geometric mean, 95% CI)")
    bx.axhline(1.0, color="k", ls="--", lw=1)
    bx.set_xscale("log")
    bx.set_xticks(ns, [f"{n:.0f}" for n in ns])
    bx.minorticks_off()
    bx.set_ylim(0, 1.3)
    bx.set_xlabel("dimension n")
    bx.set_ylabel("iterations / the bound's (95% CI)")
    bx.set_title("slowdown ratio against the bound")
    legend_outside(fig, "below", ncol=2)
    return fig
