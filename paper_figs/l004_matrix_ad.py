"""Lecture notes 004 (Matrix derivatives. Automatic differentiation, seminar), Figures 1-5, drawn from
zeroopt's own trace (:func:`zeroopt.ad.graph`): the forward chain rule (Figure 1), the reverse chain rule
(Figure 2), which mode for a graph with more inputs than outputs, with the cost of each mode (Figure 3),
x = A^-1 b inside a loss with dL/dA and dL/db against the lecture's closed forms (Figure 4) and the
nuclear-norm regulariser R(W) = tr(Sigma) with dR/dW = U V^T (Figure 5).

    python -m paper_figs.l004_matrix_ad [--figs paper_figs] [--only NAME,...]

Each figure is a function ``fn(quick=False) -> (fig, caption)`` listed in :data:`FIGURES`.
"""

from __future__ import annotations


import numpy as np

import zeroopt as zo
from paper_figs import _graphs as gr
from paper_figs._common import figure, figures_of
from paper_figs import l001_which_mode as wm

#: the point (w1, w2) of Figures 1 and 2
POINT = (0.5, 1.5)


def chain_example(w1, w2):
    """L(w1, w2) = sin(w1 w2) exp(w1 w2) + w1 w2 (a float), the example of Figures 1 and 2: its graph has
    a node with two parents that both depend on w1 (the product sin(p) exp(p), Figure 1) and a node
    with three children (p = w1 w2, Figure 2)."""
    p = w1 * w2
    return np.sin(p) * np.exp(p) + p


def chain_rule_terms(G, V, i, mode):
    """The terms of the chain rule at node ``i`` of the drawn graph ``V`` of ``G``.

    ``mode="forward"``: d v_i / d w = sum over the parents x_j of (d v_i / d x_j)(d x_j / d w), the
    tangents of ``G``; ``mode="reverse"``: d L / d v_i = sum over the children x_j of (d L / d x_j)
    (d x_j / d v_i), the adjoints of ``G``. The local derivatives come from :func:`_graphs.local_partials`.

    Parameters
    ----------
    G : zeroopt.ad.Graph
        Traced with a direction (for ``mode="forward"``).
    V : paper_figs._graph_view.View
        The drawn view of ``G`` (its parents and children are those the figure shows).
    i : int
        The node.
    mode : {"forward", "reverse"}

    Returns
    -------
    terms : list of (neighbour id, local derivative, neighbour's tangent or adjoint)
    total : float
        The sum of the terms.
    node_value : float
        The node's own tangent or adjoint as zeroopt computed it.

    Raises
    ------
    AssertionError
        If the sum differs from the node's own number by more than 1e-13 relative (the figure would then
        write a false equation).
    ValueError
        If ``mode`` is neither "forward" nor "reverse", or a node of the rule has no scalar local
        derivatives (:func:`paper_figs._graph_view.local_partials` gives None).

    Examples
    --------
    >>> import zeroopt as zo
    >>> from paper_figs._graph_view import view
    >>> G = zo.ad.graph(chain_example, 0.5, 1.5, direction=[1.0, 0.0])
    >>> terms, total, own = chain_rule_terms(G, view(G), 2, "reverse")    # p = w1 w2: three children
    >>> len(terms), abs(total - own) < 1e-15
    (3, True)
    """
    def local(node, parent):
        d = gr.local_partials(G, node)
        if d is None:
            raise ValueError(f"node {V.names[node]} ({G.nodes[node].primitive}) has no scalar local derivatives")
        return d[parent]

    if mode == "forward":
        terms = [(j, local(i, j), float(G.nodes[j].tangent)) for j in V.parents[i]]
        own = float(G.nodes[i].tangent)
    elif mode == "reverse":
        terms = [(c, local(c, i), float(G.nodes[c].adjoint)) for c in V.children[i]]
        own = float(G.nodes[i].adjoint)
    else:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}")
    total = float(sum(a * b for _, a, b in terms))
    if not abs(total - own) <= 1e-13 * max(1.0, abs(own)):
        raise AssertionError(f"the chain rule at {V.names[i]} sums to {total!r}, zeroopt computed {own!r}")
    return terms, total, own


