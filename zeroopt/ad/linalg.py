"""Rules for linear algebra: solve, inv, det, slogdet, norm, svd, eigh, eigvalsh, cholesky.

The JVPs of svd, eigh and cholesky are their VJPs transposed (exact, by linearity: J t = grad_g <VJP(g), t>).
``cholesky`` and ``eigh`` read only the lower triangle of their input (as numpy does), so their
derivative with respect to the strict upper triangle is zero and the lower one carries both halves -
the exact derivative of the function numpy computes.
"""

from __future__ import annotations

import collections
import numbers

import numpy as np

from .contractions import matmul_p
from .core import Primitive, Trace, Tracer, backward, expand_reduced, leaf_node, ndim_of, raw, reshape_p, shape_of, sum_p
from .elementwise import abs_p, power_p, where_p
from .reductions import max_p, min_p
from .indexing import getitem_p
from .shapes import mT
from .tracer import implements


def _need_2d(name, *arrays):
    for a in arrays:
        if ndim_of(a) != 2 and not (name == "solve" and a is arrays[-1] and ndim_of(a) == 1):
            raise TypeError(f"zeroopt.ad: numpy.linalg.{name} is differentiable for 2-D arrays only "
                            f"(got shape {shape_of(a)})")


solve_p = Primitive("solve", np.linalg.solve)


def _solve_vjp_A(g, ans, A, b):
    gb = solve_p(mT(A), g)
    return -(reshape_p(gb, (-1, 1)) * ans) if ndim_of(b) == 1 else -matmul_p(gb, mT(ans))


solve_p.vjps[0] = _solve_vjp_A
solve_p.vjps[1] = lambda g, ans, A, b: solve_p(mT(A), g)
solve_p.jvps[0] = lambda t, ans, A, b: -solve_p(A, matmul_p(t, ans))
solve_p.jvps[1] = lambda t, ans, A, b: solve_p(A, t)


@implements(np.linalg.solve)
def _solve(a, b):
    _need_2d("solve", a, b)
    return solve_p(a, b)


inv_p = Primitive("inv", np.linalg.inv)
inv_p.vjps[0] = lambda g, ans, A: -matmul_p(matmul_p(mT(ans), g), mT(ans))
inv_p.jvps[0] = lambda t, ans, A: -matmul_p(matmul_p(ans, t), ans)


@implements(np.linalg.inv)
def _inv(a):
    _need_2d("inv", a)
    return inv_p(a)


det_p = Primitive("det", np.linalg.det)
det_p.vjps[0] = lambda g, ans, A: g * ans * mT(inv_p(A))
det_p.jvps[0] = lambda t, ans, A: ans * sum_p(mT(inv_p(A)) * t)


@implements(np.linalg.det)
def _det(a):
    _need_2d("det", a)
    return det_p(a)


logabsdet_p = Primitive("slogdet", lambda A: np.linalg.slogdet(A)[1])
logabsdet_p.vjps[0] = lambda g, ans, A: g * mT(inv_p(A))
logabsdet_p.jvps[0] = lambda t, ans, A: sum_p(mT(inv_p(A)) * t)
SlogdetResult = collections.namedtuple("SlogdetResult", "sign logabsdet")


@implements(np.linalg.slogdet)
def _slogdet(a):
    _need_2d("slogdet", a)
    return SlogdetResult(np.linalg.slogdet(raw(a))[0], logabsdet_p(a))


def _norm2_raw(x, axis=None, keepdims=False):
    return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))


def _safe_norm(x, ans, axis, keepdims):
    """The 2-norm expanded to broadcast against x, with 1 where it is 0 (the gradient there is 0)."""
    a = expand_reduced(ans, shape_of(x), axis, keepdims)
    return where_p(raw(a) == 0, 1.0, a)


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
        return _matrix_norm(x if axes[0] % 2 == 0 else mT(x), ord, keepdims)
    raise TypeError(f"zeroopt.ad: numpy.linalg.norm(ord={ord!r}, axis={axis!r}) has no derivative rule")


