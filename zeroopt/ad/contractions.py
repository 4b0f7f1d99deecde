"""Rules for contractions: matmul (with numpy's broadcasting and 1-D promotion), einsum, dot, inner, vdot,
outer, tensordot, kron, cross.

Each is multilinear: the VJP with respect to one operand reads only the others, so the tape keeps no
more. ``einsum`` is one primitive on explicit subscripts whose letters are unique within each operand
and shared with another operand or the output; every other form (implicit output, ellipses, repeated
letters - diagonals -, letters summed within one operand, the interleaved argument form) is first
brought to that by traced diagonals and sums. Its VJP for one operand is the einsum of the cotangent
with the other operands; ``optimize=`` only chooses an evaluation order and is ignored.
"""

from __future__ import annotations

import string

from .core import Primitive, Variadic, linear, ndim_of, reshape_p, shape_of, sum_p, unbroadcast
from .elementwise import multiply_p
from .indexing import getitem_p
from .joining import concat_p
from .numpy_names import np
from .shapes import expand_dims, mT, moveaxis, ravel, swap
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


# --- einsum ---------------------------------------------------------------------------------------
def _einsum_raw(spec, *operands):
    return np.einsum(spec, *operands, optimize=len(operands) > 2 and "greedy")


def _einsum_vjp(i, g, ans, spec, *operands):
    ins, out = spec.split("->")
    ins = ins.split(",")
    others = [o for j, o in enumerate(operands) if j != i - 1]
    subs = [s for j, s in enumerate(ins) if j != i - 1]
    return unbroadcast(einsum_p(",".join([out] + subs) + "->" + ins[i - 1], g, *others), shape_of(operands[i - 1]))


def _einsum_jvp(i, t, ans, spec, *operands):
    return einsum_p(spec, *[t if j == i - 1 else o for j, o in enumerate(operands)])


einsum_p = Primitive("einsum", _einsum_raw)
einsum_p.vjps = Variadic(_einsum_vjp)
einsum_p.jvps = Variadic(_einsum_jvp)


def _diag_raw(x, spec):
    return np.einsum(spec, x).copy()


def _undiag_raw(g, spec, shape):
    """Zeros of ``shape`` with g on the diagonals that ``spec`` ("iij->ij") reads."""
    ins, out = spec.split("->")
    grid = np.indices(np.shape(g), sparse=True)
    full = np.zeros(shape, dtype=np.result_type(g, np.float64))
    full[tuple(grid[out.index(c)] for c in ins)] = g
    return full


ediag_p = linear(Primitive("einsum_diagonal", _diag_raw, needs={0: (1,)}))
eundiag_p = linear(Primitive("einsum_undiagonal", _undiag_raw, needs={0: (1, 2)}))
ediag_p.vjps[0] = lambda g, ans, x, spec: eundiag_p(g, spec, shape_of(x))
eundiag_p.vjps[0] = lambda g, ans, x, spec, shape: ediag_p(g, spec)


def _letters(subscripts, operands):
    """The interleaved form einsum(a, [0, 1], b, [1, 2], [0, 2]) as a subscripts string and operands."""
    ops, subs = list(subscripts[0::2]), list(subscripts[1::2])
    out = None
    if len(subscripts) % 2:
        out = subscripts[-1]
        ops = ops[: len(subs)]
    chars = string.ascii_letters

    def word(sub):
        return "".join("..." if s is Ellipsis else chars[int(s)] for s in sub)
    return ",".join(word(s) for s in subs) + ("" if out is None else "->" + word(out)), ops


def _explicit(spec, shapes):
    """Explicit subscripts, ellipses written out as letters. An operand's ellipsis stands for its axes at
    the position of "..." in its subscripts; those of all operands broadcast against each other aligned
    on the right, as numpy's. A size-1 axis broadcast against another size gets its own letter, summed
    away like any letter of one operand."""
    spec = spec.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise ValueError("more operands provided to einstein sum function than specified in the subscripts string"
                         if len(shapes) > len(ins) else "fewer operands provided to einstein sum function than specified")
    used = set(spec) - set(".,->")
    free = iter(c for c in string.ascii_letters if c not in used)
    counts = {}
    for s in ins:
        for c in s.replace("...", ""):
            counts[c] = counts.get(c, 0) + 1
    ellipses = []                                       # (axes before "...", the ellipsis' sizes) per operand
    for k, (s, shape) in enumerate(zip(ins, shapes)):
        before, dots, after = s.partition("...")
        width = len(shape) - len(before) - len(after)
        if width < 0 or (width and not dots):
            raise ValueError(f"einstein sum subscripts string {s!r} does not match operand {k} of shape {shape}")
        ellipses.append(tuple(shape[len(before):len(before) + width]) if dots else None)
    sizes = [e for e in ellipses if e is not None]
    dims = np.broadcast_shapes(*sizes) if sizes else ()
    L = len(dims)
    shared = [next(free) for _ in range(L)]
    new_ins = []
    for s, e in zip(ins, ellipses):
        if e is not None:
            w = len(e)
            s = s.replace("...", "".join(shared[L - w + j] if e[j] == dims[L - w + j] else next(free) for j in range(w)))
        new_ins.append(s)
    if not arrow:
        out = "".join(shared) + "".join(sorted(c for c, n in counts.items() if n == 1))
    elif "..." in out:
        out = out.replace("...", "".join(shared))
    elif L:
        raise ValueError("output has more dimensions than subscripts given in einstein sum, but no '...' ellipsis "
                         "provided to broadcast the extra dimensions.")
    return new_ins, out


