"""The table of derivative rules: one primitive per differentiable numpy operation.

Each rule is a short function of the cotangent ``g`` (VJP) or tangent ``t`` (JVP), the output ``ans``
and the inputs, written in traced operations (so derivatives of derivatives work). Elementwise rules
share one derivative for both directions; linear operations are their own JVP; the JVPs of svd, eigh
and cholesky are their VJPs transposed (exact, by linearity: J t = grad_g <VJP(g), t>).

Conventions: broadcasting is undone by :func:`unbroadcast`; ``max``/``min``/``maximum``/``minimum``
split the derivative equally among ties; ``abs``, ``sign`` and ``clip`` use the derivative 0 / 0 / 1
(inside, bounds included) at their kinks; ``cholesky`` and ``eigh`` read only the lower triangle of
their input (as numpy does), so their derivative with respect to the strict upper triangle is zero and
the lower one carries both halves - the exact derivative of the function numpy computes.
"""

from __future__ import annotations

import collections
import functools
import numbers
import operator

import numpy as np

from .core import Primitive, Shaped, Tracer, raw

UFUNCS = {}      # numpy ufunc -> handler
FUNCTIONS = {}   # numpy function -> handler
#: ufuncs whose result is piecewise constant or boolean: computed on plain values, not traced
NONDIFF_UFUNCS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
                  np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.isfinite, np.isnan,
                  np.isinf, np.signbit, np.sign, np.floor, np.ceil, np.trunc, np.rint}


def shape_of(x):
    return x.shape if type(x) is Tracer or type(x) is Shaped else np.shape(x)


def ndim_of(x):
    return len(shape_of(x))


def _name(func):
    return ("numpy.linalg." if "linalg" in (getattr(func, "__module__", None) or "") else "numpy.") + func.__name__


def dispatch_ufunc(ufunc, method, inputs, kwargs):
    if method == "reduce" and ufunc in _REDUCE and kwargs.get("out") is None:
        kwargs.pop("out", None)
        return _REDUCE[ufunc](*inputs, **kwargs)
    if kwargs:
        if kwargs.get("out") is not None:
            raise TypeError(f"zeroopt.ad: numpy.{ufunc.__name__}(..., out=...) would write a traced value into "
                            f"a plain array and lose its derivative; use the returned value instead.")
        extra = sorted(k for k in kwargs if k != "out")
        if extra:
            raise TypeError(f"zeroopt.ad: numpy.{ufunc.__name__} is differentiable only without the keyword "
                            f"arguments {extra}")
    if method == "__call__":
        handler = UFUNCS.get(ufunc)
        if handler is not None:
            return handler(*inputs)
        if ufunc in NONDIFF_UFUNCS:
            return ufunc(*[raw(a) for a in inputs])
    where = "" if method == "__call__" else f".{method}"
    raise TypeError(f"zeroopt.ad: numpy.{ufunc.__name__}{where} has no derivative rule, so it cannot be applied "
                    f"to a traced value (the gradient would be wrong or missing).")


def dispatch_function(func, args, kwargs):
    handler = FUNCTIONS.get(func)
    if handler is None:
        raise TypeError(f"zeroopt.ad: {_name(func)} has no derivative rule, so it cannot be applied to a traced "
                        f"value (the gradient would be wrong or missing). See zeroopt.ad.rules for the list.")
    return handler(*args, **kwargs)


def implements(*funcs):
    def register(handler):
        for f in funcs:
            FUNCTIONS[f] = handler
        return handler
    return register


# ---------------------------------------------------------------------------------------------------
# broadcasting
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


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    return tuple(sorted(int(a) % ndim for a in axis)) if ndim else ()


def _expand(g, xshape, axis, keepdims):
    """Reshape a reduction's cotangent so that it broadcasts against the input shape."""
    if keepdims or axis is None:
        return g
    axes = _axes(axis, len(xshape))
    return reshape_p(g, tuple(1 if i in axes else s for i, s in enumerate(xshape)))


# ---------------------------------------------------------------------------------------------------
# elementwise
def _unary(ufunc, deriv, needs=("ans", 0)):
    """An elementwise primitive with derivative ``deriv(ans, x)``: VJP g * d, JVP t * d. ``needs``: what
    deriv reads ("ans" and/or 0 for x)."""
    p = Primitive(ufunc.__name__, ufunc, needs={0: needs})
    p.vjps[0] = lambda g, ans, x: g * deriv(ans, x)
    p.jvps[0] = lambda t, ans, x: t * deriv(ans, x)
    UFUNCS[ufunc] = p
    return p


def _binary(ufunc, dx, dy, needs=None):
    """A broadcasting elementwise primitive; ``dx(g, ans, x, y)`` is linear in g (g * df/dx)."""
    p = Primitive(ufunc.__name__, ufunc, needs=needs)
    p.vjps[0] = lambda g, ans, x, y: unbroadcast(dx(g, ans, x, y), shape_of(x))
    p.vjps[1] = lambda g, ans, x, y: unbroadcast(dy(g, ans, x, y), shape_of(y))
    p.jvps[0] = dx
    p.jvps[1] = dy
    UFUNCS[ufunc] = p
    return p


