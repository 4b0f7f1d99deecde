"""What a drawn computation graph shows: the nodes of a traced :class:`zeroopt.ad.Graph` named as in
the lectures, their expressions, the numbers written in their boxes and the local derivatives on their
edges (lecture notes 001, Line search. Matrix calculus. Automatic differentiation; lecture notes 004,
Matrix derivatives. Automatic differentiation).

:func:`view` names the inputs by their names, the intermediates v1, v2, ... in forward order and the
output L (as the lectures do), and hides structural nodes (reshapes) by joining their parents to their
children; :func:`node_lines` is the text of a box; :func:`local_partials` the numbers of the chain rule.
The drawing is :mod:`paper_figs._graphs`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import numpy as np

#: mathtext templates of the primitives' expressions ({0}, {1}: the parents' names)
TEMPLATES = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": r"{0} \cdot {1}", "divide": "{0} / {1}",
             "matmul": r"{0}\,{1}", "power": "{0}^{{{1}}}", "log": r"\log {0}", "exp": r"\exp {0}",
             "sin": r"\sin {0}", "cos": r"\cos {0}", "tanh": r"\tanh({0})", "sqrt": r"\sqrt{{{0}}}",
             "negative": "-{0}", "sum": r"\mathrm{{sum}}\,{0}", "mean": r"\mathrm{{mean}}\,{0}",
             "solve": "{0}^{{-1}} {1}", "svdvals": r"\mathrm{{svdvals}}({0})", "diag_embed": r"\mathrm{{diag}}({0})",
             "diagonal": r"\mathrm{{diagonal}}({0})", "concatenate": "[{all}]"}
SYMBOL_MATH = {"*": r"\cdot", "+": "+", "-": "-", "/": "/", "@": r"\,"}
def math_name(name):
    """A node's name for mathtext: the trailing digits as a subscript.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> math_name("w1"), math_name("v12"), math_name("X")
    ('w_{1}', 'v_{12}', 'X')
    """
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{m.group(1)}_{{{m.group(2)}}}" if m else name


def fmt(x, digits=4):
    """A number as written on a figure: ``digits`` significant digits (``%g``), no negative zero.

    Parameters
    ----------
    x : float
    digits : int

    Returns
    -------
    str

    Examples
    --------
    >>> fmt(2.0794415416798357), fmt(-0.0), fmt(1e-7, 3)
    ('2.079', '0', '1e-07')
    """
    x = float(x)
    return f"{0.0 if x == 0 else x:.{digits}g}"


def value_lines(v, max_rows=3, max_cols=3):
    """The lines that show an array on a node, 3 significant digits per entry (4 for a scalar).

    Parameters
    ----------
    v : array_like
        Singleton axes are dropped first (a (2, 1) column shows as a vector).
    max_rows, max_cols : int
        The largest matrix shown entry by entry.

    Returns
    -------
    list of str or None
        One line for a scalar or a vector of at most ``max_cols`` entries, one line per row of a small
        matrix; None for a larger array (the node then shows its shape and Frobenius norm).

    Examples
    --------
    >>> value_lines(2.0), value_lines([[1.0], [-0.5]]), value_lines(np.eye(2)), value_lines(np.ones((4, 3)))
    (['2'], ['[1, -0.5]'], ['[1, 0]', '[0, 1]'], None)
    """
    v = np.asarray(v, dtype=float)
    s = np.squeeze(v)
    if s.ndim == 0:
        return [fmt(s)]
    if s.ndim == 1 and s.size <= max_cols:
        return ["[" + ", ".join(fmt(e, 3) for e in s) + "]"]
    if s.ndim == 2 and s.shape[0] <= max_rows and s.shape[1] <= max_cols:
        return ["[" + ", ".join(fmt(e, 3) for e in row) + "]" for row in s]
    return None


def _shape_text(v):
    """'4×3' for an array of shape (4, 3)."""
    return r"$\times$".join(map(str, np.shape(v)))


@dataclass
class View:
    """A :class:`zeroopt.ad.Graph` as drawn (made by :func:`view`).

    Attributes: ``graph`` (the Graph), ``ids`` (the shown nodes' ids, in forward order), ``parents`` and
    ``children`` (id -> shown ids, hidden nodes joined through), ``names`` (id -> name, e.g. "w1", "v2",
    "L"), ``exprs`` (id -> mathtext of the node's expression in its parents' names) and ``edges``
    ((parent, child) pairs of shown ids).
    """

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

    Examples
    --------
    >>> import zeroopt as zo
    >>> V = view(zo.ad.graph(lambda w1, w2: w2 * np.log(w1), 2.0, 3.0, names=["w1", "w2"]))
    >>> [V.names[i] for i in V.ids], V.exprs[V.ids[-1]]
    (['w1', 'w2', 'v1', 'L'], 'w_{2} \\cdot v_{1}')
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
    """The local derivatives of node ``i`` with respect to its parents (the numbers of the chain rule).

    Computed by zeroopt's own reverse pass on the node's primitive alone, at its parents' values.

    Parameters
    ----------
    G : zeroopt.ad.Graph
    i : int
        A node id.

    Returns
    -------
    dict or None
        {parent id: d node / d parent} for a scalar node whose primitive is a numpy ufunc applied to its
        parents, or to one parent and a scalar constant written in its label (``x ** 2``: "^ 2"); None for
        other nodes (inputs, arrays, an array constant: the figures then write no number on the edge).

    Examples
    --------
    >>> import zeroopt as zo
    >>> G = zo.ad.graph(lambda w1, w2: w2 * np.log(w1), 2.0, 3.0)
    >>> local_partials(G, 3)   # v = w2 * log(w1): d v / d w2 = log 2, d v / d log(w1) = 3
    {1: 0.6931471805599453, 2: 3.0}
    >>> local_partials(zo.ad.graph(lambda w: w ** 2, -2.0), 1)    # a constant exponent: d w^2 / d w = 2 w
    {0: -4.0}
    """
    import zeroopt as zo

    node = G.nodes[i]
    fun = getattr(np, node.primitive, None)
    if not isinstance(fun, np.ufunc) or len(set(node.parents)) != len(node.parents) or node.value.shape != ():
        return None
    parts = node.label.split(" ")
    if fun.nin == 2 and len(node.parents) == 1 and len(parts) == 2:   # one traced operand, a scalar constant
        right = parts[0] == _symbol(node.primitive)                    # "^ 2": x ** 2; "0.5 *": 0.5 * x
        text = parts[1] if right else parts[0]
        try:
            c = float(text)
        except ValueError:
            return None
        x = float(G.nodes[node.parents[0]].value)
        # the label writes the constant with 6 digits (%g): trust it only when it is shorter than that and
        # reproduces the node's value, so that a rounded constant never gives a false derivative
        if len(re.sub(r"[^0-9]", "", text.split("e")[0]).lstrip("0")) >= 6 or \
                float(fun(x, c) if right else fun(c, x)) != float(node.value):
            return None
        local = zo.ad.graph(lambda t: fun(t, c) if right else fun(c, t), x)
        return {node.parents[0]: float(local.nodes[0].adjoint)}
    if fun.nin != len(node.parents) or node.label not in (node.primitive, _symbol(node.primitive)):
        return None
    local = zo.ad.graph(lambda *a: fun(*a), *[float(G.nodes[p].value) for p in node.parents])
    return {p: float(local.nodes[j].adjoint) for j, p in enumerate(node.parents)}


def _symbol(primitive):
    from zeroopt.ad.graph import SYMBOLS
    return SYMBOLS.get(primitive, primitive)


def node_lines(V, i, show=("value",), wrt=None, out="L"):
    r"""The text of node ``i`` as written in its box.

    Parameters
    ----------
    V : View
    i : int
    show : tuple of {"value", "tangent", "adjoint"}
        After the expression: the node's value, its tangent d v / d ``wrt`` (forward mode) and its
        adjoint d ``out`` / d v (reverse mode), in this order; an array too large to list shows its shape
        and Frobenius norms.
    wrt, out : str
        The input of the tangents, the output of the adjoints.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import zeroopt as zo
    >>> G = zo.ad.graph(lambda w1, w2: w2 * np.log(w1), 2.0, 3.0, names=["w1", "w2"], direction=[1.0, 0.0])
    >>> node_lines(view(G), 2, ("value", "tangent", "adjoint"), wrt="w1")
    ['$v_{1} = \\log w_{1}$', 'value 0.6931', '$\\partial v_{1}/\\partial w_{1}$ = 0.5', '$\\partial L/\\partial v_{1}$ = 3']
    """
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
            lines.append(f"{_shape_text(v)}, {norm}" if what == "value" else norm)
        elif what == "value":
            lines += [f"value {vals[0]}"] if len(vals) == 1 and len(vals[0]) <= 16 else ["value"] + vals
        else:   # a vector longer than a few characters goes on its own line
            lines += [f"${math}$ = {vals[0]}"] if len(vals) == 1 and len(vals[0]) <= 12 else [f"${math}$"] + vals
    return lines


__all__ = ["TEMPLATES", "View", "view", "node_lines", "local_partials", "value_lines", "fmt", "math_name"]
