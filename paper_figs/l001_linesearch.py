"""Lecture notes 001 (Line search. Matrix calculus. Automatic differentiation), Figures 1-12: unimodal
functions and the interval searches, drawn from the points zeroopt's own searches visited.

Every probe shown is a call that ``zo.linesearch.golden`` or ``zo.linesearch.dichotomy`` made (the
function is wrapped in a :class:`~paper_figs._common.Recorder`). The bracket drawn after N evaluations is
the interval the probes prove to contain x* for a unimodal f: the neighbours of the best point so far
among a, b and the probes.
"""

from __future__ import annotations

import numpy as np

import zeroopt as zo

from paper_figs._common import Recorder, cached, figure, legend_outside, style

#: the lecture's examples of unimodal functions (Figure 1) and one that is not unimodal, on [a, b]
EXAMPLES = {
    "smooth and convex\n(x - 0.8)^2": (lambda x: (x - 0.8) ** 2, -1.0, 3.0),
    "unimodal, not convex\nsqrt|x - 1.7|": (lambda x: np.sqrt(abs(x - 1.7)), -1.0, 3.0),
    "unimodal, flat tails\n1 - exp(-4 (x - 0.3)^2)": (lambda x: 1.0 - np.exp(-4.0 * (x - 0.3) ** 2), -1.0, 3.0),
    "not unimodal\n(x^2 - 1)^2 + 0.4 x": (lambda x: (x * x - 1.0) ** 2 + 0.4 * x, -1.6, 2.0),
}


def bracket_after(a, b, xs, fs):
    """The intervals [lo_N, hi_N] proved to hold x* after each of the N = 1, 2, ... probes (xs, fs) of a
    unimodal f on [a, b]: the neighbours of the best probe so far among a, b and the probes."""
    lo, hi = [], []
    for N in range(1, len(xs) + 1):
        pts = np.array(xs[:N])
        best = pts[int(np.argmin(fs[:N]))]
        left = pts[pts < best]
        right = pts[pts > best]
        lo.append(max(left.max(), a) if left.size else a)
        hi.append(min(right.min(), b) if right.size else b)
    return np.array(lo), np.array(hi)


def _search(method, f, a, b, tol):
    rec = Recorder(f)
    res = getattr(zo.linesearch, method)(rec, a, b, tol=tol)
    lo, hi = bracket_after(a, b, rec.xs, rec.fs)
    return dict(xs=np.array(rec.xs), fs=np.array(rec.fs), lo=lo, hi=hi, x=res.x, nfev=res.nfev)


# --- Figure 1 ------------------------------------------------------------------------------------
def unimodal_data(tol=1e-3):
    out = {}
    for i, (f, a, b) in enumerate(EXAMPLES.values()):
        grid = np.linspace(a, b, 801)
        vals = np.array([f(x) for x in grid])
        run = _search("golden", f, a, b, tol)
        out.update({f"grid{i}": grid, f"vals{i}": vals, f"xs{i}": run["xs"], f"fs{i}": run["fs"],
                    f"x{i}": run["x"], f"argmin{i}": grid[int(np.argmin(vals))]})
    return out


@figure("l001_unimodal", "001", "1", "unimodal functions, and golden section on each")
def unimodal(quick=False):
    d = cached("l001_unimodal", unimodal_data, deps=tuple(f for f, _, _ in EXAMPLES.values()))
    with style() as plt:
        fig, axes = plt.subplots(1, 4, figsize=(11, 3.0))
        for i, (ax, name) in enumerate(zip(axes, EXAMPLES)):
            ax.plot(d[f"grid{i}"], d[f"vals{i}"], color="k", lw=1.2, label="f")
            ax.plot(d[f"xs{i}"], d[f"fs{i}"], "o", ms=3.5, color="C0", alpha=0.7, label="points golden section visited")
            ax.plot(d[f"x{i}"], np.interp(d[f"x{i}"], d[f"grid{i}"], d[f"vals{i}"]), "*", ms=11, color="C3",
                    label="golden section's answer")
            ax.axvline(d[f"argmin{i}"], color="C2", ls="--", lw=1, label="global minimiser x*")
            ax.set_title(name, fontsize=8.5)
            ax.set_xlabel("x")
        axes[0].set_ylabel("f(x)")
        legend_outside(fig, "below", ncol=4)
    miss = abs(d["x3"] - d["argmin3"])
    return fig, (f"Lecture 001, Figure 1: three unimodal functions on [a, b] - one minimiser x*, f decreasing "
                 f"before it and increasing after - and golden section (zo.linesearch.golden, tol 1e-3) finding "
                 f"it from the points shown; on the fourth, which has two local minima, the same search ends "
                 f"in the local minimum {miss:.2f} away from the global one.")


