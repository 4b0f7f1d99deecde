"""experiments/atlas.py: the block of estimates is the package's oracle call after call (eps="auto" rows
included, after their estimation phase), the measured moments agree with the theory within intervals set
by the draw count, the CSV's columns, and a bad option exits with status 2."""

import csv
import json
import math

import numpy as np
import pytest

import zeroopt as zo
from experiments import atlas
from experiments import atlas_cells as cells
from experiments import atlas_theory as th


def noisy(row, sigma, seed):
    p, x0 = zo.problems.more_wild(row)
    q = zo.Problem(cells.relative_noise_fun, p.dim, args=p.args + (sigma, np.random.default_rng(seed)), name=p.name)
    return p, q, x0


@pytest.mark.slow
@pytest.mark.parametrize("label", ["FD forward", "RandomCoordinate", "gaussian q=4 fwd", "orthogonal q=n/2"])
def test_a_block_of_estimates_is_the_oracle_called_again_and_again(label):
    """The atlas draws its estimates as one block through the oracle's compiled kernel: the same numbers,
    bit for bit, as calling the oracle once per draw with the same direction and noise streams."""
    _, family, spec = next(o for o in th.ORACLES if o[0] == label)
    p, q, x0 = noisy(9, 1e-4, 5)
    block = cells.estimates(th.build(family, spec, p.dim, seed=0), q, x0, 7, np.random.default_rng(3))
    _, q2, _ = noisy(9, 1e-4, 5)
    oracle, rng = th.build(family, spec, p.dim, seed=0), np.random.default_rng(3)
    calls = np.array([oracle(q2, x0, rng=rng) for _ in range(7)])
    assert np.array_equal(block, calls)
    assert q2.nfev == 7 * oracle.evals_per_call(p.dim)


@pytest.mark.slow
@pytest.mark.parametrize("label", ["FD forward auto", "FD central auto", "RandomCoordinate auto", "sphere auto"])
def test_an_auto_row_is_the_auto_oracle_called_again_and_again_after_its_phase(label):
    """An eps="auto" cell: the auto oracle's first call (its estimation phase, counted in nfev but not in
    the call's evaluations), then the fixed-step oracle with the chosen step as one block: the same numbers,
    bit for bit, as the auto oracle's own next calls, which keep that step."""
    _, family, spec = next(o for o in th.ORACLES if o[0] == label)
    p, q, x0 = noisy(7, 1e-4, 5)
    step = cells.auto_phase(family, spec, q, x0)
    assert step["auto_nfev"] > 0 and step["auto_h"] > 1e-3 and step["auto_noise"] > 0
    block = cells.estimates(th.build(family, spec, p.dim, seed=0, eps=step["eps"]), q, x0, 6,
                            np.random.default_rng(3))
    _, q2, _ = noisy(7, 1e-4, 5)
    auto, rng = th.build(family, spec, p.dim, seed=0), np.random.default_rng(3)
    auto(q2, x0)                                           # the phase and the first call
    assert q2.nfev == step["auto_nfev"] + auto.evals_per_call(p.dim)
    calls = np.array([auto(q2, x0, rng=rng) for _ in range(6)])
    assert np.array_equal(block, calls)
    assert len(auto.auto_steps) == 1 and auto.auto_steps[0].h == step["auto_h"]


def test_the_reestimation_count_replays_the_auto_rule():
    """eps="auto" asks for a new step once the mean ||G||^2 of a block falls below 1/100 of the first
    block's after the last estimate; the count resets the reference after each."""
    g2 = np.array([1.0, 1.0, 0.5, 0.009, 0.009, 1e-5, 1e-5])
    assert cells.reestimates(g2, 1) == 2                   # 0.009 < 0.01 * 1; then 1e-5 < 0.01 * 0.009
    assert cells.reestimates(g2, 2) == 1                   # blocks 1, 0.5045, 0.0045, (1e-5 left over)
    assert cells.reestimates(np.full(50, 3.0), 4) == 0


