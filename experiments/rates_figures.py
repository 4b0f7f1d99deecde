"""The rate experiment's figures (used by experiments/rates.py).

Per setting: the error curves per dimension, mean over seeds, with gd's curve stretched by each
method's theory factor (and, where a formula exists, the O(1/k) bound, the end of that regime and the
forward-difference floor); and the measured slowdown against n with the theory lines. The strongly
convex setting is drawn in f - f* and in the lecture's own quantity ||x_k - x*||^2.
"""

from __future__ import annotations

import math
import os
import textwrap

import numpy as np

from experiments import rates_runs as runs
from experiments._figures import code_digest, digest, pyplot, save_figure, up_to_date
from experiments.rates_report import MEASURE_NAMES, curves
from zeroopt import theory as zt

COLORS = dict(zip(runs.METHODS, ["black", "tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
                                 "tab:brown", "tab:pink", "tab:gray", "tab:olive"]))
#: methods with the same theory factor give the same curves: the first of each family is a wide pale
#: band, the others dashed or dash-dotted lines on top of it, so that every one stays visible
BAND = {"sphere", "sphere-q4", "sphere-q16"}
DASHES = {"rademacher": (0, (5, 2)), "coordinate": (0, (6, 2, 1, 2)), "orthogonal-q4": (0, (5, 2)),
          "orthogonal-q16": (0, (5, 2))}
MARKERS = dict(zip(runs.METHODS[1:], ["o", "v", "s", "^", "D", "P", "<", ">", "X"]))


def line_style(method):
    if method == "gd":
        return {"color": "black", "lw": 1.8, "zorder": 4}
    if method in BAND:
        return {"color": COLORS[method], "lw": 3.2, "alpha": 0.45, "zorder": 2}
    return {"color": COLORS[method], "lw": 1.1, "ls": DASHES.get(method, "-"), "zorder": 3}


def _decade_ticks(ax, axis="both"):
    from matplotlib.ticker import LogFormatterMathtext, LogLocator, NullFormatter

    for which in ("x", "y") if axis == "both" else (axis,):
        a = ax.xaxis if which == "x" else ax.yaxis
        a.set_major_locator(LogLocator(base=10, numticks=40))
        a.set_major_formatter(LogFormatterMathtext())
        a.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10), numticks=40))
        a.set_minor_formatter(NullFormatter())
    ax.tick_params(labelsize=6.5)


