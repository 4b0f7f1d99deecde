"""The COCO experiment (experiments/coco.py): COCO's evaluation counter equals zeroopt's nfev, and a rerun
replaces an algorithm's data as a whole, never mixing two runs."""

import json
import os

import numpy as np
import pytest

import zeroopt as zo

cocoex = pytest.importorskip("cocoex")   # the coco extra, in the test extra

from experiments import coco  # noqa: E402


def bbob(function, dim=2, instance=1):
    suite = cocoex.Suite("bbob", "", f"dimensions:{dim} instance_indices:{instance} function_indices:{function}")
    return next(iter(suite))


@pytest.mark.parametrize("oracle", [zo.CoordinateFD(), zo.CoordinateFD(scheme="forward"), zo.TwoPoint(seed=1)])
@pytest.mark.parametrize("method", ["gd", "steepest"])
def test_cocos_counter_equals_nfev_with_record_none(method, oracle):
    p = bbob(8, dim=3)
    r = zo.minimize(zo.Problem(p, 3, jit=False, name=p.id), p.initial_solution, oracle, method=method,
                    maxiter=10_000, max_nfev=97, record="none")
    assert r.nfev == p.evaluations <= 97
    p.free()


def test_the_coordinate_method_too():
    p = bbob(1, dim=3)
    r = zo.minimize(zo.Problem(p, 3, jit=False, name=p.id), p.initial_solution, method="coordinate",
                    maxiter=10_000, max_nfev=80, record="none")
    assert r.nfev == p.evaluations <= 80
    p.free()


@pytest.mark.parametrize("name", list(coco.ALGORITHMS))
def test_every_algorithm_spends_what_it_counts_within_the_budget(name):
    p = bbob(10, dim=5)
    spent = 0
    for budget in (23, 200):          # a run cut by the budget, then one that may stop by itself
        before = p.evaluations
        counted = coco.run_algorithm(name, p, p.initial_solution + 0.5, budget, np.random.default_rng(0))
        assert counted == p.evaluations - before <= budget
        spent += counted
    assert spent == p.evaluations
    p.free()


TINY = ["--functions", "1,8", "--dims", "2", "--instances", "1-2", "--budget", "20", "--jobs", "1",
        "--no-postprocess", "--no-progress", "--algorithms", "gd-cfd,lbfgs-ffd"]


def _files(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs)


def test_a_run_writes_cocos_format_and_a_rerun_never_mixes_two_runs(tmp_path, capsys):
    out = tmp_path / "coco"
    argv = TINY + ["--out", str(out), "--no-figs"]
    assert coco.main(argv) == 0
    exdata = out / "exdata"
    assert sorted(os.listdir(exdata)) == ["gd-cfd", "lbfgs-ffd"]
    files = _files(exdata / "gd-cfd")
    # COCO's bbob format: an .info file per function, the data files under data_f<k>, one folder per dimension
    assert "d02/bbobexp_f1.info" in files and "d02/data_f8/bbobexp_f8_DIM2.tdat" in files
    info = (exdata / "gd-cfd" / "d02" / "bbobexp_f1.info").read_text()
    assert "algId = 'gd-cfd'" in info and info.count("data_f1/bbobexp_f1_DIM2.dat") == 1
    manifest = json.loads((out / "runs" / "gd-cfd.json").read_text())
    assert len(manifest["problems"]) == 4 and all(r["evaluations"] <= 40 for r in manifest["problems"])
    # a rerun of the same configuration reuses the data, untouched
    before = {f: (exdata / "gd-cfd" / f).read_bytes() for f in files}
    capsys.readouterr()
    assert coco.main(argv) == 0
    assert "gd-cfd: reusing" in capsys.readouterr().out
    assert {f: (exdata / "gd-cfd" / f).read_bytes() for f in files} == before
    # --rerun replaces the folder as a whole: the same files (COCO would have written gd-cfd-0001 beside it)
    assert coco.main(argv + ["--rerun"]) == 0
    assert _files(exdata / "gd-cfd") == files
    assert sorted(os.listdir(out)) == ["exdata", "meta.json", "runs"]
    assert (exdata / "gd-cfd" / "d02" / "bbobexp_f1.info").read_text().count("bbobexp_f1_DIM2.dat") == 1


def test_an_interrupted_run_leaves_the_last_complete_data_in_place(tmp_path, monkeypatch):
    out = tmp_path / "coco"
    argv = TINY + ["--out", str(out), "--no-figs", "--algorithms", "gd-cfd"]
    assert coco.main(argv) == 0
    files = {f: (out / "exdata" / "gd-cfd" / f).read_bytes() for f in _files(out / "exdata" / "gd-cfd")}
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return real(*args)
    real = coco.run_algorithm
    monkeypatch.setattr(coco, "run_algorithm", failing)
    with pytest.raises(KeyboardInterrupt):
        coco.main(argv + ["--rerun"])
    assert {f: (out / "exdata" / "gd-cfd" / f).read_bytes() for f in _files(out / "exdata" / "gd-cfd")} == files
    assert (out / ".incoming").is_dir()   # the partial run, set apart
    monkeypatch.setattr(coco, "run_algorithm", real)
    assert coco.main(argv + ["--rerun"]) == 0
    assert not (out / ".incoming").exists()
    assert _files(out / "exdata" / "gd-cfd") == sorted(files)


@pytest.mark.parametrize("argv, words", [
    (["--dims", "4"], ["--dims", "2, 3, 5, 10, 20 and 40"]),
    (["--instances", "0-3"], ["--instances", "from 1 to 15"]),
    (["--functions", "25"], ["--functions", "from 1 to 24"]),
    (["--functions", "1,1"], ["--functions", "repeated"]),
    (["--algorithms", "gd-bogus"], ["--algorithms", "unknown 'gd-bogus'"]),
    (["--budget", "0"], ["--budget", "from 1 to"]),
])
def test_bad_options_exit_2_naming_the_option(argv, words, capsys):
    with pytest.raises(SystemExit) as exc:
        coco.parse(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m experiments.coco" in err
    for w in words:
        assert w in err


@pytest.mark.slow
def test_cocopp_post_processes_offline_into_an_ecdf(tmp_path):
    out, figs = tmp_path / "coco", tmp_path / "figs"
    argv = ["--functions", "1,2", "--dims", "2", "--instances", "1", "--budget", "20", "--jobs", "1",
            "--algorithms", "gd-cfd,gd-sphere", "--no-progress", "--out", str(out), "--figs", str(figs)]
    assert coco.main(argv) == 0
    assert (out / "ppdata" / "index.html").exists()
    assert (figs / "coco_ecdf.png").stat().st_size > 1000 and (figs / "coco_ecdf.pdf").exists()
    assert "runtime ECDF" in (figs / "coco_ecdf.txt").read_text()
