"""Templates of the reductions, scans and contractions (zeroopt.ad.reductions, scans, contractions).

A reduction is a loop nest over its input that updates the reduced entry (a local number for a full
reduction); a full sum of an elementwise value is instead accumulated inside that value's own loop
(zeroopt.ad.compiler.schedule). Sums are sequential, numpy's are pairwise: both are within the
rounding bound of a sum (docs/math/ad_rules.md). ``matmul`` of vectors and matrices is numba's
``np.dot`` (BLAS); ``einsum`` (numba has none) is a loop nest over its letters.
"""

from __future__ import annotations

from ..contractions import ediag_p, einsum_p, eundiag_p, matmul_p
from ..core import axes_of, sum_p
from ..norms import norm2_p
from ..numpy_names import np
from ..reductions import extreme_weights, max_p, min_p, prod_p
from ..scans import cumprod_p, cumsum_p
from .emit import Unsupported, literal


def _out_index(xshape, axes, oshape, names):
    """The index of the reduced value (shape ``oshape``, keepdims or not) at the input's loop indices."""
    if len(oshape) == len(xshape):
        return ", ".join("0" if d in axes else names[d] for d in range(len(xshape)))
    return ", ".join(names[d] for d in range(len(xshape)) if d not in axes)


def _reduce(em, node, init, update, finish="{}"):
    x = em.inputs(node)[0]
    axis = node.kwargs.get("axis")
    if not x.shape:
        em.define(node, em.scalar(x))
        return
    axes = axes_of(axis, len(x.shape))
    oshape = tuple(np.shape(node.ans))
    dt = em.out(node)
    if not oshape:
        acc = em.fresh("a")
        em.line(f"{acc} = {init}")
        with em.loops(x.shape) as names:
            update(acc, em.at(x, x.shape, names))
        value = finish.format(acc)
        em.define(node, f"{dt}({value})" if dt != "np.float64" else value)
        return
    name = em.define(node, f"np.full({oshape}, {init}, {dt})")
    with em.loops(x.shape) as names:
        update(f"{name}[{_out_index(x.shape, axes, oshape, names)}]", em.at(x, x.shape, names))
    if finish != "{}":
        with em.loops(oshape, "r") as names:
            cell = f"{name}[{', '.join(names)}]"
            em.line(f"{cell} = {finish.format(cell)}")


def _sum(em, node):
    _reduce(em, node, "0.0", lambda acc, v: em.line(f"{acc} += {v}"))


def _prod(em, node):
    _reduce(em, node, "1.0", lambda acc, v: em.line(f"{acc} *= {v}"))


def _norm2(em, node):
    _reduce(em, node, "0.0", lambda acc, v: em.line(f"{acc} += {v} * {v}"), "np.sqrt({})")


def _extreme(op):
    def template(em, node):
        def update(acc, v):
            with em.block(f"if {v} {op} {acc} or np.isnan({v}):"):
                em.line(f"{acc} = {v}")
        _reduce(em, node, "-np.inf" if op == ">" else "np.inf", update)
    return template


def _weights(em, node):
    """extreme_weights: 1/(number of ties) where x equals its max (min) along the axes, 0 elsewhere."""
    x, ans = em.inputs(node)[:2]
    static = node.prim.static
    axes = axes_of(static["axis"], len(x.shape))
    kshape = tuple(1 if d in axes else s for d, s in enumerate(x.shape))
    count = em.fresh("n")
    em.line(f"{count} = np.zeros({kshape}, np.float64)")

    def at_ans(names):
        if not ans.shape:
            return em.scalar(ans)
        return f"{em.array(ans)}[{_out_index(x.shape, axes, ans.shape, names)}]"

    with em.loops(x.shape) as names:
        with em.block(f"if {em.at(x, x.shape, names)} == {at_ans(names)}:"):
            em.line(f"{count}[{_out_index(x.shape, axes, kshape, names)}] += 1.0")
    name = em.define(node, f"np.empty({x.shape}, np.float64)")
    with em.loops(x.shape) as names:
        em.line(f"{name}[{', '.join(names)}] = (1.0 if {em.at(x, x.shape, names)} == {at_ans(names)} else 0.0) / "
                f"{count}[{_out_index(x.shape, axes, kshape, names)}]")


def _cumsum(em, node, op="+"):
    x, axis = em.inputs(node)[0], node.args[1]
    shape = x.shape
    name = em.define(node, f"np.empty({shape}, {em.out(node)})")
    names = [f"i{d}" for d in range(len(shape))]
    outer = [d for d in range(len(shape)) if d != axis]
    for d in outer:
        em.line(f"for {names[d]} in range({shape[d]}):")
        em.depth += 1
    acc = em.fresh("a")
    em.line(f"{acc} = {'0.0' if op == '+' else '1.0'}")
    with em.block(f"for {names[axis]} in range({shape[axis]}):"):
        em.line(f"{acc} {op}= {em.at(x, shape, names)}")
        em.line(f"{name}[{', '.join(names)}] = {acc}")
    em.depth -= len(outer)


