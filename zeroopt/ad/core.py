"""The AD core: primitives, the tape, the backward pass and forward tangents.

A :class:`~zeroopt.ad.tracer.Tracer` stands in for an array inside an ordinary numpy function. Every
differentiable numpy operation on it is a :class:`Primitive`; applying one records a node:

* in a reverse trace a :class:`VJPNode` (the primitive, its inputs and output, and which inputs were
  traced) - the tape, read backwards by :func:`backward`, which calls each primitive's VJP rule;
* in a forward trace a :class:`JVPNode` holding the tangent, pushed forward by the JVP rules at once.

Traces nest (each differentiation opens a new one, with a higher level), and the rules are written in
traced numpy operations, so differentiating a derivative (Hessians: forward-over-reverse) records the
rules themselves. :func:`apply` unboxes only the highest-level tracers among a primitive's inputs and
recurses, so the raw numpy function is always called on plain values.

Every differentiated call goes through one entry point: :func:`make_vjp` (reverse: open a trace, make
the leaves, run, return the :class:`Tape`, whose ``vjp`` runs the backward pass) or :func:`make_jvp`
(forward). The rules live in the family modules (elementwise, reductions, shapes, contractions, linalg).
This module holds only the three structural primitives the machinery itself needs - ``broadcast_to`` (a
forward tangent takes the shape of its value), ``sum`` and ``reshape`` (undoing a broadcast).
"""

from __future__ import annotations

import itertools
import numbers

from .numpy_names import np
from .tracer import Tracer, TracerConversionError, decide, nondiff, primal, raw  # noqa: F401 (the rules' names)

_levels = itertools.count(1)


class Trace:
    """One differentiation: its nesting ``level``, ``mode`` ("rev" or "fwd"; "rec" for the compiler's
    recording, zeroopt.ad.compiler, which records every operation and differentiates none) and whether
    the tape may drop large values that no rule reads (``release``; off when the whole graph is exported)."""

    __slots__ = ("level", "mode", "release")

    def __init__(self, mode, release=True):
        self.level, self.mode, self.release = next(_levels), mode, release


class VJPNode:
    """A tape entry: ``ans = prim(*args, **kwargs)`` with the inputs at ``argnums`` traced (their nodes
    are ``parents``). A leaf (the differentiated input) has ``prim = None`` and no parents."""

    __slots__ = ("prim", "ans", "args", "kwargs", "argnums", "parents")

    def __init__(self, prim, ans, args, kwargs, argnums, parents):
        self.prim, self.ans, self.args, self.kwargs, self.argnums, self.parents = prim, ans, args, kwargs, argnums, parents


_LEAF_ARGS = ()


def leaf_node():
    return VJPNode(None, None, _LEAF_ARGS, None, (), ())


class JVPNode:
    """A forward-mode value's tangent (same shape as the value)."""

    __slots__ = ("tangent",)

    def __init__(self, tangent):
        self.tangent = tangent


class Shaped:
    """Stands on the tape for a large value that no VJP rule of its node reads: only its shape is kept,
    so the array itself can be freed during the forward pass (as autograd's closures do)."""

    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape

    @property
    def ndim(self):
        return len(self.shape)


#: values smaller than this many bytes stay on the tape whatever the rules need (keeping them is free)
FREE_BELOW_BYTES = 1 << 16


class Primitive:
    """A differentiable operation: ``raw`` (the numpy function, called on plain values only), one VJP
    rule per argument position ``vjp(g, ans, *args, **kwargs)`` and one JVP rule per position
    ``jvp(t, ans, *args, **kwargs)``, each written in traced operations.

    ``needs`` (optional) declares what each VJP rule reads: ``{argnum: positions}`` where positions are
    argument indices and/or "ans". Large values that none of the traced arguments' rules read are
    replaced on the tape by their shape (:class:`Shaped`). None means every rule may read everything.

    ``vjp_all`` (optional) replaces the per-position VJP rules in the backward pass:
    ``vjp_all(argnums, g, ans, *args, **kwargs)`` returns the cotangents of all traced positions at once
    (a checkpointed function recomputes its inside once for all of them).
    """

    __slots__ = ("name", "raw", "vjps", "jvps", "needs", "vjp_all")

    def __init__(self, name, raw, needs=None):  # noqa: F811 (the module re-exports the function raw)
        self.name, self.raw, self.needs, self.vjp_all = name, raw, needs, None
        self.vjps, self.jvps = {}, {}

    def __call__(self, *args, **kwargs):
        return apply(self, args, kwargs)

    def __repr__(self):
        return f"<primitive {self.name}>"