negative_p = _unary(np.negative, lambda ans, x: -1.0, ())
reciprocal_p = _unary(np.reciprocal, lambda ans, x: -(ans * ans), ("ans",))
square_p = _unary(np.square, lambda ans, x: 2.0 * x, (0,))
sqrt_p = _unary(np.sqrt, lambda ans, x: 0.5 / ans, ("ans",))
cbrt_p = _unary(np.cbrt, lambda ans, x: 1.0 / (3.0 * ans * ans), ("ans",))
exp_p = _unary(np.exp, lambda ans, x: ans, ("ans",))
exp2_p = _unary(np.exp2, lambda ans, x: np.log(2.0) * ans, ("ans",))
expm1_p = _unary(np.expm1, lambda ans, x: ans + 1.0, ("ans",))
log_p = _unary(np.log, lambda ans, x: 1.0 / x, (0,))
log2_p = _unary(np.log2, lambda ans, x: 1.0 / (np.log(2.0) * x))
log10_p = _unary(np.log10, lambda ans, x: 1.0 / (np.log(10.0) * x))
log1p_p = _unary(np.log1p, lambda ans, x: 1.0 / (1.0 + x), (0,))
abs_p = _unary(np.absolute, lambda ans, x: np.sign(raw(x)), (0,))
UFUNCS[np.fabs] = abs_p
sin_p = _unary(np.sin, lambda ans, x: cos_p(x), (0,))
cos_p = _unary(np.cos, lambda ans, x: -sin_p(x), (0,))
tan_p = _unary(np.tan, lambda ans, x: 1.0 + ans * ans)
tanh_p = _unary(np.tanh, lambda ans, x: 1.0 - ans * ans, ("ans",))
sinh_p = _unary(np.sinh, lambda ans, x: cosh_p(x))
cosh_p = _unary(np.cosh, lambda ans, x: sinh_p(x))
arctan_p = _unary(np.arctan, lambda ans, x: 1.0 / (1.0 + x * x))
arcsin_p = _unary(np.arcsin, lambda ans, x: 1.0 / sqrt_p(1.0 - x * x))
arccos_p = _unary(np.arccos, lambda ans, x: -1.0 / sqrt_p(1.0 - x * x))
arcsinh_p = _unary(np.arcsinh, lambda ans, x: 1.0 / sqrt_p(x * x + 1.0))
arctanh_p = _unary(np.arctanh, lambda ans, x: 1.0 / (1.0 - x * x))
for _identity in (np.positive, np.conjugate, np.real):
    UFUNCS[_identity] = lambda x: x

add_p = _binary(np.add, lambda g, ans, x, y: g, lambda g, ans, x, y: g, needs={0: (), 1: ()})
subtract_p = _binary(np.subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g, needs={0: (), 1: ()})
multiply_p = _binary(np.multiply, lambda g, ans, x, y: g * y, lambda g, ans, x, y: x * g, needs={0: (1,), 1: (0,)})
divide_p = _binary(np.divide, lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y,
                   needs={0: (1,), 1: ("ans", 1)})


def _dpow_dx(g, ans, x, y):
    if not isinstance(y, Tracer) and np.ndim(y) == 0 and y == 0:
        return g * 0.0
    return g * y * power_p(x, y - 1.0)


def _dpow_dy(g, ans, x, y):
    return g * ans * log_p(where_p(raw(x) > 0, x, 1.0))  # d/dy x^y = x^y log x (x > 0)


_FAST_POWERS = {2.0: np.square, 1.0: np.positive, 0.5: np.sqrt, -1.0: np.reciprocal, 0.0: np.ones_like}


def _power_raw(x, y):
    """np.power with numpy's own fast paths for constant scalar exponents (the `**` operator takes them,
    the ufunc does not: x ** 2 is a square, not a libm pow per entry)."""
    if np.ndim(y) == 0 and not isinstance(y, np.ndarray) and float(y) in _FAST_POWERS:
        return _FAST_POWERS[float(y)](np.asarray(x, dtype=np.result_type(x, float)))
    return np.power(x, y)


power_p = _binary(np.power, _dpow_dx, _dpow_dy, needs={0: (0, 1), 1: ("ans", 0)})
power_p.raw = _power_raw
logaddexp_p = _binary(np.logaddexp, lambda g, ans, x, y: g * exp_p(x - ans), lambda g, ans, x, y: g * exp_p(y - ans))


def _share(first, second, op):
    """Weights of a max/min between two arrays: 1 where ``first`` wins, 1/2 on ties."""
    a, b = raw(first), raw(second)
    return op(a, b) + 0.5 * (a == b)


maximum_p = _binary(np.maximum, lambda g, ans, x, y: g * _share(x, y, np.greater),
                    lambda g, ans, x, y: g * _share(y, x, np.greater))
minimum_p = _binary(np.minimum, lambda g, ans, x, y: g * _share(x, y, np.less),
                    lambda g, ans, x, y: g * _share(y, x, np.less))


def _where_raw(c, x, y):
    return np.where(c, x, y)


where_p = Primitive("where", _where_raw, needs={1: (0,), 2: (0,)})
where_p.vjps[1] = lambda g, ans, c, x, y: unbroadcast(where_p(c, g, 0.0), shape_of(x))
where_p.vjps[2] = lambda g, ans, c, x, y: unbroadcast(where_p(c, 0.0, g), shape_of(y))
where_p.jvps[1] = lambda t, ans, c, x, y: where_p(c, t, 0.0)
where_p.jvps[2] = lambda t, ans, c, x, y: where_p(c, 0.0, t)


