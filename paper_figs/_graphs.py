"""Drawing a traced computation graph (:func:`zeroopt.ad.graph`) with matplotlib: layered by topological
depth, left to right, each node a box with its expression, value, tangent and adjoint.

The figures of lecture notes 001 (Line search. Matrix calculus. Automatic differentiation) and 004
(Matrix derivatives. Automatic differentiation) are drawn from zeroopt's own trace of the lecture's
functions: every number written on a node is the one zeroopt computed. :func:`view` names the nodes as
the lectures do (inputs by their names, intermediates v1, v2, ... in forward order, the output L) and
hides structural nodes (reshapes) by joining their parents to their children; :func:`layout` places the
boxes (layers by depth, order within a layer by the barycenter heuristic, edges curved around boxes);
:func:`draw` writes the numbers.
"""

from __future__ import annotations

import os
import re
import string
import sys
from dataclasses import dataclass, field

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # experiments._figures, when a module is run as a script
    sys.path.insert(0, ROOT)

from experiments._figures import pyplot, save_figure  # noqa: E402

#: mathtext templates of the primitives' expressions ({0}, {1}: the parents' names)
TEMPLATES = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": r"{0} \cdot {1}", "divide": "{0} / {1}",
             "matmul": r"{0}\,{1}", "power": "{0}^{{{1}}}", "log": r"\log {0}", "exp": r"\exp {0}",
             "sin": r"\sin {0}", "cos": r"\cos {0}", "tanh": r"\tanh({0})", "sqrt": r"\sqrt{{{0}}}",
             "negative": "-{0}", "sum": r"\mathrm{{sum}}\,{0}", "mean": r"\mathrm{{mean}}\,{0}",
             "solve": "{0}^{{-1}} {1}", "svdvals": r"\mathrm{{svdvals}}({0})", "diag_embed": r"\mathrm{{diag}}({0})",
             "diagonal": r"\mathrm{{diagonal}}({0})", "concatenate": "[{all}]"}
SYMBOL_MATH = {"*": r"\cdot", "+": "+", "-": "-", "/": "/", "@": r"\,"}
FILL = {"input": "#dbe9f6", "op": "#f4f4f4", "output": "#fde0c5"}


def math_name(name):
    """'w1' -> 'w_1', 'v12' -> 'v_{12}', 'X' -> 'X' (a name for mathtext)."""
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{m.group(1)}_{{{m.group(2)}}}" if m else name


def fmt(x, digits=4):
    """A number as written on a node: ``digits`` significant digits, no negative zero."""
    x = float(x)
    return f"{0.0 if x == 0 else x:.{digits}g}"


def value_lines(v, max_rows=3, max_cols=3):
    """The lines that show an array on a node: a scalar, a short vector or a small matrix row by row
    (singleton axes dropped); None for a larger array (the node then shows its shape and norm)."""
    v = np.asarray(v, dtype=float)
    s = np.squeeze(v)
    if s.ndim == 0:
        return [fmt(s)]
    if s.ndim == 1 and s.size <= max_cols:
        return ["[" + ", ".join(fmt(e, 3) for e in s) + "]"]
    if s.ndim == 2 and s.shape[0] <= max_rows and s.shape[1] <= max_cols:
        return ["[" + ", ".join(fmt(e, 3) for e in row) + "]" for row in s]
    return None


def shape_text(v):
    """'4×3' for an array of shape (4, 3)."""
    return r"$\times$".join(map(str, np.shape(v)))


@dataclass
class View:
    """The graph as drawn: ``ids`` (the shown nodes, in forward order), ``parents`` and ``children``
    (shown node -> shown nodes, with hidden ones joined through), ``names`` (id -> plain name, e.g. 'v2')
    and ``exprs`` (id -> mathtext of its expression in its parents' names)."""

    graph: object
    ids: list
    parents: dict
    children: dict
    names: dict
    exprs: dict
    edges: list = field(default_factory=list)


