"""The operations of the systematic AD table, continued: joining and splitting, lists of traced values,
contractions and linear algebra (the data; the table is tests/test_ad_table.py)."""

import numpy as np
from test_ad_table_ops import Op, away_from_zero, real_spectrum, separated_spectrum, spd, well_conditioned

JOINING = [
    Op("concatenate", lambda a, b, **k: np.concatenate([a, b], **k), [((2, 3), (2, 3))], [{}, dict(axis=1), dict(axis=None)]),
    Op("concatenate (different sizes)", lambda a, b: np.concatenate((a, b), axis=1), [((2, 2), (2, 3))]),
    Op("stack", lambda a, b, **k: np.stack([a, b, a], **k), [((2, 3), (2, 3))], [{}, dict(axis=-1)]),
    Op("hstack/vstack/dstack", lambda a, b: np.hstack([a, b]) + np.vstack([a, b]).sum() + np.dstack([a, b])[..., 0].sum(),
       [((3,), (3,)), ((2, 3), (2, 3))]),
    Op("column_stack", lambda a, b: np.column_stack([a, b, a]), [((3,), (3,)), ((3, 2), (3,))]),
    Op("append", lambda a, b, **k: np.append(a, b, **k), [((2, 3), (2, 3))], [{}, dict(axis=0), dict(axis=1)]),
    Op("split", lambda x, **k: np.split(x, **k)[1] * 2.0, [((4, 6),)],
       [dict(indices_or_sections=2), dict(indices_or_sections=[1, 3], axis=1), dict(indices_or_sections=3, axis=1)]),
    Op("array_split", lambda x, **k: np.array_split(x, **k)[-1], [((5, 4),)], [dict(indices_or_sections=3),
                                                                               dict(indices_or_sections=3, axis=1)]),
    Op("hsplit/vsplit/dsplit", lambda x: np.hsplit(x, 2)[1] * np.vsplit(x, [1])[1][..., :2, :] + np.dsplit(x, 2)[0][..., :2, :],
       [((2, 4, 2),)]),
    Op("pad", lambda x, **k: np.pad(x, **k), [((3, 4),)],
       [dict(pad_width=1), dict(pad_width=((1, 2), (0, 1)), constant_values=((1.0, 2.0), (3.0, 4.0))),
        dict(pad_width=2, mode="edge"), dict(pad_width=((2, 1), (3, 2)), mode="reflect"),
        dict(pad_width=(1, 3), mode="symmetric"), dict(pad_width=2, mode="wrap")]),
    Op("pad with a traced constant", lambda x, c: np.pad(x, 1, constant_values=c), [((3, 4), ())]),
    Op("linspace", lambda a, b, **k: np.linspace(a, b, **k), [((), ()), ((3,), (3,))],
       [dict(num=5), dict(num=4, endpoint=False), dict(num=6, axis=-1)]),
    Op("linspace retstep", lambda a, b: np.linspace(a, b, 4, retstep=True)[1] * np.linspace(a, 2.0, 3)[1], [((), ())]),
    Op("np.array/np.asarray of lists", lambda a, b: np.array([a, 2 * b, [b[0], 3.0, a[1]]]) + np.asarray((a, b)).sum(0)
       + np.array([[a[0]]], ndmin=3)[0, 0], [((3,), (3,))], lists=True),
    Op("numpy functions of lists", lambda a, b: np.mean([a, b], axis=0) + np.var([a[0], b[1], 1.0])
       + np.linalg.norm([a[0], b[0]]) + np.append([a[0], 1.0], b).sum() + np.sum([a, b]), [((2,), (2,))], lists=True),
    Op("np.r_ and np.c_", lambda a, b: np.r_[a, 1.0, b, 0:2].sum() + np.c_[a, b, a] * 2.0 + np.c_[a[:, None], b, 1.5 * a],
       [((3,), (3,))], lists=True),
]

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)), ((4, 2, 3), (3,))]
EINSUM = ["ij,jk->ik", "ij,jk", "ii", "ii->i", "ij->", "ij->ji", "i,i", "i,j->ij", "...j,jk->...k", "...j,j", "iij->j",
          "ij,ij,ij->i", "ijk->", "iji->j", "ii,i->i", "...,...", "ab,cb", "Ba,Ca", "bij,bjk->bik",
          "jk...,lj...->lk...", "j...k,lj...->lk...", "...ij,...jk->...ik"]
