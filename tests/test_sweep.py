"""Sweeps: grid and seeds, job-count independence, resume, validated task files, atomic files with the
user's umask, failures, progress, and every installed joblib backend."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest
import sweep_tasks

from zeroopt import sweep, taskfiles


def grid():
    return sweep.expand({"a": ["x", "y"], "b": [1, 2, 3]})


def values(out, configs):
    records = sweep.collect(out, configs).records
    return [(r["config"]["a"], r["config"]["b"], r["rows"][0]["value"]) for r in records]


def test_expand_and_skip():
    configs = grid()
    assert len(configs) == 6 and configs[0] == {"a": "x", "b": 1} and configs[-1] == {"a": "y", "b": 3}
    assert len(sweep.expand({"a": ["x", "y"], "b": [1, 2, 3]}, skip=lambda c: c["b"] > 1)) == 2
    with pytest.raises(ValueError, match="grid"):
        sweep.expand({})
    with pytest.raises(ValueError, match="list"):
        sweep.expand({"a": "xy"})
    with pytest.raises(TypeError, match="JSON"):
        sweep.expand({"a": [object()]})


def test_seeds_are_keyed_by_the_config():
    a, b = {"n": 10, "seed": 0}, {"seed": 0, "n": 10}
    assert sweep.task_id(a) == sweep.task_id(b)
    sa, sb = sweep.task_seed(a), sweep.task_seed(b)
    assert np.array_equal(sa.generate_state(4), sb.generate_state(4))
    assert not np.array_equal(sa.generate_state(4), sweep.task_seed({"n": 10, "seed": 1}).generate_state(4))
    assert not np.array_equal(sa.generate_state(4), sweep.task_seed(a, base_seed=1).generate_state(4))


@pytest.mark.slow
def test_results_do_not_depend_on_jobs_or_order(tmp_path):
    configs = grid()
    sweep.run(sweep_tasks.draw, configs, str(tmp_path / "j1"), jobs=1)
    sweep.run(sweep_tasks.draw, configs[::-1], str(tmp_path / "j2"), jobs=2)
    assert values(str(tmp_path / "j1"), configs) == values(str(tmp_path / "j2"), configs)
    pids = {r["rows"][0]["pid"] for r in sweep.collect(str(tmp_path / "j2"), configs).records}
    assert os.getpid() not in pids  # jobs=2 really ran in workers


@pytest.mark.slow
def test_numba_and_blas_tasks_give_the_same_bits_for_1_and_2_jobs(tmp_path):
    configs = sweep.expand({"n": [8, 30], "seed": [0, 1]})
    for jobs in (1, 2):
        sweep.run(sweep_tasks.optimize, configs, str(tmp_path / f"j{jobs}"), jobs=jobs)
    a = sweep.collect(str(tmp_path / "j1"), configs).records
    b = sweep.collect(str(tmp_path / "j2"), configs).records
    assert [r["rows"] for r in a] == [r["rows"] for r in b]


def test_resume_runs_only_the_missing_tasks_and_a_second_run_does_no_work(tmp_path):
    out = str(tmp_path / "out")
    configs = grid()
    first = sweep.run(sweep_tasks.draw, configs[:4], out)        # "killed" after four tasks
    assert first["ran"] == 4
    stamps = {f: os.stat(os.path.join(out, "tasks", f)).st_mtime_ns for f in os.listdir(os.path.join(out, "tasks"))}
    second = sweep.run(sweep_tasks.draw, configs, out)
    assert (second["total"], second["done_before"], second["ran"], second["failed"], second["damaged"]) == (6, 4, 2, [], [])
    for f, t in stamps.items():
        assert os.stat(os.path.join(out, "tasks", f)).st_mtime_ns == t  # finished tasks untouched
    files = sorted(os.listdir(os.path.join(out, "tasks")))
    third = sweep.run(sweep_tasks.draw, configs, out)
    assert third["ran"] == 0 and third["done_before"] == 6 and sorted(os.listdir(os.path.join(out, "tasks"))) == files


def test_task_files_carry_what_validates_them(tmp_path):
    import zeroopt

    out = str(tmp_path / "out")
    configs = sweep.expand({"b": [1, 2]})
    sweep.run(sweep_tasks.two_rows, configs, out)
    _, path, _ = sweep.paths(out, configs[0])
    rec = json.load(open(path))
    assert set(rec) == set(sweep.FIELDS)
    assert rec["config"] == {"b": 1} and rec["id"] == os.path.basename(path)[:-5] and rec["seconds"] >= 0
    assert rec["n_rows"] == 2 and rec["digest"] == sweep.rows_digest(rec["rows"]) and rec["zeroopt"] == zeroopt.__version__
    sweep.check_record(rec, configs[0])
    rec["zeroopt"] = "0.0.1"            # the package version is provenance only: it does not invalidate
    sweep.check_record(rec, configs[0])
    with pytest.raises(sweep.DamagedFile, match="config"):
        sweep.check_record(rec, {"b": 1, "version": 2})   # the experiment's own version does


def _truncate_rows(rec):
    rec["rows"] = rec["rows"][:1]


def _change_a_value(rec):
    rec["rows"][0]["value"] += 1e-12


DAMAGES = {  # name: (how the file is damaged, what the one-line note says)
    "rows cut short": (lambda text, other: _edit(text, _truncate_rows), "1 rows, its n_rows says 2"),
    "empty object": (lambda text, other: "{}", "has no format, config, id"),
    "unparseable": (lambda text, other: text[: len(text) // 2], "not valid JSON"),
    "another task's file": (lambda text, other: other, "holds config"),
    "a wrong id": (lambda text, other: _edit(text, lambda r: r.update(id="0" * 20)), "has id"),
    "a row changed": (lambda text, other: _edit(text, _change_a_value), "digest"),
    "old format": (lambda text, other: _edit(text, lambda r: [r.pop(k) for k in ("digest", "n_rows", "format")]),
                   "has no format, n_rows, digest"),
    "a JSON list": (lambda text, other: "[1, 2]", "JSON list"),
    "nested too deep": (lambda text, other: "[" * 200_000 + "]" * 200_000, "not valid JSON (RecursionError"),
    "seconds null": (lambda text, other: _edit(text, lambda r: r.update(seconds=None)), "has seconds None"),
}


@pytest.mark.parametrize("damage", ["not utf-8", "a directory"])
def test_unreadable_task_files_are_set_aside_too(tmp_path, damage):
    out = str(tmp_path / "out")
    configs = sweep.expand({"b": [1, 2]})
    sweep.run(sweep_tasks.two_rows, configs, out)
    _, path, _ = sweep.paths(out, configs[0])
    os.unlink(path)
    if damage == "a directory":
        os.makedirs(path)
    else:
        with open(path, "wb") as fh:
            fh.write(b"\xff\xfe\x00garbage")
    status = sweep.run(sweep_tasks.two_rows, configs, out, log=lambda line: None)
    assert status["ran"] == 1 and len(status["damaged"]) == 1
    assert len(sweep.collect(out, configs).records) == 2
    assert ("is a directory" if damage == "a directory" else "UnicodeDecodeError") in status["damaged"][0]["reason"]


def test_the_reported_jobs_are_the_jobs_used(tmp_path):
    configs = sweep.expand({"b": [1, 2]})
    assert sweep.run(sweep_tasks.two_rows, configs, str(tmp_path / "a"), jobs=1)["jobs"] == 1
    assert sweep.run(sweep_tasks.two_rows, configs, str(tmp_path / "b"), jobs=2)["jobs"] == 2


def _edit(text, change):
    rec = json.loads(text)
    change(rec)
    return json.dumps(rec)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_task_file_is_set_aside_and_rerun(tmp_path, damage):
    out = str(tmp_path / "out")
    configs = sweep.expand({"b": [1, 2, 3]})
    sweep.run(sweep_tasks.two_rows, configs, out)
    good = [r["rows"] for r in sweep.collect(out, configs).records]
    _, path, _ = sweep.paths(out, configs[1])
    _, other, _ = sweep.paths(out, configs[2])
    text = open(path).read()
    make, note = DAMAGES[damage]
    with open(path, "w") as fh:
        fh.write(make(text, open(other).read()))
    lines = []
    status = sweep.run(sweep_tasks.two_rows, configs, out, log=lines.append)
    assert status["ran"] == 1 and status["done_before"] == 2 and len(status["damaged"]) == 1
    d = status["damaged"][0]
    assert note in d["reason"] and d["file"] == os.path.join("tasks", os.path.basename(path))
    assert d["moved_to"].startswith(os.path.join("tasks", "damaged")) and os.path.exists(os.path.join(out, d["moved_to"]))
    assert len(lines) == 1 and "\n" not in lines[0] and note in lines[0] and "runs again" in lines[0]
    assert [r["rows"] for r in sweep.collect(out, configs).records] == good   # rerun: the same rows


def test_damaged_files_are_never_collected_and_never_overwritten_aside(tmp_path):
    out = str(tmp_path / "out")
    configs = sweep.expand({"b": [1, 2, 3]})
    sweep.run(sweep_tasks.two_rows, configs, out)
    _, path, _ = sweep.paths(out, configs[0])
    for attempt in range(2):                      # damaged twice: both copies are kept
        with open(path, "w") as fh:
            fh.write('{"rows": []}')
        lines = []
        found = sweep.collect(out, configs, log=lines.append)
        assert [r["config"] for r in found.records] == configs[1:] and found.missing == configs[:1]
        assert len(found.damaged) == 1 and len(lines) == 1 and not os.path.exists(path)
        sweep.run(sweep_tasks.two_rows, configs, out)
    assert len(os.listdir(os.path.join(out, "tasks", "damaged"))) == 2


def test_many_damaged_files_are_named_then_counted(tmp_path):
    out = str(tmp_path / "out")
    configs = sweep.expand({"b": list(range(8))})
    sweep.run(sweep_tasks.two_rows, configs, out)
    for c in configs:
        with open(sweep.paths(out, c)[1], "w") as fh:
            fh.write("{}")
    lines = []
    status = sweep.run(sweep_tasks.two_rows, configs, out, log=lines.append)
    assert status["ran"] == 8 and len(status["damaged"]) == 8
    assert len(lines) == sweep.LOG_DAMAGED + 1 and lines[-1].startswith("sweep: 3 more damaged")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_get_the_users_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        sweep.write_atomic(str(tmp_path / "r.csv"), "a,b\n")
        sweep.run(sweep_tasks.draw, grid()[:1], str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "r.csv").st_mode & 0o777 == mode
    task = [f for f in os.listdir(tmp_path / "out" / "tasks") if f.endswith(".json")][0]
    assert os.stat(tmp_path / "out" / "tasks" / task).st_mode & 0o777 == mode


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = str(tmp_path / "r.json")
    sweep.write_atomic(path, "old")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        sweep.write_atomic(path, "new")
    assert open(path).read() == "old" and os.listdir(tmp_path) == ["r.json"]


def test_atomic_write_can_leave_an_unchanged_file_alone(tmp_path):
    path = str(tmp_path / "r.csv")
    assert sweep.write_atomic(path, "x")
    stamp = os.stat(path).st_mtime_ns
    assert not sweep.write_atomic(path, "x", skip_unchanged=True) and os.stat(path).st_mtime_ns == stamp
    assert sweep.write_atomic(path, "y\r\n", skip_unchanged=True) and open(path, newline="").read() == "y\r\n"
    assert not sweep.write_atomic(path, "y\r\n", skip_unchanged=True)        # line ends are compared as written


def test_atomic_write_takes_bytes_and_refuses_other_types(tmp_path):
    path = str(tmp_path / "f.png")
    assert sweep.write_atomic(path, b"\x89PNG\r\n") and open(path, "rb").read() == b"\x89PNG\r\n"
    assert not sweep.write_atomic(path, b"\x89PNG\r\n", skip_unchanged=True)
    with pytest.raises(TypeError, match="text must be str or bytes"):
        sweep.write_atomic(path, 3)


def test_a_killed_writers_temporary_file_is_removed_by_the_next_sweep(tmp_path):
    """A writer killed by SIGKILL between creating its temporary file and the rename leaves the file; the
    next sweep over the directory removes it and says so. A live writer's file and one written on another
    host sharing the directory are left alone."""
    tasks = tmp_path / "out" / "tasks"
    tasks.mkdir(parents=True)
    code = ("import os, sys, zeroopt.taskfiles as t\n"
            "os.replace = lambda *a: os.kill(os.getpid(), 9)\n"
            f"t.write_atomic({str(tasks / 'x.json')!r}, 'partial')\n")
    child = subprocess.Popen([sys.executable, "-c", code])
    assert child.wait(timeout=60) == -signal.SIGKILL
    left = [f for f in os.listdir(tasks) if f.endswith(".part")]
    assert len(left) == 1 and str(child.pid) in left[0]
    host = taskfiles._HOST
    live = tasks / f".tmp-{host}-{os.getpid()}-1-abcd.part"
    other = tasks / f".tmp-elsewhere-{child.pid}-1-abcd.part"
    live.write_text("x"), other.write_text("x")
    lines = []
    sweep.run(sweep_tasks.draw, grid()[:1], str(tmp_path / "out"), log=lines.append)
    assert lines == ["sweep: removed 1 temporary file left by a killed writer"]
    assert sorted(f for f in os.listdir(tasks) if f.endswith(".part")) == sorted([live.name, other.name])


def test_a_failing_task_is_recorded_and_does_not_sink_the_sweep(tmp_path):
    out = str(tmp_path / "out")
    configs = grid()
    status = sweep.run(sweep_tasks.fails_on_b2, configs, out, jobs=2)
    assert status["ran"] == 6 and len(status["failed"]) == 2
    found = sweep.collect(out, configs)
    assert len(found.records) == 4 and len(found.errors) == 2 and len(found.missing) == 2
    assert all("task b=2 breaks" in e["error"] and "Traceback" in e["traceback"] for e in found.errors)
    again = sweep.run(sweep_tasks.draw, configs, out)       # failed tasks are retried
    assert again["ran"] == 2 and not sweep.collect(out, configs).errors


@pytest.fixture(scope="module")
def dask_cluster():
    """A local dask cluster of 2 single-threaded worker processes, shared by this module's dask tests."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


