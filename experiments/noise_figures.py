"""The figures of ``python -m experiments.noise`` and their captions (every number read from the data)."""

from __future__ import annotations

import numpy as np

from experiments import noise_runs as runs
from experiments._figures import legend_outside

MARKERS = {"rosenbrock": "o", "expsum": "s"}
LEVEL_COLORS = {1e-3: "C0", 1e-6: "C1", 1e-9: "C2"}


def level_figure(plt, level_rows, mw_rows, null):
    """Left: sigma_hat / sigma against the relative level (one point per seed), with the band in which
    95% of ECnoise's estimates fall on pure Gaussian noise (simulated) and the factor-2 lines. Right: the
    53 Moré-Wild problems."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.8), width_ratios=[1, 1.35])
    levels = sorted({r["level"] for r in level_rows})
    lo, med, hi = np.quantile(null, [0.025, 0.5, 0.975])
    rng = np.random.default_rng(0)
    for j, name in enumerate(runs.FUNCTIONS):
        for rel in levels:
            r = np.array([row["ratio"] for row in level_rows if row["function"] == name and row["level"] == rel])
            xs = rel * 10 ** (0.12 * (j - 0.5) + 0.04 * rng.standard_normal(r.size))
            ax.plot(xs, r, MARKERS[name], ms=2.2, alpha=0.35, color=f"C{j}", mec="none",
                    label=f"{name} (one point per seed)" if rel == levels[0] else None)
    span = [min(levels) / 3, max(levels) * 3]
    ax.fill_between(span, lo, hi, color="0.8", zorder=0, label="95% of ECnoise on pure noise (simulated)")
    ax.plot(span, [med, med], color="0.4", lw=1, label="median on pure noise")
    for y in (0.5, 2.0):
        ax.axhline(y, color="k", ls="--", lw=0.9, label="factor 2" if y == 2.0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*span)
    ax.set_ylim(0.25, 4)
    ax.set_xlabel("relative noise r (standard deviation r |f(x0)|)")
    ax.set_ylabel("estimate / true standard deviation")
    ax.set_title("random relative noise, 15 points", fontsize=9)

    rr = [r for r in mw_rows if r["kind"] == "wild3" and np.isfinite(r["ratio_rounding"])]
    if rr:
        bx.plot([r["row"] for r in rr], [r["ratio_rounding"] for r in rr], "^", color="0.6", ms=3.5, mfc="none",
                zorder=1, label="wild3, default h, against float64 rounding only")
    styles = {"noisy3": ("o", "C3", "noisy3 (truth: its distribution)"),
              "wild3": ("^", "C4", "wild3, default h (truth: its level at scale h)"),
              "wild3_large_h": ("s", "C5", "wild3, h = 0.1 (truth: std of its noise on the segment)")}
    for kind, (m, c, label) in styles.items():
        rr = [r for r in mw_rows if r["kind"] == kind]
        if not rr:
            continue
        rows = np.array([r["row"] for r in rr])
        ratio = np.array([r["ratio"] for r in rr])
        kinked = np.array([r["kink"] for r in rr])
        found = np.isfinite(ratio)
        bx.plot(rows[found & ~kinked], ratio[found & ~kinked], m, color=c, ms=4.5, label=label)
        if kinked.any():
            bx.plot(rows[found & kinked], ratio[found & kinked], m, color=c, mfc="none", ms=4.5,
                    label=f"{label.split(' (')[0]}, x0 on a kink of phi")
        if (~found).any():
            bx.plot(rows[~found], np.full((~found).sum(), 0.02), "x", color=c, ms=5,
                    label=f"{label.split(' (')[0]}: not detected")
    for y in (0.5, 2.0):
        bx.axhline(y, color="k", ls="--", lw=0.9)
    for order in (2, 1):
        bx.axhline(runs.kink_reading(order), color="C4", ls=":", lw=1.1,
                   label="wild3 kink, theory: ECnoise's reading at order 2 and 1" if order == 2 else None)
    bx.axhline(1.0, color="0.4", lw=0.8)
    bx.set_yscale("log")
    bx.set_ylim(0.015, 1e5)
    bx.set_xlim(0, 54)
    bx.set_xlabel("Moré-Wild problem (row of dfo.dat)")
    bx.set_ylabel("estimate / true standard deviation")
    bx.set_title("Moré-Wild problems at x0", fontsize=9)
    legend_outside(fig, "below", ncol=3, fontsize=8)
    return fig


def level_caption(s, null, seeds):
    lo, hi = np.quantile(null, [0.025, 0.975])
    share = [r["share"] for r in s["random"]]
    mw = s["more_wild"]
    w3, n3 = mw["wild3"], mw["noisy3"]
    big = mw.get("wild3_large_h")
    hs = [r["h"] for r in s["more_wild_rows"] if r["kind"] == "wild3"]
    kinked = [r for r in s["more_wild_rows"] if r["kind"] == "wild3" and r["kink"]]
    k2 = [r["ratio"] for r in kinked if r["order"] == 2]
    k1 = [r["ratio"] for r in kinked if r["order"] == 1]
    deg = w3["within_by_degree"]
    text = (f"zo.noise_level (ECnoise, 15 points) against the true noise. Left: smooth functions times 1 + r z, "
            f"z ~ N(0, 1), one point per seed ({seeds} seeds per level and function): within a factor 2 of the true "
            f"standard deviation in {100 * min(share):.1f}% to {100 * max(share):.1f}% of the seeds at every level "
            f"(target 95%); the grey band holds 95% of ECnoise's estimates on pure Gaussian noise "
            f"({lo:.2f} to {hi:.2f}), the spread the data follow. Right: the 53 Moré-Wild problems at x0. noisy3 "
            f"(its level from its distribution): {n3['within']}/53 within a factor 2 (target 48). wild3 from the "
            f"default h (1e-10 max(1, ||x0||_inf); {min(hs):.0e} to {max(hs):.0e} where the noise was found), against "
            f"its level at scale h: the standard deviation over the segment of f minus its least-squares cubic in t. "
            f"Where phi is smooth at x0 that is float64 rounding: {w3['no_kink_within']} of {w3['no_kink']} within a "
            f"factor 2; there it agrees with a direct measurement of the rounding (f in float64 minus f in extended "
            f"precision on the exact segment) within {100 * w3['smooth_truths_agree']['second_worst']:.2f}% on all "
            f"but one start ({100 * w3['smooth_truths_agree']['worst']:.0f}%), so the grey triangles hide under the "
            f"purple. Where x0 is on a kink of phi (hollow: a zero coordinate or a tie in max |x_i|), a kink a |t h| "
            f"has the level 0.072 a h, and ECnoise, which reads it from differences at its points' spacing h/7, gives "
            f"{min(k2):.2f} to {max(k2):.2f} of it at order 2 ({len(k2)} problems) and {min(k1):.2f} to "
            f"{max(k1):.2f} at order 1 ({len(k1)}), where its differences predict {runs.kink_reading(2):.3f} and "
            f"{runs.kink_reading(1):.2f} (dotted): {w3['kink_within']} of {len(kinked)} within a factor 2, "
            f"{w3['within']}/53 in all" + (", short of the target" if w3["within"] < 48 else "") + ". Against the "
            f"rounding alone (grey), the kinks read "
            f"{min(r['ratio_rounding'] for r in s['more_wild_rows'] if r['kind'] == 'wild3' and r['kink']):.0f} to "
            f"{max(r['ratio_rounding'] for r in s['more_wild_rows'] if r['kind'] == 'wild3' and r['kink']):.0f} "
            f"times it: {w3['within_rounding']}/53. A kink's level is a choice of resolution: with a polynomial "
            f"of degree " + ", ".join(f"{d}" for d in deg) + " the count would be "
            + ", ".join(f"{k}" for k in deg.values()) + ".")
    if big is not None:
        text += (f" wild3 from h = 0.1, where its noise looks random (truth: its standard deviation on the "
                 f"segment): {big['within']}/53 within a factor 2, {big['detected'] - big['within']} detected "
                 f"outside it, {53 - big['detected']} not detected (crosses: f varies by more than 10% on the "
                 f"segment, or its smooth part dominates the differences).")
    return text


def step_figure(plt, step_rows, curve_levels):
    """Rows: forward, central. Columns: random noise and deterministic noise on the Rosenbrock function
    (RMS error against the fixed step, the error model dashed, the auto step a star), and auto / best for
    every configuration."""
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.2), width_ratios=[1, 1, 0.9])
    for i, scheme in enumerate(("forward", "central")):
        for j, kind in enumerate(("random", "deterministic")):
            ax = axes[i, j]
            for rel in curve_levels:
                r = next(r for r in step_rows if r["function"] == "rosenbrock" and r["kind"] == kind
                         and r["scheme"] == scheme and r["level"] == rel)
                c = LEVEL_COLORS.get(rel, "C7")
                steps = np.array(r["steps"])
                scale = steps[0] / runs.GRID[0]
                ax.plot(steps / scale, r["rms"], "o", color=c, ms=3, label=f"fixed step, r = {rel:.0e}")
                ax.plot(steps / scale, runs.theory_rms("rosenbrock", kind, rel, scheme, steps), "--", color="k",
                        lw=0.8, label="error model (truncation + noise)" if rel == curve_levels[0] else None)
                ax.plot([r["auto_h_median"] / scale], [r["auto_rms"]], "*", color=c, mec="k", mew=0.6, ms=12,
                        label="auto step (median h, RMS error)" if rel == curve_levels[0] else None)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(1e-12, 1e-1 * 1.5)
            ax.set_ylim(1e-6, 1e9)
            ax.set_xlabel("step h / max(1, ||x0||_inf)  (= h / 1.2)")
            ax.set_ylabel("RMS of ||G - grad f||")
            ax.set_title(f"{scheme} differences, {kind} noise (Rosenbrock, n = 4)", fontsize=9)
        bx = axes[i, 2]
        for name in runs.FUNCTIONS:
            for kind, ls in (("random", "-"), ("deterministic", ":")):
                rr = sorted((r for r in step_rows if r["function"] == name and r["kind"] == kind
                             and r["scheme"] == scheme), key=lambda r: r["level"])
                bx.plot([r["level"] for r in rr], [r["ratio"] for r in rr], ls, marker=MARKERS[name], ms=4,
                        color="C3" if name == "rosenbrock" else "C4", label=f"{name}, {kind} noise")
        bx.axhline(2.0, color="k", ls="--", lw=0.9, label="target: 2")
        bx.axhline(1.0, color="0.4", lw=0.8)
        bx.set_xscale("log")
        bx.set_ylim(0, 2.5)
        bx.set_xlabel("relative noise r")
        bx.set_ylabel("auto error / best fixed step's")
        bx.set_title(f"{scheme}: auto step against the best of 41", fontsize=9)
    legend_outside(fig, "below", ncol=4, fontsize=8)
    return fig


def step_caption(s, seeds):
    rows = s["steps"]
    fw = [r["ratio"] for r in rows if r["scheme"] == "forward"]
    ce = [r["ratio"] for r in rows if r["scheme"] == "central"]
    nf = [r["auto_nfev_median"] for r in rows if r["scheme"] == "forward"]
    nc = [r["auto_nfev_median"] for r in rows if r["scheme"] == "central"]
    levels = sorted({r["level"] for r in rows})
    return (f"The coordinate-difference step from the noise (zo.noise.auto_step: ECnoise, then the second or third "
            f"derivatives along the coordinates by Moré & Wild's test, then h = 8^(1/4) (noise/|f''|)^(1/2) forward, "
            f"(3 noise/|f'''|)^(1/3) central) against 41 fixed steps from 1e-12 to 1e-1 (times max(1, ||x0||_inf)), on "
            f"functions with relative noise r from {levels[-1]:.0e} to {levels[0]:.0e}: random (RMS of ||G - grad f|| "
            f"over {seeds} draws at x0) and deterministic (a hash of x; RMS over {seeds} points near x0). Left, "
            f"middle: the Rosenbrock function, the error of each fixed step (dots), the error model that the step "
            f"minimises (dashed: truncation (h/2)|f_ii| or (h^2/6)|f_iii| and noise, summed over coordinates) and "
            f"the auto step (star, at its median h): it sits at the bottom of each curve. Right: auto error over the "
            f"best fixed step's for both functions and both noises: {min(fw):.2f} to {max(fw):.2f} forward, "
            f"{min(ce):.2f} to {max(ce):.2f} central (target at most 2; below 1: better than every fixed step). The auto step spent {min(nf):.0f} to {max(nf):.0f} (forward) and "
            f"{min(nc):.0f} to {max(nc):.0f} (central) evaluations (median), once per point.")