def chain_plan(G, V, i, mode, wrt="w1"):
    """The plan of a graph with the chain rule at node ``i`` written out under it: node ``i`` red, the
    neighbours of its rule (parents forward, children reverse) and their edges blue, the equation with
    zeroopt's numbers as notes (checked by :func:`chain_rule_terms`).

    Returns
    -------
    planned : (Layout, dict)
        For :func:`paper_figs._graphs.draw` and :func:`paper_figs._graphs.figure`.
    highlight : dict
        For ``draw(..., highlight=...)``.
    terms, total, own
        As :func:`chain_rule_terms`.
    """
    terms, total, own = chain_rule_terms(G, V, i, mode)
    nbrs = V.parents[i] if mode == "forward" else V.children[i]
    name = V.names[i]
    if mode == "forward":
        rule = f"d{name}/d{wrt} = " + " + ".join(f"(d{name}/d{V.names[j]})(d{V.names[j]}/d{wrt})" for j, _, _ in terms)
    else:
        rule = f"dL/d{name} = " + " + ".join(f"(dL/d{V.names[j]})(d{V.names[j]}/d{name})" for j, _, _ in terms)
    nums = " + ".join(f"({gr.fmt(a, 4)})({gr.fmt(b, 4)})" if mode == "forward" else f"({gr.fmt(b, 4)})({gr.fmt(a, 4)})"
                      for _, a, b in terms)
    indent = " " * rule.index("=")
    notes = [rule, f"{indent}= {nums}", f"{indent}= {gr.fmt(total, 6)}"]
    show = ("value", "tangent") if mode == "forward" else ("value", "adjoint")
    p = gr.plan(V, show, wrt=wrt, box_w=1.1, col=1.9, edge_labels=True)
    gr.reserve_notes(p, notes)
    hl = {i: "C3", **{j: "C0" for j in nbrs}}
    hl.update({((j, i) if mode == "forward" else (i, j)): "C0" for j in nbrs})
    return p, hl, terms, total, own


def _chain_figure(mode, w=POINT):
    """The graph of :func:`chain_example` planned for Figure 1 or 2: the node whose rule is written out,
    its neighbours highlighted, and the equation as notes."""
    G = zo.ad.graph(chain_example, *w, names=["w1", "w2"], direction=[1.0, 0.0])
    V = gr.view(G)
    if mode == "forward":   # the product node: two parents, both depending on w1
        i = next(j for j in V.ids if G.nodes[j].primitive == "multiply" and len(V.parents[j]) == 2
                 and all(G.nodes[p].primitive != "input" for p in V.parents[j]))
    else:                   # w1 w2: three children
        i = max(V.ids, key=lambda j: len(V.children[j]))
    p, hl, terms, total, own = chain_plan(G, V, i, mode)
    return G, V, p, hl, (i, terms, total, own)