# --- Figures 2-11: dichotomy; Figure 12: golden section ------------------------------------------
#: dichotomy on two functions: x* left of the middle (one probe halves [a, b]) and right of it
#: (the first probe leaves 3/4 of [a, b], the second halves it)
DICHOTOMY = {"f = log(1 + (x - 0.3)^2): x* left of the middle": lambda x: np.log1p((x - 0.3) ** 2),
             "f = log(1 + (x - 3.1)^2): x* right of the middle": lambda x: np.log1p((x - 3.1) ** 2)}
INTERVAL = (-1.0, 4.0)
DICHOTOMY_NAMES = [name.split(":")[0] for name in DICHOTOMY]


def searches_data(method, tol=1e-3, functions=None):
    functions = functions or DICHOTOMY
    a, b = INTERVAL
    out = {}
    for i, f in enumerate(functions.values()):
        grid = np.linspace(a, b, 801)
        run = _search(method, f, a, b, tol)
        out.update({f"grid{i}": grid, f"vals{i}": np.array([f(x) for x in grid])})
        out.update({f"{k}{i}": v for k, v in run.items()})
    return out


def _probes_panel(ax, grid, vals, xs, fs, show, label=5):
    """f with the first ``show`` probes, the first ``label`` of them numbered."""
    ax.plot(grid, vals, color="k", lw=1.2)
    ax.plot(xs[:show], fs[:show], "o", color="C0", ms=5)
    for j in range(min(label, len(xs))):
        ax.annotate(str(j + 1), (xs[j], fs[j]), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7.5)
    ax.set_ylabel("f(x)")


def _bracket_panel(ax, a, b, xs, fs, lo, hi, show, kept=False):
    """Row N: the bracket after N evaluations (bar), probe N (filled dot) and, with ``kept``, the earlier
    best point so far (open circle: the inner point golden section reuses)."""
    for N in range(min(show, len(xs))):
        ax.plot([lo[N], hi[N]], [N + 1, N + 1], color="C1", lw=4, solid_capstyle="butt", alpha=0.6,
                label="bracket proved after N evaluations" if N == 0 else None)
        ax.plot(xs[N], N + 1, "o", color="C0", ms=5, label="probe N" if N == 0 else None)
        if kept:
            best = xs[int(np.argmin(fs[:N + 1]))]
            ax.plot(best, N + 1, "o", mfc="none", mec="k", ms=8, mew=1.2,
                    label="best point so far: stays inside, reused as a golden point" if N == 0 else None)
        ax.text(b + 0.05 * (b - a), N + 1, f"{(hi[N] - lo[N]) / (b - a):.3f}", va="center", fontsize=7.5)
    ax.text(b + 0.05 * (b - a), 0.2, "width/(b-a)", va="bottom", fontsize=7.5)
    ax.set_ylim(show + 0.7, -0.2)
    ax.set_xlim(a - 0.02 * (b - a), b + 0.2 * (b - a))
    ax.set_xlabel("x")
    ax.set_ylabel("evaluations N")


def _search_figure(method, columns, figsize, title, kept=False, show=9):
    """Probes (top) and proved brackets (bottom) of zo.linesearch.<method> on DICHOTOMY's functions
    ``columns`` (indices), one column each."""
    d = cached(f"l001_{method}", searches_data, method=method, deps=tuple(DICHOTOMY.values()))
    a, b = INTERVAL
    with style() as plt:
        fig, axes = plt.subplots(2, len(columns), figsize=figsize, height_ratios=[1, 1.3], sharex=True, squeeze=False)
        for col, i in enumerate(columns):
            _probes_panel(axes[0, col], d[f"grid{i}"], d[f"vals{i}"], d[f"xs{i}"], d[f"fs{i}"], show)
            if len(columns) > 1:
                axes[0, col].set_title(list(DICHOTOMY)[i])
            _bracket_panel(axes[1, col], a, b, d[f"xs{i}"], d[f"fs{i}"], d[f"lo{i}"], d[f"hi{i}"], show, kept=kept)
        legend_outside(fig, "below", ncol=2)
        fig.suptitle(title, fontsize=9)
    return fig, d