@implements(np.where)
def _where(condition, x=None, y=None):
    if x is None and y is None:
        return np.where(raw(condition))
    return where_p(np.asarray(raw(condition), dtype=bool), x, y)


def _clip_raw(x, lo, hi):
    return np.clip(x, lo, hi)


def _inside(x, lo, hi):
    xr = raw(x)
    m = np.ones(np.shape(xr), dtype=bool)
    if lo is not None:
        m &= xr >= raw(lo)
    if hi is not None:
        m &= xr <= raw(hi)
    return m


clip_p = Primitive("clip", _clip_raw)
clip_p.vjps[0] = lambda g, ans, x, lo, hi: unbroadcast(g * _inside(x, lo, hi), shape_of(x))
clip_p.vjps[1] = lambda g, ans, x, lo, hi: unbroadcast(g * (raw(x) < raw(lo)), shape_of(lo))
clip_p.vjps[2] = lambda g, ans, x, lo, hi: unbroadcast(g * (raw(x) > raw(hi)), shape_of(hi))
clip_p.jvps[0] = lambda t, ans, x, lo, hi: t * _inside(x, lo, hi)
clip_p.jvps[1] = lambda t, ans, x, lo, hi: t * (raw(x) < raw(lo))
clip_p.jvps[2] = lambda t, ans, x, lo, hi: t * (raw(x) > raw(hi))


