"""einsum with ellipses, swept over where the ellipsis stands (head, middle, tail, in one operand or
all, of different widths), how its axes broadcast (size-1 against larger, size-1 against size-0), and
size-0 and size-1 axes: the value is numpy's, and both modes agree with central differences (the
dot-product checks of zeroopt.ad.check_grads), to second order where the arrays are not empty.

The tail case 'jk...,lj...->lk...' on (3, 2, 4) and (2, 3, 4) was wrong in both modes (its value too):
the ellipsis' sizes were read from the head of each shape."""

import warnings

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.ad import check_grads

CASES = [
    # where the ellipsis stands
    ("jk...,lj...->lk...", [(3, 2, 4), (2, 3, 4)]),          # tail (the reported case)
    ("jk...,lj...->lk...", [(3, 2), (2, 3, 4)]),             # tail, widths 0 and 1
    ("...jk,...lj->...lk", [(4, 3, 2), (4, 2, 3)]),          # head
    ("j...k,lj...->lk...", [(2, 4, 2), (2, 2, 4)]),          # middle of one operand, tail of the other
    ("i...j,j->i...", [(2, 4, 5, 3), (3,)]),                 # middle, two axes, one operand
    ("...ij,jk...->ik...", [(5, 2, 3), (3, 4, 5)]),          # head of one operand, tail of the other
    ("ij...,jk->ik", [(2, 3), (3, 4)]),                      # an ellipsis of width 0, no ellipsis out
    ("...ii->...i", [(2, 3, 3)]),                            # with a diagonal
    ("...i,...i", [(2, 1, 3), (4, 3)]),                      # implicit output, broadcast (2, 1) with (4,)
    ("...,...->...", [(2, 3), (3,)]),
    ("a...,a->...", [(2, 3, 1), (2,)]),
    ("ij...,jk...,kl...->il...", [(2, 3, 4), (3, 2, 4), (2, 2, 1)]),   # three operands, size-1 broadcast
    # broadcasting of the ellipsis' axes
    ("...ij,...jk->...ik", [(1, 2, 3), (5, 3, 4)]),          # size 1 against 5
    ("...ij,...jk->...ik", [(2, 3), (5, 3, 4)]),             # by width
    ("i...,i...->i...", [(3, 1), (3, 5)]),                   # size 1 at the tail
    ("...ij,...jk->...ik", [(1, 1, 1), (1, 1, 1)]),          # every axis of size 1
    # size-0 axes
    ("...ij,...jk->...ik", [(0, 2, 3), (0, 3, 4)]),          # autograd's broadcast leading zero
    ("...ij,...jk->...ik", [(1, 2, 3), (0, 3, 4)]),          # size 1 against size 0
    ("...ij,...jk->...ik", [(2, 0, 3), (2, 3, 4)]),          # an empty free axis
    ("...ij,...jk->...ik", [(2, 2, 0), (2, 0, 4)]),          # an empty summed axis: zeros
]


def split(z, shapes):
    out, start = [], 0
    for s in shapes:
        size = int(np.prod(s))
        out.append(z[start:start + size].reshape(s))
        start += size
    return out


@pytest.mark.parametrize("spec, shapes", CASES, ids=[f"{s}|{'x'.join(map(str, sh))}" for s, sh in CASES])
def test_einsum_ellipses_both_modes(spec, shapes):
    rng = np.random.default_rng(len(spec) + sum(map(len, shapes)))
    z = rng.uniform(-1.5, 1.5, int(sum(np.prod(s) for s in shapes)))

    def f(z):
        return np.einsum(spec, *split(z, shapes))
    want = np.einsum(spec, *split(z, shapes))
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no NaN or division warnings on the way
        y, t = zo.jvp(f, z, np.ones_like(z))
        assert np.shape(y) == want.shape and np.shape(t) == want.shape
        np.testing.assert_allclose(y, want, rtol=1e-13, atol=1e-14)
        for mode in ("fwd", "rev"):
            check_grads(f, z, order=1, modes=(mode,))
        if z.size and want.size:
            check_grads(f, z, order=2)
        # each operand alone (the others constants), reverse mode: the cotangent has the operand's shape
        for k, s in enumerate(shapes):
            parts = split(z, shapes)

            def g(a, k=k, parts=parts):
                return np.sum(np.sin(np.einsum(spec, *parts[:k], a, *parts[k + 1:])))
            grad = zo.grad(g)(parts[k])
            assert grad.shape == s
            if parts[k].size:
                check_grads(g, parts[k], order=1)


def test_the_reported_tail_case_matches_differences_along_a_random_direction():
    """zo.grad of sum(sin(einsum('jk...,lj...->lk...', A, B))) along a direction, all drawn from
    default_rng(0): 0.2109 by central differences; the AD gave -3.61 in both modes before the fix (the
    issue's numbers), and its value was off by up to 10."""
    rng = np.random.default_rng(0)
    A, B, V = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 2, 4))

    def f(A):
        return np.sum(np.sin(np.einsum("jk...,lj...->lk...", A, B)))
    h = 1e-6
    numeric = (f(A + h * V) - f(A - h * V)) / (2 * h)
    assert np.sum(zo.grad(f)(A) * V) == pytest.approx(numeric, rel=1e-7)
    assert zo.jvp(f, A, V)[1] == pytest.approx(numeric, rel=1e-7)


@pytest.mark.parametrize("spec, shapes, message", [
    ("...i->i", [(2, 3)], "no '...' ellipsis"),                 # numpy refuses an ellipsis left out
    ("...i->i", [(1, 3)], "no '...' ellipsis"),
    ("...i,...i", [(0, 3), (2, 3)], None),                       # 0 against 2: no broadcast
    ("ijk,jk", [(2, 3), (3,)], None),                            # too many subscripts for an operand
])
def test_einsum_refuses_what_numpy_refuses(spec, shapes, message):
    arrays = [np.ones(s) for s in shapes]
    with pytest.raises(ValueError, match=message):
        np.einsum(spec, *arrays)
    with pytest.raises(ValueError, match=message):
        zo.jvp(lambda a: np.einsum(spec, a, *arrays[1:]), arrays[0], arrays[0])