def view(G, hide=("reshape",), output="L", constants=None, rename=None):
    r"""The nodes of ``G`` to draw, named as in the lectures.

    Parameters
    ----------
    G : zeroopt.ad.Graph
    hide : tuple of str
        Primitives not drawn (their parents are joined to their children); the output is hidden too if
        its primitive is listed (a vector output ``np.stack([...])`` then shows its entries as outputs).
    output : str
        Name of the output; several shown outputs are named ``output`` 1, 2, ... in forward order.
    constants : dict, optional
        primitive -> name of a non-scalar constant operand (e.g. {"subtract": "y"}), written after the
        traced one in the expression.
    rename : dict, optional
        Default name -> name to show instead (e.g. {"v1": "x"}; mathtext such as r"\Sigma" is allowed).

    Returns
    -------
    View
    """
    constants = constants or {}
    shown = [n.id for n in G.nodes if n.primitive not in hide or n.primitive == "input"]
    rep = {}
    for n in G.nodes:
        rep[n.id] = [n.id] if n.id in shown else list(dict.fromkeys(r for p in n.parents for r in rep[p]))
    parents = {i: list(dict.fromkeys(r for p in G.nodes[i].parents for r in rep[p])) for i in shown}
    children = {i: [j for j in shown if i in parents[j]] for i in shown}
    outs = [i for i in shown if not children[i] and G.nodes[i].primitive != "input"]
    names, k = {}, 0
    for i in shown:
        node = G.nodes[i]
        if node.primitive == "input":
            names[i] = node.label
        elif i in outs:
            names[i] = output if len(outs) == 1 else f"{output}{outs.index(i) + 1}"
        else:
            k += 1
            names[i] = f"v{k}"
    names = {i: (rename or {}).get(nm, nm) for i, nm in names.items()}
    exprs = {i: _expression(G.nodes[i], [math_name(names[p]) for p in parents[i]], constants) for i in shown}
    edges = [(p, i) for i in shown for p in parents[i]]
    return View(G, shown, parents, children, names, exprs, edges)


def _expression(node, args, constants):
    if node.primitive == "input":
        return math_name(node.label)
    parts = node.label.split(" ")
    if len(parts) == 2 and len(args) == 1:  # one scalar constant: "* 2" or "0.5 *"
        if parts[0] == "^":
            return f"{args[0]}^{{{parts[1]}}}"
        if parts[0] in SYMBOL_MATH:
            return f"{args[0]} {SYMBOL_MATH[parts[0]]} {parts[1]}"
        return f"{parts[0]} {SYMBOL_MATH.get(parts[1], parts[1])} {args[0]}"
    if node.primitive in constants and len(args) == 1:
        args = args + [constants[node.primitive]]
    template = TEMPLATES.get(node.primitive)
    fields = {f for _, f, _, _ in string.Formatter().parse(template or "") if f}
    if template is None or fields != {"all"} and len(fields) != len(args):
        return r"\mathrm{" + node.primitive.replace("_", r"\_") + "}(" + ", ".join(args) + ")"
    return template.format(*args, all=", ".join(args))


def local_partials(G, i):
    """{parent id: d node / d parent} of a scalar node whose primitive is a numpy ufunc applied to its
    parents only (no constant operand), computed by zeroopt's own reverse pass on that one primitive;
    None for other nodes (the figures then write no number on the edge)."""
    import zeroopt as zo

    node = G.nodes[i]
    fun = getattr(np, node.primitive, None)
    if not isinstance(fun, np.ufunc) or fun.nin != len(node.parents) or len(set(node.parents)) != len(node.parents) \
            or node.value.shape != () or node.label not in (node.primitive, _symbol(node.primitive)):
        return None
    local = zo.ad.graph(lambda *a: fun(*a), *[float(G.nodes[p].value) for p in node.parents])
    return {p: float(local.nodes[j].adjoint) for j, p in enumerate(node.parents)}


def _symbol(primitive):
    from zeroopt.ad.graph import SYMBOLS
    return SYMBOLS.get(primitive, primitive)


@dataclass
class Layout:
    """Box centres ``pos`` (id -> (x, y), inches), box sizes ``size`` (id -> (w, h)), ``layer`` (id -> int),
    the extent ``xlim``, ``ylim`` and the edges' arc3 curvatures ``bends`` ((parent, child) -> rad)."""

    pos: dict
    size: dict
    layer: dict
    xlim: tuple
    ylim: tuple
    bends: dict = field(default_factory=dict)


