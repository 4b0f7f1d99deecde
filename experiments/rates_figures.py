"""The rate experiment's figures (used by experiments/rates.py).

Per setting: the error curves per dimension, mean over seeds, each method with its theory - gd's curve
with k stretched by the method's predicted slowdown (dotted) and, for the sublinear rates, the method's
own bound (dash-dotted: m L R^2/k, 2 m L (f_0 - f*)/k) - and the measured slowdown against n with the
theory lines. The strongly convex setting is drawn in f - f* and in the lecture's own quantity ||x_k - x*||^2.
The captions (:mod:`experiments.rates_captions`) are computed from the same data.
"""

from __future__ import annotations

import math
import os

import numpy as np

from experiments import rates_runs as runs
from experiments._figures import code_digest, digest, pyplot, save_figure, up_to_date
from experiments.rates_captions import curves_caption, slowdown_caption
from experiments.rates_report import (MEASURE_NAMES, TARGETS, curves, ns_forward_in_window, per_target,
                                      step_references)
from zeroopt import theory as zt

COLORS = dict(zip(runs.METHODS, ["black", "tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
                                 "tab:brown", "tab:pink", "tab:gray", "tab:olive"]))
#: methods with the same theory factor give the same curves: the first of each family is a wide pale
#: band, the others dashed or dash-dotted lines on top of it, so that every one stays visible
BAND = {"sphere", "sphere-q4", "sphere-q16"}
DASHES = {"rademacher": (0, (5, 2)), "coordinate": (0, (6, 2, 1, 2)), "orthogonal-q4": (0, (5, 2)),
          "orthogonal-q16": (0, (5, 2))}
MARKERS = dict(zip(runs.METHODS[1:], ["o", "v", "s", "^", "D", "P", "<", ">", "X"]))
#: each method's second-moment factor m (the theory step is 1/(mL)), as the legends write it
M_TEXT = {"gd": "m = 1", "sphere": "m = n", "gaussian": "m = n + 2", "rademacher": "m = n", "coordinate": "m = n",
          "sphere-q4": "m = 1 + (n - 1)/4", "sphere-q16": "m = 1 + (n - 1)/16", "orthogonal-q4": "m = n/4",
          "orthogonal-q16": "m = n/16, needs n >= 16", "ns-forward": "step 1/(4(n + 4)L)"}
#: the fonts, in points at the saved size
TICK, LABEL, TITLE, LEGEND = 9, 9.5, 10, 8.5
STRETCHED_STYLE = {"ls": ":", "lw": 1.1}
BOUND_STYLE = {"ls": (0, (5, 1.5, 1, 1.5)), "lw": 0.9}
KNEE_STYLE = {"color": "0.45", "ls": "--", "lw": 0.9}
FLOOR_STYLE = {"color": COLORS["ns-forward"], "ls": (0, (1, 1.5)), "lw": 1.6}


def line_style(method):
    if method == "gd":
        return {"color": "black", "lw": 1.8, "zorder": 4}
    if method in BAND:
        return {"color": COLORS[method], "lw": 3.2, "alpha": 0.45, "zorder": 2}
    return {"color": COLORS[method], "lw": 1.1, "ls": DASHES.get(method, "-"), "zorder": 3}


def _log_ticks(ax, axis="both", numticks=7):
    from matplotlib.ticker import LogFormatterMathtext, LogLocator, NullFormatter

    for which in ("x", "y") if axis == "both" else (axis,):
        a = ax.xaxis if which == "x" else ax.yaxis
        a.set_major_locator(LogLocator(base=10, numticks=numticks))
        a.set_major_formatter(LogFormatterMathtext())
        a.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10), numticks=40))
        a.set_minor_formatter(NullFormatter())
    ax.tick_params(labelsize=TICK)


