"""Sweeps: grid and seeds, job-count independence, resume, atomic files, failures, the dask backend."""

import json
import os

import numpy as np
import pytest
import sweep_tasks

from zeroopt import sweep


def grid():
    return sweep.expand({"a": ["x", "y"], "b": [1, 2, 3]})


def values(out, configs):
    records, _ = sweep.collect(out, configs)
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


def test_results_do_not_depend_on_jobs_or_order(tmp_path):
    configs = grid()
    sweep.run(sweep_tasks.draw, configs, str(tmp_path / "j1"), jobs=1)
    sweep.run(sweep_tasks.draw, configs[::-1], str(tmp_path / "j2"), jobs=2)
    assert values(str(tmp_path / "j1"), configs) == values(str(tmp_path / "j2"), configs)
    pids = {r["rows"][0]["pid"] for r in sweep.collect(str(tmp_path / "j2"), configs)[0]}
    assert os.getpid() not in pids  # jobs=2 really ran in workers


def test_numba_and_blas_tasks_give_the_same_bits_for_1_and_2_jobs(tmp_path):
    configs = sweep.expand({"n": [8, 30], "seed": [0, 1]})
    for jobs in (1, 2):
        sweep.run(sweep_tasks.optimize, configs, str(tmp_path / f"j{jobs}"), jobs=jobs)
    a = sweep.collect(str(tmp_path / "j1"), configs)[0]
    b = sweep.collect(str(tmp_path / "j2"), configs)[0]
    assert [r["rows"] for r in a] == [r["rows"] for r in b]


def test_resume_runs_only_the_missing_tasks(tmp_path):
    out = str(tmp_path / "out")
    configs = grid()
    first = sweep.run(sweep_tasks.draw, configs[:4], out)        # "killed" after four tasks
    assert first["ran"] == 4
    stamps = {f: os.path.getmtime(os.path.join(out, "tasks", f)) for f in os.listdir(os.path.join(out, "tasks"))}
    second = sweep.run(sweep_tasks.draw, configs, out)
    assert second == {"total": 6, "done_before": 4, "ran": 2, "failed": []}
    for f, t in stamps.items():
        assert os.path.getmtime(os.path.join(out, "tasks", f)) == t  # finished tasks untouched
    assert sweep.run(sweep_tasks.draw, configs, out)["ran"] == 0


def test_partial_files_are_never_read(tmp_path):
    out = str(tmp_path / "out")
    configs = grid()
    sweep.run(sweep_tasks.draw, configs, out)
    tid, path, _ = sweep._paths(out, configs[0])
    with open(os.path.join(out, "tasks", ".tmp-leftover.part"), "w") as fh:   # a write cut short
        fh.write('{"config": {"a": "x"')
    with open(path, "w") as fh:                                              # a result made unreadable
        fh.write('{"config": ')
    assert not sweep.finished(out, configs[0])
    records, _ = sweep.collect(out, configs)
    assert len(records) == 5
    assert sweep.run(sweep_tasks.draw, configs, out)["ran"] == 1              # and it is redone
    assert len(sweep.collect(out, configs)[0]) == 6


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = str(tmp_path / "r.json")
    sweep.write_atomic(path, "old")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        sweep.write_atomic(path, "new")
    assert open(path).read() == "old" and os.listdir(tmp_path) == ["r.json"]


def test_a_failing_task_is_recorded_and_does_not_sink_the_sweep(tmp_path):
    out = str(tmp_path / "out")
    configs = grid()
    status = sweep.run(sweep_tasks.fails_on_b2, configs, out, jobs=2)
    assert status["ran"] == 6 and len(status["failed"]) == 2
    records, errors = sweep.collect(out, configs)
    assert len(records) == 4 and len(errors) == 2
    assert all("task b=2 breaks" in e["error"] and "Traceback" in e["traceback"] for e in errors)
    again = sweep.run(sweep_tasks.draw, configs, out)       # failed tasks are retried
    assert again["ran"] == 2 and not sweep.collect(out, configs)[1]


def test_dask_backend_on_a_local_cluster_gives_the_same_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    configs = grid()
    sweep.run(sweep_tasks.draw, configs, str(tmp_path / "loky"), jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        status = sweep.run(sweep_tasks.draw, configs, str(tmp_path / "dask"), jobs=2, backend="dask")
    assert status["ran"] == 6 and not status["failed"]
    assert values(str(tmp_path / "loky"), configs) == values(str(tmp_path / "dask"), configs)


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="fn"):
        sweep.run(3, grid(), str(tmp_path))
    with pytest.raises(ValueError, match="jobs"):
        sweep.run(sweep_tasks.draw, grid(), str(tmp_path), jobs=0)


def test_records_are_json_with_their_config(tmp_path):
    out = str(tmp_path / "out")
    sweep.run(sweep_tasks.draw, grid()[:1], out)
    name = [f for f in os.listdir(os.path.join(out, "tasks")) if f.endswith(".json")][0]
    rec = json.load(open(os.path.join(out, "tasks", name)))
    assert rec["config"] == {"a": "x", "b": 1} and rec["id"] == name[:-5] and rec["seconds"] >= 0
