"""Lectures 002 and 003 figures: the plotted data agrees with the formulas drawn next to it."""

import math

import numpy as np
import pytest

import zeroopt as zo
from paper_figs import l002_taylor_newton as l002, l003_gd as l003


def test_quartic_stationary_points_and_their_classes():
    d = l002.quartic_data()
    assert np.allclose(d["points"], [-1.0, 0.0, 2.0], atol=1e-12)
    assert np.allclose(d["curvature"], [36.0, -24.0, 72.0])  # f'' = 36x^2 - 24x - 24, by zo.hessian
    assert np.allclose(d["values"], [-5.0, 0.0, -32.0])


def test_taylor_model_from_ad_is_the_lectures_formula():
    m, f0, g, H = l002.taylor_model(l002.bump, l002.X_TAYLOR)
    assert np.allclose(g, [-math.exp(-1), 0.0]) and np.allclose(H, 2 * math.exp(-1) * np.eye(2))
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-2, 2, size=(50, 2)):
        assert m(np.array([x, y])) == pytest.approx(l002.lecture_model(x, y), rel=1e-13, abs=1e-13)
    d = l002.taylor_data(num=11)
    assert np.allclose(d["M"], l002.lecture_model(d["X"], d["Y"]), atol=1e-13)


def test_newton_converges_quadratically_and_gd_linearly():
    d = l002.newton_data(iters=40)
    assert zo.grad(l002.boyd)(d["x_star"]) == pytest.approx([0.0, 0.0], abs=1e-15)
    gap = d["newton_gap"]
    k = int(np.argmax(gap < 1e-13))
    assert 0 < k <= 6 and gap[k - 1] < 1e-3  # from 1e-3 to 1e-13 in one step: quadratic
    assert np.all(np.diff(d["gd_gap"]) <= 1e-15)  # Armijo steps decrease f
    assert d["gd_gap"][k] > 1e3 * max(gap[k], 1e-16)


def test_step_size_panels_follow_the_exact_per_mode_theory():
    d = l003.steps_data(iters=25)
    for i in range(3):
        assert np.allclose(d[f"f{i}"], d[f"theory{i}"], rtol=1e-8, atol=1e-14)
    assert np.all(np.diff(np.sign(np.diff(d["x1"][:, 0]))) != 0)  # 1.9/L: the iterates oscillate
    rho = [l003.contraction(d[f"step{i}"]) for i in range(3)]
    assert rho[2] == pytest.approx(((5 - 1) / (5 + 1)) ** 2) and rho[2] < rho[1] < rho[0]


def test_steepest_descent_zigzags_and_coordinate_descent_moves_one_axis():
    d = l003.descent_data(iters=8, jit=False)
    steps = np.diff(d["sd"], axis=0)
    cos = np.sum(steps[1:] * steps[:-1], 1) / np.linalg.norm(steps[1:], axis=1) / np.linalg.norm(steps[:-1], axis=1)
    assert np.all(np.abs(cos) < 1e-6)  # exact line search: consecutive steps orthogonal
    q = ((d["kappa"] - 1) / (d["kappa"] + 1)) ** 2
    assert np.allclose(d["sd_f"][1:] / d["sd_f"][:-1], q, rtol=1e-6)  # the worst start meets the bound
    moved = np.abs(np.diff(d["cd"], axis=0)) > 0
    assert np.all(moved.sum(1) == 1) and np.all(moved[::2, 0]) and np.all(moved[1::2, 1])


def test_iterations_against_kappa_match_the_theory():
    d = l003.kappa_data(kappas=(2, 10, 50), eps=1e-8, jit=False)
    opt, one_over_L = l003.kappa_theory(d["kappa"], 1e-8)
    assert np.all(np.abs(d["opt"] - opt) <= 1) and np.all(np.abs(d["steepest"] - opt) <= 1)
    assert np.all(np.abs(d["one_over_L"] - one_over_L) <= 1)
