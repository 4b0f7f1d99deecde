"""Rules for shapes, copies and indexing: transposes, reshapes, indexing and its adjoint (scatter-add),
concatenation, diagonals and triangles. All are linear, so each is its own JVP; the VJP of a gather
is a scatter-add and the other way round.
"""

from __future__ import annotations

import functools
import numbers
import operator

import numpy as np

from .core import Primitive, Tracer, axes_of, broadcast_to, linear, ndim_of, raw, reshape_p, shape_of, sum_p
from .tracer import FUNCTIONS, implements


transpose_p = linear(Primitive("transpose", lambda x, axes=None: np.transpose(x, axes), needs={0: ()}))
transpose_p.vjps[0] = lambda g, ans, x, axes=None: transpose_p(g, None if axes is None else tuple(np.argsort(axes)))

def swap(x, a1=-1, a2=-2):
    nd = ndim_of(x)
    axes = list(range(nd))
    a1, a2 = a1 % nd, a2 % nd
    axes[a1], axes[a2] = axes[a2], axes[a1]
    return transpose_p(x, tuple(axes))


def mT(x):
    return swap(x) if ndim_of(x) >= 2 else x


def _new_shape(shape, size):
    shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
    if shape.count(-1) == 1:
        known = int(np.prod([s for s in shape if s != -1]))
        shape = tuple(size // known if known and s == -1 else s for s in shape)
    return shape


@implements(np.reshape)
def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if order != "C":
        raise TypeError("zeroopt.ad: only order='C' reshapes are differentiable")
    shape = newshape if shape is None else shape
    return reshape_p(a, _new_shape(shape, np.size(raw(a))))


@implements(np.ravel)
def ravel(a, order="C"):
    return reshape(a, (-1,), order)


@implements(np.transpose)
def _transpose(a, axes=None):
    return transpose_p(a, None if axes is None else tuple(int(i) for i in axes))


@implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return swap(a, axis1, axis2)


@implements(np.squeeze)
def squeeze(a, axis=None):
    shape = shape_of(a)
    axes = [i for i, s in enumerate(shape) if s == 1] if axis is None else list(axes_of(axis, len(shape)))
    for i in axes:
        if shape[i] != 1:
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return reshape_p(a, tuple(s for i, s in enumerate(shape) if i not in axes))


@implements(np.expand_dims)
def expand_dims(a, axis):
    shape = shape_of(a)
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    nd = len(shape) + len(axes)
    axes = sorted(int(i) % nd for i in axes)
    it = iter(shape)
    return reshape_p(a, tuple(1 if i in axes else next(it) for i in range(nd)))


@implements(np.broadcast_to)
def _broadcast_to(array, shape, subok=False):
    return broadcast_to(array, (shape,) if isinstance(shape, numbers.Integral) else shape)


@implements(np.atleast_1d)
def atleast_1d(*arys):
    out = [a if ndim_of(a) >= 1 else reshape_p(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else out


@implements(np.atleast_2d)
def atleast_2d(*arys):
    out = []
    for a in arys:
        nd = ndim_of(a)
        out.append(a if nd >= 2 else reshape_p(a, (1, 1) if nd == 0 else (1,) + shape_of(a)))
    return out[0] if len(out) == 1 else out


@implements(np.copy)
def _copy(a, order="K", subok=False):
    return a


@implements(np.shape)
def _shape(a):
    return shape_of(a)


@implements(np.ndim)
def _ndim(a):
    return ndim_of(a)


@implements(np.size)
def _size(a, axis=None):
    return np.size(raw(a), axis)


# constant arrays shaped like a traced value carry no derivative: dispatch by the function itself
def _like(func):
    return lambda a, *args, **kwargs: func(raw(a), *args, **kwargs)


for _f in (np.zeros_like, np.ones_like, np.empty_like, np.full_like):
    FUNCTIONS[_f] = _like(_f)
for _f in (np.isclose, np.allclose, np.array_equal, np.argmax, np.argmin, np.argsort, np.nonzero,
           np.count_nonzero):
    FUNCTIONS[_f] = (lambda f: lambda *a, **k: f(*[raw(x) for x in a], **{n: raw(v) for n, v in k.items()}))(_f)


# --- indexing ---------------------------------------------------------------------------------------
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


# --- concatenation ----------------------------------------------------------------------------------
class _Variadic(dict):
    """Rules for every argument position >= 1 from one function of the position."""

    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def __bool__(self):
        return True

    def __contains__(self, i):
        return i >= 1

    def get(self, i, default=None):
        return functools.partial(self.rule, i) if i >= 1 else default

    def __getitem__(self, i):
        return self.get(i)


def _concat_raw(axis, *arrays):
    return np.concatenate(arrays, axis=axis)


def _concat_vjp(i, g, ans, axis, *arrays):
    sizes = [shape_of(a)[axis] for a in arrays]
    start = sum(sizes[: i - 1])
    index = (slice(None),) * (axis % ndim_of(g)) + (slice(start, start + sizes[i - 1]),)
    return getitem_p(g, index)


def _concat_jvp(i, t, ans, axis, *arrays):
    parts = [t if j == i - 1 else np.zeros(shape_of(a)) for j, a in enumerate(arrays)]
    return concat_p(axis, *parts)


concat_p = Primitive("concatenate", _concat_raw)
concat_p.vjps = _Variadic(_concat_vjp)
concat_p.jvps = _Variadic(_concat_jvp)


@implements(np.concatenate)
def concatenate(arrays, axis=0, out=None, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.concatenate is differentiable only as np.concatenate(arrays, axis)")
    arrays = list(arrays)
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    return concat_p(int(axis), *arrays)


@implements(np.stack)
def _stack(arrays, axis=0, out=None, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.stack is differentiable only as np.stack(arrays, axis)")
    arrays = list(arrays)
    axis = int(axis) % (ndim_of(arrays[0]) + 1)
    return concat_p(axis, *[expand_dims(a, axis) for a in arrays])


@implements(np.hstack)
def _hstack(tup, **kw):
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if ndim_of(arrays[0]) == 1 else 1)


@implements(np.vstack)
def _vstack(tup, **kw):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


FUNCTIONS[operator.getitem] = lambda x, index: getitem_p(x, check_index(index))


def _diag_raw(x, offset):
    return np.diagonal(x, offset).copy()


def _embed_raw(v, offset, shape):
    out = np.zeros(shape, dtype=np.result_type(v, np.float64))
    k = np.arange(np.shape(v)[0])
    out[k + max(-offset, 0), k + max(offset, 0)] = v
    return out


diagonal_p = linear(Primitive("diagonal", _diag_raw, needs={0: (1,)}))
embed_p = linear(Primitive("diag_embed", _embed_raw, needs={0: (1, 2)}))
diagonal_p.vjps[0] = lambda g, ans, x, offset: embed_p(g, offset, shape_of(x))
embed_p.vjps[0] = lambda g, ans, v, offset, shape: diagonal_p(g, offset)


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    if ndim_of(a) != 2 or (axis1 % 2, axis2 % 2) != (0, 1):
        raise TypeError("zeroopt.ad: numpy.diagonal is differentiable for 2-D arrays (axis1=0, axis2=1)")
    return diagonal_p(a, int(offset))


@implements(np.diag)
def _diag(v, k=0):
    if ndim_of(v) == 1:
        n = shape_of(v)[0] + abs(int(k))
        return embed_p(v, int(k), (n, n))
    if ndim_of(v) == 2:
        return diagonal_p(v, int(k))
    raise ValueError("Input must be 1- or 2-d.")


@implements(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None or dtype is not None:
        raise TypeError("zeroopt.ad: numpy.trace is differentiable as np.trace(a, offset)")
    return sum_p(diagonal(a, offset, axis1, axis2))


def _tri_mask(shape, k, lower):
    n, m = shape[-2:]
    return np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)


@implements(np.tril)
def _tril(m, k=0):
    return m * _tri_mask(shape_of(m), k, True)


@implements(np.triu)
def _triu(m, k=0):
    return m * _tri_mask(shape_of(m), k, False)


