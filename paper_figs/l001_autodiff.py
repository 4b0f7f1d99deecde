"""Lecture notes 001 (Line search. Matrix calculus. Automatic differentiation), the automatic-differentiation
figures, drawn from zeroopt's own trace (:func:`zeroopt.ad.graph`): the computation graph of
L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (Figures 19, 25, 32), forward mode along w1 and along w2
(Figures 20-24 and 26-30), the reverse pass (the slides after Figure 32) and the feed-forward network's
backward pass (Figure 37). Which mode for which graph (Figures 34 and 36) is
:mod:`paper_figs.l001_which_mode`; the memory of reverse mode with and without gradient checkpointing is
:mod:`paper_figs.l001_checkpoint`.

    python -m paper_figs.l001_autodiff [--figs paper_figs] [--only NAME,...]

Each figure is a function ``fn(quick=False) -> (fig, caption)`` listed in :data:`FIGURES`.
"""

from __future__ import annotations


import numpy as np

import zeroopt as zo
from paper_figs import _graphs as gr
from paper_figs._common import figure, figures_of

#: the point (w1, w2) of the figures of L
POINT = (2.0, 3.0)


def L(w1, w2):
    """The lecture's example L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (lecture notes 001, Figure 19).

    The repeated term u = w2 log w1 is computed once, so the traced graph has the lecture's four
    primitives: v1 = log w1, v2 = w2 v1, v3 = sqrt(v2), L = v2 + v3.

    Parameters
    ----------
    w1, w2 : float or Tracer
        w2 log w1 > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> round(float(L(2.0, 3.0)), 6)
    3.521468
    """
    u = w2 * np.log(w1)
    return u + np.sqrt(u)


def lecture_graphs(w=POINT):
    """The graph of :func:`L` traced by :func:`zeroopt.ad.graph` at ``w``, once per forward direction.

    Parameters
    ----------
    w : tuple of float
        The point (w1, w2).

    Returns
    -------
    dict
        {"w1": Graph with tangents along w1, "w2": Graph with tangents along w2}; both carry the values
        and the adjoints dL/dv of one reverse pass.

    Examples
    --------
    >>> G = lecture_graphs((2.0, 3.0))["w1"]
    >>> float(G.nodes[G.output].tangent) == float(G.nodes[0].adjoint)    # dL/dw1 both ways
    True
    """
    return {k: zo.ad.graph(L, *w, names=["w1", "w2"], direction=d) for k, d in (("w1", [1.0, 0.0]), ("w2", [0.0, 1.0]))}


def _forward_badges(V):
    """Step numbers of the forward pass: the non-input nodes in forward order."""
    return {i: str(k) for k, i in enumerate([i for i in V.ids if V.parents[i]], 1)}


_L_MATH = r"$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}$"


@figure("l001_ad_graph", "001", "19, 25, 32", "the computation graph of L(w1, w2) with the forward values")
def graph_figure(quick=False, w=POINT):
    """Figures 19, 25 and 32: the graph of :func:`L` with the forward values, numbered in forward order.

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2), w1 > 1 (so that w2 log w1 > 0 under the square root).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G = lecture_graphs(w)["w1"]
    V = gr.view(G)
    p = gr.plan(V, ("value",))
    fig, (ax,) = gr.figure([p], [f"{_L_MATH} at $w_1$ = {gr.fmt(w[0])}, $w_2$ = {gr.fmt(w[1])}: the graph zeroopt traced"])
    gr.draw(ax, V, p, badges=_forward_badges(V))
    caption = (f"Lecture 001, Figures 19, 25 and 32: the computation graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1) "
               f"as zeroopt.ad.graph traces it at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}: one box per primitive "
               "(v1 = log w1, v2 = w2 v1, v3 = sqrt(v2), L = v2 + v3), numbered in the order of the forward pass, "
               f"each with the value it computed; L = {gr.fmt(G.value)}.")
    return fig, caption


@figure("l001_ad_forward_mode", "001", "20-24, 26-30", "forward mode along w1 and along w2: tangents on the nodes")
def forward_mode_figure(quick=False, w=POINT):
    """Figures 20-24 and 26-30: forward mode along w1 and along w2, the tangents dv/dw_k on the nodes
    and the local derivatives on the edges (v-dot_i = sum_j dv_i/dx_j x-dot_j, the forward chain rule).

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2), w1 > 1 (so that w2 log w1 > 0 under the square root).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    Gs = lecture_graphs(w)
    views = {k: gr.view(G) for k, G in Gs.items()}
    plans = {k: gr.plan(V, ("value", "tangent"), wrt=k, col=1.9, edge_labels=True) for k, V in views.items()}
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


