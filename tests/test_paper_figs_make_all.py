"""python -m paper_figs.make_all: it finds every figure and experiment in the one registry, its options are
validated, every registered figure draws (on tiny inputs), and a rerun redraws only what changed."""

import os
import subprocess
import sys

import pytest

from paper_figs import _common, make_all

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REG = make_all.load_registry()
REGISTRY = REG.figures


def test_list_runs_as_a_module_from_the_repository_root():
    done = subprocess.run([sys.executable, "-m", "paper_figs.make_all", "--list"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "l001_wolfe" in done.stdout and "python -m experiments.rates" in done.stdout


def test_the_registry_holds_every_figure_module_and_experiment_once():
    """Every lecture module registers through @figure and every experiment through experiment(...):
    make_all names no module, and each figure file name belongs to one entry."""
    assert sorted(REG.experiments) == ["atlas", "coco", "jacobian_modes", "linesearch", "methods", "noise", "profiles",
                                      "profiles_noise",
                                      "rates", "zo_sgd"]
    lecture_modules = {f.fn.__module__ for f in REGISTRY.values()}
    on_disk = {f"paper_figs.{f[:-3]}" for f in os.listdir(os.path.join(ROOT, "paper_figs")) if f.startswith("l0")
               and f.endswith(".py")}
    assert lecture_modules == on_disk
    drawn = [d.name for e in REG.experiments.values() for d in e.figures]
    assert len(drawn) == len(set(drawn)) and not set(drawn) & set(REGISTRY)
    assert REG.experiments["rates"].runs_cache == "tasks" and REG.experiments["rates"].jobs
    assert REG.owner("jacobian_which_mode").name == "jacobian_modes"
    src = open(os.path.join(ROOT, "paper_figs", "make_all.py")).read()
    for name in list(REG.experiments) + ["l000_zero_order", "l001_autodiff"]:
        assert f'"{name}"' not in src, name   # no list of modules or special case by name


def test_a_new_experiment_is_one_module_and_one_registration(tmp_path, monkeypatch):
    """An experiment registered by its module is listed, run with python -m, and indexed; one whose extra is
    missing is skipped with a note."""
    from experiments._registry import Registry

    reg = Registry()
    exp = reg.experiment("demo", "experiments.demo", [("demo_curve", "000", "-", "a curve")], jobs=True,
                         runs_cache="tasks", requires=[("no_such_module_zz", "demo")])
    assert exp.missing() == ["demo"]
    calls = []
    monkeypatch.setattr(make_all, "ROOT", str(tmp_path))
    monkeypatch.setattr(make_all.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    make_all.run_experiment(exp, str(tmp_path / "figs"), True, 3)
    assert calls[0][1:4] == ["-m", "experiments.demo", "--figs"] and calls[0][-3:] == ["--jobs", "3", "--quick"]
    from paper_figs._index import write_index

    text = open(write_index(reg, {}, str(tmp_path / "README.md"))).read()
    assert "| [demo_curve](demo_curve.png) | - | a curve | `python -m experiments.demo` |" in text
    assert "`results/demo/tasks/`" in text


def test_every_lecture_module_registers_figures_with_lecture_numbers():
    assert {f.lecture for f in REGISTRY.values()} == {"000", "001", "002", "003", "004"}
    numbered = {n for f in REGISTRY.values() if f.lecture == "001" for n in f.numbers.split("-")}
    assert {"1", "2", "11", "12", "13", "14", "15", "16", "17"} <= numbered
    assert {"3", "4", "5"} <= {f.numbers for f in REGISTRY.values() if f.lecture == "000"}


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_figure_draws_on_tiny_inputs(name, tmp_cache):
    out = REGISTRY[name].fn(quick="tiny")
    fig, caption = out[0], out[1]
    try:
        assert caption.startswith(f"Lecture {REGISTRY[name].lecture}")
        drawn = [ax for ax in fig.axes if ax.lines or ax.collections or ax.tables or ax.images or ax.patches]
        assert drawn, "no axes with data"
        for ax in drawn:
            leg = ax.get_legend()
            assert leg is None, "legends go outside the axes (figure legends), not over the data"
    finally:
        _common.pyplot().close(fig)


def test_make_all_writes_png_pdf_and_caption(tmp_cache):
    figs = tmp_cache / "figs"
    fig = REGISTRY["l001_golden"]
    seconds, computed, drawn = make_all.run_figure(fig, str(figs), "tiny")
    assert computed > 0 and seconds >= computed and drawn
    for ext in ("png", "pdf"):
        assert (figs / f"l001_golden.{ext}").stat().st_size > 1000
    assert (figs / "l001_golden.txt").read_text().startswith("Lecture 001, Figure 12")
    # the second time the data comes from the cache
    assert make_all.run_figure(fig, str(figs), "tiny")[1:] == (0, True)


def test_a_rerun_draws_only_what_changed(tmp_cache):
    """Same data and code: the figure is left alone. A changed cache file, a replaced PNG or --redraw: drawn."""
    figs = tmp_cache / "figs"
    fig = REGISTRY["l001_golden"]
    assert make_all.run_figure(fig, str(figs), "tiny", redraw=False)[2]           # nothing drawn yet
    stamp = (figs / "l001_golden.png").stat().st_mtime_ns
    assert not make_all.run_figure(fig, str(figs), "tiny", redraw=False)[2]
    assert (figs / "l001_golden.png").stat().st_mtime_ns == stamp
    (figs / "l001_golden.png").write_bytes(b"not the figure")                       # replaced by hand
    assert make_all.run_figure(fig, str(figs), "tiny", redraw=False)[2]
    assert make_all.run_figure(fig, str(figs), "tiny", redraw=True)[2]
    record = make_all._figures.drawn_record(str(figs), "l001_golden")
    [cache_file] = record["cache"]
    with open(cache_file, "ab") as fh:                                               # its data changed
        fh.write(b"\0")
    assert make_all.run_figure(fig, str(figs), "tiny", redraw=False)[2]


def test_index_lists_every_figure_with_its_lecture_number(tmp_path):
    from paper_figs._index import write_index

    timings = {"l000_mds": {"cold": 30.0, "warm": 4.0}, "linesearch": {"run": 9.0}}
    text = open(write_index(REG, timings, str(tmp_path / "README.md"))).read()
    for f in REGISTRY.values():
        assert f"| [{f.name}]({f.name}.png) | {f.numbers} |" in text
        assert f"`python -m paper_figs.make_all --only {f.name}`" in text
    for e in REG.experiments.values():
        for d in e.figures:
            assert f"| [{d.name}]({d.name}.png) | {d.numbers} |" in text and f"`python -m {e.module}`" in text
    assert "30.0 from scratch, 4.0 cached" in text and "9 (whole script)" in text
    flat = " ".join(text.split())
    assert "`python -m experiments.rates` is not yet timed by make_all and keeps its runs" in flat
    timings["rates"] = {"cold": 3000.0, "run": 25.0}
    text = open(write_index(REG, timings, str(tmp_path / "README.md"))).read()
    assert "`python -m experiments.rates` takes 50 min from an empty run cache" in " ".join(text.split())
    assert "3000 from an empty run cache, 25 with the runs cached (whole script)" in text
    assert all(f"## Lecture {lec}" in text for lec in ("000", "001", "002", "003"))
    assert "## Experiments that belong to no lecture" in text   # the methods experiment's figures
    assert text.index("| [methods_accelerated]") > text.index("## Experiments that belong to no lecture")


def test_make_all_says_when_the_rate_study_computed_every_run(tmp_path, monkeypatch):
    """make_all records the rate study's time from an empty run cache apart from a rerun's."""
    monkeypatch.setattr(make_all, "ROOT", str(tmp_path))
    monkeypatch.setattr(make_all.subprocess, "run", lambda *a, **k: None)
    rates, linesearch = REG.experiments["rates"], REG.experiments["linesearch"]
    assert make_all.run_experiment(rates, str(tmp_path / "figs"), False, 1)[1] is True
    tasks = tmp_path / "results" / "rates" / "tasks"
    tasks.mkdir(parents=True)
    (tasks / "x.error.txt").write_text("")
    assert make_all.run_experiment(rates, str(tmp_path / "figs"), False, 1)[1] is True
    (tasks / "abc.json").write_text("{}")
    assert make_all.run_experiment(rates, str(tmp_path / "figs"), False, 1)[1] is False
    assert make_all.run_experiment(linesearch, str(tmp_path / "figs"), False, 1)[1] is False


def test_readme_gallery_and_index_link_to_committed_figures():
    import re

    readme = open(os.path.join(ROOT, "README.md")).read()
    gallery = readme.split("## Gallery")[1].split("\n## ")[0]
    names = set(re.findall(r'paper_figs/(\w+)\.png', gallery))
    assert len(names) >= 9
    index = open(os.path.join(ROOT, "paper_figs", "README.md")).read()
    for name in names | set(re.findall(r"\]\((\w+)\.png\)", index)):
        assert os.path.exists(os.path.join(ROOT, "paper_figs", f"{name}.png")), name
    for name in names:
        assert f"[{name}]({name}.png)" in index  # every gallery figure is in the index


def test_cached_data_is_keyed_on_the_library_source(monkeypatch):
    """Data computed with another version of zeroopt is never reused: the key changes with the package's
    source digest, as it does with the compute function's source and its parameters."""
    def compute(n):
        return {"x": list(range(n))}

    key = _common.cache_key(compute, {"n": 3})
    assert key == _common.cache_key(compute, {"n": 3}) != _common.cache_key(compute, {"n": 4})
    import zeroopt
    assert _common.library_digest() == make_all._figures.code_digest(os.path.dirname(zeroopt.__file__))
    monkeypatch.setattr(_common, "_LIBRARY", ["another version of the library"])
    assert _common.cache_key(compute, {"n": 3}) != key
