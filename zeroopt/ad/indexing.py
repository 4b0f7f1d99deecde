"""Rules for indexing: x[...] and its adjoint (scatter-add), take, take_along_axis, repeat, tile, roll,
flips and rotations, diagonals, traces, triangles, select. All are linear (each is its own JVP); the
VJP of a gather is a scatter-add of the cotangent, and the other way round. Index arithmetic is done
on plain integer arrays, so each operation is one gather on the tape.
"""

from __future__ import annotations

import numbers
import operator

from .core import Primitive, Tracer, axes_of, linear, ndim_of, raw, shape_of, sum_p
from .elementwise import where_p
from .numpy_names import np
from .shapes import ravel, reshape_p, transpose_p
from .tracer import FUNCTIONS, implements


def _is_basic(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral)) for i in items)


def check_index(idx):
    """The index with lists as arrays; a traced value in it serves by its primal value (an index has no
    derivative), so numpy accepts it exactly where it would accept that value."""
    items = idx if isinstance(idx, tuple) else (idx,)
    fixed = []
    for i in items:
        if type(i) is Tracer:
            i = raw(i)
        fixed.append(np.asarray(_primal(i)) if isinstance(i, list) else i)
    return tuple(fixed) if isinstance(idx, tuple) else fixed[0]


def _primal(items):
    return [_primal(i) for i in items] if isinstance(items, (list, tuple)) else raw(items)


def _scatter_raw(g, idx, shape):
    out = np.zeros(shape, dtype=np.result_type(g, np.float64))
    if _is_basic(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


getitem_p = linear(Primitive("getitem", lambda x, idx: x[idx], needs={0: (1,)}))
scatter_p = linear(Primitive("scatter_add", _scatter_raw, needs={0: (1, 2)}))
getitem_p.vjps[0] = lambda g, ans, x, idx: scatter_p(g, idx, shape_of(x))
scatter_p.vjps[0] = lambda g, ans, x, idx, shape: getitem_p(g, idx)


FUNCTIONS[operator.getitem] = lambda x, index: getitem_p(x, check_index(index))


def take_axis(a, index, axis):
    """``a`` gathered at the integer array ``index`` along ``axis`` (np.take(a, index, axis))."""
    return getitem_p(a, (slice(None),) * (axis % ndim_of(a)) + (np.asarray(index),))


@implements(np.take)
def _take(a, indices, axis=None, out=None, mode="raise"):
    if out is not None:
        raise TypeError("zeroopt.ad: numpy.take(..., out=...) is not differentiable")
    if axis is None:
        a, axis = ravel(a), 0
    n = shape_of(a)[axis]
    indices = np.asarray(raw(indices))
    indices = {"clip": lambda i: np.clip(i, 0, n - 1), "wrap": lambda i: np.mod(i, n)}.get(mode, lambda i: i)(indices)
    return take_axis(a, indices, axis)


@implements(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    if axis is None:
        arr, axis = ravel(arr), 0
    shape = shape_of(arr)
    axis = int(axis) % len(shape)
    indices = np.asarray(raw(indices))
    index = tuple(indices if d == axis else np.arange(n).reshape([-1 if e == d else 1 for e in range(len(shape))])
                  for d, n in enumerate(shape))
    return getitem_p(arr, index)


@implements(np.repeat)
def _repeat(a, repeats, axis=None):
    if axis is None:
        a, axis = ravel(a), 0
    return take_axis(a, np.repeat(np.arange(shape_of(a)[axis]), raw(repeats)), axis)


@implements(np.tile)
def _tile(A, reps):
    reps = (int(reps),) if isinstance(reps, numbers.Integral) else tuple(int(r) for r in reps)
    shape = shape_of(A)
    nd = max(len(shape), len(reps))
    A = reshape_p(A, (1,) * (nd - len(shape)) + shape) if len(shape) < nd else A
    reps = (1,) * (nd - len(reps)) + reps
    for axis, r in enumerate(reps):
        if r != 1:
            A = take_axis(A, np.tile(np.arange(shape_of(A)[axis]), r), axis)
    return A


@implements(np.roll)
def _roll(a, shift, axis=None):
    if axis is None:
        return reshape_p(_roll(ravel(a), shift, 0), shape_of(a))
    shifts, axes = np.broadcast_arrays(raw(shift), axis)
    for s, ax in zip(shifts.ravel(), axes.ravel()):
        n = shape_of(a)[int(ax)]
        a = take_axis(a, (np.arange(n) - int(s)) % n, int(ax)) if n else a
    return a


@implements(np.flip)
def flip(m, axis=None):
    nd = ndim_of(m)
    axes = axes_of(axis, nd)
    return getitem_p(m, tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(nd)))


implements(np.flipud)(lambda m: flip(m, 0))
implements(np.fliplr)(lambda m: flip(m, 1))


@implements(np.rot90)
def _rot90(m, k=1, axes=(0, 1)):
    nd = ndim_of(m)
    a0, a1 = int(axes[0]) % nd, int(axes[1]) % nd
    order = list(range(nd))
    order[a0], order[a1] = order[a1], order[a0]
    k = int(k) % 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    return transpose_p(flip(m, a1), tuple(order)) if k == 1 else flip(transpose_p(m, tuple(order)), a1)


@implements(np.select)
def _select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where_p(np.asarray(raw(cond), dtype=bool), choice, out)
    return out


# --- diagonals --------------------------------------------------------------------------------------
def _diag_raw(x, offset, axis1, axis2):
    return np.diagonal(x, offset, axis1, axis2).copy()


def _embed_raw(v, offset, axis1, axis2, shape):
    """Zeros of ``shape`` with ``v`` (the diagonal's entries on its last axis) on the diagonal."""
    out = np.zeros(shape, dtype=np.result_type(v, np.float64))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    k = np.arange(np.shape(v)[-1])
    view[..., k + max(-offset, 0), k + max(offset, 0)] = v
    return out


diagonal_p = linear(Primitive("diagonal", _diag_raw, needs={0: (1, 2, 3)}))
embed_p = linear(Primitive("diag_embed", _embed_raw, needs={0: (1, 2, 3, 4)}))
diagonal_p.vjps[0] = lambda g, ans, x, offset, a1, a2: embed_p(g, offset, a1, a2, shape_of(x))
embed_p.vjps[0] = lambda g, ans, v, offset, a1, a2, shape: diagonal_p(g, offset, a1, a2)


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    nd = ndim_of(a)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = int(axis1) % nd, int(axis2) % nd
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return diagonal_p(a, int(offset), axis1, axis2)


@implements(np.diag)
def _diag(v, k=0):
    if ndim_of(v) == 1:
        n = shape_of(v)[0] + abs(int(k))
        return embed_p(v, int(k), 0, 1, (n, n))
    if ndim_of(v) == 2:
        return diagonal_p(v, int(k), 0, 1)
    raise ValueError("Input must be 1- or 2-d.")


@implements(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None or dtype not in (None, float, np.float64):
        raise TypeError("zeroopt.ad: numpy.trace is differentiable as np.trace(a, offset, axis1, axis2)")
    return sum_p(diagonal(a, offset, axis1, axis2), axis=-1)


def _tri_mask(shape, k, lower):
    n, m = shape[-2:]
    return np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)


@implements(np.tril)
def _tril(m, k=0):
    return m * _tri_mask(shape_of(m), k, True)


@implements(np.triu)
def _triu(m, k=0):
    return m * _tri_mask(shape_of(m), k, False)
