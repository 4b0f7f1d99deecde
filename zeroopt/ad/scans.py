"""Rules for scans and orderings: cumsum, cumprod, sort, partition, diff, gradient (and ufunc accumulate).

``cumsum`` is one linear primitive (its VJP is the reversed cumulative sum). ``cumprod`` is a primitive
with the rules of a product of non-zero entries; with a zero among its entries it is computed as the
products of masked copies (exact at every order, at a cost K times larger along the axis). ``sort`` and
``partition`` are gathers at the indices that give numpy's own result; their derivative is that of the
permutation, valid away from ties. ``diff`` and ``gradient`` are numpy's own arithmetic written in traced
operations (same bits).
"""

from __future__ import annotations

from .core import Primitive, Tracer, broadcast_to, decide, linear, ndim_of, raw, shape_of
from .elementwise import any_zero, where_p
from .indexing import getitem_p, take_along_axis
from .joining import concat_p
from .numpy_names import np
from .reductions import prod_p
from .shapes import moveaxis, ravel, reshape_p
from .tracer import UFUNC_METHODS, implements


def _reverse(x, axis):
    return getitem_p(x, (slice(None),) * (axis % ndim_of(x)) + (slice(None, None, -1),))


def _cumsum_raw(x, axis):
    return np.cumsum(x, axis=axis)


cumsum_p = linear(Primitive("cumsum", _cumsum_raw, needs={0: (1,)}))
cumsum_p.vjps[0] = lambda g, ans, x, axis: _reverse(cumsum_p(_reverse(g, axis), axis), axis)


def _scan_args(name, a, axis, dtype, out):
    """(a, axis) of a scan: flattened for axis=None, the axis made non-negative."""
    if out is not None or dtype not in (None, float, np.float64):
        raise TypeError(f"zeroopt.ad: numpy.{name} is differentiable as np.{name}(a, axis)")
    if axis is None:
        a, axis = ravel(a), 0
    return a, int(axis) % max(ndim_of(a), 1)


@implements(np.cumsum)
def cumsum(a, axis=None, dtype=None, out=None):
    return cumsum_p(*_scan_args("cumsum", a, axis, dtype, out))


def _cumprod_raw(x, axis):
    return np.cumprod(x, axis=axis)


# with no zero among the entries: d ans_j / d x_i = ans_j / x_i for i <= j
cumprod_p = Primitive("cumprod", _cumprod_raw)
cumprod_p.vjps[0] = lambda g, ans, x, axis: _reverse(cumsum_p(_reverse(g * ans, axis), axis), axis) / x
cumprod_p.jvps[0] = lambda t, ans, x, axis: ans * cumsum_p(t / x, axis)


@implements(np.cumprod)
def cumprod(a, axis=None, dtype=None, out=None):
    a, axis = _scan_args("cumprod", a, axis, dtype, out)
    if not decide(any_zero, a):
        return cumprod_p(a, axis)
    last = moveaxis(a, axis, -1)                       # (..., K): ans_j = prod_i where(i <= j, x_i, 1)
    k = shape_of(last)[-1]
    rows = where_p(np.tri(k, k, dtype=bool), reshape_p(last, shape_of(last)[:-1] + (1, k)), 1.0)
    return moveaxis(prod_p(rows, axis=-1), -1, axis)


UFUNC_METHODS[np.add, "accumulate"] = lambda a, axis=0, dtype=None: cumsum(a, axis, dtype)
UFUNC_METHODS[np.multiply, "accumulate"] = lambda a, axis=0, dtype=None: cumprod(a, axis, dtype)


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    if order is not None:
        raise TypeError("zeroopt.ad: numpy.sort(order=...) has no derivative rule")
    if axis is None:
        a, axis = ravel(a), 0
    return take_along_axis(a, decide(np.argsort, a, axis=axis, kind="stable"), axis)


@implements(np.partition)
def _partition(a, kth, axis=-1, kind="introselect", order=None):
    """The gather that gives np.partition's own arrangement: its entries ranked against the sorted ones."""
    if order is not None:
        raise TypeError("zeroopt.ad: numpy.partition(order=...) has no derivative rule")
    if axis is None:
        a, axis = ravel(a), 0
    values = raw(a)
    result = np.partition(values, kth, axis=axis, kind=kind)
    index = np.empty(np.shape(values), dtype=np.intp)
    np.put_along_axis(index, np.argsort(result, axis=axis, kind="stable"),
                      np.argsort(values, axis=axis, kind="stable"), axis=axis)
    return take_along_axis(a, index, axis)


