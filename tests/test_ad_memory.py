"""The tape keeps only what the rules read: with every releasable value released (threshold 1 byte),
derivatives are unchanged (the whole rule suite runs that way too: conftest.tape_release), and large
intermediates no rule reads are freed during the forward pass."""

import gc
import weakref

import numpy as np
import pytest

import zeroopt as zo
import zeroopt.ad.core as core


@pytest.mark.parametrize("tape_release", ["tape-release-all"], indirect=True)
def test_a_composite_with_every_unneeded_value_released(tape_release):
    """The rule suite runs under the same release (tests/test_ad_rules.py, conftest.tape_release); here, a
    composite of several rules whose intermediates are released while the forward pass runs."""
    r = np.random.default_rng(0)
    assert core.FREE_BELOW_BYTES == 1
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
