"""The profile figures (used by experiments/profiles.py): OptiProfiler's curves, drawn in the paper style.

Per feature and group of solvers, a data-profile figure and a performance-profile figure, each with one
panel per tolerance tau = 1e-1, 1e-3, 1e-5, 1e-7: the mean curve of each solver over its runs, with the
runs' min-max band where a solver ran more than once. The groups are views of one benchmark: every
curve is computed by OptiProfiler on the full set of solvers run (f_L the best value of any of them;
performance ratios to the fastest of them), so a solver's curve is the same in every figure it is in.
"""

from __future__ import annotations

import os

import numpy as np

from experiments import _profiles_solvers as solvers_mod
from experiments._figures import code_digest, digest, legend_outside, save_figure, style, up_to_date

DRAWN = (1e-1, 1e-3, 1e-5, 1e-7)
BUDGETS = (10, 50, 100)
#: zeroopt's methods drawn with the reference solvers
COMPANIONS = ("gd-ffd", "lbfgs-ffd", "lbfgs-cfd", "lbfgs-ffd-auto", "lbfgs-cfd-auto")

_STYLES = {
    # zeroopt: gd with deterministic estimators (solid), random ones (dashed), the rest dash-dot
    "gd-ffd": ("tab:blue", "-"), "gd-cfd": ("tab:cyan", "-"),
    "gd-sphere": ("tab:orange", "--"), "gd-gaussian": ("tab:red", "--"), "gd-rademacher": ("tab:pink", "--"),
    "gd-ns-fwd": ("tab:brown", "--"), "gd-orth2": ("tab:olive", "--"), "gd-coord": ("tab:purple", "--"),
    "steepest-cfd": ("tab:green", "-."), "steepest-sphere": ("yellowgreen", "-."), "coordinate": ("tab:gray", "-."),
    "lbfgs-ffd": ("black", "-"), "lbfgs-cfd": ("black", ":"),
    "lbfgs-ffd-auto": ("tab:blue", "-"), "lbfgs-cfd-auto": ("tab:blue", ":"),
    "random-pursuit": ("tab:brown", "--"), "zo-signsgd": ("tab:pink", "--"), "zo-adamm": ("tab:purple", "--"),
    # references
    "nelder-mead": ("tab:orange", "-"), "powell": ("tab:purple", "-"), "cobyla": ("tab:brown", "-"),
    "cobyqa": ("tab:red", "-"), "lbfgsb-scipy": ("tab:gray", "-"), "newuoa": ("tab:green", "-"),
    "bobyqa": ("tab:olive", "--"),
}
_SPARE = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:gray",
          "tab:olive", "tab:cyan"]


