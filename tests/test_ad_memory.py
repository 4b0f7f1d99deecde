"""The tape keeps only what the rules read: with every releasable value released (threshold 1 byte),
derivatives are unchanged, and large intermediates no rule reads are freed during the forward pass."""

import gc
import weakref

import numpy as np
import pytest

import zeroopt as zo
import zeroopt.ad.core as core


@pytest.fixture
def release_everything(monkeypatch):
    monkeypatch.setattr(core, "FREE_BELOW_BYTES", 1)


def test_rule_suite_with_every_unneeded_value_released(release_everything):
    import test_ad_rules as t

    r = np.random.default_rng(0)
    for ufunc, dom in t.UNARY:
        t.test_unary(ufunc, dom, (2, 3))
    for ufunc, dx, dy in t.BINARY:
        t.test_binary_each_argument_and_both(ufunc, dx, dy, (2, 3), (3,))
    for sa, sb in t.MATMUL_SHAPES:
        t.test_matmul(sa, sb)
    for name in ("sum", "mean", "prod", "max", "min"):
        t.test_reductions(name, 1, False)
    for index in (slice(1, None), np.array([0, 2, 2, 1]), np.array([True, False, True, True])):
        t.test_indexing(index)
    t.test_where_and_clip()
    t.test_prod_with_zeros()
    zo.ad.check_grads(lambda x: np.sum(np.diag(np.outer(x, x)) * np.concatenate([x, x])[:3]), r.standard_normal(3))


def test_large_intermediates_that_no_rule_reads_are_freed():
    x = np.random.default_rng(1).standard_normal(200_000)  # 1.6 MB intermediates
    refs = []

    def f(x):
        a = x + 1.0           # add: its rule reads nothing, so `a` is not kept by the add node...
        refs.append(weakref.ref(core.raw(a)))
        b = a - 2.0           # ...nor by the subtract node that consumes it
        return np.sum(b)      # sum reads nothing either
    zo.grad(f)(x)
    gc.collect()
    assert refs[0]() is None

    def g(x):
        a = np.exp(x)         # exp's rule reads its output: kept
        refs.append(weakref.ref(core.raw(a)))
        out = np.sum(a)
        gc.collect()
        assert refs[-1]() is not None
        return out
    zo.grad(g)(x)