@figure("l001_dichotomy", "001", "2-11", "dichotomy: the bracket halves every <= 2 evaluations")
def dichotomy(quick=False):
    fig, _ = _search_figure("dichotomy", (0, 1), (9, 5.6), "zo.linesearch.dichotomy on [-1, 4]: probes (top, "
                            "numbered) and the bracket they prove (bottom, width / (b - a) at the right)")
    return fig, ("Lecture 001, Figures 2-11: dichotomy. The middle c is evaluated, then the middle of its "
                 "left half; if that is not better, the middle of the right half too. Left: x* is left of "
                 "the middle, so the second probe already halves [a, b]. Right: the second probe leaves "
                 "3/4 (b - a), the third halves it - at most 2 evaluations per halving, so after k halvings "
                 "|c - x*| <= (b - a)/2^(k+1), the lecture's 0.707^N (b - a)/2 with N = 2k evaluations.")


@figure("l001_golden", "001", "12", "golden section: one new evaluation per step, the bracket x 0.618")
def golden(quick=False):
    show = 9
    fig, d = _search_figure("golden", (1,), (6.0, 5.8), f"zo.linesearch.golden on [-1, 4], {DICHOTOMY_NAMES[1]}:\n"
                            "probes (numbered) and the bracket they prove", kept=True, show=show)
    w = (d["hi1"] - d["lo1"])[1:show]
    return fig, ("Lecture 001, Figure 12: golden section. The two inner points sit at 0.382 and 0.618 of "
                 "the bracket, so the surviving one is an inner golden point of the next bracket and only one "
                 f"new evaluation is needed per step: the bracket widths (right) shrink by 1/tau = "
                 f"{np.median(w[1:] / w[:-1]):.4f} per evaluation, |x_N - x*| <= (1/tau)^(N-1) (b - a).")


# --- Figures 13-17: phi(alpha) = f(x_k - alpha grad f(x_k)) and the step conditions ---------------
def phi_objective(x):
    """The 2-D objective whose line phi(alpha) the figures show: ||x||^2 / 2 + sin(3 x_1)."""
    return 0.5 * (x @ x) + np.sin(3.0 * x[0])


X_K = np.array([1.75, 0.5])
#: the constants of the figures (larger than the practical c1 ~ 1e-4 so that the lines are visible)
C1, C_GOLDSTEIN, C2, ALPHA0 = 0.1, 0.25, 0.5, 1.0


def conditions_data(amax=1.05, num=1051):
    """phi and phi' along -grad f at X_K (by zo.grad), phi''(0) (by zo.hessian), and the probes of
    zo.linesearch.armijo, goldstein and wolfe (weak) on that line."""
    grad = zo.grad(phi_objective)
    d = -grad(X_K)
    phi = Recorder(lambda a: phi_objective(X_K + a * d))
    dphi = Recorder(lambda a: grad(X_K + a * d) @ d)
    alphas = np.linspace(0.0, amax, num)
    out = {"alpha": alphas, "phi": np.array([phi.f(a) for a in alphas]),
           "dphi": np.array([dphi.f(a) for a in alphas]), "phi0": phi.f(0.0), "dphi0": dphi.f(0.0),
           "ddphi0": d @ zo.hessian(phi_objective)(X_K) @ d}
    # the lecture's plain backtracking by beta = 1/2 (beta_lo = beta), for the caption's comparison
    out["halving_nfev"] = zo.linesearch.armijo(phi.f, out["phi0"], out["dphi0"], ALPHA0, c1=C1, beta=0.5,
                                               beta_lo=0.5).nfev
    runs = {"armijo": lambda: zo.linesearch.armijo(phi, out["phi0"], out["dphi0"], ALPHA0, c1=C1, beta=0.5),
            "goldstein": lambda: zo.linesearch.goldstein(phi, out["phi0"], out["dphi0"], ALPHA0, c=C_GOLDSTEIN),
            "wolfe": lambda: zo.linesearch.wolfe(phi, out["phi0"], out["dphi0"], dphi, ALPHA0, c1=C1, c2=C2,
                                                 strong=False)}
    for name, run in runs.items():
        phi.xs, phi.fs, dphi.xs, dphi.fs = [], [], [], []
        res = run()
        out.update({f"{name}_xs": np.array(phi.xs), f"{name}_fs": np.array(phi.fs), f"{name}_step": res.x,
                    f"{name}_ok": res.success, f"{name}_gxs": np.array(dphi.xs), f"{name}_gfs": np.array(dphi.fs)})
    return out


