"""The estimator atlas's heat maps: one figure per noise level, the relative mean square error
E||G - grad f||^2 / ||grad f||^2 of every oracle (rows) on every Moré–Wild problem (columns), at x0 (top)
and at the halfway point (bottom); a cross marks a cell where a theory value lies outside its 99%
interval, a dot a cell without an exact theory (deterministic without noise); a white line separates the
default steps' rows from the ``eps="auto"`` rows below it."""

from __future__ import annotations

import math
import os

import numpy as np

from experiments import atlas_theory as th
from experiments._figures import save_figure, style

#: the smallest relative MSE drawn (exact estimates are drawn at this floor)
FLOOR = 1e-16
#: each eps="auto" row and the default-step row it is compared with in the captions
PAIRS = (("FD central", "FD central auto"), ("FD forward", "FD forward auto"),
         ("RandomCoordinate", "RandomCoordinate auto"), ("sphere", "sphere auto"))


def name_of(noise):
    return "atlas_noise0" if noise == 0 else f"atlas_noise{noise:.0e}"


def grid(table, noise, point, rows):
    """(oracles x rows) arrays: log10 relative MSE, failed (bool), inexact (bool), raised (bool: an
    eps="auto" oracle refused its step at its first call; no value)."""
    labels = [o[0] for o in th.ORACLES]
    val = np.full((len(labels), len(rows)), np.nan)
    bad = np.zeros(val.shape, bool)
    inexact = np.zeros(val.shape, bool)
    raised = np.zeros(val.shape, bool)
    col = {r: j for j, r in enumerate(rows)}
    for r in table:
        if r["noise"] != noise or r["point"] != point or r["oracle"] not in labels:
            continue
        i, j = labels.index(r["oracle"]), col[r["row"]]
        if r.get("auto_error"):
            raised[i, j] = True
            continue
        val[i, j] = math.log10(max(r["mse"] / r["gnorm"] ** 2, FLOOR))
        bad[i, j] = r["in_all"] is False
        inexact[i, j] = not r["exact"]
    return val, bad, inexact, raised


def medians(table, noise):
    """Median over the problems' points of E||G - grad f||^2/||grad f||^2, per oracle, at one noise level
    (infinite where an eps="auto" oracle raised)."""
    rel = {}
    for r in table:
        if r["noise"] == noise:
            rel.setdefault(r["oracle"], []).append(math.inf if r.get("auto_error") else r["mse"] / r["gnorm"] ** 2)
    return {o: float(np.median(v)) for o, v in rel.items()}


def caption(table, noise):
    cells = [r for r in table if r["noise"] == noise]
    exact = [r for r in cells if r["exact"]]
    inside = sum(bool(r["in_all"]) for r in exact)
    auto = {o for _, o in PAIRS}
    aexact = [r for r in exact if r["oracle"] in auto]
    ainside = sum(bool(r["in_all"]) for r in aexact)
    med = medians(table, noise)
    what = ("without added noise" if noise == 0 else f"with relative noise {noise:g} (every evaluation "
            f"f(x)(1 + {noise:g} e), e ~ N(0, 1))")
    parts = "; ".join(f"{o} {med[o]:.2g}" for o in ("FD forward", "FD central", "sphere", "orthogonal q=n") if o in med)
    pairs = "; ".join(f"{d} {med[d]:.2g} against {a} {med[a]:.2g}" for d, a in PAIRS if d in med and a in med)
    hs = [r["auto_h"] for r in cells if r["oracle"] == "FD central auto" and r.get("auto_h") is not None]
    from zeroopt.estimators import CENTRAL_REL_STEP

    step = (f" The auto step of central differences (median over the points) is {np.median(hs):.2g}, against "
            f"the default's {CENTRAL_REL_STEP:.2g} max(1, |x_i|)." if hs else "")
    fixed = max(r["mse"] / r["gnorm"] ** 2 for r in cells if r["oracle"] not in auto)
    high = sorted((r for r in cells if r["oracle"] in auto and not r.get("auto_error")
                   and r["mse"] / r["gnorm"] ** 2 > 10 ** math.ceil(math.log10(max(fixed, FLOOR)))),
                  key=lambda r: (r["row"], r["point"], r["oracle"]))
    if high:
        step += (" The colour scale spans the default rows; above it (the top colour): " + "; ".join(
            f"row {r['row']} {r['point']} {r['oracle']} {r['mse'] / r['gnorm'] ** 2:.2g} (step {r['auto_h']:.2g})"
            for r in high) + ".")
    raised = [r for r in cells if r.get("auto_error")]
    step += (f" eps=\"auto\" raised in {len(raised)} cells, its step too small to move x (a black square; its "
             f"error counts as infinite in the medians): " + "; ".join(
                 f"row {r['row']} {r['point']} {r['oracle']}: {r['auto_error'].split('(the phase: ')[-1][:-1]}"
                 for r in raised) + "." if raised else "")
    return (f"The estimator atlas {what}: the relative mean square error E||G - grad f||^2 / ||grad f||^2 of "
            f"{len(th.ORACLES)} gradient oracles (rows) on the 53 Moré–Wild problems (columns, by row of dfo.dat) "
            f"at x0 (top) and halfway to L-BFGS-B's best point (bottom), {cells[0]['draws'] if cells else 0} draws "
            f"a cell, colour on a log scale. Median over the problems: {parts}. The {len(PAIRS)} rows below the "
            f"white line take eps=\"auto\" (the step from the noise ECnoise measures at the first call, then "
            f"fixed for the cell's draws); medians, default step against auto: {pairs}.{step} A cross marks a "
            f"cell where a theory value (bias, MSE, factor, cosine) lies outside its 99% interval: "
            f"{len(exact) - inside} of the {len(exact)} cells with an exact theory ({len(aexact) - ainside} of the "
            f"{len(aexact)} auto cells; at 99% about 1% of the values miss by chance; the list with the reasons "
            f"is atlas_failures.csv); a dot marks a cell without one (deterministic without noise, f not smooth "
            f"at the differences' scale, or directions at an auto radius where the quadratic model's truncation "
            f"shows).")


