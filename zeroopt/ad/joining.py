"""Rules for joining and splitting: concatenate and the stacks, append, split and its variants, pad, and
linspace with traced endpoints. Concatenation is one primitive with a rule per part (its VJP slices
the cotangent); the rest are concatenations and slices.
"""

from __future__ import annotations

import numbers
import operator

from .core import Primitive, Tracer, Variadic, broadcast_to, ndim_of, raw, reshape_p, shape_of
from .indexing import getitem_p, take_axis
from .numpy_names import np
from .shapes import atleast_1d, atleast_2d, atleast_3d, expand_dims, moveaxis, ravel
from .tracer import implements


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
concat_p.vjps = Variadic(_concat_vjp)
concat_p.jvps = Variadic(_concat_jvp)


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


@implements(np.dstack)
def _dstack(tup):
    return concatenate([atleast_3d(a) for a in tup], axis=2)


@implements(np.column_stack)
def _column_stack(tup):
    """numpy's columns: a 1-D item (k,) becomes (k, 1), a 0-d one (1, 1) - so column_stack(x) of one 1-D
    array (a sequence of numbers) is its row (1, k)."""
    return concatenate([a if ndim_of(a) >= 2 else reshape_p(a, (shape_of(a) or (1,))[:1] + (1,)) for a in tup], axis=1)


@implements(np.append)
def _append(arr, values, axis=None):
    if axis is None:
        return concat_p(0, ravel(arr), ravel(values))
    return concatenate([arr, values], axis=axis)


# --- splitting --------------------------------------------------------------------------------------
def _slice_axis(a, start, stop, axis):
    return getitem_p(a, (slice(None),) * axis + (slice(start, stop),))


@implements(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    axis = int(axis) % ndim_of(ary)
    total = shape_of(ary)[axis]
    try:
        points = [0] + [int(i) for i in indices_or_sections] + [total]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(total, sections)
        points = np.cumsum([0] + extras * [each + 1] + (sections - extras) * [each]).tolist()
    return [_slice_axis(ary, points[i], points[i + 1], axis) for i in range(len(points) - 1)]


@implements(np.split)
def split(ary, indices_or_sections, axis=0):
    if isinstance(indices_or_sections, numbers.Integral) and shape_of(ary)[int(axis)] % int(indices_or_sections):
        raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def _split_on(axis, least):
    def f(ary, indices_or_sections):
        if ndim_of(ary) < least:
            raise ValueError(f"this split only works on arrays of {least} or more dimensions")
        return split(ary, indices_or_sections, 1 if axis == "h" and ndim_of(ary) > 1 else (0 if axis == "h" else axis))
    return f


implements(np.hsplit)(_split_on("h", 1))
implements(np.vsplit)(_split_on(0, 2))
implements(np.dsplit)(_split_on(2, 3))


# --- lists holding traced values (used by np.pad's constant_values and zeroopt.ad.arraylike) ---
def holds_tracer(obj):
    """True if ``obj`` is a traced value or a (nested) list or tuple holding one."""
    if type(obj) is Tracer:
        return True
    if isinstance(obj, (list, tuple)):
        return any(holds_tracer(o) for o in obj)
    return False


def pack(obj):
    """A list or tuple holding traced values as one traced array (numpy's nesting rules); anything else
    unchanged."""
    if not isinstance(obj, (list, tuple)) or not holds_tracer(obj):
        return obj
    items = [pack(o) for o in obj]
    shapes = {shape_of(i) for i in items}
    if len(shapes) != 1:
        raise ValueError(f"setting an array element with a sequence: the items have the shapes {sorted(shapes)} "
                         f"(inhomogeneous); numpy would refuse this list too")
    shape = (1,) + shapes.pop()
    return concat_p(0, *[reshape_p(i if type(i) is Tracer else np.asarray(i, dtype=np.float64), shape) for i in items])



# --- pad ----------------------------------------------------------------------------------------
@implements(np.pad)
def _pad(array, pad_width, mode="constant", **kwargs):
    nd = ndim_of(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (nd, 2))
    if mode == "constant":
        values = kwargs.pop("constant_values", 0)
        if isinstance(values, (list, tuple)):
            values = pack(values)
        # numpy broadcasts constant_values to one (before, after) pair per axis, as pad_width
        if type(values) is Tracer:
            table = broadcast_to(values, (nd, 2))
            pairs = [(getitem_p(table, (i, 0)), getitem_p(table, (i, 1))) for i in range(nd)]
        else:
            pairs = np.broadcast_to(np.asarray(values, dtype=np.float64), (nd, 2))
    elif mode not in ("edge", "reflect", "symmetric", "wrap") or kwargs.get("reflect_type", "even") != "even":
        raise TypeError(f"zeroopt.ad: numpy.pad(mode={mode!r}) has no derivative rule (differentiable: constant, "
                        f"edge, reflect, symmetric, wrap)")
    out = array
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        if mode == "constant":
            parts = []
            for width, value in ((before, pairs[axis][0]), (after, pairs[axis][1])):
                shape = list(shape_of(out))
                shape[axis] = int(width)
                parts.append(broadcast_to(value, shape) if type(value) is Tracer else np.full(shape, float(value)))
            out = concat_p(axis, parts[0], out, parts[1])
        else:
            index = np.pad(np.arange(shape_of(out)[axis]), (int(before), int(after)), mode=mode)
            out = take_axis(out, index, axis)
    return out


# --- linspace -----------------------------------------------------------------------------------
@implements(np.linspace)
def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, **kw):
    """numpy's own arithmetic (same bits) in traced operations."""
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise TypeError("zeroopt.ad: linspace with traced endpoints and an integer dtype has no derivative")
    num = operator.index(num)
    div = (num - 1) if endpoint else num
    delta = stop - start
    y = np.arange(0, num, dtype=np.float64).reshape((-1,) + (1,) * ndim_of(delta))
    if div > 0:
        step = delta / div
        y = y / div * delta if np.any(raw(step) == 0) else y * step
    else:
        step = np.nan
        y = y * delta
    y = y + start
    if endpoint and num > 1:
        last = reshape_p(broadcast_to(stop, shape_of(y)[1:]), (1,) + shape_of(y)[1:])
        y = concat_p(0, getitem_p(y, slice(0, -1)), last)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    return (y, step) if retstep else y