def accepted(d, rule):
    """The mask of alphas (on d["alpha"]) a rule accepts: armijo, goldstein, curvature or wolfe."""
    a, phi, dphi, phi0, dphi0 = d["alpha"], d["phi"], d["dphi"], d["phi0"], d["dphi0"]
    armijo = phi <= phi0 + C1 * a * dphi0
    curvature = dphi >= C2 * dphi0
    return {"armijo": armijo, "curvature": curvature, "wolfe": armijo & curvature,
            "goldstein": (phi <= phi0 + C_GOLDSTEIN * a * dphi0) & (phi >= phi0 + (1 - C_GOLDSTEIN) * a * dphi0)}[rule]


def _shade(ax, alpha, mask, label):
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    for k, (i, j) in enumerate(zip(edges[::2], edges[1::2])):
        ax.axvspan(alpha[i], alpha[j - 1], color="C2", alpha=0.15, lw=0, label=label if k == 0 else None)


def _phi_axes(ax, d, rule=None):
    a = d["alpha"]
    ax.plot(a, d["phi"], color="k", label="phi(alpha) = f(x_k - alpha grad f(x_k))")
    probes = [d[f"{r}_fs"] for r in ("armijo", "goldstein", "wolfe")] if rule is None else [d.get(f"{rule}_fs", [])]
    top = max(max(d["phi0"], *np.concatenate([[0.0], *probes])) + 0.4, d["phi"].max() + 0.15)   # all of phi
    ax.set_ylim(d["phi"].min() - 0.3, top)
    ax.set_xlim(a[0], a[-1])
    ax.set_ylabel("phi(alpha)")
    if rule is not None:
        _shade(ax, a, accepted(d, rule), f"accepted by the {rule} condition")
        xs, fs = d.get(f"{rule}_xs"), d.get(f"{rule}_fs")
        if xs is not None:
            ax.plot(xs, fs, "o", color="C0", label=f"points zo.linesearch.{rule} evaluated")
            for j, (x, f) in enumerate(zip(xs, fs)):
                ax.annotate(str(j + 1), (x, f), textcoords="offset points", xytext=(4, 4), fontsize=7.5)
            step = d[f"{rule}_step"]
            ax.plot(step, np.interp(step, a, d["phi"]), "*", ms=13, color="C3", label="the step it returned")


def _line(ax, d, c, style_, label):
    a = d["alpha"]
    ax.plot(a, d["phi0"] + c * a * d["dphi0"], style_, color="C1", lw=1.2, label=label)


@figure("l001_taylor_phi", "001", "13", "phi(alpha) along the antigradient and its Taylor models")
def taylor_phi(quick=False):
    d = cached("l001_conditions", conditions_data, deps=(phi_objective,))
    a = d["alpha"]
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7, 3.6))
        _phi_axes(ax, d)
        _line(ax, d, 1.0, "-", "first-order model phi(0) + alpha phi'(0)")
        ax.plot(a, d["phi0"] + a * d["dphi0"] + 0.5 * a * a * d["ddphi0"], ":", color="C4",
                label="second-order model (+ alpha^2 phi''(0)/2, phi'' by zo.hessian)")
        ax.set_xlabel("step alpha")
        legend_outside(fig, "below", ncol=2)
    return fig, ("Lecture 001, Figure 13: phi(alpha) = f(x_k - alpha grad f(x_k)) for f(x) = ||x||^2/2 + "
                 "sin(3 x_1) at x_k = (1.75, 0.5), with its first-order Taylor model phi(0) - alpha "
                 "||grad f(x_k)||^2 (the tangent at 0) and the second-order one; phi'(0) comes from zo.grad "
                 "and phi''(0) = d' H d from zo.hessian. The models hold only for small alpha.")


@figure("l001_armijo", "001", "14", "Armijo: sufficient decrease, with the backtracking probes")
def armijo(quick=False):
    d = cached("l001_conditions", conditions_data, deps=(phi_objective,))
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7, 3.6))
        _phi_axes(ax, d, "armijo")
        _line(ax, d, 1.0, ":", "tangent phi(0) + alpha phi'(0)")
        _line(ax, d, C1, "--", f"phi(0) + c1 alpha phi'(0), c1 = {C1}")
        ax.set_xlabel("step alpha")
        legend_outside(fig, "below", ncol=2)
    xs = d["armijo_xs"]
    trials = ", ".join(f"{x:.3g}" for x in xs)
    return fig, (f"Lecture 001, Figure 14: the Armijo condition phi(alpha) <= phi(0) + c1 alpha phi'(0) accepts "
                 f"the shaded steps (two intervals here). zo.linesearch.armijo backtracks from alpha0 = "
                 f"{ALPHA0:g} by interpolation: after the first rejected trial it tries the minimiser of the "
                 f"quadratic through phi(0), phi'(0) and phi(alpha0), after later ones that of the cubic through "
                 f"phi(0), phi'(0) and the last two trials, each kept within [0.1, 0.5] times the rejected trial. "
                 f"Its trials alpha = {trials}: "
                 f"{len(xs)} evaluations, the last one accepted; the lecture's halving by beta = 0.5 takes "
                 f"{d['halving_nfev']}. c1 = {C1} here to make the line visible; in practice c1 ~ 1e-4.")


