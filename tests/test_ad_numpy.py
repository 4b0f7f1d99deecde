"""numpy as people write it, beyond the table: the errors of what stays refused, traced values as
integers, sinc's derivatives at 0 (lists of traced values: tests/test_ad_lists.py)."""

import numpy as np
import pytest
from numpy import mean as mean_imported_by_name

import zeroopt as zo
from zeroopt.ad.tracer import TracerConversionError


def test_what_still_refuses_says_why():
    lists = zo.ad.accept_lists
    with pytest.raises(TracerConversionError, match="imported by name"):
        zo.grad(lists(lambda x: mean_imported_by_name([x[0], x[1]])))(np.ones(2))
    with pytest.raises(TracerConversionError, match="ufunc"):
        zo.grad(lists(lambda x: np.sum(np.exp([x[0], x[1]]))))(np.ones(2))
    with pytest.raises(ValueError, match="inhomogeneous"):
        zo.grad(lists(lambda x: np.sum(np.array([x, x[:1]]))))(np.ones(2))
    with pytest.raises(TypeError, match="complex128 would drop its derivative"):
        zo.grad(lists(lambda x: np.sum(np.array([x[0], x[1]], dtype=complex).real)))(np.ones(2))
    with pytest.raises(TypeError, match="complex128 would drop"):
        zo.grad(lambda x: np.sum(x.astype(complex)))(np.ones(2))
    with pytest.raises(TypeError, match="float"):
        zo.grad(lambda x: float(x[0]) * x[1])(np.ones(2))
    with pytest.raises(TypeError, match="string directives"):
        zo.grad(lists(lambda x: np.sum(np.r_["0,2", x, x])))(np.ones(2))


def test_integer_uses_of_traced_values_take_the_primal_value():
    x = np.array([1.2, 0.5, 2.7])
    g = zo.grad(zo.ad.accept_lists(lambda x: x[(x * 2).astype(int)[0]] * x[1] + (x[0] if x[1] else 0.0)
                                   + x[int(x[2])] + np.sum(np.array([x[0], x[1]], dtype=int))))(x)
    np.testing.assert_array_equal(g, [1.0, 2.7, 1.5])
    with pytest.raises(IndexError):                # a float index: numpy's own refusal
        zo.grad(lambda x: x[x[0]])(x)


def test_linear_algebra_refuses_where_no_derivative_exists():
    with pytest.raises(ValueError, match="complex eigenvalues"):
        zo.grad(lambda A: np.sum(np.linalg.eig(A)[0]))(np.array([[0.0, 1.0], [-1.0, 0.0]]))
    with pytest.raises(ValueError, match="full rank"):
        zo.grad(lambda A: np.sum(np.linalg.pinv(A)))(np.ones((3, 2)))
    with pytest.raises(TypeError, match="full_matrices=False"):
        zo.grad(lambda A: np.sum(np.linalg.svd(A)[0]))(np.ones((3, 2)))
    with pytest.raises(TypeError, match="mode='linear_ramp'"):
        zo.grad(lambda x: np.sum(np.pad(x, 1, mode="linear_ramp")))(np.ones(2))


def test_sinc_derivatives_at_zero_match_its_series():
    """sinc(x) = 1 - (pi x)^2 / 6 + (pi x)^4 / 120 - ...: derivatives 0, -pi^2 / 3, 0, pi^4 / 5 at 0."""
    d1 = zo.grad(lambda x: np.sinc(x))
    d2 = zo.grad(d1)
    d3 = zo.grad(d2)
    d4 = zo.grad(d3)
    values = [float(d(0.0)) for d in (d1, d2, d3, d4)]
    np.testing.assert_allclose(values, [0.0, -np.pi ** 2 / 3, 0.0, np.pi ** 4 / 5], rtol=1e-13, atol=1e-13)
    # third order in both modes, on both sides of the switch between series and closed form (|pi x| = 2)
    zo.ad.check_grads(np.sinc, np.array([-2.3, -2 / np.pi - 1e-3, 0.0, 2 / np.pi + 1e-3, 4.2]), order=3)