def _layout(plt, panels, cols, panel_w, panel_h, legend_w):
    """A figure with ``panels`` axes in ``cols`` columns and a legend column on the right."""
    rows = int(math.ceil(panels / cols))
    fig = plt.figure(figsize=(panel_w * cols + legend_w, panel_h * rows + 0.5), layout="constrained")
    gs = fig.add_gridspec(rows, cols + 1, width_ratios=[panel_w] * cols + [legend_w])
    axes = [fig.add_subplot(gs[i // cols, i % cols]) for i in range(panels)]
    legend_ax = fig.add_subplot(gs[:, cols])
    legend_ax.axis("off")
    return fig, axes, legend_ax


# --- the theory of each method ------------------------------------------------------------------------------
def method_bound(setting, measure, method, n, k):
    """The method's own bound on the measure at iterations ``k`` >= 1 (lecture notes 000; the math
    reference, "Rates and theory steps"), for a step a = 1/(f L) (f = :func:`rates_runs.factor`: m, or
    4(n+4) for ns-forward) and the oracle's second-moment factor m; a = 1/(mL) gives the lecture's forms.

    strongly convex: E f - f* <= (1 - mu/(mL))^k (f_0 - f*), E||x - x*||^2 <= (L/mu) (1 - mu/(mL))^k ||x_0 - x*||^2;
    ns-forward: Nesterov & Spokoiny's contraction 1 - mu/(8(n+4)L). convex: E f - f* <= R^2 (1 + amL/(2 - amL))
    / (2ak), = m L R^2/k at a = 1/(mL). nonconvex: E min_i ||grad f(x_i)||^2 <= (f_0 - f*) / (k a (1 - amL/2)),
    = 2 m L (f_0 - f*)/k at a = 1/(mL). (The descent lemma and the second moment E||G||^2 = m ||g||^2, summed
    over k steps; for ns-forward m = n + 2, exact on quadratics up to O(eps^2).)"""
    p, x0 = runs.problem(setting, n)
    k = np.asarray(k, dtype=float)
    m = runs.oracle(method, 0).second_moment_factor(n)
    a = 1.0 / (runs.factor(method, n) * p.L) if method != "gd" else 1.0 / p.L
    if setting == "strongly_convex":
        q = zt.ns_forward_contraction(n, p.mu, p.L) if method == "ns-forward" else zt.contraction(p.mu, p.L, m)
        if measure == "f_gap":
            return q ** k * (p.value(x0, count=False) - p.f_star)
        return (p.L / p.mu) * q ** k * float(np.sum((x0 - p.x_star) ** 2))
    if setting == "convex":
        r2 = float(np.sum((x0 - p.x_star) ** 2))
        return r2 * (1 + a * m * p.L / (2 - a * m * p.L)) / (2 * a * k)
    return (p.value(x0, count=False) - p.f_star) / (k * a * (1 - a * m * p.L / 2))


def _running(V, measure):
    return np.minimum.accumulate(V, axis=-1) if measure == "grad_norm2" else V


# --- the curves -----------------------------------------------------------------------------------------------
def curves_figure(data, setting, measure):
    """One panel per dimension: each method's mean curve over seeds relative to its start, k >= 1 on log
    axes, with gd's curve stretched by the method's theory factor (dotted) and, in the convex and
    nonconvex settings, the method's bound (dash-dotted). Returns the figure."""
    plt = pyplot()
    dims = sorted({n for (s, m, n, _) in data if s == setting and m == measure})
    cols = min(3, len(dims))
    fig, axes, legend_ax = _layout(plt, len(dims), cols, 4.2, 3.5, 3.3)
    shown, extra = {}, {}
    for ax, n in zip(axes, dims):
        gd = data.get((setting, measure, n, "gd"))
        v_end = []
        for method in runs.METHODS:
            if (setting, measure, n, method) not in data:
                continue
            k, V, _ = data[(setting, measure, n, method)]
            V = _running(V, measure)
            v0 = np.mean(V[:, 0])
            mean = np.mean(V, axis=0) / v0
            use = k >= 1
            ax.plot(k[use], mean[use], label=method, **line_style(method))
            shown[method] = True
            v_end.append(np.nanmin(np.where(mean[use] > 0, mean[use], np.nan)))
            if gd is not None and method != "gd":   # theory: gd's curve stretched by the predicted factor
                kg, Vg, _ = gd
                vg = _running(Vg[0], measure)
                ax.plot(kg[kg >= 1] * runs.theory(setting, method, n), vg[kg >= 1] / vg[0], color=COLORS[method],
                        zorder=1, **STRETCHED_STYLE)
            if setting != "strongly_convex":   # (the linear rates' bounds are the dotted lines' slopes, loosely)
                kk = np.geomspace(1, max(k[-1], 1), 60)
                ax.plot(kk, method_bound(setting, measure, method, n, kk) / v0, color=COLORS[method], zorder=1,
                        **BOUND_STYLE)
        _marks(ax, setting, measure, n, data, extra)
        note = ""
        if (setting, measure, n, "orthogonal-q16") not in data and \
                any(key[0] == setting and key[3] == "orthogonal-q16" for key in data):
            note = " (no orthogonal-q16: q = 16 > n)"
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"n = {n}{note}", fontsize=TITLE)
        ax.set_xlabel("iteration k", fontsize=LABEL)
        ax.set_ylabel(f"{MEASURE_NAMES[measure]} / its value at k = 0", fontsize=LABEL)
        ax.set_ylim(max(1e-16, 0.3 * min(v_end)), 3.0)
        _log_ticks(ax)
    _curves_legend(legend_ax, [m for m in runs.METHODS if m in shown], setting, extra)
    fig.suptitle(f"{setting.replace('_', ' ')}: {MEASURE_NAMES[measure]} of gradient descent (gd) and "
                 "zero-order GD, mean over seeds, with each method's theory", fontsize=TITLE + 1)
    return fig


def _marks(ax, setting, measure, n, data, extra):
    """The end of gd's O(1/k) regime (convex) and the ns-forward floor (quadratics)."""
    if setting == "convex":
        gd = data.get((setting, measure, n, "gd"))
        knee = zt.nesterov_linear_after(n)
        if gd is not None and knee < gd[0][-1]:
            ax.axvline(knee, zorder=1, **KNEE_STYLE)
            extra["knee"] = ("gd leaves O(1/k) here:\nk = 1/(2 sin^2(pi/(2(n+1))))", KNEE_STYLE)
    if (setting, measure, n, "ns-forward") in data:
        _, floors = runs.ns_forward_expected(setting, n)
        if measure in floors:
            k, V, _ = data[(setting, measure, n, "ns-forward")]
            ax.axhline(floors[measure] / np.mean(V[:, 0]), zorder=1, **FLOOR_STYLE)
            extra["floor"] = ("ns-forward's floor: its exact\nexpectation at x* (eps = 1e-4)", FLOOR_STYLE)


def _curves_legend(ax, methods, setting, extra):
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D

    bounds = setting != "strongly_convex"
    handles = [Line2D([], [], color="k", lw=1.5), Line2D([], [], color="k", **STRETCHED_STYLE)]
    labels = ["measured: mean over seeds", "theory: gd's curve, k times the method's\npredicted slowdown "
              + ("(m; ns-forward 4(n+4))" if bounds else "(1.054 m; ns-forward:\nNesterov & Spokoiny's rate)")]
    if bounds:
        handles.append(Line2D([], [], color="k", **BOUND_STYLE))
        labels.append("theory: the method's bound, " + {"convex": "m L R^2/k", "nonconvex": "2 m L (f_0 - f*)/k"}[setting])
    for method in methods:
        parts = [Line2D([], [], **{k: v for k, v in line_style(method).items() if k != "zorder"})]
        if method != "gd":
            parts.append(Line2D([], [], color=COLORS[method], **STRETCHED_STYLE))
        if bounds:
            parts.append(Line2D([], [], color=COLORS[method], **BOUND_STYLE))
        handles.append(tuple(parts))
        labels.append(f"{method} ({M_TEXT[method]})")
    for label, style in extra.values():
        handles.append(Line2D([], [], **style))
        labels.append(label)
    ax.legend(handles, labels, loc="center left", fontsize=LEGEND, frameon=False, handlelength=5.0,
              handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)}, borderaxespad=0)


