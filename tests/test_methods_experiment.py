"""experiments/methods.py: the slowdown is measured the rate study's way (a curve stretched by c in k
measures c), each configuration has its own folder, and a tiny run writes its table and files."""

import csv
import os

import numpy as np
import pytest

from experiments import methods
from experiments import methods_runs as runs


def record(experiment, n, method, seed, k, gap):
    return {"config": {"experiment": experiment, "n": n, "method": method, "seed": seed},
            "rows": [{"nit": int(a), "nfev": 2 * int(a), "f_gap": float(b)} for a, b in zip(k, gap)]}


def test_a_curve_stretched_by_c_in_k_measures_c():
    """FGM's curve g(k) = 1/(1 + k)^2; the random runs follow g(k / c_s) with c_s around 80: the measured
    slowdown is the geometric mean of the c_s, the theory 4(n + 4)."""
    k = np.arange(0, 400)
    stretch = [76.0, 80.0, 88.0]
    K = np.arange(0, 400 * 90)
    recs = [record("accelerated", 16, "fgm", 0, k, 1.0 / (1 + k) ** 2)]
    recs += [record("accelerated", 16, "zo_accelerated", s, K, 1.0 / (1 + K / c) ** 2) for s, c in enumerate(stretch)]
    [row] = runs.summarize(recs, n_boot=200)
    assert row["theory"] == 80 and row["seeds"] == 3
    assert row["measured"] == pytest.approx(np.exp(np.mean(np.log(stretch))), rel=2e-3)
    assert row["ci_low"] <= row["measured"] <= row["ci_high"]


def test_a_seed_that_misses_a_target_is_not_left_out():
    k = np.arange(0, 400)
    recs = [record("accelerated", 16, "fgm", 0, k, 1.0 / (1 + k) ** 2),
            record("accelerated", 16, "zo_accelerated", 0, k * 80, 1.0 / (1 + k) ** 2),
            record("accelerated", 16, "zo_accelerated", 1, k, np.full(len(k), 0.5))]   # stuck above the targets
    [row] = runs.summarize(recs, n_boot=50)
    assert np.isnan(row["measured"])


def test_the_pursuit_ratio_is_against_the_bound():
    n = 16
    kb = runs.bound_iterations(n)
    k = np.arange(0, int(kb[-1]) + 10)
    rho = (1 - 1 / (10.0 * n)) ** 2   # twice the bound's rate: half its iterations to every target
    recs = [record("pursuit", n, m, 0, k, rho ** k) for m in ("random_pursuit", "zo_gd")]
    for row in runs.summarize(recs, n_boot=10):
        assert row["theory"] == 1.0 and row["measured"] == pytest.approx(0.5, rel=2e-3)


def test_each_configuration_has_its_own_folder():
    outs = {tuple(a): methods.parse(list(a)) for a in ([], ["--quick"], ["--dims", "16,32"], ["--seeds", "3"])}
    folders = [a.out for a in outs.values()]
    assert len(set(folders)) == len(folders)
    assert outs[()].out == os.path.join("results", "methods") and outs[()].seeds == 10
    assert outs[("--quick",)].out == os.path.join("results", "quick", "methods") and outs[("--quick",)].seeds == 5
    assert outs[("--dims", "16,32")].figs == os.path.join("results", "methods_n16-32", "figs")


@pytest.mark.slow
def test_a_tiny_run_writes_its_table(tmp_path, capsys):
    out = tmp_path / "m"
    assert methods.main(["--dims", "4,6", "--seeds", "2", "--out", str(out), "--no-figs", "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert "4(n+4)" in text and "random_pursuit" in text
    with open(out / "summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["experiment"], r["n"], r["method"]) for r in rows] == [
        ("accelerated", "4", "zo_accelerated"), ("accelerated", "6", "zo_accelerated"),
        ("pursuit", "4", "random_pursuit"), ("pursuit", "4", "zo_gd"), ("pursuit", "6", "random_pursuit"),
        ("pursuit", "6", "zo_gd")]
    for r in rows:
        assert np.isfinite(float(r["measured"])) and r["seeds"] == "2"
    acc = [float(r["measured"]) / float(r["theory"]) for r in rows if r["experiment"] == "accelerated"]
    assert all(0.8 < a < 1.3 for a in acc)
    assert all(float(r["measured"]) <= 1.0 for r in rows if r["experiment"] == "pursuit")
    assert (out / "meta.json").exists() and (out / "runs.csv").exists()
