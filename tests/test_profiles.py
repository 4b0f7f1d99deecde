"""The profile benchmark (experiments/profiles.py): the Moré–Wild library OptiProfiler loads, the solver
wrapper's seeds and budgets, the noisy3 feature, the command line, and a tiny run end to end."""

import csv
import json

import numpy as np
import pytest

import zeroopt as zo

optiprofiler = pytest.importorskip("optiprofiler")   # the profiles extra, in the test extra

from optiprofiler import Feature, FeaturedProblem  # noqa: E402
from optiprofiler.problem_libraries import load_problem_library, resolve_problem_library  # noqa: E402

from experiments import _profiles_problems as plib  # noqa: E402
from experiments import _profiles_solvers as S  # noqa: E402
from experiments import profiles  # noqa: E402
from experiments._profiles_run import fraction_solved  # noqa: E402


def featured(row, kind="smooth"):
    """OptiProfiler's view of row ``row``: the FeaturedProblem whose ``fun`` a solver receives."""
    p = plib.load(zo.problems.more_wild_table()[row - 1].name, {"kind": kind})
    return FeaturedProblem(p, Feature("plain"), max_eval=S.MAX_EVAL_FACTOR * p.n, seed=0)


# --- the problem library ---------------------------------------------------------------------------------
def test_the_hook_gives_optiprofiler_the_53_problems_with_their_n_and_x0():
    ref = resolve_problem_library(plib.LIBRARY, plib.LIBRARY_PATH)
    assert ref.source == "custom"
    library = load_problem_library(ref)   # what benchmark() loads, through its own adapter
    names = library.select({"ptype": "u", "mindim": 1, "maxdim": np.inf}, {"kind": "smooth"})
    table = zo.problems.more_wild_table()
    assert names == [r.name for r in table]
    for r in table:
        p = library.load(r.name, {"kind": "smooth"})
        zp, x0 = zo.problems.more_wild(r.row)
        assert p.name == r.name and p.n == r.n and p.ptype == "u"
        np.testing.assert_array_equal(p.x0, x0)
        assert p.fun(p.x0) == zp.value(x0)


@pytest.mark.slow   # compiles two kinds' objectives (numba; cached on disk afterwards)
@pytest.mark.parametrize("kind", ["nondiff", "wild3"])
def test_the_library_kinds_are_zeroopts_objectives(kind):
    for row in (9, 15, 37):
        p = plib.load(zo.problems.more_wild_table()[row - 1].name, {"kind": kind})
        zp, x0 = zo.problems.more_wild(row, kind)
        x = x0 + 0.1
        assert p.fun(x) == zp.value(x)


def test_the_selection_honours_dimensions_and_the_exclude_list():
    names = plib.select({"mindim": 9, "maxdim": 10, "excludelist": ["mw01_linear_full_rank_n9_m45_s0"]})
    assert names and all(9 <= zo.problems.more_wild_table()[plib.row_of(n) - 1].n <= 10 for n in names)
    assert "mw01_linear_full_rank_n9_m45_s0" not in names
    assert plib.select({"ptype": "b"}) == []


def test_bad_library_options_are_refused():
    with pytest.raises(ValueError, match="kind"):
        plib.validate_options({"kind": "noisy3"})
    with pytest.raises(ValueError, match="unknown option"):
        plib.validate_options({"kind": "smooth", "seed": 1})
    with pytest.raises(ValueError, match="not a Moré–Wild problem name"):
        plib.row_of("mw15_wrong_name")


@pytest.mark.slow   # compiles the noisy3 objective
def test_noisy3_draws_zeroopts_noise_from_the_generator_optiprofiler_passes():
    p = plib.load("mw15_bard_n3_m15_s0")
    zp, x0 = zo.problems.more_wild(15, "noisy3", seed=np.random.default_rng(3))
    assert plib.noisy3_mod_fun(x0, np.random.default_rng(3), p) == zp.value(x0)
    a, b = (plib.noisy3_mod_fun(x0, np.random.default_rng(s), p) for s in (3, 4))
    assert a != b and abs(a / p.fun(x0) - 1) < 2.1e-3   # (1 + u_i)^2 within (1 +- 1e-3)^2


# --- the solver wrapper ------------------------------------------------------------------------------------
def test_a_runs_seed_is_keyed_by_solver_problem_and_run_number():
    S.reset_calls()
    first = [S.run_seed("gd-sphere", "p", 0).generate_state(4) for _ in range(3)]
    S.reset_calls()
    S.run_seed("gd-sphere", "other", 0)          # other problems and solvers in between change nothing
    S.run_seed("gd-gaussian", "p", 0)
    again = [S.run_seed("gd-sphere", "p", 0).generate_state(4) for _ in range(3)]
    assert all((a == b).all() for a, b in zip(first, again))
    assert not (first[0] == first[1]).any()
    assert not (S.run_seed("gd-sphere", "p", 1).generate_state(4) == first[0]).any()   # the base seed


