"""Lecture notes 002 (optimization in many dimensions), the calculus figures: the linear approximation of
log-sum-exp by its gradient, stationary points of a function of two variables classified by the
eigenvalues of the AD Hessian, and the backpropagation graph of the lecture's worked example
f = (u + v)^2, u = (a + b)^2, v = (a - b)^2, a = (w + x + y + z)^2, b = (w + x - y - z)^2 at
(w, x, y, z) = (-1, 0, -2, 1), drawn from zeroopt's own trace. The Taylor model, the quartic and GD
against Newton are :mod:`paper_figs.l002_taylor_newton`.

    python -m paper_figs.l002_calculus [--figs paper_figs] [--only NAME,...]
"""

from __future__ import annotations

import math

import numpy as np

import zeroopt as zo
from paper_figs import _graphs as gr
from paper_figs._common import cached, figure, figures_of, fmt_float, grid_values, legend_outside, style


# --- the linear approximation of log-sum-exp --------------------------------------------------------------
def logsumexp2(x):
    """The lecture's f(x, y) = log(e^x + e^y) (x a point (2,))."""
    return np.log(np.exp(x[0]) + np.exp(x[1]))


#: the lecture's point (0, log 2) and its step epsilon = (0.01, -0.03)
X_LSE = np.array([0.0, math.log(2.0)])
EPS_LSE = np.array([0.01, -0.03])


def linear_data(ts=None):
    """The linear model m(x0 + s) = f(x0) + grad f(x0)' s at the lecture's point, its error along the
    lecture's direction for steps of length t, and the second-order term (1/2) s' H s (zo.hessian)."""
    ts = np.geomspace(1e-10, 2.0, 141) if ts is None else np.asarray(ts, dtype=float)
    f0, g, H = logsumexp2(X_LSE), zo.grad(logsumexp2)(X_LSE), zo.hessian(logsumexp2)(X_LSE)
    u = EPS_LSE / np.linalg.norm(EPS_LSE)
    err = np.array([abs(logsumexp2(X_LSE + t * u) - (f0 + t * g @ u)) for t in ts])
    X, Y, Z = grid_values(logsumexp2, (-1.5, 1.5), (-0.8, 2.2), num=121)
    return {"t": ts, "err": err, "f0": f0, "g": g, "H": H, "second": 0.5 * ts ** 2 * (u @ H @ u),
            "approx": f0 + g @ EPS_LSE, "true": logsumexp2(X_LSE + EPS_LSE), "X": X, "Y": Y, "Z": Z}


