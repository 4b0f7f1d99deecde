"""Lecture notes 001 (Line search. Matrix calculus. Automatic differentiation), the automatic-differentiation
figures, drawn from zeroopt's own trace (:func:`zeroopt.ad.graph`): the computation graph of
L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (Figures 19, 25, 32), forward mode along w1 and along w2
(Figures 20-24 and 26-30), the reverse pass (the slides after Figure 32), which mode for which graph
(Figures 34 and 36) and the feed-forward network's backward pass (Figure 37); and the memory of reverse
mode with and without gradient checkpointing.

    python paper_figs/l001_autodiff.py [--figs paper_figs] [--quick] [--only NAME,...]

Each figure is a function ``fn(quick=False) -> (fig, caption)`` listed in :data:`FIGURES`.
"""

from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import zeroopt as zo  # noqa: E402
from paper_figs import _graphs as gr  # noqa: E402

POINT = (2.0, 3.0)   # the point (w1, w2) of the figures


def L(w1, w2):
    """The lecture's L(w1, w2) = w2 log w1 + sqrt(w2 log w1), its repeated term computed once."""
    u = w2 * np.log(w1)
    return u + np.sqrt(u)


def lecture_graphs(w=POINT):
    """The traced graph of :func:`L` at ``w``: values, adjoints and tangents along w1 (``"w1"``) and
    along w2 (``"w2"``)."""
    return {k: zo.ad.graph(L, *w, names=["w1", "w2"], direction=d) for k, d in (("w1", [1.0, 0.0]), ("w2", [0.0, 1.0]))}


def _forward_badges(V):
    return {i: str(k) for k, i in enumerate([i for i in V.ids if V.parents[i]], 1)}


FUNC = r"$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}$"


def graph_figure(quick=False, w=POINT):
    """Figures 19, 25, 32: the graph of L with the forward values, nodes numbered in forward order."""
    G = lecture_graphs(w)["w1"]
    V = gr.view(G)
    p = gr.plan(V, ("value",))
    fig, (ax,) = gr.figure([p], [f"{FUNC} at $w_1$ = {gr.fmt(w[0])}, $w_2$ = {gr.fmt(w[1])}: the graph zeroopt traced"])
    gr.draw(ax, V, p, badges=_forward_badges(V))
    caption = (f"Lecture 001, Figures 19, 25 and 32: the computation graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1) "
               f"as zeroopt.ad.graph traces it at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}: one box per primitive "
               "(v1 = log w1, v2 = w2 v1, v3 = sqrt(v2), L = v2 + v3), numbered in the order of the forward pass, "
               f"each with the value it computed; L = {gr.fmt(G.value)}.")
    return fig, caption


def forward_mode_figure(quick=False, w=POINT):
    """Figures 20-24 and 26-30: forward mode along w1 and along w2, the tangents written on the nodes and
    the local derivatives on the edges."""
    Gs = lecture_graphs(w)
    views = {k: gr.view(G) for k, G in Gs.items()}
    plans = {k: gr.plan(V, ("value", "tangent"), wrt=k) for k, V in views.items()}
    d = {k: float(G.nodes[G.output].tangent) for k, G in Gs.items()}
    titles = [f"forward mode along $w_{k[1]}$ (Figures {'20-24' if k == 'w1' else '26-30'}): seed "
              f"$\\partial w_1/\\partial w_{k[1]}$ = {int(k == 'w1')}, $\\partial w_2/\\partial w_{k[1]}$ = {int(k == 'w2')}; "
              f"one pass gives $\\partial L/\\partial w_{k[1]}$ = {gr.fmt(d[k])}" for k in ("w1", "w2")]
    fig, axes = gr.figure([plans["w1"], plans["w2"]], titles)
    for ax, k in zip(axes, ("w1", "w2")):
        gr.draw(ax, views[k], plans[k], badges=_forward_badges(views[k]), partials=True)
    caption = ("Lecture 001, Figures 20-24 (top) and 26-30 (bottom): forward-mode AD of L(w1, w2) = w2 log w1 + "
               f"sqrt(w2 log w1) at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, from zeroopt's trace. Each node carries "
               "its value and its tangent dv/dw_k, computed in the numbered order by the forward chain rule: the "
               "tangent of a node is the sum over its incoming edges of the local derivative (yellow, on the edge) "
               f"times the parent's tangent. One pass per input: dL/dw1 = {gr.fmt(d['w1'])}, dL/dw2 = {gr.fmt(d['w2'])}.")
    return fig, caption