def layout(V, heights, box_w=1.2, col=1.75, gap=0.25, outputs_last=True, wrap=None):
    """Place the boxes of ``V``: layer = longest path from the inputs (an input sits one layer before its
    first consumer; outputs share the last layer if ``outputs_last``), order within a layer by the
    barycenter of the neighbours (sweeps down and up), y by the parents' mean, pushed apart to ``gap``;
    the layers from ``wrap`` on continue below the first row, from right to left (long chains at README
    width)."""
    layer = {}
    for i in V.ids:
        layer[i] = 1 + max((layer[p] for p in V.parents[i]), default=-1)
    for i in V.ids:
        if not V.parents[i] and V.children[i]:
            layer[i] = min(layer[c] for c in V.children[i]) - 1
    if outputs_last:
        last = max(layer.values())
        for i in V.ids:
            if not V.children[i] and V.parents[i]:
                layer[i] = last
    layers = [[i for i in V.ids if layer[i] == k] for k in range(max(layer.values()) + 1)]
    y = {}
    for sweep in range(5):
        order = layers if sweep % 2 == 0 else layers[::-1]
        for members in order:
            for i in members:
                nbrs = [j for j in (V.parents[i] if sweep % 2 == 0 else V.children[i]) if j in y]
                y[i] = float(np.mean([y[j] for j in nbrs])) if nbrs else y.get(i, -float(members.index(i)))
            _spread(members, y, heights, gap)
    pos = {i: (layer[i] * col, y[i]) for i in V.ids}
    if wrap is not None and wrap < len(layers):  # the layers from ``wrap`` on: a second row, back to the left
        first = [i for i in V.ids if layer[i] < wrap]
        second = [i for i in V.ids if layer[i] >= wrap]
        drop = max(y[i] + heights[i] / 2 for i in second) - min(y[i] - heights[i] / 2 for i in first) + 1.5 * gap
        pos.update({i: ((2 * wrap - 1 - layer[i]) * col, y[i] - drop) for i in second})
    size = {i: (box_w, heights[i]) for i in V.ids}
    xs = [p[0] for p in pos.values()]
    lo = min(pos[i][1] - heights[i] / 2 for i in V.ids)
    hi = max(pos[i][1] + heights[i] / 2 for i in V.ids)
    L = Layout(pos, size, layer, (min(xs) - box_w / 2 - 0.1, max(xs) + box_w / 2 + 0.1), (lo - 0.15, hi + 0.15))
    for p, c in V.edges:   # curve the edges that would cross a box; the extent takes in the curves
        L.bends[(p, c)] = rad = edge_bend(L, p, c)
        ys = _bezier(pos[p], pos[c], rad, np.linspace(0, 1, 41))[:, 1]
        L.ylim = (min(L.ylim[0], ys.min() - 0.15), max(L.ylim[1], ys.max() + 0.15))
    return L


def _spread(members, y, heights, gap):
    """Keep the layer's order by y (ties by position in the list) and push boxes apart symmetrically."""
    rank = {i: k for k, i in enumerate(members)}
    members.sort(key=lambda i: (-y[i], rank[i]))
    for _ in range(len(members) * 2):
        moved = False
        for a, b in zip(members, members[1:]):
            need = (heights[a] + heights[b]) / 2 + gap - (y[a] - y[b])
            if need > 1e-9:
                y[a] += need / 2
                y[b] -= need / 2
                moved = True
        if not moved:
            break


def _bezier(p0, p2, rad, t):
    """Points of matplotlib's arc3 connection from p0 to p2 (control point: midpoint + rad * normal)."""
    (x0, y0), (x2, y2) = p0, p2
    cx, cy = (x0 + x2) / 2 + rad * (y2 - y0), (y0 + y2) / 2 - rad * (x2 - x0)
    t = np.asarray(t)[:, None]
    return (1 - t) ** 2 * np.array([x0, y0]) + 2 * (1 - t) * t * np.array([cx, cy]) + t ** 2 * np.array([x2, y2])