def line_style(name, i):
    color, ls = _STYLES.get(name, (_SPARE[i % len(_SPARE)], ("-", "--", "-.", ":")[i // len(_SPARE) % 4]))
    return {"color": color, "ls": ls, "lw": 1.3}


def groups(rec):
    """{group: solver indices} of a record, in the order of ``GROUPS``: gd with each estimator
    (estimators), zeroopt's other methods with gd's forward-FD run as the link (methods), and the
    reference solvers with COMPANIONS (references). A group with nothing to compare is left out."""
    names = rec["solvers"]
    fam = {s: solvers_mod.SOLVERS[s].family if s in solvers_mod.SOLVERS else "zeroopt" for s in names}
    est = [i for i, s in enumerate(names) if fam[s] == "zeroopt" and s.startswith("gd-")]
    met = [i for i, s in enumerate(names) if fam[s] == "zeroopt" and (not s.startswith("gd-") or s == "gd-ffd")]
    ref = [i for i, s in enumerate(names) if fam[s] == "reference" or s in COMPANIONS]
    out = {}
    if len(est) >= 2:
        out["estimators"] = est
    if sum(not names[i].startswith("gd-") for i in met) >= 1 and len(met) >= 2:
        out["methods"] = met
    if any(fam[names[i]] == "reference" for i in ref) and len(ref) >= 2:
        out["references"] = ref
    return out


GROUPS = ("estimators", "methods", "references")
GROUP_TITLES = {"estimators": "gd with each of zeroopt's estimators", "methods": "zeroopt's methods",
                "references": "reference solvers and zeroopt's finite-difference methods"}
SHORT_TITLES = {"estimators": "gd with each estimator", "methods": "zeroopt's methods",
                "references": "reference solvers"}


def _tol_index(rec, tol):
    return int(np.argmin([abs(np.log10(t) - np.log10(tol)) for t in rec["tolerances"]]))


def label(name):
    return solvers_mod.SOLVERS[name].label if name in solvers_mod.SOLVERS else name


def _exp(tol):
    return int(round(np.log10(tol)))


def _data_axis(ax):
    fwd = lambda x: np.log2(1.0 + np.maximum(x, 0.0))   # noqa: E731 - OptiProfiler's semilog data axis
    inv = lambda y: 2.0 ** y - 1.0                        # noqa: E731
    ax.set_xscale("function", functions=(fwd, inv))
    ticks = [0, 1, 3, 10, 30, 100]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.set_xlim(0, 100)


def _perf_axis(ax, xmax):
    ax.set_xscale("log", base=2)
    top = max(2.0, xmax)
    ticks = [2 ** k for k in range(0, int(np.floor(np.log2(top))) + 1)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.xaxis.set_minor_locator(__import__("matplotlib").ticker.NullLocator())
    ax.set_xlim(1, top)


def _stairs(x, y, end):
    """OptiProfiler's step curve (y[i] from x[i] on), continued flat to ``end``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x[-1] < end:
        x, y = np.append(x, end), np.append(y, y[-1])
    return x, y


def panel(ax, rec, kind, tol, idx):
    """One panel: the profile ``kind`` ("data" or "perf") of the solvers ``idx`` of record ``rec`` at
    tolerance ``tol``, each solver's mean curve with its runs' min-max band where it ran more than once."""
    curves = rec["curves"][kind][_tol_index(rec, tol)]
    ax.set_ylim(-0.02, 1.02)
    xmax = 2.0
    if curves is not None:
        if kind == "perf":   # OptiProfiler ends the curves at 1.1 x the largest finite ratio
            xmax = max(np.asarray(curves[i]["x"])[-1] / 1.1 for i in range(len(curves)))
        end = 100.0 if kind == "data" else max(xmax, 2.0)
        for j, i in enumerate(idx):
            c = curves[i]
            st = line_style(rec["solvers"][i], j)
            x, mean = _stairs(c["x"], c["mean"], end)
            ax.step(x, mean, where="post", label=label(rec["solvers"][i]), **st)
            runs = np.asarray(c["runs"])
            if len(runs) > 1 and np.ptp(runs, axis=0).max() > 0:
                _, lo = _stairs(c["x"], runs.min(axis=0), end)
                _, hi = _stairs(c["x"], runs.max(axis=0), end)
                ax.fill_between(x, lo, hi, step="post", color=st["color"], alpha=0.15, lw=0)
    else:
        ax.text(0.5, 0.5, "no solver passes the test", transform=ax.transAxes, ha="center", color="0.4")
    if kind == "data":
        _data_axis(ax)
    else:
        _perf_axis(ax, xmax)


def label_axes(axes, kind):
    """The x labels of the bottom row and the y labels of the left column of a 2 x 2 grid of panels."""
    for ax in axes[1, :]:
        ax.set_xlabel("simplex gradients k (budget: k (n + 1) evaluations)" if kind == "data"
                      else "performance ratio r (evaluations / the fastest solver's)")
    for ax in axes[:, 0]:
        ax.set_ylabel("fraction of problems solved")


def draw(rec, kind, idx, title):
    """One figure: ``kind`` "data" or "perf", the solvers ``idx`` of record ``rec``, a panel per tau."""
    with style() as plt:
        fig, axes = plt.subplots(2, 2, figsize=(7.2, 6.2), sharey=True)
        for ax, tol in zip(axes.flat, DRAWN):
            ax.set_title(rf"$\tau = 10^{{{_exp(tol)}}}$")
            panel(ax, rec, kind, tol, idx)
        label_axes(axes, kind)
        fig.suptitle(title, fontsize=10)
        legend_outside(fig, "below", ncol=3)
    return fig


def value_at(rec, kind, i, tol, x):
    """Solver ``i``'s mean curve of profile ``kind`` at tolerance ``tol``, read at ``x`` (simplex gradients
    for a data profile, the performance ratio for a performance profile)."""
    from experiments._profiles_run import fraction_solved

    curves = rec["curves"][kind][_tol_index(rec, tol)]
    return 0.0 if curves is None else fraction_solved(curves[i]["x"], curves[i]["mean"], x)


def best_at(rec, idx, tol, x, kind="data"):
    """(solver, value): the solver of ``idx`` whose mean curve is highest at ``x`` (the first on a tie)."""
    vals = [value_at(rec, kind, i, tol, x) for i in idx]
    j = int(np.argmax(vals))
    return rec["solvers"][idx[j]], vals[j]


MODEL_BASED = ("newuoa", "bobyqa", "cobyqa")


def findings(rec, group, idx, kind):
    """The caption's sentences on what the curves show, each computed from the data."""
    names = [rec["solvers"][i] for i in idx]
    at = {s: i for s, i in zip(names, idx)}

    def v(s, tol, x, k="data"):
        return value_at(rec, k, at[s], tol, x)

    out = []
    if kind == "perf":
        def leaders(tol):   # every solver of the group at the highest value at r = 1 (ties named together)
            vals = [value_at(rec, "perf", i, tol, 1.0) for i in idx]
            top = max(vals)
            return " and ".join(label(rec["solvers"][i]) for i, x in zip(idx, vals) if x == top), top
        (lo, lo_v), (hi, hi_v) = leaders(1e-1), leaders(1e-7)
        out.append(f"Fastest on the most problems (the curves at r = 1): {lo} at tau = 1e-1 ({lo_v:.0%} "
                   f"of the problems), {hi} at tau = 1e-7 ({hi_v:.0%}).")
    first, first_v = best_at(rec, idx, 1e-1, 2)
    lo, lo_v = best_at(rec, idx, 1e-1, 10)
    hi, hi_v = best_at(rec, idx, 1e-7, 100)
    if kind == "data":
        out.append(f"At tau = 1e-1, {label(first)} solves the most within 2 simplex gradients ({first_v:.0%}) and "
                   f"{label(lo)} within 10 ({lo_v:.0%}); at tau = 1e-7, {label(hi)} within 100 ({hi_v:.0%}).")
    rand = {s: solvers_mod.SOLVERS[s].randomized for s in names if s in solvers_mod.SOLVERS}
    if group == "estimators":
        if rand.get(first) and not rand.get(hi, True):
            out.append("Why: a two-point estimate costs 2 evaluations, so random directions take the first steps, "
                       "but their variance ((n - 1) |grad f|^2 for two points) forces the step 1/(n L); finite "
                       "differences give the gradient up to O(h) and keep descending at high accuracy.")
        if {"gd-ffd", "gd-cfd"} <= set(names) and v("gd-ffd", 1e-7, 100) > v("gd-cfd", 1e-7, 100):
            out.append(f"Forward differences (n + 1 evaluations a gradient) beat central ones (2n) even at tau = 1e-7 "
                       f"({v('gd-ffd', 1e-7, 100):.0%} against {v('gd-cfd', 1e-7, 100):.0%}): their O(h) error "
                       f"costs less than central's doubled price.")
    if group == "methods" and kind == "data" and "gd-ffd" in names:
        adaptive = [s for s in ("zo-signsgd", "zo-adamm") if s in names]
        if adaptive and all(v(s, 1e-1, 100) < v("gd-ffd", 1e-1, 100) for s in adaptive):
            out.append(" and ".join(label(s) for s in adaptive) + " (step and radius 1/sqrt(n T) as in their papers, q = 10 directions) solve "
                       + " and ".join(f"{v(s, 1e-1, 100):.0%}" for s in adaptive)
                       + f" at tau = 1e-1 within 100 simplex gradients, gd with forward differences "
                         f"{v('gd-ffd', 1e-1, 100):.0%}: their step 1/sqrt(n T) is made for T in the thousands; "
                         "with the T ~ 9 (n + 1) iterations the budget pays for, ZO-signSGD moves each coordinate "
                         "by at most sqrt(T/n) < 3.7 in all.")
    if rec["feature"] in ("noisy", "noisy3"):
        fd = [s for s in names if s in solvers_mod.SOLVERS and solvers_mod.SOLVERS[s].family == "zeroopt"
              and s != "coordinate"]
        if fd:
            worst = max(v(s, 1e-1, 100) for s in fd)
            if group in ("estimators", "methods") and worst < 0.5:
                out.append(f"Under noise of relative size 1e-3 the difference steps (h = sqrt(eps) max(1, |x_i|) "
                           f"for finite differences, 1e-4 for the random directions) measure the noise, not the "
                           f"slope: no {'gd variant' if group == 'estimators' else 'difference-based method'} "
                           f"solves more than {worst:.0%} even at tau = 1e-1; a step chosen from the noise level "
                           f"(Shi, Xuan, Oztoprak & Nocedal 2023) is the remedy.")
        if group == "methods" and "coordinate" in names and lo == "coordinate":
            out.append("Coordinate search compares values along whole line searches, not differences over a tiny "
                       "h, and stands the noise best of zeroopt's methods.")
    if group == "references":
        if lo in MODEL_BASED:
            out.append("Model-based solvers lead at low accuracy: their quadratic models reuse every evaluation.")
        fd = [s for s in ("lbfgs-ffd", "lbfgsb-scipy") if s in names]
        mb = [s for s in ("newuoa", "cobyqa") if s in names]
        if fd and mb:
            tol = 1e-1 if rec["feature"] in ("noisy", "noisy3") else 1e-7
            text = (f"At tau = 1e{_exp(tol)} within 100 simplex gradients, L-BFGS-B with forward differences solves "
                    + " and ".join(f"{v(s, tol, 100):.0%} ({'zeroopt as_jac' if s == 'lbfgs-ffd' else 'scipy'})"
                                   for s in fd)
                    + ", " + " and ".join(f"{label(s)} {v(s, tol, 100):.0%}" for s in mb))
            if max(v(s, tol, 100) for s in fd) >= 0.9 * max(v(s, tol, 100) for s in mb):
                text += (": finite-difference L-BFGS competes with model-based methods when the difference step "
                         "is well chosen (here sqrt(eps) max(1, |x_i|) on noiseless values), as Shi, Xuan, "
                         "Oztoprak & Nocedal (2023) found.")
                if len(fd) == 2 and v("lbfgs-ffd", tol, 100) < v("lbfgsb-scipy", tol, 100):
                    text += (" scipy's own differences reuse the f(x) L-BFGS-B has just computed (n evaluations a "
                             "gradient); through as_jac, CoordinateFD evaluates it again (n + 1).")
            elif rec["feature"] in ("noisy", "noisy3"):
                text += (": with the noiseless step sqrt(eps) max(1, |x_i|) the differences measure the noise; "
                         "Shi, Xuan, Oztoprak & Nocedal (2023) set the step from the noise level.")
            else:
                text += "."
            out.append(text)
    return out


def caption(rec, group, kind, idx):
    """What the reader sees, from the data: the convention, and the leaders at low and high accuracy."""
    n_p, runs = len(rec["problems"]), rec["n_runs"]
    what = ("data profiles: the fraction of problems solved within k simplex gradients (k (n + 1) evaluations)"
            if kind == "data" else "performance profiles: the fraction of problems solved within r times the "
            f"evaluations of the fastest of all {len(rec['solvers'])} solvers run")
    text = (f"Moré–Wild set ({n_p} problems, feature {rec['feature']}), {GROUP_TITLES[group]}: {what}. A problem "
            f"is solved at tolerance tau once f(x) <= f_L + tau (f(x0) - f_L), f_L the least value any of the "
            f"{len(rec['solvers'])} solvers reached; budget 100 (n + 1) evaluations. ")
    text += " ".join(findings(rec, group, idx, kind))
    stochastic = rec["feature"] in ("noisy", "noisy3")
    text += (f" Randomized solvers{' (every solver: the feature is random)' if stochastic else ''}: {runs} runs "
             "(OptiProfiler's n_runs), f_L per run, the mean curve with the runs' min-max band.")
    return " ".join(text.split())


def figures(records, figs, redraw=False):
    """Draw every feature's figures into ``figs``; returns (written paths, paths left as they were)."""
    code = code_digest(__file__, solvers_mod.__file__)
    written, kept = [], []
    for rec in records:
        for group, idx in groups(rec).items():
            for kind in ("data", "perf"):
                name = f"profiles_{rec['feature']}_{group}_{kind}"
                data = [rec["curves"][kind][_tol_index(rec, t)] for t in DRAWN]
                sub = [None if c is None else [c[i] for i in idx] for c in data]
                text = caption(rec, group, kind, idx)
                inputs = digest(code, sub, [rec["solvers"][i] for i in idx], text)
                paths = [os.path.join(figs, f"{name}.{e}") for e in ("png", "pdf")]
                if not redraw and up_to_date(figs, name, inputs):
                    kept.extend(paths)
                    continue
                title = (f"{'Data' if kind == 'data' else 'Performance'} profiles, Moré–Wild set "
                         f"({rec['feature']}): {SHORT_TITLES[group]}")
                written.extend(save_figure(draw(rec, kind, idx, title), figs, name, caption=text, inputs=inputs))
    return written, kept