def _along(nd, axis, item):
    return (slice(None),) * axis + (item,) + (slice(None),) * (nd - axis - 1)


@implements(np.diff)
def _diff(a, n=1, axis=-1, prepend=np._NoValue, append=np._NoValue):
    nd = ndim_of(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = int(axis) % nd
    parts = []
    for extra in (prepend, append):
        if extra is np._NoValue:
            parts.append(None)
            continue
        shape = list(shape_of(a))
        shape[axis] = 1
        if ndim_of(extra) == 0:  # numpy broadcasts a scalar to a's shape with length 1 along axis
            extra = broadcast_to(extra, shape) if type(extra) is Tracer else np.broadcast_to(extra, shape)
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        a = concat_p(axis, *[p for p in (parts[0], a, parts[1]) if p is not None])
    for _ in range(int(n)):
        a = getitem_p(a, _along(nd, axis, slice(1, None))) - getitem_p(a, _along(nd, axis, slice(None, -1)))
    return a


def _one_gradient(f, axis, dx, edge_order):
    """numpy.gradient along one axis, in numpy's arithmetic: central differences inside, one-sided ones
    (first or second order) at the two ends."""
    nd = ndim_of(f)

    def at(item):
        return getitem_p(f, _along(nd, axis, item))
    uniform = np.ndim(dx) == 0
    shape = [1] * nd
    shape[axis] = -1
    if uniform:
        inner = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * dx)
    else:
        dx1, dx2 = dx[0:-1], dx[1:]
        a, b, c = (-(dx2) / (dx1 * (dx1 + dx2)), (dx2 - dx1) / (dx1 * dx2), dx1 / (dx2 * (dx1 + dx2)))
        inner = a.reshape(shape) * at(slice(None, -2)) + b.reshape(shape) * at(slice(1, -1)) \
            + c.reshape(shape) * at(slice(2, None))
    if edge_order == 1:
        first = (at(slice(1, 2)) - at(slice(0, 1))) / (dx if uniform else dx[0])
        last = (at(slice(-1, None)) - at(slice(-2, -1))) / (dx if uniform else dx[-1])
    else:
        if uniform:
            a, b, c = -1.5 / dx, 2.0 / dx, -0.5 / dx
        else:
            d1, d2 = dx[0], dx[1]
            a, b, c = -(2.0 * d1 + d2) / (d1 * (d1 + d2)), (d1 + d2) / (d1 * d2), -d1 / (d2 * (d1 + d2))
        first = a * at(slice(0, 1)) + b * at(slice(1, 2)) + c * at(slice(2, 3))
        if uniform:
            a, b, c = 0.5 / dx, -2.0 / dx, 1.5 / dx
        else:
            d1, d2 = dx[-2], dx[-1]
            a, b, c = d2 / (d1 * (d1 + d2)), -(d2 + d1) / (d1 * d2), (2.0 * d2 + d1) / (d2 * (d1 + d2))
        last = a * at(slice(-3, -2)) + b * at(slice(-2, -1)) + c * at(slice(-1, None))
    return concat_p(axis, first, inner, last)


@implements(np.gradient)
def _gradient(f, *varargs, axis=None, edge_order=1):
    nd = ndim_of(f)
    axes = tuple(range(nd)) if axis is None else tuple(int(a) % nd for a in np.atleast_1d(axis))
    if any(type(v).__name__ == "Tracer" for v in varargs):
        raise TypeError("zeroopt.ad: numpy.gradient is differentiable in f, not in its spacings")
    # the spacings exactly as numpy computes them (a plain call on a stand-in of f's shape)
    if not varargs:
        dxs = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        dxs = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        dxs = []
        for d in varargs:
            d = np.asarray(d, dtype=np.float64)
            if d.ndim == 0:
                dxs.append(d[()])
                continue
            diff = np.diff(d)
            dxs.append(diff[0] if (diff == diff[0]).all() else diff)
    else:
        raise TypeError("invalid number of arguments")
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    for ax in axes:
        if shape_of(f)[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) "
                             "elements are required.")
    out = [_one_gradient(f, ax, dx, edge_order) for ax, dx in zip(axes, dxs)]
    return out[0] if len(out) == 1 else tuple(out)