def _with_backend(backend, request):
    """A context that makes ``backend`` usable (dask: a client of the module's local cluster)."""
    import contextlib

    if backend != "dask":
        return contextlib.nullcontext()
    import distributed

    return distributed.Client(request.getfixturevalue("dask_cluster"))


@pytest.mark.parametrize("backend", ["loky", "threading", "multiprocessing", "dask"])
@pytest.mark.slow
def test_every_backend_shows_progress_and_gives_the_same_results(tmp_path, backend, capsys, request):
    configs = grid()
    sweep.run(sweep_tasks.draw, configs, str(tmp_path / "j1"), jobs=1)
    capsys.readouterr()
    with _with_backend(backend, request):
        status = sweep.run(sweep_tasks.draw, configs, str(tmp_path / backend), jobs=2, backend=backend, progress=True,
                           desc="demo")
    err = capsys.readouterr().err
    assert status["ran"] == 6 and not status["failed"] and status["backend"] == backend and status["jobs"] == 2
    assert "demo: 100%" in err and "6/6" in err and re.search(r"6/6 \[\d\d:\d\d<\d\d:\d\d", err)  # count, ETA
    assert values(str(tmp_path / "j1"), configs) == values(str(tmp_path / backend), configs)


@pytest.mark.parametrize("backend", ["loky", "multiprocessing"])
@pytest.mark.slow
def test_with_a_cost_model_the_bar_measures_work(tmp_path, capsys, backend):
    """Longest tasks first: after the task costing 3 of 4 (one job), the bar is at 75%, not the 50% a task
    count would say, so its ETA is a third of the elapsed time, not all of it. The multiprocessing backend
    returns at the end: its bar follows the task files as they appear (in whichever order)."""
    configs = sweep.expand({"a": ["x"], "b": [1, 3]})
    sweep.run(sweep_tasks.sleeps_b_tenths, configs, str(tmp_path), jobs=1 if backend == "loky" else 2,
              backend=backend, progress=True, cost=lambda c: c["b"], desc="cost")
    err = capsys.readouterr().err
    first = re.search(r"cost: 1/2 tasks, +(\d+)% of the estimated work \|[^|]*\| \[\d\d:\d\d<\d\d:\d\d\]", err)
    assert first and "cost: 2/2 tasks, 100% of the estimated work" in err
    assert first.group(1) == "75" if backend == "loky" else first.group(1) in ("25", "75")


