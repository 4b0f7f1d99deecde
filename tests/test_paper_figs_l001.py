"""Lecture 001 figures: the data they plot satisfies what the figures claim (bounds and conditions)."""

import math

import numpy as np
import pytest

import zeroopt as zo
from paper_figs import l001_linesearch as l001

TAU = (1 + math.sqrt(5)) / 2


def test_bracket_after_is_the_interval_the_probes_prove():
    f = lambda x: (x - 0.3) ** 2  # noqa: E731
    lo, hi = l001.bracket_after(-1.0, 4.0, [1.5, 0.25, -0.375, 0.875], [f(x) for x in (1.5, 0.25, -0.375, 0.875)])
    assert np.allclose(lo, [-1.0, -1.0, -0.375, -0.375]) and np.allclose(hi, [4.0, 1.5, 1.5, 0.875])


@pytest.mark.parametrize("i", [0, 1])
def test_dichotomy_brackets_hold_x_star_and_obey_the_lecture_bound(i):
    d = l001.searches_data("dichotomy", tol=1e-6)
    a, b = l001.INTERVAL
    x_star = (0.3, 3.1)[i]
    lo, hi, xs, fs = d[f"lo{i}"], d[f"hi{i}"], d[f"xs{i}"], d[f"fs{i}"]
    assert np.all(lo <= x_star) and np.all(x_star <= hi)
    N = np.arange(1, len(xs) + 1)
    best = np.array([xs[int(np.argmin(fs[:k]))] for k in N])
    # after k halvings |c - x*| <= (b - a)/2^(k+1), each halving <= 2 evaluations after the first one
    assert np.all(np.abs(best - x_star) <= (b - a) / 2 * 0.5 ** np.floor((N - 1) / 2) + 1e-12)
    assert len(xs) == d[f"nfev{i}"]  # every probe recorded, as counted by the search


def test_golden_brackets_shrink_by_one_over_tau_per_evaluation():
    d = l001.searches_data("golden", tol=1e-6)
    a, b = l001.INTERVAL
    w = d["hi1"] - d["lo1"]
    N = np.arange(1, len(w) + 1)
    assert np.all(w <= TAU ** -(N - 1) * (b - a) * (1 + 1e-9))  # the lecture's (1/tau)^(N-1) (b - a)
    assert np.allclose(w[2:12] / w[1:11], 1 / TAU, rtol=1e-6)
    assert np.all((d["lo1"] <= 3.1) & (3.1 <= d["hi1"]))


def test_golden_finds_the_minimiser_of_unimodal_examples_and_a_local_one_otherwise():
    d = l001.unimodal_data(tol=1e-4)
    for i in range(3):
        assert abs(d[f"x{i}"] - d[f"argmin{i}"]) < 0.01
    assert abs(d["x3"] - d["argmin3"]) > 1.0  # not unimodal: the search ends in the other local minimum


@pytest.fixture(scope="module")
def cond():
    return l001.conditions_data(amax=1.05, num=421)


def test_taylor_model_matches_phi_to_second_order(cond):
    a, phi = cond["alpha"][1:4], cond["phi"][1:4]
    model = cond["phi0"] + a * cond["dphi0"] + 0.5 * a ** 2 * cond["ddphi0"]
    assert np.all(np.abs(phi - model) <= 50 * a ** 3 * abs(cond["dphi0"]))  # O(alpha^3) remainder
    assert cond["dphi0"] == pytest.approx(-np.sum(zo.grad(l001.phi_objective)(l001.X_K) ** 2))


def _phi(alpha):
    d = -zo.grad(l001.phi_objective)(l001.X_K)
    return l001.phi_objective(l001.X_K + alpha * d)


def test_the_searches_return_accepted_steps_and_backtrack_over_rejected_ones(cond):
    p0, g0 = cond["phi0"], cond["dphi0"]
    arm = lambda a, v: v <= p0 + l001.C1 * a * g0  # noqa: E731
    xs, fs = cond["armijo_xs"], cond["armijo_fs"]
    assert cond["armijo_ok"] and arm(xs[-1], fs[-1]) and not any(arm(a, v) for a, v in zip(xs[:-1], fs[:-1]))
    # backtracking by interpolation: the second trial is the vertex of the parabola through phi(0), phi'(0),
    # phi(alpha0); each trial within [0.1, 0.5] times the one before; fewer trials than halving
    assert xs[0] == l001.ALPHA0 and len(xs) >= 3
    assert xs[1] == pytest.approx(-g0 * xs[0] ** 2 / (2 * (fs[0] - p0 - g0 * xs[0])), rel=1e-12)
    assert np.all((xs[1:] / xs[:-1] >= 0.1) & (xs[1:] / xs[:-1] <= 0.5))
    assert len(xs) < cond["halving_nfev"]
    c = l001.C_GOLDSTEIN
    s = cond["goldstein_step"]
    assert cond["goldstein_ok"] and p0 + (1 - c) * s * g0 <= _phi(s) <= p0 + c * s * g0
    s = cond["wolfe_step"]
    dphi = zo.grad(l001.phi_objective)(l001.X_K - s * zo.grad(l001.phi_objective)(l001.X_K)) @ (
        -zo.grad(l001.phi_objective)(l001.X_K))
    assert cond["wolfe_ok"] and arm(s, _phi(s)) and dphi >= l001.C2 * g0


def test_shaded_regions_are_the_conditions(cond):
    a = cond["alpha"]
    for rule in ("armijo", "goldstein", "wolfe"):
        mask = l001.accepted(cond, rule)
        step = cond[f"{rule}_step"]
        assert mask[int(np.argmin(np.abs(a - step)))] or abs(a[np.flatnonzero(mask)] - step).min() < 2 * (a[1] - a[0])
    arm = l001.accepted(cond, "armijo")
    assert np.count_nonzero(np.diff(arm.astype(int)) == 1) == 1 and arm[0]  # two intervals: [0, .] and one more
    assert np.all(l001.accepted(cond, "wolfe") <= arm)
