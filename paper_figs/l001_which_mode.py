"""Lecture notes 001 (Line search. Matrix calculus. Automatic differentiation), Figures 34 and 36, "which
mode would you choose?": graphs traced by zeroopt (:func:`zeroopt.ad.graph`) with the cost of their
Jacobian in each AD mode, counted as zeroopt computes it. Forward mode costs one pass per input, reverse
mode one recording pass and one backward pass per output; a graph whose outputs all go through one
scalar is cheapest in a mixed mode (reverse up to the scalar, forward after it).

    python -m paper_figs.l001_which_mode [--figs paper_figs]
"""

from __future__ import annotations


import numpy as np

import zeroopt as zo
from paper_figs import _graphs as gr
from paper_figs._common import figure, figures_of


def fan_out(w1, w2):
    """Figure 34's kind of graph, n = 2 inputs and m = 5 outputs: with a = w1 w2 and b = sin w1,
    (a + b, a b, exp b, sqrt a, a - w2). Returns an array of shape (5,); needs w1 w2 > 0."""
    a = w1 * w2
    b = np.sin(w1)
    return np.stack([a + b, a * b, np.exp(b), np.sqrt(a), a - w2])


def bottleneck_inner(w1, w2, w3, w4):
    """The first half of :func:`bottleneck`: the scalar s = w1 w2 + w3 w4 every output goes through
    (returns a float)."""
    return w1 * w2 + w3 * w4


def bottleneck_outer(s):
    """The second half of :func:`bottleneck`: (sin s, cos s, exp s, tanh s), an array of shape (4,)."""
    return np.stack([np.sin(s), np.cos(s), np.exp(s), np.tanh(s)])


def bottleneck(w1, w2, w3, w4):
    """A Figure 36 graph G where neither pure mode is best: n = m = 4, every output a function of the one
    scalar s = w1 w2 + w3 w4, so the Jacobian is the rank-one outer'(s) inner'(w)^T."""
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
    J = outer'(s) inner'(w)^T. The counts are those of zeroopt's implementation: each backward pass
    sweeps the whole tape, each forward pass every primitive.

    Parameters
    ----------
    fun : callable
        ``fun(*w)`` in numpy, returning an array of m entries (``np.stack`` of scalars).
    w : sequence of float
        The point, one scalar per input.
    inner, outer : callable, optional
        With ``fun = outer(inner(*w))``, ``inner`` returning a scalar.

    Returns
    -------
    dict
        n, m, N (primitives per pass, the outputs' stacking not counted), jacobian (m x n),
        forward_passes, reverse_passes (recording passes), backward_sweeps, forward_cost (n N),
        reverse_cost ((1 + m) N) and, with inner and outer, N_inner, N_outer and mixed_cost.

    Raises
    ------
    AssertionError
        If the forward, reverse (and mixed) Jacobians differ by more than 1e-13 relative.

    Examples
    --------
    >>> c = mode_costs(fan_out, (1.2, 0.8))
    >>> c["forward_passes"], c["backward_sweeps"], c["forward_cost"], c["reverse_cost"]
    (2, 5, 14, 42)
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
    """The cost of each mode as written under a which-mode graph, the cheapest marked with ">".

    Parameters
    ----------
    c : dict
        From :func:`mode_costs`.

    Returns
    -------
    list of str
    """
    lines = {"forward": f"forward mode: n = {c['forward_passes']} passes x N = {c['N']} primitives = {c['forward_cost']}",
             "reverse": f"reverse mode: 1 recording + m = {c['backward_sweeps']} backward passes, "
                        f"({c['reverse_passes']} + {c['backward_sweeps']}) x {c['N']} = {c['reverse_cost']}"}
    if "mixed_cost" in c:
        lines["mixed"] = (f"mixed: reverse mode up to the red node (2 x {c['N_inner']}), forward mode after it "
                          f"({c['N_outer']}) = {c['mixed_cost']}")
    best = min(lines, key=lambda k: c[f"{k}_cost"])
    return [("> " if k == best else "   ") + v for k, v in lines.items()]


#: the which-mode graphs of Figures 34 and 36: (function, point, input names)
WHICH = {"fan_out": (fan_out, (1.2, 0.8), ["w1", "w2"]), "bottleneck": (bottleneck, (0.5, -0.4, 0.3, 0.9),
                                                                       ["w1", "w2", "w3", "w4"])}


def which_mode_plan(fun, w, names, costs):
    """The graph of ``fun`` at ``w`` (expressions on the nodes, the outputs' stacking hidden), planned
    with the cost of each mode as notes under it.

    Parameters
    ----------
    fun, w
        As for :func:`mode_costs`.
    names : list of str
        The inputs' names.
    costs : dict
        From :func:`mode_costs`.

    Returns
    -------
    (View, (Layout, dict))
        What :func:`paper_figs._graphs.draw` and ``write_notes`` take.
    """
    G = zo.ad.graph(fun, *w, names=names, cotangent=np.ones(np.shape(fun(*w))))
    V = gr.view(G, hide=("reshape", "concatenate"))
    p = gr.plan(V, (), box_w=1.05, col=1.5)
    gr.reserve_notes(p, cost_lines(costs))
    return V, p


@figure("l001_ad_which_mode", "001", "34, 36",
        "which mode? the cost of forward, reverse and mixed mode on two graphs")
def which_mode_figure(quick=False):
    """Figures 34 and 36: a graph with few inputs and many outputs (forward mode wins), and one where
    every output goes through one scalar (reverse, then forward mode wins), costs counted by
    :func:`mode_costs`.

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


#: this module's figures, as registered (its command line and the tests use them)
FIGURES = figures_of(__name__)


def main(argv=None):
    """``python -m paper_figs.l001_which_mode [--figs DIR]`` (see :func:`paper_figs._graphs.main`)."""
    gr.main(argv, FIGURES, __doc__, __spec__.name)


if __name__ == "__main__":
    main()
