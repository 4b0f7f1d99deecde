"""The rate experiment: its problems, theory, summary, figures' data and the script end to end."""

import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import zeroopt as zo
from experiments import rates, rates_report, rates_runs
from zeroopt import sweep
from zeroopt import theory as zt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_nesterov_closed_forms():
    p = zo.problems.nesterov(7, L=3.0)
    g = zo.grad(p.py_fun)(p.x_star, *p.args)
    assert np.linalg.norm(g) < 1e-14 and p.value(p.x_star, count=False) == pytest.approx(p.f_star, rel=1e-14)
    lam = np.linalg.eigvalsh(zo.hessian(p.py_fun)(np.zeros(7), *p.args))
    assert lam[-1] <= p.L and lam[0] > 0 and lam[0] < 0.05 * p.L
    np.testing.assert_allclose(lam, zt.nesterov_eigenvalues(7, 3.0), rtol=1e-12)


@pytest.mark.slow
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
    assert rates_runs.theory("strongly_convex", "sphere", 100) == pytest.approx(math.log(0.9) / math.log(1 - 0.1 / 100))
    assert rates_runs.theory("strongly_convex", "sphere", 100) / 100 == pytest.approx(1.054, abs=2e-3)
    assert rates_runs.theory("convex", "gaussian", 50) == 52
    assert rates_runs.theory("nonconvex", "sphere-q4", 50) == pytest.approx(1 + 49 / 4)
    assert rates_runs.theory("convex", "orthogonal-q16", 50) == pytest.approx(50 / 16)
    assert rates_runs.theory("strongly_convex", "ns-forward", 10) == pytest.approx(math.log(0.9) / math.log(1 - 0.1 / (8 * 14)))
    assert rates_runs.theory("convex", "ns-forward", 10) == 4 * 14


def test_each_task_gets_its_own_problem():
    (p, x0), (q, y0) = rates_runs.problem("strongly_convex", 6), rates_runs.problem("strongly_convex", 6)
    assert p is not q and x0 is not y0 and p.args[0] is q.args[0]      # own counters, shared read-only data
    p.value(x0)
    assert (p.nfev, q.nfev) == (1, 0)


def test_theory_constants_and_bounds():
    assert zt.contraction(1.0, 10.0) == pytest.approx(0.9) and zt.contraction(1.0, 10.0, m=50) == pytest.approx(0.998)
    assert zt.linear_slowdown(1.0, 0.1) == pytest.approx(1.0)
    assert zt.linear_slowdown(1e6, 0.1) / 1e6 == pytest.approx(-math.log(0.9) / 0.1, rel=1e-5)
    assert zt.ns_forward_contraction(6, 1.0, 10.0) == pytest.approx(1 - 1 / 800)
    for bad in (lambda: zt.contraction(2.0, 1.0), lambda: zt.linear_slowdown(0.5, 0.1), lambda: zt.linear_slowdown(2, 1.0),
                lambda: zt.gd_convex_bound([0, 1], 1.0, 1.0), lambda: zt.forward_gaussian_moments([1.0, -1.0], 0.1, 1e-3)):
        with pytest.raises(ValueError):
            bad()


def test_gd_bounds_hold_on_the_experiment_problems():
    """gd stays under L ||x0 - x*||^2/(2k) (convex) and 2L(f0 - f*)/k (nonconvex, min over i <= k)."""
    for setting, n in (("convex", 20), ("nonconvex", 20)):
        p, x0 = rates_runs.problem(setting, n)
        h = zo.minimize(p, x0, zo.ExactAD(), maxiter=400, record="all", measure=("f", "grad_norm2")).history
        k = h["nit"][1:].astype(float)
        if setting == "convex":
            assert np.all(h["f"][1:] - p.f_star <= zt.gd_convex_bound(k, p.L, float(np.sum((x0 - p.x_star) ** 2))))
        else:
            best = np.minimum.accumulate(h["grad_norm2"])[:-1]       # min over i < k
            assert np.all(best <= zt.gd_nonconvex_bound(k, p.L, h["f"][0] - p.f_star))