def reverse_mode_figure(quick=False, w=POINT):
    """Figure 32 and the backward pass: adjoints dL/dv on the nodes, arrows from child to parent."""
    G = lecture_graphs(w)["w1"]
    V = gr.view(G)
    p = gr.plan(V, ("value", "adjoint"))
    back = [i for i in reversed(V.ids)]
    fig, (ax,) = gr.figure([p], [f"reverse mode (after Figure 32): one backward pass from $\\partial L/\\partial L$ = 1 gives "
                               f"$\\partial L/\\partial w_1$ = {gr.fmt(G.nodes[0].adjoint)} and "
                               f"$\\partial L/\\partial w_2$ = {gr.fmt(G.nodes[1].adjoint)}"])
    gr.draw(ax, V, p, badges={i: str(k) for k, i in enumerate(back, 1)}, reverse=True, partials=True)
    caption = ("Lecture 001, Figure 32 and the backward pass that follows it: reverse-mode AD of L(w1, w2) = w2 log w1 "
               f"+ sqrt(w2 log w1) at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, from zeroopt's trace. After the forward "
               "pass has stored every value, the adjoints dL/dv are computed in the numbered order, from the output "
               "back (red arrows): a node's adjoint is the sum over its children of the child's adjoint times the local "
               "derivative on the edge (yellow); v2 has two children, so its adjoint has two terms. One pass gives both "
               f"dL/dw1 = {gr.fmt(G.nodes[0].adjoint)} and dL/dw2 = {gr.fmt(G.nodes[1].adjoint)}, the numbers the two "
               "forward passes give.")
    return fig, caption


# --- which mode? (Figures 34 and 36) ---------------------------------------------------------------
def fan_out(w1, w2):
    """Figure 34's kind of graph: n = 2 inputs, m = 5 outputs."""
    a = w1 * w2
    b = np.sin(w1)
    return np.stack([a + b, a * b, np.exp(b), np.sqrt(a), a - w2])


def bottleneck_inner(w1, w2, w3, w4):
    """The first half of :func:`bottleneck`: the scalar s = w1 w2 + w3 w4 every output goes through."""
    return w1 * w2 + w3 * w4


def bottleneck_outer(s):
    """The second half of :func:`bottleneck`: four outputs of the one scalar s."""
    return np.stack([np.sin(s), np.cos(s), np.exp(s), np.tanh(s)])


def bottleneck(w1, w2, w3, w4):
    """A Figure 36 graph G where neither pure mode is best: n = m = 4 through one scalar node."""
    return bottleneck_outer(bottleneck_inner(w1, w2, w3, w4))


def _count_primitives(fun, w):
    """Primitives of one pass of fun (the arithmetic: the stacking of the outputs is not counted)."""
    G = zo.ad.graph(fun, *w, cotangent=None if np.ndim(fun(*w)) == 0 else np.ones(np.shape(fun(*w))))
    return sum(n.primitive not in ("input", "reshape", "concatenate") for n in G.nodes)


def mode_costs(fun, w, inner=None, outer=None):
    """The Jacobian of ``fun(*w)`` (n inputs, m outputs) by forward and by reverse mode with zeroopt, the
    passes each spent (counted as they run) and their cost in primitive evaluations.

    Forward mode: one pass per input (``zo.jvp`` along e_j), each evaluating the N primitives with their
    JVPs: n N. Reverse mode: one recording pass and one backward pass per output (``vjp_fn(e_i)``):
    (1 + m) N. With ``inner`` (R^n -> R, the scalar every output goes through) and ``outer``
    (R -> R^m), also the mixed mode: reverse over inner (2 N_inner), forward over outer (N_outer), and
    J = outer'(s) inner'(w)^T. Raises AssertionError if the Jacobians differ.
    """
    n = len(w)
    x = np.array(w, dtype=float)
    calls = [0]

    def F(x):
        calls[0] += 1
        return fun(*[x[i] for i in range(n)])

    m = int(np.size(fun(*w)))
    J_fwd = np.stack([zo.jvp(F, x, np.eye(n)[j])[1] for j in range(n)], axis=1).reshape(m, n)
    fwd_passes, calls[0] = calls[0], 0
    y, vjp_fn = zo.vjp(F, x)
    rows, sweeps = [], 0
    for i in range(m):
        rows.append(vjp_fn(np.eye(m)[i].reshape(np.shape(y))))
        sweeps += 1
    J_rev = np.array(rows)
    np.testing.assert_allclose(J_fwd, J_rev, rtol=1e-13, atol=1e-15)
    N = _count_primitives(fun, w)
    out = dict(n=n, m=m, N=N, jacobian=J_rev, forward_passes=fwd_passes, reverse_passes=calls[0], backward_sweeps=sweeps,
               forward_cost=fwd_passes * N, reverse_cost=(calls[0] + sweeps) * N)
    if inner is not None:
        s = inner(*w)
        g = zo.grad(lambda x: inner(*[x[i] for i in range(n)]))(x)
        h = zo.jvp(outer, np.float64(s), np.float64(1.0))[1]
        J_mixed = np.outer(h, g)
        np.testing.assert_allclose(J_mixed, J_fwd, rtol=1e-13, atol=1e-15)
        N_in, N_out = _count_primitives(inner, w), _count_primitives(outer, [s])
        out.update(mixed_cost=2 * N_in + N_out, N_inner=N_in, N_outer=N_out)
    return out