EINSUM_SHAPES = {"ij,jk->ik": [(3, 4), (4, 2)], "ij,jk": [(3, 4), (4, 2)], "ii": [(3, 3)], "ii->i": [(3, 3)],
                 "ij->": [(3, 4)], "ij->ji": [(3, 4)], "i,i": [(4,), (4,)], "i,j->ij": [(3,), (4,)],
                 "...j,jk->...k": [(2, 3, 4), (4, 2)], "...j,j": [(2, 3, 4), (4,)], "iij->j": [(3, 3, 2)],
                 "ij,ij,ij->i": [(2, 3)] * 3, "ijk->": [(2, 3, 4)], "iji->j": [(3, 2, 3)], "ii,i->i": [(3, 3), (3,)], "...,...": [(2, 3), (3,)],
                 "ab,cb": [(3, 4), (2, 4)], "Ba,Ca": [(3, 4), (2, 4)], "bij,bjk->bik": [(2, 3, 4), (2, 4, 2)],
                 # ellipses at the tail (issue: the derivative was wrong in both modes), in the middle, broadcast
                 "jk...,lj...->lk...": [(3, 2, 4), (2, 3, 4)], "j...k,lj...->lk...": [(2, 4, 2), (2, 2, 4)],
                 "...ij,...jk->...ik": [(1, 2, 3), (3, 3, 4)]}

CONTRACTIONS = [
    Op("matmul", np.matmul, MATMUL_SHAPES, order3=True),
    Op("@ operator", lambda a, b: a @ b, MATMUL_SHAPES[:4]),
    Op("dot", np.dot, [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((), (3,)), ((2, 3), ()), ((2, 3, 4), (2, 4, 3)),
                       ((3, 4), (2, 4, 3)), ((2, 3, 4), (4,))], order3=True),
    Op("dot method", lambda a, b: a.dot(b), [((2, 3), (3,))]),
    Op("inner", np.inner, [((3,), (3,)), ((2, 3), (4, 3)), ((2, 3), (3,)), ((), (2,)), ((2, 3, 4), (3, 4))]),
    Op("outer", np.outer, [((3,), (2,)), ((2, 2), (3,))], order3=True),
    Op("vdot", np.vdot, [((2, 3), (2, 3))]),
    Op("einsum", lambda *xs, spec: np.einsum(spec, *xs, optimize=len(xs) > 2),
       [tuple(EINSUM_SHAPES[s]) for s in EINSUM], [dict(spec=s) for s in EINSUM], order3=True, paired=True),
    Op("einsum interleaved", lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]) + np.einsum(a, [Ellipsis, 1], b[:, 0], [1])[:, None],
       [((3, 4), (4, 2))]),
    Op("einsum broadcasting a size-1 axis", lambda a, b: np.einsum("i,i->i", a, b), [((1,), (4,))]),
    Op("tensordot", lambda a, b, **k: np.tensordot(a, b, **k), [((2, 3, 4), (3, 4, 2))],
       [{}, dict(axes=([0, 1], [2, 0])), dict(axes=(2, 1)), dict(axes=0)], order3=True),
    Op("tensordot axes=1", lambda a, b: np.tensordot(a, b, 1), [((2, 3), (3, 4))]),
    Op("kron", np.kron, [((2, 3), (3, 2)), ((2, 3, 2), (4,)), ((3,), (2, 2))], order3=True),
    Op("cross", lambda a, b, **k: np.cross(a, b, **k), [((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 2), (4, 2)), ((4, 2), (4, 3)),
                                                         ((4, 3), (2,))], order3=True),
    Op("cross axes", lambda a, b: np.cross(a, b, axisa=0, axisb=-1, axisc=0) + np.cross(a.T, b, axis=1).T, [((3, 4), (4, 3))]),
]