def _jvp_by_transposing(prim, argnum):
    """The JVP of a primitive from its VJP rule: J t = grad_g <VJP(g), t> (VJP is linear in g)."""
    def jvp(t, ans, *args, **kwargs):
        trace = Trace("rev")
        start = leaf_node()
        g = Tracer(np.zeros(shape_of(ans)), start, trace)
        out = sum_p(prim.vjps[argnum](g, ans, *args, **kwargs) * t)
        if type(out) is not Tracer or out._trace is not trace:
            return np.zeros(shape_of(ans))
        jt = backward(out._node, np.float64(1.0), start)
        return np.zeros(shape_of(ans)) if jt is None else jt
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
    V, gV = mT(Vt), mT(gVt)
    eye = np.eye(k)
    sr = reshape_p(s, (1, k))
    sc = reshape_p(s, (k, 1))
    F = (1.0 - eye) / (sr * sr - sc * sc + eye)            # F_ij = 1 / (s_j^2 - s_i^2), 0 on the diagonal
    UtgU = matmul_p(mT(U), gU)
    VtgV = matmul_p(mT(V), gV)
    core = (F * (UtgU - mT(UtgU))) * sr + eye * reshape_p(gs, (k, 1)) + sc * (F * (VtgV - mT(VtgV)))
    out = matmul_p(matmul_p(U, core), Vt)
    if m > n:
        out = out + matmul_p(matmul_p(np.eye(m) - matmul_p(U, mT(U)), gU) / sr, Vt)
    elif m < n:
        out = out + matmul_p(U / sr, matmul_p(mT(gV), np.eye(n) - matmul_p(V, Vt)))
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
    return sum_p(U * matmul_p(t, mT(Vt)), axis=0)             # ds_i = u_i' dA v_i


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
    return G * np.eye(n) + (G + mT(G)) * np.tri(n, n, -1)


def _eigh_raw(A, UPLO="L"):
    w, V = np.linalg.eigh(A, UPLO)
    return np.concatenate([w, V.ravel()])


def _eigh_unpack(packed, n):
    return getitem_p(packed, slice(0, n)), reshape_p(getitem_p(packed, slice(n, n + n * n)), (n, n))


def _upper(G, UPLO):
    return G if UPLO == "L" else mT(G)


def _eigh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    w, V = _eigh_unpack(ans, n)
    gw, gV = _eigh_unpack(g, n)
    eye = np.eye(n)
    F = (1.0 - eye) / (reshape_p(w, (1, n)) - reshape_p(w, (n, 1)) + eye)  # 1 / (w_j - w_i)
    G = matmul_p(matmul_p(V, eye * reshape_p(gw, (1, n)) + F * matmul_p(mT(V), gV)), mT(V))
    return _upper(_lower_read(_upper(G, UPLO)), UPLO)


eigh_p = Primitive("eigh", _eigh_raw)
eigh_p.vjps[0] = _eigh_vjp
eigh_p.jvps[0] = _jvp_by_transposing(eigh_p, 0)
EighResult = collections.namedtuple("EighResult", "eigenvalues eigenvectors")


def _eigvalsh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    _, V = _eigh_unpack(eigh_p(A, UPLO), n)
    G = matmul_p(V * g, mT(V))
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
    P = matmul_p(mT(L), g) * (np.tri(n, n, -1) + 0.5 * np.eye(n))
    S = mT(solve_p(mT(L), mT(solve_p(mT(L), P))))
    return _lower_read(0.5 * (S + mT(S)))


cholesky_p = Primitive("cholesky", np.linalg.cholesky)
cholesky_p.vjps[0] = _cholesky_vjp
cholesky_p.jvps[0] = _jvp_by_transposing(cholesky_p, 0)


@implements(np.linalg.cholesky)
def _cholesky(a, upper=False):
    _need_2d("cholesky", a)
    if upper:  # numpy then reads the upper triangle: U = chol(A')' with the lower factor of A'
        return mT(cholesky_p(mT(a)))
    return cholesky_p(a)