def cost_lines(c):
    """The cost of each mode, as written under a which-mode graph (the cheapest marked)."""
    lines = {"forward": f"forward mode: n = {c['forward_passes']} passes x N = {c['N']} primitives = {c['forward_cost']}",
             "reverse": f"reverse mode: 1 recording + m = {c['backward_sweeps']} backward passes, "
                        f"({c['reverse_passes']} + {c['backward_sweeps']}) x {c['N']} = {c['reverse_cost']}"}
    if "mixed_cost" in c:
        lines["mixed"] = (f"mixed: reverse mode up to the red node (2 x {c['N_inner']}), forward mode after it "
                          f"({c['N_outer']}) = {c['mixed_cost']}")
    best = min(lines, key=lambda k: c[f"{k}_cost"])
    return [("> " if k == best else "   ") + v for k, v in lines.items()]


WHICH = {"fan_out": (fan_out, (1.2, 0.8), ["w1", "w2"]), "bottleneck": (bottleneck, (0.5, -0.4, 0.3, 0.9),
                                                                       ["w1", "w2", "w3", "w4"])}


def which_mode_plan(fun, w, names, costs):
    """The graph of ``fun`` at ``w`` (expressions on the nodes, the outputs' stacking hidden), planned
    with the cost of each mode as notes under it."""
    G = zo.ad.graph(fun, *w, names=names, cotangent=np.ones(np.shape(fun(*w))))
    V = gr.view(G, hide=("reshape", "concatenate"))
    p = gr.plan(V, (), box_w=1.05, col=1.5)
    gr.reserve_notes(p, cost_lines(costs))
    return V, p


def which_mode_figure(quick=False):
    """Figures 34 and 36: a graph with few inputs and many outputs, and one where the best is mixed."""
    c1 = mode_costs(fan_out, WHICH["fan_out"][1])
    c2 = mode_costs(bottleneck, WHICH["bottleneck"][1], bottleneck_inner, bottleneck_outer)
    V1, p1 = which_mode_plan(fan_out, *WHICH["fan_out"][1:], c1)
    V2, p2 = which_mode_plan(bottleneck, *WHICH["bottleneck"][1:], c2)
    fig, (a1, a2) = gr.figure([p1, p2], [
        f"Figure 34: n = {c1['n']} inputs, m = {c1['m']} outputs: forward mode, {c1['forward_cost']} against "
        f"{c1['reverse_cost']} primitive evaluations",
        f"Figure 36: n = m = {c2['n']}, every output through one scalar (red): mixed mode, {c2['mixed_cost']} against "
        f"{min(c2['forward_cost'], c2['reverse_cost'])}"])
    gr.draw(a1, V1, p1)
    gr.write_notes(a1, p1)
    gr.draw(a2, V2, p2, highlight={i: "C3" for i in V2.ids if len(V2.children[i]) == c2["m"]})
    gr.write_notes(a2, p2)
    caption = ("Lecture 001, Figures 34 and 36 (which mode?): two graphs traced by zeroopt, with the cost of the "
               "Jacobian counted as zeroopt computes it (passes counted as they run; N primitives per pass). Top: "
               f"n = {c1['n']} inputs and m = {c1['m']} outputs: forward mode needs n passes, reverse mode one recording "
               f"and m backward passes, so forward wins ({c1['forward_cost']} against {c1['reverse_cost']}). Bottom: a graph G "
               "where all outputs depend on the inputs through one scalar node (red): reverse mode up to it and forward "
               f"mode after it give the whole Jacobian for {c2['mixed_cost']} primitive evaluations, against "
               f"{c2['forward_cost']} (forward) and {c2['reverse_cost']} (reverse); the Jacobians agree to 1e-13.")
    return fig, caption