class Variadic(dict):
    """The rules of a variadic primitive: for every argument position i >= ``first``, ``rule(i, ...)``."""

    def __init__(self, rule, first=1):
        super().__init__()
        self.rule = rule
        self.first = first

    def __bool__(self):
        return True

    def __contains__(self, i):
        return i >= self.first

    def get(self, i, default=None):
        return (lambda *args, **kwargs: self.rule(i, *args, **kwargs)) if i >= self.first else default

    def __getitem__(self, i):
        return self.get(i)


def no_rule(prim, argnum, kind):
    return TypeError(f"zeroopt.ad: {prim.name} has no {kind} rule for its argument {argnum}; "
                     f"it cannot be differentiated with respect to that argument. To add one, set "
                     f"{prim.name}_p.{kind.lower()}s[{argnum}] in the module that defines the primitive.")


def apply(prim, args, kwargs):
    """Apply ``prim`` to ``args``, recording it on the trace of the highest-level traced input."""
    top = None
    argnums = []
    for i, a in enumerate(args):
        if type(a) is Tracer:
            level = a._trace.level
            if top is None or level > top.level:
                top = a._trace
                argnums = [i]
            elif level == top.level:
                argnums.append(i)
    if top is None:
        return prim.raw(*args, **kwargs)
    unboxed = list(args)
    for i in argnums:
        unboxed[i] = args[i]._value
    ans = apply(prim, unboxed, kwargs)
    if top.mode == "rev":
        for i in argnums:
            if i not in prim.vjps:
                raise no_rule(prim, i, "VJP")
        stored, kept_ans = unboxed, ans
        if prim.needs is not None and top.release:
            stored, kept_ans = _release(prim.needs, argnums, unboxed, ans)
        node = VJPNode(prim, kept_ans, stored, kwargs, argnums, [args[i]._node for i in argnums])
    elif top.mode == "rec":
        node = VJPNode(prim, ans, unboxed, kwargs, argnums, [args[i]._node for i in argnums])
    else:
        tangent = None
        for i in argnums:
            rule = prim.jvps.get(i)
            if rule is None:
                raise no_rule(prim, i, "JVP")
            t = rule(args[i]._node.tangent, ans, *unboxed, **kwargs)
            tangent = t if tangent is None else tangent + t
        if shape_of(tangent) != shape_of(ans):
            tangent = broadcast_to(tangent, shape_of(ans))
        node = JVPNode(tangent)
    return Tracer(ans, node, top)


def _large(v):
    return getattr(v, "nbytes", 0) >= FREE_BELOW_BYTES or (type(v) is Tracer and getattr(primal(v), "nbytes", 0) >= FREE_BELOW_BYTES)


def _release(needs, argnums, args, ans):
    """The tape's copy of (args, ans): large values that no traced argument's rule reads become Shaped."""
    wanted = set()
    for i in argnums:
        wanted.update(needs[i])
    stored = list(args)
    for j, a in enumerate(args):
        if j not in wanted and _large(a):
            stored[j] = Shaped(shape_of(a))
    if "ans" not in wanted and _large(ans):
        ans = Shaped(shape_of(ans))
    return stored, ans