# --- the slowdown ---------------------------------------------------------------------------------------------
def slowdown_figure(summary, setting, data):
    """Measured slowdown (points, 95% bootstrap bars) against n, with the theory lines; one panel per
    measure of the setting, and for the convex and nonconvex settings the measured slowdown over its
    theory at each target. Returns the figure."""
    plt = pyplot()
    from matplotlib.lines import Line2D

    measures = runs.SETTINGS[setting]["measures"]
    extra_panel = setting in ("convex", "nonconvex")
    fig, axes, legend_ax = _layout(plt, len(measures) + extra_panel, len(measures) + extra_panel, 4.6, 4.0, 2.9)
    methods = [m for m in runs.METHODS[1:] if any(r["setting"] == setting and r["method"] == m for r in summary)]
    ns_lines = {"bound": ({"color": COLORS["ns-forward"], "ls": "-", "lw": 1.0},
                          "ns-forward: Nesterov & Spokoiny's\nbound, 1 - mu/(8(n+4)L) per step"),
                "exact": ({"color": COLORS["ns-forward"], "ls": "--", "lw": 1.0},
                          "ns-forward: its exact expected\nrate (asymptotic)"),
                "window": ({"color": COLORS["ns-forward"], "ls": ":", "lw": 1.6},
                           "ns-forward: its exact expectation\nfitted like the data (same window)")}
    drawn_ns = False
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
            label = f"{method} (from n = 16)" if method == "orthogonal-q16" else method
            ax.errorbar(ns * dodge, meas, yerr=np.clip(err, 0, None), fmt=MARKERS[method], ms=4.5,
                        color=COLORS[method], capsize=2, lw=0.9, label=label, zorder=3)
            if method == "ns-forward" and setting == "strongly_convex":
                style, _ = ns_lines["bound"]
                ax.plot(ns, [r["theory"] for r in rows], zorder=2, **style)
                ax.plot(ns, [runs.ns_forward_expected(setting, int(n))[0] for n in ns], zorder=2, **ns_lines["exact"][0])
                ax.plot(ns, [_ns_window(data, measure, int(n)) for n in ns], zorder=2, **ns_lines["window"][0])
                drawn_ns = True
            else:
                ax.plot(ns, [r["theory"] for r in rows], "-", color=COLORS[method], lw=0.9, alpha=0.8, zorder=2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("dimension n", fontsize=LABEL)
        ax.set_ylabel("slowdown in iterations against gd", fontsize=LABEL)
        ax.set_title(f"measured in {MEASURE_NAMES[measure]}", fontsize=TITLE)
        _log_ticks(ax, "y")
        dims = sorted({r["n"] for r in summary if r["setting"] == setting})
        ax.set_xticks(dims, [str(n) for n in dims], minor=False)
        ax.set_xticks([], minor=True)
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="0.3", lw=0.9))
    labels.append("theory: m (lines, each\nmethod's colour)" if setting != "strongly_convex" else
                  "theory: ln(1 - mu/L) / ln(1 - mu/(mL))\n(lines, each method's colour)")
    if drawn_ns:
        for style, text in ns_lines.values():
            handles.append(Line2D([], [], **style))
            labels.append(text)
    if extra_panel:
        reference = step_references(data, setting) if setting == "nonconvex" else {}
        _per_target_panel(axes[-1], per_target(data, setting), reference)
        h, lab = axes[-1].get_legend_handles_labels()
        handles, labels = handles + h, labels + lab
    legend_ax.legend(handles, labels, loc="center left", fontsize=LEGEND, frameon=False, borderaxespad=0)
    fig.suptitle(f"{setting.replace('_', ' ')}: slowdown of zero-order GD against gd, measured (points, 95% CI over "
                 "seeds) and theory (lines)", fontsize=TITLE + 1)
    return fig