@implements(np.clip)
def _clip(a, a_min=np._NoValue, a_max=np._NoValue, out=None, *, min=np._NoValue, max=np._NoValue, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.clip is differentiable only as np.clip(a, a_min, a_max)")
    lo = a_min if a_min is not np._NoValue else (None if min is np._NoValue else min)
    hi = a_max if a_max is not np._NoValue else (None if max is np._NoValue else max)
    return clip_p(a, lo, hi)


# ---------------------------------------------------------------------------------------------------
# reductions
def _sum_raw(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


sum_p = Primitive("sum", _sum_raw, needs={0: ()})
sum_p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: broadcast_to_p(
    _expand(g, shape_of(x), axis, keepdims), shape_of(x))
sum_p.jvps[0] = lambda t, ans, x, axis=None, keepdims=False: sum_p(t, axis=axis, keepdims=keepdims)


def _reduction_args(name, dtype=None, out=None, initial=np._NoValue, where=np._NoValue, **kw):
    if out is not None or dtype not in (None, float, np.float64) or initial is not np._NoValue \
            or where is not np._NoValue or kw:
        raise TypeError(f"zeroopt.ad: numpy.{name} is differentiable only with the arguments axis and keepdims")


def _keep(keepdims):
    return False if keepdims is np._NoValue else bool(keepdims)


@implements(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("sum", dtype, out, **kw)
    return sum_p(a, axis=axis, keepdims=_keep(keepdims))


@implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("mean", dtype, out, **kw)
    s = sum_p(a, axis=axis, keepdims=_keep(keepdims))
    count = np.size(raw(a)) // max(1, np.size(raw(s))) if np.size(raw(a)) else 0
    return s / float(count)


def _prod_raw(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _prod_grad(x, ans, axis, keepdims):
    """d prod / d x_i = the product of the other entries, shaped like x, exact at every order.

    Without zeros it is prod / x_i. With zeros (where that divides by 0) each entry is replaced by 1 in
    turn: the reduced axes are flattened to length K and a (K, K) array is reduced, so the cost grows by
    a factor K - paid only when a zero is present.
    """
    xr = raw(x)
    if not np.any(xr == 0):
        return _expand(ans, shape_of(x), axis, keepdims) / x
    shape = shape_of(x)
    red = _axes(axis, len(shape))
    keep = tuple(i for i in range(len(shape)) if i not in red)
    perm = keep + red
    rest = tuple(shape[i] for i in keep)
    K = int(np.prod([shape[i] for i in red]))
    y = reshape_p(transpose_p(x, perm), rest + (1, K))
    others = prod_p(where_p(np.eye(K, dtype=bool), 1.0, y), axis=-1)   # (rest..., K)
    back = reshape_p(others, rest + tuple(shape[i] for i in red))
    return transpose_p(back, tuple(np.argsort(perm)))


prod_p = Primitive("prod", _prod_raw)
prod_p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: (
    _expand(g, shape_of(x), axis, keepdims) * _prod_grad(x, ans, axis, keepdims))
prod_p.jvps[0] = lambda t, ans, x, axis=None, keepdims=False: sum_p(
    t * _prod_grad(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("prod", dtype, out, **kw)
    return prod_p(a, axis=axis, keepdims=_keep(keepdims))


def _extreme_weights(x, ans, axis, keepdims):
    """1/(number of ties) at the entries equal to the max (min), 0 elsewhere: ties share equally."""
    xr, ar = raw(x), raw(ans)
    if not keepdims and axis is not None:
        ar = np.expand_dims(ar, _axes(axis, np.ndim(xr)))
    mask = xr == ar
    return mask / np.sum(mask, axis=axis, keepdims=True)


def _extreme(name, raw_fn):
    p = Primitive(name, lambda x, axis=None, keepdims=False: raw_fn(x, axis=axis, keepdims=keepdims))
    p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: (
        _expand(g, shape_of(x), axis, keepdims) * _extreme_weights(x, ans, axis, keepdims))
    p.jvps[0] = lambda t, ans, x, axis=None, keepdims=False: sum_p(
        t * _extreme_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)
    return p


max_p = _extreme("max", np.max)
min_p = _extreme("min", np.min)


@implements(np.max, np.amax)
def _max(a, axis=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("max", None, out, **kw)
    return max_p(a, axis=axis, keepdims=_keep(keepdims))


@implements(np.min, np.amin)
def _min(a, axis=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("min", None, out, **kw)
    return min_p(a, axis=axis, keepdims=_keep(keepdims))


_REDUCE = {np.add: lambda a, axis=0, **kw: _sum(a, axis=axis, **kw),
           np.multiply: lambda a, axis=0, **kw: _prod(a, axis=axis, **kw),
           np.maximum: lambda a, axis=0, **kw: _max(a, axis=axis, **kw),
           np.minimum: lambda a, axis=0, **kw: _min(a, axis=axis, **kw)}


# ---------------------------------------------------------------------------------------------------
# shapes (all linear: each is its own JVP)
def _linear(p):
    """Give a primitive that is linear in its argument 0 the JVP t -> p(t, ...)."""
    p.jvps[0] = lambda t, ans, x, *args, **kwargs: p(t, *args, **kwargs)
    return p


reshape_p = _linear(Primitive("reshape", np.reshape, needs={0: (1,)}))
reshape_p.vjps[0] = lambda g, ans, x, shape: reshape_p(g, shape_of(x))

transpose_p = _linear(Primitive("transpose", lambda x, axes=None: np.transpose(x, axes), needs={0: ()}))
transpose_p.vjps[0] = lambda g, ans, x, axes=None: transpose_p(g, None if axes is None else tuple(np.argsort(axes)))

broadcast_to_p = _linear(Primitive("broadcast_to", np.broadcast_to, needs={0: (1,)}))
broadcast_to_p.vjps[0] = lambda g, ans, x, shape: unbroadcast(g, shape_of(x))


def broadcast_to(x, shape):
    return broadcast_to_p(x, tuple(shape))


def _swap(x, a1=-1, a2=-2):
    nd = ndim_of(x)
    axes = list(range(nd))
    a1, a2 = a1 % nd, a2 % nd
    axes[a1], axes[a2] = axes[a2], axes[a1]
    return transpose_p(x, tuple(axes))


def _T(x):
    return _swap(x) if ndim_of(x) >= 2 else x


def _new_shape(shape, size):
    shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
    if shape.count(-1) == 1:
        known = int(np.prod([s for s in shape if s != -1]))
        shape = tuple(size // known if known and s == -1 else s for s in shape)
    return shape


@implements(np.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if order != "C":
        raise TypeError("zeroopt.ad: only order='C' reshapes are differentiable")
    shape = newshape if shape is None else shape
    return reshape_p(a, _new_shape(shape, np.size(raw(a))))


@implements(np.ravel)
def _ravel(a, order="C"):
    return _reshape(a, (-1,), order)


@implements(np.transpose)
def _transpose(a, axes=None):
    return transpose_p(a, None if axes is None else tuple(int(i) for i in axes))


@implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return _swap(a, axis1, axis2)


@implements(np.squeeze)
def _squeeze(a, axis=None):
    shape = shape_of(a)
    axes = [i for i, s in enumerate(shape) if s == 1] if axis is None else list(_axes(axis, len(shape)))
    for i in axes:
        if shape[i] != 1:
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return reshape_p(a, tuple(s for i, s in enumerate(shape) if i not in axes))


@implements(np.expand_dims)
def _expand_dims(a, axis):
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
def _atleast_1d(*arys):
    out = [a if ndim_of(a) >= 1 else reshape_p(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else out


@implements(np.atleast_2d)
def _atleast_2d(*arys):
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


def _check_index(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    fixed = []
    for i in items:
        if type(i) is Tracer:
            raise TypeError("zeroopt.ad: a traced value cannot be used as an index")
        fixed.append(np.asarray(i) if isinstance(i, list) else i)
    return tuple(fixed) if isinstance(idx, tuple) else fixed[0]


def _scatter_raw(g, idx, shape):
    out = np.zeros(shape, dtype=np.result_type(g, np.float64))
    if _is_basic(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


getitem_p = _linear(Primitive("getitem", lambda x, idx: x[idx], needs={0: (1,)}))
scatter_p = _linear(Primitive("scatter_add", _scatter_raw, needs={0: (1, 2)}))
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
def _concatenate(arrays, axis=0, out=None, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.concatenate is differentiable only as np.concatenate(arrays, axis)")
    arrays = list(arrays)
    if axis is None:
        arrays = [_ravel(a) for a in arrays]
        axis = 0
    return concat_p(int(axis), *arrays)


@implements(np.stack)
def _stack(arrays, axis=0, out=None, **kw):
    if out is not None or kw:
        raise TypeError("zeroopt.ad: numpy.stack is differentiable only as np.stack(arrays, axis)")
    arrays = list(arrays)
    axis = int(axis) % (ndim_of(arrays[0]) + 1)
    return concat_p(axis, *[_expand_dims(a, axis) for a in arrays])


@implements(np.hstack)
def _hstack(tup, **kw):
    arrays = [_atleast_1d(a) for a in tup]
    return _concatenate(arrays, axis=0 if ndim_of(arrays[0]) == 1 else 1)


@implements(np.vstack)
def _vstack(tup, **kw):
    return _concatenate([_atleast_2d(a) for a in tup], axis=0)


# ---------------------------------------------------------------------------------------------------
# products
def _as_matrix_shape(shape, first):
    """The shape matmul gives a 1-D operand: (1, k) for the first operand, (k, 1) for the second."""
    if len(shape) != 1:
        return tuple(shape)
    return (1,) + tuple(shape) if first else tuple(shape) + (1,)


def _promote_g(g, na, nb):
    """The cotangent of matmul shaped as if 1-D operands had been matrices."""
    if na == 1:
        g = _expand_dims(g, -2 if nb > 1 else 0)
    if nb == 1:
        g = _expand_dims(g, -1)
    return g


def _matmul_vjp_a(g, ans, a, b):
    """d(a @ b)' g with respect to a: reads only b (a may be on the tape as its shape)."""
    na, nb = ndim_of(a), ndim_of(b)
    if na == 1 and nb == 1:
        return g * b
    if na == 2 and nb == 1:
        return reshape_p(g, (-1, 1)) * b                       # outer(g, b)
    if na == 1 and nb == 2:
        return matmul_p(b, g)
    if na == 2 and nb == 2:
        return matmul_p(g, _swap(b))
    a2shape = _as_matrix_shape(shape_of(a), True)
    b2 = reshape_p(b, _as_matrix_shape(shape_of(b), False)) if nb == 1 else b
    return reshape_p(unbroadcast(matmul_p(_promote_g(g, na, nb), _swap(b2)), a2shape), shape_of(a))


def _matmul_vjp_b(g, ans, a, b):
    """d(a @ b)' g with respect to b: reads only a."""
    na, nb = ndim_of(a), ndim_of(b)
    if na == 1 and nb == 1:
        return g * a
    if na == 2 and nb == 1:
        return matmul_p(_swap(a), g)
    if na == 1 and nb == 2:
        return reshape_p(a, (-1, 1)) * g                       # outer(a, g)
    if na == 2 and nb == 2:
        return matmul_p(_swap(a), g)
    a2 = reshape_p(a, _as_matrix_shape(shape_of(a), True)) if na == 1 else a
    b2shape = _as_matrix_shape(shape_of(b), False)
    return reshape_p(unbroadcast(matmul_p(_swap(a2), _promote_g(g, na, nb)), b2shape), shape_of(b))


matmul_p = Primitive("matmul", np.matmul, needs={0: (1,), 1: (0,)})
matmul_p.vjps[0] = _matmul_vjp_a
matmul_p.vjps[1] = _matmul_vjp_b
matmul_p.jvps[0] = lambda t, ans, a, b: matmul_p(t, b)
matmul_p.jvps[1] = lambda t, ans, a, b: matmul_p(a, t)
UFUNCS[np.matmul] = matmul_p


@implements(np.dot)
def _dot(a, b, out=None):
    if out is not None:
        raise TypeError("zeroopt.ad: numpy.dot(..., out=...) is not differentiable")
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply_p(a, b)
    if ndim_of(a) > 2 or ndim_of(b) > 2:
        raise TypeError("zeroopt.ad: numpy.dot of arrays with more than 2 dimensions has no derivative rule; "
                        "use np.matmul")
    return matmul_p(a, b)


@implements(np.inner)
def _inner(a, b):
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply_p(a, b)
    if ndim_of(a) > 2 or ndim_of(b) > 2:
        raise TypeError("zeroopt.ad: numpy.inner of arrays with more than 2 dimensions has no derivative rule")
    return matmul_p(a, _T(b))


@implements(np.vdot)
def _vdot(a, b):
    return sum_p(_ravel(a) * _ravel(b))


@implements(np.outer)
def _outer(a, b, out=None):
    return reshape_p(_ravel(a), (-1, 1)) * reshape_p(_ravel(b), (1, -1))


def _diag_raw(x, offset):
    return np.diagonal(x, offset).copy()


def _embed_raw(v, offset, shape):
    out = np.zeros(shape, dtype=np.result_type(v, np.float64))
    k = np.arange(np.shape(v)[0])
    out[k + max(-offset, 0), k + max(offset, 0)] = v
    return out


diagonal_p = _linear(Primitive("diagonal", _diag_raw, needs={0: (1,)}))
embed_p = _linear(Primitive("diag_embed", _embed_raw, needs={0: (1, 2)}))
diagonal_p.vjps[0] = lambda g, ans, x, offset: embed_p(g, offset, shape_of(x))
embed_p.vjps[0] = lambda g, ans, v, offset, shape: diagonal_p(g, offset)


@implements(np.diagonal)
def _diagonal(a, offset=0, axis1=0, axis2=1):
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
def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None or dtype is not None:
        raise TypeError("zeroopt.ad: numpy.trace is differentiable as np.trace(a, offset)")
    return sum_p(_diagonal(a, offset, axis1, axis2))


def _tri_mask(shape, k, lower):
    n, m = shape[-2:]
    return np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)


@implements(np.tril)
def _tril(m, k=0):
    return m * _tri_mask(shape_of(m), k, True)


@implements(np.triu)
def _triu(m, k=0):
    return m * _tri_mask(shape_of(m), k, False)


# ---------------------------------------------------------------------------------------------------
# linear algebra (2-D)
def _need_2d(name, *arrays):
    for a in arrays:
        if ndim_of(a) != 2 and not (name == "solve" and a is arrays[-1] and ndim_of(a) == 1):
            raise TypeError(f"zeroopt.ad: numpy.linalg.{name} is differentiable for 2-D arrays only "
                            f"(got shape {shape_of(a)})")


solve_p = Primitive("solve", np.linalg.solve)


def _solve_vjp_A(g, ans, A, b):
    gb = solve_p(_T(A), g)
    return -(reshape_p(gb, (-1, 1)) * ans) if ndim_of(b) == 1 else -matmul_p(gb, _T(ans))


solve_p.vjps[0] = _solve_vjp_A
solve_p.vjps[1] = lambda g, ans, A, b: solve_p(_T(A), g)
solve_p.jvps[0] = lambda t, ans, A, b: -solve_p(A, matmul_p(t, ans))
solve_p.jvps[1] = lambda t, ans, A, b: solve_p(A, t)


@implements(np.linalg.solve)
def _solve(a, b):
    _need_2d("solve", a, b)
    return solve_p(a, b)


inv_p = Primitive("inv", np.linalg.inv)
inv_p.vjps[0] = lambda g, ans, A: -matmul_p(matmul_p(_T(ans), g), _T(ans))
inv_p.jvps[0] = lambda t, ans, A: -matmul_p(matmul_p(ans, t), ans)


@implements(np.linalg.inv)
def _inv(a):
    _need_2d("inv", a)
    return inv_p(a)


det_p = Primitive("det", np.linalg.det)
det_p.vjps[0] = lambda g, ans, A: g * ans * _T(inv_p(A))
det_p.jvps[0] = lambda t, ans, A: ans * sum_p(_T(inv_p(A)) * t)


@implements(np.linalg.det)
def _det(a):
    _need_2d("det", a)
    return det_p(a)


logabsdet_p = Primitive("slogdet", lambda A: np.linalg.slogdet(A)[1])
logabsdet_p.vjps[0] = lambda g, ans, A: g * _T(inv_p(A))
logabsdet_p.jvps[0] = lambda t, ans, A: sum_p(_T(inv_p(A)) * t)
SlogdetResult = collections.namedtuple("SlogdetResult", "sign logabsdet")


@implements(np.linalg.slogdet)
def _slogdet(a):
    _need_2d("slogdet", a)
    return SlogdetResult(np.linalg.slogdet(raw(a))[0], logabsdet_p(a))


def _norm2_raw(x, axis=None, keepdims=False):
    return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))


def _safe_norm(x, ans, axis, keepdims):
    """The 2-norm expanded to broadcast against x, with 1 where it is 0 (the gradient there is 0)."""
    a = _expand(ans, shape_of(x), axis, keepdims)
    return where_p(raw(a) == 0, 1.0, a)


norm2_p = Primitive("norm", _norm2_raw)
norm2_p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: (
    _expand(g, shape_of(x), axis, keepdims) * x / _safe_norm(x, ans, axis, keepdims))
norm2_p.jvps[0] = lambda t, ans, x, axis=None, keepdims=False: sum_p(
    t * x / _safe_norm(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return norm2_p(x, axis=axis, keepdims=keepdims)
    if ord == 1:
        return sum_p(abs_p(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return max_p(abs_p(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min_p(abs_p(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str) or ord == 0:
        raise TypeError(f"zeroopt.ad: vector norm ord={ord!r} has no derivative rule")
    return power_p(sum_p(power_p(abs_p(x), float(ord)), axis=axis, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x, ord, keepdims):
    if ord in (None, "fro", "f"):
        out = norm2_p(x)
    elif ord == "nuc":
        out = sum_p(svdvals_p(x))
    elif ord in (2, -2):
        out = (max_p if ord == 2 else min_p)(svdvals_p(x))
    elif ord in (1, -1):
        out = (max_p if ord == 1 else min_p)(sum_p(abs_p(x), axis=0))
    elif ord in (np.inf, -np.inf):
        out = (max_p if ord == np.inf else min_p)(sum_p(abs_p(x), axis=1))
    else:
        raise TypeError(f"zeroopt.ad: matrix norm ord={ord!r} has no derivative rule")
    return reshape_p(out, (1, 1)) if keepdims else out


@implements(np.linalg.norm)
def _norm(x, ord=None, axis=None, keepdims=False):
    nd = ndim_of(x)
    if axis is None:
        if ord is None:
            return norm2_p(x, axis=None, keepdims=keepdims) if not keepdims else reshape_p(norm2_p(x), (1,) * nd)
        if nd == 1:
            return _vector_norm(x, ord, None, keepdims)
        if nd == 2:
            return _matrix_norm(x, ord, keepdims)
        raise ValueError("Improper number of dimensions to norm.")
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if ord in (None, "fro", "f"):
        return norm2_p(x, axis=axes, keepdims=keepdims)
    if nd == 2 and sorted(a % 2 for a in axes) == [0, 1]:
        return _matrix_norm(x if axes[0] % 2 == 0 else _T(x), ord, keepdims)
    raise TypeError(f"zeroopt.ad: numpy.linalg.norm(ord={ord!r}, axis={axis!r}) has no derivative rule")


def _jvp_by_transposing(prim, argnum):
    """The JVP of a primitive from its VJP rule: J t = grad_g <VJP(g), t> (VJP is linear in g)."""
    def jvp(t, ans, *args, **kwargs):
        from .api import grad

        rule = prim.vjps[argnum]
        return grad(lambda g: sum_p(rule(g, ans, *args, **kwargs) * t))(np.zeros(shape_of(ans)))
    return jvp


# --- svd ------------------------------------------------------------------------------------------
def _svd_raw(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return np.concatenate([U.ravel(), s, Vt.ravel()])


def _svd_unpack(packed, m, n):
    k = min(m, n)
    U = reshape_p(getitem_p(packed, slice(0, m * k)), (m, k))
    s = getitem_p(packed, slice(m * k, m * k + k))
    Vt = reshape_p(getitem_p(packed, slice(m * k + k, m * k + k + k * n)), (k, n))
    return U, s, Vt


def _svd_vjp(g, ans, A):
    """Townsend (2016), 'Differentiating the singular value decomposition', real thin SVD."""
    m, n = shape_of(A)
    k = min(m, n)
    U, s, Vt = _svd_unpack(ans, m, n)
    gU, gs, gVt = _svd_unpack(g, m, n)
    V, gV = _T(Vt), _T(gVt)
    eye = np.eye(k)
    sr = reshape_p(s, (1, k))
    sc = reshape_p(s, (k, 1))
    F = (1.0 - eye) / (sr * sr - sc * sc + eye)            # F_ij = 1 / (s_j^2 - s_i^2), 0 on the diagonal
    UtgU = matmul_p(_T(U), gU)
    VtgV = matmul_p(_T(V), gV)
    core = (F * (UtgU - _T(UtgU))) * sr + eye * reshape_p(gs, (k, 1)) + sc * (F * (VtgV - _T(VtgV)))
    out = matmul_p(matmul_p(U, core), Vt)
    if m > n:
        out = out + matmul_p(matmul_p(np.eye(m) - matmul_p(U, _T(U)), gU) / sr, Vt)
    elif m < n:
        out = out + matmul_p(U / sr, matmul_p(_T(gV), np.eye(n) - matmul_p(V, Vt)))
    return out


svd_p = Primitive("svd", _svd_raw)
svd_p.vjps[0] = _svd_vjp
svd_p.jvps[0] = _jvp_by_transposing(svd_p, 0)


def _svdvals_vjp(g, ans, A):
    m, n = shape_of(A)
    U, _, Vt = _svd_unpack(svd_p(A), m, n)
    return matmul_p(U * g, Vt)


def _svdvals_jvp(t, ans, A):
    m, n = shape_of(A)
    U, _, Vt = _svd_unpack(svd_p(A), m, n)
    return sum_p(U * matmul_p(t, _T(Vt)), axis=0)             # ds_i = u_i' dA v_i


svdvals_p = Primitive("svdvals", lambda A: np.linalg.svd(A, compute_uv=False))
svdvals_p.vjps[0] = _svdvals_vjp
svdvals_p.jvps[0] = _svdvals_jvp
SVDResult = collections.namedtuple("SVDResult", "U S Vh")


@implements(np.linalg.svd)
def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    _need_2d("svd", a)
    if hermitian:
        raise TypeError("zeroopt.ad: numpy.linalg.svd(hermitian=True) has no derivative rule")
    if not compute_uv:
        return svdvals_p(a)
    m, n = shape_of(a)
    if full_matrices and m != n:
        raise TypeError("zeroopt.ad: the derivative of svd(full_matrices=True) of a non-square matrix is not "
                        "defined (the extra singular vectors are arbitrary); pass full_matrices=False")
    return SVDResult(*_svd_unpack(svd_p(a), m, n))


# --- symmetric: eigh, cholesky (numpy reads the lower triangle) -----------------------------------
def _lower_read(G):
    """The gradient with respect to A of a function of sym(tril(A)), given the gradient G with respect to
    that symmetric matrix: diagonal of G, and G + G' on the strict lower triangle (0 above)."""
    n = shape_of(G)[-1]
    return G * np.eye(n) + (G + _T(G)) * np.tri(n, n, -1)


def _eigh_raw(A, UPLO="L"):
    w, V = np.linalg.eigh(A, UPLO)
    return np.concatenate([w, V.ravel()])


def _eigh_unpack(packed, n):
    return getitem_p(packed, slice(0, n)), reshape_p(getitem_p(packed, slice(n, n + n * n)), (n, n))


def _upper(G, UPLO):
    return G if UPLO == "L" else _T(G)


def _eigh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    w, V = _eigh_unpack(ans, n)
    gw, gV = _eigh_unpack(g, n)
    eye = np.eye(n)
    F = (1.0 - eye) / (reshape_p(w, (1, n)) - reshape_p(w, (n, 1)) + eye)  # 1 / (w_j - w_i)
    G = matmul_p(matmul_p(V, eye * reshape_p(gw, (1, n)) + F * matmul_p(_T(V), gV)), _T(V))
    return _upper(_lower_read(_upper(G, UPLO)), UPLO)


eigh_p = Primitive("eigh", _eigh_raw)
eigh_p.vjps[0] = _eigh_vjp
eigh_p.jvps[0] = _jvp_by_transposing(eigh_p, 0)
EighResult = collections.namedtuple("EighResult", "eigenvalues eigenvectors")


def _eigvalsh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    _, V = _eigh_unpack(eigh_p(A, UPLO), n)
    G = matmul_p(V * g, _T(V))
    return _upper(_lower_read(_upper(G, UPLO)), UPLO)


eigvalsh_p = Primitive("eigvalsh", lambda A, UPLO="L": np.linalg.eigvalsh(A, UPLO))
eigvalsh_p.vjps[0] = _eigvalsh_vjp
eigvalsh_p.jvps[0] = _jvp_by_transposing(eigvalsh_p, 0)


@implements(np.linalg.eigh)
def _eigh(a, UPLO="L"):
    _need_2d("eigh", a)
    return EighResult(*_eigh_unpack(eigh_p(a, UPLO), shape_of(a)[-1]))


@implements(np.linalg.eigvalsh)
def _eigvalsh(a, UPLO="L"):
    _need_2d("eigvalsh", a)
    return eigvalsh_p(a, UPLO)


def _cholesky_vjp(g, ans, A):
    """Murray (2016), 'Differentiation of the Cholesky decomposition': S = L^-T Phi(L' gL) L^-1 with Phi
    the lower triangle with its diagonal halved; the symmetric gradient is (S + S') / 2."""
    L = ans
    n = shape_of(L)[-1]
    P = matmul_p(_T(L), g) * (np.tri(n, n, -1) + 0.5 * np.eye(n))
    S = _T(solve_p(_T(L), _T(solve_p(_T(L), P))))
    return _lower_read(0.5 * (S + _T(S)))


cholesky_p = Primitive("cholesky", np.linalg.cholesky)
cholesky_p.vjps[0] = _cholesky_vjp
cholesky_p.jvps[0] = _jvp_by_transposing(cholesky_p, 0)


@implements(np.linalg.cholesky)
def _cholesky(a, upper=False):
    _need_2d("cholesky", a)
    if upper:  # numpy then reads the upper triangle: U = chol(A')' with the lower factor of A'
        return _T(cholesky_p(_T(a)))
    return cholesky_p(a)


# ---------------------------------------------------------------------------------------------------
# the Tracer's operators and methods call the primitives directly (no numpy dispatch on the way)
def _rev(p):
    return lambda self, other: p(other, self)


def _cmp(op):
    return lambda self, other: op(raw(self), raw(other))


for _name_, _p in (("add", add_p), ("sub", subtract_p), ("mul", multiply_p), ("truediv", divide_p),
                   ("pow", power_p), ("matmul", matmul_p)):
    setattr(Tracer, f"__{_name_}__", (lambda p: lambda self, other: p(self, other))(_p))
    setattr(Tracer, f"__r{_name_}__", _rev(_p))
for _name_, _op in (("lt", operator.lt), ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge),
                    ("eq", operator.eq), ("ne", operator.ne)):
    setattr(Tracer, f"__{_name_}__", _cmp(_op))
Tracer.__neg__ = lambda self: negative_p(self)
Tracer.__pos__ = lambda self: self
Tracer.__abs__ = lambda self: abs_p(self)
Tracer.__getitem__ = lambda self, idx: getitem_p(self, _check_index(idx))
Tracer.T = property(lambda self: transpose_p(self))
Tracer.sum = lambda self, axis=None, keepdims=False: sum_p(self, axis=axis, keepdims=keepdims)
Tracer.mean = lambda self, axis=None, keepdims=False: _mean(self, axis=axis, keepdims=keepdims)
Tracer.prod = lambda self, axis=None, keepdims=False: prod_p(self, axis=axis, keepdims=keepdims)
Tracer.max = lambda self, axis=None, keepdims=False: max_p(self, axis=axis, keepdims=keepdims)
Tracer.min = lambda self, axis=None, keepdims=False: min_p(self, axis=axis, keepdims=keepdims)
Tracer.dot = lambda self, other: _dot(self, other)
Tracer.ravel = lambda self, order="C": _ravel(self, order)
Tracer.flatten = Tracer.ravel
Tracer.squeeze = lambda self, axis=None: _squeeze(self, axis)
Tracer.swapaxes = lambda self, a1, a2: _swap(self, a1, a2)
Tracer.copy = lambda self: self
Tracer.conj = Tracer.conjugate = lambda self: self
Tracer.clip = lambda self, min=None, max=None: clip_p(self, min, max)
Tracer.diagonal = lambda self, offset=0, axis1=0, axis2=1: _diagonal(self, offset, axis1, axis2)
Tracer.trace = lambda self, offset=0: _trace(self, offset)


def _method_reshape(self, *shape, order="C"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return _reshape(self, shape, order)


def _method_transpose(self, *axes):
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = axes[0]
    return transpose_p(self, tuple(axes) if axes else None)


def _astype(self, dtype, *args, **kwargs):
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"zeroopt.ad: casting a traced value to {np.dtype(dtype)} would drop its derivative")
    return self


Tracer.reshape = _method_reshape
Tracer.transpose = _method_transpose
Tracer.astype = _astype

#: the primitives, by name (for tests and documentation)
PRIMITIVES = {p.name: p for p in list(globals().values()) if isinstance(p, Primitive)}
