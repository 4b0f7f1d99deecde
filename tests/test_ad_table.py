"""The systematic table: every differentiable operation x input shapes (scalar, 1-D, 2-D, 3-D,
broadcasting pairs) x keyword variants x mode (forward, reverse) x order (1, 2; 3 for products), each case
checked by dot-product tests against central differences (zeroopt.ad.check_grads: step 1e-6, rtol 1e-6,
atol 1e-9 plus the rounding bound of the difference itself - autograd's tolerances are rtol = atol = 1e-6).

Order 1 checks the derivative computed in the case's mode, and that the traced value equals numpy's;
order k > 1 checks, in both modes, the derivatives of order k - 1 of that derivative function (so
order 2 covers forward-over-forward and reverse-over-forward for the forward cases, forward-over-
reverse and reverse-over-reverse for the reverse ones). The checker's negative control: each primitive
with one rule made wrong by 0.1 % fails a case that uses it.
"""

import contextlib
import functools
import zlib

import numpy as np
import pytest
from test_ad_table_ops import ELEMENTWISE, INDEXING, REDUCTIONS, SCANS, SHAPES, call
from test_ad_table_ops2 import CONTRACTIONS, JOINING, LINALG

import zeroopt.ad as ad
from zeroopt.ad import check_grads
from zeroopt.ad.rules import PRIMITIVES

OPS = ELEMENTWISE + REDUCTIONS + SCANS + SHAPES + INDEXING + JOINING + CONTRACTIONS + LINALG
CASES = [(op, shapes, kw, mode, order)
         for op in OPS for shapes, kw in op.variants() for mode in ("fwd", "rev")
         for order in ((1, 2, 3) if op.order3 else (1, 2))]


def case_id(case):
    op, shapes, kw, mode, order = case
    kws = ",".join(f"{k}={v!r}" for k, v in kw.items())
    return f"{op.name}|{'x'.join(str(s) for s in shapes)}|{kws}|{mode}|{order}".replace(" ", "")


def setup(op, shapes, kw, seed):
    """The case as f(z) of one flat vector z (all inputs at once) and its point."""
    rng = np.random.default_rng(seed)
    xs = op.inputs(rng, shapes)
    sizes = np.cumsum([0] + [x.size for x in xs])

    def f(z):
        return call(op.f, *[z[sizes[i]:sizes[i + 1]].reshape(s) for i, s in enumerate(shapes)], **kw)
    f.__name__ = op.name
    if op.lists:
        ad.accept_lists(f)
    return f, np.concatenate([np.ravel(x) for x in xs]).astype(np.float64)


def check(f, z, mode, order, seed):
    if order == 1:
        check_grads(f, z, order=1, modes=(mode,), seed=seed)
        return
    rng = np.random.default_rng(seed + 7)
    if mode == "fwd":
        v = rng.standard_normal(z.shape)

        def derivative(w):
            return ad.jvp(f, w, v)[1]
    else:
        u = rng.standard_normal(np.shape(f(z)))

        def derivative(w):
            return ad.vjp(f, w)[1](u)
    derivative.__name__ = f"{mode} derivative of {f.__name__}"
    check_grads(derivative, z, order=order - 1, modes=("fwd", "rev"), seed=seed + 1)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_table(case):
    op, shapes, kw, mode, order = case
    seed = zlib.crc32(case_id(case[:3] + ("", 0)).encode())
    f, z = setup(op, shapes, kw, seed)
    if order == 1:   # the traced value is numpy's (bit for bit but for reassociated contractions)
        traced, plain = ad.jvp(f, z, np.zeros_like(z))[0], np.asarray(f(z))
        assert np.shape(traced) == plain.shape
        np.testing.assert_allclose(traced, plain, rtol=1e-12, atol=1e-13 * (1 + np.max(np.abs(plain), initial=0)))
    check(f, z, mode, order, seed)


# --- the checker's negative control -------------------------------------------------------------
def primitives_of(f, z, order):
    """The primitives on the tape of f (order 1) or of its reverse derivative function (order 2)."""
    if order == 2:
        u = np.ones(np.shape(f(z)))
        g = f

        def f(w):
            return ad.vjp(g, w)[1](u)
    try:
        graph = ad.graph(f, z, cotangent=np.ones(np.shape(f(z))))
    except TypeError:       # the output does not depend on z
        return set()
    return {node.primitive for node in graph.nodes}