@figure("l002_linear_approximation", "002", "-", "log(e^x + e^y) and its linear approximation by the gradient")
def linear_approximation(quick=False):
    d = cached("l002_linear", linear_data, deps=(logsumexp2,))
    g, f0 = d["g"], d["f0"]
    with style() as plt:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.5, 4.4), width_ratios=[1, 1.15])
        levels = f0 + np.arange(-1.0, 1.01, 0.25)
        cs = ax.contour(d["X"], d["Y"], d["Z"], levels=levels, colors="C0", linewidths=1.0)
        M = f0 + g[0] * (d["X"] - X_LSE[0]) + g[1] * (d["Y"] - X_LSE[1])
        ax.contour(d["X"], d["Y"], M, levels=levels, colors="C1", linewidths=1.0, linestyles="--")
        ax.clabel(cs, fmt="%.2f", fontsize=8, inline_spacing=2)
        ax.plot(*X_LSE, "ko", ms=5)
        ax.annotate("", X_LSE + 12 * EPS_LSE, X_LSE, arrowprops=dict(arrowstyle="-|>", color="C3", lw=1.5))
        ax.plot([], [], color="C0", label="level sets of f(x, y) = log(e^x + e^y)")
        ax.plot([], [], color="C1", ls="--", label="level sets of the linear model f(x0) + grad f(x0)' (x - x0)")
        ax.plot([], [], "ko", ms=5, label="x0 = (0, log 2)")
        ax.plot([], [], color="C3", label="the lecture's epsilon = (0.01, -0.03), drawn 12 times longer")
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title("level sets of f and of its linear model at x0")
        t = d["t"]
        nz = d["err"] > 0     # an error of exactly 0 (f rounds to the model's value) has no place on a log axis
        ax2.loglog(t[nz], d["err"][nz], ".", color="C1", ms=4,
                   label="measured |f(x0 + s) - model|, s = t epsilon/|epsilon| (0: not drawn)")
        ax2.loglog(t, d["second"], "-", color="k", lw=1, label="theory (1/2) s' H s (H by zo.hessian): O(t^2)")
        ax2.axhline(np.finfo(float).eps * f0, color="0.5", ls=":", lw=1, label="rounding of f: machine eps x f(x0)")
        te = float(np.linalg.norm(EPS_LSE))
        ax2.loglog(te, abs(d["true"] - d["approx"]), "*", color="C3", ms=13, label="the lecture's epsilon")
        ax2.set_ylim(1e-17, 10)
        ax2.set_xlabel("step length t")
        ax2.set_ylabel("error of the linear model")
        ax2.set_title("its error: second order in the step")
        legend_outside(fig, "below", ncol=2)
    rel = abs(d["err"] - d["second"]) / d["second"]
    t = d["t"]
    off = t[(rel > 0.5) & (t < 1e-3)]      # where rounding, not the second-order term, decides the error
    return fig, ("Lecture 002 (higher-dimensional differentiation): f(x, y) = log(e^x + e^y) and its linear "
                 "approximation f(x0) + grad f(x0)' epsilon at x0 = (0, log 2), with grad f(x0) = "
                 f"({g[0]:.4f}, {g[1]:.4f}) from zo.grad. Left: the level sets of f (solid) and of the model (dashed, "
                 "straight lines) agree near x0 and part away from it. Right: the model's error along the "
                 "lecture's direction falls like t^2, on the second-order term (1/2) s' H s from zo.hessian (within "
                 f"{100 * float(np.max(rel[(t >= 1e-4) & (t <= 0.1)])):.1f}% for 1e-4 <= t <= 0.1), until the "
                 f"rounding of f (dotted: machine eps x f(x0)) takes over below t = {fmt_float(off.max(), 2)}. "
                 "The lecture's epsilon = (0.01, -0.03): the model "
                 f"gives {d['approx']:.6f}, the true value is {d['true']:.6f} (error "
                 f"{abs(d['true'] - d['approx']):.2e}).")


# --- stationary points in two variables, classified by the Hessian ------------------------------------------
def saddle_function(x):
    """f(x, y) = x^3 - 3x + y^3 - 3y + x y: one minimum, one maximum and two saddle points, with Hessians
    [[6x, 1], [1, 6y]] whose eigenvectors are not the axes."""
    return x[0] ** 3 - 3 * x[0] + x[1] ** 3 - 3 * x[1] + x[0] * x[1]


def stationary_points_2d(f, lo=-2.0, hi=2.0, num=9, steps=60):
    """The zeros of grad f in [lo, hi]^2: Newton's iteration x <- x - H^-1 grad f (zo.grad, zo.hessian)
    from a num x num grid of starts, kept when ||grad f|| <= 1e-12 inside the box, duplicates merged;
    returns (points, Hessians, eigenvalues, eigenvectors)."""
    grad, hess = zo.grad(f), zo.hessian(f)
    found = []
    for x0 in np.linspace(lo, hi, num):
        for y0 in np.linspace(lo, hi, num):
            x = np.array([x0, y0])
            for _ in range(steps):
                try:
                    step = np.linalg.solve(hess(x), grad(x))
                except np.linalg.LinAlgError:
                    break
                x = x - step
                if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 10 * max(abs(lo), abs(hi)):
                    break
                if np.linalg.norm(step) <= 1e-15 * max(1.0, np.linalg.norm(x)):
                    break
            if np.all(np.isfinite(x)) and np.all((x >= lo) & (x <= hi)) and np.linalg.norm(grad(x)) <= 1e-12 \
                    and not any(np.linalg.norm(x - y) <= 1e-8 for y in found):
                found.append(x)
    pts = np.array(sorted(found, key=lambda p: (p[0], p[1])))
    Hs = np.array([hess(p) for p in pts])
    lam, vec = np.linalg.eigh(Hs)
    return pts, Hs, lam, vec


def classify(eigenvalues):
    """'minimum' (all > 0: positive definite), 'maximum' (all < 0), 'saddle point' (both signs) or
    'degenerate' (a zero eigenvalue: the Hessian does not decide)."""
    lam = np.asarray(eigenvalues)
    if np.any(lam == 0):
        return "degenerate"
    return "minimum" if np.all(lam > 0) else "maximum" if np.all(lam < 0) else "saddle point"