@figure("l004_forward_chain_rule", "004", "1", "the forward chain rule at a node, with zeroopt's tangents")
def forward_chain_figure(quick=False, w=POINT):
    """Figure 1: the forward chain rule at a node with two parents, from zeroopt's forward tangents, the
    equation written out under the graph (see :func:`chain_rule_terms`).

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G, V, p, hl, (i, terms, total, own) = _chain_figure("forward", w)
    name = V.names[i]
    fig, (ax,) = gr.figure([p], [rf"Figure 1, forward chain rule: $\partial {gr.math_name(name)}/\partial w_1$ from its "
                                 rf"parents (blue), for $L = \sin(w_1 w_2)\,e^{{w_1 w_2}} + w_1 w_2$"])
    gr.draw(ax, V, p, highlight=hl, partials=True)
    gr.write_notes(ax, p)
    caption = ("Lecture 004, Figure 1: the forward chain rule on the graph of L(w1, w2) = sin(w1 w2) exp(w1 w2) + w1 w2 "
               f"at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, traced by zeroopt with the tangent along w1. The red node "
               f"{name} has two parents (blue), both depending on w1: its tangent is the sum over the blue edges of the "
               "local derivative (yellow) times the parent's tangent, written out below with zeroopt's numbers; the sum "
               f"equals the tangent zeroopt computed ({gr.fmt(own, 6)}). One such pass per input: d x O(T).")
    return fig, caption


@figure("l004_reverse_chain_rule", "004", "2", "the reverse chain rule at a node, with zeroopt's adjoints")
def reverse_chain_figure(quick=False, w=POINT):
    """Figure 2: the reverse chain rule at a node with three children, from zeroopt's adjoints, the
    equation written out under the graph (see :func:`chain_rule_terms`).

    Parameters
    ----------
    quick : bool or "tiny"
        make_all's size switch; unused here (the graph is the same at every size).
    w : tuple of float
        The point (w1, w2).

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        One line on what the reader sees (written next to the figure as ``<name>.txt``).
    """
    G, V, p, hl, (i, terms, total, own) = _chain_figure("reverse", w)
    name = V.names[i]
    fig, (ax,) = gr.figure([p], [rf"Figure 2, reverse chain rule: $\partial L/\partial {gr.math_name(name)}$ from its "
                                 rf"children (blue), for $L = \sin(w_1 w_2)\,e^{{w_1 w_2}} + w_1 w_2$"])
    back = list(reversed(V.ids))
    gr.draw(ax, V, p, highlight=hl, partials=True, reverse=True, badges={j: str(k) for k, j in enumerate(back, 1)})
    gr.write_notes(ax, p)
    caption = ("Lecture 004, Figure 2: the reverse chain rule on the graph of L(w1, w2) = sin(w1 w2) exp(w1 w2) + w1 w2 "
               f"at w1 = {gr.fmt(w[0])}, w2 = {gr.fmt(w[1])}, traced by zeroopt. The backward "
               f"pass visits the nodes in the numbered order, so when it reaches the red node {name} the adjoints of its "
               "three children (blue) are known: its adjoint is the sum over the blue edges of the child's adjoint times "
               f"the local derivative (yellow), written out below; it equals zeroopt's adjoint ({gr.fmt(own, 6)}). The "
               "values of the forward pass are stored for this; one backward pass gives the whole gradient: O(T).")
    return fig, caption


# --- Figure 3: which mode? ------------------------------------------------------------------------------
def fan_in(w1, w2, w3, w4, w5):
    """n = 5 inputs, m = 2 outputs, the graph of Figure 3's question: with d = w1 w2 + w3 w4,
    (d sin w5, exp d), an array of shape (2,)."""
    d = w1 * w2 + w3 * w4
    return np.stack([d * np.sin(w5), np.exp(d)])


#: the point of Figure 3
FAN_IN_AT = (0.3, -0.7, 1.1, 0.4, 0.9)


@figure("l004_which_mode", "004", "3", "which mode? 5 inputs, 2 outputs: the cost of each mode")
def which_mode_figure(quick=False):
    """Figure 3: a graph with more inputs than outputs, with the cost of each mode counted by
    :func:`paper_figs.l001_which_mode.mode_costs`.

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
    c = wm.mode_costs(fan_in, FAN_IN_AT)
    V, p = wm.which_mode_plan(fan_in, FAN_IN_AT, ["w1", "w2", "w3", "w4", "w5"], c)
    fig, (ax,) = gr.figure([p], [f"Figure 3: n = {c['n']} inputs, m = {c['m']} outputs: reverse mode, "
                                 f"{c['reverse_cost']} against {c['forward_cost']} primitive evaluations"])
    gr.draw(ax, V, p)
    gr.write_notes(ax, p)
    caption = ("Lecture 004, Figure 3 (which mode?): a graph with n = 5 inputs and m = 2 outputs traced by zeroopt, with "
               "the cost of its Jacobian counted as zeroopt computes it (passes counted as they run, N primitives per "
               f"pass): forward mode needs n = 5 passes ({c['forward_cost']} primitive evaluations), reverse mode one "
               f"recording and m = 2 backward passes ({c['reverse_cost']}): with fewer outputs than inputs, reverse mode "
               "wins. Both Jacobians agree to 1e-13.")
    return fig, caption