def toposort(end):
    """The nodes reachable from ``end``, each after every node that consumes it (iterative)."""
    child_counts = {}
    stack = [end]
    while stack:
        node = stack.pop()
        if node in child_counts:
            child_counts[node] += 1
        else:
            child_counts[node] = 1
            stack.extend(node.parents)
    childless = [end]
    while childless:
        node = childless.pop()
        yield node
        for parent in node.parents:
            if child_counts[parent] == 1:
                childless.append(parent)
            else:
                child_counts[parent] -= 1


def backward(end, g, start, keep=None):
    """Propagate the cotangent ``g`` of the output node ``end`` back to the leaf ``start``.

    Returns the cotangent of ``start`` (None if ``end`` does not depend on it). With a dict ``keep``,
    the whole tape is swept and the cotangent of each node that is a key of ``keep`` is stored in it
    (None where it is zero); the others are dropped as soon as they are used."""
    cotangents = {end: g}
    for node in toposort(end):
        g = cotangents.pop(node, None)
        if keep is not None:
            if node in keep:
                keep[node] = g
        elif node is start:
            return g
        if g is None or not node.parents:
            continue
        prim, ans, args, kwargs = node.prim, node.ans, node.args, node.kwargs
        if prim.vjp_all is None:
            for i, parent in zip(node.argnums, node.parents):
                contribution = prim.vjps[i](g, ans, *args, **kwargs)
                old = cotangents.get(parent)
                cotangents[parent] = contribution if old is None else old + contribution
        else:
            for parent, contribution in zip(node.parents, prim.vjp_all(node.argnums, g, ans, *args, **kwargs)):
                old = cotangents.get(parent)
                cotangents[parent] = contribution if old is None else old + contribution
    return None


#: numpy's acceptance of lists holding traced values during a call (zeroopt.ad.arraylike sets it)
LIST_SUPPORT = None
#: the attribute that marks a function as giving numpy lists of traced values (zeroopt.ad.accept_lists)
ACCEPTS_LISTS = "__zeroopt_accepts_lists__"


def call(fun, args):
    """``fun(*args)``; for a function that builds lists (or is marked by :func:`zeroopt.ad.accept_lists`),
    numpy accepts lists of traced values in this thread for the whole call. numpy turns our
    TracerConversionError raised while it writes a traced value into an array (``out[i] = x``) into
    "ValueError: setting an array element with a sequence": ours is re-raised."""
    lists = getattr(fun, ACCEPTS_LISTS, None)
    if lists is None:
        lists = LIST_SUPPORT.wanted(fun)
    if lists:
        LIST_SUPPORT.enter()
    try:
        out = fun(*args)
    except ValueError as exc:
        if isinstance(exc.__cause__, TracerConversionError):
            raise exc.__cause__.with_traceback(exc.__traceback__) from None
        raise
    finally:
        if lists:
            LIST_SUPPORT.leave()
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(f"{getattr(fun, '__name__', 'fun')} must return one array or scalar, got a {type(out).__name__}")
    return out


class Tape:
    """The recording of one call (:func:`make_vjp`): ``out`` (what fun returned), ``traced`` (whether it
    depends on the traced arguments), ``value`` (its value), ``leaves`` (one node per traced argument),
    ``nodes()`` (the leaves, then each recorded node after its parents: what a compiler reads) and
    ``vjp(g)`` (one backward pass)."""

    __slots__ = ("trace", "leaves", "out", "traced", "value")

    def __init__(self, trace, leaves, out):
        self.trace, self.leaves, self.out = trace, leaves, out
        self.traced = type(out) is Tracer and out._trace is trace
        self.value = out._value if self.traced else out

    def vjp(self, g, keep=None):
        """The traced arguments' cotangents (None where zero) for the output's cotangent ``g``; with a
        dict ``keep``, also those of the nodes that are its keys (see :func:`backward`)."""
        if not self.traced:
            return [None] * len(self.leaves)
        if keep is None and len(self.leaves) == 1:
            return [backward(self.out._node, g, self.leaves[0])]
        found = dict.fromkeys(self.leaves) if keep is None else keep
        found.update((leaf, None) for leaf in self.leaves if leaf not in found)
        backward(self.out._node, g, None, keep=found)
        return [found[leaf] for leaf in self.leaves]

    def nodes(self):
        inner = [n for n in reversed(list(toposort(self.out._node))) if n.prim is not None] if self.traced else []
        return list(self.leaves) + inner