def _matmul(em, node):
    a, b = em.inputs(node)
    na, nb = len(a.shape), len(b.shape)
    if not (1 <= na <= 2 and 1 <= nb <= 2):
        return _einsum_loops(em, node, _matmul_spec(na, nb), [a, b])
    dt = em.out(node)
    ca, cb = em.contiguous(a, fortran_ok=True), em.contiguous(b, fortran_ok=True)
    if a.dtype != np.dtype(dt[3:]):
        ca = f"{ca}.astype({dt})"
    if b.dtype != np.dtype(dt[3:]):
        cb = f"{cb}.astype({dt})"
    em.define(node, f"np.dot({ca}, {cb})")


def _matmul_spec(na, nb):
    """matmul of a (na-d) and b (nb-d), numpy's broadcasting of the leading axes, as an einsum."""
    if na == 0 or nb == 0:
        raise Unsupported("matmul of a 0-d value")
    batch = "ABCDEFGH"[: max(na, nb) - 2] if max(na, nb) > 2 else ""
    sa = (batch[len(batch) - (na - 2):] if na > 2 else "") + ("ik" if na >= 2 else "k")
    sb = (batch[len(batch) - (nb - 2):] if nb > 2 else "") + ("kj" if nb >= 2 else "k")
    out = batch + ("i" if na >= 2 else "") + ("j" if nb >= 2 else "")
    return f"{sa},{sb}->{out}"


def _einsum(em, node):
    _einsum_loops(em, node, node.args[0], em.inputs(node)[1:])


def _einsum_loops(em, node, spec, ops):
    ins, out = spec.replace(" ", "").split("->")
    ins = ins.split(",")
    size = {}
    for s, o in zip(ins, ops):
        if len(s) != len(o.shape):
            raise Unsupported(f"einsum {spec!r} on shapes {[op.shape for op in ops]}")
        for c, n in zip(s, o.shape):
            size[c] = max(size.get(c, 1), n)
    inner = [c for c in dict.fromkeys("".join(ins)) if c not in out]
    names = {c: f"j{c}" for c in size}

    def index(s, o):
        return ", ".join(names[c] if n != 1 else "0" for c, n in zip(s, o.shape))

    oshape = tuple(size[c] for c in out)
    dt = em.out(node)
    result = em.define(node, None if not oshape else f"np.empty({oshape}, {dt})")
    for c in out:
        em.line(f"for {names[c]} in range({size[c]}):")
        em.depth += 1
    acc = em.fresh("a")
    em.line(f"{acc} = 0.0")
    for c in inner:
        em.line(f"for {names[c]} in range({size[c]}):")
        em.depth += 1
    terms = [f"{em.array(o)}[{index(s, o)}]" if o.shape else em.scalar(o) for s, o in zip(ins, ops)]
    em.line(f"{acc} += {' * '.join(terms)}")
    em.depth -= len(inner)
    if oshape:
        em.line(f"{result}[{', '.join(names[c] for c in out)}] = {acc}")
        em.depth -= len(out)
    else:
        em.line(f"{result} = {acc if dt == 'np.float64' else f'{dt}({acc})'}")


def _ediag(em, node):
    """einsum_diagonal "iij->ij": the entries whose repeated letters agree."""
    x, spec = em.inputs(node)[0], node.args[1]
    ins, out = spec.split("->")
    oshape = tuple(np.shape(node.ans))
    name = em.define(node, f"np.empty({oshape}, {em.out(node)})")
    with em.loops(oshape) as names:
        at = {c: names[k] for k, c in enumerate(out)}
        em.line(f"{name}[{', '.join(names)}] = {em.array(x)}[{', '.join(at[c] for c in ins)}]")


def _eundiag(em, node):
    g, spec, shape = em.inputs(node)[0], node.args[1], tuple(node.args[2])
    ins, out = spec.split("->")
    name = em.define(node, f"np.zeros({shape}, {em.out(node)})")
    with em.loops(g.shape) as names:
        at = {c: names[k] for k, c in enumerate(out)}
        em.line(f"{name}[{', '.join(at[c] for c in ins)}] = {em.at(g, g.shape, names)}")


def is_full_sum(node):
    """A sum of every entry into a number: accumulated in its input's loop (schedule.py)."""
    if node.prim is not sum_p or node.kwargs.get("keepdims", False):
        return False
    return np.ndim(node.ans) == 0 and np.ndim(node.args[0]) > 0


TEMPLATES = {sum_p: _sum, prod_p: _prod, max_p: _extreme(">"), min_p: _extreme("<"), norm2_p: _norm2,
             cumsum_p: _cumsum, cumprod_p: lambda em, node: _cumsum(em, node, "*"), matmul_p: _matmul,
             einsum_p: _einsum, ediag_p: _ediag, eundiag_p: _eundiag}
#: non-elementwise functions without derivative (zeroopt.ad.tracer.nondiff)
NONDIFF = {extreme_weights: _weights}
__all__ = ["TEMPLATES", "NONDIFF", "is_full_sum", "literal"]