def _ns_window(data, measure, n):
    gd = data.get(("strongly_convex", measure, n, "gd"))
    ns = data.get(("strongly_convex", measure, n, "ns-forward"))
    if gd is None or ns is None:
        return math.nan
    return ns_forward_in_window(measure, n, ns[0], gd[0], gd[1][0])


def _per_target_panel(ax, ratios, reference):
    """Measured slowdown over theory at each target (relative to the start), one line per n; ``reference``
    {n: the same for gd itself with the step 1/(nL), at the first two targets} as open markers."""
    import matplotlib as mpl

    dims = sorted(ratios)
    cmap = mpl.colormaps["viridis"]
    for j, n in enumerate(dims):
        color = cmap(j / max(1, len(dims) - 1) * 0.9)
        ax.plot(TARGETS, ratios[n], "o-", color=color, ms=4, lw=1.1, label=f"zero-order GD / theory, n = {n}")
        if n in reference:
            ax.plot(TARGETS[:2], reference[n], "s:", color=color, ms=6, mfc="none", lw=1.0)
    if reference:
        ax.plot([], [], "s:", color="0.3", ms=6, mfc="none", lw=1.0,
                label="gd itself, exact gradients and\nthe step 1/(nL), / n (no estimator)")
    ax.axhline(1.0, color="0.3", lw=0.9)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xticks(TARGETS, [f"1e-{int(round(-math.log10(t)))}" for t in TARGETS])
    ax.set_xticks([], minor=True)
    ax.set_xlabel("target, relative to the start", fontsize=LABEL)
    ax.set_ylabel("measured slowdown / theory", fontsize=LABEL)
    ax.set_title("at each target: mean over methods and seeds", fontsize=TITLE)
    ax.tick_params(labelsize=TICK)


# --- drawing them all -------------------------------------------------------------------------------------------
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
            written.extend(save_figure(make(), figs, name, caption=caption(), inputs=inputs))

    for setting, info in runs.SETTINGS.items():
        mine = {k: v[:2] for k, v in data.items() if k[0] == setting}
        if not mine:
            continue
        for measure in info["measures"]:
            suffix = "" if measure == info["measure"] else "_dist"
            draw(f"rates_{setting}{suffix}_curves", {k: v for k, v in mine.items() if k[1] == measure},
                 lambda: curves_figure(data, setting, measure), lambda: curves_caption(data, setting, measure))
        rows = [r for r in summary if r["setting"] == setting]
        draw(f"rates_{setting}_slowdown", [rows, mine], lambda: slowdown_figure(summary, setting, data),
             lambda: slowdown_caption(summary, data, setting))
    return written, kept


def _code():
    """The digest of the code the figures are drawn by: this module, what it imports from experiments/
    (the runs' problems and theory, the summary, the captions, the drawing helpers) and the zeroopt package."""
    here = os.path.dirname(os.path.abspath(__file__))
    import zeroopt

    return code_digest(*(os.path.join(here, f) for f in ("rates_figures.py", "rates_runs.py", "rates_report.py",
                                                         "rates_captions.py", "_figures.py")),
                       os.path.dirname(zeroopt.__file__))