def _layout(plt, panels, cols, panel_w, panel_h, legend_w, caption_h):
    """A figure with ``panels`` axes in ``cols`` columns, a legend column on the right and a caption row
    at the bottom (axes, so that tight_layout keeps them clear of the data)."""
    rows = int(math.ceil(panels / cols))
    fig = plt.figure(figsize=(panel_w * cols + legend_w, panel_h * rows + caption_h))
    gs = fig.add_gridspec(rows + 1, cols + 1, width_ratios=[panel_w] * cols + [legend_w],
                          height_ratios=[panel_h] * rows + [caption_h])
    axes = [fig.add_subplot(gs[i // cols, i % cols]) for i in range(panels)]
    legend_ax = fig.add_subplot(gs[:rows, cols])
    caption_ax = fig.add_subplot(gs[rows, :])
    for ax in (legend_ax, caption_ax):
        ax.axis("off")
    return fig, axes, legend_ax, caption_ax


def _caption(fig, ax, text, fontsize=7.5):
    """The caption, wrapped to the figure's width (about 0.6 em per character)."""
    width = int(fig.get_figwidth() * 72 / (0.6 * fontsize))
    ax.text(0.0, 1.0, "\n".join(textwrap.wrap(text, width)), va="top", ha="left", fontsize=fontsize,
            transform=ax.transAxes)


def _theory_handles(extra):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="0.3", ls=":", lw=1.0)]
    labels = ["gd's curve, k stretched by\nthe method's theory factor"]
    for label, style in extra:
        handles.append(Line2D([], [], **style))
        labels.append(label)
    return handles, labels


BOUND_STYLE = {"color": "black", "ls": (0, (3, 1, 1, 1, 1, 1)), "lw": 0.9}
KNEE_STYLE = {"color": "0.45", "ls": "--", "lw": 0.9}
FLOOR_STYLE = {"color": COLORS["ns-forward"], "ls": (0, (1, 1.5)), "lw": 1.6}


def curves_figure(data, setting, measure):
    """One panel per dimension: the method's mean curve over seeds relative to its start, k >= 1 on
    log axes. Returns the figure."""
    plt = pyplot()
    dims = sorted({n for (s, m, n, _) in data if s == setting and m == measure})
    cols = min(3, len(dims))
    fig, axes, legend_ax, caption_ax = _layout(plt, len(dims), cols, 4.0, 3.3, 2.3, 0.8)
    shown, extra = {}, {}
    for ax, n in zip(axes, dims):
        gd = data.get((setting, measure, n, "gd"))
        v_end = []
        for method in runs.METHODS:
            if (setting, measure, n, method) not in data:
                continue
            k, V, _ = data[(setting, measure, n, method)]
            V = np.minimum.accumulate(V, axis=1) if measure == "grad_norm2" else V
            mean = np.mean(V, axis=0) / np.mean(V[:, 0])
            use = k >= 1
            shown[method] = ax.plot(k[use], mean[use], label=method, **line_style(method))[0]
            v_end.append(np.nanmin(np.where(mean[use] > 0, mean[use], np.nan)))
            if gd is not None and method != "gd":   # theory: gd's curve stretched by the predicted factor
                kg, Vg, _ = gd
                vg = np.minimum.accumulate(Vg[0]) if measure == "grad_norm2" else Vg[0]
                ax.plot(kg[kg >= 1] * runs.theory(setting, method, n), vg[kg >= 1] / vg[0], color=COLORS[method],
                        ls=":", lw=0.8, zorder=1)
        if gd is not None:
            _theory_marks(ax, setting, measure, n, data, gd, extra)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{setting.replace('_', ' ')}, n = {n}", fontsize=9)
        ax.set_xlabel("iteration k", fontsize=8)
        ax.set_ylabel(f"{MEASURE_NAMES[measure]}, relative to k = 0", fontsize=7)
        ax.set_ylim(max(1e-16, 0.3 * min(v_end)), 1.6)
        _decade_ticks(ax)
    handles = [shown[m] for m in runs.METHODS if m in shown]
    th, tl = _theory_handles(extra.values())
    legend_ax.legend(handles + th, [h.get_label() for h in handles] + tl, loc="center left", fontsize=7,
                     frameon=False, handlelength=3.2)
    fig.suptitle(f"{setting.replace('_', ' ')}: {MEASURE_NAMES[measure]} of gradient descent (gd) and "
                 f"zero-order GD, mean over seeds", fontsize=10)
    _caption(fig, caption_ax, CURVE_CAPTIONS[(setting, measure)])
    return fig


def _theory_marks(ax, setting, measure, n, data, gd, extra):
    """The O(1/k) bound of gd and its end (convex, nonconvex), the ns-forward floor (quadratics)."""
    kg, Vg, _ = gd
    if setting == "nonconvex":
        p, x0 = runs.problem(setting, n)
        k = kg[kg >= 1].astype(float)
        ax.plot(k, zt.gd_nonconvex_bound(k, p.L, p.value(x0, count=False) - p.f_star) / Vg[0, 0], zorder=1,
                **BOUND_STYLE)
        extra["bound"] = ("O(1/k) bound of gd:\n2 L (f(x_0) - f*) / k", BOUND_STYLE)
    if setting == "convex":
        p, x0 = runs.problem(setting, n)
        r2 = float(np.sum((x0 - p.x_star) ** 2))
        k = kg[kg >= 1].astype(float)
        ax.plot(k, zt.gd_convex_bound(k, p.L, r2) / Vg[0, 0], zorder=1, **BOUND_STYLE)
        extra["bound"] = ("O(1/k) bound of gd:\nL ||x_0 - x*||^2 / (2k)", BOUND_STYLE)
        knee = zt.nesterov_linear_after(n)
        if knee < kg[-1]:
            ax.axvline(knee, zorder=1, **KNEE_STYLE)
            extra["knee"] = ("gd leaves O(1/k) here:\nk = 1 / (2 sin^2(pi / (2(n+1))))", KNEE_STYLE)
    if (setting, measure, n, "ns-forward") in data:
        _, floors = runs.ns_forward_expected(setting, n)
        if measure in floors:
            ax.axhline(floors[measure] / Vg[0, 0], zorder=1, **FLOOR_STYLE)
            extra["floor"] = ("ns-forward's floor, exact\nexpectation (eps = 1e-4)", FLOOR_STYLE)


def slowdown_figure(summary, setting):
    """Measured slowdown (points, 95% bootstrap bars) against n, with the theory lines; one panel per
    measure of the setting. Returns the figure."""
    plt = pyplot()
    from matplotlib.lines import Line2D

    measures = runs.SETTINGS[setting]["measures"]
    fig, axes, legend_ax, caption_ax = _layout(plt, len(measures), len(measures), 4.4, 3.8, 2.3, 0.9)
    methods = [m for m in runs.METHODS[1:] if any(r["setting"] == setting and r["method"] == m for r in summary)]
    exact_style = {"color": COLORS["ns-forward"], "ls": "--", "lw": 1.0}
    has_exact = False
    for ax, measure in zip(axes, measures):
        for i, method in enumerate(methods):
            rows = [r for r in summary if r["setting"] == setting and r["measure"] == measure and r["method"] == method]
            if not rows:
                continue
            ns = np.array([r["n"] for r in rows], dtype=float)
            meas = np.array([r["measured"] for r in rows])
            lo, hi = np.array([r["ci_low"] for r in rows]), np.array([r["ci_high"] for r in rows])
            err = np.vstack([np.where(np.isfinite(lo), meas - lo, 0), np.where(np.isfinite(hi), hi - meas, 0)])
            dodge = np.exp(0.015 * (i - (len(methods) - 1) / 2))     # spread sideways, so none hides another
            ax.errorbar(ns * dodge, meas, yerr=np.clip(err, 0, None), fmt=MARKERS[method], ms=4, color=COLORS[method],
                        capsize=2, lw=0.9, label=method, zorder=3)
            ax.plot(ns, [r["theory"] for r in rows], "-", color=COLORS[method], lw=0.9, alpha=0.8, zorder=2)
            if method == "ns-forward" and setting == "strongly_convex":
                ax.plot(ns, [runs.ns_forward_expected(setting, int(n))[0] for n in ns], zorder=2, **exact_style)
                has_exact = True
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("dimension n", fontsize=8)
        ax.set_ylabel("slowdown in iterations vs gd", fontsize=8)
        ax.set_title(f"measured in {MEASURE_NAMES[measure]}", fontsize=9)
        _decade_ticks(ax, "y")
        dims = sorted({r["n"] for r in summary if r["setting"] == setting})
        ax.set_xticks(dims, [str(n) for n in dims], minor=False)
        ax.set_xticks([], minor=True)
        ax.tick_params(labelsize=7)
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="0.3", lw=0.9))
    labels.append("theory (lines)")
    if has_exact:
        handles.append(Line2D([], [], **exact_style))
        labels.append("ns-forward, exact expected\nrate on this quadratic")
    legend_ax.legend(handles, labels, loc="center left", fontsize=7, frameon=False)
    title = (f"{setting.replace('_', ' ')}: slowdown of zero-order GD against gd, measured (points, 95% CI over "
             "seeds) and theory (lines)")
    fig.suptitle(textwrap.fill(title, int(fig.get_figwidth() * 72 / (0.55 * 10))), fontsize=10)
    _caption(fig, caption_ax, SLOWDOWN_CAPTIONS[setting])
    return fig


