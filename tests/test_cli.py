"""Every script runs one way, ``python -m <package>.<name>`` from the repository root, with no sys.path edit;
bad command lines end in a usage line naming that command and a message naming the option, with exit
status 2, before any work starts: every experiment script and benchmark this table lists, run in this process."""

import importlib
import importlib.util
import os
import re
import subprocess
import sys

import pytest

from experiments import _cli, rates

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = {"rates": "experiments.rates", "demo_estimators": "experiments.demo_estimators",
           "linesearch": "experiments.linesearch", "jacobian_modes": "experiments.jacobian_modes",
           "make_all": "paper_figs.make_all", "l001_autodiff": "paper_figs.l001_autodiff",
           "bench_ad": "benchmarks.ad", "bench_estimators": "benchmarks.estimators",
           "bench_optimize": "benchmarks.optimize", "bench_sweep": "benchmarks.sweep", "methods": "experiments.methods",
           "bench_scale": "benchmarks.scale", "bench_zo_sgd": "benchmarks.zo_sgd",
           "atlas": "experiments.atlas", "noise": "experiments.noise"}


def benchmark(name, monkeypatch=None):
    """benchmarks/<name>.py's main: the module benchmarks.<name>."""
    return importlib.import_module(f"benchmarks.{name}").main


FILE = "<an existing file>"
RATES = [  # (argv, words the message must hold: the option first)
    (["--dims", "abc"], ["--dims", "expected an integer", "'abc'"]),
    (["--dims", ","], ["--dims", "comma-separated integers", "','"]),
    (["--dims", ""], ["--dims", "comma-separated integers"]),
    (["--dims", "1"], ["--dims", "from 2 to 5000", "got 1"]),
    (["--dims", "10,100000"], ["--dims", "from 2 to 5000"]),
    (["--dims", "10,10"], ["--dims", "repeated"]),
    (["--methods", "sphere,sphere"], ["--methods", "repeated"]),
    (["--dims", "11", "--settings", "nonconvex"], ["--dims", "even dimensions"]),
    (["--jobs", "0"], ["--jobs", ">= 1, or -1", "got 0"]),
    (["--jobs", "-5"], ["--jobs", "got -5"]),
    (["--jobs", "two"], ["--jobs", "expected an integer"]),
    (["--backend", "bogus"], ["--backend", "invalid choice", "'bogus'"]),
    (["--seeds", "0"], ["--seeds", "from 1 to"]),
    (["--seeds", "2.5"], ["--seeds", "expected an integer"]),
    (["--methods", "sphere,bogus"], ["--methods", "unknown 'bogus'", "choose from gd"]),
    (["--methods", "sphere,,gd"], ["--methods", "comma-separated names"]),
    (["--settings", "convex,strongly"], ["--settings", "unknown 'strongly'"]),
    (["--maxiter", "0"], ["--maxiter", "from 1 to"]),
    (["--out", FILE], ["--out", "is an existing file"]),
    (["--figs", FILE], ["--figs", "is an existing file"]),
    (["--figs", "somewhere", "--no-figs"], ["--no-figs", "not allowed with argument --figs"]),
    (["--scheduler", "tcp://127.0.0.1:8786"], ["--scheduler", "only with --backend dask or ray"]),
    (["--backend", "dask", "--scheduler", " "], ["--scheduler", "expected an address"]),
    (["--backend", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--jobs", "4"], ["--jobs", "sets the number of jobs"]),
    (["--quick=1"], ["--quick", "ignored explicit argument"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
    (["10,20"], ["unrecognized arguments: 10,20"]),
    (["--quick", "--figs", "paper_figs"], ["--figs", "--quick never draws into paper_figs"]),
    (["--out", ""], ["--out", "expected a directory"]), (["--figs", ""], ["--figs", "expected a directory"]),
    (["--out", FILE + "/sub"], ["--out", "cannot be created", "is a file"]),
    (["--dims", "10", "--figs", "paper_figs"], ["--figs", "full default configuration"]),
]
DEMO = [
    (["--n", "1"], ["--n", "from 2 to 5000", "got 1"]),
    (["--n", "100000"], ["--n", "from 2 to 5000"]),
    (["--n", "abc"], ["--n", "expected an integer"]),
    (["--n", "1e3"], ["--n", "expected an integer"]),
    (["--seed", "-1"], ["--seed", "from 0 to"]),
    (["--seed", "x"], ["--seed", "expected an integer"]),
    (["--repeats", "1"], ["--repeats", "from 2 to 100000"]),
    (["--repeats", "0"], ["--repeats", "from 2 to 100000"]),
    (["--jobs", "2"], ["unrecognized arguments: --jobs 2"]),     # it takes no --jobs: it does not pretend to
    (["--n"], ["--n", "expected one argument"]),
]
REPEATS = [
    (["--repeats", "0"], ["--repeats", "from 3 to 1000"]),
    (["--repeats", "2"], ["--repeats", "from 3 to 1000"]),
    (["--repeats", "5000"], ["--repeats", "from 3 to 1000"]),
    (["--repeats", "x"], ["--repeats", "expected an integer"]),
    (["--repeats"], ["--repeats", "expected one argument"]),
    (["--quick=1"], ["--quick", "ignored explicit argument"]),
    (["--jobs", "2"], ["unrecognized arguments: --jobs 2"]),
    (["extra"], ["unrecognized arguments: extra"]),
]
BENCH_SWEEP = [
    (["--jobs", "1"], ["--jobs", ">= 2"]),
    (["--jobs", "x"], ["--jobs", "expected an integer"]),
    (["--n", "5"], ["--n", "from 10 to 2000"]),
    (["--n", "99999"], ["--n", "from 10 to 2000"]),
    (["--seeds", "0"], ["--seeds", "from 1 to 100"]),
    (["--seeds", "101"], ["--seeds", "from 1 to 100"]),
    (["--quick=yes"], ["--quick", "ignored explicit argument"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
]
SMALL = [  # linesearch.py and jacobian_modes.py: --quick, --out, --figs / --no-figs
    (["--out", FILE], ["--out", "is an existing file"]),
    (["--figs", FILE], ["--figs", "is an existing file"]),
    (["--figs", "somewhere", "--no-figs"], ["--no-figs", "not allowed with argument --figs"]),
    (["--quick=1"], ["--quick", "ignored explicit argument"]),
    (["--seeds", "2"], ["unrecognized arguments: --seeds 2"]),     # deterministic: no --seeds to ignore
    (["--jobs", "2"], ["unrecognized arguments: --jobs 2"]),       # serial: no --jobs to ignore
    (["--out"], ["--out", "expected one argument"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
]
METHODS = [  # experiments/methods.py: --dims, --seeds (at least 2: a bootstrap interval), the common options
    (["--dims", "1"], ["--dims", "from 2 to 1024", "got 1"]),
    (["--dims", "16,5000"], ["--dims", "from 2 to 1024"]),
    (["--dims", "abc"], ["--dims", "expected an integer"]),
    (["--seeds", "1"], ["--seeds", "from 2 to"]),
    (["--jobs", "0"], ["--jobs", ">= 1, or -1"]),
    (["--backend", "bogus"], ["--backend", "invalid choice"]),
    (["--out", FILE], ["--out", "is an existing file"]),
    (["--figs", "somewhere", "--no-figs"], ["--no-figs", "not allowed with argument --figs"]),
    (["--quick", "--figs", "paper_figs"], ["--figs", "--quick never draws into paper_figs"]),
    (["--dims", "16,32", "--figs", "paper_figs"], ["--figs", "full default configuration"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
]
ATLAS = [  # experiments/atlas.py: --draws (at least 50), --rows (1 to 53), the common options
    (["--draws", "10"], ["--draws", "from 50"]),
    (["--draws", "x"], ["--draws", "expected an integer"]),
    (["--rows", "0"], ["--rows", "from 1 to 53"]),
    (["--rows", "54"], ["--rows", "from 1 to 53"]),
    (["--rows", "3,3"], ["--rows", "repeated"]),
    (["--jobs", "0"], ["--jobs", ">= 1, or -1"]),
    (["--out", FILE], ["--out", "is an existing file"]),
    (["--figs", "somewhere", "--no-figs"], ["--no-figs", "not allowed with argument --figs"]),
    (["--quick", "--figs", "paper_figs"], ["--figs", "--quick never draws into paper_figs"]),
    (["--seeds", "2"], ["unrecognized arguments: --seeds 2"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
]
ROUNDS = [(["--rounds", "0"], ["--rounds", "from 1 to 100"]), (["--rounds", "x"], ["--rounds", "expected an integer"])]
MAKE_ALL = [
    (["--only", "nope"], ["--only", "unknown name"]), (["--only", ","], ["--only", "(none given)"]),
    (["--jobs", "0"], ["--jobs", ">= 1, or -1"]), (["--jobs", "x"], ["--jobs", "expected an integer"]),
    (["--quick", "--figs", "paper_figs"], ["--quick never draws into paper_figs"]),
    (["--figs", FILE], ["--figs", "is an existing file"]), (["--cache", FILE], ["--cache", "is an existing file"]),
    (["--list=1"], ["--list", "ignored explicit argument"]), (["--bogus"], ["unrecognized arguments: --bogus"]),
]
BENCH_AD = [
    (["--sections", "xyz"], ["--sections", "letters a-f"]), (["--sections", ""], ["--sections", "letters a-f"]),
    (["--malloc", "mmap"], ["--malloc", "invalid choice"]), (["--clock", "gpu"], ["--clock", "invalid choice"]),
    (["--before", "no-such-revision-zz"], ["--before", "not a git revision"]),
    (["--figs", FILE], ["--figs", "is an existing file"]), (["--csv", FILE], ["--csv", "is an existing file"]),
    (["--quick=1"], ["--quick", "ignored explicit argument"]), (["--bogus"], ["unrecognized arguments: --bogus"]),
]
GRAPHS = [
    (["--quick", "--figs", "paper_figs"], ["paper_figs"]), (["--only", "nope"], ["--only"]),
    (["--quick=1"], ["--quick", "ignored explicit argument"]), (["--bogus"], ["unrecognized arguments: --bogus"]),
    (["--figs"], ["--figs", "expected one argument"]), (["--only"], ["--only", "expected one argument"]),
    (["extra"], ["unrecognized arguments: extra"]), (["--figs", FILE], ["--figs"]),
]
NOISE = [  # experiments/noise.py: --quick, --seeds, --out, --figs / --no-figs
    (["--seeds", "0"], ["--seeds"]), (["--seeds", "x"], ["--seeds"]), (["--quick=1"], ["--quick", "ignored"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]), (["--figs", FILE], ["--figs", "is an existing file"]),
    (["--out", FILE], ["--out", "is an existing file"]), (["--quick", "--figs", "paper_figs"], ["--figs", "paper_figs"]),
    (["--jobs", "2"], ["unrecognized arguments: --jobs"]), (["--figs", "x", "--no-figs"], ["--no-figs", "not allowed"]),
    (["--seeds", "50", "--figs", "paper_figs"], ["--figs", "full run"]),
]
TABLE = ([("rates", a, w) for a, w in RATES] + [("demo_estimators", a, w) for a, w in DEMO]
         + [("bench_estimators", a, w) for a, w in REPEATS + [(["--skip-memory=1"], ["--skip-memory", "ignored"])]]
         + [("bench_optimize", a, w) for a, w in REPEATS] + [("bench_sweep", a, w) for a, w in BENCH_SWEEP]
         + [("bench_zo_sgd", a, w) for a, w in REPEATS]
         + [("linesearch", a, w) for a, w in SMALL] + [("jacobian_modes", a, w) for a, w in SMALL + ROUNDS]
         + [("make_all", a, w) for a, w in MAKE_ALL] + [("bench_ad", a, w) for a, w in BENCH_AD]
         + [("methods", a, w) for a, w in METHODS] + [("atlas", a, w) for a, w in ATLAS]
         + [("noise", a, w) for a, w in NOISE]
         + [("l001_autodiff", a, w) for a, w in GRAPHS])


def _main(script, monkeypatch=None):
    return importlib.import_module(MODULES[script]).main


@pytest.mark.parametrize("script, argv, words", TABLE, ids=[f"{s}:{' '.join(a)}" for s, a, _ in TABLE])
def test_bad_options_exit_2_with_a_usage_line_naming_the_option(script, argv, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)   # the scripts' default results/... directories resolve here
    existing = tmp_path / "a-file"
    existing.write_text("not a directory")
    # "paper_figs" in the table means the repository's committed figures, wherever the test runs
    argv = [os.path.join(ROOT, "paper_figs") if a == "paper_figs" else a.replace(FILE, str(existing)) for a in argv]
    main = _main(script, monkeypatch)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith(f"usage: python -m {MODULES[script]} ") and "error: " in err, err
    message = err.split("error: ", 1)[1]
    for word in words:
        assert word in message, message
    assert not (tmp_path / "results").exists()


def test_the_table_has_at_least_eight_bad_option_sets_per_script():
    counts = {}
    for script, _, _ in TABLE:
        counts[script] = counts.get(script, 0) + 1
    assert set(counts) == {"rates", "demo_estimators", "bench_estimators", "bench_optimize", "bench_sweep", "linesearch",
                           "jacobian_modes", "make_all", "bench_ad", "l001_autodiff", "methods", "atlas", "noise",
                           "bench_zo_sgd"}
    assert min(counts.values()) >= 8


def test_ray_is_refused_when_it_is_not_installed(capsys):
    if importlib.util.find_spec("ray") is not None:
        pytest.skip("ray is installed here")
    with pytest.raises(SystemExit) as stop:
        rates.main(["--backend", "ray"])
    assert stop.value.code == 2 and "argument --backend: ray needs the ray package" in capsys.readouterr().err


def test_jobs_above_the_cores_are_capped_with_a_note(capsys):
    import joblib

    cores = joblib.cpu_count()
    a = rates.parse(["--jobs", "100000"])[1]
    assert a.jobs == 4 * cores and "--jobs 100000 capped" in capsys.readouterr().err
    a = rates.parse(["--jobs", "-1", "--backend", "threading"])[1]
    assert a.jobs == cores and a.jobs_note is None
    a = rates.parse(["--backend", "dask", "--scheduler", "tcp://127.0.0.1:8786"])[1]
    assert a.jobs == -1                                          # the cluster's size
    a = rates.parse(["--backend", "dask", "--jobs", "100000"])[1]
    assert a.jobs == 4 * cores                                   # a local dask cluster is capped like loky


def test_common_defaults_follow_quick_and_out():
    full = rates.parse([])[1]
    assert (full.seeds, full.out, full.jobs, full.backend) == (5, os.path.join("results", "rates"), 2, "loky")
    assert _cli.is_committed_figs(full.figs)  # the repository's paper_figs/, whatever the working directory
    quick = rates.parse(["--quick", "--out", "elsewhere"])[1]
    assert (quick.seeds, quick.figs) == (3, os.path.join("elsewhere", "figs"))
    assert rates.parse(["--quick", "--figs", "f", "--seeds", "7"])[1].figs == "f"
    assert rates.parse(["--no-figs"])[1].figs is None
    assert rates.parse(["--dims", " 10, 20 "])[1].dims == [10, 20]


def test_each_rates_configuration_has_its_own_folder():
    """The quick run, the full run and any other configuration never share summary.csv or figures."""
    out = {tuple(argv): rates.parse(argv)[1] for argv in
           ([], ["--quick"], ["--dims", "10,40"], ["--quick", "--dims", "10,40"], ["--seeds", "3"],
            ["--methods", "coordinate,sphere", "--settings", "nonconvex,convex"], ["--maxiter", "7"])}
    folders = [a.out for a in out.values()]
    assert len(set(folders)) == len(folders), folders
    assert out[()].out == os.path.join("results", "rates") and out[("--quick",)].out == os.path.join("results", "quick",
                                                                                                      "rates")
    assert out[("--dims", "10,40")].out == os.path.join("results", "rates_n10-40")
    assert out[("--dims", "10,40")].figs == os.path.join("results", "rates_n10-40", "figs")
    same = rates.parse(["--methods", "sphere,coordinate", "--settings", "convex,nonconvex"])[1]   # order: the same run
    assert same.out == out[("--methods", "coordinate,sphere", "--settings", "nonconvex,convex")].out
    assert same.methods == ["sphere", "coordinate"] and same.settings == ["convex", "nonconvex"]


SCRIPTS = sorted({os.path.relpath(os.path.join(d, f), ROOT) for top in ("experiments", "paper_figs", "benchmarks")
                  for d, _, fs in os.walk(os.path.join(ROOT, top)) for f in fs if f.endswith(".py")})


def test_no_module_edits_sys_path():
    """Scripts run as python -m from the repository root: none puts a directory on sys.path, in itself or in
    the code it hands to a child interpreter."""
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    files = [f for f in tracked or SCRIPTS if f != os.path.join("docs", "conf.py")]   # (Sphinx's conf.py apart)
    assert len(files) > 50
    edits = [f for f in files if re.search(r"sys\.path\.(insert|append)|syspath_prepend", open(os.path.join(ROOT, f)).read())
             and f != os.path.join("tests", "test_cli.py")]
    assert edits == []


@pytest.mark.parametrize("script", sorted(MODULES))
def test_every_script_documents_the_way_it_runs(script):
    """Each script's docstring shows ``python -m <module>``, never ``python <path>.py``."""
    module = importlib.import_module(MODULES[script])
    doc = module.__doc__
    assert f"python -m {MODULES[script]}" in doc and not re.search(r"python \S+\.py", doc)


def test_a_script_runs_with_python_m_from_the_repository_root():
    """A benchmark (the third package; experiments and paper_figs are run so in test_rates and
    test_paper_figs_make_all) starts as python -m from the repository root, with no sys.path edit."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.optimize", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("usage: python -m benchmarks.optimize"), done.stderr[-2000:]