@pytest.mark.slow
def test_given_the_step_the_coordinate_theory_is_exact_on_any_f():
    """With the noiseless differences at the step (g0), E G = g0 and E||G||^2 = ||g0||^2 + E||N||^2 on any
    smooth f: Rosenbrock at a step of 0.05, far outside the quadratic model, against 4000 noisy draws of
    forward differences (4 standard errors)."""
    p, q, x0 = noisy(7, 1e-4, 1)
    from zeroopt.ad import hessian, value_and_grad
    f, g = value_and_grad(p.py_fun)(x0, *p.args)
    g, H, h = np.asarray(g, dtype=float), np.asarray(hessian(p.py_fun)(x0, *p.args), dtype=float), 0.05
    _, q0, _ = noisy(7, 0.0, 1)
    g0 = cells.estimates(zo.CoordinateFD(eps=h, scheme="forward"), q0, x0, 1, None)[0]
    spec = dict(scheme="forward", eps="auto")
    t = th.moments("coord", spec, 2, float(f), g, H, 1e-4, x=x0, fun=lambda w: float(p.py_fun(w, *p.args)),
                   eps=h, g0=g0)
    Gs = cells.estimates(zo.CoordinateFD(eps=h, scheme="forward"), q, x0, 4000, None)
    e2 = np.sum((Gs - g) ** 2, axis=1)
    mse_t = float(np.sum((g0 - g) ** 2)) + t["noise"]
    assert abs(e2.mean() - mse_t) < 4 * e2.std() / math.sqrt(4000)
    assert np.all(np.abs(Gs.mean(axis=0) - g0) < 4 * Gs.std(axis=0) / math.sqrt(4000))
    model = th.moments("coord", spec, 2, float(f), g, H, 1e-4, x=x0, fun=lambda w: float(p.py_fun(w, *p.args)), eps=h)
    assert abs(e2.mean() - (float(np.sum(model["bias_vec"] ** 2)) + model["noise"])) > 10 * e2.std() / math.sqrt(4000)


def test_relative_noise_is_f_times_one_plus_sigma_e():
    p, q, x0 = noisy(7, 1e-3, 11)
    e = np.random.default_rng(11).standard_normal(3)
    values = [q.value(x0) for _ in range(3)]
    assert values == pytest.approx(list(p.value(x0) * (1 + 1e-3 * e)), rel=1e-15)
    _, q0, _ = noisy(7, 0.0, 11)
    assert q0.value(x0) == p.value(x0)                 # sigma = 0: f itself, to the bit


def test_the_noise_terms_of_the_issue_are_the_central_leading_terms():
    """With f = 1, g = 0, H = 0 the noise term is the issue's n s^2/(2 q eps^2) (Gaussian) and
    n^2 s^2/(2 q eps^2) (unit directions); the forward scheme's is four times larger."""
    n, s, e = 6, 1e-3, th.EPS
    g, H = np.zeros(n), np.zeros((n, n))
    for label, expect in [("gaussian", n * s**2 / (2 * e**2)), ("sphere q=4", n**2 * s**2 / (8 * e**2)),
                          ("rademacher", n**2 * s**2 / (2 * e**2)), ("gaussian fwd", 4 * n * s**2 / (2 * e**2)),
                          ("orthogonal q=n/2 fwd", 4 * n**2 * s**2 / (2 * 3 * e**2))]:
        _, family, spec = next(o for o in th.ORACLES if o[0] == label)
        assert th.moments(family, spec, n, 1.0, g, H, s)["noise"] == pytest.approx(expect, rel=1e-12), label


def test_the_closed_form_cosines_match_monte_carlo():
    """E|v_1| on the sphere and E||Pg||/||g|| for a random q-frame, against 40000 draws (4 standard errors)."""
    rng = np.random.default_rng(0)
    n, q = 7, 3
    g = rng.standard_normal(n)
    V = rng.standard_normal((40000, n))
    c = np.abs(V @ g) / (np.linalg.norm(V, axis=1) * np.linalg.norm(g))
    assert abs(c.mean() - th.cosine("dir", dict(dist="gaussian", q=1, scheme="central"), n, g)) < 4 * c.std() / 200
    Q = np.linalg.qr(rng.standard_normal((4000, n, q)))[0]
    c = np.linalg.norm(np.einsum("bnq,n->bq", Q, g), axis=1) / np.linalg.norm(g)
    spec = dict(dist="sphere", q=q, orthogonal=True, scheme="central")
    assert abs(c.mean() - th.cosine("dir", spec, n, g)) < 4 * c.std() / math.sqrt(4000)


