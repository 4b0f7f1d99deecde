"""Rules for numpy.linalg.norm: vector norms of every order over any axis, matrix norms (Frobenius,
nuclear, spectral, 1, inf and their negatives) over any pair of axes, batched over the others.

The 2-norm has the gradient x / ||x||, taken as 0 at x = 0 (a kink: the convention of a root at zero,
:func:`~zeroopt.ad.elementwise.nonzero_or_inf`, so that every higher derivative there is 0 too); the
others are compositions of abs, sums, extremes, powers and singular values (whose derivative exists
where they are distinct and non-zero).
"""

from __future__ import annotations

import numbers

from .core import Primitive, expand_reduced, ndim_of, reshape_p, shape_of, sum_p
from .decompositions import svdvals_p
from .elementwise import abs_p, nonzero_or_inf, power_p
from .numpy_names import np
from .reductions import max_p, min_p
from .shapes import moveaxis
from .tracer import implements


def _norm2_raw(x, axis=None, keepdims=False):
    return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))


def _safe_norm(x, ans, axis, keepdims):
    """The 2-norm expanded to broadcast against x, with +inf where it is 0 (the gradient there is 0)."""
    return nonzero_or_inf(expand_reduced(ans, shape_of(x), axis, keepdims))


norm2_p = Primitive("norm", _norm2_raw)
norm2_p.vjps[0] = lambda g, ans, x, axis=None, keepdims=False: (
    expand_reduced(g, shape_of(x), axis, keepdims) * x / _safe_norm(x, ans, axis, keepdims))
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


def _matrix_norm(x, ord, rows, cols, keepdims):
    """The matrix norm over the axes (rows, cols), batched over the others."""
    nd = ndim_of(x)
    x = moveaxis(x, (rows, cols), (-2, -1))
    if ord in (None, "fro", "f"):
        out = norm2_p(x, axis=(-2, -1))
    elif ord == "nuc":
        out = sum_p(svdvals_p(x), axis=-1)
    elif ord in (2, -2):
        out = (max_p if ord == 2 else min_p)(svdvals_p(x), axis=-1)
    elif ord in (1, -1):
        out = (max_p if ord == 1 else min_p)(sum_p(abs_p(x), axis=-2), axis=-1)
    elif ord in (np.inf, -np.inf):
        out = (max_p if ord == np.inf else min_p)(sum_p(abs_p(x), axis=-1), axis=-1)
    else:
        raise TypeError(f"zeroopt.ad: matrix norm ord={ord!r} has no derivative rule")
    if keepdims:
        shape = list(shape_of(out))
        for a in sorted((rows % nd, cols % nd)):
            shape.insert(a, 1)
        out = reshape_p(out, tuple(shape))
    return out


@implements(np.linalg.norm)
def _norm(x, ord=None, axis=None, keepdims=False):
    nd = ndim_of(x)
    if axis is None:
        if ord is None:
            return norm2_p(x, axis=None, keepdims=keepdims) if not keepdims else reshape_p(norm2_p(x), (1,) * nd)
        if nd == 1:
            return _vector_norm(x, ord, None, keepdims)
        if nd == 2:
            return _matrix_norm(x, ord, 0, 1, keepdims)
        raise ValueError("Improper number of dimensions to norm.")
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, int(axes[0]) % nd, int(axes[1]) % nd, keepdims)
    raise ValueError("Improper number of dimensions to norm.")