# --- the feed-forward network (Figure 37) -----------------------------------------------------------
MLP_SHAPES = dict(b=4, d=3, n1=5, n2=2)


def mlp_loss(X, W1, W2, y):
    """The lecture's network with t = 2 layers: v1 = tanh(X W1), v2 = tanh(v1 W2), L = mean((v2 - y)^2)."""
    v1 = np.tanh(X @ W1)
    v2 = np.tanh(v1 @ W2)
    return np.mean((v2 - y) ** 2)


def mlp_data(seed=0, b=4, d=3, n1=5, n2=2):
    """The inputs X (b x d), W1 (d x n1), W2 (n1 x n2) and the target y (b x n2), seeded."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((b, d)), rng.standard_normal((d, n1)) / np.sqrt(d),
            rng.standard_normal((n1, n2)) / np.sqrt(n1), rng.standard_normal((b, n2)) * 0.5)


def mlp_graph(seed=0):
    X, W1, W2, y = mlp_data(seed, **MLP_SHAPES)
    return zo.ad.graph(mlp_loss, X, W1, W2, args=(y,), names=["X", "W1", "W2"])


def mlp_figure(quick=False):
    """Figure 37: the graph of a 2-layer network's loss, with the shapes, values and adjoints."""
    G = mlp_graph()
    V = gr.view(G, constants={"subtract": "y"})
    p = gr.plan(V, ("value", "adjoint"), box_w=1.3, col=1.55, wrap=5)
    back = list(reversed([i for i in V.ids if V.parents[i]]))
    fig, (ax,) = gr.figure([p], [r"Figure 37: $v_2 = \tanh(X W_1)$, $v_4 = \tanh(v_2 W_2)$, "
                               r"$L = \mathrm{mean}((v_4 - y)^2)$: forward values, backward adjoints"])
    gr.draw(ax, V, p, badges={i: str(k) for k, i in enumerate(back, 1)}, reverse=True, fontsize=7)
    s = MLP_SHAPES
    caption = (f"Lecture 001, Figure 37: the feed-forward network with t = 2 layers, batch b = {s['b']}, widths "
               f"{s['d']} -> {s['n1']} -> {s['n2']}, as zeroopt traces its loss: each box gives the shape of its value "
               "and the Frobenius norms of the value and of the adjoint dL/dv, computed by the backward pass in the "
               "numbered order (red arrows: from the loss back to the weights). The adjoints of W1 and W2 are the "
               "lecture's dL/dw_k = v_{k-1}^T (dL/dv_k * sigma'), checked against that formula in the tests.")
    return fig, caption


# --- gradient checkpointing: the tape's memory -------------------------------------------------------
#: the measurement's sizes: full figure, make_all --quick, and the tests ("tiny")
CHECKPOINT_SIZES = {False: dict(depths=(100, 250, 500, 1000, 2000, 4000), sweep_depth=1000,
                                sweep=(1, 2, 5, 10, 20, 32, 50, 100, 200, 500, 1000)),
                    True: dict(depths=(100, 400, 1600), sweep_depth=1000, sweep=(1, 5, 10, 32, 100, 1000)),
                    "tiny": dict(depths=(10, 20, 40), sweep_depth=40, sweep=(1, 2, 5, 10, 40))}
#: where the measured rows are kept (git-ignored)
RESULTS = os.path.join(ROOT, "results", "paper_figs")


def bench_ad():
    """benchmarks/ad.py, imported by path (its own helpers module on sys.path while it loads)."""
    import importlib.util

    if "zeroopt_bench_ad" in sys.modules:
        return sys.modules["zeroopt_bench_ad"]
    here = os.path.join(ROOT, "benchmarks")
    spec = importlib.util.spec_from_file_location("zeroopt_bench_ad", os.path.join(here, "ad.py"))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, here)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(here)
    sys.modules["zeroopt_bench_ad"] = module
    return module


