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


def test_kink_constant_is_the_residual_of_abs_after_a_polynomial_fit():
    """c_d from Legendre's coefficients of |t|: exact values c_2 = c_3 = (1/192)^(1/2), c_4 = (1/768)^(1/2),
    and, for every d, a float64 least-squares fit on 200001 points (an O(1/M) quadrature of the integral)."""
    assert math.isclose(runs.kink_constant(2), math.sqrt(1 / 192), rel_tol=1e-14)
    assert runs.kink_constant(3) == runs.kink_constant(2)
    assert math.isclose(runs.kink_constant(4), math.sqrt(1 / 768), rel_tol=1e-14)
    t = np.linspace(-1, 1, 200001)
    for d in range(1, 9):
        c = np.polynomial.legendre.legfit(t, np.abs(t), d)
        r = np.abs(t) - np.polynomial.legendre.legval(t, c)
        assert abs(math.sqrt(np.mean(r * r)) / runs.kink_constant(d) - 1) < 1e-4


def test_polynomial_residual_is_zero_on_a_polynomial_and_matches_a_float64_fit():
    t = np.linspace(-1, 1, runs.DENSE)
    cubic = 3.0 + 2.0 * t - 5.0 * t ** 2 + 0.5 * t ** 3
    assert runs.polynomial_residual_std(cubic, t, 3) < 1e-15
    v = cubic + 1e-3 * np.sin(40 * t)
    c = np.polynomial.legendre.legfit(t, v, 3)
    ref = math.sqrt(np.mean((v - np.polynomial.legendre.legval(t, c)) ** 2))
    assert abs(runs.polynomial_residual_std(v, t, 3) / ref - 1) < 1e-9


def test_level_at_scale_of_a_kink_plus_smooth_plus_noise_is_known():
    """f(t) = a |t h| + a cubic + sigma z (z iid N(0, 1)) on the M = 2001 points: the residual after the
    cubic fit is (I - P)(kink) + sigma (I - P) z, so E[level^2] = K^2 + sigma^2 (M - 4)/M with K the kink's
    discrete residual and Var[level^2] = (4 sigma^2 K^2 M + 2 sigma^4 (M - 4))/M^2. K^2 = (c_3 a h)^2
    (1 + 2/M + O(1/M^2)): the grid mean is the trapezoid mean plus (r(1)^2 - mean)/M, and the residual's
    square at the ends, (1/8)^2, is 3 times its mean 1/192 (3/M allowed). Within 4 standard errors, for a
    kink alone, noise alone, and both at equal size."""
    M = runs.DENSE
    t = np.linspace(-1, 1, M)
    h = 1e-6
    smooth = 2.0 + 0.3 * t - 0.1 * t ** 2 + 0.05 * t ** 3
    for a, sigma, seed in ((5.0, 0.0, 0), (0.0, 3e-7, 1), (5.0, 3.6e-7, 2)):
        z = np.random.default_rng(seed).standard_normal(M)
        level = runs.polynomial_residual_std(a * np.abs(t * h) + smooth + sigma * z, t, 3)
        K2 = (runs.kink_constant(3) * a * h) ** 2
        mean = K2 + sigma ** 2 * (M - 4) / M
        se = math.sqrt(4 * sigma ** 2 * K2 * M + 2 * sigma ** 4 * (M - 4)) / M
        assert abs(level ** 2 - mean) <= 4 * se + 3 / M * K2, (a, sigma, level ** 2 / mean)


def test_wild3_level_at_scale_is_rounding_where_smooth_and_the_kink_where_x0_is_on_one():
    """Row 7 (no kink at x0): the level at h = 1e-10 equals the float64 rounding level within 5% (the fit
    removes 4 of 2001 dimensions). Row 1 (x0 = ones: every |x_i| ties, ||x||_inf has a kink): the level is
    c_3 a h, a half the jump of f's slope along p, measured from one-sided differences at s = 1e-7
    (curvature error s |f''| / |a| and rounding 1e-16 |f| / s, both below 1e-3 relative); rounding
    (about 3e-14) is negligible against c_3 a h (about 1e-10)."""
    p, x0 = zo.problems.more_wild(7, "wild3")
    d = np.array([0.6, 0.8])
    assert abs(runs.wild3_level_at_scale(p, x0, 1e-10, d) / runs.wild3_truth(p, x0, 1e-10, d) - 1) < 0.05
    p, x0 = zo.problems.more_wild(1, "wild3")
    assert runs.kink(x0)
    d = np.random.default_rng(1).standard_normal(x0.size)
    d /= np.linalg.norm(d)
    s = 1e-7
    f = [p.value(x0 + c * s * d, count=False) for c in (-1, 0, 1)]
    a = ((f[2] - f[1]) - (f[1] - f[0])) / (2 * s)
    h = 1e-10
    level = runs.wild3_level_at_scale(p, x0, h, d)
    assert abs(level / (runs.kink_constant(3) * abs(a) * h) - 1) < 0.01


def test_summary_counts_both_wild3_truths_and_every_degree():
    from experiments import noise

    def w3(row, k, order, est, truth, rounding, deg):
        return dict(kind="wild3", row=row, h=1e-10, status="detected", kink=k, order=order, estimate=est,
                    truth=truth, ratio=est / truth, truth_rounding=rounding, ratio_rounding=est / rounding,
                    **{f"truth_deg{d}": deg for d in runs.OTHER_DEGREES})
    rows = [w3(1, False, 2, 1.0, 1.0, 1.0, 1.0), w3(2, True, 2, 0.45, 1.0, 1e-3, 0.9),
            w3(3, True, 1, 1.4, 1.0, 1e-3, 0.5),
            dict(kind="noisy3", row=1, h=1e-10, status="detected", kink=False, order=1, ratio=3.0)]
    m = noise.summarize([], rows, [])["more_wild"]
    assert m["noisy3"]["within"] == 0 and m["wild3"]["within"] == 2 and m["wild3"]["within_rounding"] == 1
    assert m["wild3"]["kink_within"] == 1 and m["wild3"]["kink_order1"] == 1 and m["wild3"]["no_kink_within"] == 1
    assert m["wild3"]["within_by_degree"] == {2: 2, 3: 2, 4: 2, 6: 2, 8: 2}
    w = [w3(1, False, 2, 1.0, 1.0, 1.0, 4.0)] * 2
    assert noise.summarize([], w, [])["more_wild"]["wild3"]["within_by_degree"][4] == 0


def test_ecnoise_reads_a_pure_kink_as_its_differences_predict():
    """ECnoise on 15 values of a |s| + b s + a tiny iid noise (so that differences have both signs): the
    estimate over c_3 a h is kink_reading(2) (b = a/2: order 2) or kink_reading(1) (b = 0: order 1), up to
    the noise's share (1e-6 relative) and the window's rounding."""
    from zeroopt.noise import ecnoise
    a, h = 3.0, 1e-3
    s = ecnoise.segment(15) * h
    z = np.random.default_rng(0).standard_normal(15) * 1e-12
    for b, order in ((1.5, 2), (0.0, 1)):
        status, est, k, _, _ = ecnoise.difference_table(5.0 + a * np.abs(s) + b * s + z)
        assert status == "detected" and k == order
        assert abs(est / (runs.kink_constant(3) * a * h) / runs.kink_reading(order) - 1) < 1e-4
    assert abs(runs.kink_reading(2) - 0.448) < 1e-3 and abs(runs.kink_reading(1) - 1.40) < 1e-2
