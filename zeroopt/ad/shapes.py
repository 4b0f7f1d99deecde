"""Rules for shapes: transposes, reshapes, squeezes, broadcasting, moved axes (all linear: each is its own
JVP); the functions of a traced value that carry no derivative (shapes, arg-sorts, comparisons), which
are evaluated on its primal value. Indexing is in :mod:`zeroopt.ad.indexing`, joining and splitting in
:mod:`zeroopt.ad.joining`.
"""

from __future__ import annotations

import numbers

from .core import Primitive, axes_of, broadcast_to, decide, linear, ndim_of, primal, raw, reshape_p, shape_of
from .numpy_names import np
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
    return reshape_p(a, _new_shape(shape, np.size(primal(a))))


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
    return np.size(primal(a), axis)


# constant arrays shaped like a traced value carry no derivative: dispatch by the function itself
def _like(func):
    return lambda a, *args, **kwargs: func(primal(a), *args, **kwargs)   # (the shape and dtype only)


for _f in (np.zeros_like, np.ones_like, np.empty_like, np.full_like):
    FUNCTIONS[_f] = _like(_f)
for _f in (np.isclose, np.allclose, np.array_equal, np.argmax, np.argmin, np.argsort, np.argpartition, np.nonzero,
           np.count_nonzero, np.any, np.all, np.flatnonzero, np.argwhere, np.searchsorted, np.isreal, np.isrealobj,
           np.iscomplexobj, np.iscomplex, np.array_equiv, np.digitize, np.histogram, np.bincount, np.unravel_index,
           np.ravel_multi_index):
    FUNCTIONS[_f] = (lambda f: lambda *a, **k: decide(f, *a, **{n: raw(v) for n, v in k.items()}))(_f)


@implements(np.atleast_3d)
def atleast_3d(*arys):
    out = []
    for a in arys:
        shape = shape_of(a)
        new = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}.get(len(shape), shape)
        out.append(a if new == shape else reshape_p(a, new))
    return out[0] if len(out) == 1 else out


@implements(np.moveaxis)
def moveaxis(a, source, destination):
    nd = ndim_of(a)
    src = [int(s) % nd for s in ((source,) if isinstance(source, numbers.Integral) else source)]
    dst = [int(d) % nd for d in ((destination,) if isinstance(destination, numbers.Integral) else destination)]
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose_p(a, tuple(order))


@implements(np.rollaxis)
def _rollaxis(a, axis, start=0):
    nd = ndim_of(a)
    axis, given = int(axis) % nd, int(start)
    start = given + nd if given < 0 else given  # numpy's convention: a negative start counts from nd
    if not 0 <= start <= nd:
        raise np.exceptions.AxisError(f"'start' arg requires {-nd} <= start < {nd + 1}, but {given} was passed in")
    if axis < start:
        start -= 1
    return a if axis == start else moveaxis(a, axis, start)