def test_nesterov_leaves_the_one_over_k_regime_where_the_theory_says():
    """Up to k* = 1/(2 sin^2(pi/(2(n+1)))) gd's error on Nesterov's function in R^n decays no faster than
    O(1/k) (k (f_k - f*) rises to its peak near k*); after a few k* it contracts by (1 - lambda_min/L)^2 per
    iteration, the linear rate of the smallest eigenvalue."""
    n = 10
    p, x0 = rates_runs.problem("convex", n)
    knee = zt.nesterov_linear_after(n)
    h = zo.minimize(p, x0, zo.ExactAD(), maxiter=int(12 * knee), record="all").history
    gap = h["f"] - p.f_star
    assert 0.5 * knee <= np.argmax(h["nit"] * gap) <= 2 * knee
    late = slice(int(6 * knee), None)
    slope = np.polyfit(h["nit"][late], np.log(gap[late]), 1)[0]
    assert slope == pytest.approx(2 * math.log1p(-zt.nesterov_eigenvalues(n, p.L)[0] / p.L), rel=1e-3)


def test_forward_gaussian_floor_matches_a_monte_carlo_mean():
    """E f(x_k) - f* of GD with forward Gaussian differences started at x*: the exact recursion against the
    mean of 1000 runs (within 4 standard errors of the mean)."""
    n, eps, k = 4, 1e-2, 300
    p = zo.problems.quadratic(n, mu=1.0, L=4.0, seed=1)
    lam = np.linalg.eigvalsh(p.args[0])
    h = zt.ns_forward_step(n, p.L) * 4     # a larger step reaches the floor sooner (still contracting)
    M, b = zt.forward_gaussian_moments(lam, h, eps)
    s = np.zeros(n)
    for _ in range(k):
        s = M @ s + b
    expected = 0.5 * lam @ s
    floor, _ = zt.forward_gaussian_floor(lam, h, eps)
    assert expected == pytest.approx(floor, rel=1e-3)       # k = 300 is stationary
    gaps = np.array([p.value(zo.minimize(p, p.x_star, zo.TwoPoint(dist="gaussian", scheme="forward", eps=eps, seed=s),
                                         step=h, maxiter=k, record="none").x, count=False) for s in range(1000)])
    assert abs(gaps.mean() - expected) <= 4 * gaps.std(ddof=1) / math.sqrt(len(gaps))
    assert zt.forward_gaussian_rate(lam, h) == pytest.approx(max(abs(np.linalg.eigvals(M))))


def test_tasks_skip_impossible_cells_and_run_gd_once():
    configs = rates_runs.tasks(["convex"], [10, 20], rates_runs.METHODS, 3, {"convex": 50})
    assert not any(c["method"] == "orthogonal-q16" and c["n"] == 10 for c in configs)
    assert sum(c["method"] == "gd" for c in configs) == 2
    assert sum(c["method"] == "sphere" for c in configs) == 6


def test_summary_has_both_measures_of_the_strongly_convex_setting(tmp_path):
    configs = rates_runs.tasks(["strongly_convex"], [10], ["gd", "sphere"], 2, {"strongly_convex": 300})
    sweep.run(rates_runs.run_one, configs, str(tmp_path))
    summary = rates_report.summarize(sweep.collect(str(tmp_path), configs).records)
    assert [(r["measure"], r["method"]) for r in summary] == [("f_gap", "sphere"), ("dist2", "sphere")]
    for r in summary:   # the lecture's rate in both quantities: within 10% of ln(1 - mu/L)/ln(1 - mu/(mL))
        assert r["measured"] == pytest.approx(r["theory"], rel=0.1)


def run_main(argv, capsys):
    code = rates.main(argv)
    return code, capsys.readouterr()


