"""Rules for linear algebra: solve, inv, det, slogdet, pinv - batched over leading axes as numpy is
((..., m, n) arrays, batch axes broadcast). The decompositions are in :mod:`zeroopt.ad.decompositions`,
norms in :mod:`zeroopt.ad.norms`.

Formulas (matrix calculus, lecture notes 004): d(A^-1 b) = -A^-1 dA A^-1 b; d det A = det A tr(A^-1 dA);
d log|det A| = tr(A^-1 dA); for the pseudo-inverse P of a matrix of full rank (Golub and Pereyra 1973)
dP = -P dA P + P P' dA' (I - A P) + (I - P A) dA' P' P.
"""

from __future__ import annotations

import collections

from .contractions import matmul_p
from .core import Primitive, ndim_of, raw, reshape_p, shape_of, sum_p, unbroadcast
from .numpy_names import np
from .shapes import mT
from .tracer import implements


def need_matrices(name, a, square=False):
    """numpy.linalg's own errors for an operand that is not a (stack of) matrix, or not square."""
    shape = shape_of(a)
    if len(shape) < 2:
        raise ValueError(f"numpy.linalg.{name}: {len(shape)}-dimensional array given. Array must be at least "
                         f"two-dimensional")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"numpy.linalg.{name}: last 2 dimensions of the array must be square")


def _batch_scalar(s):
    """A (...)-shaped value as (..., 1, 1), to scale (..., n, n) matrices."""
    return reshape_p(s, shape_of(s) + (1, 1))


solve_p = Primitive("solve", np.linalg.solve)         # b is always a stack of matrices here (see _solve)
solve_p.vjps[0] = lambda g, ans, A, b: unbroadcast(-matmul_p(solve_p(mT(A), g), mT(ans)), shape_of(A))
solve_p.vjps[1] = lambda g, ans, A, b: unbroadcast(solve_p(mT(A), g), shape_of(b))
solve_p.jvps[0] = lambda t, ans, A, b: -solve_p(A, matmul_p(t, ans))
solve_p.jvps[1] = lambda t, ans, A, b: solve_p(A, t)


@implements(np.linalg.solve)
def _solve(a, b):
    need_matrices("solve", a)
    if ndim_of(b) == 1:                                 # numpy: a vector only when b is 1-D
        x = solve_p(a, reshape_p(b, shape_of(b) + (1,)))
        return reshape_p(x, shape_of(x)[:-1])
    return solve_p(a, b)


inv_p = Primitive("inv", np.linalg.inv)
inv_p.vjps[0] = lambda g, ans, A: -matmul_p(matmul_p(mT(ans), g), mT(ans))
inv_p.jvps[0] = lambda t, ans, A: -matmul_p(matmul_p(ans, t), ans)


@implements(np.linalg.inv)
def _inv(a):
    need_matrices("inv", a)
    return inv_p(a)


det_p = Primitive("det", np.linalg.det)
det_p.vjps[0] = lambda g, ans, A: _batch_scalar(g * ans) * mT(inv_p(A))
det_p.jvps[0] = lambda t, ans, A: ans * sum_p(mT(inv_p(A)) * t, axis=(-2, -1))


@implements(np.linalg.det)
def _det(a):
    need_matrices("det", a)
    return det_p(a)


logabsdet_p = Primitive("slogdet", lambda A: np.linalg.slogdet(A)[1])
logabsdet_p.vjps[0] = lambda g, ans, A: _batch_scalar(g) * mT(inv_p(A))
logabsdet_p.jvps[0] = lambda t, ans, A: sum_p(mT(inv_p(A)) * t, axis=(-2, -1))
SlogdetResult = collections.namedtuple("SlogdetResult", "sign logabsdet")


@implements(np.linalg.slogdet)
def _slogdet(a):
    need_matrices("slogdet", a)
    return SlogdetResult(np.linalg.slogdet(raw(a))[0], logabsdet_p(a))


def _pinv_raw(A, rcond):
    return np.linalg.pinv(A, rcond=rcond)


def _pinv_vjp(g, ans, A, rcond):
    P = ans
    m, n = shape_of(A)[-2:]
    Q, R = np.eye(m) - matmul_p(A, P), np.eye(n) - matmul_p(P, A)
    return (-matmul_p(matmul_p(mT(P), g), mT(P)) + matmul_p(Q, matmul_p(mT(g), matmul_p(P, mT(P))))
            + matmul_p(matmul_p(mT(P), P), matmul_p(mT(g), R)))


def _pinv_jvp(t, ans, A, rcond):
    P = ans
    m, n = shape_of(A)[-2:]
    Q, R = np.eye(m) - matmul_p(A, P), np.eye(n) - matmul_p(P, A)
    return (-matmul_p(matmul_p(P, t), P) + matmul_p(matmul_p(P, mT(P)), matmul_p(mT(t), Q))
            + matmul_p(R, matmul_p(mT(t), matmul_p(mT(P), P))))


pinv_p = Primitive("pinv", _pinv_raw)
pinv_p.vjps[0] = _pinv_vjp
pinv_p.jvps[0] = _pinv_jvp


@implements(np.linalg.pinv)
def _pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """The pseudo-inverse; its derivative exists where the rank is full (constant nearby), so a matrix of
    lower rank (by numpy's own cutoff) is refused."""
    need_matrices("pinv", a)
    if hermitian:
        raise TypeError("zeroopt.ad: numpy.linalg.pinv(hermitian=True) has no derivative rule")
    m, n = shape_of(a)[-2:]
    if rcond is None:
        rcond = max(m, n) * np.finfo(float).eps if rtol in (np._NoValue, None) else rtol
    s = np.linalg.svd(raw(a), compute_uv=False)
    if np.any(s[..., -1:] <= rcond * s[..., :1]) if min(m, n) else False:
        raise ValueError("zeroopt.ad: numpy.linalg.pinv is differentiable only at matrices of full rank (it jumps "
                         "where the rank changes); this one has singular values below the cutoff rcond * s_max")
    return pinv_p(a, rcond)