def edge_bend(L, a, b):
    """The smallest arc3 ``rad`` whose curve from box a to box b passes no other box (0: straight)."""
    t = np.linspace(0.02, 0.98, 60)
    others = [i for i in L.pos if i not in (a, b)]
    if L.layer[b] - L.layer[a] == 1 and L.pos[b][0] > L.pos[a][0]:
        return 0.0   # adjacent layers: nothing lies between
    for rad in (0.0, 0.2, -0.2, 0.35, -0.35, 0.5, -0.5):
        pts = _bezier(L.pos[a], L.pos[b], rad, t)
        if not any(np.any((np.abs(pts[:, 0] - L.pos[i][0]) < L.size[i][0] / 2 + 0.05)
                          & (np.abs(pts[:, 1] - L.pos[i][1]) < L.size[i][1] / 2 + 0.05)) for i in others):
            return rad
    return 0.5


LINE_H = 0.19      # inches per text line at fontsize 7.5 (mathtext subscripts included)


def node_lines(V, i, show=("value",), wrt=None, out="L"):
    """The text of node ``i``: its expression, then (per ``show``) its value, its tangent d v / d ``wrt``
    and its adjoint d ``out`` / d v, as written on the figure."""
    node = V.graph.nodes[i]
    name = math_name(V.names[i])
    head = f"${V.exprs[i]}$" if node.primitive == "input" else f"${name} = {V.exprs[i]}$"
    lines = [head]
    for what in show:
        v = {"value": node.value, "tangent": node.tangent, "adjoint": node.adjoint}[what]
        math = {"value": name, "tangent": rf"\partial {name}/\partial {math_name(wrt or '')}",
                "adjoint": rf"\partial {math_name(out)}/\partial {name}"}[what]
        vals = value_lines(v)
        if vals is None:  # a large array: its shape with the value, then Frobenius norms
            norm = rf"$\|{math}\|$ = {fmt(np.linalg.norm(v), 3)}"
            lines.append(f"{shape_text(v)}, {norm}" if what == "value" else norm)
        elif what == "value":
            lines += [f"value {vals[0]}"] if len(vals) == 1 and len(vals[0]) <= 16 else ["value"] + vals
        else:   # a vector longer than a few characters goes on its own line
            lines += [f"${math}$ = {vals[0]}"] if len(vals) == 1 and len(vals[0]) <= 12 else [f"${math}$"] + vals
    return lines


def plan(V, show=("value",), wrt=None, out="L", box_w=1.2, col=1.75, wrap=None):
    """The text of every node (:func:`node_lines`) and the :class:`Layout` of their boxes."""
    texts = {i: node_lines(V, i, show, wrt, out) for i in V.ids}
    heights = {i: 0.12 + LINE_H * len(texts[i]) for i in V.ids}
    return layout(V, heights, box_w, col, wrap=wrap), texts