def _code_version():
    """A hash of what the measurement depends on: benchmarks/ad.py and the zeroopt.ad package."""
    import hashlib

    h = hashlib.sha1()
    ad_dir = os.path.join(ROOT, "zeroopt", "ad")
    for path in [os.path.join(ROOT, "benchmarks", "ad.py")] + sorted(os.path.join(ad_dir, f) for f in os.listdir(ad_dir)
                                                                     if f.endswith(".py")):
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:12]


def checkpoint_rows(quick=False, results=None):
    """The rows and fit of ``benchmarks/ad.py``'s ``checkpoint_memory()`` at the size ``quick`` (see
    :data:`CHECKPOINT_SIZES`), measured once per code version and kept in
    ``<results>/checkpoint_memory_<size>.json`` (default results: :data:`RESULTS`)."""
    import json

    results = RESULTS if results is None else results
    params = CHECKPOINT_SIZES[quick]
    key = {"params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}, "code": _code_version()}
    path = os.path.join(results, f"checkpoint_memory_{ {False: 'full', True: 'quick'}.get(quick, quick) }.json")
    if os.path.exists(path):
        with open(path) as fh:
            kept = json.load(fh)
        if kept["key"] == key:
            return kept["rows"], kept["fit"]
    rows, fit = bench_ad().checkpoint_memory(**params)
    rows = [{k: (float(v) if k == "model_bytes" else v) for k, v in r.items()} for r in rows]
    fit = {k: float(v) for k, v in fit.items()}
    os.makedirs(results, exist_ok=True)
    with open(path + ".tmp", "w") as fh:
        json.dump({"key": key, "rows": rows, "fit": fit}, fh, indent=1)
    os.replace(path + ".tmp", path)
    return rows, fit


def checkpoint_model(fit, depth, segments):
    """The fitted peak bytes a s + c n / s + d (s segments of a chain of n layers; s = 0: no checkpoints,
    c n + d)."""
    depth, segments = np.asarray(depth, dtype=float), np.asarray(segments, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ck = fit["per_segment"] * segments + fit["per_layer"] * depth / segments + fit["constant"]
    return np.where(segments > 0, ck, fit["per_layer"] * depth + fit["constant"])


def _checkpoint_panels(a1, a2, rows, fit, kb=1e-3):
    """Left: peak against depth (none, sqrt), right: peak against segments at one depth; the model on both."""
    for sched, mark, color, lab in (("none", "o", "C0", "no checkpoints"), ("sqrt", "s", "C1", r"$s = \sqrt{n}$ segments")):
        r = [x for x in rows if x["schedule"] == sched]
        n = np.array([x["depth"] for x in r])
        a1.plot(n, [x["peak_bytes"] * kb for x in r], mark, color=color, label=f"measured, {lab}")
        nn = np.geomspace(n.min(), n.max(), 100)
        ss = 0 * nn if sched == "none" else np.round(np.sqrt(nn))
        theory = "c n + d: O(n)" if sched == "none" else r"$a s + c n/s + d$, $s = \sqrt{n}$: O($\sqrt{n}$)"
        a1.plot(nn, checkpoint_model(fit, nn, ss) * kb, "--", color=color, lw=1, label=f"model {theory}")
    a1.set(xscale="log", yscale="log", xlabel="depth n (tanh layers of width 100)", ylabel="peak memory of one gradient, kB",
           title="tape memory against depth")
    sw = [x for x in rows if x["schedule"] == "sweep"]
    n0 = sw[0]["depth"]
    s = np.array([x["segments"] for x in sw])
    a2.plot(s, [x["peak_bytes"] * kb for x in sw], "D", color="C2", label=f"measured, n = {n0}")
    sg = np.geomspace(s.min(), s.max(), 200)
    a2.plot(sg, checkpoint_model(fit, n0, sg) * kb, "--", color="C2", lw=1, label=r"model $a s + c n/s + d$")
    s_star = np.sqrt(fit["per_layer"] * n0 / fit["per_segment"])
    a2.axvline(s_star, color="0.4", ls=":", lw=1, label=rf"model's best $s^* = \sqrt{{c n / a}}$ = {s_star:.0f}")
    a2.set(xscale="log", yscale="log", xlabel="segments s", ylabel="peak memory, kB", title=f"segments at depth n = {n0}")
    for ax in (a1, a2):
        ax.grid(True, which="major", alpha=0.3)


def checkpoint_figure(quick=False, results=None):
    """Peak tape memory of one gradient against depth, with and without sqrt(n) checkpoints, and against
    the number of segments at one depth; the fitted model a s + c n / s + d drawn on both."""
    rows, fit = checkpoint_rows(quick, results)
    plt = gr.pyplot()
    from matplotlib.ticker import FuncFormatter, NullFormatter

    with plt.rc_context({"font.size": 8.5, "axes.titlesize": 9, "legend.fontsize": 7.5}):
        fig, axes = plt.subplots(2, 2, figsize=(7.4, 4.3), height_ratios=[1, 0.3])
        gs = axes[1, 0].get_gridspec()
        for ax in axes[1]:
            ax.remove()
        a1, a2 = axes[0]
        _checkpoint_panels(a1, a2, rows, fit)
        handles, labels = [], []
        for ax in (a1, a2):
            h, lab = ax.get_legend_handles_labels()
            handles, labels = handles + h, labels + lab
        leg_ax = fig.add_subplot(gs[1, :])
        leg_ax.axis("off")
        leg_ax.legend(handles, labels, loc="center", ncol=2, frameon=False)
        for ax in (a1, a2):
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                axis.set_minor_formatter(NullFormatter())

    caption = ("Gradient checkpointing (lecture 001: reverse mode stores every intermediate value; zeroopt.ad.checkpoint): "
               "peak memory of one gradient of a chain of n layers x -> tanh(W x + b), width 100, measured with tracemalloc "
               "(benchmarks/ad.py). Left: without checkpoints the tape grows linearly with n; with round(sqrt(n)) "
               "checkpointed segments it grows like sqrt(n). Right: at one depth, too few segments keep long segments, "
               "too many keep many segment inputs; the minimum sits near s* = sqrt(c n / a). Dashed: the model "
               f"a s + c n / s + d fitted to the checkpointed runs (c = {fit['per_layer']:.0f} B per layer, "
               f"a = {fit['per_segment']:.0f} B per segment, d = {fit['constant'] / 1e3:.0f} kB); the no-checkpoint line "
               "c n + d is a prediction from that fit, not fitted to its points.")
    return fig, caption


FIGURES = [
    ("l001_ad_graph", "001", "19, 25, 32", "the computation graph of L(w1, w2) with the forward values", graph_figure),
    ("l001_ad_forward_mode", "001", "20-24, 26-30", "forward mode along w1 and along w2: tangents on the nodes",
     forward_mode_figure),
    ("l001_ad_reverse_mode", "001", "32 (backward pass)", "reverse mode: adjoints dL/dv on the nodes, one pass",
     reverse_mode_figure),
    ("l001_ad_which_mode", "001", "34, 36", "which mode? the cost of forward, reverse and mixed mode on two graphs",
     which_mode_figure),
    ("l001_ad_mlp_backward", "001", "37", "a 2-layer network's loss: the graph with shapes, values and adjoints",
     mlp_figure),
    ("l001_ad_checkpoint_memory", "001", "- (reverse mode's memory)",
     "peak tape memory against depth, with and without sqrt(n) checkpoints, with the model", checkpoint_figure),
]


def make(figs, quick=False, only=None, figures=None):
    """Draw and save ``figures`` (default :data:`FIGURES`; those named in ``only``) into ``figs``; returns
    the PNG paths. ``quick``: False, True (make_all --quick) or "tiny" (the tests)."""
    out = []
    for name, _, _, _, fn in FIGURES if figures is None else figures:
        if only is None or name in only:
            fig, caption = fn(quick=quick)
            out.append(gr.save(fig, figs, name, caption)[0])
    return out


def main(argv=None, figures=None, doc=__doc__):
    """The command line of a lecture module: --figs, --quick, --only (bad options: exit code 2)."""
    import argparse

    figures = FIGURES if figures is None else figures
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--figs", default=os.path.join(ROOT, "paper_figs"), help="figure directory")
    ap.add_argument("--quick", action="store_true", help="smaller data (the checkpointing figure)")
    ap.add_argument("--only", default=None, help="comma-separated figure names: " + ", ".join(f[0] for f in figures))
    a = ap.parse_args(argv)
    names = [f[0] for f in figures]
    only = None if a.only is None else [s.strip() for s in a.only.split(",") if s.strip()]
    if only is not None and (not only or set(only) - set(names)):
        ap.error(f"--only: choose from {', '.join(names)}")
    for path in make(a.figs, a.quick, only, figures):
        print(path)


if __name__ == "__main__":
    main()