def hessian_data():
    pts, Hs, lam, vec = stationary_points_2d(saddle_function)
    X, Y, Z = grid_values(saddle_function, (-2.0, 2.0), (-2.0, 2.0), num=161)
    return {"points": pts, "H": Hs, "eigenvalues": lam, "eigenvectors": vec, "X": X, "Y": Y, "Z": Z,
            "values": np.array([saddle_function(p) for p in pts])}


KINDS = {"minimum": ("C2", "v"), "maximum": ("C3", "^"), "saddle point": ("C1", "X"), "degenerate": ("k", "o")}


@figure("l002_hessian_classification", "002", "-", "stationary points in 2-D classified by the Hessian's eigenvalues")
def hessian_classification(quick=False):
    d = cached("l002_hessian", hessian_data, deps=(saddle_function, stationary_points_2d))
    with style() as plt:
        fig = plt.figure(figsize=(11, 5.0))
        ax = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
        ax.plot_surface(d["X"], d["Y"], d["Z"], color="0.8", rstride=6, cstride=6, lw=0.3, alpha=0.55,
                        edgecolor="0.45", zorder=1)
        ax2 = fig.add_subplot(1, 2, 2)
        cs = ax2.contour(d["X"], d["Y"], d["Z"], levels=np.arange(-7, 8, 1.0), colors="0.6", linewidths=0.7,
                         negative_linestyles="solid")
        ax2.clabel(cs, levels=[lv for lv in cs.levels if lv % 2 == 0], fmt="%g", fontsize=8, inline_spacing=1)
        seen = set()
        order = sorted(range(len(d["points"])), key=lambda j: list(KINDS).index(classify(d["eigenvalues"][j])))
        for j in order:
            p, lam, vec, v = d["points"][j], d["eigenvalues"][j], d["eigenvectors"][j], d["values"][j]
            kind = classify(lam)
            color, mark = KINDS[kind]
            ax.scatter([p[0]], [p[1]], [v], color=color, marker=mark, s=80, depthshade=False, zorder=5,
                       edgecolors="k", linewidths=0.6)
            ax2.plot(*p, mark, color=color, ms=10, mec="k", mew=0.6, label=kind if kind not in seen else None, zorder=5)
            seen.add(kind)
            for lam_i, e in zip(lam, vec.T):   # the eigen-directions: solid where f curves up, dashed down
                seg = np.array([p - 0.3 * e, p + 0.3 * e])
                ax2.plot(*seg.T, "-" if lam_i > 0 else "--", color="k", lw=1.6, zorder=4)
            below = p[1] > 0
            ax2.annotate(f"{kind}\nλ = {lam[0]:.2f}, {lam[1]:.2f}", p, textcoords="offset points",
                         xytext=(0, 24 if not below else -24), ha="center", va="bottom" if not below else "top",
                         fontsize=8.5, bbox=dict(boxstyle="round,pad=0.2", fc="w", ec="0.7", lw=0.5), zorder=6)
        ax2.plot([], [], "-", color="k", lw=1.6, label="eigenvector of H, eigenvalue > 0 (f curves up)")
        ax2.plot([], [], "--", color="k", lw=1.6, label="eigenvector of H, eigenvalue < 0 (f curves down)")
        ax2.set_aspect("equal")
        ax2.grid(False)
        ax2.set_xlabel("x")
        ax2.set_ylabel("y")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.view_init(elev=38, azim=-60)
        ax.set_zlabel("f")
        legend_outside(fig, "below", ncol=3)
    kinds = [classify(lam) for lam in d["eigenvalues"]]
    where = "; ".join(f"{k} at ({p[0]:.3f}, {p[1]:.3f})" for k, p in zip(kinds, d["points"]))
    return fig, ("Lecture 002 (Hessians): f(x, y) = x^3 - 3x + y^3 - 3y + xy, its stationary points found by Newton's "
                 "iteration on grad f = 0 from a grid of starts (zo.grad, zo.hessian), and classified by the "
                 "eigenvalues of the Hessian [[6x, 1], [1, 6y]] from zo.hessian: positive definite - a minimum, "
                 "negative definite - a maximum, both signs - a saddle point. The segments are the Hessian's "
                 "eigenvectors (solid: positive eigenvalue, f curves up along it; dashed: negative). "
                 f"{where}. Left: the surface; right: its level sets.")