def test_jobs_are_capped_for_local_backends():
    import joblib

    cores = joblib.cpu_count()
    assert sweep.cap_jobs(2, "loky") == (2, None)
    assert sweep.cap_jobs(-1, "threading") == (-1, None)
    jobs, note = sweep.cap_jobs(100000, "loky")
    assert jobs == sweep.JOBS_PER_CORE * cores and "100000" in note and f"{cores} cores" in note
    assert sweep.cap_jobs(100000, "dask") == (100000, None)    # a cluster backend takes the cluster's size
    for bad in (0, -2):
        with pytest.raises(ValueError, match="jobs"):
            sweep.cap_jobs(bad, "loky")


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="fn"):
        sweep.run(3, grid(), str(tmp_path))
    with pytest.raises(ValueError, match="jobs"):
        sweep.run(sweep_tasks.draw, grid(), str(tmp_path), jobs=0)
    with pytest.raises(TypeError, match="backend"):
        sweep.run(sweep_tasks.draw, grid(), str(tmp_path), backend=None)


# --- the rate experiment's tasks: threads count exactly, every backend gives the same file ---------
RATES_TINY = dict(settings=["strongly_convex"], dims=[10], methods=["gd", "sphere", "ns-forward"],
                  seeds=3, budgets={"strongly_convex": 100})


