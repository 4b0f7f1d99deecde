"""The computation graph of one call, exported for drawing: nodes with values, adjoints and tangents.

The figures of reverse and forward mode (lecture notes 001, Line search. Matrix calculus. Automatic
differentiation) draw the graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1) with each node's value and
its adjoint dL/dnode (reverse mode), or its tangent along a direction (forward mode). :func:`graph`
records the tape of one call and returns exactly those numbers.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

from .core import Tracer, make_vjp, raw, shape_of
from .numpy_names import np

#: short labels of common primitives (the graph's nodes are named by primitive otherwise)
SYMBOLS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "negative": "neg", "power": "^",
           "sqrt": "sqrt", "matmul": "@", "sum": "sum", "getitem": "[ ]", "square": "^2"}


@dataclass
class GraphNode:
    """One node of a :class:`Graph`: an input, or the output of one primitive application.

    Parameters
    ----------
    id : int
        Its index in ``Graph.nodes``; parents come before children.
    primitive : str
        ``"input"``, or the primitive's name, for example ``"log"`` or ``"multiply"``.
    label : str
        Short text for a figure: the input's name, or the operation with its constant operand, for
        example ``"* 2"``.
    value : numpy.ndarray
        The value computed in this call.
    adjoint : numpy.ndarray
        The derivative of the output with respect to this node (summed with the output's cotangent), of
        the value's shape: the lecture's v-bar.
    tangent : numpy.ndarray or None
        The derivative of this node along the direction (the lecture's v-dot), or None without one.
    depth : int
        0 for inputs, else 1 + the largest depth of its parents.
    parents : tuple of int
        The ids of its parents, in the order of the primitive's arguments.

    See Also
    --------
    graph : Builds the graph.
    Graph : Holds the nodes.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> def L(w1, w2):
    ...     u = w2 * np.log(w1)
    ...     return u + np.sqrt(u)
    >>> G = zo.ad.graph(L, 2.0, 3.0, names=["w1", "w2"])
    >>> node = G.nodes[2]
    >>> node.primitive, node.parents, node.depth, round(float(node.value), 6)
    ('log', (0,), 1, 0.693147)
    """

    id: int
    primitive: str
    label: str
    value: np.ndarray
    adjoint: np.ndarray
    tangent: np.ndarray | None
    depth: int
    parents: tuple = field(default_factory=tuple)


@dataclass
class Graph:
    """The computation graph of one call: its nodes, edges, inputs and output.

    Parameters
    ----------
    nodes : list of GraphNode
        Topologically ordered, inputs first.
    edges : list of tuple of int
        ``(parent id, child id)`` pairs.
    inputs : list of int
        The ids of the inputs, in order.
    output : int
        The id of the output node.
    value : numpy.ndarray
        The output's value.

    See Also
    --------
    graph : Builds it.
    GraphNode : A node.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> def L(w1, w2):
    ...     u = w2 * np.log(w1)
    ...     return u + np.sqrt(u)
    >>> G = zo.ad.graph(L, 2.0, 3.0, names=["w1", "w2"])
    >>> G.inputs, G.output, G.edges[:3]
    ([0, 1], 5, [(0, 2), (1, 3), (2, 3)])
    """

    nodes: list
    edges: list
    inputs: list
    output: int
    value: np.ndarray

    def by_label(self, label):
        """The nodes with a given label.

        Parameters
        ----------
        label : str
            The label, for example an input's name or ``"sqrt"``.

        Returns
        -------
        list of GraphNode
            The nodes whose label is ``label``, in the graph's order.

        See Also
        --------
        GraphNode : What a node holds.

        Examples
        --------
        >>> import numpy as np, zeroopt as zo
        >>> def L(w1, w2):
        ...     u = w2 * np.log(w1)
        ...     return u + np.sqrt(u)
        >>> G = zo.ad.graph(L, 2.0, 3.0, names=["w1", "w2"])
        >>> [n.id for n in G.by_label("sqrt")], G.by_label("w2")[0].primitive
        ([4], 'input')
        """
        return [n for n in self.nodes if n.label == label]


def _constant_label(node):
    """The symbol of the primitive, with its one plain scalar operand if it has one ("* 2", "^ 0.5")."""
    sym = SYMBOLS.get(node.prim.name, node.prim.name)
    consts = [a for j, a in enumerate(node.args) if j not in node.argnums and type(a) is not Tracer
              and isinstance(a, (numbers.Number, np.ndarray)) and np.ndim(a) == 0]
    if len(node.args) == 2 and len(node.argnums) == 1 and consts:
        return f"{sym} {float(consts[0]):g}" if node.argnums[0] == 0 else f"{float(consts[0]):g} {sym}"
    return sym


def _input(x, i):
    if type(x) is Tracer:
        return x
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"inputs[{i}] must be a real array, got {type(x).__name__}: {exc}") from None


def _plain(v, shape):
    return np.zeros(shape) if v is None else np.array(np.broadcast_to(raw(v), shape), dtype=np.float64)


def graph(fun, *inputs, args=(), names=None, direction=None, cotangent=None):
    """The computation graph of ``fun(*inputs, *args)``: every node's value, adjoint and tangent.

    Each of ``inputs`` (a scalar or an array) is a separate traced input node, so for
    ``L(w1, w2) = w2 log w1 + sqrt(w2 log w1)`` the leaves are w1 and w2. One reverse pass from the output
    gives each node's adjoint, d output / d node (the lecture's v-bar); with ``direction`` (one tangent
    per input, of its shape) one forward sweep over the same nodes gives each node's tangent, the
    lecture's v-dot: the directional derivative along the direction.

    Parameters
    ----------
    fun : callable
        ``fun(*inputs, *args)`` written in numpy, returning one array (a scalar unless ``cotangent``).
    *inputs : float or array_like
        The differentiated inputs, each a node of the graph.
    args : tuple, optional
        Constants passed after the inputs (not nodes).
    names : sequence of str, optional
        Labels of the inputs (default "x0", "x1", ...).
    direction : sequence of array_like, optional
        One tangent per input: adds forward tangents to every node.
    cotangent : array_like, optional
        The output's cotangent (default 1 for a scalar output; required otherwise).

    Returns
    -------
    Graph
        ``nodes`` (id, primitive, label, value, adjoint, tangent, depth, parents), ``edges`` (parent id,
        child id), ``inputs`` (ids), ``output`` (id) and ``value``. The output node is an input node if
        ``fun`` returns an input unchanged.

    Raises
    ------
    ValueError
        If ``names`` or ``direction`` does not have one entry per input, a tangent's shape differs from
        its input's, or the output is not a scalar and no cotangent is given.
    TypeError
        If the output does not depend on the inputs through traced operations.

    See Also
    --------
    Graph : What it returns.
    zeroopt.vjp : Reverse mode, the adjoints at the inputs.
    zeroopt.jvp : Forward mode, the tangent at the output.

    Examples
    --------
    >>> import numpy as np, zeroopt as zo
    >>> def L(w1, w2):
    ...     u = w2 * np.log(w1)
    ...     return u + np.sqrt(u)
    >>> G = zo.ad.graph(L, 2.0, 3.0, names=["w1", "w2"], direction=[1.0, 0.0])
    >>> [n.label for n in G.nodes]
    ['w1', 'w2', 'log', '*', 'sqrt', '+']
    >>> dL_dw1 = float(G.nodes[0].adjoint)              # reverse mode
    >>> dL_dw1 == float(G.nodes[G.output].tangent)       # forward mode
    True
    """
    if not inputs:
        raise ValueError("graph needs at least one input")
    names = [f"x{i}" for i in range(len(inputs))] if names is None else list(names)
    if len(names) != len(inputs):
        raise ValueError(f"names has {len(names)} entries for {len(inputs)} inputs")
    values = [_input(x, i) for i, x in enumerate(inputs)]
    tape = make_vjp(fun, tuple(values) + tuple(args), range(len(values)), release=False)
    if not tape.traced:
        raise TypeError("graph: the output does not depend on the inputs through traced numpy operations")
    out, leaves = tape.out, tape.leaves
    yshape = shape_of(out)
    if cotangent is None:
        if yshape != ():
            raise ValueError(f"the output has shape {yshape}: pass its cotangent (e.g. np.ones({yshape}))")
        cotangent = np.float64(1.0)
    order = tape.nodes()
    adjoints = dict.fromkeys(order)
    tape.vjp(np.asarray(cotangent, dtype=np.float64), keep=adjoints)
    ids = {node: i for i, node in enumerate(order)}
    node_values = {leaf: v for leaf, v in zip(leaves, values)}
    nodes, edges = [], []
    for i, node in enumerate(order):
        value = node_values[node] if node.prim is None else raw(node.ans)
        parents = tuple(ids[p] for p in node.parents)
        depth = 0 if not parents else 1 + max(nodes[p].depth for p in parents)
        label = names[i] if node.prim is None else _constant_label(node)
        nodes.append(GraphNode(i, "input" if node.prim is None else node.prim.name, label,
                               np.asarray(value, dtype=np.float64), _plain(adjoints.get(node), np.shape(value)),
                               None, depth, parents))
        edges.extend((p, i) for p in parents)
    if direction is not None:
        _tangents(order, nodes, direction, values)
    return Graph(nodes, edges, list(range(len(leaves))), ids[out._node], np.asarray(raw(out), dtype=np.float64))


def _tangents(order, nodes, direction, values):
    """Forward sweep: each node's tangent from its parents' by the primitives' JVP rules."""
    direction = list(direction)
    if len(direction) != len(values):
        raise ValueError(f"direction has {len(direction)} tangents for {len(values)} inputs")
    for i, (node, gn) in enumerate(zip(order, nodes)):
        if node.prim is None:
            t = np.asarray(direction[i], dtype=np.float64)
            if t.shape != np.shape(values[i]):
                raise ValueError(f"direction[{i}] has shape {t.shape}, its input has {np.shape(values[i])}")
            gn.tangent = t
            continue
        total = 0.0
        for argnum, p in zip(node.argnums, gn.parents):
            total = total + node.prim.jvps[argnum](nodes[p].tangent, node.ans, *node.args, **(node.kwargs or {}))
        gn.tangent = _plain(total, np.shape(gn.value))