@functools.cache
def first_uses():
    """For each primitive, the first table case (and order) whose tape has it."""
    uses = {}
    for order in (1, 2):
        for op in OPS:
            for shapes, kw in op.variants():
                seed = zlib.crc32(case_id((op, shapes, kw, "", 0)).encode())
                f, z = setup(op, shapes, kw, seed)
                for name in primitives_of(f, z, order):
                    uses.setdefault(name, (op, shapes, kw, order, seed))
    return uses


RULE_KINDS = [(name, kind) for name in sorted(PRIMITIVES) for kind in ("vjps", "jvps")]


@contextlib.contextmanager
def wrong_rule(prim, kind):
    """The primitive's rules of one kind, each scaled by 1.001 (a 0.1 % error)."""
    table = getattr(prim, kind)
    if isinstance(table, ad.core.Variadic):
        rule = table.rule
        table.rule = lambda i, *a, **k: 1.001 * rule(i, *a, **k)
        try:
            yield
        finally:
            table.rule = rule
        return
    saved = dict(table)
    for i, r in saved.items():
        table[i] = (lambda r: lambda *a, **k: 1.001 * r(*a, **k))(r)
    try:
        yield
    finally:
        table.update(saved)


def test_every_primitive_is_in_the_table():
    assert sorted(set(PRIMITIVES) - set(first_uses())) == []


@pytest.mark.parametrize("name, kind", RULE_KINDS, ids=[f"{n}-{k}" for n, k in RULE_KINDS])
def test_a_wrong_rule_fails_the_table(name, kind):
    op, shapes, kw, order, seed = first_uses()[name]
    f, z = setup(op, shapes, kw, seed)
    mode = "rev" if kind == "vjps" else "fwd"
    with wrong_rule(PRIMITIVES[name], kind), pytest.raises(AssertionError):
        if order == 1:
            check(f, z, mode, 1, seed)
        else:      # a rule that only derivative functions use: second order, both inner modes
            check(f, z, "rev", 2, seed)
            check(f, z, "fwd", 2, seed)


# --- coverage of the operations the AD promises ---------------------------------------------------
PROMISED = [np.var, np.std, np.cumsum, np.cumprod, np.sort, np.partition, np.diff, np.gradient, np.remainder, np.fmod,
            np.fmax, np.fmin, np.logaddexp2, np.hypot, np.arccosh, np.arcsinh, np.arctanh, np.sinc, np.nan_to_num, np.deg2rad,
            np.rad2deg, np.radians, np.degrees, np.real, np.imag, np.angle, np.real_if_close, np.einsum, np.tensordot,
            np.kron, np.cross, np.dot, np.matmul, np.inner, np.outer, np.vdot, np.repeat, np.tile, np.roll, np.flip,
            np.flipud, np.fliplr, np.rot90, np.moveaxis, np.rollaxis, np.atleast_3d, np.split, np.array_split,
            np.hsplit, np.vsplit, np.dsplit, np.column_stack, np.append, np.pad, np.select, np.linspace, np.trace,
            np.diagonal, np.mean, np.sum, np.prod, np.max, np.min, np.where, np.clip, np.take, np.take_along_axis,
            np.concatenate, np.stack, np.hstack, np.vstack, np.dstack, np.linalg.pinv, np.linalg.eig, np.linalg.eigvals,
            np.linalg.norm, np.linalg.solve, np.linalg.inv, np.linalg.det, np.linalg.slogdet, np.linalg.cholesky,
            np.linalg.eigh, np.linalg.eigvalsh, np.linalg.svd]
BATCHED = ["solve", "inv", "det", "slogdet", "cholesky", "eigh", "svd values", "svd vectors", "matrix norm", "pinv", "eig"]


def test_every_promised_operation_is_in_the_table(monkeypatch):
    from zeroopt.ad.tracer import FUNCTIONS, UFUNC_METHODS, UFUNCS

    used = set()
    for table in (FUNCTIONS, UFUNCS, UFUNC_METHODS):
        for key, handler in list(table.items()):
            monkeypatch.setitem(table, key, (lambda k, h: lambda *a, **kw: used.add(k) or h(*a, **kw))(key, handler))
    for op in OPS:
        for shapes, kw in op.variants():
            f, z = setup(op, shapes, kw, 0)
            ad.jvp(f, z, np.ones_like(z))
    assert [getattr(f, "__name__", f) for f in PROMISED if f not in used] == []
    assert {(np.add, "accumulate"), (np.multiply, "accumulate"), (np.add, "reduce")} <= used
    for name in BATCHED:      # linear algebra on stacks of matrices, (..., m, n)
        assert any(len(s) > 2 for op in OPS if op.name == name for shapes in op.shapes for s in shapes), name
