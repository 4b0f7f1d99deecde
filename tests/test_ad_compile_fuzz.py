"""Fuzzing the compiler: the random expression trees of test_ad_properties.py, compiled against the traced
path, so that no benchmark function can be special-cased.

Each example sums several trees into one function (one numba compilation covers them all) and checks
the compiled gradient - and, in the slow run, the compiled Hessian - against the traced one and the
extended-precision reference within twice the rounding bound of the recorded program.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ad_compile import assert_grad_agrees, assert_hvp_column_agrees
from test_ad_properties import build, trees

import zeroopt as zo
from zeroopt.ad import CompileWarning


def combined(tree_list):
    exprs = [build(t) for t in tree_list]
    weights = np.linspace(0.5, 1.5, len(exprs))

    def f(x):
        total = 0.0 * x[0]
        for w, e in zip(weights, exprs):
            total = total + w * np.sum(e(x))
        return total
    return f


def points():
    return st.lists(st.floats(-1.5, 1.5, allow_nan=False), min_size=3, max_size=3).map(np.array)


def _check_gradient(tree_list, x):
    f = combined(tree_list)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)       # every fuzzed program compiles
        with np.errstate(all="ignore"):
            assert_grad_agrees(f, x)


@settings(derandomize=True, database=None, max_examples=3, deadline=None)
@given(st.lists(trees(), min_size=6, max_size=6), points())
def test_fuzzed_gradients_quick(tree_list, x):
    _check_gradient(tree_list, x)


@pytest.mark.slow
@settings(derandomize=True, database=None, max_examples=40, deadline=None)
@given(st.lists(trees(), min_size=6, max_size=6), points())
def test_fuzzed_gradients(tree_list, x):
    _check_gradient(tree_list, x)


@pytest.mark.slow
@settings(derandomize=True, database=None, max_examples=12, deadline=None)
@given(st.lists(trees(), min_size=3, max_size=3), points())
def test_fuzzed_hessians(tree_list, x):
    """Second order: the compiled Hessian's columns within the bound of the HVP program along e_j."""
    f = combined(tree_list)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        with np.errstate(all="ignore"):
            H = zo.ad.compiled(f, "hessian")(x)
            for j in range(x.size):
                assert_hvp_column_agrees(f, x, np.eye(x.size)[j], (), H[:, j])
            np.testing.assert_allclose(H, zo.hessian(f)(x), rtol=1e-9, atol=1e-9)