def draw(table, summary, figs):
    """One figure per noise level; returns the PNG paths."""
    rows = sorted({r["row"] for r in table})
    noises = sorted({r["noise"] for r in table})
    labels = [o[0] for o in th.ORACLES]
    paths = []
    for noise in noises:
        grids = [grid(table, noise, p, rows) for p in ("x0", "half")]
        finite = np.concatenate([g[0][np.isfinite(g[0])] for g in grids])   # raised cells have no value
        fixed = np.concatenate([g[0][:-len(PAIRS)][np.isfinite(g[0][:-len(PAIRS)])] for g in grids])
        # the colours span the default rows; an auto cell far above them (a step refused near the ulp of x)
        # is drawn in the top colour, and the caption gives its value
        vmin, vmax = math.floor(finite.min()), math.ceil(fixed.max())
        clipped = finite.max() > vmax
        with style() as plt:
            fig, axes = plt.subplots(2, 1, figsize=(11, 10.4), sharex=True)
            for ax, (val, bad, inexact, raised), point in zip(axes, grids, ("x0", "halfway to the best point")):
                im = ax.imshow(val, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax, interpolation="nearest")
                yi, xi = np.nonzero(bad)
                ax.scatter(xi, yi, marker="x", s=22, c="red", linewidths=1.2)
                yi, xi = np.nonzero(inexact)
                ax.scatter(xi, yi, marker="o", s=6, c="white", edgecolors="black", linewidths=0.4)
                yi, xi = np.nonzero(raised)
                ax.scatter(xi, yi, marker="s", s=30, c="black")
                ax.axhline(len(labels) - len(PAIRS) - 0.5, color="white", lw=2.5)
                ax.set_yticks(range(len(labels)), labels, fontsize=7.5)
                ax.set_xticks(range(len(rows)), [str(r) for r in rows], fontsize=6.5)
                ax.set_title(f"at {point}")
                ax.set_ylabel("oracle")
                ax.grid(False)
            axes[-1].set_xlabel("Moré–Wild problem (row of dfo.dat)")
            bar = fig.colorbar(im, ax=axes, shrink=0.8, pad=0.01, extend="max" if clipped else "neither")
            bar.set_label(r"$\log_{10}\ \mathbb{E}\Vert G-\nabla f\Vert^2 / \Vert\nabla f\Vert^2$")
            marks = [plt.Line2D([], [], marker="x", ls="", c="red", label="a theory value outside its 99% interval"),
                     plt.Line2D([], [], marker="o", ls="", mfc="white", mec="black", ms=4,
                                label="no exact theory (deterministic, f not smooth, or model truncation at the auto radius)")]
            if any(g[3].any() for g in grids):
                marks.append(plt.Line2D([], [], marker="s", ls="", c="black", ms=5,
                                        label='eps="auto" raised: its step does not move x'))
            fig.legend(handles=marks, loc="outside lower center", ncol=3 if len(marks) > 2 else 2, fontsize=8)
            fig.suptitle(f"Estimator atlas, relative noise {noise:.0e}" if noise else "Estimator atlas, no noise")
            name = name_of(noise)
            paths.append(save_figure(fig, figs, name, caption=caption(table, noise))[0])
    return [os.path.abspath(p) for p in paths]
