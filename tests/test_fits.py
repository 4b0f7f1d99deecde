"""The fits recover known rates and constants."""

import math

import numpy as np
import pytest

from zeroopt import fits


def test_log_rate_recovers_a_contraction_excluding_start_and_floor():
    k = np.arange(0, 400, 5)
    rho = 0.93
    v = 5.0 * rho ** k + 100.0 * 0.2 ** k              # a fast mode that dies out at the start
    v = np.maximum(v, 1e-13 * (1 + 0.3 * np.sin(k)))  # and a noisy floor at the end
    slope, used = fits.log_rate(k, v)
    assert slope == pytest.approx(math.log(rho), rel=1e-3) and used >= 10


def test_log_rate_without_a_floor_uses_the_whole_linear_phase():
    k = np.arange(0, 100)
    slope, used = fits.log_rate(k, 0.8 ** k, start=1.0, stop=1e-30)
    assert slope == pytest.approx(math.log(0.8), rel=1e-12) and used == 100
    assert math.isnan(fits.log_rate([0, 1], [1.0, 0.5])[0])


def test_power_law_recovers_C_over_k():
    k = np.unique(np.geomspace(1, 1e5, 60).astype(int))
    C, p = fits.power_law(k, 3.7 / k)
    assert C == pytest.approx(3.7, rel=1e-10) and p == pytest.approx(-1.0, abs=1e-12)


def test_crossings_interpolate_in_log_log():
    k = np.array([0, 1, 10, 100, 1000])
    v = np.array([1.0, 0.9, 0.1, 0.01, 0.001])            # v = 1/k beyond k = 1
    out = fits.crossings(k, v, [0.5, 0.1, 0.03, 0.001, 1e-6])
    assert out[1] == pytest.approx(10) and out[3] == pytest.approx(1000) and math.isnan(out[4])
    assert out[2] == pytest.approx(10 ** (1 + math.log10(0.1 / 0.03)), rel=1e-12)  # on the 1/k line
    assert 1 < out[0] < 10
    assert fits.crossings([0, 1, 2], [1.0, 0.05, 0.5], [0.1])[0] < 1   # the running minimum counts


def test_bootstrap_and_geometric_mean():
    assert fits.geometric_mean([1, 100]) == pytest.approx(10.0)
    lo, hi = fits.bootstrap(list(np.random.default_rng(0).normal(5, 1, 200)), np.mean, n_boot=500)
    assert lo < 5 < hi and hi - lo < 0.5
    assert all(math.isnan(t) for t in fits.bootstrap([1.0], np.mean))