@implements(np.einsum)
def einsum(*operands, out=None, optimize=False, **kw):
    if out is not None or kw.get("dtype") not in (None, float, np.float64):
        raise TypeError("zeroopt.ad: numpy.einsum is differentiable without out= and dtype=")
    if isinstance(operands[0], str):
        spec, ops = operands[0], list(operands[1:])
    else:
        spec, ops = _letters(operands, ())
    ins, output = _explicit(spec, [shape_of(o) for o in ops])
    for k, (s, o) in enumerate(zip(ins, ops)):
        unique = "".join(dict.fromkeys(s))
        if len(unique) < len(s):                                  # repeated letters: the diagonal first
            ops[k], s = ediag_p(o, f"{s}->{unique}"), unique
        elsewhere = set(output).union(*[set(t) for j, t in enumerate(ins) if j != k])
        alone = tuple(a for a, c in enumerate(s) if c not in elsewhere)
        if alone:                                                 # letters of this operand only: summed
            ops[k], s = sum_p(ops[k], axis=alone), "".join(c for c in s if c in elsewhere)
        ins[k] = s
    return einsum_p(",".join(ins) + "->" + output, *ops)


@implements(np.tensordot)
def tensordot(a, b, axes=2):
    na, nb = ndim_of(a), ndim_of(b)
    try:
        ax_a, ax_b = axes
        ax_a = [int(ax_a)] if np.ndim(ax_a) == 0 else [int(i) for i in ax_a]
        ax_b = [int(ax_b)] if np.ndim(ax_b) == 0 else [int(i) for i in ax_b]
    except TypeError:
        n = int(axes)
        ax_a, ax_b = list(range(na - n, na)), list(range(n))
    ax_a, ax_b = [i % na for i in ax_a], [i % nb for i in ax_b]
    if len(ax_a) != len(ax_b):
        raise ValueError("shape-mismatch for sum")
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(na)]
    sb = [next(letters) for _ in range(nb)]
    for i, j in zip(ax_a, ax_b):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in ax_a] + [c for j, c in enumerate(sb) if j not in ax_b]
    return einsum_p("".join(sa) + "," + "".join(sb) + "->" + "".join(out), a, b)


@implements(np.dot)
def dot(a, b, out=None):
    if out is not None:
        raise TypeError("zeroopt.ad: numpy.dot(..., out=...) is not differentiable")
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply_p(a, b)
    if ndim_of(b) <= 2 and ndim_of(a) <= 2 or ndim_of(b) == 1:
        return matmul_p(a, b)
    return tensordot(a, b, ([-1], [-2]))


@implements(np.inner)
def _inner(a, b):
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply_p(a, b)
    if ndim_of(a) <= 2 and ndim_of(b) <= 2:
        return matmul_p(a, mT(b))
    return tensordot(a, b, ([-1], [-1]))


@implements(np.kron)
def _kron(a, b):
    """Products of every entry of a with every entry of b, interleaved by axis (numpy's layout)."""
    sa, sb = shape_of(a), shape_of(b)
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    left = reshape_p(a, tuple(x for s in sa for x in (s, 1)))
    right = reshape_p(b, tuple(x for s in sb for x in (1, s)))
    return reshape_p(left * right, tuple(p * q for p, q in zip(sa, sb)))


@implements(np.cross)
def _cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    ka, kb = shape_of(a)[-1], shape_of(b)[-1]
    if ka not in (2, 3) or kb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    a0, a1, b0, b1 = (getitem_p(v, (Ellipsis, k)) for v, k in ((a, 0), (a, 1), (b, 0), (b, 1)))
    z = a0 * b1 - a1 * b0
    if ka == kb == 2:
        return z
    a2 = getitem_p(a, (Ellipsis, 2)) if ka == 3 else None
    b2 = getitem_p(b, (Ellipsis, 2)) if kb == 3 else None
    if a2 is None:
        x, y = a1 * b2, -(a0 * b2)
    elif b2 is None:
        x, y = -(a2 * b1), a2 * b0
    else:
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    shape = np.broadcast_shapes(shape_of(x), shape_of(y), shape_of(z)) + (1,)
    out = concat_p(-1, *[reshape_p(v * np.ones(shape[:-1]), shape) for v in (x, y, z)])
    return moveaxis(out, -1, axisc)


@implements(np.vdot)
def _vdot(a, b):
    return sum_p(ravel(a) * ravel(b))


@implements(np.outer)
def _outer(a, b, out=None):
    return reshape_p(ravel(a), (-1, 1)) * reshape_p(ravel(b), (1, -1))