def make_vjp(fun, args, positions=(0,), release=True):
    """The :class:`Tape` of ``fun(*args)`` with the arguments at ``positions`` traced in a new reverse
    trace (``release=False`` keeps every value on it, to export the graph)."""
    trace = Trace("rev", release)
    traced, leaves = list(args), []
    for i in positions:
        leaf = VJPNode(None, None, _LEAF_ARGS, None, (), ())
        leaves.append(leaf)
        traced[i] = Tracer(args[i], leaf, trace)
    return Tape(trace, leaves, call(fun, traced))


def make_jvp(fun, args, positions, tangents):
    """``(value, tangent)`` of ``fun(*args)``, the arguments at ``positions`` carrying ``tangents`` in a new
    forward trace (tangent None: the output does not depend on them)."""
    trace = Trace("fwd")
    traced = list(args)
    for i, t in zip(positions, tangents):
        traced[i] = Tracer(args[i], JVPNode(t), trace)
    out = call(fun, traced)
    return (out._value, out._node.tangent) if type(out) is Tracer and out._trace is trace else (out, None)


def transpose(linear_fun, shape, w):
    """The transpose of the linear map ``linear_fun`` (of arrays of ``shape``) at ``w``: the gradient of
    <linear_fun(z), w> in z (a JVP rule from a VJP rule and back)."""
    g = make_vjp(lambda z: sum_p(linear_fun(z) * w), (np.zeros(shape),)).vjp(np.float64(1.0))[0]
    return np.zeros(shape) if g is None else g


def shape_of(x):
    # read .shape directly: np.shape may be zeroopt.ad.arraylike's (slower) wrapper while it is active
    return x.shape if type(x) is Tracer or type(x) is Shaped or type(x) is np.ndarray else np.shape(x)


def ndim_of(x):
    return len(shape_of(x))


# ---------------------------------------------------------------------------------------------------
# the structural primitives (all linear: each is its own JVP)
def linear(p):
    """Give a primitive that is linear in its argument 0 the JVP t -> p(t, ...)."""
    p.jvps[0] = lambda t, ans, x, *args, **kwargs: p(t, *args, **kwargs)
    return p


def axes_of(axis, ndim):
    """``axis`` (None, an int or a tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    return tuple(sorted(int(a) % ndim for a in axis)) if ndim else ()


def expand_reduced(g, xshape, axis, keepdims):
    """Reshape a reduction's cotangent so that it broadcasts against the input shape."""
    if keepdims or axis is None:
        return g
    axes = axes_of(axis, len(xshape))
    return reshape_p(g, tuple(1 if i in axes else s for i, s in enumerate(xshape)))


def unbroadcast(g, shape):
    """Sum ``g`` down to ``shape``: the adjoint of broadcasting an array of ``shape`` to g's shape."""
    gshape = shape_of(g)
    if gshape == tuple(shape):
        return g
    lead = len(gshape) - len(shape)
    if lead > 0:
        g = sum_p(g, axis=tuple(range(lead)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if axes:
        g = sum_p(g, axis=axes, keepdims=True)
    return g


def _sum_raw(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


reshape_p = linear(Primitive("reshape", np.reshape, needs={0: (1,)}))
reshape_p.vjps[0] = lambda g, ans, x, shape: reshape_p(g, shape_of(x))

broadcast_to_p = linear(Primitive("broadcast_to", np.broadcast_to, needs={0: (1,)}))
broadcast_to_p.vjps[0] = lambda g, ans, x, shape: unbroadcast(g, shape_of(x))

sum_p = linear(Primitive("sum", _sum_raw, needs={0: ()}))
sum_p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: broadcast_to_p(
    expand_reduced(g, shape_of(x), axis, keepdims), shape_of(x))


def broadcast_to(x, shape):
    return broadcast_to_p(x, tuple(shape))
