"""Rules for matrix decompositions: svd (and singular values), eigh (and eigvalsh), eig (and eigvals) for
real input with a real spectrum, cholesky - batched over leading axes as numpy is.

A decomposition with several outputs is one primitive whose value packs them along the last axis; the
outputs are slices of it. The JVPs of svd, eigh and cholesky are their VJPs transposed (exact, by
linearity: J t = grad_g <VJP(g), t>). ``cholesky`` and ``eigh`` read only the lower triangle of their
input (as numpy does), so their derivative with respect to the strict upper triangle is zero and the
lower one carries both halves - the exact derivative of the function numpy computes. The derivatives of
eigen- and singular vectors exist where the eigen- and singular values are distinct.
"""

from __future__ import annotations

import collections

from .contractions import matmul_p
from .core import Primitive, reshape_p, shape_of, sum_p, transpose
from .indexing import diagonal, getitem_p
from .joining import concat_p
from .linalg import need_matrices, solve_p
from .numpy_names import np
from .shapes import expand_dims, mT
from .tracer import implements


def jvp_by_transposing(prim, argnum):
    """The JVP of a primitive from its VJP rule: J t = grad_g <VJP(g), t> (the VJP is linear in g)."""
    def jvp(t, ans, *args, **kwargs):
        return transpose(lambda g: prim.vjps[argnum](g, ans, *args, **kwargs), shape_of(ans), t)
    return jvp


def _pack(batch, *arrays):
    """Arrays with the leading (batch) axes ``batch``, flattened beyond them and joined on the last axis."""
    return np.concatenate([np.reshape(a, batch + (-1,)) for a in arrays], axis=-1)