@figure("l001_goldstein", "001", "15", "Goldstein: phi between two lines, with the search's probes")
def goldstein(quick=False):
    d = cached("l001_conditions", conditions_data, deps=(phi_objective,))
    c = C_GOLDSTEIN
    with style() as plt:
        fig, ax = plt.subplots(figsize=(7, 3.6))
        _phi_axes(ax, d, "goldstein")
        _line(ax, d, c, "--", f"phi(0) + c alpha phi'(0), c = {c}")
        _line(ax, d, 1 - c, "-.", "phi(0) + (1 - c) alpha phi'(0)")
        ax.set_xlabel("step alpha")
        legend_outside(fig, "below", ncol=2)
    return fig, (f"Lecture 001, Figure 15: the Goldstein conditions phi(0) + (1 - c) alpha phi'(0) <= phi(alpha) "
                 f"<= phi(0) + c alpha phi'(0), c = {c}, accept the shaded steps: enough decrease, and not so "
                 f"little a step that phi is still near its tangent. zo.linesearch.goldstein doubles a step "
                 f"that is too short and bisects one that is too long; its probes are numbered "
                 f"(alpha = {d['goldstein_step']:.3g} accepted).")


def _dphi_axes(ax, d, rule):
    a = d["alpha"]
    ax.plot(a, d["dphi"], color="C5", label="phi'(alpha) (by zo.grad)")
    ax.axhline(C2 * d["dphi0"], color="C1", ls="--", lw=1.2, label=f"c2 phi'(0), c2 = {C2}")
    ax.axhline(0.0, color="0.5", lw=0.6)
    _shade(ax, a, accepted(d, rule), None)
    ax.plot(d["wolfe_gxs"], d["wolfe_gfs"], "v", color="C0", label="phi' evaluated by zo.linesearch.wolfe")
    ax.set_xlim(a[0], a[-1])
    ax.set_ylabel("phi'(alpha)")
    ax.set_xlabel("step alpha")


@figure("l001_curvature", "001", "16", "the curvature condition on phi'(alpha)")
def curvature(quick=False):
    d = cached("l001_conditions", conditions_data, deps=(phi_objective,))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 5.0), sharex=True)
        _phi_axes(ax, d, "curvature")
        ax.set_xlabel("")
        _dphi_axes(ax2, d, "curvature")
        legend_outside(fig, "below", ncol=2)
    return fig, (f"Lecture 001, Figure 16: the curvature condition phi'(alpha) >= c2 phi'(0), c2 = {C2}, rejects "
                 f"the steps where phi still falls steeply (too short) and accepts the shaded ones; bottom: "
                 f"phi' by zo.grad, with the derivatives zo.linesearch.wolfe evaluated.")


@figure("l001_wolfe", "001", "17", "Wolfe: sufficient decrease and curvature, with the search's probes")
def wolfe(quick=False):
    d = cached("l001_conditions", conditions_data, deps=(phi_objective,))
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 5.0), sharex=True)
        _phi_axes(ax, d, "wolfe")
        _line(ax, d, C1, "--", f"phi(0) + c1 alpha phi'(0), c1 = {C1}")
        _dphi_axes(ax2, d, "wolfe")
        legend_outside(fig, "below", ncol=2)
    return fig, (f"Lecture 001, Figure 17: the (weak) Wolfe conditions - Armijo with c1 = {C1} (top) and "
                 f"curvature with c2 = {C2} (bottom) - accept the shaded steps. zo.linesearch.wolfe (Nocedal & "
                 f"Wright's bracketing and zoom; zoom tries the minimiser of the quadratic through phi(lo), "
                 f"phi'(lo) and phi(hi)) evaluated phi at the numbered points and phi' at the triangles, "
                 f"and returned alpha = {d['wolfe_step']:.3g}.")
