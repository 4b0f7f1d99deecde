"""The estimator atlas's heat maps: one figure per noise level, the relative mean square error
E||G - grad f||^2 / ||grad f||^2 of every oracle (rows) on every Moré–Wild problem (columns), at x0 (top)
and at the halfway point (bottom); a cross marks a cell where a theory value lies outside its 99%
interval, a dot a cell without an exact theory (deterministic without noise)."""

from __future__ import annotations

import math
import os

import numpy as np

from experiments import atlas_theory as th
from experiments._figures import save_figure, style

#: the smallest relative MSE drawn (exact estimates are drawn at this floor)
FLOOR = 1e-16


def name_of(noise):
    return "atlas_noise0" if noise == 0 else f"atlas_noise{noise:.0e}"


def grid(table, noise, point, rows):
    """(oracles x rows) arrays: log10 relative MSE, failed (bool), inexact (bool)."""
    labels = [o[0] for o in th.ORACLES]
    val = np.full((len(labels), len(rows)), np.nan)
    bad = np.zeros(val.shape, bool)
    inexact = np.zeros(val.shape, bool)
    col = {r: j for j, r in enumerate(rows)}
    for r in table:
        if r["noise"] != noise or r["point"] != point or r["oracle"] not in labels:
            continue
        i, j = labels.index(r["oracle"]), col[r["row"]]
        val[i, j] = math.log10(max(r["mse"] / r["gnorm"] ** 2, FLOOR))
        bad[i, j] = r["in_all"] is False
        inexact[i, j] = not r["exact"]
    return val, bad, inexact


def caption(table, noise):
    cells = [r for r in table if r["noise"] == noise]
    exact = [r for r in cells if r["exact"]]
    inside = sum(bool(r["in_all"]) for r in exact)
    rel = {o: [r["mse"] / r["gnorm"] ** 2 for r in cells if r["oracle"] == o] for o in ("FD forward", "FD central",
                                                                                            "sphere", "orthogonal q=n")}
    med = {o: float(np.median(v)) for o, v in rel.items() if v}
    what = ("without added noise" if noise == 0 else f"with relative noise {noise:g} (every evaluation "
            f"f(x)(1 + {noise:g} e), e ~ N(0, 1))")
    parts = "; ".join(f"{o} {v:.2g}" for o, v in med.items())
    return (f"The estimator atlas {what}: the relative mean square error E||G - grad f||^2 / ||grad f||^2 of 18 "
            f"gradient oracles (rows) on the 53 Moré–Wild problems (columns, by row of dfo.dat) at x0 (top) and "
            f"halfway to L-BFGS-B's best point (bottom), {cells[0]['draws'] if cells else 0} draws a cell, colour "
            f"on a log scale. Median over the problems: {parts}. A cross marks a cell where a theory value (bias, "
            f"MSE, factor, cosine) lies outside its 99% interval: {len(exact) - inside} of the {len(exact)} cells "
            f"with an exact theory (at 99% about 1% of the values miss by chance; the list with the reasons is "
            f"atlas_failures.csv); a dot marks a cell without one (deterministic without noise, or f not smooth "
            f"at the differences' scale).")


def draw(table, summary, figs):
    """One figure per noise level; returns the PNG paths."""
    rows = sorted({r["row"] for r in table})
    noises = sorted({r["noise"] for r in table})
    labels = [o[0] for o in th.ORACLES]
    paths = []
    for noise in noises:
        grids = [grid(table, noise, p, rows) for p in ("x0", "half")]
        finite = np.concatenate([g[0][np.isfinite(g[0])] for g in grids])
        vmin, vmax = math.floor(finite.min()), math.ceil(finite.max())
        with style() as plt:
            fig, axes = plt.subplots(2, 1, figsize=(11, 8.6), sharex=True)
            for ax, (val, bad, inexact), point in zip(axes, grids, ("x0", "halfway to the best point")):
                im = ax.imshow(val, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax, interpolation="nearest")
                yi, xi = np.nonzero(bad)
                ax.scatter(xi, yi, marker="x", s=22, c="red", linewidths=1.2)
                yi, xi = np.nonzero(inexact)
                ax.scatter(xi, yi, marker="o", s=6, c="white", edgecolors="black", linewidths=0.4)
                ax.set_yticks(range(len(labels)), labels, fontsize=7)
                ax.set_xticks(range(len(rows)), [str(r) for r in rows], fontsize=6.5)
                ax.set_title(f"at {point}")
                ax.set_ylabel("oracle")
                ax.grid(False)
            axes[-1].set_xlabel("Moré–Wild problem (row of dfo.dat)")
            bar = fig.colorbar(im, ax=axes, shrink=0.8, pad=0.01)
            bar.set_label(r"$\log_{10}\ \mathbb{E}\Vert G-\nabla f\Vert^2 / \Vert\nabla f\Vert^2$")
            marks = [plt.Line2D([], [], marker="x", ls="", c="red", label="a theory value outside its 99% interval"),
                     plt.Line2D([], [], marker="o", ls="", mfc="white", mec="black", ms=4,
                                label="no exact theory (deterministic without noise, or f not smooth there)")]
            fig.legend(handles=marks, loc="outside lower center", ncol=2, fontsize=8)
            fig.suptitle(f"Estimator atlas, relative noise {noise:.0e}" if noise else "Estimator atlas, no noise")
            name = name_of(noise)
            paths.append(save_figure(fig, figs, name, caption=caption(table, noise))[0])
    return [os.path.abspath(p) for p in paths]