def test_a_rerun_of_a_randomized_solver_reproduces_and_its_runs_differ():
    S.reset_calls()
    runs = [S.Wrapped("gd-sphere")(featured(7).fun, featured(7).x0) for _ in range(2)]
    S.reset_calls()
    featured(13)   # another problem first: no effect on this one's seeds
    S.Wrapped("gd-sphere")(featured(13).fun, featured(13).x0)
    rerun = [S.Wrapped("gd-sphere")(featured(7).fun, featured(7).x0) for _ in range(2)]
    np.testing.assert_array_equal(runs[0], rerun[0])
    np.testing.assert_array_equal(runs[1], rerun[1])
    assert not np.array_equal(runs[0], runs[1])


def test_the_wrapper_names_the_problem_from_optiprofilers_fun():
    fp = featured(15)
    assert S.problem_name(fp.fun, fp.x0) == "mw15_bard_n3_m15_s0"
    assert S.problem_name(lambda x: 0.0, np.ones(2)) == S.problem_name(lambda x: 1.0, np.ones(2))


@pytest.mark.parametrize("name", [s for s in S.SOLVERS if S.SOLVERS[s].family == "zeroopt"])
def test_zeroopts_methods_stop_at_the_budget_by_themselves_in_python_mode(name):
    """Python mode without a warning (pytest turns a PythonModeWarning into an error), exactly the budget
    100 (n + 1) at most, and never the guard: the counts of zeroopt and of OptiProfiler agree."""
    fp = featured(7)   # n = 2: budget 300
    S.reset_calls()
    x = S.Wrapped(name)(fp.fun, fp.x0)
    assert x.shape == (2,) and np.all(np.isfinite(x))
    assert 0 < fp.n_eval_fun <= S.budget(2)


@pytest.mark.parametrize("name", [s for s in S.SOLVERS if S.SOLVERS[s].family == "reference"
                                  and s not in ("cobyla", "cobyqa")])
def test_reference_solvers_never_pass_the_budget(name):
    if not S.SOLVERS[name].available():
        pytest.skip(f"{name} needs {S.SOLVERS[name].requires}")
    fp = featured(15)   # n = 3: budget 400
    x = S.Wrapped(name)(fp.fun, fp.x0)
    assert fp.n_eval_fun <= S.budget(3)
    assert fp.fun(x) <= fp.fun_init


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cobyla", "cobyqa"])
def test_the_slow_python_references_never_pass_the_budget(name):
    fp = featured(15)
    S.Wrapped(name)(fp.fun, fp.x0)
    assert fp.n_eval_fun <= S.budget(3)


def test_the_guard_stops_before_the_call_past_the_budget_and_keeps_the_best_point():
    calls = []
    g = S.Guard(lambda x: calls.append(1) or float(x @ x), 3)
    for v in (3.0, 1.0, 2.0):
        g(np.full(2, v))
    with pytest.raises(S.BudgetExhausted):
        g(np.zeros(2))
    assert len(calls) == 3 and g.best_f == 2.0 and (g.best_x == 1.0).all()


def test_lbfgsb_with_as_jac_never_starts_a_gradient_it_cannot_pay_for():
    fp = featured(15)
    calls = []

    def fun(x):
        calls.append(1)
        return fp.fun(x)
    x, nfev = S.lbfgsb_as_jac(fun, fp.x0, 37, "central", {"maxfun": 1000, "ftol": 0.0, "gtol": 0.0})
    assert nfev == len(calls) <= 37 and nfev > 37 - 2 * 3 - 1   # a value and a 2n-point gradient each
    assert fp.fun(x) < fp.fun_init


def test_the_noise_aware_lbfgs_pays_for_its_noise_phase_inside_the_budget():
    """eps="auto": the first gradient also pays for the noise phase (about 15 + 2n evaluations); with a
    budget smaller than a phase plus a few iterations the run still stops inside it."""
    fp = featured(15)
    for budget in (20, 40, 120):
        calls = []

        def fun(x):
            calls.append(1)
            return fp.fun(x)
        guard = S.Guard(fun, budget)
        x, nfev = S.lbfgsb_as_jac(guard, fp.x0, budget, "forward", {"maxfun": 1000, "ftol": 0.0, "gtol": 0.0},
                                  eps="auto")
        # the guard's refused call raised inside the problem, which counts it (an objective that raises
        # is counted, the package's rule): nfev is the calls made, plus 1 if the guard stopped the run
        assert len(calls) <= budget and nfev - len(calls) in (0, 1) and np.all(np.isfinite(x))


def test_the_relative_noise_features_and_the_default_selection():
    from experiments import _profiles_run as R

    for s in ("1e-8", "1e-6", "1e-4"):
        kind, kw = R.feature_keywords(f"noisy-rel-{s}")
        assert kind == "smooth" and kw == {"feature_name": "noisy", "noise_type": "relative", "noise_level": float(s)}
        assert R.is_stochastic(f"noisy-rel-{s}")
    assert not any(s.endswith("-auto") for s in S.DEFAULT) and "lbfgs-ffd-auto" in S.SOLVERS


