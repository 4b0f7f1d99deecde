"""experiments/noise.py's truths: noisy3's level from its distribution, the deterministic noise, wild3's
rounding level and its kinks."""

import math

import numpy as np

import zeroopt as zo
from experiments import noise_runs as runs


def test_noisy3_level_from_its_distribution_matches_its_draws():
    """The sample standard deviation of 4000 draws at x0 lies within 4 standard errors of the formula
    (the standard error of a sample standard deviation is about s sqrt((kurtosis - 1)/(4N)); the
    kurtosis of a sum of uniforms is at most 1.8, so sqrt(0.8/16000) s < 0.0071 s)."""
    for row in (7, 15, 39):
        p, x0 = zo.problems.more_wild(row, "noisy3", seed=row)
        rng = np.random.default_rng(row)   # a measurement (count=False) would give noisy3's noiseless f
        vals = np.array([p.value(x0, rng=rng) for _ in range(4000)])
        truth = runs.noisy3_truth(p, x0)
        assert abs(vals.std(ddof=1) / truth - 1) < 4 * 0.0071


def test_the_deterministic_noise_is_a_function_of_x_with_unit_variance():
    f = runs.deterministic_noise(runs.rosen, 1e-3)
    x = np.array([-1.2, 1.0, -1.2, 1.0])
    assert f(x) == f(x.copy())
    assert f(x) != f(np.nextafter(x, 2))
    u = np.array([runs.hash_uniform(x + 1e-9 * i) for i in range(4000)])
    phi = math.sqrt(3) * (2 * u - 1)
    assert abs(phi.mean()) < 4 / math.sqrt(4000) and abs(phi.var() - 1) < 4 * math.sqrt(0.8 / 4000)


def test_wild3_truth_is_float64_rounding_and_the_kinks_are_found():
    p, x0 = zo.problems.more_wild(7, "wild3")
    d = np.array([0.6, 0.8])
    t = runs.wild3_truth(p, x0, 1e-10, d)
    assert 1e-17 * 24 < t < 1e-14 * 24
    assert not runs.kink(x0) and runs.kink(np.array([1.0, -1.0, 0.5])) and runs.kink(np.array([0.0, 2.0]))
