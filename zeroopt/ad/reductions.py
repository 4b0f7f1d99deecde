"""Rules for reductions: sum, mean, var, std, prod, max, min (the scans are in :mod:`zeroopt.ad.scans`).

``max``/``min`` split the derivative equally among tied entries; ``prod`` is exact with zeros (the
product of the other entries) at every order.
"""

from __future__ import annotations

from .core import Primitive, axes_of, decide, expand_reduced, nondiff, primal, reshape_p, shape_of, sum_p
from .elementwise import any_zero, sqrt_p, where_p
from .numpy_names import np
from .shapes import transpose_p
from .tracer import UFUNC_METHODS, implements


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
def mean(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("mean", dtype, out, **kw)
    s = sum_p(a, axis=axis, keepdims=_keep(keepdims))
    count = np.size(primal(a)) // max(1, np.size(primal(s))) if np.size(primal(a)) else 0
    return s / float(count)


def _count(a, axis):
    shape = shape_of(a)
    return int(np.prod([shape[i] for i in axes_of(axis, len(shape))]))


@implements(np.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=np._NoValue, *, where=np._NoValue, mean=np._NoValue,
        correction=np._NoValue):
    """numpy's own arithmetic (same bits): sum((a - mean)^2) / max(N - ddof, 0)."""
    _reduction_args("var", dtype, out, where=where)
    if mean is not np._NoValue:
        raise TypeError("zeroopt.ad: numpy.var(mean=...) has no derivative rule")
    ddof = correction if correction is not np._NoValue else ddof
    count = _count(a, axis)
    centred = a - sum_p(a, axis=axis, keepdims=True) / float(count)
    return sum_p(centred * centred, axis=axis, keepdims=_keep(keepdims)) / float(max(count - ddof, 0))


@implements(np.std)
def _std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=np._NoValue, **kwargs):
    return sqrt_p(var(a, axis, dtype, out, ddof, keepdims, **kwargs))


def _prod_raw(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _prod_grad(x, ans, axis, keepdims):
    """d prod / d x_i = the product of the other entries, shaped like x, exact at every order.

    Without zeros it is prod / x_i. With zeros (where that divides by 0) each entry is replaced by 1 in
    turn: the reduced axes are flattened to length K and a (K, K) array is reduced, so the cost grows by
    a factor K - paid only when a zero is present.
    """
    if not decide(any_zero, x):
        return expand_reduced(ans, shape_of(x), axis, keepdims) / x
    shape = shape_of(x)
    red = axes_of(axis, len(shape))
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
    expand_reduced(g, shape_of(x), axis, keepdims) * _prod_grad(x, ans, axis, keepdims))
prod_p.jvps[0] = lambda t, ans, x, axis=None, keepdims=False: sum_p(
    t * _prod_grad(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, **kw):
    _reduction_args("prod", dtype, out, **kw)
    return prod_p(a, axis=axis, keepdims=_keep(keepdims))


def extreme_weights(x, ans, axis, keepdims):
    """1/(number of ties) at the entries equal to the max (min), 0 elsewhere: ties share equally."""
    if not keepdims and axis is not None:
        ans = np.expand_dims(ans, axes_of(axis, np.ndim(x)))
    mask = x == ans
    return mask / np.sum(mask, axis=axis, keepdims=True)


def _extreme_weights(x, ans, axis, keepdims):
    return nondiff(extreme_weights, x, ans, axis=axis, keepdims=keepdims)


def _extreme(name, raw_fn):
    p = Primitive(name, lambda x, axis=None, keepdims=False: raw_fn(x, axis=axis, keepdims=keepdims))
    p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: (
        expand_reduced(g, shape_of(x), axis, keepdims) * _extreme_weights(x, ans, axis, keepdims))
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


UFUNC_METHODS[np.add, "reduce"] = lambda a, axis=0, **kw: _sum(a, axis=axis, **kw)
UFUNC_METHODS[np.multiply, "reduce"] = lambda a, axis=0, **kw: _prod(a, axis=axis, **kw)
UFUNC_METHODS[np.maximum, "reduce"] = lambda a, axis=0, **kw: _max(a, axis=axis, **kw)
UFUNC_METHODS[np.minimum, "reduce"] = lambda a, axis=0, **kw: _min(a, axis=axis, **kw)


