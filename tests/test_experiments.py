"""The smaller experiment scripts run end to end, and the data they plot obeys the bounds they draw."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

from experiments import jacobian_modes, linesearch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
@pytest.mark.parametrize("script, data, figures, extra", [
    ("linesearch", "linesearch.csv", ["linesearch"], []),
    ("jacobian_modes", "jacobian_modes.csv", ["jacobian_modes", "jacobian_which_mode"], ["--rounds", "1"]),
])
def test_experiment_script(script, data, figures, extra, tmp_path):
    out, figs = tmp_path / "out", tmp_path / "figs"
    done = subprocess.run([sys.executable, "-m", f"experiments.{script}", "--quick", *extra, "--out", str(out),
                           "--figs", str(figs)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.reader(open(out / data)))
    assert len(rows) > 5
    for figure in figures:
        for ext in ("png", "pdf"):
            assert (figs / f"{figure}.{ext}").stat().st_size > 1000
        assert (figs / f"{figure}.txt").read_text().startswith("Lecture 001, Figure")


@pytest.mark.parametrize("name", list(linesearch.FUNCTIONS))
def test_interval_searches_stay_under_the_lectures_bounds(name):
    f = linesearch.FUNCTIONS[name]
    for method, which in (("dichotomy", 0), ("golden", 1)):
        err = linesearch.trace(method, f)
        N = np.arange(1, len(err) + 1)
        assert np.all(err <= linesearch.bounds(N)[which] * (1 + 1e-9) + 1e-15), method
    assert len(linesearch.trace("brent", f)) < len(linesearch.trace("golden", f))


def test_descent_counts_every_evaluation_and_converges():
    for _, rule in linesearch.RULES:
        nit, nev, gap = linesearch.descent(rule, maxiter=30)
        assert nit[0] == 0 and nev[0] == 0 and np.all(np.diff(nev) > 0), rule  # each step spends evaluations
        assert gap[-1] < 1e-6, rule
    nit, nev, _ = linesearch.descent("fixed", maxiter=10)
    assert np.array_equal(nev, nit)  # a fixed step: one gradient per iteration, no f evaluation


def test_crossing_interpolates_on_log_axes():
    ms = [10, 100, 1000]
    assert jacobian_modes.crossing(ms, [1.0, 1.0, 1.0], [0.1, 1.0, 10.0]) == pytest.approx(100.0)
    assert jacobian_modes.crossing(ms, [2.0] * 3, [1, 4, 9]) == pytest.approx(10 ** 1.5)   # log 2 - log b: +, -
    assert np.isnan(jacobian_modes.crossing(ms, [2.0, 2.0, 2.0], [0.1, 0.2, 0.4]))   # a above b throughout
    assert np.isnan(jacobian_modes.crossing(ms, [1.0, 1.0, 1.0], [2.0, 3.0, 4.0]))


@pytest.mark.slow
def test_jacobian_measurements_and_figures(tmp_path):
    rows = jacobian_modes.measure([10, 40], n=20, repeats=1)  # also checks both Jacobians equal A
    assert [r[0] for r in rows] == [10, 40]
    assert all(np.isfinite(v) and v > 0 for r in rows for v in r[1:])
    synthetic = [(m, 1e-3 * (1 + m / 1000), 1e-5 * m, 1e-5, 7e-6, 5e-6) for m in (10, 50, 100, 200, 1000)]
    jacobian_modes.figure(synthetic, str(tmp_path), n=100)
    caption = (tmp_path / "jacobian_modes.txt").read_text()
    ms, tf, tr = (np.array(c) for c in list(zip(*synthetic))[:3])
    assert f"cross at m = {jacobian_modes.crossing(ms, tf, tr):.0f}" in caption and "1.4x" in caption  # t_jvp/t_vjp
    grid = [(n, m, 1e-5 * n, 1e-5 * m) for n in (10, 100) for m in (10, 100)]
    jacobian_modes.figure_grid(grid, str(tmp_path))
    assert (tmp_path / "jacobian_which_mode.png").stat().st_size > 1000


def test_an_interrupted_figure_save_leaves_the_old_figure_whole(tmp_path):
    from experiments import _figures

    _figures.save_figure(_figures.pyplot().figure(), str(tmp_path), "demo", caption="old caption")
    before = {f: (tmp_path / f).read_bytes() for f in os.listdir(tmp_path)}
    assert sorted(before) == ["demo.pdf", "demo.png", "demo.txt"] and before["demo.png"].startswith(b"\x89PNG")
    fig = _figures.pyplot().figure()
    fig.gca().plot([0, 1])
    real = fig.savefig

    def interrupted(target, **kw):   # half the image is rendered, then Ctrl-C
        if kw.get("format") == "pdf":
            raise KeyboardInterrupt
        real(target, **kw)

    fig.savefig = interrupted
    with pytest.raises(KeyboardInterrupt):
        _figures.save_figure(fig, str(tmp_path), "demo", caption="new caption")
    after = {f: (tmp_path / f).read_bytes() for f in os.listdir(tmp_path)}
    assert sorted(after) == sorted(before)          # no partial or temporary file
    assert after["demo.pdf"] == before["demo.pdf"] and after["demo.txt"] == before["demo.txt"]
    assert after["demo.png"] != before["demo.png"]  # the PNG finished first and was replaced whole


def test_the_ad_benchmarks_jacobian_section_prints_the_experiments_rows(capsys):
    """benchmarks/ad.py section (c) runs experiments/jacobian_modes.measure, whose rows hold six columns."""
    from benchmarks import ad as bench

    rows = bench.jacobian_modes((10, 30), 1, None)
    printed = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip()[:2] in ("10", "30")]
    assert [int(r[0]) for r in rows] == [10, 30] and [int(p[0]) for p in printed] == [10, 30]
    # (printed to 3 significant digits, the ratio to 2 decimals: rounding alone moves it by up to ~1.5%)
    assert all(float(p[3]) == pytest.approx(float(p[1]) / float(p[2]), rel=0.011, abs=0.0051) for p in printed)


def test_linesearch_caption_numbers_come_from_the_data():
    """The linesearch figure's caption counts are the evaluations at which each curve first reaches the
    target, and its comparison is computed from them (no fixed claim)."""
    nev, gap = np.array([0, 3, 7, 12]), np.array([1.0, 1e-6, 1e-13, 1e-14])
    assert linesearch.first_below(nev, gap) == 7 and linesearch.first_below(nev, gap, 1e-20) is None
    final = {(j, m): 1e-9 for j in (0, 1) for m in linesearch.SCALAR}
    counts = dict(golden=800, brent=300, parabolic=150, armijo=30, goldstein=40, wolfe=60, fixed=31)
    cap = linesearch.make_caption(final, counts, 300)
    assert "golden 800, Brent 300, parabolic 150" in cap and "Armijo 30, Goldstein 40, Wolfe 60" in cap
    assert "2.5x (parabolic against Wolfe) to 27x (golden against Armijo) fewer" in cap and "L, 31" in cap
    counts["armijo"] = None
    cap = linesearch.make_caption(final, counts, 300)
    assert "Armijo not within 300 iterations" in cap and "fewer evaluations" not in cap
    # one colour per method in every panel
    assert set(linesearch.SCALAR) <= set(linesearch.COLORS) and {r for _, r in linesearch.RULES} <= set(linesearch.COLORS)


def test_jacobian_timings_are_kept_for_the_same_configuration(tmp_path, monkeypatch):
    """A rerun with the same sizes and rounds redraws from the kept timings; a different configuration, a
    damaged file or --remeasure measures again."""
    calls = []

    def fake_measure(ms, n=100, repeats=5, seed=0, passes=True):
        calls.append((tuple(ms), n, repeats, passes))
        return [(m, 1e-3 * m, 2e-3, 1e-5, 1e-5, 1e-4) if passes else (m, 1e-3 * m, 2e-3) for m in ms]

    monkeypatch.setattr(jacobian_modes, "measure", fake_measure)
    args = ["--quick", "--rounds", "1", "--out", str(tmp_path), "--no-figs"]
    jacobian_modes.main(args)
    first = len(calls)
    assert first == 4                               # the curve, then one grid row per size (3 sizes)
    modes = (tmp_path / "jacobian_modes.csv").read_text()
    jacobian_modes.main(args)
    assert len(calls) == first                      # kept: nothing measured
    assert (tmp_path / "jacobian_modes.csv").read_text() == modes
    jacobian_modes.main(args[:2] + ["2"] + args[3:])  # other rounds: measured again
    assert len(calls) == 2 * first
    jacobian_modes.main(args[:2] + ["2"] + args[3:] + ["--remeasure"])
    assert len(calls) == 3 * first
    (tmp_path / "jacobian_grid.csv").write_text("n,m,forward_s,reverse_s\n10,10,oops,1\n")
    jacobian_modes.main(args[:2] + ["2"] + args[3:])  # damaged: measured again, never read
    assert len(calls) == 4 * first