# --- Figure 4: x = A^-1 b inside a loss ---------------------------------------------------------------
#: A, b and t of Figure 4
SOLVE_DATA = (np.array([[2.0, 1.0], [0.5, 3.0]]), np.array([1.0, 2.0]), np.array([0.2, 0.9]))


def solve_loss(A, b, t):
    """L(A, b) = ||x - t||^2 with x = A^-1 b (np.linalg.solve; A invertible), a float."""
    x = np.linalg.solve(A, b)
    return np.sum((x - t) ** 2)


def solve_check(A, b, t):
    """zeroopt's dL/dA, dL/db and dL/dx (the adjoint of x in the trace) of :func:`solve_loss`, with the
    lecture's closed forms (lecture notes 004, Figure 4): from dx = A^-1 (db - dA x),
    dL/db = A^-T (dL/dx) and dL/dA = -A^-T (dL/dx) x^T; and dL/dx = 2 (x - t) by hand.

    Parameters
    ----------
    A : ndarray (k, k)
    b, t : ndarray (k,)

    Returns
    -------
    dict
        graph, x, dL_dx, dL_dx_hand, dL_db, dL_db_closed, dL_dA, dL_dA_closed, and max_diff (the largest
        difference between zeroopt's numbers and the closed forms).

    Examples
    --------
    >>> solve_check(*SOLVE_DATA)["max_diff"] < 1e-15
    True
    """
    G = zo.ad.graph(solve_loss, A, b, args=(t,), names=["A", "b"])
    x_node = next(n for n in G.nodes if n.primitive == "solve")
    x, gx = x_node.value.ravel(), x_node.adjoint.ravel()
    AinvT = np.linalg.inv(A).T
    out = dict(graph=G, x=x, dL_dx=gx, dL_dx_hand=2 * (x - t), dL_db=G.nodes[1].adjoint, dL_db_closed=AinvT @ gx,
               dL_dA=G.nodes[0].adjoint, dL_dA_closed=-np.outer(AinvT @ gx, x))
    out["max_diff"] = max(float(np.max(np.abs(out[k] - out[k + c]))) for k, c in
                          (("dL_dx", "_hand"), ("dL_db", "_closed"), ("dL_dA", "_closed")))
    return out


def _agree(diff):
    """How closely zeroopt's numbers match a closed form, for a caption."""
    return "they agree exactly" if diff == 0 else f"they agree to {diff:.0e}"


def _arr(v):
    """An array as nested lists, 5 significant digits (the notes under Figures 4 and 5)."""
    return "[" + ", ".join(_arr(r) if np.ndim(r) else gr.fmt(r, 5) for r in v) + "]"


@figure("l004_linear_solve", "004", "4", "x = A^-1 b in a loss: dL/dA, dL/db against the closed forms")
def solve_figure(quick=False):
    """Figure 4: the graph of ||A^-1 b - t||^2 with values and adjoints, and zeroopt's dL/dA and dL/db
    against the closed forms of :func:`solve_check` written under it.

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
    d = solve_check(*SOLVE_DATA)
    V = gr.view(d["graph"], constants={"subtract": "t"}, rename={"v1": "x"})
    p = gr.plan(V, ("value", "adjoint"), box_w=1.2, col=1.55)
    rows = [("dL/dx", "zeroopt", "dL_dx"), ("", "2 (x - t)", "dL_dx_hand"), ("dL/db", "zeroopt", "dL_db"),
            ("", "A^-T dL/dx", "dL_db_closed"), ("dL/dA", "zeroopt", "dL_dA"), ("", "-A^-T (dL/dx) x^T", "dL_dA_closed")]
    notes = [f"{a:6s} {b:18s} {_arr(d[k])}" for a, b, k in rows] + [f"largest difference: {d['max_diff']:.1e}"]
    gr.reserve_notes(p, notes)
    fig, (ax,) = gr.figure([p], [r"Figure 4: $x = A^{-1} b$ inside $L = \|x - t\|^2$; zeroopt's adjoints against the "
                                 r"lecture's closed forms"], min_width=7.0)
    gr.draw(ax, V, p, reverse=True)
    gr.write_notes(ax, p, fontsize=7)
    caption = ("Lecture 004, Figure 4: x = A^-1 b (np.linalg.solve) inside the loss L = ||x - t||^2, traced by zeroopt "
               "with every node's value and adjoint dL/dv (the reshapes np.linalg.solve inserts are not drawn). Below, the adjoints "
               "zeroopt computed against the lecture's closed forms dL/db = A^-T dL/dx and dL/dA = -A^-T (dL/dx) x^T, "
               f"and dL/dx against 2 (x - t): {_agree(d['max_diff'])}.")
    return fig, caption


# --- Figure 5: the nuclear norm tr(Sigma) -----------------------------------------------------------------
#: W of Figure 5 (singular values 1.19 and 1.04: distinct, non-zero)
NUCLEAR_W = np.array([[1.0, 0.4], [-0.3, 0.8], [0.5, -0.6]])


def nuclear_norm(W):
    """R(W) = tr(Sigma), Sigma = diag of W's singular values (np.linalg.svd): the nuclear norm, a float."""
    Sigma = np.diag(np.linalg.svd(W, compute_uv=False))
    return np.trace(Sigma)