def figures(records, summary, figs, redraw=False):
    """Draw every figure into ``figs`` (PNG and PDF), except those already drawn there from the same data
    with the same code and style (:func:`experiments._figures.up_to_date`; ``redraw``: draw them all).

    Returns
    -------
    written, kept : list of str
        The paths drawn now, and those left as they were.
    """
    data = curves(records)
    code = _code()
    written, kept = [], []

    def draw(name, inputs, make, caption):
        inputs = digest(code, inputs)
        if not redraw and up_to_date(figs, name, inputs):
            kept.extend(os.path.join(figs, f"{name}.{ext}") for ext in ("png", "pdf"))
        else:
            written.extend(save_figure(make(), figs, name, caption=caption, inputs=inputs))

    for setting, info in runs.SETTINGS.items():
        if not any(s == setting for (s, _, _, _) in data):
            continue
        for measure in info["measures"]:
            suffix = "" if measure == info["measure"] else "_dist"
            mine = {k: v[:2] for k, v in data.items() if k[0] == setting and k[1] == measure}
            draw(f"rates_{setting}{suffix}_curves", mine, lambda: curves_figure(data, setting, measure),
                 f"Lecture 000, the table GD vs zero-order GD: {CURVE_CAPTIONS[(setting, measure)]}")
        rows = [r for r in summary if r["setting"] == setting]
        draw(f"rates_{setting}_slowdown", rows, lambda: slowdown_figure(summary, setting),
             f"Lecture 000, the table GD vs zero-order GD: {SLOWDOWN_CAPTIONS[setting]}")
    return written, kept


