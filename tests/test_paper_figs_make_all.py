"""make_all.py: its options are validated, and every registered figure draws (on tiny inputs)."""

import os
import subprocess
import sys

import pytest

from paper_figs import _common, make_all

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTRY = make_all.load_registry()


def test_list_runs_as_a_script():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "paper_figs", "make_all.py"), "--list"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "l001_wolfe" in done.stdout and "experiments/rates.py" in done.stdout


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
    seconds, computed = make_all.run_figure(fig, str(figs), "tiny")
    assert computed > 0 and seconds >= computed
    for ext in ("png", "pdf"):
        assert (figs / f"l001_golden.{ext}").stat().st_size > 1000
    assert (figs / "l001_golden.txt").read_text().startswith("Lecture 001, Figure 12")
    # the second time the data comes from the cache
    assert make_all.run_figure(fig, str(figs), "tiny")[1] == 0


def test_index_lists_every_figure_with_its_lecture_number(tmp_path):
    from paper_figs._index import EXPERIMENT_FIGURES, write_index

    timings = {"l000_mds": {"cold": 30.0, "warm": 4.0}, "linesearch": {"run": 9.0}}
    text = open(write_index(REGISTRY, timings, str(tmp_path / "README.md"))).read()
    for f in REGISTRY.values():
        assert f"| [{f.name}]({f.name}.png) | {f.numbers} |" in text
    for name, _, numbers, _, script in EXPERIMENT_FIGURES:
        assert f"| [{name}]({name}.png) | {numbers} |" in text and f"experiments/{script}.py" in text
    assert "30.0 from scratch, 4.0 cached" in text and "9 (whole script)" in text
    assert "takes longest (not yet timed by make_all from an" in text
    timings["rates"] = {"cold": 3000.0, "run": 25.0}
    text = open(write_index(REGISTRY, timings, str(tmp_path / "README.md"))).read()
    assert "takes longest (50 min from an\nempty cache)" in text
    assert "3000 from an empty run cache, 25 with the runs cached (whole script)" in text
    assert all(f"## Lecture {lec}" in text for lec in ("000", "001", "002", "003"))


def test_make_all_says_when_the_rate_study_computed_every_run(tmp_path, monkeypatch):
    """make_all records the rate study's time from an empty run cache apart from a rerun's."""
    monkeypatch.setattr(make_all, "ROOT", str(tmp_path))
    monkeypatch.setattr(make_all.subprocess, "run", lambda *a, **k: None)
    assert make_all.run_experiment("rates", str(tmp_path / "figs"), False, 1)[1] is True
    tasks = tmp_path / "results" / "rates" / "tasks"
    tasks.mkdir(parents=True)
    (tasks / "x.error.txt").write_text("")
    assert make_all.run_experiment("rates", str(tmp_path / "figs"), False, 1)[1] is True
    (tasks / "abc.json").write_text("{}")
    assert make_all.run_experiment("rates", str(tmp_path / "figs"), False, 1)[1] is False
    assert make_all.run_experiment("linesearch", str(tmp_path / "figs"), False, 1)[1] is False


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