def nuclear_check(W):
    """zeroopt's dR/dW of :func:`nuclear_norm` and the lecture's dR/dW = U V^T (lecture notes 004,
    Figure 5; thin SVD W = U Sigma V^T, valid where the singular values are distinct and non-zero).

    Parameters
    ----------
    W : ndarray (m, n)

    Returns
    -------
    dict
        graph, dR_dW, UVt, singular_values and max_diff (largest |dR_dW - U V^T|).

    Examples
    --------
    >>> nuclear_check(NUCLEAR_W)["max_diff"] < 1e-14
    True
    """
    G = zo.ad.graph(nuclear_norm, W, names=["W"])
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    return dict(graph=G, dR_dW=G.nodes[0].adjoint, UVt=U @ Vt, singular_values=s,
                max_diff=float(np.max(np.abs(G.nodes[0].adjoint - U @ Vt))))


@figure("l004_nuclear_norm", "004", "5", "R(W) = tr(Sigma): dR/dW against U V^T")
def nuclear_figure(quick=False):
    """Figure 5: the graph of tr(Sigma(W)) with values and adjoints, and zeroopt's dR/dW against U V^T
    written under it.

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
    d = nuclear_check(NUCLEAR_W)
    V = gr.view(d["graph"], output="R", rename={"v1": r"\sigma", "v2": r"\Sigma"})
    p = gr.plan(V, ("value", "adjoint"), box_w=1.2, col=1.55)
    notes = [f"dR/dW  zeroopt {_arr(d['dR_dW'])}", f"       U V^T   {_arr(d['UVt'])}",
             f"largest difference: {d['max_diff']:.1e}"]
    gr.reserve_notes(p, notes)
    fig, (ax,) = gr.figure([p], [r"Figure 5: $R(W) = \mathrm{tr}(\Sigma)$, $W = U \Sigma V^T$; zeroopt's "
                                 r"$\partial R/\partial W$ against $U V^T$"], min_width=7.0)
    gr.draw(ax, V, p, reverse=True)
    gr.write_notes(ax, p, fontsize=7)
    m, n = NUCLEAR_W.shape
    caption = (f"Lecture 004, Figure 5: the regulariser R(W) = tr(Sigma) for a {m} x {n} matrix W = U Sigma V^T, traced by "
               "zeroopt: singular values (np.linalg.svd), Sigma = diag of them, and the trace (numpy's diagonal, then sum), "
               "each node with its value and its adjoint dR/dv. Below, zeroopt's dR/dW against the lecture's U V^T "
               f"(thin SVD; the singular values {', '.join(gr.fmt(v, 3) for v in d['singular_values'])} are distinct and "
               f"non-zero, so R is differentiable at W): {_agree(d['max_diff'])}.")
    return fig, caption


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l004_matrix_ad [--figs DIR] [--only NAME,...]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