def _runs_csv(out, configs):
    from experiments import rates_report as report

    found = sweep.collect(out, configs)
    assert not found.missing
    return report.csv_text([row for rec in found.records for row in rec["rows"]], report.RUN_COLUMNS)


@pytest.fixture(scope="module")
def rates_jobs1(tmp_path_factory):
    """runs.csv of a tiny rate grid run with jobs = 1 (the reference), and its configs."""
    from experiments import rates_runs as runs

    configs = runs.tasks(**RATES_TINY)
    out = str(tmp_path_factory.mktemp("rates-j1"))
    sweep.run(runs.run_one, configs, out, jobs=1)
    return _runs_csv(out, configs), configs


@pytest.mark.parametrize("backend", ["threading", "loky", "multiprocessing", "dask"])
@pytest.mark.slow
def test_rate_tasks_give_byte_identical_runs_on_every_backend(tmp_path, backend, rates_jobs1, request):
    """Threads shared one Problem per (setting, n), and its counters, before: nfev differed run to run."""
    from experiments import rates_runs as runs

    reference, configs = rates_jobs1
    with _with_backend(backend, request):
        status = sweep.run(runs.run_one, configs, str(tmp_path), jobs=2, backend=backend)
    assert status["ran"] == len(configs) and not status["failed"]
    assert _runs_csv(str(tmp_path), configs) == reference
    shutil.rmtree(tmp_path)