def test_the_interval_of_a_skewed_mean_covers_it():
    """Exponential samples (skewness 2): the skew-corrected 99% interval of 400 draws covers the mean 1 in
    at least 97% of 2000 repetitions (the uncorrected one falls short on the upper side)."""
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(2000):
        _, lo, hi = cells.mean_interval(rng.exponential(size=400))
        hits += lo <= 1.0 <= hi
    assert hits >= 0.97 * 2000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The --quick run (4 rows, 400 draws a cell), figures included."""
    out = tmp_path_factory.mktemp("atlas")
    assert atlas.main(["--quick", "--out", str(out), "--jobs", "1", "--no-progress"]) == 0
    with open(out / "atlas.csv") as fh:
        table = list(csv.DictReader(fh))
    return out, table


@pytest.mark.slow
def test_a_tiny_run_writes_its_table(tiny):
    out, table = tiny
    assert list(table[0]) == list(atlas.COLUMNS)
    assert len(table) == len(atlas.QUICK_ROWS) * 2 * 3 * len(th.ORACLES)
    with open(out / "points.csv") as fh:
        points = list(csv.DictReader(fh))
    assert list(points[0]) == list(atlas.POINT_COLUMNS) and [p["point"] for p in points[:2]] == ["x0", "half"]
    meta = json.load(open(out / "meta.json"))
    assert meta["summary"]["cells"] == len(table) and meta["seconds"] > 0
    assert (out / "failures.csv").is_file() and (out / "figs" / "atlas_failures.csv").is_file()
    # the helical valley's halfway point is the origin, where theta jumps: no exact theory there
    assert meta["summary"]["rough"] == ["row 9 half"]
    assert all(r["exact"] == "False" for r in table if r["row"] == "9" and r["point"] == "half")
    # the auto rows record their step and phase; at 1e-4 the auto step's MSE is far below the default's
    auto = [r for r in table if r["oracle"] in atlas.AUTO_LABELS]
    assert auto and all(float(r["auto_h"]) > 0 and int(r["auto_nfev"]) > 0 and r["auto_reest"] != "" for r in auto)
    assert all(r["auto_h"] == "" for r in table if r["oracle"] not in atlas.AUTO_LABELS)
    for d, a in (("FD central", "FD central auto"), ("FD forward", "FD forward auto")):
        rel = {o: {(r["row"], r["point"]): float(r["mse"]) / float(r["gnorm"]) ** 2 for r in table
                   if r["oracle"] == o and r["noise"] == "0.0001"} for o in (d, a)}
        assert all(rel[a][k] < 1e-3 * rel[d][k] for k in rel[d] if k != ("9", "half")), d
    assert meta["summary"]["auto_exact_cells"] > 0
    for name in ("atlas_noise0", "atlas_noise1e-08", "atlas_noise1e-04"):
        assert (out / "figs" / f"{name}.png").is_file()
        assert "Moré–Wild" in (out / "figs" / f"{name}.txt").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("oracle, noise", [("sphere", "0.0"), ("gaussian fwd", "0.0"), ("RandomCoordinate", "1e-08"),
                                           ("FD central", "0.0001"), ("FD forward", "0.0001"),
                                           ("orthogonal q=n/2", "0.0001"), ("rademacher q=4 fwd", "1e-08"),
                                           ("FD forward auto", "0.0001"), ("FD central auto", "1e-08"),
                                           ("RandomCoordinate auto", "0.0001"), ("sphere auto", "0.0001")])
def test_measured_moments_agree_with_the_theory_on_a_quadratic(tiny, oracle, noise):
    """Row 3 (linear rank 1 with zero columns) is a quadratic: the theory is exact. Measured factor and
    MSE within 4 standard errors of 400 draws (the standard error from the cell's 99% interval, whose
    half-width is 2.576 of them, the skewness shift aside) of the theory, at both points."""
    cells_ = [r for r in tiny[1] if r["row"] == "3" and r["oracle"] == oracle and r["noise"] == noise]
    assert len(cells_) == 2
    for r in cells_:
        for k in ("factor", "mse"):
            se = (float(r[f"{k}_hi"]) - float(r[f"{k}_lo"])) / (2 * cells.Z)
            assert abs(float(r[k]) - float(r[f"{k}_theory"])) <= 4 * se + 1e-6 * abs(float(r[k])), (r["point"], k)
        assert r["exact"] == "True"


@pytest.mark.parametrize("argv, words", [(["--draws", "10"], ["--draws", "from 50"]),
                                         (["--rows", "0"], ["--rows", "from 1 to 53"]),
                                         (["--rows", "1,1"], ["--rows", "repeated"]),
                                         (["--jobs", "0"], ["--jobs"]), (["--bogus"], ["unrecognized arguments"])])
def test_a_bad_option_exits_2_with_the_usage_line(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        atlas.main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith("usage: python -m experiments.atlas")
    assert all(w in err for w in words)
    assert not (tmp_path / "results").exists()


def test_a_failure_is_put_down_to_chance_only_when_its_p_value_allows():
    """A theory value just outside a 99% interval is chance (p about 0.01); far outside, in a cell whose
    estimates have no spread, it is the model's truncation."""
    se = 1.0
    row = dict(n=3, draws=2000, m=3.0, noise_term=0.0, trunc=1e-7, spread_ratio=0.5, mse=100.0,
               mse_lo=100.0 - cells.Z * se, mse_hi=100.0 + cells.Z * se, mse_theory=100.0 + 2.7 * se)
    assert atlas.p_value(row, "mse") == pytest.approx(0.0069, abs=2e-4)
    assert atlas.reason(row, "mse").startswith("chance")
    flat = dict(row, mse_lo=100.0 * (1 - cells.FLOOR), mse_hi=100.0 * (1 + cells.FLOOR), mse_theory=100.001)
    assert atlas.reason(flat, "mse").startswith("no spread")
