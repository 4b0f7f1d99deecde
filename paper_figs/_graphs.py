"""Drawing a traced computation graph (:func:`zeroopt.ad.graph`) with matplotlib: layered by topological
depth, left to right, each node a box with its expression, value, tangent and adjoint; no graphviz.

The figures of lecture notes 001 (Line search. Matrix calculus. Automatic differentiation) and 004
(Matrix derivatives. Automatic differentiation) are drawn from zeroopt's own trace of the lecture's
functions: every number written on a node is the one zeroopt computed. :func:`view` (from
:mod:`paper_figs._graph_view`) names the nodes as the lectures do; :func:`plan` sizes the boxes to their
text and :func:`layout` places them (layers by depth, order within a layer by the barycenter heuristic,
edges curved around boxes); :func:`draw` draws them; :func:`make` and :func:`main` save a lecture
module's figures with their captions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from experiments._figures import pyplot, save_figure
from paper_figs._graph_view import (View, fmt, local_partials, math_name, node_lines, value_lines,  # noqa: F401
                                     view)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FILL = {"input": "#dbe9f6", "op": "#f4f4f4", "output": "#fde0c5"}


@dataclass
class Layout:
    """Where the boxes go (made by :func:`layout`), in inches.

    Attributes: ``pos`` (id -> box centre (x, y)), ``size`` (id -> (width, height)), ``layer``
    (id -> column), ``xlim`` and ``ylim`` (the extent, curves included), ``bends`` ((parent, child) ->
    arc3 curvature, 0 for a straight edge) and the ``notes`` under the graph with their top ``notes_top``
    (see :func:`reserve_notes`).
    """

    pos: dict
    size: dict
    layer: dict
    xlim: tuple
    ylim: tuple
    bends: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    notes_top: float = 0.0


def layout(V, heights, box_w=1.15, col=1.6, gap=0.25, outputs_last=True, wrap=None):
    """Place the boxes of ``V`` left to right, layered by topological depth.

    A node's layer is the longest path to it from the inputs; an input sits one layer before its first
    consumer, and the outputs share the last layer (``outputs_last``). Within a layer boxes are ordered
    and placed at the mean height of their neighbours (barycenter sweeps, forward and back), then pushed
    apart to ``gap``. An edge that would cross a box is curved (see :class:`Layout`).

    Parameters
    ----------
    V : View
    heights : dict
        id -> box height, inches.
    box_w, col, gap : float
        Box width, column pitch and the least vertical gap between boxes, inches.
    outputs_last : bool
    wrap : int, optional
        The layers from ``wrap`` on continue in a second row below the first, from right to left (a long
        chain at README width).

    Returns
    -------
    Layout

    Examples
    --------
    >>> import zeroopt as zo
    >>> V = view(zo.ad.graph(lambda w1, w2: w2 * np.log(w1), 2.0, 3.0))
    >>> L = layout(V, dict.fromkeys(V.ids, 0.5))
    >>> [L.layer[i] for i in V.ids]
    [0, 1, 1, 2]
    """
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
        L.bends[(p, c)] = rad = _edge_bend(L, p, c)
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


def _edge_bend(L, a, b):
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


def plan(V, show=("value",), wrt=None, out="L", box_w=1.15, col=1.6, wrap=None, edge_labels=False):
    """The text of every node and the layout of their boxes, sized to the text.

    Parameters
    ----------
    V : View
    show, wrt, out
        As for :func:`node_lines`.
    box_w, col, wrap
        As for :func:`layout`.
    edge_labels : bool
        Leave room above and below the graph for the numbers :func:`draw` writes beside the edges
        (``partials=True``).

    Returns
    -------
    (Layout, dict)
        The layout and {id: lines of :func:`node_lines`}: what :func:`draw` draws.
    """
    texts = {i: node_lines(V, i, show, wrt, out) for i in V.ids}
    heights = {i: 0.12 + LINE_H * len(texts[i]) for i in V.ids}
    L = layout(V, heights, box_w, col, wrap=wrap)
    if edge_labels:
        L.ylim = (L.ylim[0] - 0.2, L.ylim[1] + 0.2)
    return L, texts


def draw(ax, V, planned, badges=None, reverse=False, partials=False, highlight=None, fontsize=7.5, label_at=0.5,
         skip_ones=False):
    """Draw ``V`` on ``ax`` as ``planned`` by :func:`plan` (axis off, 1 data unit = 1 inch).

    Parameters
    ----------
    ax : matplotlib Axes
    V : View
    planned : (Layout, dict)
        From :func:`plan`.
    badges : dict, optional
        id -> text in a circle on the box's corner (the step numbers of a pass).
    reverse : bool
        Arrows from child to parent, in red: the direction the adjoints flow.
    partials : bool
        Write each local derivative d child / d parent (:func:`local_partials`) beside its edge.
    label_at : float
        Where along the edge, from the parent (0) to the child (1): 0.7 keeps the numbers of two crossing
        edges apart, each near the node it enters.
    skip_ones : bool
        Write no number on an edge whose local derivative is 1 (a sum's edges; the caption should say so).
    highlight : dict, optional
        Ids and (parent, child) edges -> colour of a thicker border or line.
    fontsize : float

    Returns
    -------
    dict
        {(parent, child): the local derivative written on that edge}.
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
            if d is not None and p in d and not (skip_ones and d[p] == 1.0):
                written[(p, c)] = d[p]
                text = fmt(d[p], 3)
                for flip in (False, True):   # beside the edge, on a side where the number covers no box
                    (mx, my), ha, va = edge_label_anchor(L.pos[p], L.pos[c], rad, label_at, (L.size[p], L.size[c]), flip)
                    if not _covers_a_box(L, (mx, my), ha, va, 0.09 * len(text) + 0.1, 0.2):
                        break
                ax.text(mx, my, text, ha=ha, va=va, fontsize=EDGE_FONT, color="0.15", zorder=4,
                        bbox=dict(boxstyle="round,pad=0.12", fc="#fff8c4", ec="0.7", lw=0.4))
    ax.set_xlim(*L.xlim)
    ax.set_ylim(*L.ylim)
    ax.set_aspect("equal")
    ax.set_anchor("NW")
    ax.axis("off")
    return written


#: the local derivatives written beside the edges: font size (points) and gap from the edge (inches)
EDGE_FONT, EDGE_GAP = 7.5, 0.06


def edge_label_anchor(p0, p2, rad, at=0.5, sizes=None, flip=False):
    """Where the number of an edge goes: beside the point ``at`` (0: where the curve from ``p0`` to ``p2``,
    arc3 ``rad``, leaves the box around ``p0``; 1: where it enters the one around ``p2``; ``sizes`` the two
    boxes' (width, height), None: points), on the side the curve bulges to (above a straight edge), so that
    it covers neither the line nor an arrow head. Returns ((x, y), ha, va) for ``Axes.text``.

    Examples
    --------
    >>> edge_label_anchor((0.0, 0.0), (2.0, 0.0), 0.0)       # a straight edge: the number above it
    ((1.0, 0.06), 'center', 'bottom')
    >>> (x, y), _, _ = edge_label_anchor((0.0, 0.0), (2.0, 0.0), 0.0, 0.75, sizes=[(1.0, 0.5), (1.0, 0.5)])
    >>> round(x, 2)     # 3/4 of the way across the gap between the boxes, from 0.5 to 1.5
    1.25
    """
    t = np.linspace(0.0, 1.0, 401)
    lo, hi = 0.0, 1.0
    if sizes is not None:       # the visible part of the curve: outside both boxes
        pts = _bezier(p0, p2, rad, t)
        out = np.ones(t.size, dtype=bool)
        for (cx, cy), (w, h) in zip((p0, p2), sizes):
            out &= ~((np.abs(pts[:, 0] - cx) <= w / 2) & (np.abs(pts[:, 1] - cy) <= h / 2))
        if out.any():
            lo, hi = t[out][0], t[out][-1]
    mid = _bezier(p0, p2, rad, [lo + at * (hi - lo)])[0]
    (x0, y0), (x2, y2) = p0, p2
    normal = np.array([-(y2 - y0), x2 - x0], dtype=float)
    normal /= np.hypot(*normal) or 1.0
    bulge = _bezier(p0, p2, rad, [0.5])[0] - np.array([(x0 + x2) / 2, (y0 + y2) / 2])
    if np.hypot(*bulge) > 1e-9:
        normal = bulge / np.hypot(*bulge)
    elif normal[1] < 0 or (normal[1] == 0 and normal[0] < 0):
        normal = -normal
    normal = -normal if flip else normal
    x, y = mid + EDGE_GAP * normal
    ha = "center" if abs(normal[0]) < 0.7 else ("left" if normal[0] > 0 else "right")
    va = "center" if abs(normal[1]) < 0.7 else ("bottom" if normal[1] > 0 else "top")
    return (round(float(x), 12), round(float(y), 12)), ha, va


def _covers_a_box(L, xy, ha, va, w, h):
    """Whether a text of about ``w`` x ``h`` inches anchored at ``xy`` (``ha``, ``va``) overlaps a box of ``L``."""
    x0 = xy[0] - {"left": 0.0, "center": w / 2, "right": w}[ha]
    y0 = xy[1] - {"bottom": 0.0, "center": h / 2, "top": h}[va]
    return any(x0 < cx + bw / 2 and x0 + w > cx - bw / 2 and y0 < cy + bh / 2 and y0 + h > cy - bh / 2
               for (cx, cy), (bw, bh) in ((L.pos[i], L.size[i]) for i in L.pos))


def _panel_size(L):
    """(width, height) of an axes showing layout ``L`` at 1 data unit = 1 inch."""
    return L.xlim[1] - L.xlim[0], L.ylim[1] - L.ylim[0]


NOTE_H = 0.17      # inches per line of notes under a graph


def reserve_notes(planned, lines):
    """Make room under the graph of ``planned`` (before the figure is sized) for ``lines`` of notes,
    which :func:`write_notes` writes after :func:`draw`."""
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
    """A figure sized for the graphs of ``plans``: one panel per plan, stacked, 1 data unit = 1 inch.

    Parameters
    ----------
    plans : list of (Layout, dict)
    titles : list of str
        One title per panel, written at its left.
    min_width : float
        Inches.

    Returns
    -------
    (Figure, list of Axes)
    """
    plt = pyplot()
    sizes = [_panel_size(p[0]) for p in plans]
    width = max(w for w, _ in sizes) + 0.3
    heights = [h + 0.35 for _, h in sizes]
    fig, axes = plt.subplots(len(plans), 1, figsize=(max(width, min_width), sum(heights)),
                             height_ratios=heights, squeeze=False)
    for ax, title in zip(axes[:, 0], titles):
        ax.set_title(title, fontsize=8.5, loc="left")
    return fig, list(axes[:, 0])


def save(fig, figs, name, caption):
    """Write ``fig`` as ``<figs>/<name>.png`` and ``.pdf`` (:func:`experiments._figures.save_figure`)
    and ``caption`` as ``<name>.txt``, on one line; returns the three paths."""
    return save_figure(fig, figs, name, caption=caption) + [os.path.join(figs, f"{name}.txt")]


def make(figs, figures, quick=False, only=None):
    """Draw and save ``figures`` (entries (name, lecture, figure numbers, title, fn), ``fn(quick) ->
    (fig, caption)``; those named in ``only``) into ``figs``; returns the PNG paths. ``quick``: False,
    True (make_all --quick) or "tiny" (the tests)."""
    out = []
    for name, _, _, _, fn in figures:
        if only is None or name in only:
            fig, caption = fn(quick=quick)
            out.append(save(fig, figs, name, caption)[0])
    return out


def main(argv, figures, doc, module=None):
    """The command line of a lecture module (--figs, --quick, --only), ``python -m <module>``; a bad option
    exits with code 2 and the usage line. --quick draws into results/quick/figs unless --figs says
    otherwise, and never into paper_figs/ (the committed figures are those of the full run)."""
    from experiments import _cli

    committed = os.path.join(ROOT, "paper_figs")
    ap = _cli.parser(doc, module)
    ap.add_argument("--figs", default=None, metavar="DIR",
                    help="figure directory (default paper_figs/; --quick: results/quick/figs)")
    ap.add_argument("--quick", action="store_true", help="smaller data where a figure measures something")
    ap.add_argument("--only", default=None, help="comma-separated figure names: " + ", ".join(f[0] for f in figures))
    a = ap.parse_args(argv)
    if a.figs is not None:
        _cli.finish(ap, a)  # --figs: not an existing file
    if a.figs is None:
        a.figs = os.path.join(ROOT, "results", "quick", "figs") if a.quick else committed
    if a.quick and os.path.realpath(a.figs) == os.path.realpath(committed):
        ap.error("--quick never draws into paper_figs/; leave --figs out or point it elsewhere")
    names = [f[0] for f in figures]
    only = None if a.only is None else [s.strip() for s in a.only.split(",") if s.strip()]
    if only is not None and (not only or set(only) - set(names)):
        ap.error(f"--only: unknown name(s) {', '.join(sorted(set(only) - set(names))) or '(none given)'}; "
                 f"choose from {', '.join(names)}")
    for path in make(a.figs, figures, a.quick, only):
        print(path)


__all__ = ["View", "Layout", "view", "layout", "plan", "draw", "node_lines", "local_partials", "value_lines", "fmt",
           "math_name", "reserve_notes", "write_notes", "figure", "save", "make", "main", "pyplot"]