@pytest.mark.slow
def test_rates_end_to_end_in_process(tmp_path, capsys):
    out, figs = str(tmp_path / "out"), str(tmp_path / "figs")
    argv = ["--dims", "10", "--seeds", "2", "--jobs", "2", "--out", out, "--figs", figs, "--no-progress",
            "--methods", "sphere,coordinate,orthogonal-q4,ns-forward", "--maxiter", "60"]
    code, io = run_main(argv + ["--backend", "threading"], capsys)    # in this process: compiled once per session
    assert code == 0, io.err[-3000:]
    assert "measured" in io.out and "summary.csv" in io.out
    with open(os.path.join(out, "summary.csv")) as fh:
        summary = list(csv.DictReader(fh))
    assert list(summary[0]) == rates_report.SUMMARY_COLUMNS
    assert {(r["setting"], r["measure"]) for r in summary} == {("strongly_convex", "f_gap"), ("strongly_convex", "dist2"),
                                                               ("convex", "f_gap"), ("nonconvex", "grad_norm2")}
    with open(os.path.join(out, "runs.csv")) as fh:
        assert next(csv.reader(fh)) == rates_report.RUN_COLUMNS
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert meta["complete"] and meta["backend"] == "threading" and meta["jobs"] == 2 and not meta["failures"]
    assert meta["versions"]["numba"] and meta["config"]["dims"] == [10] and meta["damaged"] == []
    for setting in ("strongly_convex", "convex", "nonconvex"):
        for kind in ("curves", "slowdown"):
            for ext in ("png", "pdf"):
                assert os.path.getsize(os.path.join(figs, f"rates_{setting}_{kind}.{ext}")) > 1000
    assert os.path.getsize(os.path.join(figs, "rates_strongly_convex_dist_curves.png")) > 1000
    stamps = {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in ("runs.csv", "summary.csv")}
    tasks = sorted(os.listdir(os.path.join(out, "tasks")))
    argv = [x for x in argv if x not in ("--figs", figs)] + ["--no-figs"]
    code, io = run_main(argv, capsys)                                    # a second run does no work
    assert code == 0 and "0 runs now" in io.out and sorted(os.listdir(os.path.join(out, "tasks"))) == tasks
    assert {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in stamps} == stamps

    victim = os.path.join(out, "tasks", [t for t in tasks if t.endswith(".json")][0])
    with open(victim, "w") as fh:                                        # damaged: set aside and run again
        fh.write("{}")
    code, io = run_main(argv + ["--jobs", "1"], capsys)
    assert code == 0 and "1 runs now" in io.out and "1 damaged files set aside" in io.out
    assert "damaged task file" in io.err and len(io.err.strip().splitlines()) == 1
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert len(meta["damaged"]) == 1 and meta["damaged"][0]["moved_to"].startswith(os.path.join("tasks", "damaged"))
    assert {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in stamps} == stamps   # the same rows again


@pytest.mark.slow
def test_nothing_is_written_from_an_incomplete_sweep(tmp_path, capsys, monkeypatch):
    out = str(tmp_path / "out")
    argv = ["--dims", "10", "--seeds", "1", "--jobs", "1", "--out", out, "--no-progress", "--settings", "convex",
            "--methods", "sphere", "--maxiter", "20", "--figs", str(tmp_path / "figs")]
    assert run_main(argv, capsys)[0] == 0 and os.path.exists(os.path.join(out, "runs.csv"))
    real = rates_runs.run_one

    def breaks_on_sphere(config, seed_sequence):
        if config["method"] == "sphere":
            raise RuntimeError("sphere breaks")
        return real(config, seed_sequence)

    monkeypatch.setattr(rates_runs, "run_one", breaks_on_sphere)
    code, io = run_main(argv[:3] + ["2"] + argv[4:], capsys)          # --seeds 2: one more task, which fails
    assert code == 1 and "sphere breaks" in io.err and "not written" in io.err
    assert not os.path.exists(os.path.join(out, "runs.csv")) and not os.path.exists(os.path.join(out, "summary.csv"))
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert not meta["complete"] and meta["tasks"]["failed"] == 1
    assert "RuntimeError: sphere breaks" in meta["failures"][0]["error"] and "Traceback" in meta["failures"][0]["traceback"]


def test_help_explains_the_options():
    done = subprocess.run([sys.executable, "-m", "experiments.rates", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    for option in ("--quick", "--dims", "--seeds", "--jobs", "--backend", "--scheduler", "--out", "--figs", "--maxiter",
                   "--settings", "--methods", "--progress"):
        assert option in done.stdout


@pytest.mark.slow
def test_quick_runs_leave_the_paper_figures_alone(tmp_path):
    out = tmp_path / "out"
    committed = os.path.join(ROOT, "paper_figs", "rates_convex_slowdown.png")
    stamp = os.stat(committed).st_mtime_ns
    cmd = [sys.executable, "-m", "experiments.rates", "--quick", "--dims", "10", "--seeds", "1",
           "--settings", "convex", "--methods", "sphere", "--jobs", "1", "--out", str(out), "--no-progress"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "figs" / "rates_convex_slowdown.png").exists() and os.stat(committed).st_mtime_ns == stamp
