"""The AD core: the traced array, primitives, the tape, the backward pass and forward tangents.

A :class:`Tracer` stands in for an array inside an ordinary numpy function. Every differentiable numpy
operation on it is a :class:`Primitive`; applying one records a node:

* in a reverse trace a :class:`VJPNode` (the primitive, its inputs and output, and which inputs were
  traced) - the tape, read backwards by :func:`backward`, which calls each primitive's VJP rule;
* in a forward trace a :class:`JVPNode` holding the tangent, pushed forward by the JVP rules at once.

Traces nest (each differentiation opens a new one, with a higher level), and the rules are written in
traced numpy operations, so differentiating a derivative (Hessians: forward-over-reverse) records the
rules themselves. :func:`apply` unboxes only the highest-level tracers among a primitive's inputs and
recurses, so the raw numpy function is always called on plain values.

The table of rules lives in :mod:`zeroopt.ad.rules`; this module knows nothing about any one primitive.
"""

from __future__ import annotations

import itertools

import numpy as np

_levels = itertools.count(1)


class Trace:
    """One differentiation: its nesting ``level`` and ``mode`` ("rev" or "fwd")."""

    __slots__ = ("level", "mode")

    def __init__(self, mode):
        self.level = next(_levels)
        self.mode = mode


class VJPNode:
    """A tape entry: ``ans = prim(*args, **kwargs)`` with the inputs at ``argnums`` traced (their nodes
    are ``parents``). A leaf (the differentiated input) has ``prim = None`` and no parents."""

    __slots__ = ("prim", "ans", "args", "kwargs", "argnums", "parents")

    def __init__(self, prim, ans, args, kwargs, argnums, parents):
        self.prim = prim
        self.ans = ans
        self.args = args
        self.kwargs = kwargs
        self.argnums = argnums
        self.parents = parents


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
    """

    __slots__ = ("name", "raw", "vjps", "jvps", "needs")

    def __init__(self, name, raw, needs=None):
        self.name = name
        self.raw = raw
        self.vjps = {}
        self.jvps = {}
        self.needs = needs

    def __call__(self, *args, **kwargs):
        return apply(self, args, kwargs)

    def __repr__(self):
        return f"<primitive {self.name}>"


def no_rule(prim, argnum, kind):
    return TypeError(f"zeroopt.ad: {prim.name} has no {kind} rule for its argument {argnum}; "
                     f"it cannot be differentiated with respect to that argument")


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
        if prim.needs is not None:
            stored, kept_ans = _release(prim.needs, argnums, unboxed, ans)
        node = VJPNode(prim, kept_ans, stored, kwargs, argnums, [args[i]._node for i in argnums])
    else:
        tangent = None
        for i in argnums:
            rule = prim.jvps.get(i)
            if rule is None:
                raise no_rule(prim, i, "JVP")
            t = rule(args[i]._node.tangent, ans, *unboxed, **kwargs)
            tangent = t if tangent is None else tangent + t
        from .rules import broadcast_to, shape_of
        if shape_of(tangent) != shape_of(ans):
            tangent = broadcast_to(tangent, shape_of(ans))
        node = JVPNode(tangent)
    return Tracer(ans, node, top)


def _large(v):
    return getattr(v, "nbytes", 0) >= FREE_BELOW_BYTES or (type(v) is Tracer and getattr(raw(v), "nbytes", 0) >= FREE_BELOW_BYTES)


def _shape(v):
    return v.shape if type(v) is Tracer else np.shape(v)


def _release(needs, argnums, args, ans):
    """The tape's copy of (args, ans): large values that no traced argument's rule reads become Shaped."""
    wanted = set()
    for i in argnums:
        wanted.update(needs[i])
    stored = list(args)
    for j, a in enumerate(args):
        if j not in wanted and _large(a):
            stored[j] = Shaped(_shape(a))
    if "ans" not in wanted and _large(ans):
        ans = Shaped(_shape(ans))
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


def backward(end, g, start):
    """Propagate the cotangent ``g`` of the output node ``end`` back to the leaf ``start``.

    Returns the cotangent of ``start`` (None if ``end`` does not depend on it)."""
    cotangents = {end: g}
    for node in toposort(end):
        g = cotangents.pop(node, None)
        if node is start:
            return g
        if g is None:
            continue
        prim, ans, args, kwargs = node.prim, node.ans, node.args, node.kwargs
        for i, parent in zip(node.argnums, node.parents):
            contribution = prim.vjps[i](g, ans, *args, **kwargs)
            old = cotangents.get(parent)
            cotangents[parent] = contribution if old is None else old + contribution
    return None


def raw(x):
    """``x`` with every level of tracing removed (for values that are not differentiated: signs,
    masks, shapes)."""
    while type(x) is Tracer:
        x = x._value
    return x


_SUGGEST = ("Build arrays from traced values with functional numpy instead: np.where(mask, a, b), "
            "np.concatenate / np.stack, arithmetic on whole arrays.")


class TracerConversionError(TypeError):
    """A traced value was converted to a plain number or array (its derivative would be lost).

    A subclass of TypeError because numpy replaces a plain TypeError raised while it writes a value into
    an array (``out[i] = x``) by its own, less helpful, ValueError.
    """


class Tracer:
    """A traced array: records the numpy operations applied to it.

    Behaves like the ndarray it wraps for differentiable operations (arithmetic, ufuncs, reductions,
    ``@``, indexing, shape methods, ``np.linalg``); comparisons return plain boolean arrays, so
    data-dependent control flow works. Converting it to a plain number or array (``float(x)``,
    ``out[i] = x``, ``np.asarray(x)``) raises a TypeError: the derivative would be lost silently.
    """

    __slots__ = ("_value", "_node", "_trace")
    __array_priority__ = 1000.0

    def __init__(self, value, node, trace):
        self._value = value
        self._node = node
        self._trace = trace

    # --- numpy protocols -------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from . import rules
        return rules.dispatch_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from . import rules
        return rules.dispatch_function(func, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        raise TracerConversionError("zeroopt.ad: a traced value cannot become a plain numpy array (this happens when it "
                        "is written into an array, e.g. out[i] = x[i] * 2, or passed to np.asarray/np.array); "
                        "the derivative would be lost. " + _SUGGEST)

    def _no_scalar(self, what):
        raise TracerConversionError(
            f"zeroopt.ad: {what}() of a traced value would drop its derivative (this also happens when it is "
            f"written into an array, e.g. out[i] = x[i] * 2). Keep it an array (x[0] instead of float(x[0])); "
            f"for branching, compare it (x[0] > 0 gives a plain bool). " + _SUGGEST)

    def __float__(self):
        self._no_scalar("float")

    def __int__(self):
        self._no_scalar("int")

    def __index__(self):
        self._no_scalar("index")

    def __complex__(self):
        self._no_scalar("complex")

    def __bool__(self):
        self._no_scalar("bool")

    def item(self, *args):
        self._no_scalar("item")

    def tolist(self):
        self._no_scalar("tolist")

    def __setitem__(self, key, value):
        raise TypeError("zeroopt.ad: traced arrays are immutable (x[i] = ... is not differentiable in place). "
                        + _SUGGEST)

    def __hash__(self):
        return id(self)

    # --- array attributes ------------------------------------------------------------------------
    @property
    def shape(self):
        return np.shape(self._value)

    @property
    def ndim(self):
        return np.ndim(self._value)

    @property
    def size(self):
        return np.size(self._value)

    @property
    def dtype(self):
        return raw(self._value).dtype if hasattr(raw(self._value), "dtype") else np.dtype(float)

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return f"Tracer({raw(self._value)!r}, level={self._trace.level}, mode={self._trace.mode})"

    # operators and methods are attached by zeroopt.ad.rules (they call the primitives directly)