@figure("l001_ad_reverse_mode", "001", "32 (backward pass)", "reverse mode: adjoints dL/dv on the nodes, one pass")
def reverse_mode_figure(quick=False, w=POINT):
    """Figure 32 and the backward pass: the adjoints dL/dv on the nodes (v-bar_i = sum over children x_j
    of x-bar_j dx_j/dv_i, the backward chain rule), arrows from child to parent.

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2), w1 > 1 (so that w2 log w1 > 0 under the square root).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G = lecture_graphs(w)["w1"]
    V = gr.view(G)
    p = gr.plan(V, ("value", "adjoint"), col=1.9, edge_labels=True)
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


# --- the chain rules at one node (Figures 31 and 33) ---------------------------------------------------------
def _chain_rule_figure(mode, w):
    """Figure 31 (``mode="forward"``: the rule at L, whose parents v2 and v3 both depend on w1) or Figure 33
    (``"reverse"``: the rule at v2, whose children are v3 and L) on the graph of :func:`L`."""
    from paper_figs.l004_matrix_ad import chain_plan

    G = lecture_graphs(w)["w1"]
    V = gr.view(G)
    name = "L" if mode == "forward" else "v2"
    i = next(j for j in V.ids if V.names[j] == name)
    p, hl, terms, total, own = chain_plan(G, V, i, mode)
    return G, V, p, hl, i, own


@figure("l001_ad_forward_chain_rule", "001", "31", "the forward chain rule at a node of L(w1, w2), with zeroopt's tangents")
def forward_chain_rule_figure(quick=False, w=POINT):
    """Figure 31: the forward chain rule v-dot_i = sum_j (dv_i/dx_j)(dx_j/dw_k) at the output L = v2 + v3 of
    :func:`L`, whose two parents both depend on w1, with zeroopt's tangents along w1 and the equation
    written out under the graph (:func:`paper_figs.l004_matrix_ad.chain_rule_terms` checks it).

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2), w1 > 1.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G, V, p, hl, i, own = _chain_rule_figure("forward", w)
    fig, (ax,) = gr.figure([p], [rf"Figure 31, forward chain rule: $\partial L/\partial w_1$ from the parents of L (blue), "
                                 f"for {_L_MATH}"])
    gr.draw(ax, V, p, highlight=hl, partials=True, badges=_forward_badges(V))
    gr.write_notes(ax, p)
    caption = ("Lecture 001, Figure 31: the forward chain rule, each node's tangent the sum over its parents of the "
               "local derivative times the parent's tangent, on the graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1) at "
               f"w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, traced by zeroopt with the tangent along w1. At the red node "
               "L = v2 + v3 both parents (blue) depend on w1, so dL/dw1 has two terms: the local derivatives (yellow, "
               "beside the edges) times the parents' tangents, written out below with zeroopt's numbers; the sum is the "
               f"tangent zeroopt computed, dL/dw1 = {gr.fmt(own, 6)}. The tangents are computed in the numbered order.")
    return fig, caption


@figure("l001_ad_reverse_chain_rule", "001", "33", "the reverse chain rule at a node of L(w1, w2), with zeroopt's adjoints")
def reverse_chain_rule_figure(quick=False, w=POINT):
    """Figure 33: the backward chain rule v-bar_i = sum_j (dL/dx_j)(dx_j/dv_i) over the children of
    v2 = w2 v1 (v3 = sqrt(v2) and L) in the graph of :func:`L`, with zeroopt's adjoints and the equation
    written out under the graph.

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2), w1 > 1.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G, V, p, hl, i, own = _chain_rule_figure("reverse", w)
    fig, (ax,) = gr.figure([p], [rf"Figure 33, backward chain rule: $\partial L/\partial v_2$ from the children of "
                                 f"$v_2$ (blue), for {_L_MATH}"])
    back = list(reversed(V.ids))
    gr.draw(ax, V, p, highlight=hl, partials=True, reverse=True, badges={j: str(k) for k, j in enumerate(back, 1)})
    gr.write_notes(ax, p)
    caption = ("Lecture 001, Figure 33: the backward chain rule, each node's adjoint dL/dv the sum over its children of "
               "the child's adjoint times the local derivative, on the graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1) "
               f"at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, traced by zeroopt. The backward pass visits the nodes in "
               "the numbered order (red arrows), so when it reaches the red node v2 = w2 v1 the adjoints of its two "
               "children v3 = sqrt(v2) and L (blue) are known; the sum over the blue edges, written out below, is the "
               f"adjoint zeroopt computed, dL/dv2 = {gr.fmt(own, 6)}. The forward pass stored every value for this.")
    return fig, caption


# --- the feed-forward network (Figure 37) -----------------------------------------------------------
#: batch b, input width d, widths n1 and n2 of the network of Figure 37
MLP_SHAPES = dict(b=4, d=3, n1=5, n2=2)


def mlp_loss(X, W1, W2, y):
    """The lecture's network (Figure 37) with t = 2 layers, v_k = sigma(v_{k-1} W_k), sigma = tanh,
    v_0 = X (b x d), and the mean squared error L = mean((v_2 - y)^2) (a float)."""
    v1 = np.tanh(X @ W1)
    v2 = np.tanh(v1 @ W2)
    return np.mean((v2 - y) ** 2)


def mlp_data(seed=0, b=4, d=3, n1=5, n2=2):
    """The inputs of :func:`mlp_loss` from ``np.random.default_rng(seed)``: X (b x d) standard normal,
    W1 (d x n1) and W2 (n1 x n2) scaled by 1/sqrt(fan-in), the target y (b x n2) of scale 0.5."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((b, d)), rng.standard_normal((d, n1)) / np.sqrt(d),
            rng.standard_normal((n1, n2)) / np.sqrt(n1), rng.standard_normal((b, n2)) * 0.5)


def mlp_graph(seed=0):
    """:func:`mlp_loss` traced by :func:`zeroopt.ad.graph` on :func:`mlp_data` of :data:`MLP_SHAPES`,
    with X, W1 and W2 as its inputs (y a constant)."""
    X, W1, W2, y = mlp_data(seed, **MLP_SHAPES)
    return zo.ad.graph(mlp_loss, X, W1, W2, args=(y,), names=["X", "W1", "W2"])


@figure("l001_ad_mlp_backward", "001", "37", "a 2-layer network's loss: the graph with shapes, values and adjoints")
def mlp_figure(quick=False):
    """Figure 37: the graph of a 2-layer network's loss with each node's shape and the norms of its value
    and adjoint, numbered in the order of the backward pass.

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
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


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l001_autodiff [--figs DIR] [--only NAME,...]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