def draw(ax, V, planned, badges=None, reverse=False, partials=False, highlight=None, fontsize=7.5):
    """Draw ``V`` on ``ax`` as ``planned`` by :func:`plan` (axis off, 1 data unit = 1 inch).

    ``badges`` (id -> str) are the step numbers of a pass, in circles on the boxes' corners; ``reverse``
    draws the arrows from child to parent (the adjoints' direction); ``partials`` writes each local
    derivative d child / d parent on its edge (scalar ufunc nodes only); ``highlight`` maps ids and
    edges (parent, child) to colours. Returns {(parent, child): local derivative written}.
    """
    import matplotlib.patches as mp

    L, texts = planned
    highlight = highlight or {}
    boxes, written = {}, {}
    for i in V.ids:
        (x, y), (w, h) = L.pos[i], L.size[i]
        node = V.graph.nodes[i]
        kind = "input" if node.primitive == "input" else ("output" if not V.children[i] else "op")
        edge = highlight.get(i, "0.35")
        boxes[i] = mp.FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
                                     fc=FILL[kind], ec=edge, lw=2.0 if i in highlight else 0.8, zorder=3)
        ax.add_patch(boxes[i])
        ax.text(x, y, "\n".join(texts[i]), ha="center", va="center", fontsize=fontsize, zorder=4, linespacing=1.35)
        if badges and i in badges:
            ax.text(x - w / 2 + 0.11, y + h / 2 - 0.11, badges[i], ha="center", va="center", fontsize=6, color="w", zorder=5,
                    bbox=dict(boxstyle="circle,pad=0.15", fc="0.25", ec="none"))
    for p, c in V.edges:
        rad = L.bends[(p, c)]
        a, b = (c, p) if reverse else (p, c)
        color = highlight.get((p, c), "C3" if reverse else "0.3")
        ax.add_patch(mp.FancyArrowPatch(L.pos[a], L.pos[b], patchA=boxes[a], patchB=boxes[b], arrowstyle="-|>",
                                        mutation_scale=9, connectionstyle=f"arc3,rad={rad if a == p else -rad}",
                                        color=color, lw=1.6 if (p, c) in highlight else 0.9, zorder=2))
        if partials:
            d = local_partials(V.graph, c)
            if d is not None and p in d:
                written[(p, c)] = d[p]
                mx, my = _bezier(L.pos[p], L.pos[c], rad, [0.5])[0]
                ax.text(mx, my, fmt(d[p], 3), ha="center", va="center", fontsize=6.5, color="0.15", zorder=4,
                        bbox=dict(boxstyle="round,pad=0.12", fc="#fff8c4", ec="0.7", lw=0.4))
    ax.set_xlim(*L.xlim)
    ax.set_ylim(*L.ylim)
    ax.set_aspect("equal")
    ax.set_anchor("NW")
    ax.axis("off")
    return written


def panel_size(L):
    """(width, height) of an axes showing layout ``L`` at 1 data unit = 1 inch."""
    return L.xlim[1] - L.xlim[0], L.ylim[1] - L.ylim[0]


NOTE_H = 0.17      # inches per line of notes under a graph


def reserve_notes(planned, lines):
    """Make room under the graph of ``planned`` for ``lines`` of notes (see :func:`write_notes`)."""
    L = planned[0]
    L.notes_top = L.ylim[0] - 0.05
    L.ylim = (L.ylim[0] - NOTE_H * len(lines) - 0.15, L.ylim[1])
    L.notes = list(lines)


def write_notes(ax, planned, fontsize=7.5):
    """Write the notes reserved by :func:`reserve_notes` under the graph (monospace, left-aligned)."""
    L = planned[0]
    ax.text(L.xlim[0] + 0.05, L.notes_top, "\n".join(L.notes), ha="left", va="top", fontsize=fontsize,
            family="monospace", linespacing=1.45)


def figure(plans, titles, min_width=6.0):
    """A figure with one graph panel per plan, stacked, each at 1 data unit = 1 inch, titled."""
    plt = pyplot()
    sizes = [panel_size(p[0]) for p in plans]
    width = max(w for w, _ in sizes) + 0.3
    heights = [h + 0.35 for _, h in sizes]
    fig, axes = plt.subplots(len(plans), 1, figsize=(max(width, min_width), sum(heights)),
                             height_ratios=heights, squeeze=False)
    for ax, title in zip(axes[:, 0], titles):
        ax.set_title(title, fontsize=8.5, loc="left")
    return fig, list(axes[:, 0])


def save(fig, figs, name, caption):
    """Write ``fig`` as PNG and PDF (:func:`experiments._figures.save_figure`) and its caption, one
    line, as ``<figs>/<name>.txt``; returns the PNG, PDF and caption paths."""
    paths = save_figure(fig, figs, name)
    path = os.path.join(figs, f"{name}.txt")
    with open(path, "w") as fh:
        fh.write(" ".join(caption.split()) + "\n")
    return paths + [path]


__all__ = ["View", "Layout", "view", "layout", "plan", "draw", "node_lines", "local_partials", "value_lines", "fmt",
           "math_name", "edge_bend", "panel_size", "reserve_notes", "write_notes", "figure", "save", "pyplot"]