def test_adding_a_solver_is_one_registry_entry():
    try:
        S.zeroopt_solver("gd-test-only", "gd, test", "gd", zo.TwoPoint, what="a test entry")
        assert "gd-test-only" in S.SOLVERS and S.SOLVERS["gd-test-only"].randomized
        with pytest.raises(ValueError, match="twice"):
            S.zeroopt_solver("gd-test-only", "gd, test", "gd", zo.TwoPoint)
    finally:
        S.SOLVERS.pop("gd-test-only", None)


# --- reading the profiles ----------------------------------------------------------------------------------
def test_a_data_profile_is_read_as_optiprofilers_step_curve():
    x, y = [0.0, 2.0, 2.0, 5.0, 11.0], [0.0, 0.25, 0.5, 1.0, 1.0]
    assert fraction_solved(x, y, 1.9) == 0.0
    assert fraction_solved(x, y, 2.0) == 0.5      # both problems solved at 2 count at 2
    assert fraction_solved(x, y, 4.99) == 0.5
    assert fraction_solved(x, y, 100) == 1.0


# --- the command line ----------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["--features", "plain,bogus"], ["--features", "unknown 'bogus'"]),
    (["--solvers", "gd-sphere"], ["--solvers", "at least two"]),
    (["--solvers", "gd-sphere,nope"], ["--solvers", "unknown 'nope'"]),
    (["--runs", "0"], ["--runs", "from 1 to 100"]),
    (["--problems", "54"], ["--problems", "from 1 to 53"]),
    (["--problems", "3,3"], ["--problems", "repeated"]),
    (["--problems", "x"], ["--problems", "expected rows"]),
    (["--quick", "--figs", "paper_figs"], ["--figs", "--quick never draws into paper_figs"]),
    (["--solvers", "gd-sphere,newuoa", "--figs", "paper_figs"], ["--figs", "full default configuration"]),
])
def test_bad_options_exit_2_with_usage_naming_the_option(argv, words, capsys):
    with pytest.raises(SystemExit) as exc:
        profiles.parse(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m experiments.profiles" in err
    for w in words:
        assert w in err


def test_help_states_the_defaults_and_the_measured_times(capsys):
    with pytest.raises(SystemExit):
        profiles.parse(["--help"])
    text = capsys.readouterr().out
    out = " ".join(text.split())
    assert "(default plain, also with --quick" in out and ",".join(S.DEFAULT) in "".join(text.split())
    assert f"noisy costs about {profiles.NOISY_FACTOR} times plain" in out
    assert profiles.DEFAULT_TIME in out and profiles.QUICK_TIME in out


def test_each_configuration_gets_its_own_folder():
    assert profiles.parse([])[1].out == "results/profiles"
    assert profiles.parse(["--quick"])[1].out == "results/quick/profiles"
    other = profiles.parse(["--features", "plain,noisy"])[1].out
    assert other.startswith("results/profiles_") and other != profiles.parse(["--seed", "1"])[1].out


@pytest.mark.slow
def test_a_tiny_profile_run_end_to_end_and_its_rerun(tmp_path, capsys):
    out, figs = tmp_path / "out", tmp_path / "figs"
    argv = ["--problems", "7,13,15", "--solvers", "gd-ffd,gd-sphere,nelder-mead", "--runs", "2", "--jobs", "1",
            "--out", str(out), "--figs", str(figs), "--no-progress"]
    assert profiles.main(argv) == 0
    printed = capsys.readouterr().out
    assert "fraction solved within 10 / 50 / 100 simplex gradients" in printed
    rec = json.loads((out / "runs" / "plain.json").read_text())
    assert rec["problems"] == ["mw07_rosenbrock_n2_m2_s0", "mw13_freudenstein_roth_n2_m2_s0", "mw15_bard_n3_m15_s0"]
    assert rec["randomized"] == [False, True, False] and rec["n_runs"] == 2 and len(rec["tolerances"]) == 7
    rows = list(csv.DictReader(open(out / "solved.csv")))
    assert len(rows) == 3 * 7
    for r in rows:
        assert float(r["min_100"]) <= float(r["solved_100"]) <= float(r["max_100"])
        assert float(r["solved_10"]) <= float(r["solved_50"]) <= float(r["solved_100"])
        six = float(r["solved_100"]) * 6   # the mean of 2 runs of a fraction of 3 problems
        assert six == pytest.approx(round(six), abs=1e-4)
    # f_L is the best value any solver reached: at every tolerance some solver solves every problem
    for i_tol in range(7):
        best = max(float(r["solved_100"]) for r in rows if float(r["tau"]) == rec["tolerances"][i_tol])
        assert best > 0
    for name in ("profiles_plain_references_data", "profiles_plain_references_perf"):
        assert (figs / f"{name}.png").stat().st_size > 1000 and (figs / f"{name}.pdf").exists()
        assert "f(x) <= f_L + tau (f(x0) - f_L)" in (figs / f"{name}.txt").read_text()
    before = (out / "runs" / "plain.json").read_bytes()
    assert profiles.main(argv) == 0   # the rerun reuses the benchmark and draws nothing
    printed = capsys.readouterr().out
    assert "reusing" in printed and "figures unchanged" in printed
    assert (out / "runs" / "plain.json").read_bytes() == before
