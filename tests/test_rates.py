"""The rate experiment: its problems, theory, summary and the script end to end."""

import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import zeroopt as zo
from zeroopt import rates

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_nesterov_closed_forms():
    p = zo.problems.nesterov(7, L=3.0)
    g = zo.grad(p.py_fun)(p.x_star, *p.args)
    assert np.linalg.norm(g) < 1e-14 and p.value(p.x_star, count=False) == pytest.approx(p.f_star, rel=1e-14)
    lam = np.linalg.eigvalsh(zo.hessian(p.py_fun)(np.zeros(7), *p.args))
    assert lam[-1] <= p.L and lam[0] > 0 and lam[0] < 0.05 * p.L


def test_mds_knows_f_star_and_a_valid_L_along_runs():
    p = zo.problems.mds(6, 2, seed=3)
    assert p.value(p.planted.ravel(), count=False) < 1e-25 and p.f_star == 0.0 and p.x_star is None
    np.testing.assert_allclose(zo.problems.mds_hessian(p.x0, *p.args), zo.hessian(p.py_fun)(p.x0, *p.args), rtol=1e-12, atol=1e-9)
    for oracle in (zo.ExactAD(), zo.TwoPoint(seed=1)):
        r = zo.minimize(p, p.x0, oracle, maxiter=3000, record="all", callback=None, measure=("f", "grad_norm2", "dist2"))
        # the Hessian along the run never exceeds the L the problem states
        xs = [p.x0]
        zo.minimize(p, p.x0, oracle.reseed() if oracle.random else oracle, maxiter=300, callback=lambda it: xs.append(it.x))
        assert max(np.linalg.eigvalsh(zo.problems.mds_hessian(x, *p.args))[-1] for x in xs[::10]) <= p.L
        assert np.all(np.isnan(r.history["dist2"])) and r.history["grad_norm2"][-1] < 1e-6 * r.history["grad_norm2"][0]


def test_theory_column():
    assert rates.theory("strongly_convex", "sphere", 100) == pytest.approx(math.log(0.9) / math.log(1 - 0.1 / 100))
    assert rates.theory("strongly_convex", "sphere", 100) / 100 == pytest.approx(1.054, abs=2e-3)
    assert rates.theory("convex", "gaussian", 50) == 52
    assert rates.theory("nonconvex", "sphere-q4", 50) == pytest.approx(1 + 49 / 4)
    assert rates.theory("convex", "orthogonal-q16", 50) == pytest.approx(50 / 16)
    assert rates.theory("strongly_convex", "ns-forward", 10) == pytest.approx(math.log(0.9) / math.log(1 - 0.1 / (8 * 14)))
    assert rates.theory("convex", "ns-forward", 10) == 4 * 14


def test_tasks_skip_impossible_cells_and_run_gd_once():
    configs = rates.tasks(["convex"], [10, 20], rates.METHODS, 3, {"convex": 50})
    assert not any(c["method"] == "orthogonal-q16" and c["n"] == 10 for c in configs)
    assert sum(c["method"] == "gd" for c in configs) == 2
    assert sum(c["method"] == "sphere" for c in configs) == 6


def test_rates_quick_end_to_end(tmp_path):
    out, figs = str(tmp_path / "out"), str(tmp_path / "figs")
    cmd = [sys.executable, os.path.join(ROOT, "experiments", "rates.py"), "--quick", "--dims", "10,20", "--seeds", "2",
           "--jobs", "2", "--out", out, "--figs", figs, "--no-progress"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "measured" in done.stdout and "summary.csv" in done.stdout
    with open(os.path.join(out, "summary.csv")) as fh:
        summary = list(csv.DictReader(fh))
    assert set(summary[0]) == {"setting", "problem", "n", "method", "q", "measured", "theory", "ci_low", "ci_high"}
    assert {r["setting"] for r in summary} == {"strongly_convex", "convex", "nonconvex"}
    convex = [r for r in summary if r["setting"] != "strongly_convex" and r["method"] != "ns-forward"]
    assert all(0.5 <= float(r["measured"]) / float(r["theory"]) <= 2 for r in convex)
    with open(os.path.join(out, "runs.csv")) as fh:
        header = next(csv.reader(fh))
    assert header == ["setting", "problem", "n", "method", "q", "seed", "nit", "nfev", "f_gap", "grad_norm2", "dist2"]
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert meta["versions"]["numba"] and meta["config"]["dims"] == [10, 20] and not meta["errors"]
    for setting in ("strongly_convex", "convex", "nonconvex"):
        for kind in ("curves", "slowdown"):
            for ext in ("png", "pdf"):
                assert os.path.getsize(os.path.join(figs, f"rates_{setting}_{kind}.{ext}")) > 1000
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)          # resumes: nothing to run
    assert again.returncode == 0 and "0 runs now" in again.stdout


def test_help_explains_the_options():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "rates.py"), "--help"], capture_output=True, text=True)
    for option in ("--quick", "--dims", "--seeds", "--jobs", "--backend", "--out", "--figs", "--maxiter"):
        assert option in done.stdout


def test_quick_runs_leave_the_paper_figures_alone(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, os.path.join(ROOT, "experiments", "rates.py"), "--quick", "--dims", "10", "--seeds", "1",
           "--settings", "convex", "--methods", "sphere", "--jobs", "1", "--out", str(out), "--no-progress"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "figs" / "rates_convex_slowdown.png").exists() and not (tmp_path / "paper_figs").exists()