LINALG = [
    Op("solve", np.linalg.solve, [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)), ((2, 3, 3), (3,)),
                                  ((3, 3), (2, 3, 2))], dom=[well_conditioned, None]),
    Op("inv", np.linalg.inv, [((3, 3),), ((2, 3, 3),)], dom=well_conditioned),
    Op("det", np.linalg.det, [((3, 3),), ((2, 3, 3),)], dom=well_conditioned),
    Op("slogdet", lambda A: np.linalg.slogdet(A)[1] * np.linalg.slogdet(A).sign, [((3, 3),), ((2, 3, 3),)],
       dom=lambda rng, s: well_conditioned(rng, s) - 6 * np.eye(3)),
    Op("pinv", np.linalg.pinv, [((4, 3),), ((3, 4),), ((2, 3, 3),)], dom=separated_spectrum),
    Op("vector norm", lambda x, **k: np.linalg.norm(x, **k), [((4,),)],
       [{}, dict(ord=1), dict(ord=np.inf), dict(ord=-np.inf), dict(ord=3), dict(ord=0.5), dict(ord=2, keepdims=True)],
       dom=away_from_zero),
    Op("vector norm along an axis", lambda x, **k: np.linalg.norm(x, **k), [((3, 4),), ((2, 3, 4),)],
       [dict(axis=-1), dict(ord=1, axis=0, keepdims=True), dict(ord=np.inf, axis=1), dict(ord=3, axis=0)], dom=away_from_zero),
    Op("norm of everything", lambda x, **k: np.linalg.norm(x, **k), [((2, 3, 4),)], [{}, dict(keepdims=True)]),
    Op("matrix norm", lambda x, **k: np.linalg.norm(x, **k), [((3, 4),), ((2, 3, 4),)],
       [dict(ord=o, axis=(-2, -1)) for o in (None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf)], dom=separated_spectrum),
    Op("matrix norm over axes (2, 0)", lambda x, **k: np.linalg.norm(x, axis=(2, 0), **k), [((2, 3, 4),)],
       [dict(ord="nuc", keepdims=True), dict(ord=2), dict(ord=-1, keepdims=True)]),
    Op("svd values", lambda A: np.linalg.svd(A, compute_uv=False), [((3, 4),), ((4, 3),), ((2, 3, 3),)],
       dom=separated_spectrum),
    Op("svd vectors", lambda A: _svd_fun(A), [((3, 3),), ((4, 3),), ((2, 3, 4),)], dom=separated_spectrum),
    Op("eigh", lambda A, **k: _eigh_fun(A, **k), [((3, 3),), ((2, 3, 3),)], [{}, dict(UPLO="U")], dom=spd),
    Op("eigvalsh", lambda A, **k: np.linalg.eigvalsh(A, **k), [((3, 3),), ((2, 3, 3),)], [{}, dict(UPLO="U")], dom=spd),
    Op("eig", lambda A: _eig_fun(A), [((3, 3),), ((2, 3, 3),)], dom=real_spectrum),
    Op("eigvals", np.linalg.eigvals, [((3, 3),)], dom=real_spectrum),
    Op("cholesky", lambda A, **k: np.linalg.cholesky(A, **k), [((3, 3),), ((2, 3, 3),)], [{}, dict(upper=True)], dom=spd),
]


def _svd_fun(A):
    """Smooth functions of U, s and Vt that do not see the sign of a singular vector."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    w = np.arange(1.0, U.shape[-2] + 1)[:, None]
    return np.sum(U ** 2 * w, axis=-2) + s ** 2 + np.sum(Vt ** 2 * np.arange(1.0, Vt.shape[-1] + 1), axis=-1)


def _eigh_fun(A, **k):
    w, V = np.linalg.eigh(A, **k)
    return w * np.sum(V ** 2 * np.arange(1.0, 4.0)[:, None], axis=-2)


def _eig_fun(A):
    w, V = np.linalg.eig(A)
    return w + np.sum(V ** 2 * np.arange(1.0, 4.0)[:, None], axis=-2)

