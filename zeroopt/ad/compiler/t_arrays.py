"""Templates of the shape, indexing and joining rules (zeroopt.ad.shapes, indexing, joining).

Basic indexing (integers, slices, None, Ellipsis) is numba's own view; any other index is a gather at
flat positions computed once, when the program is compiled (the index is a constant of the recording),
and its adjoint a scatter-add at the same positions (``np.add.at``: repeated positions accumulate).
"""

from __future__ import annotations

import numbers

from ..core import reshape_p
from ..indexing import diagonal_p, embed_p, getitem_p, scatter_p
from ..joining import concat_p
from ..numpy_names import np
from ..shapes import transpose_p
from .emit import Const, Unsupported, Var


def _basic(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral)) for i in items)


def _index_code(idx):
    def one(i):
        if i is None:
            return "None"
        if i is Ellipsis:
            return "..."
        if isinstance(i, slice):
            parts = ["" if v is None else str(int(v)) for v in (i.start, i.stop, i.step)]
            return ":".join(parts[:2]) + (f":{parts[2]}" if parts[2] else "")
        return str(int(i))
    items = idx if isinstance(idx, tuple) else (idx,)
    return ", ".join(one(i) for i in items) if items else "()"


def _flat_positions(shape, idx):
    """The flat positions of ``np.empty(shape)[idx]`` (int64, the result's shape)."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[idx]


def reshape(em, node):
    x = em.inputs(node)[0]
    out = tuple(np.shape(node.ans))
    if not x.shape:
        em.define(node, em.scalar(x) if not out else f"np.full({out}, {em.scalar(x)})")
    elif not out:
        em.define(node, f"{em.array(x)}[{', '.join('0' * len(x.shape))}]")
    else:
        em.define(node, f"{em.contiguous(x)}.reshape({out})")


def transpose(em, node):
    x, axes = em.inputs(node)[0], node.args[1]
    if len(x.shape) <= 1:
        em.define(node, em.array(x) if x.shape else em.scalar(x), layout=getattr(x, "layout", "C"))
        return
    axes = tuple(reversed(range(len(x.shape)))) if axes is None else tuple(int(a) for a in axes)
    code = f"{em.array(x)}.T" if axes == tuple(reversed(range(len(x.shape)))) else f"np.transpose({em.array(x)}, {axes})"
    layout = "F" if (len(x.shape) == 2 and axes == (1, 0) and getattr(x, "layout", "C") == "C") else "A"
    em.define(node, code, layout=layout)


def getitem(em, node):
    x, idx = em.inputs(node)[0], node.args[1]
    out = tuple(np.shape(node.ans))
    if _basic(idx):
        code = f"{em.array(x)}[{_index_code(idx)}]"
        em.define(node, code, layout="A")
        return
    flat = _flat_positions(x.shape, idx)
    src = em.fresh("s")
    em.line(f"{src} = {em.contiguous(x)}.reshape({int(np.prod(x.shape))})")
    if not out:
        em.define(node, f"{src}[{int(flat)}]")
        return
    pos = em.const_array(flat.reshape(-1))
    name = em.define(node, f"np.empty({out}, {em.out(node)})")
    flat_out = em.fresh("o")
    em.line(f"{flat_out} = {name}.reshape({flat.size})")
    with em.loops((flat.size,), "k") as (k,):
        em.line(f"{flat_out}[{k}] = {src}[{pos}[{k}]]")


def scatter(em, node):
    g, idx, shape = em.inputs(node)[0], node.args[1], tuple(node.args[2])
    name = em.define(node, f"np.zeros({shape}, {em.out(node)})")
    flat = _flat_positions(shape, idx)
    if _basic(idx) and None not in (idx if isinstance(idx, tuple) else (idx,)) and tuple(flat.shape) == g.shape:
        em.line(f"{name}[{_index_code(idx)}] = {em.scalar(g) if not g.shape else em.array(g)}")
        return
    if not flat.shape:
        em.line(f"{name}.reshape({flat.size if flat.size else 1})[{int(flat)}] += {em.scalar(g)}")
        return
    pos = em.const_array(flat)
    acc = em.fresh("o")
    em.line(f"{acc} = {name}.reshape({int(np.prod(shape))})")
    with em.loops(flat.shape, "k") as ks:
        em.line(f"{acc}[{pos}[{', '.join(ks)}]] += {em.at(g, flat.shape, ks)}")


def concatenate(em, node):
    axis, parts = node.args[0], em.inputs(node)[1:]
    out = tuple(np.shape(node.ans))
    name = em.define(node, f"np.empty({out}, {em.out(node)})")
    start = 0
    for part in parts:
        size = part.shape[axis]
        if size:
            where = ", ".join([":"] * axis + [f"{start}:{start + size}"])
            if isinstance(part, Const) and part.uniform() is not None:
                em.line(f"{name}[{where}] = {em.scalar(part)}")
            else:
                em.line(f"{name}[{where}] = {em.array(part)}")
        start += size


def _diag_index(nd, offset, a1, a2, names):
    """The index into an array of ndim ``nd`` of the diagonal entry at loop indices ``names`` (the other
    axes in order, then the position along the diagonal)."""
    rest, k = iter(names[:-1]), names[-1]
    idx = []
    for d in range(nd):
        if d == a1:
            idx.append(f"{k} + {max(-offset, 0)}")
        elif d == a2:
            idx.append(f"{k} + {max(offset, 0)}")
        else:
            idx.append(next(rest))
    return ", ".join(idx)


def diagonal(em, node):
    x, offset, a1, a2 = em.inputs(node)[0], *node.args[1:4]
    out = tuple(np.shape(node.ans))
    name = em.define(node, f"np.empty({out}, {em.out(node)})")
    with em.loops(out) as names:
        em.line(f"{name}[{', '.join(names)}] = {em.array(x)}[{_diag_index(len(x.shape), offset, a1, a2, names)}]")


def embed(em, node):
    v, offset, a1, a2, shape = em.inputs(node)[0], *node.args[1:5]
    name = em.define(node, f"np.zeros({tuple(shape)}, {em.out(node)})")
    with em.loops(v.shape) as names:
        em.line(f"{name}[{_diag_index(len(shape), offset, a1, a2, names)}] = {em.at(v, v.shape, names)}")


TEMPLATES = {reshape_p: reshape, transpose_p: transpose, getitem_p: getitem, scatter_p: scatter,
             concat_p: concatenate, diagonal_p: diagonal, embed_p: embed}

__all__ = ["TEMPLATES", "Unsupported", "Var"]