# --- backpropagation on the lecture's example ----------------------------------------------------------------
def lecture_f(w, x, y, z):
    """The lecture's worked example: a, b = (w + x + y + z)^2, (w + x - y - z)^2; u, v = (a + b)^2,
    (a - b)^2; f = (u + v)^2, written as the lecture writes it (w + x computed twice)."""
    a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    return (u + v) ** 2


#: the lecture's point (w, x, y, z)
POINT_002 = (-1.0, 0.0, -2.0, 1.0)
#: the traced intermediates named as the lecture names them (a, b, u, v), the others t1, t2, ...
NAMES_002 = {"v1": "t1", "v2": "t2", "v3": "t3", "v4": "a", "v5": "t4", "v6": "t5", "v7": "t6", "v8": "b",
             "v9": "t7", "v10": "u", "v11": "t8", "v12": "v", "v13": "t9"}


def backprop_graph(point=POINT_002):
    """The graph of :func:`lecture_f` at ``point`` traced by :func:`zeroopt.ad.graph` (values and the
    adjoints df/dnode of one backward pass) and its drawn view, with the lecture's names."""
    G = zo.ad.graph(lecture_f, *point, names=["w", "x", "y", "z"])
    return G, gr.view(G, output="f", rename=NAMES_002)


@figure("l002_backprop", "002", "-", "backpropagation on the lecture's f(w, x, y, z): values and adjoints")
def backprop_figure(quick=False, point=POINT_002):
    """The lecture's chain-rule example as zeroopt traces it: each node's value and adjoint df/dnode, the
    local derivatives other than 1 beside the edges, numbered in the order of the backward pass.

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    point : tuple of float
        (w, x, y, z).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees.
    """
    G, V = backprop_graph(point)
    p = gr.plan(V, ("value", "adjoint"), out="f", box_w=1.05, col=1.6, edge_labels=True)
    back = list(reversed(V.ids))
    grads = [float(G.nodes[i].adjoint) for i in range(4)]
    named = {V.names[i]: i for i in V.ids}
    fig, (ax,) = gr.figure([p], [r"$a, b = (w + x + y + z)^2, (w + x - y - z)^2$;  $u, v = (a + b)^2, (a - b)^2$;  "
                                 rf"$f = (u + v)^2$ at $(w, x, y, z)$ = ({', '.join(gr.fmt(v) for v in point)}): "
                                 "forward values, backward adjoints"])
    gr.draw(ax, V, p, badges={i: str(k) for k, i in enumerate(back, 1)}, reverse=True, partials=True,
            skip_ones=True)
    val = {k: float(G.nodes[i].value) for k, i in named.items()}
    adj = {k: float(G.nodes[i].adjoint) for k, i in named.items()}
    caption = ("Lecture 002 (chain rule and backprop): the lecture's example f = (u + v)^2, u = (a + b)^2, v = (a - b)^2, "
               f"a = (w + x + y + z)^2, b = (w + x - y - z)^2 at (w, x, y, z) = ({', '.join(gr.fmt(v) for v in point)}), "
               "as zeroopt.ad.graph traces the lecture's code (w + x is computed twice). Each box holds the value of the "
               "forward pass and the adjoint df/dnode of the backward pass, computed in the numbered order (red arrows, "
               "from f back to the inputs): a node's adjoint is the sum over its children of the child's adjoint times "
               "the local derivative, written beside the edge when it is not 1 (2t for a square). "
               f"f = {gr.fmt(val['f'])}; a = {gr.fmt(val['a'])} and b = {gr.fmt(val['b'])}, so df/da = "
               f"{gr.fmt(adj['a'])} and df/db = {gr.fmt(adj['b'])} (the two paths through b cancel: 2(u + v) 2(a + b) "
               "- 2(u + v) 2(a - b) = 0 at b = 0, and b's own square has derivative 2b = 0); one pass gives df/dw, "
               f"df/dx, df/dy, df/dz = {', '.join(gr.fmt(v) for v in grads)}, the numbers the lecture prints.")
    return fig, caption


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l002_calculus [--figs DIR] [--only NAME,...]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
