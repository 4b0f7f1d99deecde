"""Rules for contractions: matmul (with numpy's broadcasting and 1-D promotion), dot, inner, vdot, outer.

Each is bilinear: the VJP with respect to one operand reads only the other, so the tape keeps no more.
"""

from __future__ import annotations

import numpy as np

from .core import Primitive, ndim_of, reshape_p, shape_of, sum_p, unbroadcast
from .elementwise import multiply_p
from .shapes import expand_dims, mT, ravel, swap
from .tracer import UFUNCS, implements


def _as_matrix_shape(shape, first):
    """The shape matmul gives a 1-D operand: (1, k) for the first operand, (k, 1) for the second."""
    if len(shape) != 1:
        return tuple(shape)
    return (1,) + tuple(shape) if first else tuple(shape) + (1,)


def _promote_g(g, na, nb):
    """The cotangent of matmul shaped as if 1-D operands had been matrices."""
    if na == 1:
        g = expand_dims(g, -2 if nb > 1 else 0)
    if nb == 1:
        g = expand_dims(g, -1)
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
        return matmul_p(g, swap(b))
    a2shape = _as_matrix_shape(shape_of(a), True)
    b2 = reshape_p(b, _as_matrix_shape(shape_of(b), False)) if nb == 1 else b
    return reshape_p(unbroadcast(matmul_p(_promote_g(g, na, nb), swap(b2)), a2shape), shape_of(a))


def _matmul_vjp_b(g, ans, a, b):
    """d(a @ b)' g with respect to b: reads only a."""
    na, nb = ndim_of(a), ndim_of(b)
    if na == 1 and nb == 1:
        return g * a
    if na == 2 and nb == 1:
        return matmul_p(swap(a), g)
    if na == 1 and nb == 2:
        return reshape_p(a, (-1, 1)) * g                       # outer(a, g)
    if na == 2 and nb == 2:
        return matmul_p(swap(a), g)
    a2 = reshape_p(a, _as_matrix_shape(shape_of(a), True)) if na == 1 else a
    b2shape = _as_matrix_shape(shape_of(b), False)
    return reshape_p(unbroadcast(matmul_p(swap(a2), _promote_g(g, na, nb)), b2shape), shape_of(b))


matmul_p = Primitive("matmul", np.matmul, needs={0: (1,), 1: (0,)})
matmul_p.vjps[0] = _matmul_vjp_a
matmul_p.vjps[1] = _matmul_vjp_b
matmul_p.jvps[0] = lambda t, ans, a, b: matmul_p(t, b)
matmul_p.jvps[1] = lambda t, ans, a, b: matmul_p(a, t)
UFUNCS[np.matmul] = matmul_p


@implements(np.dot)
def dot(a, b, out=None):
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
    return matmul_p(a, mT(b))


@implements(np.vdot)
def _vdot(a, b):
    return sum_p(ravel(a) * ravel(b))


@implements(np.outer)
def _outer(a, b, out=None):
    return reshape_p(ravel(a), (-1, 1)) * reshape_p(ravel(b), (1, -1))


