"""zo.noise_level (ECnoise) against known noise; its outcomes, counts and errors; the difference table."""

import math

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.noise import ecnoise


class Bare:
    """A callable that carries no attributes at all (no declared noise to read)."""

    __slots__ = ("rng", "rel")

    def __init__(self, rel, seed):
        self.rng = np.random.default_rng(seed)
        self.rel = rel

    def __call__(self, x):
        return float(np.sum(np.exp(x)) + x[0] ** 2) * (1.0 + self.rel * self.rng.standard_normal())


X = np.array([0.3, -0.1, 0.2])


def smooth(x):
    return float(np.sum(np.exp(x)) + x[0] ** 2)


def test_a_callable_without_attributes_gets_its_noise_from_its_values_alone():
    f = Bare(1e-6, 0)
    assert not hasattr(f, "noise") and not hasattr(f, "__dict__")
    r = zo.noise_level(f, X, seed=3)
    truth = 1e-6 * smooth(X)
    assert r.status == "detected" and r.detected and r.order == 1
    assert 0.5 < r.noise / truth < 2.0
    assert r.nfev == 15 and r.tries == 1 and r.levels.shape == (14,)
    assert math.isclose(r.relative, r.noise / abs(r.fx))
    assert "noise detected" in r.message and f"{r.h:.3g}" in r.message


def test_a_problem_and_the_same_callable_give_the_same_estimate_and_the_problem_counts_it():
    a = zo.noise_level(Bare(1e-5, 1), X, seed=2)
    p = zo.Problem(Bare(1e-5, 1), 3, jit=False)
    b = zo.noise_level(p, X, seed=2)
    assert a.noise == b.noise and p.nfev == b.nfev == 15
    with p.counting() as c:
        r = zo.noise_level(p, X, seed=5)
    assert c.nfev == r.nfev


@pytest.mark.parametrize("rel", [1e-3, 1e-6, 1e-9])
def test_within_a_factor_two_for_almost_every_seed(rel):
    """On pure Gaussian noise 15-point ECnoise is within a factor 2 in 99.2% of segments (simulated,
    experiments.noise_runs.ecnoise_null); over 40 independent seeds the expected number outside is 0.32
    and P(more than 3 outside) = 4e-4 (binomial): more than 3 means the estimate is biased."""
    truth = rel * smooth(X)
    outside = 0
    for seed in range(40):
        r = zo.noise_level(Bare(rel, [seed, 9]), X, seed=seed)
        assert r.status == "detected" and r.nfev == 15
        outside += not (0.5 <= r.noise / truth <= 2.0)
    assert outside <= 3


def test_rounding_noise_is_found_by_shrinking_h():
    """A smooth function: at the first h the slope dominates the first differences of its rounding
    noise; the estimate is at the scale of float64 rounding of f (about 1e-16 |f|)."""
    r = zo.noise_level(smooth, X, seed=0)
    assert r.detected
    assert 1e-18 < r.relative < 1e-14


def test_h_too_small_when_the_values_do_not_change():
    def steps(x):                    # constant on cells of width 1e-3: flat at the scale of h
        return float(np.floor(1e3 * np.sum(x)))
    r = zo.noise_level(steps, X, tries=1)
    assert r.status == "h too small" and not r.detected and math.isnan(r.noise) and r.order == 0
    assert "first differences are exactly 0" in r.message and "too small" in r.message
    more = zo.noise_level(steps, X, tries=3)
    assert more.tries == 3 and more.nfev == 45 and np.isclose(more.h, r.h * 1e4)
    assert "h tried:" in more.message


def test_h_too_large_when_the_values_vary_by_more_than_ten_percent():
    r = zo.noise_level(lambda x: float(np.exp(10.0 * np.sum(x))), X, h=1.0, tries=1)
    assert r.status == "h too large" and "more than 10%" in r.message


def test_h_moves_by_100_then_to_the_geometric_mean_after_a_change_of_direction():
    assert ecnoise._next_h([(1e-6, "h too small")]) == pytest.approx(1e-4)
    assert ecnoise._next_h([(1e-6, "h too large")]) == pytest.approx(1e-8)
    assert ecnoise._next_h([(1e-6, "h too small"), (1e-4, "h too large")]) == pytest.approx(1e-5)


def test_the_difference_table_on_an_alternating_sequence():
    """f_i = c (-1)^i: Delta^k f_i = (-2)^k c (-1)^i, so sigma_k = sqrt(gamma_k) 2^k c exactly, with
    gamma_k = (k!)^2/(2k)!; the three first orders agree within 4, so order 1 is taken."""
    c = 3.0
    status, est, order, levels, _ = ecnoise.difference_table(100.0 + c * (-1.0) ** np.arange(9))
    gamma = [math.factorial(k) ** 2 / math.factorial(2 * k) for k in range(1, 9)]
    assert np.allclose(levels, [math.sqrt(g) * 2 ** k * c for k, g in zip(range(1, 9), gamma)])
    assert status == "detected" and order == 1 and est == pytest.approx(levels[0])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="points"):
        zo.noise_level(smooth, X, points=3)
    with pytest.raises(TypeError, match="problem"):
        zo.noise_level(42, X)
    with pytest.raises(ValueError, match="args"):
        zo.noise_level(zo.problems.rosenbrock(3), X, args=(1,))
    with pytest.raises(ValueError, match="x"):
        zo.noise_level(smooth, np.ones((2, 2)))
    with pytest.raises(ValueError, match="h"):
        zo.noise_level(smooth, X, h=-1.0)
    with pytest.raises(FloatingPointError, match="point"):
        zo.noise_level(lambda x: float("nan") if x[0] > 0.3 else 1.0, X)