def _unpack(packed, *shapes):
    """The inverse of _pack: traced slices of the last axis, each reshaped to batch + shape."""
    batch, out, start = shape_of(packed)[:-1], [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(reshape_p(getitem_p(packed, (Ellipsis, slice(start, start + size))), batch + tuple(shape)))
        start += size
    return out


def _row(v):
    return expand_dims(v, -2)     # (..., k) -> (..., 1, k)


def _col(v):
    return expand_dims(v, -1)     # (..., k) -> (..., k, 1)


def _diag_of(M):
    return diagonal(M, 0, -2, -1)


# --- svd ------------------------------------------------------------------------------------------
def _svd_raw(A):
    return _pack(np.shape(A)[:-2], *np.linalg.svd(A, full_matrices=False))


def _svd_unpack(packed, m, n):
    k = min(m, n)
    return _unpack(packed, (m, k), (k,), (k, n))


def _svd_vjp(g, ans, A):
    """Townsend (2016), 'Differentiating the singular value decomposition', real thin SVD."""
    m, n = shape_of(A)[-2:]
    k = min(m, n)
    U, s, Vt = _svd_unpack(ans, m, n)
    gU, gs, gVt = _svd_unpack(g, m, n)
    V, gV = mT(Vt), mT(gVt)
    eye = np.eye(k)
    sr, sc = _row(s), _col(s)
    F = (1.0 - eye) / (sr * sr - sc * sc + eye)            # F_ij = 1 / (s_j^2 - s_i^2), 0 on the diagonal
    UtgU = matmul_p(mT(U), gU)
    VtgV = matmul_p(mT(V), gV)
    core = (F * (UtgU - mT(UtgU))) * sr + eye * _col(gs) + sc * (F * (VtgV - mT(VtgV)))
    out = matmul_p(matmul_p(U, core), Vt)
    if m > n:
        out = out + matmul_p(matmul_p(np.eye(m) - matmul_p(U, mT(U)), gU) / sr, Vt)
    elif m < n:
        out = out + matmul_p(U / sr, matmul_p(mT(gV), np.eye(n) - matmul_p(V, Vt)))
    return out


svd_p = Primitive("svd", _svd_raw)
svd_p.vjps[0] = _svd_vjp
svd_p.jvps[0] = jvp_by_transposing(svd_p, 0)


def _svdvals_vjp(g, ans, A):
    m, n = shape_of(A)[-2:]
    U, _, Vt = _svd_unpack(svd_p(A), m, n)
    return matmul_p(U * _row(g), Vt)


def _svdvals_jvp(t, ans, A):
    m, n = shape_of(A)[-2:]
    U, _, Vt = _svd_unpack(svd_p(A), m, n)
    return sum_p(U * matmul_p(t, mT(Vt)), axis=-2)            # ds_i = u_i' dA v_i


svdvals_p = Primitive("svdvals", lambda A: np.linalg.svd(A, compute_uv=False))
svdvals_p.vjps[0] = _svdvals_vjp
svdvals_p.jvps[0] = _svdvals_jvp
SVDResult = collections.namedtuple("SVDResult", "U S Vh")


@implements(np.linalg.svd)
def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    need_matrices("svd", a)
    if hermitian:
        raise TypeError("zeroopt.ad: numpy.linalg.svd(hermitian=True) has no derivative rule")
    if not compute_uv:
        return svdvals_p(a)
    m, n = shape_of(a)[-2:]
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
    return _pack(np.shape(A)[:-2], *np.linalg.eigh(A, UPLO))


def _upper(G, UPLO):
    return G if UPLO == "L" else mT(G)


def _eigh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    w, V = _unpack(ans, (n,), (n, n))
    gw, gV = _unpack(g, (n,), (n, n))
    eye = np.eye(n)
    F = (1.0 - eye) / (_row(w) - _col(w) + eye)                # 1 / (w_j - w_i)
    G = matmul_p(matmul_p(V, eye * _row(gw) + F * matmul_p(mT(V), gV)), mT(V))
    return _upper(_lower_read(_upper(G, UPLO)), UPLO)


eigh_p = Primitive("eigh", _eigh_raw)
eigh_p.vjps[0] = _eigh_vjp
eigh_p.jvps[0] = jvp_by_transposing(eigh_p, 0)
EighResult = collections.namedtuple("EighResult", "eigenvalues eigenvectors")


def _eigvalsh_vjp(g, ans, A, UPLO="L"):
    n = shape_of(A)[-1]
    _, V = _unpack(eigh_p(A, UPLO), (n,), (n, n))
    G = matmul_p(V * _row(g), mT(V))
    return _upper(_lower_read(_upper(G, UPLO)), UPLO)


eigvalsh_p = Primitive("eigvalsh", lambda A, UPLO="L": np.linalg.eigvalsh(A, UPLO))
eigvalsh_p.vjps[0] = _eigvalsh_vjp
eigvalsh_p.jvps[0] = jvp_by_transposing(eigvalsh_p, 0)


@implements(np.linalg.eigh)
def _eigh(a, UPLO="L"):
    need_matrices("eigh", a, square=True)
    n = shape_of(a)[-1]
    return EighResult(*_unpack(eigh_p(a, UPLO), (n,), (n, n)))


@implements(np.linalg.eigvalsh)
def _eigvalsh(a, UPLO="L"):
    need_matrices("eigvalsh", a, square=True)
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
cholesky_p.jvps[0] = jvp_by_transposing(cholesky_p, 0)


@implements(np.linalg.cholesky)
def _cholesky(a, upper=False):
    need_matrices("cholesky", a, square=True)
    if upper:  # numpy then reads the upper triangle: U = chol(A')' with the lower factor of A'
        return mT(cholesky_p(mT(a)))
    return cholesky_p(a)


# --- eig: real input with a real spectrum -------------------------------------------------------------
def _eig_raw(A):
    w, V = np.linalg.eig(A)
    if np.iscomplexobj(w):
        raise ValueError("zeroopt.ad: numpy.linalg.eig is differentiable for real matrices with a real spectrum; "
                         "this one has complex eigenvalues (the AD is real-valued)")
    return _pack(np.shape(A)[:-2], w, V)


def _eig_parts(ans, n):
    w, V = _unpack(ans, (n,), (n, n))
    eye = np.eye(n)
    return w, V, (1.0 - eye) / (_row(w) - _col(w) + eye)       # F_ij = 1 / (w_j - w_i), 0 on the diagonal


def _eig_jvp(t, ans, A):
    """M = V^-1 dA V: dw = diag(M), dV = V (F o M) less its component along each (unit) column of V."""
    n = shape_of(A)[-1]
    w, V, F = _eig_parts(ans, n)
    M = solve_p(V, matmul_p(t, V))
    dV = matmul_p(V, F * M)
    dV = dV - V * sum_p(V * dV, axis=-2, keepdims=True)
    return concat_last(_diag_of(M), dV)


def _eig_vjp(g, ans, A):
    """gA = V^-T (diag(gw) + F o (V' gV')) V' with gV' = gV less V times the columnwise <V, gV>."""
    n = shape_of(A)[-1]
    w, V, F = _eig_parts(ans, n)
    gw, gV = _unpack(g, (n,), (n, n))
    gV = gV - V * sum_p(V * gV, axis=-2, keepdims=True)
    X = np.eye(n) * _row(gw) + F * matmul_p(mT(V), gV)
    return solve_p(mT(V), matmul_p(X, mT(V)))


def concat_last(w, V):
    batch = shape_of(w)[:-1]
    return concat_p(len(batch), w, reshape_p(V, batch + (-1,)))


eig_p = Primitive("eig", _eig_raw)
eig_p.vjps[0] = _eig_vjp
eig_p.jvps[0] = _eig_jvp
EigResult = collections.namedtuple("EigResult", "eigenvalues eigenvectors")


@implements(np.linalg.eig)
def _eig(a):
    need_matrices("eig", a, square=True)
    n = shape_of(a)[-1]
    return EigResult(*_unpack(eig_p(a), (n,), (n, n)))


@implements(np.linalg.eigvals)
def _eigvals(a):
    need_matrices("eigvals", a, square=True)
    return _unpack(eig_p(a), (shape_of(a)[-1],))[0]