def _code():
    """The digest of the code the figures are drawn by: this module, what it imports from experiments/
    (the runs' problems and theory, the summary's names, the drawing helpers) and the zeroopt package."""
    here = os.path.dirname(os.path.abspath(__file__))
    import zeroopt

    return code_digest(*(os.path.join(here, f) for f in ("rates_figures.py", "rates_runs.py", "rates_report.py",
                                                         "_figures.py")), os.path.dirname(zeroopt.__file__))


_COMMON = ("Solid and dashed lines: each method's mean over seeds, relative to its value at k = 0 (k >= 1 "
           "on log axes); methods with the same theory factor coincide (sphere, rademacher, coordinate: m = n), "
           "so the first of each family is a wide pale band with the others drawn on it. Dotted: gd's curve "
           "with k multiplied by the method's predicted slowdown. ")
_NS = ("ns-forward (forward Gaussian differences, eps = 1e-4, Nesterov & Spokoiny's step 1/(4(n+4)L)) flattens "
       "where its O(eps) difference error (eps/2)(u'Au)u, not zero at x*, balances the contraction: the dotted "
       "horizontal line is that floor computed exactly in expectation. ")
CURVE_CAPTIONS = {
    ("strongly_convex", "f_gap"): _COMMON + _NS + "Quadratic, mu = 1, L = 10: gd contracts like (1 - mu/L)^k, "
    "zero-order GD with step 1/(mL) like (1 - mu/(mL))^k (lecture notes 000).",
    ("strongly_convex", "dist2"): _COMMON + _NS + "The same runs as the f - f* figure, in the lecture's own "
    "quantity ||x_k - x*||^2: (1 - mu/L)^k against (1 - mu/(mL))^k (lecture notes 000).",
    ("convex", "f_gap"): _COMMON + _NS + "Nesterov's worst-case function in R^n has smallest Hessian eigenvalue "
    "L sin^2(pi/(2(n+1))) > 0: in finite n it is strongly convex, so gd follows O(1/k) (dash-dotted: its bound "
    "L ||x_0 - x*||^2/(2k)) only up to k = 1/(2 sin^2(pi/(2(n+1)))) ~ 2(n+1)^2/pi^2 (vertical line: 25 at n = 10, "
    "90 at n = 20, 530 at n = 50, 2070 at n = 100) and converges linearly after. From n = 200 on the O(1/k) regime "
    "outlasts gd's budget of 3000 iterations.",
    ("nonconvex", "grad_norm2"): _COMMON + "Distance-matrix recovery of n/2 points in the plane from a noisy "
    "start (lecture notes 000): min_{i<=k} ||grad f(x_i)||^2 <= 2L(f_0 - f*)/k for gd (dash-dotted, with L the largest "
    "Hessian eigenvalue around the start), m times that for zero-order GD.",
}
SLOWDOWN_CAPTIONS = {
    "strongly_convex": "Measured: the ratio of gd's fitted log-contraction rate to the method's (fitted on the mean "
    "over seeds between 1e-5 and 1e-16 of the start). Theory: ln(1 - mu/L) / ln(1 - mu/(mL)), about 1.054 m. "
    "Points are spread sideways by a few percent so that none hides another. ns-forward's solid line is Nesterov & "
    "Spokoiny's worst-case rate 1 - mu/(8(n+4)L); its exact expected rate on this quadratic (dashed) is twice as "
    "fast, and its forward-difference floor (2e-8 to 5e-5 of the start) stops the runs before their slowest mode "
    "dominates, so its rate is fitted on the early, faster phase (1e-1 down to 100 x the floor): hence data 2 to "
    "4 times below the bound.",
    "convex": "Measured: iterations to reach 1e-1 ... 1e-4 of the start, relative to gd (geometric mean over targets "
    "and seeds). Theory: m, the ratio of the steps (the O(1/k) bounds scale with 1/step); ns-forward: 4(n+4). "
    "Points are spread sideways by a few percent so that none hides another.",
    "nonconvex": "Measured: iterations for min ||grad f||^2 to reach 1e-1 ... 1e-4 of its start, relative to gd "
    "(geometric mean over targets and seeds). Theory: m (ns-forward: 4(n+4)). Points are spread sideways by a few "
    "percent so that none hides another.",
}
