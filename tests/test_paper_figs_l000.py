"""Lecture 000 figures: the data they plot matches the theory they draw (tiny inputs, fixed seeds)."""

import csv
import io

import numpy as np
import pytest

import zeroopt as zo
from paper_figs import l000_table, l000_zero_order as l000


def test_procrustes_undoes_a_rigid_motion():
    rng = np.random.default_rng(0)
    P = rng.standard_normal((6, 3))
    Q = zo.problems.random_rotation(3, rng)
    assert np.allclose(l000.procrustes(P @ Q.T + 5.0, P), P)


def test_mds_counts_and_recovery():
    d = l000.mds_data(N=4, dims=(2,), iters=300, budget=200, jit=False)
    n = d["n_2"]
    assert n == 8
    assert d["fd_ev_2"][-1] == 2 * n * 300  # central differences: 2n evaluations per step
    assert d["zo_ev_2"][-1] == 2 * n * 300  # two-point: 2 per step, n times the iterations
    assert d["gd_ev_2"][-1] == 300
    # the FD path is GD's path: the same loss at the same iteration
    assert np.allclose(d["fd_f_2"][-1], d["gd_f_2"][-1], rtol=1e-4, atol=1e-12)
    assert d["gd_loss_at_budget"] < 1e-6 * d["gd_f_2"][0]
    assert np.allclose(d["gd_points"], d["planted"], atol=1e-3)  # recovered up to a rigid motion


@pytest.fixture(scope="module")
def paths():
    return l000.paths_data(iters=200, estimates=400, jit=False)


def test_forward_differences_converge_to_the_shifted_point(paths):
    # GD with G = g + (h/2) diag(A) stops where A (x - x*) = -(h/2) diag(A)
    assert np.allclose(paths["forward"][-1], paths["forward_limit"], atol=1e-8)
    assert np.linalg.norm(paths["forward_limit"] - paths["x_star"]) > 0.05
    assert np.allclose(paths["central"], paths["gd_L"], atol=1e-7)  # central differences: exact on quadratics


def test_two_point_estimates_are_unbiased_on_a_quadratic(paths):
    G, g = paths["G"], paths["g"]
    se = G.std(axis=0, ddof=1) / np.sqrt(len(G))
    assert np.all(np.abs(G.mean(axis=0) - g) <= 4 * se)
    assert np.all(G @ g >= -1e-9)  # every -G points into the descent half-plane
    assert np.allclose(paths["zo1"][-1], paths["x_star"], atol=1e-3)


@pytest.fixture(scope="module")
def fd():
    return l000.fd_error_data(num=121)


@pytest.mark.parametrize("scheme, order, window", [("forward", 1, (1e-5, 1e-2)), ("central", 2, (1e-3, 1e-1))])
def test_fd_error_slopes_and_rounding_bound(fd, scheme, order, window):
    h, err = fd["h"], fd[scheme]
    w = (h >= window[0]) & (h <= window[1])
    slope = np.polyfit(np.log(h[w]), np.log(err[w]), 1)[0]
    assert abs(slope - order) < 0.05  # truncation O(h) / O(h^2)
    trunc, rnd, hopt = l000.fd_model(h, fd["f"], scheme)
    # each computed f is within one ulp of exp's exact value (numpy's exp is accurate to < 1 ulp): at most
    # twice the model's rounding term eps |f| / h (forward) or eps |f| / (2h) (central)
    small = h < 1e-2 * hopt
    assert np.all(err[small] <= 2 * rnd[small] * (1 + 1e-9) + trunc[small])
    best = h[np.argmin(err)]
    assert hopt / 30 < best < hopt * 30  # the V's bottom is where the model puts it
    assert err.min() <= 2 * np.min(trunc + rnd)


def test_variance_against_q_matches_the_theory():
    n, draws = 8, 600
    d = l000.variance_data(n=n, qs=(1, 2, 8), draws=draws, jit=False)
    for dist in l000.DISTS:
        mean, se, theory = d[f"{dist}_mean"], d[f"{dist}_se"], l000.variance_theory(dist, n, d["q"])
        for m, s, t in zip(mean, se, theory):
            if t == 0:
                assert m < 1e-12  # the orthonormal frame at q = n is the exact gradient, up to rounding
            else:
                assert abs(m - t) <= 4 * s, (dist, m, t, s)


def test_the_table_measures_slowdowns_near_n_and_stays_inside_its_bounds():
    d = l000_table.table_data(dims=(8,), K=60, seeds=(0, 1, 2), jit=False)
    table, records = l000_table.rows(d)
    assert len(table) == 3 and all(len(r) == len(l000_table.HEADER) for r in table)
    for r in records:
        assert r["gd_measured"] <= r["gd_theory"]
        if r["setting"] != "convex":  # the lecture gives only the order O(n/k) for convex zero-order GD
            assert r["zo_measured"] <= r["zo_theory"]
        assert 0.5 * r["slowdown_theory"] < r["slowdown_measured"] < 2 * r["slowdown_theory"], r
    rows = list(csv.DictReader(io.StringIO(l000_table.csv_text(records))))
    assert [int(r["n"]) for r in rows] == [8, 8, 8]
    md = l000_table.markdown(table, 60)
    assert md.count("\n|") == 2 + len(table) - 1 and "slowdown" in md
